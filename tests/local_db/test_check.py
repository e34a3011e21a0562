"""``motcua db check``: a healthy office passes; each kind of damage is found and named."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import delete, select, text, update

from core.ids import new_id
from local_db import journal
from local_db.check import CheckReport, format_report, run_check
from local_db.database import Database
from local_db.models import DossierEvent, Outbox, Slot, Ticket
from local_db.office_setup import OfficeRefs
from local_db.ops.appointments import book, cancel
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossiers import DocumentLine, receive_dossier, send_to_processing
from local_db.ops.feedback import give_feedback
from local_db.ops.queue import call_next, finish_serving, issue_ticket, start_serving
from local_db.ops.slots import create_slots

UTC = timezone.utc
MON_0900 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 23/11/2026, 09:00 in Hà Nội
WEDNESDAY = MON_0900.date() + timedelta(days=2)
CERTIFIED_COPY = "2.000815"
CERTIFIED_DOCS = [DocumentLine("Bản chính giấy tờ", originals=1), DocumentLine("Bản sao cần chứng thực", copies=2)]


def person(i: int) -> CitizenInput:
    return CitizenInput(full_name=f"Nguyễn Văn Thử {i}", cccd=f"0010900{i:05d}", phone=f"09123{i:05d}")


@dataclass
class Office:
    """What the healthy office did, to point the damage at."""

    tickets: list[uuid.UUID]  # HT tickets A001..A005, A001 served and rated
    dossiers: list[tuple[uuid.UUID, str]]  # (id, code): the first sent to processing
    slot_id: uuid.UUID
    appointments: list[uuid.UUID]  # kiosk (booked), online (booked), counter (cancelled)


@pytest.fixture
def busy(db: Database, office: OfficeRefs) -> Office:
    """A morning of work: tickets issued, called, served and rated; dossiers; appointments."""
    clerk, kiosk = office.actor("canbo1"), office.actor(label="kiosk")
    now = MON_0900
    tickets = []
    for i in range(5):
        with db.write() as s:
            tickets.append(issue_ticket(s, kiosk, "HT", now=now + timedelta(minutes=i)).id)
    with db.write() as s:
        issue_ticket(s, kiosk, "CT", now=now)
    with db.write() as s:
        called = call_next(s, clerk, 1, now=now + timedelta(minutes=10))
        assert called is not None and called.id == tickets[0]
        start_serving(s, clerk, called.id, now=now + timedelta(minutes=11))
        finish_serving(s, clerk, called.id, now=now + timedelta(minutes=20))
    with db.write() as s:
        give_feedback(s, kiosk, rating="very_satisfied", ticket_id=tickets[0], now=now + timedelta(minutes=21))
    dossiers = []
    for i in range(2):
        with db.write() as s:
            d = receive_dossier(s, clerk, procedure_code=CERTIFIED_COPY, applicant=person(i), documents=CERTIFIED_DOCS,
                                counter_number=2, now=now + timedelta(minutes=30 + i))
            dossiers.append((d.id, d.code))
    with db.write() as s:
        send_to_processing(s, clerk, dossiers[0][0], now=now + timedelta(minutes=40))
    with db.write() as s:
        slot = create_slots(s, office.actor("giamsat"), "HT", WEDNESDAY, start=time(8), end=time(9), minutes=60,
                            office_quota=3, online_quota=2)[0]
    appointments = []
    for i, source in enumerate(("kiosk", "online", "counter")):
        with db.write() as s:
            appointments.append(book(s, kiosk, slot.id, person(10 + i), source=source, now=now).id)
    with db.write() as s:
        cancel(s, clerk, appointments[2], reason="bận việc", now=now + timedelta(minutes=5))
    return Office(tickets=tickets, dossiers=dossiers, slot_id=slot.id, appointments=appointments)


def damage(db: Database, *statements) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        for stmt in statements:
            s.execute(stmt)


def problems_about(report: CheckReport, *words: str) -> list[str]:
    return [p for p in report.problems if all(w in p for w in words)]


def test_a_healthy_office_passes(db: Database, busy: Office) -> None:
    report = run_check(db)
    assert report.problems == []
    assert report.ok
    assert report.counts["tickets"] == 6
    assert report.counts["dossiers"] == 2
    assert report.counts["appointments"] == 3
    assert report.counts["feedback"] == 1
    assert report.counts["outbox_pending"] > 15 and report.counts["outbox_acked"] == 0
    printed = format_report(report)
    assert printed.startswith("Database check: OK")
    assert "Tickets 6" in printed and "dossiers 2" in printed
    assert run_check(db, full=True).ok  # SQLite's integrity_check instead of quick_check


def test_a_check_that_cannot_run_is_reported_and_the_others_go_on(
        db: Database, busy: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self) -> None:  # type: ignore[no-untyped-def]
        self.conn.execute(text("SELECT no_such_column FROM ticket"))

    monkeypatch.setattr("local_db.check._Checker.check_ticket_codes", broken)
    damage(db, text("UPDATE ticket SET status = 'done' WHERE code = 'A004'"))
    report = run_check(db)
    assert len(report.problems) == 2
    assert report.problems[0].startswith("ticket A004 of 2026-11-23 is 'done'")
    assert report.problems[1].startswith("check 'ticket_codes' could not run: ")
    assert report.counts["dossiers"] == 2 and "dossier_history" in report.seconds


def test_a_ticket_whose_outbox_rows_were_deleted(db: Database, busy: Office) -> None:
    damage(db, delete(Outbox).where(Outbox.entity == "ticket", Outbox.entity_id == busy.tickets[2]))
    report = run_check(db)
    assert not report.ok
    assert report.problems == ["ticket A003 of 2026-11-23 has no outbox row at all: it was never sent to the centre"]
    assert "1 problem" in format_report(report)


def test_a_ticket_whose_creation_row_was_deleted(db: Database, busy: Office) -> None:
    damage(db, delete(Outbox).where(Outbox.entity == "ticket", Outbox.entity_id == busy.tickets[0],
                                    Outbox.op_type == "issue"))
    assert run_check(db).problems == ["ticket A001 of 2026-11-23 has no outbox row creating it (issue)"]


def test_a_status_changed_behind_the_outbox(db: Database, busy: Office) -> None:
    damage(db, text("UPDATE ticket SET status = 'done' WHERE code = 'A004'"))
    report = run_check(db)
    assert len(report.problems) == 1
    assert problems_about(report, "ticket A004 of 2026-11-23 is 'done'", "says 'waiting'", "without the outbox")


def test_a_gap_in_ticket_numbers(db: Database, busy: Office) -> None:
    damage(db, update(Ticket).where(Ticket.id == busy.tickets[4]).values(number=7, code="A007"))
    assert run_check(db).problems == [
        "ticket numbers of service HT on 2026-11-23 have a gap: A005-A006 missing before A007"]


def test_a_wrong_ticket_code(db: Database, busy: Office) -> None:
    damage(db, update(Ticket).where(Ticket.id == busy.tickets[1]).values(code="A2"))
    report = run_check(db)
    assert report.problems == ["ticket A2 of 2026-11-23 (service HT, number 2) should be coded A002"]


def test_a_slot_over_quota(db: Database, busy: Office, dialect: str) -> None:
    """The CHECK constraint stops this in normal use; a hand edit with checks off gets past it."""
    with db.write() as s:
        if dialect == "sqlite":
            s.execute(text("PRAGMA ignore_check_constraints = ON"))
        else:
            s.execute(text("ALTER TABLE slot DROP CONSTRAINT ck_slot_online_quota"))
        s.execute(update(Slot).where(Slot.id == busy.slot_id).values(online_booked=3))
        if dialect == "sqlite":
            s.execute(text("PRAGMA ignore_check_constraints = OFF"))
    slot_line = ("slot HT 2026-11-25 08:00: online side booked 3 of quota 2; "
                 "online_booked is 3 but 1 online appointments hold a place")
    if dialect == "sqlite":  # SQLite's own check sees the broken CHECK too
        assert run_check(db).problems == [
            "SQLite quick_check: CHECK constraint failed in slot (a row breaks a rule of the schema: "
            "it was edited by hand; see the problems below)", slot_line]
    else:
        assert run_check(db).problems == [slot_line]


def test_booked_counters_that_do_not_match_the_appointments(db: Database, busy: Office) -> None:
    damage(db, update(Slot).where(Slot.id == busy.slot_id).values(office_booked=2))
    assert run_check(db).problems == [
        "slot HT 2026-11-25 08:00: office_booked is 2 but 1 office appointments hold a place"]


def test_a_dossier_status_unreachable_from_its_history(db: Database, busy: Office) -> None:
    dossier_id, code = busy.dossiers[1]  # received, never moved
    damage(db, text("UPDATE dossier SET status = 'returned' WHERE code = :c").bindparams(c=code))
    report = run_check(db)
    assert problems_about(report, f"dossier {code} is 'returned' but its history (receive) leads to 'received'")
    assert problems_about(report, f"dossier {code} is 'returned' but its latest outbox row")
    assert len(report.problems) == 2


def test_an_illegal_history(db: Database, busy: Office, office: OfficeRefs) -> None:
    dossier_id, code = busy.dossiers[1]
    with db.write() as s:  # a hand-written event: returning a result that was never ready
        s.add(DossierEvent(office_code=office.office_code, dossier_id=dossier_id, at=MON_0900 + timedelta(hours=1),
                           action="return_result", from_state="received", to_state="returned",
                           detail={"step": 2}))
    assert run_check(db).problems == [
        f"dossier {code}: its history (receive, return_result) is not a legal path: "
        "cannot return_result a dossier that is received"]


def test_a_wrong_dossier_code(db: Database, busy: Office) -> None:
    _, code = busy.dossiers[0]
    damage(db, text("UPDATE dossier SET code = :new WHERE code = :c").bindparams(new=code.replace("-261123-", "-261124-"), c=code))
    report = run_check(db)
    assert len(report.problems) == 1
    assert problems_about(report, "-261124-0001 (received 2026-11-23 09:30) should be coded 000.00.04.H26-261123-NNNN")


def test_an_outbox_row_without_its_audit_row(db: Database, busy: Office) -> None:
    with db.read() as s:
        seq = s.scalar(select(Outbox.seq).where(Outbox.entity == "feedback"))
    damage(db, update(Outbox).where(Outbox.seq == seq).values(op_id=new_id()))
    report = run_check(db)
    assert len(report.problems) == 1
    assert problems_about(report, f"outbox row seq {seq} (feedback give, op ", "has no audit_log row")


def test_an_outbox_row_for_a_dossier_that_does_not_exist(db: Database, busy: Office, office: OfficeRefs) -> None:
    ghost = new_id()
    with db.write() as s:
        journal.record(s, office.actor("canbo1"), entity="dossier", entity_id=ghost, op_type="receive",
                       payload={}, now=MON_0900, to_state="received")
    report = run_check(db)
    assert len(report.problems) == 1
    assert problems_about(report, f"outbox rows of dossier {ghost}", "point at a dossier that does not exist")


def test_a_change_counter_behind_the_outbox(db: Database, busy: Office) -> None:
    damage(db, text("UPDATE serial SET value = 3 WHERE key = 'change'"))
    report = run_check(db)
    assert len(report.problems) == 1
    assert problems_about(report, "change counter", "behind the highest outbox seq", "next operation would collide")


def test_long_lists_are_cut_short(db: Database, busy: Office) -> None:
    damage(db, delete(Outbox).where(Outbox.entity == "ticket"))
    report = run_check(db, max_listed=2)
    assert len(report.problems) == 3
    assert report.problems[-1] == "... and 4 more tickets whose outbox trail does not match"


def test_a_schema_behind_head_asks_for_an_upgrade(db: Database) -> None:
    damage(db, text("DELETE FROM alembic_version"))
    report = run_check(db)
    assert any("run motcua db upgrade" in p for p in report.problems)
    damage(db, text("INSERT INTO alembic_version (version_num) VALUES ('9999_future')"))
    assert any("newer MotCua" in p for p in run_check(db).problems)
