"""Appointment slots and bookings at the centre: two quotas, never mixed (docs/ARCHITECTURE.md §5).

Each slot has an office quota (kiosk, counter, phone — booked in the office, offline if need
be) and an online quota (booked on the city's website, here). Each side books only its own,
so the office's offline bookings and the website's can never take the same place
(scenario 9). The online count moves by one conditional UPDATE (``online_booked + 1 WHERE
online_booked < online_quota``) and a CHECK constraint backs it, so the online quota holds
under any concurrency. The office's count is mirrored from its ops, never judged here.

An office op on an appointment carries ``from_state``; when the centre's state differs — an
online booking cancelled on the website and checked in at the office — it is a ``conflict``,
reported, never silently dropped. A kiosk may check an online booking in from its signed QR
before the office has pulled it (payload ``source`` "online", ``offline_token`` true): the
centre applies it to its booking like any check-in; a check-in of an online booking the
centre does not have is rejected (``unknown_online_booking``).

Changes the office pulls: "slot" ``{id, office_code, service_id, service_code, day,
start_time, end_time, office_quota, online_quota, online_booked}`` whenever the online side
moves, and "appointment" for online bookings ``{id, office_code, code, slot_id,
procedure_id, procedure_code, service_code, citizen {full_name, phone, id_number}, source
"online", status, booked_at, cancelled_at, token}`` (also when an office op changes one,
with ``origin_op_id``, so the log always ends with the current state).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.citizen import normalize_phone, validate_cccd
from core.errors import (
    DomainError,
    NotFound,
    QuotaExceeded,
    TransitionError,
    ValidationError,
)
from core.i18n import N_, _
from core.text import clean_name, mask_name
from core.tokens import AppointmentToken
from core.working_calendar import OFFICE_TZ
from sync.protocol import Op
from sync.server import changelog
from sync.server.database import lock_office, rowcount
from sync.server.keys import centre_signer
from sync.server.models import (
    CentreEntity,
    CentreProcedure,
    CentreService,
    CentreSlot,
    utcnow,
)
from sync.server.projection import (
    APPLIED,
    Batch,
    Malformed,
    Projection,
    Verdict,
    jsonable,
    need,
)
from sync.server.scope import OutOfScope, require
from sync.server.slots import SlotRow

ENTITY = "appointment"
ONLINE_CODE_PREFIX = "LT"  # "lịch trực tuyến": never equal to an office's "LH" code
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
STATUS_WORDS = {"booked": N_("booked"), "checked_in": N_("checked in"), "no_show": N_("marked as not come"),
                "cancelled": N_("cancelled")}


# --- slots ----------------------------------------------------------------------------------


def slot_data(slot: CentreSlot | SlotRow) -> dict[str, Any]:
    return jsonable({"id": slot.id, "office_code": slot.office_code, "service_id": slot.service_id,
                     "service_code": slot.service_code, "day": slot.day, "start_time": slot.start_time,
                     "end_time": slot.end_time, "office_quota": slot.office_quota,
                     "online_quota": slot.online_quota, "online_booked": slot.online_booked})


def _fresh_slot(session: Session, office_code: str, slot_id: uuid.UUID) -> CentreSlot | None:
    """The office's slot as the database has it now; OutOfScope if another office's."""
    slot = session.scalars(select(CentreSlot).where(CentreSlot.id == slot_id)
                           .execution_options(populate_existing=True)).first()
    if slot is not None:
        require(office_code, slot.office_code, "slot", slot_id)
    return slot


def _publish_slot(session: Session, office_code: str, slot_id: uuid.UUID, now: datetime) -> None:
    slot = _fresh_slot(session, office_code, slot_id)
    if slot is not None:
        changelog.append(session, slot.office_code, "slot", slot.id, slot_data(slot), now=now)


def create_slots(session: Session, office_code: str, service_code: str, day: date, *, start: time, end: time,
                 minutes: int, office_quota: int, online_quota: int, now: datetime | None = None) -> list[dict[str, Any]]:
    """Slots of ``minutes`` from ``start`` to ``end``, published to the office. Idempotent per
    (service, day, start): an existing slot is returned untouched."""
    now = now or utcnow()
    if minutes <= 0 or office_quota < 0 or online_quota < 0 or not start < end:
        raise ValidationError("slots need a positive length, quotas of 0 or more and start before end", field="slot")
    lock_office(session, office_code)
    service_id = session.scalar(select(CentreService.id).where(CentreService.office_code == office_code,
                                                               CentreService.code == service_code))
    existing = {s.start_time: s for s in session.scalars(select(CentreSlot).where(
        CentreSlot.office_code == office_code, CentreSlot.service_code == service_code, CentreSlot.day == day))}
    made = []
    t, limit, step = datetime.combine(day, start), datetime.combine(day, end), timedelta(minutes=minutes)
    while t + step <= limit:
        slot = existing.get(t.time())
        if slot is None:
            slot = CentreSlot(id=uuid.uuid4(), office_code=office_code, service_id=service_id,
                              service_code=service_code, day=day, start_time=t.time(), end_time=(t + step).time(),
                              office_quota=office_quota, online_quota=online_quota, office_booked=0,
                              online_booked=0, updated_at=now)
            session.add(slot)
            session.flush()
            changelog.append(session, office_code, "slot", slot.id, slot_data(slot), now=now)
        made.append(slot_data(slot))
        t += step
    return made


def _slot_from_payload(batch: Batch, slot_id: uuid.UUID, payload: dict[str, Any]) -> SlotRow | None:
    """The centre's row of the office's slot, made from what a booking op tells of it
    (OutOfScope: another office's slot)."""
    slot = batch.slot(slot_id)
    if slot is not None or not all(payload.get(k) for k in ("day", "start_time", "end_time")):
        return slot
    known = batch.find("slot", slot_id)  # quotas the office set before the centre saw a booking
    quotas = known.data if known is not None else {}
    return batch.slots.add(SlotRow(
        id=slot_id, office_code=batch.office_code, service_id=None, service_code=str(payload.get("service_code") or ""),
        day=date.fromisoformat(payload["day"]), start_time=time.fromisoformat(payload["start_time"]),
        end_time=time.fromisoformat(payload["end_time"]), office_quota=int(quotas.get("office_quota") or 0),
        online_quota=int(quotas.get("online_quota") or 0), office_booked=0, online_booked=0, updated_at=batch.now))


def _count(session: Session, office_code: str, slot_id: uuid.UUID, side: str, delta: int) -> bool:
    """Move one side's booked count by ``delta`` in the database (a central action; a push
    counts in its batch's :class:`~sync.server.slots.SlotStore`); the online side never past
    its quota or 0."""
    column = CentreSlot.online_booked if side == "online" else CentreSlot.office_booked
    stmt = update(CentreSlot).where(CentreSlot.id == slot_id, CentreSlot.office_code == office_code)
    if side == "online" and delta > 0:
        stmt = stmt.where(CentreSlot.online_booked < CentreSlot.online_quota)
    if delta < 0:
        stmt = stmt.where(column > 0)
    result = session.execute(stmt.values({column.key: column + delta}).execution_options(synchronize_session=False))
    return bool(rowcount(result))


def slot_ids_named(batch: Batch, ops: Sequence[Op]) -> set[uuid.UUID]:
    """Every slot the batch's slot and appointment ops may touch (read in one query)."""
    ids: set[uuid.UUID] = set()
    for op in ops:
        if op.entity == "slot":
            ids.add(op.entity_id)
        elif op.entity == ENTITY:
            try:
                known = batch.find(ENTITY, op.entity_id)
            except OutOfScope:
                continue  # another office's appointment: the push refuses the op
            for value in (op.payload.get("slot_id"), op.payload.get("to_slot_id"),
                          known.data.get("slot_id") if known is not None else None):
                try:
                    ids.add(uuid.UUID(str(value))) if value else None
                except ValueError:
                    pass  # a malformed op: its rule says so
    return ids


def _publish_row(batch: Batch, slot: SlotRow) -> None:
    batch.publish(slot.office_code, "slot", slot.id, slot_data(slot))


def apply_slot_op(batch: Batch, op: Op, proj: Projection) -> Verdict:
    """The office set a slot's quotas. The online quota may not drop below the places the
    centre has already sold online: that is a conflict a person settles."""
    if op.op_type not in ("set_capacity", "create"):
        return Verdict("rejected", "unknown_op", _("Unknown operation {op_type} on an appointment slot.")
                       .format(op_type=op.op_type))
    office_quota, online_quota = int(need(op.payload, "office_quota")), int(need(op.payload, "online_quota"))
    if office_quota < 0 or online_quota < 0:
        raise Malformed("quota")
    slot = _slot_from_payload(batch, op.entity_id, op.payload)
    if slot is not None:
        if online_quota < slot.online_booked:
            return Verdict("conflict", "below_online_booked", _(
                "{booked} places of this slot are already booked online; the online places cannot be fewer.")
                .format(booked=slot.online_booked), server_state=slot_data(slot))
        changed_online = online_quota != slot.online_quota
        batch.slots.set_quotas(slot, office_quota=office_quota, online_quota=online_quota, now=batch.now)
        if changed_online:  # the log ends with the slot's current online side (a pull never undoes this)
            _publish_row(batch, slot)
    proj.data = {**proj.data, "office_quota": office_quota, "online_quota": online_quota}
    proj.status = "active"
    return APPLIED


# --- appointments: the office's ops ---------------------------------------------------------


def _side(proj: Projection, payload: dict[str, Any]) -> str:
    """Whose quota the appointment holds: what the centre knows first, else what the op says."""
    if proj.data.get("source"):
        return "online" if proj.data["source"] == "online" else "office"
    return "online" if "online" in (payload.get("source"), payload.get("side")) else "office"


def public_state(proj: Projection) -> dict[str, Any]:
    data = proj.data
    return {"id": str(proj.entity_id), "office_code": proj.office_code, "code": proj.code or data.get("code"),
            "slot_id": data.get("slot_id"), "source": data.get("source"), "status": proj.status,
            "booked_at": data.get("booked_at"), "cancelled_at": data.get("cancelled_at")}


def _named_slots_in_scope(batch: Batch, payload: dict[str, Any]) -> None:
    """Refuse (OutOfScope) an op naming another office's slot, whatever it does with it."""
    for key in ("slot_id", "to_slot_id"):
        if payload.get(key):
            batch.slot(uuid.UUID(str(payload[key])))


def apply_appointment_op(batch: Batch, op: Op, proj: Projection) -> Verdict:
    p = op.payload
    _named_slots_in_scope(batch, p)
    if op.op_type == "book":
        if proj.exists:
            return Verdict("rejected", "already_exists", _("This appointment was already booked."))
        slot_id = uuid.UUID(str(need(p, "slot_id")))
        side = p.get("side") or ("online" if p.get("source") == "online" else "office")
        if side == "online":
            return Verdict("rejected", "online_is_central", _(
                "Online places are booked on the city's website, not at the office."))
        if _slot_from_payload(batch, slot_id, p) is not None:
            batch.count(slot_id, "office", +1)
        proj.data = {**p, "booked_at": p.get("booked_at") or jsonable(op.device_time)}
        proj.status = op.to_state or "booked"
        proj.code = str(p.get("code") or "") or None
        return APPLIED
    if op.op_type not in ("cancel", "reschedule", "check_in", "no_show"):
        return Verdict("rejected", "unknown_op", _("Unknown operation {op_type} on an appointment.")
                       .format(op_type=op.op_type))
    if not proj.exists and op.op_type == "check_in" and "online" in (p.get("source"), p.get("side")):
        # A kiosk checked in an online booking from its centre-signed QR; the centre signs
        # only bookings it holds, so one it does not know is refused, loud and clear.
        return Verdict("rejected", "unknown_online_booking", _(
            "The office checked in an online booking the centre does not have; a person must look at it."))
    if proj.exists and op.from_state is not None and proj.status != op.from_state:
        return Verdict("conflict", "state_changed", _(
            "The appointment was changed at the centre meanwhile (it is now {state}); a person must look at it.")
            .format(state=_(STATUS_WORDS[proj.status]) if proj.status in STATUS_WORDS else proj.status),
            server_state=public_state(proj))
    side = _side(proj, p)
    named_slot = proj.data.get("slot_id") or p.get("slot_id")
    # Only a booking the centre holds gives its place back: a cancel of one it never had (or
    # cancelled already) must not free a place a citizen holds.
    holding = proj.exists and proj.status != "cancelled"
    old_slot = uuid.UUID(str(named_slot)) if named_slot and holding else None
    if old_slot is not None:
        batch.slot(old_slot)  # another office's slot: refused before anything moves
    if op.op_type == "reschedule":
        new_slot = uuid.UUID(str(need(p, "to_slot_id")))
        if side == "online":
            if not batch.count(new_slot, "online", +1):
                return Verdict("conflict", "online_full", _("No online place is left in the new slot."),
                               server_state=public_state(proj))
        elif _slot_from_payload(batch, new_slot, p) is not None:
            batch.count(new_slot, "office", +1)
        if old_slot is not None:
            batch.count(old_slot, side, -1)
        if side == "online":
            for moved in (new_slot, old_slot):
                row = batch.slot(moved) if moved is not None else None
                if row is not None:
                    _publish_row(batch, row)
        proj.data = {**proj.data, "slot_id": str(new_slot)}
    elif op.op_type == "cancel" and old_slot is not None:
        batch.count(old_slot, side, -1)
        row = batch.slot(old_slot) if side == "online" else None
        if row is not None:
            _publish_row(batch, row)
    when = jsonable(op.device_time)
    extra = {"cancelled_at": when} if op.op_type == "cancel" else {"checked_in_at": when} if op.op_type == "check_in" else {}
    # The office's copy of an online booking checked in from its QR has only a placeholder
    # code: the centre's code and booking details stay.
    kept = ("slot_id", "side", "code") if proj.code else ("slot_id", "side")
    proj.data = {**proj.data, **{k: v for k, v in p.items() if k not in kept}, **extra}
    proj.status = op.to_state or proj.status
    proj.code = proj.code or (str(p["code"]) if p.get("code") else None)
    if side == "online":
        batch.publish(proj.office_code, ENTITY, proj.entity_id, {**_online_data(proj), "origin_op_id": str(op.op_id)})
    return APPLIED


# --- online bookings (the city's website) ---------------------------------------------------


@dataclass(frozen=True)
class OnlineBooking:
    id: uuid.UUID
    office_code: str
    code: str
    slot_id: uuid.UUID
    status: str
    token: str  # the signed QR text the citizen shows at the kiosk
    change_seq: int


def _online_data(proj: Projection) -> dict[str, Any]:
    d = proj.data
    return {"id": str(proj.entity_id), "office_code": proj.office_code, "code": proj.code, "slot_id": d.get("slot_id"),
            "procedure_id": d.get("procedure_id"), "procedure_code": d.get("procedure_code"),
            "service_code": d.get("service_code"), "citizen": d.get("citizen"), "source": "online",
            "status": proj.status, "booked_at": d.get("booked_at"), "cancelled_at": d.get("cancelled_at"),
            "token": d.get("token")}


def _new_code(session: Session) -> str:
    for _attempt in range(20):
        code = ONLINE_CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(CentreEntity.entity_id).where(CentreEntity.entity == ENTITY,
                                                               CentreEntity.code == code)) is None:
            return code
    raise DomainError("could not find a free appointment code", code="code_exhausted")


def book_online(session: Session, office_code: str, slot_id: uuid.UUID | str, *, full_name: str, phone: str,
                id_number: str | None = None, procedure_code: str | None = None,
                now: datetime | None = None) -> OnlineBooking:
    """Book one ONLINE place of a slot for a citizen (QuotaExceeded when none is left)."""
    now = now or utcnow()
    slot_id = uuid.UUID(str(slot_id))
    name = clean_name(full_name or "")
    if not name:
        raise ValidationError("the citizen's name is required", field="full_name")
    phone = normalize_phone(phone)
    cccd = validate_cccd(id_number) if id_number else None
    lock_office(session, office_code)
    slot = _fresh_slot(session, office_code, slot_id)
    if slot is None:
        raise NotFound("no such appointment slot", code="slot_not_found", slot_id=str(slot_id))
    if datetime.combine(slot.day, slot.end_time, tzinfo=OFFICE_TZ) <= now:
        raise ValidationError("this slot is over", field="slot", code="slot_past")
    procedure_id = None
    if procedure_code:
        found = session.execute(select(CentreProcedure.id, CentreService.id, CentreService.code).join(
            CentreService, CentreService.id == CentreProcedure.service_id).where(
            CentreProcedure.office_code == office_code, CentreProcedure.code == procedure_code)).first()
        if found is None:
            raise ValidationError(f"no procedure {procedure_code}", field="procedure_code", code="procedure_not_found")
        procedure_id = found[0]
        if slot.service_id != found[1] and slot.service_code != found[2]:
            raise ValidationError("this slot is for another service than the procedure's", field="slot",
                                  code="slot_other_service")
    if not _count(session, office_code, slot.id, "online", +1):
        raise QuotaExceeded("no online place is left in this slot", code="online_full", slot_id=str(slot_id))
    batch = Batch(session, office_code, now=now)
    appointment_id = uuid.uuid4()
    proj = batch.get(ENTITY, appointment_id)
    code = _new_code(session)
    window_start = datetime.combine(slot.day, slot.start_time, tzinfo=OFFICE_TZ)
    window_end = datetime.combine(slot.day, slot.end_time, tzinfo=OFFICE_TZ)
    token = centre_signer(session).sign(AppointmentToken(
        entity_id=appointment_id, office_code=office_code, issued_at=now, service_code=slot.service_code or "-",
        window_start=window_start, window_end=window_end, masked_name=mask_name(name)))
    proj.code, proj.status, proj.dirty = code, "booked", True
    proj.data = jsonable({"code": code, "slot_id": slot.id, "service_code": slot.service_code, "day": slot.day,
                          "start_time": slot.start_time, "end_time": slot.end_time, "source": "online",
                          "side": "online", "procedure_id": procedure_id, "procedure_code": procedure_code,
                          "citizen": {"full_name": name, "phone": phone, "id_number": cccd},
                          "booked_at": now, "cancelled_at": None, "token": token})
    batch.flush()
    _publish_slot(session, office_code, slot.id, now)
    seq = changelog.append(session, office_code, ENTITY, appointment_id, _online_data(proj), now=now)
    return OnlineBooking(id=appointment_id, office_code=office_code, code=code, slot_id=slot.id, status="booked",
                         token=token, change_seq=seq)


def find_online(session: Session, office_code: str, appointment: uuid.UUID | str) -> uuid.UUID:
    """An online booking's id from its id or its code (``lt-x7k2 mp`` works)."""
    if isinstance(appointment, uuid.UUID):
        return appointment
    code = "".join(ch for ch in str(appointment).upper() if ch.isalnum())
    found = session.scalar(select(CentreEntity.entity_id).where(
        CentreEntity.entity == ENTITY, CentreEntity.code == code, CentreEntity.office_code == office_code))
    if found is None:
        raise NotFound("no such appointment", code="appointment_not_found")
    return found


def cancel_online(session: Session, office_code: str, appointment: uuid.UUID | str, *, reason: str = "",
                  now: datetime | None = None) -> OnlineBooking:
    """The citizen cancels an online booking on the website: the online place comes back.
    If the office checks it in meanwhile, that check-in comes back as a conflict."""
    now = now or utcnow()
    lock_office(session, office_code)
    appointment_id = find_online(session, office_code, appointment)
    batch = Batch(session, office_code, now=now)
    proj = batch.find(ENTITY, appointment_id)
    if proj is None or proj.office_code != office_code or proj.data.get("source") != "online":
        raise NotFound("no such online appointment", code="appointment_not_found")
    if proj.status != "booked":
        raise TransitionError(f"the appointment is {proj.status}, it cannot be cancelled", code="illegal_transition",
                              status=proj.status)
    slot_id = uuid.UUID(str(proj.data["slot_id"]))
    _count(session, office_code, slot_id, "online", -1)
    proj.status, proj.dirty = "cancelled", True
    proj.data = {**proj.data, "cancelled_at": jsonable(now), "cancel_reason": " ".join(reason.split())}
    batch.flush()
    _publish_slot(session, office_code, slot_id, now)
    seq = changelog.append(session, office_code, ENTITY, appointment_id, _online_data(proj), now=now)
    return OnlineBooking(id=appointment_id, office_code=office_code, code=proj.code or "", slot_id=slot_id,
                         status="cancelled", token=str(proj.data.get("token") or ""), change_seq=seq)


__all__ = ["OnlineBooking", "apply_appointment_op", "apply_slot_op", "book_online", "cancel_online",
           "create_slots", "find_online", "public_state", "slot_data", "slot_ids_named"]
