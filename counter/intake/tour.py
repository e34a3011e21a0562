"""The intake wizard's tour: every step and every message a clerk can meet, drawn from sample data (no database)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from core.i18n import _
from counter.intake import model
from counter.intake.model import (
    DocumentEntry,
    DraftOffer,
    IntakeState,
    Outcome,
    PreviewInfo,
    ProcedureDetails,
)
from counter.intake.words import known_words
from counter.scanning import tour as scan_tour
from printing.printer_spec import parse_printer
from printing.where import where_words
from ui.failures import database_outage
from ui.parts import say

if TYPE_CHECKING:
    from counter.intake.view import IntakeScreen

ID_QR = "001090012345|123456789|Nguyễn Văn Hòa|15031990|Nam|Số 5 Đội Cấn, Ba Đình, Hà Nội|10082021"


def sample_details() -> ProcedureDetails:
    return ProcedureDetails(
        code="1.001193", name="Đăng ký khai sinh", field="Hộ tịch", processing=_("Same day"),
        fee_rule_text="5.000 đ", checklist=(
            DocumentEntry("Tờ khai đăng ký khai sinh"), DocumentEntry("Giấy chứng sinh"),
            DocumentEntry("Giấy tờ tùy thân của người đi đăng ký"),
            DocumentEntry("Văn bản ủy quyền (nếu có)", required=False)),
        needs_copies=False, needs_pages=False, free_within_days=60, variants=(), has_verification=False)


def sample_state(step: str, *, complete: bool = True) -> IntakeState:
    d = sample_details()
    state = IntakeState(step=step, procedure_code=d.code, procedure_name=d.name,
                        documents=[DocumentEntry(**vars(x)) for x in d.checklist])
    for doc in state.documents[: None if complete else 2]:
        doc.originals = 1
    state.full_name, state.cccd, state.birth_date = "Nguyễn Văn Hòa", "001090012345", "15/03/1990"
    state.gender, state.address, state.phone = "male", "Số 5 Đội Cấn, Ba Đình, Hà Nội", "0912345678"
    state.days_since_event = "10"
    return state


def tour_states(screen: IntakeScreen) -> list[tuple[str, Callable[[], None]]]:
    now = screen.ctx.now()
    due = now + timedelta(hours=8)

    def put(state: IntakeState, step: str) -> None:
        screen._reset()
        screen.state = state
        screen.details = sample_details()
        screen.show_step(step)

    def procedure() -> None:
        screen._reset()
        screen.show_step("procedure")

    def procedure_drafts() -> None:
        procedure()
        state = sample_state("applicant")
        screen.procedure.set_offers([DraftOffer(id=uuid.uuid4(), updated_at=now - timedelta(minutes=12),
                                                step="applicant", procedure_name=state.procedure_name,
                                                applicant_name=state.full_name, state=state)])

    def procedure_none() -> None:
        procedure()
        screen.procedure.search.setText("zzzz")

    def documents(complete: bool) -> Callable[[], None]:
        return lambda: put(sample_state("documents", complete=complete), "documents")

    def applicant() -> None:
        put(IntakeState(step="applicant", procedure_code="1.001193", procedure_name="Đăng ký khai sinh"), "applicant")

    def applicant_scanned() -> None:
        applicant()
        screen.id_card.on_scanned(ID_QR)

    def applicant_errors() -> None:
        state = sample_state("applicant")
        state.full_name, state.cccd, state.phone, state.birth_date, state.email = "", "999090012345", "12345", "31/02/1990", "a@"
        put(state, "applicant")
        screen.next()

    def applicant_bad_scan(text: str) -> Callable[[], None]:
        def run() -> None:
            applicant()
            screen.id_card.on_scanned(text)
        return run

    def applicant_known() -> None:
        applicant()
        say(screen.applicant.known, known_words("Nguyễn Văn Hòa"), "info")

    def preview(p: PreviewInfo, complete: bool = True) -> Callable[[], None]:
        def run() -> None:
            put(sample_state("preview", complete=complete), "preview")
            screen.tasks.wait_idle()
            screen.previews.void()
            screen.preview_info = p
            screen.preview_page.show_preview(p)
        return run

    ok = PreviewInfo(0, "0 đ", ("Miễn phí (trong hạn 60 ngày)",), due, model.due_words(due), ())
    missing = PreviewInfo(0, "0 đ", ("Miễn phí (trong hạn 60 ngày)",), due, model.due_words(due),
                          ("Giấy chứng sinh", "Giấy tờ tùy thân của người đi đăng ký"))
    needs_days = PreviewInfo(None, "", (), due, model.due_words(due), (),
                             error=_("The fee depends on the number of days since the event: fill it in."),
                             error_field="days_since_event")

    def refuse(with_error: bool) -> Callable[[], None]:
        def run() -> None:
            preview(ok)()
            screen.preview_page.toggle_refuse()
            if with_error:
                screen.refuse("")
            else:
                screen.preview_page.reason.setText("Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường")
        return run

    def done(outcome: Outcome, event: str = "") -> Callable[[], None]:
        def run() -> None:
            screen._reset()
            screen.state = sample_state("preview")
            screen._ended(outcome)
            if event:
                job = SimpleNamespace(id=outcome.print_job_id)
                screen.on_print_event(SimpleNamespace(job=job, state=event, error_code="offline",
                                                      message=_("The printer does not answer") if event == "failed"
                                                      else "",
                                                      where=where_words(parse_printer("cups:Quay1-A5"), "")))
        return run

    received = Outcome(model.RECEIVED, uuid.uuid4(), uuid.uuid4(), "000.00.04.H26-261123-0001", due, 5000,
                       applicant_name="Nguyễn Văn Hòa")
    supplement = Outcome(model.SUPPLEMENT, uuid.uuid4(), missing=missing.missing, applicant_name="Nguyễn Văn Hòa")
    refused = Outcome(model.REFUSED, uuid.uuid4(), applicant_name="Nguyễn Văn Hòa")

    def save_failed() -> None:
        preview(ok)()
        screen._end_failed(database_outage())

    def discard_asked() -> None:
        put(sample_state("documents"), "documents")
        screen.drafts.ask_again()
        screen.drafts.discard()

    def draft_resumed() -> None:
        put(sample_state("applicant"), "applicant")
        say(screen.status, _("Draft resumed: everything typed before is back."), "ok")

    def documents_file_offered() -> None:
        put(sample_state("documents"), "documents")
        screen.documents.offer_file("scan0007.pdf")

    def documents_scanned() -> None:
        state = sample_state("documents")
        state.documents[0].scan_sha256, state.documents[0].scan_pages = "0" * 64, 1
        state.documents[1].scan_sha256, state.documents[1].scan_pages = "1" * 64, 3
        put(state, "documents")
        say(screen.status, _("Scan kept for «{item}»: it is attached when the dossier is saved.").format(
            item=state.documents[1].name), "ok")

    def scan_dialog(**kwargs: Any) -> Callable[[], None]:
        def run() -> None:
            put(sample_state("documents"), "documents")
            scan_tour.show_dialog(screen, screen.tasks, "Giấy chứng sinh", **kwargs)
        return run

    states = [
        ("procedure", procedure), ("procedure_drafts", procedure_drafts), ("procedure_no_match", procedure_none),
        ("documents", documents(True)), ("documents_missing", documents(False)), ("discard_asked", discard_asked),
        ("documents_scanned", documents_scanned),
        ("documents_file_offered", documents_file_offered),
        ("scan_dialog_empty", scan_dialog()), ("scan_dialog_no_scanner", scan_dialog(scanner=False)),
        ("scan_dialog_pages", scan_dialog(pages=3, selected=1, turned=True)),
        ("scan_dialog_folder", scan_dialog(pages=1, offered=("scan0007.pdf", "scan0008.pdf"))),
        ("scan_dialog_blank_page", scan_dialog(pages=2, error="blank_page")),
        ("scan_dialog_not_a_document", scan_dialog(pages=1, error="not_a_document")),
        ("applicant", applicant), ("applicant_scanned", applicant_scanned), ("applicant_errors", applicant_errors),
        ("applicant_not_id_card", applicant_bad_scan("HTTPS://MOTCUA.HANOI.GOV.VN/T/ABCDEFGH")),
        ("applicant_bad_id_card", applicant_bad_scan(ID_QR.replace("15031990", "15031991"))),
        ("applicant_known", applicant_known), ("draft_resumed", draft_resumed),
        ("preview", preview(ok)), ("preview_missing", preview(missing, complete=False)),
        ("preview_needs_days", preview(needs_days)), ("refuse", refuse(False)), ("refuse_no_reason", refuse(True)),
        ("save_failed", save_failed),
        ("done_received", done(received)), ("done_printed", done(received, "done")),
        ("done_print_failed", done(received, "failed")), ("done_supplement", done(supplement, "done")),
        ("done_refused", done(refused, "done")),
    ]

    def closing(put_state: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            scan_tour.close_dialogs(screen)
            put_state()
        return run

    return [(name, closing(fn)) for name, fn in states]


__all__ = ["ID_QR", "sample_details", "sample_state", "tour_states"]
