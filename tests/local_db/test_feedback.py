"""Citizens' ratings: validation, attribution to counter and clerk, one per ticket/dossier, summary."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core.errors import DomainError, NotFound, ValidationError
from local_db.database import Database
from local_db.models import AuditLog, Dossier, Feedback, Outbox, Ticket
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput, upsert_citizen
from local_db.ops.feedback import feedback_summary, get_feedback, give_feedback, validate_criteria

# Monday 23 November 2026, 10:00 in Hà Nội.
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)


def _ticket(db: Database, office: OfficeRefs, *, number: int, counter: int | None, clerk: str | None,
            status: str = "done") -> uuid.UUID:
    """A ticket as the queue leaves it once served (made directly: the queue has its own tests)."""
    with db.write() as s:
        t = Ticket(office_code=office.office_code, service_id=office.services["HT"],
                   queue_service_id=office.services["HT"], day=NOW.date(), number=number,
                   code=f"A{number:03d}", source="walk_in", status=status,
                   counter_id=office.counters[counter] if counter else None,
                   staff_id=office.staff[clerk] if clerk else None,
                   issued_at=NOW - timedelta(minutes=30), queued_at=NOW - timedelta(minutes=30),
                   called_at=NOW - timedelta(minutes=10) if counter else None)
        s.add(t)
        s.flush()
        return t.id


def _dossier(db: Database, office: OfficeRefs, *, counter: int, clerk: str) -> uuid.UUID:
    with db.write() as s:
        person = upsert_citizen(s, office.office_code, CitizenInput(full_name="Đỗ Thị Lan", phone="0912345678"))
        d = Dossier(office_code=office.office_code, code="000.00.04.H26-261123-0001",
                    procedure_id=next(iter(office.procedures.values())), applicant_id=person.id, status="received",
                    received_at=NOW, clock_started_at=NOW, due_at=NOW + timedelta(days=3),
                    original_due_at=NOW + timedelta(days=3), counter_id=office.counters[counter],
                    received_by=office.staff[clerk])
        s.add(d)
        s.flush()
        return d.id


def test_rating_a_served_ticket_credits_its_counter_and_clerk(db: Database, office: OfficeRefs) -> None:
    ticket_id = _ticket(db, office, number=7, counter=2, clerk="canbo2")
    with db.write() as s:
        fb = give_feedback(s, office.actor(label="kiosk"), rating="very_satisfied", ticket_id=ticket_id,
                           criteria={"staff_conduct": "very_satisfied", "extra_costs": False, "times_contacted": 1},
                           comment="  Cán bộ nhiệt tình ", now=NOW)
    assert (fb.counter_number, fb.staff_name, fb.ticket_code) == (2, "Phạm Thị Thuỷ", "A007")
    assert fb.rating_label_vi == "Rất hài lòng"
    assert fb.comment == "Cán bộ nhiệt tình"
    with db.read() as s:
        assert get_feedback(s, fb.id) == fb
        out = s.scalars(select(Outbox).where(Outbox.entity == "feedback")).one()
        assert (out.entity_id, out.op_type, out.to_state) == (fb.id, "give", "given")
        assert out.payload["criteria"]["extra_costs"] is False
        assert s.scalars(select(AuditLog.action).where(AuditLog.entity == "feedback")).all() == ["give"]


def test_rating_a_dossier_credits_the_receiving_clerk(db: Database, office: OfficeRefs) -> None:
    dossier_id = _dossier(db, office, counter=3, clerk="canbo1")
    with db.write() as s:
        fb = give_feedback(s, office.actor(), rating="unsatisfied", dossier_id=dossier_id,
                           criteria={"on_time": False, "info_posted": True}, now=NOW)
    assert (fb.counter_number, fb.staff_name, fb.dossier_code) == (3, "Nguyễn Văn Hoà", "000.00.04.H26-261123-0001")
    assert fb.criteria == {"on_time": False, "info_posted": True}


def test_rating_by_counter_number_alone(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        fb = give_feedback(s, office.actor(), rating="satisfied", counter_number=4, now=NOW)
        assert (fb.counter_number, fb.staff_id, fb.ticket_id) == (4, None, None)
        with pytest.raises(ValidationError) as err:
            give_feedback(s, office.actor(), rating="satisfied", counter_number=9, now=NOW)
        assert err.value.code == "counter_not_found"


def test_a_ticket_or_dossier_is_rated_once(db: Database, office: OfficeRefs) -> None:
    ticket_id = _ticket(db, office, number=1, counter=1, clerk="canbo1")
    dossier_id = _dossier(db, office, counter=1, clerk="canbo1")
    with db.write() as s:
        give_feedback(s, office.actor(), rating="satisfied", ticket_id=ticket_id, now=NOW)
        give_feedback(s, office.actor(), rating="satisfied", dossier_id=dossier_id, now=NOW)
    for kwargs in ({"ticket_id": ticket_id}, {"dossier_id": dossier_id}):
        with pytest.raises(DomainError) as err, db.write() as s:
            give_feedback(s, office.actor(), rating="unsatisfied", now=NOW, **kwargs)
        assert err.value.code == "already_rated"
    with db.read() as s:
        assert len(s.scalars(select(Feedback)).all()) == 2
        assert len(s.scalars(select(Outbox).where(Outbox.entity == "feedback")).all()) == 2


def test_a_ticket_not_yet_served_cannot_be_rated(db: Database, office: OfficeRefs) -> None:
    waiting = _ticket(db, office, number=3, counter=None, clerk=None, status="waiting")
    with pytest.raises(DomainError) as err, db.write() as s:
        give_feedback(s, office.actor(), rating="satisfied", ticket_id=waiting, now=NOW)
    assert err.value.code == "not_served"
    with pytest.raises(NotFound), db.write() as s:
        give_feedback(s, office.actor(), rating="satisfied", ticket_id=uuid.uuid4(), now=NOW)


@pytest.mark.parametrize("criteria, field", [
    ({"speed": "fast"}, "criteria"),
    ({"on_time": "yes"}, "criteria.on_time"),
    ({"info_posted": None}, "criteria.info_posted"),
    ({"extra_costs": 1}, "criteria.extra_costs"),
    ({"times_contacted": True}, "criteria.times_contacted"),
    ({"times_contacted": -1}, "criteria.times_contacted"),
    ({"times_contacted": "2"}, "criteria.times_contacted"),
    ({"staff_conduct": "good"}, "criteria.staff_conduct"),
])
def test_bad_criteria_are_refused(criteria: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_criteria(criteria)
    assert err.value.field == field


def test_valid_criteria_pass_as_given() -> None:
    answers = {"on_time": None, "times_contacted": 2, "info_posted": True, "staff_conduct": "unsatisfied",
               "extra_costs": True}
    assert validate_criteria(answers) == answers
    assert validate_criteria(None) == {}


def test_bad_rating_is_refused_and_nothing_is_written(db: Database, office: OfficeRefs) -> None:
    with pytest.raises(ValidationError) as err, db.write() as s:
        give_feedback(s, office.actor(), rating="ok", counter_number=1, now=NOW)
    assert err.value.code == "invalid_rating"
    with pytest.raises(ValidationError), db.write() as s:
        give_feedback(s, office.actor(), rating="satisfied", counter_number=1, criteria={"extra_costs": "no"}, now=NOW)
    with db.read() as s:
        assert s.scalars(select(Feedback)).all() == []
        assert s.scalars(select(Outbox)).all() == []


def test_summary_counts_per_rating_counter_and_clerk_over_local_days(db: Database, office: OfficeRefs) -> None:
    t1 = _ticket(db, office, number=1, counter=1, clerk="canbo1")
    t2 = _ticket(db, office, number=2, counter=1, clerk="canbo1")
    t3 = _ticket(db, office, number=3, counter=2, clerk="canbo2")
    # 23:30 on Sunday 22/11 in Hà Nội is 16:30 UTC: outside a summary that starts on Monday.
    sunday_night = datetime(2026, 11, 22, 16, 30, tzinfo=timezone.utc)
    with db.write() as s:
        a = office.actor()
        give_feedback(s, a, rating="very_satisfied", ticket_id=t1, criteria={"extra_costs": False}, now=NOW)
        give_feedback(s, a, rating="unsatisfied", ticket_id=t2, criteria={"extra_costs": True}, now=NOW)
        give_feedback(s, a, rating="satisfied", ticket_id=t3, criteria={"on_time": None}, now=NOW)
        give_feedback(s, a, rating="satisfied", counter_number=4, now=NOW)
        give_feedback(s, a, rating="unsatisfied", counter_number=4, now=sunday_night)
    with db.read() as s:
        summary = feedback_summary(s, office.office_code, since=date(2026, 11, 23), until=date(2026, 11, 23))
        whole = feedback_summary(s, office.office_code, since=date(2026, 11, 22), until=date(2026, 11, 23))
    assert summary.total == 4
    assert summary.by_rating == {"very_satisfied": 1, "satisfied": 2, "unsatisfied": 1}
    assert summary.by_counter == {1: {"very_satisfied": 1, "satisfied": 0, "unsatisfied": 1},
                                  2: {"very_satisfied": 0, "satisfied": 1, "unsatisfied": 0},
                                  4: {"very_satisfied": 0, "satisfied": 1, "unsatisfied": 0}}
    assert summary.by_staff == {"canbo1": {"very_satisfied": 1, "satisfied": 0, "unsatisfied": 1},
                                "canbo2": {"very_satisfied": 0, "satisfied": 1, "unsatisfied": 0},
                                None: {"very_satisfied": 0, "satisfied": 1, "unsatisfied": 0}}
    assert summary.staff_names["canbo2"] == "Phạm Thị Thuỷ"
    assert summary.criteria["extra_costs"] == {"yes": 1, "no": 1}
    assert summary.criteria["on_time"] == {"unknown": 1}
    assert summary.satisfied_share == 0.75
    assert whole.total == 5 and whole.by_counter[4]["unsatisfied"] == 1


def test_rating_after_a_real_visit_credits_the_clerk_who_served(db: Database, office: OfficeRefs) -> None:
    from local_db.ops.queue import call_next, finish_serving, issue_ticket, start_serving

    clerk = office.actor("canbo2")
    with db.write() as s:
        ticket = issue_ticket(s, office.actor(label="kiosk"), "CT", now=NOW)
        called = call_next(s, clerk, 2, now=NOW + timedelta(minutes=1))
        assert called is not None and called.id == ticket.id
        with pytest.raises(DomainError):  # called, not yet served
            give_feedback(s, office.actor(label="kiosk"), rating="satisfied", ticket_id=ticket.id, now=NOW)
        start_serving(s, clerk, ticket.id, now=NOW + timedelta(minutes=2))
        finish_serving(s, clerk, ticket.id, now=NOW + timedelta(minutes=9))
        fb = give_feedback(s, office.actor(label="kiosk"), rating="satisfied", ticket_id=ticket.id,
                           now=NOW + timedelta(minutes=10))
    assert (fb.ticket_code, fb.counter_number, fb.staff_name) == (ticket.code, 2, "Phạm Thị Thuỷ")
