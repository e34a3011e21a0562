"""Finding dossiers and appointments from whatever the clerk or the citizen typed.

The kind of query is recognised first, and each kind has its own index-backed path:

* a dossier code (``000.00.04.H26-261123-0001``): exact, or a prefix of at least the unit
  id and the date (``...H26-261123`` lists that day's dossiers) -> the unique code index;
* an appointment code (``LH...``, case and dashes ignored) -> the unique code index;
* a 12-digit CCCD, a mobile phone (``+84 912 345 678`` = ``0912345678``) -> the citizen's
  indexed column, then ``ix_dossier_applicant (applicant_id, received_at)``;
* otherwise a name. It is folded (``"nguyen van hoa"`` finds ``"Nguyễn Văn Hoà"``, ``"thuy"``
  finds ``"Thuỷ"`` and ``"Thủy"``) and split into words; a citizen matches when EVERY word
  is a prefix of one of their name words (``"van hoa"``, ``"nguyen thi thu"``).

Name search reads ``citizen_name_token`` (primary key ``(token, citizen_id)``). A prefix is
first expanded into the few distinct words that start with it (a recursive skip-scan: one
index seek per distinct word, however many citizens share it), so every later check is an
exact ``(token, citizen_id)`` seek. Then one of two plans runs, chosen by a capped count of
each word's citizens:

* some word is selective (fewer than :data:`SELECTIVE` citizens): start from its citizens,
  keep those that have the other words (EXISTS seeks), then their newest dossiers through
  ``ix_dossier_applicant``, reading only the index until the last step;
* every word is common ("nguyen van"): walk the dossiers newest first through
  ``ix_dossier_received_at`` and keep those whose applicant has every word, stopping at the
  limit. A first window of :data:`SCAN_WINDOW` dossiers measures how often the words meet;
  the walk goes on (in at most two more, bigger windows) only while that is cheaper than the
  first plan driven by the least common word, which otherwise finishes the job.

Every filter on ``office_code`` is written so that SQLite cannot use it as an index (see
:func:`_in_office`): an office database holds one office, so that index selects every row.
Measured on SQLite with 300,000 dossiers and 200,000 citizens (see the helper's report):
codes, phones and CCCDs in 1-3 ms; names in 5-40 ms of CPU time.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, literal, select, text
from sqlalchemy.orm import Session, aliased

from core.citizen import normalize_phone
from core.errors import ValidationError
from core.text import mask_name, search_tokens
from local_db.models import Appointment, Citizen, CitizenNameToken, Dossier, Procedure, Service, Slot
from local_db.ops.citizens import MAX_TOKEN
from local_db.ops.dossier_info import DossierSummary, summaries_by_ids, utc_now

#: A word with fewer citizens than this drives the citizen-first plan straight away.
SELECTIVE = 5000
#: Citizens counted per word at most (the count only ranks words and picks a plan).
COUNT_CAP = 20000
#: The dossier-first plan's first window (newest dossiers), and the most it ever walks.
SCAN_WINDOW = 2000
MAX_SCAN = 30000
#: A prefix starting more distinct words than this is kept as a range (e.g. one letter).
EXPAND_CAP = 64
#: Above this character, nothing a folded word can contain sorts (prefix range upper bound).
TOP = "\uffff"

# A unit id has a letter (``000.00.04.H26``, ``H56.14``): "0912-345678" stays a phone number.
_DOSSIER_CODE = re.compile(r"(?=[0-9.]*[A-Z])[0-9A-Z.]+-[0-9]{6}(-[0-9]*)?")
_APPOINTMENT_CODE = re.compile(r"LH[0-9A-Z]+")
_PHONE_CHARS = re.compile(r"[\s.\-()+]")


@dataclass(frozen=True)
class Query:
    """What a search text was recognised as: ``kind`` and the normalised value(s)."""

    kind: str  # dossier_code / appointment_code / cccd / phone / name / empty
    value: str = ""
    tokens: tuple[str, ...] = ()


def classify(query: str) -> Query:
    raw = " ".join((query or "").split())
    if not raw:
        return Query("empty")
    compact = raw.replace(" ", "").upper()
    if _DOSSIER_CODE.fullmatch(compact):
        return Query("dossier_code", compact)
    alnum = "".join(ch for ch in compact if ch.isalnum())
    if _APPOINTMENT_CODE.fullmatch(alnum):
        return Query("appointment_code", alnum)
    digits = _PHONE_CHARS.sub("", raw)
    if digits.isdigit():
        if len(digits) == 12 and not digits.startswith("84"):
            return Query("cccd", digits)
        try:
            return Query("phone", normalize_phone(raw))
        except ValidationError:
            return Query("empty")  # digits that are neither: no name has them
    tokens = tuple(t[:MAX_TOKEN] for t in search_tokens(raw))
    return Query("name", raw, tokens) if tokens else Query("empty")


# --- name words ----------------------------------------------------------------------------

_SKIP_SCAN = text(
    "WITH RECURSIVE words(t) AS ("
    " SELECT (SELECT min(token) FROM citizen_name_token WHERE token >= :lo AND token < :hi)"
    " UNION ALL"
    " SELECT (SELECT min(token) FROM citizen_name_token WHERE token > words.t AND token < :hi)"
    " FROM words WHERE words.t IS NOT NULL"
    ") SELECT t FROM words WHERE t IS NOT NULL LIMIT :cap"
)


@dataclass(frozen=True)
class _Word:
    prefix: str
    values: tuple[str, ...] | None  # the distinct name words it starts; None = too many, use the range

    def match(self, tok: Any) -> ColumnElement[bool]:
        if self.values is not None:
            return tok.token.in_(self.values)
        return (tok.token >= self.prefix) & (tok.token < self.prefix + TOP)


def _expand(session: Session, prefix: str) -> _Word:
    values = session.execute(_SKIP_SCAN, {"lo": prefix, "hi": prefix + TOP, "cap": EXPAND_CAP + 1}).scalars().all()
    return _Word(prefix, tuple(values) if len(values) <= EXPAND_CAP else None)


def _capped_count(session: Session, word: _Word, cap: int) -> int:
    tok = aliased(CitizenNameToken)
    inner = select(literal(1)).select_from(tok).where(word.match(tok)).limit(cap).subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


def _words(session: Session, tokens: tuple[str, ...]) -> list[tuple[_Word, int]] | None:
    """Each query word with its (capped) citizen count, least common first; None if one has none."""
    words = []
    for prefix in tokens:
        word = _expand(session, prefix)
        if word.values == ():
            return None
        words.append((word, _capped_count(session, word, COUNT_CAP)))
    words.sort(key=lambda wc: wc[1])
    return words


def _has_word(citizen_id: Any, word: _Word) -> ColumnElement[bool]:
    if word.values is None:
        # A very short prefix ("t"): probing its whole token range for each citizen would
        # read thousands of entries; the citizen's folded name is one seek away instead.
        # (Words there are separated by spaces; the prefix is letters and digits only.)
        return exists(select(literal(1)).select_from(Citizen).where(
            Citizen.id == citizen_id, (" " + Citizen.name_folded).like(f"% {word.prefix}%")))
    tok = aliased(CitizenNameToken)
    return exists(select(literal(1)).select_from(tok).where(tok.citizen_id == citizen_id, word.match(tok)))


def _matching_citizens(words: list[_Word]) -> Select[Any]:
    """Ids of citizens having every word, driven from the first (least common) one."""
    drive = aliased(CitizenNameToken)
    stmt = select(drive.citizen_id).where(words[0].match(drive))
    for word in words[1:]:
        stmt = stmt.where(_has_word(drive.citizen_id, word))
    return stmt


# --- dossiers --------------------------------------------------------------------------------


def _in_office(column: Any, office_code: str) -> ColumnElement[bool]:
    """``office_code || '' = :code``: a filter SQLite's planner cannot turn into an index search.

    An office database holds one office, so its office_code index selects every row; without
    statistics SQLite would still pick it (equality beats a range) and then sort the whole
    table. Written this way the filter is checked on the few rows the real index finds.
    """
    return (column + "") == office_code


def _newest_dossiers_of(session: Session, citizens: Select[Any], office_code: str, limit: int) -> list[uuid.UUID]:
    """The newest dossiers of these citizens, in two index-friendly steps.

    First only ``ix_dossier_applicant (applicant_id, received_at)`` is read (it covers the
    step: no table row is touched however many dossiers the citizens have) to find the
    newest ``limit`` receipt moments; then the rows of those few applicants from the
    oldest of those moments on.
    """
    top = session.execute(select(Dossier.applicant_id, Dossier.received_at)
                          .where(Dossier.applicant_id.in_(citizens))
                          .order_by(Dossier.received_at.desc()).limit(limit)).all()
    if not top:
        return []
    return list(session.scalars(
        select(Dossier.id)
        .where(Dossier.applicant_id.in_({a for a, _ in top}), Dossier.received_at >= top[-1][1],
               _in_office(Dossier.office_code, office_code))
        .order_by(Dossier.received_at.desc(), Dossier.code.desc()).limit(limit)))


def _dossier_ids_by_name(session: Session, office_code: str, tokens: tuple[str, ...], limit: int) -> list[uuid.UUID]:
    counted = _words(session, tokens)
    if counted is None:
        return []
    words = [w for w, _ in counted]
    fewest = counted[0][1]
    if fewest < SELECTIVE:
        return _newest_dossiers_of(session, _matching_citizens(words), office_code, limit)
    # Every word is common: walk the newest dossiers, a window at a time. The first window
    # measures how often the words meet; a second one is sized from that, unless walking
    # would cost more than starting from the least common word's citizens.
    found: list[uuid.UUID] = []
    scanned, window, before = 0, SCAN_WINDOW, None
    for _ in range(3):
        newest = select(Dossier.received_at).order_by(Dossier.received_at.desc())
        if before is not None:
            newest = newest.where(Dossier.received_at < before)
        cutoff = session.scalar(newest.offset(window - 1).limit(1))
        stmt = select(Dossier.id).where(_in_office(Dossier.office_code, office_code),
                                        *[_has_word(Dossier.applicant_id, w) for w in words])
        if before is not None:
            stmt = stmt.where(Dossier.received_at < before)
        if cutoff is not None:
            stmt = stmt.where(Dossier.received_at >= cutoff)
        stmt = stmt.order_by(Dossier.received_at.desc(), Dossier.code.desc()).limit(limit - len(found))
        found.extend(session.scalars(stmt))
        if len(found) >= limit or cutoff is None:  # enough, or no older dossier is left
            return found
        scanned += window
        needed = (limit - len(found)) * scanned // max(len(found), 1)
        # A walked dossier costs about what a driving citizen costs in the other plan.
        if scanned + needed > min(fewest * 3 // 2, MAX_SCAN):
            break
        window, before = 2 * needed + 1, cutoff
    return _newest_dossiers_of(session, _matching_citizens(words), office_code, limit)


def _dossier_ids_by_citizen_column(session: Session, office_code: str, column: Any, value: str,
                                   limit: int) -> list[uuid.UUID]:
    citizens = select(Citizen.id).where(column == value, _in_office(Citizen.office_code, office_code))
    return _newest_dossiers_of(session, citizens, office_code, limit)


def _dossier_ids_by_code(session: Session, office_code: str, code: str, limit: int) -> list[uuid.UUID]:
    in_office = _in_office(Dossier.office_code, office_code)
    exact = session.scalar(select(Dossier.id).where(Dossier.code == code, in_office))
    if exact is not None:
        return [exact]
    return list(session.scalars(
        select(Dossier.id).where(Dossier.code >= code, Dossier.code < code + TOP, in_office)
        .order_by(Dossier.code.desc()).limit(limit)))


def search_dossiers(session: Session, office_code: str, query: str, *, limit: int = 20,
                    now: datetime | None = None) -> list[DossierSummary]:
    """Dossiers matching a code, CCCD, phone or (folded, partial) name; newest first."""
    q = classify(query)
    if limit <= 0:
        return []
    if q.kind == "dossier_code":
        ids = _dossier_ids_by_code(session, office_code, q.value, limit)
    elif q.kind == "cccd":
        ids = _dossier_ids_by_citizen_column(session, office_code, Citizen.cccd, q.value, limit)
    elif q.kind == "phone":
        ids = _dossier_ids_by_citizen_column(session, office_code, Citizen.phone, q.value, limit)
    elif q.kind == "name":
        ids = _dossier_ids_by_name(session, office_code, q.tokens, limit)
    else:
        ids = []
    return summaries_by_ids(session, ids, utc_now(now))


# --- appointments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AppointmentHit:
    id: uuid.UUID
    code: str
    day: date
    start_time: time
    end_time: time
    status: str
    source: str
    citizen_id: uuid.UUID
    citizen_name: str
    citizen_name_masked: str
    service_code: str
    procedure_code: str | None


def _appointment_select() -> Select[Appointment, date, time, time, str, str, str]:
    return (select(Appointment, Slot.day, Slot.start_time, Slot.end_time, Citizen.full_name, Service.code,
                   Procedure.code)
            .join(Slot, Slot.id == Appointment.slot_id)
            .join(Service, Service.id == Slot.service_id)
            .join(Citizen, Citizen.id == Appointment.citizen_id)
            .outerjoin(Procedure, Procedure.id == Appointment.procedure_id))


def _hit(row: Any) -> AppointmentHit:
    a, day, start, end, name, service_code, procedure_code = row
    return AppointmentHit(id=a.id, code=a.code, day=day, start_time=start, end_time=end, status=a.status,
                          source=a.source, citizen_id=a.citizen_id, citizen_name=name,
                          citizen_name_masked=mask_name(name), service_code=service_code,
                          procedure_code=procedure_code)


def search_appointments(session: Session, office_code: str, query: str, *, limit: int = 20) -> list[AppointmentHit]:
    """Appointments matching an LH code, CCCD, phone or (folded, partial) name; latest slot first."""
    q = classify(query)
    if limit <= 0:
        return []
    stmt = _appointment_select().where(_in_office(Appointment.office_code, office_code))
    if q.kind == "appointment_code":
        exact = session.execute(stmt.where(Appointment.code == q.value)).all()
        if exact:
            return [_hit(r) for r in exact]
        stmt = stmt.where(Appointment.code >= q.value, Appointment.code < q.value + TOP)
    elif q.kind in ("cccd", "phone"):
        column = Citizen.cccd if q.kind == "cccd" else Citizen.phone
        citizens = select(Citizen.id).where(column == q.value, _in_office(Citizen.office_code, office_code))
        stmt = stmt.where(Appointment.citizen_id.in_(citizens))
    elif q.kind == "name":
        counted = _words(session, q.tokens)
        if counted is None:
            return []
        words = [w for w, _ in counted]
        if counted[0][1] < SELECTIVE:
            stmt = stmt.where(Appointment.citizen_id.in_(_matching_citizens(words)))
        else:
            stmt = stmt.where(*[_has_word(Appointment.citizen_id, w) for w in words])
    else:
        return []
    stmt = stmt.order_by(Slot.day.desc(), Slot.start_time.desc(), Appointment.code).limit(limit)
    return [_hit(r) for r in session.execute(stmt).all()]


__all__ = [
    "AppointmentHit", "COUNT_CAP", "EXPAND_CAP", "Query", "SCAN_WINDOW", "SELECTIVE", "classify", "search_appointments",
    "search_dossiers",
]
