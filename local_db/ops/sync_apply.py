"""Applying a page of the centre's change log to the office database (DESIGN.md §5 "Pull").

The agent applies each page together with its cursor in ONE transaction (the caller's):
a crash mid-page leaves neither the changes nor the cursor, so the page comes again and
nothing is applied twice. Applying a page twice gives the same state (every change is an
upsert keyed by id, or a move that is recognised when it is already there).

What the centre sends, and who owns what:

* ``procedure``, ``service``, ``staff`` (with its password hash: an account made centrally
  signs in offline), ``holiday``, ``device`` (public keys for QR verification): the
  centre's, once the office is enrolled. A row the office made itself before enrolling is
  matched by its natural key (code, username, day, key) and kept under its own id; the
  centre's id is remembered as an alias so later changes and references find it.
* ``slot``: the online side only (the office owns its own quota and bookings).
* ``appointment``: online bookings. Check-in is the office's: a booking cancelled on the
  portal after the citizen checked in here stays checked in, and staff get a notice. A
  booking the kiosk checked in from its QR before it was pulled (a placeholder code
  ``LT-…`` and a masked-name citizen, local_db.ops.appointments_online) gets the centre's
  code, citizen, procedure and slot, its check-in and ticket untouched; when it was
  cancelled online meanwhile, the same notice (the centre answers the check-in with a
  conflict, shown in the sync list).
* ``dossier``: moves made centrally, each with a DossierEvent. A move that does not follow
  from the office's own state (both sides moved it) is applied — the centre holds the legal
  state — and staff get a notice; the office's own move comes back as a conflict.

Appointments and dossiers changed here get a trail row in the outbox (state ``central``,
never pushed) with its audit row, so ``motcua db check`` still finds every status change
in the outbox. A change that cannot apply (a reference the office does not have, data
that does not validate) is skipped with a notice for staff; it never blocks the page.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any, Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from core.actor import Actor
from core.dossier_states import next_state
from core.errors import MotcuaError, TransitionError
from core.text import fold, nfc
from local_db import journal
from local_db.models import (
    Appointment,
    AppointmentEvent,
    Citizen,
    CitizenNameToken,
    Device,
    Dossier,
    DossierEvent,
    Holiday,
    Outbox,
    Procedure,
    Service,
    Slot,
    Staff,
    SyncCursor,
    SyncStatus,
    Ticket,
)
from local_db.office_settings import get_office
from local_db.ops.appointments_online import is_placeholder
from local_db.ops.citizens import CitizenInput, upsert_citizen
from local_db.ops.enrollment import decode_key
from local_db.ops.sync_outbox import CENTRAL_STATE, add_notice

log = logging.getLogger(__name__)

CURSOR_NAME = "pull"
ALIAS_KEY = "id_alias"  # centre id -> local id, for rows the office had before it enrolled
CENTRE_LABEL = "centre"
HOLDING = ("booked", "checked_in", "no_show")  # appointments that hold their place
CLOSED = ("returned", "rejected", "withdrawn")


class ChangeLike(Protocol):
    """One change of the centre's log (sync.protocol.Change has these fields)."""

    seq: int
    office_code: str | None
    entity: str
    entity_id: uuid.UUID
    op: str
    data: dict[str, Any]


@dataclass(frozen=True)
class PageApplied:
    cursor: str
    applied: int  # changes that changed something here
    unchanged: int  # already here (a page seen again) or not for this office
    skipped: int  # could not apply: each left a notice for staff


class _Skip(Exception):
    """This change cannot apply here; the message says why (for the notice)."""


@dataclass
class _Page:
    session: Session
    office_code: str
    actor: Actor
    now: datetime
    aliases: dict[str, str]
    aliases_changed: bool = False
    touched_slots: set[uuid.UUID] = field(default_factory=set)

    def local_id(self, model: Any, centre_id: Any) -> uuid.UUID | None:
        """The local id of the row the centre calls ``centre_id`` (None: the office has none)."""
        if centre_id in (None, ""):
            return None
        cid = _uuid(centre_id)
        if self.session.get(model, cid) is not None:
            return cid
        alias = self.aliases.get(str(cid))
        if alias and self.session.get(model, uuid.UUID(alias)) is not None:
            return uuid.UUID(alias)
        return None

    def service_id(self, centre_id: Any, code: Any) -> uuid.UUID | None:
        """A service by the centre's id, else by its code (the centre names both)."""
        found = self.local_id(Service, centre_id)
        if found is None and code:
            found = self.session.scalar(select(Service.id).where(Service.office_code == self.office_code,
                                                                 Service.code == str(code)))
        return found

    def procedure_id(self, centre_id: Any, code: Any) -> uuid.UUID | None:
        found = self.local_id(Procedure, centre_id)
        if found is None and code:
            found = self.session.scalar(select(Procedure.id).where(Procedure.office_code == self.office_code,
                                                                   Procedure.code == str(code)))
        return found

    def own_echo(self, data: dict[str, Any]) -> bool:
        """The centre sends back a change the office itself made (``origin_op_id`` names
        one of this office's ops): the office already has it."""
        origin = data.get("origin_op_id")
        if not origin:
            return False
        return self.session.scalar(select(Outbox.op_id).where(Outbox.op_id == _uuid(origin))) is not None

    def alias(self, centre_id: uuid.UUID, local_id: uuid.UUID) -> None:
        if centre_id != local_id and self.aliases.get(str(centre_id)) != str(local_id):
            self.aliases[str(centre_id)] = str(local_id)
            self.aliases_changed = True


def pull_cursor(session: Session) -> str:
    """Where the next pull starts ("0": from the beginning)."""
    row = session.get(SyncCursor, CURSOR_NAME)
    return row.value if row is not None and row.value else "0"


def set_pull_cursor(session: Session, cursor: str, now: datetime) -> None:
    row = session.get(SyncCursor, CURSOR_NAME)
    if row is None:
        session.add(SyncCursor(name=CURSOR_NAME, value=cursor, updated_at=now))
    elif row.value != cursor:
        row.value = cursor
        row.updated_at = now


def apply_page(session: Session, changes: Iterable[ChangeLike], cursor: str, *,
               now: datetime | None = None) -> PageApplied:
    """Apply one pulled page and move the cursor, in the caller's transaction (never commits)."""
    now = now or datetime.now(timezone.utc)
    office = get_office(session)
    row = session.get(SyncStatus, ALIAS_KEY)
    page = _Page(session=session, office_code=office.code, actor=_centre_actor(session, office.code), now=now,
                 aliases=dict(row.value) if row is not None else {})
    applied = unchanged = skipped = 0
    for change in changes:
        if change.office_code not in (None, office.code):
            unchanged += 1
            continue
        handler = _HANDLERS.get(change.entity)
        if handler is None:
            log.info("pulled change of unknown entity %s ignored", change.entity)
            unchanged += 1
            continue
        try:
            with session.begin_nested():
                changed = handler(page, change)
        except (_Skip, MotcuaError, IntegrityError, DataError, KeyError, ValueError, TypeError) as exc:
            log.warning("pulled %s %s not applied: %s", change.entity, change.entity_id, exc)
            add_notice(session, kind="unapplied", entity=change.entity, entity_id=change.entity_id, now=now,
                       error=str(exc)[:300] or type(exc).__name__, seq=change.seq)
            skipped += 1
            continue
        if changed:
            applied += 1
        else:
            unchanged += 1
    for slot_id in sorted(page.touched_slots):
        _recount_online(session, slot_id)
    if page.aliases_changed:
        if row is None:
            session.add(SyncStatus(key=ALIAS_KEY, value=page.aliases, updated_at=now))
        else:
            row.value = dict(page.aliases)
            row.updated_at = now
    set_pull_cursor(session, cursor, now)
    session.flush()
    return PageApplied(cursor=cursor, applied=applied, unchanged=unchanged, skipped=skipped)


# --- helpers -----------------------------------------------------------------------------------

def _centre_actor(session: Session, office_code: str) -> Actor:
    """Whose name central changes are written under: the enrolled agent device (any device
    of this machine before enrollment)."""
    device_id = session.scalar(
        select(Device.id).where(Device.office_code == office_code, Device.private_key.is_not(None))
        .order_by((Device.credential != "").desc(), Device.enrolled_at.desc(), Device.created_at).limit(1))
    if device_id is None:
        raise MotcuaError("this office has no device to record central changes under", code="no_device")
    return Actor(office_code=office_code, device_id=device_id, staff_id=None, label=CENTRE_LABEL)


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _time(value: Any) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def _moment(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _set(row: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when anything did."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _upsert(page: _Page, model: Any, centre_id: uuid.UUID, natural: Any, values: dict[str, Any],
            on_create: dict[str, Any] | None = None) -> tuple[Any, bool]:
    """The row for ``centre_id`` (by id, alias, then natural key) updated with ``values``,
    or a new one; returns (row, changed)."""
    session = page.session
    local = page.local_id(model, centre_id)
    row = session.get(model, local) if local is not None else None
    if row is None and natural is not None:
        row = session.scalars(select(model).where(*natural).limit(1)).first()
        if row is not None:
            page.alias(centre_id, row.id)
    if row is None:
        row = model(id=centre_id, office_code=page.office_code, **values, **(on_create or {}))
        session.add(row)
        session.flush()
        return row, True
    changed = _set(row, values)
    if changed:
        session.flush()
    return row, changed


def _trail(page: _Page, entity: str, entity_id: uuid.UUID, op_type: str, from_state: str | None,
           to_state: str | None, payload: dict[str, Any]) -> None:
    """The outbox trail row (never pushed) and audit row of a change made by the centre."""
    op_id = journal.record(page.session, page.actor, entity=entity, entity_id=entity_id, op_type=op_type,
                           payload={"source": CENTRE_LABEL, **payload}, now=page.now, from_state=from_state,
                           to_state=to_state)
    page.session.execute(update(Outbox).where(Outbox.op_id == op_id).values(state=CENTRAL_STATE)
                         .execution_options(synchronize_session=False))


# --- the catalog, staff, holidays, devices -------------------------------------------------------

def _service(page: _Page, change: ChangeLike) -> bool:
    d = change.data
    if change.op == "delete":
        return _deactivate(page, Service, change.entity_id)
    values = {"code": d["code"], "name_vi": nfc(d["name_vi"]), "name_en": d["name_en"],
              "sort_order": int(d.get("sort_order", 0)), "active": bool(d.get("active", True))}
    if d.get("prefix"):  # the ticket prefix; a service the office has keeps its own when the centre names none
        values["prefix"] = d["prefix"]
    elif page.service_id(change.entity_id, d["code"]) is None:
        raise _Skip(f"service {d['code']}: no ticket prefix")
    natural = (Service.office_code == page.office_code, Service.code == values["code"])
    return _upsert(page, Service, _uuid(change.entity_id), natural, values)[1]


def _procedure(page: _Page, change: ChangeLike) -> bool:
    d = change.data
    if change.op == "delete":
        return _deactivate(page, Procedure, change.entity_id)
    service_id = page.service_id(d.get("service_id"), d.get("service_code"))
    if service_id is None:
        raise _Skip(f"procedure {d.get('code')}: service {d.get('service_code') or d.get('service_id')} "
                    "is not known here")
    values = {"code": d["code"], "name_vi": nfc(d["name_vi"]), "name_en": d["name_en"],
              "name_folded": d.get("name_folded") or fold(d["name_vi"]), "field_vi": nfc(d["field_vi"]),
              "field_en": d["field_en"], "service_id": service_id, "processing": d["processing"],
              "fee_rule": d["fee_rule"], "fee_note": d.get("fee_note", ""), "documents": d["documents"],
              "online_level": int(d.get("online_level", 2)), "active": bool(d.get("active", True))}
    natural = (Procedure.office_code == page.office_code, Procedure.code == values["code"])
    return _upsert(page, Procedure, _uuid(change.entity_id), natural, values)[1]


def _staff(page: _Page, change: ChangeLike) -> bool:
    d = change.data
    if change.op == "delete":
        return _deactivate(page, Staff, change.entity_id)
    username = str(d["username"]).strip().lower()
    values: dict[str, Any] = {"username": username, "full_name": nfc(d["full_name"]), "role": d["role"],
                              "active": bool(d.get("active", True))}
    if d.get("password_hash"):
        values["password_hash"] = d["password_hash"]
    elif page.local_id(Staff, change.entity_id) is None:
        raise _Skip(f"staff {username}: no password hash")
    natural = (Staff.office_code == page.office_code, func.lower(Staff.username) == username)
    return _upsert(page, Staff, _uuid(change.entity_id), natural, values, on_create={"failed_logins": 0})[1]


def _deactivate(page: _Page, model: Any, centre_id: Any) -> bool:
    local = page.local_id(model, centre_id)
    row = page.session.get(model, local) if local is not None else None
    return row is not None and _set(row, {"active": False})


def _holiday(page: _Page, change: ChangeLike) -> bool:
    d = change.data
    local = page.local_id(Holiday, change.entity_id)
    if change.op == "delete":
        row = page.session.get(Holiday, local) if local is not None else None
        if row is None:
            return False
        page.session.delete(row)
        page.session.flush()
        return True
    day = _date(d["day"])
    values = {"day": day, "name": nfc(d["name"]), "kind": d["kind"], "source": d.get("source", "announced")}
    natural = (Holiday.office_code == page.office_code, Holiday.day == day)
    return _upsert(page, Holiday, _uuid(change.entity_id), natural, values)[1]


def _device(page: _Page, change: ChangeLike) -> bool:
    """A device's public key (or its revocation). This machine's own devices keep their
    name, keys and credential: only ``revoked`` comes from the centre."""
    d = change.data
    session = page.session
    local = page.local_id(Device, change.entity_id)
    row = session.get(Device, local) if local is not None else None
    if change.op == "delete":
        return row is not None and _set(row, {"revoked": True})
    key = decode_key(d["public_key"])
    if row is None:
        row = session.scalars(select(Device).where(Device.public_key == key).limit(1)).first()
        if row is not None:
            page.alias(_uuid(change.entity_id), row.id)
    if row is not None:
        if row.private_key is not None:
            return _set(row, {"revoked": bool(d.get("revoked", False))})
        return _set(row, {"revoked": bool(d.get("revoked", False)), "kind": d.get("kind", row.kind),
                          "public_key": key})
    name = str(d.get("name") or change.entity_id)[:100]
    if session.scalar(select(Device.id).where(Device.name == name)) is not None:
        name = f"{name}-{str(change.entity_id)[:8]}"
    session.add(Device(id=_uuid(change.entity_id), office_code=d.get("office_code") or page.office_code, name=name,
                       kind=str(d.get("kind") or "device")[:16], public_key=key, private_key=None,
                       revoked=bool(d.get("revoked", False))))
    session.flush()
    return True


# --- slots and online bookings --------------------------------------------------------------------

def _slot(page: _Page, change: ChangeLike) -> bool:
    """The online side of a slot. A slot the office has keeps its own quota and bookings."""
    d = change.data
    session = page.session
    local = page.local_id(Slot, change.entity_id)
    if change.op == "delete":
        row = session.get(Slot, local) if local is not None else None
        if row is None:
            return False
        page.touched_slots.add(row.id)
        return _set(row, {"online_quota": row.online_booked})  # no new online places; bookings keep theirs
    row = session.get(Slot, local) if local is not None else None
    online_quota = max(0, int(d.get("online_quota", 0)))
    if row is not None:  # the office's own slot (or one seen before): only its online side moves
        page.touched_slots.add(row.id)
        return _set(row, {"online_quota": max(online_quota, row.online_booked)})
    service_id = page.service_id(d.get("service_id"), d.get("service_code"))
    if service_id is None:
        raise _Skip(f"slot {d.get('day')} {d.get('start_time')}: service "
                    f"{d.get('service_code') or d.get('service_id')} is not known here")
    day, start = _date(d["day"]), _time(d["start_time"])
    row = session.scalars(select(Slot).where(Slot.office_code == page.office_code, Slot.service_id == service_id,
                                             Slot.day == day, Slot.start_time == start).limit(1)).first()
    if row is not None:
        page.alias(_uuid(change.entity_id), row.id)
        page.touched_slots.add(row.id)
        return _set(row, {"online_quota": max(online_quota, row.online_booked)})
    row = Slot(id=_uuid(change.entity_id), office_code=page.office_code, service_id=service_id, day=day,
               start_time=start, end_time=_time(d["end_time"]), office_quota=max(0, int(d.get("office_quota", 0))),
               online_quota=online_quota, office_booked=0, online_booked=0)
    session.add(row)
    session.flush()
    page.touched_slots.add(row.id)
    return True


def _recount_online(session: Session, slot_id: uuid.UUID) -> None:
    """The slot's online count is what the online bookings here hold (what ``db check``
    verifies); its quota never below that."""
    held = session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.slot_id == slot_id, Appointment.source == "online", Appointment.status.in_(HOLDING))) or 0
    slot = session.get(Slot, slot_id)
    if slot is not None:
        _set(slot, {"online_booked": held, "online_quota": max(slot.online_quota, held)})
        session.flush()


def _citizen(page: _Page, data: dict[str, Any]) -> uuid.UUID:
    """The booking's citizen, stored once (by CCCD, or name and phone). A CCCD or phone that
    does not validate is left out rather than losing the booking."""
    name = str(data.get("full_name") or "").strip()
    cccd = data.get("id_number") or data.get("cccd") or None
    phone = data.get("phone") or None
    tries = [(cccd, phone), (None, phone), (None, None)]
    error: MotcuaError | None = None
    for id_number, tel in tries:
        try:
            with page.session.begin_nested():
                return upsert_citizen(page.session, page.office_code,
                                      CitizenInput(full_name=name, cccd=id_number, phone=tel)).id
        except MotcuaError as exc:
            error = exc
    assert error is not None
    raise error


def _appointment(page: _Page, change: ChangeLike) -> bool:
    d = change.data
    session = page.session
    appt_id = _uuid(change.entity_id)
    local = page.local_id(Appointment, appt_id)
    appt = session.get(Appointment, local) if local is not None else None
    if appt is None and d.get("code"):
        appt = session.scalars(select(Appointment).where(Appointment.code == d["code"]).limit(1)).first()
        if appt is not None and appt.source != "online":
            raise _Skip(f"appointment code {d['code']} is already used here by an office booking")
    status = "cancelled" if change.op == "delete" else str(d.get("status", "booked"))
    merged = appt is not None and _merge_checked_in_from_token(page, appt, d)
    if page.own_echo(d):
        return merged
    if appt is None:
        if change.op == "delete":
            return False
        return _new_online_booking(page, appt_id, d, status)
    if appt.source != "online":
        return False  # the office's own booking, as the centre echoes it: the office owns it
    if merged:
        session.flush()
    slot_id = page.local_id(Slot, d["slot_id"]) if d.get("slot_id") else appt.slot_id
    if status == "cancelled" and appt.status != "cancelled":
        if appt.status == "checked_in":
            ticket = session.scalar(select(Ticket.code).where(Ticket.appointment_id == appt.id)
                                    .order_by(Ticket.issued_at.desc()).limit(1))
            cancelled_at = _moment(d.get("cancelled_at"))
            first = (cancelled_at is not None and appt.checked_in_at is not None
                     and cancelled_at <= appt.checked_in_at)  # cancelled online, checked in here before we knew
            add_notice(session, kind="cancelled_before_check_in" if first else "cancelled_after_check_in",
                       entity="appointment", entity_id=appt.id, now=page.now, code=appt.code, ticket=ticket or "")
            return merged
        before = appt.status
        appt.status = "cancelled"
        appt.cancelled_at = _moment(d.get("cancelled_at")) or page.now
        session.add(AppointmentEvent(office_code=appt.office_code, appointment_id=appt.id, at=appt.cancelled_at,
                                     action="cancel", staff_id=None, detail={"source": CENTRE_LABEL}))
        _trail(page, "appointment", appt.id, "cancel", before, "cancelled",
               {"code": appt.code, "slot_id": appt.slot_id, "side": "online"})
        page.touched_slots.add(appt.slot_id)
        return True
    if status == "booked" and appt.status == "booked" and slot_id is not None and slot_id != appt.slot_id:
        old = appt.slot_id
        appt.slot_id = slot_id
        detail = {"from_slot_id": old, "to_slot_id": slot_id, "side": "online"}
        session.add(AppointmentEvent(office_code=appt.office_code, appointment_id=appt.id, at=page.now,
                                     action="reschedule", staff_id=None,
                                     detail=journal.jsonable({**detail, "source": CENTRE_LABEL})))
        _trail(page, "appointment", appt.id, "reschedule", "booked", "booked", {"code": appt.code, **detail})
        page.touched_slots.update((old, slot_id))
        return True
    return merged  # check-in and no-show are the office's: the centre's older view never reverts them


def _merge_checked_in_from_token(page: _Page, appt: Appointment, d: dict[str, Any]) -> bool:
    """An online booking the kiosk checked in from its QR before it was pulled
    (local_db.ops.appointments_online) gets the centre's code, citizen, procedure and slot;
    its status, check-in and ticket stay as they are. True when it changed."""
    if appt.source != "online" or not is_placeholder(appt.code) or not d.get("code"):
        return False
    session = page.session
    code = str(d["code"])
    if session.scalar(select(Appointment.id).where(Appointment.code == code, Appointment.id != appt.id)) is not None:
        raise _Skip(f"appointment code {code} is already used here by another booking")
    before = appt.code
    placeholder_citizen = appt.citizen_id
    appt.code = code
    if d.get("citizen"):
        appt.citizen_id = _citizen(page, dict(d["citizen"]))
    procedure_id = page.procedure_id(d.get("procedure_id"), d.get("procedure_code"))
    if procedure_id is not None:
        appt.procedure_id = procedure_id
    if d.get("booked_at"):
        appt.booked_at = _moment(d["booked_at"]) or appt.booked_at
    slot_id = page.local_id(Slot, d["slot_id"]) if d.get("slot_id") else None
    if slot_id is not None and slot_id != appt.slot_id:
        page.touched_slots.update((appt.slot_id, slot_id))
        appt.slot_id = slot_id
    session.flush()
    if appt.citizen_id != placeholder_citizen:
        _drop_placeholder_citizen(session, placeholder_citizen)
    session.add(AppointmentEvent(office_code=appt.office_code, appointment_id=appt.id, at=page.now, action="pulled",
                                 staff_id=None, detail=journal.jsonable({"source": CENTRE_LABEL, "placeholder": before,
                                                                         "code": code})))
    _trail(page, "appointment", appt.id, "merge", appt.status, appt.status,
           {"code": code, "placeholder": before, "slot_id": appt.slot_id})
    return True


def _drop_placeholder_citizen(session: Session, citizen_id: uuid.UUID) -> None:
    """The masked-name citizen a QR check-in made, once nothing refers to it any more."""
    used = session.scalar(select(Appointment.id).where(Appointment.citizen_id == citizen_id).limit(1))
    used = used or session.scalar(select(Dossier.id).where(Dossier.applicant_id == citizen_id).limit(1))
    citizen = session.get(Citizen, citizen_id)
    if used is None and citizen is not None and citizen.phone is None and citizen.cccd is None:
        session.execute(delete(CitizenNameToken).where(CitizenNameToken.citizen_id == citizen_id))
        session.delete(citizen)
        session.flush()


def _new_online_booking(page: _Page, appt_id: uuid.UUID, d: dict[str, Any], status: str) -> bool:
    session = page.session
    slot_id = page.local_id(Slot, d["slot_id"])
    if slot_id is None:
        raise _Skip(f"online booking {d.get('code')}: slot {d['slot_id']} is not known here")
    procedure_id = page.procedure_id(d.get("procedure_id"), d.get("procedure_code"))
    citizen_id = _citizen(page, dict(d.get("citizen") or {}))
    booked_at = _moment(d.get("booked_at")) or page.now
    appt = Appointment(id=appt_id, office_code=page.office_code, code=str(d["code"]), slot_id=slot_id,
                       procedure_id=procedure_id, citizen_id=citizen_id, source="online", status="booked",
                       booked_at=booked_at, checked_in_at=None, cancelled_at=None, note=str(d.get("note") or ""))
    session.add(appt)
    session.flush()
    session.add(AppointmentEvent(office_code=page.office_code, appointment_id=appt.id, at=booked_at, action="book",
                                 staff_id=None, detail=journal.jsonable({"slot_id": slot_id, "source": "online",
                                                                         "side": "online", "from": CENTRE_LABEL})))
    _trail(page, "appointment", appt.id, "book", None, "booked",
           {"code": appt.code, "slot_id": slot_id, "source": "online", "side": "online"})
    if status == "cancelled":
        appt.status = "cancelled"
        appt.cancelled_at = _moment(d.get("cancelled_at")) or page.now
        session.add(AppointmentEvent(office_code=page.office_code, appointment_id=appt.id, at=appt.cancelled_at,
                                     action="cancel", staff_id=None, detail={"source": CENTRE_LABEL}))
        _trail(page, "appointment", appt.id, "cancel", "booked", "cancelled", {"code": appt.code, "side": "online"})
    page.touched_slots.add(slot_id)
    return True


# --- dossiers moved centrally ----------------------------------------------------------------------

def _dossier(page: _Page, change: ChangeLike) -> bool:
    d = change.data
    session = page.session
    if change.op == "delete":
        raise _Skip("the centre deleted a dossier; dossiers are never deleted here")
    dossier = session.get(Dossier, _uuid(change.entity_id))
    if dossier is None and d.get("code"):
        dossier = session.scalars(select(Dossier).where(Dossier.code == d["code"]).limit(1)).first()
    if dossier is None:
        raise _Skip(f"dossier {d.get('code') or change.entity_id} is not in this office")
    if page.own_echo(d):
        return False
    event = dict(d.get("event") or {})
    action = str(event.get("action") or "")
    status = str(d.get("status") or dossier.status)
    at = _moment(event.get("at")) or page.now
    if not action:
        return False  # nothing moved: the office's own copy is the one that counts
    seen = session.scalar(select(DossierEvent.id).where(
        DossierEvent.dossier_id == dossier.id, DossierEvent.action == action[:24], DossierEvent.at == at).limit(1))
    if seen is not None:
        return False
    before = dossier.status
    try:  # the centre moved it from where the office has it: nothing diverged
        follows = next_state(before, action).value == status and event.get("from_state") in (None, before)
    except (TransitionError, ValueError):
        follows = False
    if not follows:
        add_notice(session, kind="dossier_moved_centrally", entity="dossier", entity_id=dossier.id,
                   now=page.now, code=dossier.code, status=status, local=before)
    dossier.status = status
    if "due_at" in d:
        dossier.due_at = _moment(d["due_at"])
    if status == "ready" and dossier.ready_at is None:
        dossier.ready_at = at
    if status == "returned" and dossier.returned_at is None:
        dossier.returned_at = at
    if status in CLOSED and dossier.closed_at is None:
        dossier.closed_at = at
    steps = session.scalar(select(func.count()).select_from(DossierEvent)
                           .where(DossierEvent.dossier_id == dossier.id)) or 0
    note = nfc(str(event.get("note") or ""))
    session.add(DossierEvent(office_code=dossier.office_code, dossier_id=dossier.id, at=at, action=action[:24],
                             from_state=before, to_state=status, staff_id=None, counter_id=None, note=note,
                             detail=journal.jsonable({"step": steps + 1, "source": CENTRE_LABEL,
                                                      "by": event.get("by"), "follows": follows})))
    _trail(page, "dossier", dossier.id, action[:32], before, status,
           {"code": dossier.code, "status": status, "due_at": dossier.due_at, "note": note, "at": at})
    session.flush()
    return True


_HANDLERS = {
    "service": _service, "procedure": _procedure, "staff": _staff, "holiday": _holiday, "device": _device,
    "slot": _slot, "appointment": _appointment, "dossier": _dossier,
}

__all__ = ["CURSOR_NAME", "ChangeLike", "PageApplied", "apply_page", "pull_cursor", "set_pull_cursor"]
