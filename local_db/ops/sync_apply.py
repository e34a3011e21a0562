"""Applying a page of the centre's change log to the office database (docs/ARCHITECTURE.md §5 "Pull").

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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from core.actor import Actor
from core.dossier_states import next_state
from core.errors import MotcuaError, TransitionError
from core.text import fold, nfc
from local_db import journal
from local_db.models import (
    Device,
    Dossier,
    DossierEvent,
    Holiday,
    Procedure,
    Service,
    Staff,
    SyncCursor,
    SyncStatus,
)
from local_db.office_settings import get_office
from local_db.ops.enrollment import decode_key
from local_db.ops.sync_apply_bookings import (
    pulled_appointment,
    pulled_slot,
    recount_online,
)
from local_db.ops.sync_outbox import add_notice
from local_db.ops.sync_pull_page import (
    CENTRE_LABEL,
    ChangeLike,
    PulledPage,
    Skip,
    day_of,
    moment_of,
    set_changed,
    trail,
    upsert_row,
    uuid_of,
)

log = logging.getLogger(__name__)

CURSOR_NAME = "pull"
ALIAS_KEY = "id_alias"  # centre id -> local id, for rows the office had before it enrolled
CLOSED = ("returned", "rejected", "withdrawn")


@dataclass(frozen=True)
class PageApplied:
    cursor: str
    applied: int  # changes that changed something here
    unchanged: int  # already here (a page seen again) or not for this office
    skipped: int  # could not apply: each left a notice for staff


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
    page = PulledPage(session=session, office_code=office.code, actor=_centre_actor(session, office.code), now=now,
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
        except (Skip, MotcuaError, IntegrityError, DataError, KeyError, ValueError, TypeError) as exc:
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
        recount_online(session, slot_id)
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


# --- the catalog, staff, holidays, devices -------------------------------------------------------

def _service(page: PulledPage, change: ChangeLike) -> bool:
    d = change.data
    if change.op == "delete":
        return _deactivate(page, Service, change.entity_id)
    values = {"code": d["code"], "name_vi": nfc(d["name_vi"]), "name_en": d["name_en"],
              "sort_order": int(d.get("sort_order", 0)), "active": bool(d.get("active", True))}
    if d.get("prefix"):  # the ticket prefix; a service the office has keeps its own when the centre names none
        values["prefix"] = d["prefix"]
    elif page.service_id(change.entity_id, d["code"]) is None:
        raise Skip(f"service {d['code']}: no ticket prefix")
    natural = (Service.office_code == page.office_code, Service.code == values["code"])
    return upsert_row(page, Service, uuid_of(change.entity_id), natural, values)[1]


def _procedure(page: PulledPage, change: ChangeLike) -> bool:
    d = change.data
    if change.op == "delete":
        return _deactivate(page, Procedure, change.entity_id)
    service_id = page.service_id(d.get("service_id"), d.get("service_code"))
    if service_id is None:
        raise Skip(f"procedure {d.get('code')}: service {d.get('service_code') or d.get('service_id')} "
                    "is not known here")
    values = {"code": d["code"], "name_vi": nfc(d["name_vi"]), "name_en": d["name_en"],
              "name_folded": d.get("name_folded") or fold(d["name_vi"]), "field_vi": nfc(d["field_vi"]),
              "field_en": d["field_en"], "service_id": service_id, "processing": d["processing"],
              "fee_rule": d["fee_rule"], "fee_note": d.get("fee_note", ""), "documents": d["documents"],
              "online_level": int(d.get("online_level", 2)), "active": bool(d.get("active", True))}
    natural = (Procedure.office_code == page.office_code, Procedure.code == values["code"])
    return upsert_row(page, Procedure, uuid_of(change.entity_id), natural, values)[1]


def _staff(page: PulledPage, change: ChangeLike) -> bool:
    d = change.data
    if change.op == "delete":
        return _deactivate(page, Staff, change.entity_id)
    username = str(d["username"]).strip().lower()
    values: dict[str, Any] = {"username": username, "full_name": nfc(d["full_name"]), "role": d["role"],
                              "active": bool(d.get("active", True))}
    if d.get("password_hash"):
        values["password_hash"] = d["password_hash"]
    elif page.local_id(Staff, change.entity_id) is None:
        raise Skip(f"staff {username}: no password hash")
    natural = (Staff.office_code == page.office_code, func.lower(Staff.username) == username)
    return upsert_row(page, Staff, uuid_of(change.entity_id), natural, values, on_create={"failed_logins": 0})[1]


def _deactivate(page: PulledPage, model: Any, centre_id: Any) -> bool:
    local = page.local_id(model, centre_id)
    row = page.session.get(model, local) if local is not None else None
    return row is not None and set_changed(row, {"active": False})


def _holiday(page: PulledPage, change: ChangeLike) -> bool:
    d = change.data
    local = page.local_id(Holiday, change.entity_id)
    if change.op == "delete":
        row = page.session.get(Holiday, local) if local is not None else None
        if row is None:
            return False
        page.session.delete(row)
        page.session.flush()
        return True
    day = day_of(d["day"])
    values = {"day": day, "name": nfc(d["name"]), "kind": d["kind"], "source": d.get("source", "announced")}
    natural = (Holiday.office_code == page.office_code, Holiday.day == day)
    return upsert_row(page, Holiday, uuid_of(change.entity_id), natural, values)[1]


def _device(page: PulledPage, change: ChangeLike) -> bool:
    """A device's public key (or its revocation). This machine's own devices keep their
    name, keys and credential: only ``revoked`` comes from the centre."""
    d = change.data
    session = page.session
    local = page.local_id(Device, change.entity_id)
    row = session.get(Device, local) if local is not None else None
    if change.op == "delete":
        return row is not None and set_changed(row, {"revoked": True})
    key = decode_key(d["public_key"])
    if row is None:
        row = session.scalars(select(Device).where(Device.public_key == key).limit(1)).first()
        if row is not None:
            page.alias(uuid_of(change.entity_id), row.id)
    if row is not None:
        if row.private_key is not None:
            return set_changed(row, {"revoked": bool(d.get("revoked", False))})
        return set_changed(row, {"revoked": bool(d.get("revoked", False)), "kind": d.get("kind", row.kind),
                          "public_key": key})
    name = str(d.get("name") or change.entity_id)[:100]
    if session.scalar(select(Device.id).where(Device.name == name)) is not None:
        name = f"{name}-{str(change.entity_id)[:8]}"
    session.add(Device(id=uuid_of(change.entity_id), office_code=d.get("office_code") or page.office_code, name=name,
                       kind=str(d.get("kind") or "device")[:16], public_key=key, private_key=None,
                       revoked=bool(d.get("revoked", False))))
    session.flush()
    return True


# --- dossiers moved centrally ----------------------------------------------------------------------

def _dossier(page: PulledPage, change: ChangeLike) -> bool:
    d = change.data
    session = page.session
    if change.op == "delete":
        raise Skip("the centre deleted a dossier; dossiers are never deleted here")
    dossier = session.get(Dossier, uuid_of(change.entity_id))
    if dossier is None and d.get("code"):
        dossier = session.scalars(select(Dossier).where(Dossier.code == d["code"]).limit(1)).first()
    if dossier is None:
        raise Skip(f"dossier {d.get('code') or change.entity_id} is not in this office")
    if page.own_echo(d):
        return False
    event = dict(d.get("event") or {})
    action = str(event.get("action") or "")
    status = str(d.get("status") or dossier.status)
    at = moment_of(event.get("at")) or page.now
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
        dossier.due_at = moment_of(d["due_at"])
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
    trail(page, "dossier", dossier.id, action[:32], before, status,
           {"code": dossier.code, "status": status, "due_at": dossier.due_at, "note": note, "at": at})
    session.flush()
    return True


_HANDLERS = {
    "service": _service, "procedure": _procedure, "staff": _staff, "holiday": _holiday, "device": _device,
    "slot": pulled_slot, "appointment": pulled_appointment, "dossier": _dossier,
}

__all__ = ["CURSOR_NAME", "ChangeLike", "PageApplied", "apply_page", "pull_cursor", "set_pull_cursor"]
