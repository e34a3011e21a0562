"""The intake wizard's model without a window: each ending one transaction, drafts, search."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from core.errors import ValidationError
from core.i18n import language
from counter.intake import model
from counter.intake.model import IntakeState
from local_db.models import AuditLog, Dossier, IntakeDraft, Outbox, PrintJob

ID_QR = "001090012345|123456789|Nguyễn Văn Hòa|15031990|Nam|Số 5 Đội Cấn, Ba Đình, Hà Nội|10082021"


def filled(ctx, code: str = "1.004873", *, complete: bool = True) -> IntakeState:  # type: ignore[no-untyped-def]
    details = model.procedure_details(ctx, code)
    state = IntakeState(procedure_code=code, procedure_name=details.name)
    state.documents = model.checklist_for_state(state, details)
    for d in state.documents:
        d.originals = 1
    if not complete:
        for d in state.documents[:2]:
            d.originals = 0
    card = model.read_scan(ID_QR, ctx.now().date())
    state.full_name, state.cccd, state.birth_date = card.full_name, card.cccd, card.birth_date
    state.gender, state.address, state.phone = card.gender, card.address, "0912 345 678"
    state.step = "preview"
    return state


def test_the_state_goes_through_json_and_back_whole():
    state = IntakeState(step="applicant", procedure_code="1.001193", full_name="Lê Thị Thuỷ", birth_date="05/0",
                        documents=[model.DocumentEntry("Tờ khai", True, 1, 0, 2, False)])
    import json

    again = IntakeState.from_data(json.loads(json.dumps(state.to_data())))
    assert again == state
    assert IntakeState.from_data({"step": "done", "unknown": 1}).step == "procedure"


def test_procedures_are_found_without_diacritics_and_recent_ones_come_first(counter_ctx):  # type: ignore[no-untyped-def]
    catalog = model.procedure_catalog(counter_ctx)
    names = [c.name for c in model.filter_procedures(catalog, "khai sinh")]
    assert names[:1] == ["Đăng ký khai sinh"] and "Đăng ký lại khai sinh" in names
    assert model.filter_procedures(catalog, "1.0048")[0].code.startswith("1.0048")
    # counter 1 serves HT: its procedures before the others
    assert catalog[0].at_this_counter and not catalog[-1].at_this_counter
    model.save(counter_ctx, filled(counter_ctx, "2.000884"))  # signature attestation (CT), not of this counter
    catalog = model.procedure_catalog(counter_ctx)
    assert catalog[0].code == "2.000884" and catalog[0].recent


def test_save_receives_the_dossier_and_queues_its_receipt_in_one_transaction(counter_ctx):  # type: ignore[no-untyped-def]
    state = filled(counter_ctx)
    draft_id = uuid.uuid4()
    model.autosave(counter_ctx, draft_id, state)
    out = model.save(counter_ctx, state, draft_id)
    assert out.kind == model.RECEIVED and out.dossier_code.endswith("-261123-0001")
    with counter_ctx.db.read() as s:
        d = s.scalars(select(Dossier)).one()
        job = s.get(PrintJob, out.print_job_id)
        assert s.get(IntakeDraft, draft_id) is None
        assert (d.status, d.code, d.counter_id is not None, d.received_by) == (
            "received", out.dossier_code, True, counter_ctx.staff.id)
        assert (job.document, job.ref_id, job.state) == ("receipt", d.id, "queued")
        assert s.scalars(select(Outbox.op_type).where(Outbox.entity == "dossier")).all() == ["receive"]


def test_missing_documents_print_form_02_and_receive_nothing(counter_ctx):  # type: ignore[no-untyped-def]
    state = filled(counter_ctx, complete=False)
    missing = state.missing_names()
    assert len(missing) == 2
    draft_id = uuid.uuid4()
    model.autosave(counter_ctx, draft_id, state)
    out = model.save(counter_ctx, state, draft_id)
    assert out.kind == model.SUPPLEMENT and list(out.missing) == missing
    with counter_ctx.db.read() as s:
        assert s.scalars(select(Dossier)).all() == []
        job = s.get(PrintJob, out.print_job_id)
        assert job.document == "supplement_request"
        assert [i["name"] for i in job.data["items"]] == missing
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "intake_supplement")).one()
        assert audit.actor == counter_ctx.staff.full_name and audit.detail["missing"] == missing
        assert s.get(IntakeDraft, draft_id) is None


def test_a_refusal_prints_form_03_with_the_reason_and_needs_one(counter_ctx):  # type: ignore[no-untyped-def]
    state = filled(counter_ctx)
    with pytest.raises(ValidationError):
        model.refuse(counter_ctx, state, "   ")
    out = model.refuse(counter_ctx, state, "Không thuộc thẩm quyền của UBND phường")
    with counter_ctx.db.read() as s:
        assert s.scalars(select(Dossier)).all() == []
        job = s.get(PrintJob, out.print_job_id)
        assert job.document == "refusal" and job.data["reason"] == "Không thuộc thẩm quyền của UBND phường"
        assert s.scalars(select(AuditLog.action).where(AuditLog.action == "intake_refuse")).one()


def test_applicant_errors_name_every_wrong_field(counter_ctx):  # type: ignore[no-untyped-def]
    today = counter_ctx.now().date()
    state = IntakeState(full_name="", cccd="00109001234", phone="12345", birth_date="31/02/1990", email="a@")
    errors = model.applicant_errors(state, today)
    assert set(errors) == {"full_name", "cccd", "phone", "birth_date", "email"}
    assert "12 chữ số" in errors["cccd"]
    with language("en"):
        assert "12 digits" in model.applicant_errors(state, today)["cccd"]


def test_scans_give_the_card_or_a_plain_message(counter_ctx):  # type: ignore[no-untyped-def]
    today = counter_ctx.now().date()
    card = model.read_scan(ID_QR, today)
    assert card.ok and (card.full_name, card.cccd, card.birth_date, card.gender) == (
        "Nguyễn Văn Hòa", "001090012345", "15/03/1990", "male")
    bad = model.read_scan(ID_QR.replace("15031990", "15031991"), today)  # year does not match the number
    assert not bad.ok and "QR" in bad.message
    assert not model.read_scan("HTTPS://EXAMPLE.COM/X", today).ok


def test_drafts_are_offered_to_their_clerk_only(counter_ctx):  # type: ignore[no-untyped-def]
    draft_id = uuid.uuid4()
    state = IntakeState(step="applicant", procedure_code="1.001193", procedure_name="Đăng ký khai sinh",
                        full_name="Trần Văn B")
    model.autosave(counter_ctx, draft_id, state)
    [offer] = model.drafts_to_offer(counter_ctx)
    assert offer.id == draft_id and offer.state == state and offer.applicant_name == "Trần Văn B"
    model.discard(counter_ctx, draft_id)
    assert model.drafts_to_offer(counter_ctx) == []


def test_the_preview_says_what_the_fee_needs(counter_ctx):  # type: ignore[no-untyped-def]
    state = filled(counter_ctx, "1.001193")  # birth registration: free within 60 days
    p = model.preview(counter_ctx, state)
    assert p.fee_vnd is None and p.error_field == "days_since_event"
    state.days_since_event = "10"
    p = model.preview(counter_ctx, state)
    assert p.fee_vnd == 0 and p.due_text == "17:00 ngày 23/11/2026" and p.missing == ()


def test_a_citizen_who_came_before_is_found_by_cccd_or_phone_and_fills_only_empty_fields(counter_ctx):  # type: ignore[no-untyped-def]
    model.save(counter_ctx, filled(counter_ctx))
    assert model.find_citizens(counter_ctx, cccd="00109001234") == []  # not a number: nothing, no error
    [found] = model.find_citizens(counter_ctx, cccd="001090012345")
    [same] = model.find_citizens(counter_ctx, phone="+84 912 345 678")
    assert found.id == same.id and found.full_name == "Nguyễn Văn Hòa"
    state = model.fill_from_citizen(IntakeState(step="applicant", cccd="001090012345", address="Số 9 Kim Mã"), found)
    assert (state.full_name, state.phone, state.birth_date, state.address, state.step) == (
        "Nguyễn Văn Hòa", "0912345678", "15/03/1990", "Số 9 Kim Mã", "applicant")
