"""The office's day from the real clock: what a ticket or a dossier taken *now* is dated.

The other tests fix their clock; these deliberately read the machine's, so that the clock
matrix (scripts/clock_matrix.sh, which runs every ``wall_clock`` test again at 23:59 and
00:01 office time on New Year's Eve, on a Saturday and at a month's end) checks the
operations' own "now" and "today": the office's date is UTC's plus one from 00:00 to 07:00
office time, and a number or a code dated by UTC would be a day (or a year) behind.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from core.working_calendar import OFFICE_TZ
from local_db.database import Database
from local_db.models import Dossier, Ticket
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossiers import DocumentLine, receive_dossier
from local_db.ops.queue import issue_ticket

pytestmark = pytest.mark.wall_clock


def office_dates() -> set[date]:
    """The office's date now; a run that reaches office midnight may see either side of it."""
    return {datetime.now(OFFICE_TZ).date()}


def as_utc(moment: datetime) -> datetime:
    """A stored moment as aware UTC (SQLite gives it back naive, in UTC)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def test_a_ticket_taken_now_is_numbered_in_the_office_day(db: Database, office: OfficeRefs) -> None:
    days = office_dates()
    with db.write() as s:
        first = issue_ticket(s, office.actor(None, "kiosk"), "HT")
    with db.write() as s:
        second = issue_ticket(s, office.actor(None, "kiosk"), "HT")
    days |= office_dates()
    with db.read() as s:
        rows = s.scalars(select(Ticket).order_by(Ticket.number)).all()
    assert {t.day for t in rows} <= days
    if len({t.day for t in rows}) == 1:  # both on one office day: one count, from 1
        assert (first.code, second.code) == ("A001", "A002")
    assert as_utc(rows[0].issued_at).astimezone(OFFICE_TZ).date() == rows[0].day  # the day is the issue moment's office date


def test_a_dossier_received_now_carries_the_office_date_in_its_code(db: Database, office: OfficeRefs) -> None:
    days = office_dates()
    with db.write() as s:
        info = receive_dossier(
            s, office.actor("canbo1"), procedure_code="1.004873", counter_number=1,
            applicant=CitizenInput(full_name="Nguyễn Văn Hoà", cccd="001090012345", phone="0912345678"),
            documents=[DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
                       DocumentLine("Giấy tờ tùy thân", certified=1)])
    days |= office_dates()
    assert any(info.code.split("-")[1] == f"{d:%y%m%d}" for d in days), (info.code, days)
    with db.read() as s:
        dossier = s.get(Dossier, info.id)
        assert dossier is not None and dossier.due_at is not None
        received, due = as_utc(dossier.received_at), as_utc(dossier.due_at)
    # Three working days: due on a working day of the office, after the receipt, within its hours.
    assert due > received
    local_due = due.astimezone(OFFICE_TZ)
    assert local_due.weekday() < 5 and 7 <= local_due.hour <= 17
