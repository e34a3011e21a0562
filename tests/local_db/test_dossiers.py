"""Dossiers at the counter: intake (code, due moment, fee, documents) and every move after it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from core.errors import DomainError, NotFound, TransitionError, ValidationError
from core.fees import FeeInput
from local_db.database import Database
from local_db.models import DossierEvent, Outbox, Serial
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossiers import (
    DocumentLine,
    DossierInfo,
    get_dossier,
    handle_at_desk,
    is_overdue,
    list_dossiers,
    on_time,
    preview_intake,
    receive_dossier,
    reject,
    request_supplement,
    reschedule,
    result_back,
    return_result,
    send_to_processing,
    supplement_received,
    withdraw,
)

UTC = timezone.utc
MON_0900 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội; Tue 24/11 is a holiday


def hanoi(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    """A wall-clock moment in Hà Nội (UTC+7) in 2026, as aware UTC."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC) - timedelta(hours=7)


CERTIFIED_COPY = "2.000815"  # same day, fee per page (2.000 đ pages 1-2, 1.000 đ from page 3, cap 200.000 đ)
MARITAL_STATUS = "1.004873"  # 3 working days, 3.000 đ
CERTIFIED_DOCS = [DocumentLine("Bản chính giấy tờ", originals=1), DocumentLine("Bản sao cần chứng thực", copies=2)]
MARITAL_DOCS = [
    DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
    DocumentLine("Giấy tờ tùy thân", certified=1),
    DocumentLine("Giấy tờ chứng minh đã ly hôn hoặc vợ/chồng đã chết", required=False, missing=True),
]
HOA = CitizenInput(full_name="Nguyễn Văn Hoà", cccd="001090012345", phone="0912345678",
                   address="12 Phố Đội Cấn, Ba Đình")
THUY = CitizenInput(full_name="Phạm Thị Thuỷ", cccd="001195067890", phone="0987654321")


def receive(db: Database, office: OfficeRefs, *, procedure: str = MARITAL_STATUS, applicant: CitizenInput = HOA,
            documents: list[DocumentLine] | None = None, now: datetime = MON_0900, clerk: str = "canbo1",
            **kwargs) -> DossierInfo:  # type: ignore[no-untyped-def]
    if documents is None:
        documents = CERTIFIED_DOCS if procedure == CERTIFIED_COPY else MARITAL_DOCS
    with db.write() as s:
        return receive_dossier(s, office.actor(clerk), procedure_code=procedure, applicant=applicant,
                               documents=documents, now=now, **kwargs)


def move(db: Database, office: OfficeRefs, op, dossier_id, **kwargs) -> DossierInfo:  # type: ignore[no-untyped-def]
    with db.write() as s:
        return op(s, office.actor("canbo1"), dossier_id, **kwargs)


def history_counts(db: Database) -> tuple[int, int]:
    with db.read() as s:
        events = s.scalar(select(func.count()).select_from(DossierEvent))
        outbox = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.entity == "dossier"))
    return int(events or 0), int(outbox or 0)


def outbox_of(db: Database, dossier_id) -> list[tuple[str, str | None, str | None]]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        rows = s.execute(select(Outbox.op_type, Outbox.from_state, Outbox.to_state)
                         .where(Outbox.entity == "dossier", Outbox.entity_id == dossier_id)
                         .order_by(Outbox.seq)).all()
    return [tuple(r) for r in rows]


# --- intake ------------------------------------------------------------------------------------


def test_codes_count_per_office_per_local_day(db: Database, office: OfficeRefs) -> None:
    first = receive(db, office)
    second = receive(db, office, applicant=THUY, now=MON_0900 + timedelta(hours=1))
    # 01:00 on Monday in Hà Nội is still Sunday in UTC: the office's day decides.
    third = receive(db, office, now=datetime(2026, 11, 22, 18, 0, tzinfo=UTC))
    next_day = receive(db, office, now=hanoi(25, 8))
    assert first.code == "000.00.04.H26-261123-0001"
    assert second.code == "000.00.04.H26-261123-0002"
    assert third.code == "000.00.04.H26-261123-0003"
    assert next_day.code == "000.00.04.H26-261125-0001"
    assert first.status == "received"


def test_the_daily_sequence_grows_past_9999(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        s.add(Serial(key="dossier:00004:2026-11-23", value=9999))
    assert receive(db, office).code == "000.00.04.H26-261123-10000"


def test_receipt_is_recorded_for_the_central_server(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office, counter_number=2, request_content="Xin xác nhận  để kết hôn", sets=2)
    assert outbox_of(db, info.id) == [("receive", None, "received")]
    with db.read() as s:
        payload = s.scalars(select(Outbox.payload).where(Outbox.entity_id == info.id)).one()
    assert payload["code"] == info.code
    assert payload["procedure_code"] == MARITAL_STATUS
    assert payload["applicant"]["cccd"] == "001090012345"
    assert payload["applicant"]["full_name"] == "Nguyễn Văn Hoà"
    assert [d["name"] for d in payload["documents"]] == [d.name for d in MARITAL_DOCS]
    assert payload["fee_vnd"] == 3000
    assert payload["due_at"] == "2026-11-27T02:00:00+00:00"
    assert payload["counter_number"] == 2
    with db.read() as s:
        detail = get_dossier(s, info.code, now=MON_0900)
    assert detail.sets == 2
    assert detail.counter_number == 2
    assert detail.request_content == "Xin xác nhận để kết hôn"
    assert detail.received_by_name == "Nguyễn Văn Hoà"
    assert detail.applicant_address == "12 Phố Đội Cấn, Ba Đình"
    assert detail.applicant_name_masked == "N. V. Hoà"
    assert [d.name for d in detail.documents] == [d.name for d in MARITAL_DOCS]
    assert detail.documents[1].certified == 1 and detail.documents[2].missing
    assert detail.processing_vi == "3 ngày làm việc"


@pytest.mark.parametrize(("received", "due"), [
    (MON_0900, hanoi(23, 17)),
    (hanoi(23, 15, 0, 0), hanoi(23, 17)),  # 15:00:00 itself is still "before 15:00"
    (hanoi(23, 15, 0, 1), hanoi(25, 17)),  # later: next working day, Tue 24/11 is a holiday
    (hanoi(23, 6, 30), hanoi(23, 17)),  # before opening
])
def test_same_day_procedure_due_before_and_after_15h(db: Database, office: OfficeRefs, received: datetime,
                                                   due: datetime) -> None:
    info = receive(db, office, procedure=CERTIFIED_COPY, now=received)
    assert info.due_at == due
    assert info.received_at == received


def test_three_working_days_skip_the_holiday(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office, procedure=MARITAL_STATUS)
    # Mon 09:00-17:00 gives 6 h, Tue is Vietnamese Culture Day, Wed and Thu 8 h each, Fri 2 h.
    assert info.due_at == hanoi(27, 9)
    with db.read() as s:
        detail = get_dossier(s, info.id, now=MON_0900)
    assert detail.clock_started_at == MON_0900
    assert detail.original_due_at == hanoi(27, 9)


def test_verification_adds_its_working_days(db: Database, office: OfficeRefs) -> None:
    # 1.001022: 3 working days, +5 with verification: 64 working hours from Mon 09:00.
    docs = [DocumentLine("Tờ khai đăng ký nhận cha mẹ con", originals=1),
            DocumentLine("Chứng cứ chứng minh quan hệ cha mẹ con", copies=1),
            DocumentLine("Giấy tờ tùy thân", certified=1)]
    with db.read() as s:
        plain = preview_intake(s, "00004", "1.001022", documents=docs, now=MON_0900)
        verified = preview_intake(s, "00004", "1.001022", documents=docs, with_verification=True, now=MON_0900)
    assert plain.due_at == hanoi(27, 9)
    assert verified.due_at == hanoi(4, 9, month=12)  # 5 more: Nov 27 09:00 -> Dec 4 09:00
    assert plain.fee.amount_vnd == 10000 and plain.missing_required == ()


def test_certified_copy_fee_by_pages_with_the_cap(db: Database, office: OfficeRefs) -> None:
    five_pages = receive(db, office, procedure=CERTIFIED_COPY, fee_input=FeeInput(copies=2, pages=5))
    assert five_pages.fee_vnd == 2 * (2 * 2000 + 3 * 1000)
    long_doc = receive(db, office, procedure=CERTIFIED_COPY, fee_input=FeeInput(copies=1, pages=300))
    assert long_doc.fee_vnd == 200000  # 302.000 đ capped per copy
    with db.read() as s:
        detail = get_dossier(s, five_pages.id)
    assert detail.fee_detail["amount_vnd"] == 14000
    assert detail.fee_detail["input"]["pages"] == 5
    assert detail.fee_detail["exemption_reason"] is None
    assert detail.fee_detail["lines"]


def test_exemption_is_free_and_keeps_its_reason(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office, fee_input=FeeInput(exemption_reason="Hộ nghèo  có sổ"))
    assert info.fee_vnd == 0
    with db.read() as s:
        detail = get_dossier(s, info.id)
    assert detail.fee_detail["exemption_reason"] == "Hộ nghèo có sổ"
    assert detail.fee_detail["input"]["exempt"] is True
    with pytest.raises(ValidationError):
        FeeInput(exempt=True)  # never an exemption without a reason


def test_every_missing_document_is_listed_at_once(db: Database, office: OfficeRefs) -> None:
    docs = [
        DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1, missing=True),
        DocumentLine("Giấy tờ tùy thân"),  # nothing counted
        DocumentLine("Giấy tờ chứng minh đã ly hôn hoặc vợ/chồng đã chết", required=False),  # optional
    ]
    before = history_counts(db)
    with pytest.raises(ValidationError) as caught:
        receive(db, office, documents=docs)
    assert caught.value.code == "documents_missing"
    assert caught.value.details["missing"] == ["Tờ khai cấp giấy xác nhận tình trạng hôn nhân", "Giấy tờ tùy thân"]
    assert history_counts(db) == before
    with db.read() as s:
        preview = preview_intake(s, "00004", MARITAL_STATUS, documents=docs, now=MON_0900)
        empty = preview_intake(s, "00004", MARITAL_STATUS, documents=[], now=MON_0900)
    assert preview.missing_required == ("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", "Giấy tờ tùy thân")
    assert preview.fee.amount_vnd == 3000 and preview.due_at == hanoi(27, 9)
    assert empty.missing_required == ("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", "Giấy tờ tùy thân")


def test_unknown_procedure_counter_or_dossier_is_not_found(db: Database, office: OfficeRefs) -> None:
    with pytest.raises(NotFound):
        receive(db, office, procedure="9.999999")
    with pytest.raises(NotFound):
        receive(db, office, counter_number=99)
    with db.read() as s, pytest.raises(NotFound):
        get_dossier(s, "000.00.04.H26-261123-0001")
    assert history_counts(db) == (0, 0)


# --- moves -------------------------------------------------------------------------------------


def test_the_full_life_of_a_dossier(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office)
    did = info.id
    info = move(db, office, send_to_processing, did, now=hanoi(23, 10))
    assert info.status == "in_processing"

    info = move(db, office, request_supplement, did, items=["Bản sao sổ hộ khẩu", "Ảnh 4x6"],
                note="Thiếu giấy tờ", now=hanoi(23, 14))
    assert info.status == "needs_supplement"
    assert info.due_at is None  # the clock stops
    assert not info.overdue
    assert not is_overdue(info, hanoi(30, 16, month=12))

    # Back on Wed 25/11 at 10:00: three full working days again from that moment.
    info = move(db, office, supplement_received, did, now=hanoi(25, 10))
    assert info.status == "received"
    assert info.due_at == hanoi(30, 10)  # Wed 5 h + Thu 8 h + Fri 8 h + Mon 3 h

    info = move(db, office, send_to_processing, did, now=hanoi(25, 11))
    info = move(db, office, reschedule, did, new_due_at=hanoi(2, 17, month=12), reason="Chờ xác minh",
                now=hanoi(27, 9))
    assert info.status == "in_processing"
    assert info.due_at == hanoi(2, 17, month=12) and info.reschedule_count == 1
    with pytest.raises(DomainError) as again:
        move(db, office, reschedule, did, new_due_at=hanoi(3, 17, month=12), reason="Lần nữa", now=hanoi(27, 10))
    assert again.value.code == "already_rescheduled"

    info = move(db, office, result_back, did, now=hanoi(1, 15, month=12))
    assert info.status == "ready" and info.ready_at == hanoi(1, 15, month=12)
    assert on_time(info) is True
    info = move(db, office, return_result, did, returned_to="Nguyễn Văn Hoà", fee_paid_vnd=3000,
                now=hanoi(2, 8, month=12))
    assert info.status == "returned" and info.returned_at == hanoi(2, 8, month=12)
    assert not info.overdue

    with db.read() as s:
        detail = get_dossier(s, did, now=hanoi(2, 8, month=12))
    assert [(e.action, e.from_state, e.to_state) for e in detail.events] == [
        ("receive", None, "received"),
        ("send_to_processing", "received", "in_processing"),
        ("request_supplement", "in_processing", "needs_supplement"),
        ("supplement_received", "needs_supplement", "received"),
        ("send_to_processing", "received", "in_processing"),
        ("reschedule", "in_processing", "in_processing"),
        ("result_back", "in_processing", "ready"),
        ("return_result", "ready", "returned"),
    ]
    assert all(e.staff_name == "Nguyễn Văn Hoà" for e in detail.events)
    assert detail.events[2].detail["items"] == ["Bản sao sổ hộ khẩu", "Ảnh 4x6"]
    assert detail.events[2].note == "Thiếu giấy tờ"
    assert detail.events[5].note == "Chờ xác minh"
    assert detail.clock_started_at == hanoi(25, 10)
    assert detail.original_due_at == hanoi(30, 10)
    assert detail.fee_paid_vnd == 3000 and detail.returned_to == "Nguyễn Văn Hoà"
    assert detail.closed_at == hanoi(2, 8, month=12)
    assert [(e.action, e.from_state, e.to_state) for e in detail.events] == outbox_of(db, did)


def test_reschedule_needs_a_later_working_moment_and_a_reason(db: Database, office: OfficeRefs) -> None:
    did = receive(db, office).id  # due Fri 27/11 09:00
    bad = [
        dict(new_due_at=hanoi(26, 17), reason="Sớm hơn"),  # earlier than the current due moment
        dict(new_due_at=hanoi(30, 12), reason="Giờ nghỉ trưa"),  # lunch break
        dict(new_due_at=hanoi(28, 9), reason="Thứ bảy"),  # Saturday
        dict(new_due_at=hanoi(30, 9), reason="  "),  # no reason
        dict(new_due_at=datetime(2026, 11, 30, 9, 0), reason="Không múi giờ"),  # naive
    ]
    for kwargs in bad:
        with pytest.raises(ValidationError):
            move(db, office, reschedule, did, now=hanoi(26, 9), **kwargs)
    assert history_counts(db) == (1, 1)
    info = move(db, office, reschedule, did, new_due_at=hanoi(30, 17), reason="Chờ UBND quận", now=hanoi(26, 9))
    assert info.due_at == hanoi(30, 17) and info.status == "received"


def test_handled_at_the_desk_and_returned(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office, procedure=CERTIFIED_COPY, fee_input=FeeInput(pages=2))
    info = move(db, office, handle_at_desk, info.id, now=hanoi(23, 9, 20))
    assert info.status == "ready" and info.ready_at == hanoi(23, 9, 20)
    assert on_time(info) is True
    info = move(db, office, return_result, info.id, returned_to="Nguyễn Văn Hoà", now=hanoi(23, 9, 25))
    assert info.status == "returned"
    other = receive(db, office, procedure=CERTIFIED_COPY).id
    move(db, office, handle_at_desk, other, now=hanoi(23, 9, 30))
    with pytest.raises(ValidationError):  # whoever takes the result is written down
        move(db, office, return_result, other, returned_to=" ", now=hanoi(23, 9, 35))


def test_a_late_result_is_not_on_time(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office, procedure=CERTIFIED_COPY)  # due Mon 17:00
    assert on_time(info, hanoi(23, 16)) is None
    assert on_time(info, hanoi(23, 17, 30)) is False
    info = move(db, office, handle_at_desk, info.id, now=hanoi(25, 8))
    assert on_time(info) is False
    assert not info.overdue  # ready: no longer counts as overdue


def test_reject_requires_a_reason(db: Database, office: OfficeRefs) -> None:
    did = receive(db, office).id
    for reason in ("", "   "):
        with pytest.raises(ValidationError):
            move(db, office, reject, did, reason=reason, now=hanoi(23, 10))
    assert history_counts(db) == (1, 1)
    info = move(db, office, reject, did, reason="Không thuộc thẩm quyền của phường", now=hanoi(23, 10))
    assert info.status == "rejected"
    with db.read() as s:
        detail = get_dossier(s, did)
    assert detail.events[-1].note == "Không thuộc thẩm quyền của phường"
    assert detail.result_note == "Không thuộc thẩm quyền của phường"
    assert detail.closed_at == hanoi(23, 10)
    assert on_time(detail) is None


def test_withdraw_even_while_waiting_for_a_supplement(db: Database, office: OfficeRefs) -> None:
    did = receive(db, office).id
    move(db, office, request_supplement, did, items=["Giấy tờ tùy thân bản chính"], now=hanoi(23, 10))
    info = move(db, office, withdraw, did, reason="Công dân xin rút", now=hanoi(25, 10))
    assert info.status == "withdrawn"
    assert outbox_of(db, did)[-1] == ("withdraw", "needs_supplement", "withdrawn")
    with pytest.raises(ValidationError):  # a supplement request names what is missing
        move(db, office, request_supplement, receive(db, office).id, items=["", " "])


# Written out from docs/ARCHITECTURE.md §4, independently of core.dossier_states.
LEGAL = {
    "received": {"send_to_processing", "request_supplement", "handle_at_desk", "reject", "withdraw", "reschedule"},
    "in_processing": {"request_supplement", "result_back", "reject", "withdraw", "reschedule"},
    "needs_supplement": {"supplement_received", "withdraw"},
    "ready": {"return_result"},
    "returned": set(),
    "rejected": set(),
    "withdrawn": set(),
}
PATH_TO = {  # how to bring a fresh dossier into each state
    "received": [],
    "in_processing": [(send_to_processing, {})],
    "needs_supplement": [(request_supplement, {"items": ["Ảnh"]})],
    "ready": [(handle_at_desk, {})],
    "returned": [(handle_at_desk, {}), (return_result, {"returned_to": "Người nhận"})],
    "rejected": [(reject, {"reason": "Sai thẩm quyền"})],
    "withdrawn": [(withdraw, {})],
}
ATTEMPTS = {
    "send_to_processing": (send_to_processing, {}),
    "request_supplement": (request_supplement, {"items": ["Ảnh"]}),
    "supplement_received": (supplement_received, {}),
    "result_back": (result_back, {}),
    "handle_at_desk": (handle_at_desk, {}),
    "return_result": (return_result, {"returned_to": "Người nhận"}),
    "reject": (reject, {"reason": "Sai thẩm quyền"}),
    "withdraw": (withdraw, {}),
    "reschedule": (reschedule, {"new_due_at": hanoi(3, 17, month=12), "reason": "Chậm"}),
}


def test_every_illegal_move_is_refused_and_changes_nothing(db: Database, office: OfficeRefs) -> None:
    dossiers = {}
    for state, path in PATH_TO.items():
        did = receive(db, office).id
        for op, kwargs in path:
            move(db, office, op, did, now=hanoi(23, 10), **kwargs)
        dossiers[state] = did
    before = history_counts(db)
    refused = 0
    for state, did in dossiers.items():
        for action, (op, kwargs) in ATTEMPTS.items():
            if action in LEGAL[state]:
                continue
            with pytest.raises(TransitionError):
                move(db, office, op, did, now=hanoi(23, 11), **kwargs)
            refused += 1
        with db.read() as s:
            assert get_dossier(s, did).status == state
    assert refused == 63 - sum(len(v) for v in LEGAL.values())
    assert history_counts(db) == before
    # ... and every legal move out of "received" is accepted.
    for action in LEGAL["received"]:
        op, kwargs = ATTEMPTS[action]
        move(db, office, op, receive(db, office).id, now=hanoi(23, 11), **kwargs)


# --- lists -------------------------------------------------------------------------------------


def test_due_today_and_overdue_lists(db: Database, office: OfficeRefs) -> None:
    same_day = receive(db, office, procedure=CERTIFIED_COPY)  # due Mon 17:00
    three_days = receive(db, office, applicant=THUY, clerk="canbo2")  # due Fri 09:00
    waiting = receive(db, office, now=MON_0900 + timedelta(minutes=5))
    move(db, office, request_supplement, waiting.id, items=["Ảnh"], now=hanoi(23, 10))

    def codes(**kwargs) -> list[str]:  # type: ignore[no-untyped-def]
        with db.read() as s:
            return [d.code for d in list_dossiers(s, "00004", **kwargs)]

    assert codes(now=hanoi(23, 16)) == [waiting.code, three_days.code, same_day.code]  # newest first
    assert codes(due_today=True, now=hanoi(23, 16)) == [same_day.code]
    assert codes(overdue=True, now=hanoi(23, 16)) == []
    assert codes(overdue=True, now=hanoi(23, 17, 1)) == [same_day.code]
    assert codes(overdue=True, now=hanoi(27, 10)) == [same_day.code, three_days.code]  # soonest due first
    assert codes(due_today=True, now=hanoi(27, 8)) == [three_days.code]
    assert codes(status="needs_supplement", now=hanoi(27, 10)) == [waiting.code]
    assert codes(received_by=office.staff["canbo2"]) == [three_days.code]
    assert codes(limit=1, offset=1, now=hanoi(23, 16)) == [three_days.code]
    with db.read() as s:
        late = list_dossiers(s, "00004", now=hanoi(27, 10))
    assert [d.overdue for d in late] == [False, True, True]

    move(db, office, handle_at_desk, same_day.id, now=hanoi(27, 10))
    assert codes(overdue=True, now=hanoi(27, 11)) == [three_days.code]
    with db.read() as s, pytest.raises(ValidationError):
        list_dossiers(s, "00004", status="lost")
