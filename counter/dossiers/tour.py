"""The dossiers page's tour: made-up dossiers and lists (no database write) and the
states the tour photographs, each put on the page as the clerk would see it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from core.errors import DomainError
from core.i18n import _
from counter.dossiers import model
from counter.dossiers.names import CONTROL_SLIP, RECEIPT, action_words, status_words
from counter.dossiers.rows import (
    Counts,
    DossierView,
    HistoryLine,
    Listing,
    Outcome,
    Row,
)
from counter.dossiers.words import done_words, error_words, paper_words
from counter.scanning import tour as scan_tour
from ui.failures import database_outage
from ui.parts import say

if TYPE_CHECKING:
    from counter.dossiers.view import DossiersPage


def sample_view(page: DossiersPage, status: str, **changes: Any) -> DossierView:
    """A made-up dossier in ``status`` (no database write): the tour's pictures."""
    from local_db.ops.dossier_info import (
        DocumentLine,
        DossierDetail,
        DossierEventInfo,
    )

    now = page.ctx.now()
    received = now - timedelta(days=3, hours=2)
    due = changes.pop("due_at", now + timedelta(days=1))
    staff = page.ctx.staff.full_name if page.ctx.staff is not None else "Cán bộ Một"
    chain = {"received": ["receive"], "in_processing": ["receive", "send_to_processing"],
             "needs_supplement": ["receive", "send_to_processing", "request_supplement"],
             "ready": ["receive", "send_to_processing", "result_back"],
             "returned": ["receive", "send_to_processing", "result_back", "return_result"],
             "rejected": ["receive", "reject"], "withdrawn": ["receive", "withdraw"]}[status]
    details: dict[str, dict[str, Any]] = {
        "receive": {"due_at": due}, "request_supplement": {"items": ["Bản sao giấy khai sinh có chứng thực",
                                                                     "Ảnh 4x6"]},
        "result_back": {"on_time": True}, "return_result": {"returned_to": "Nguyễn Văn Hoà", "fee_paid_vnd": 3000},
        "reject": {"reason": "Hồ sơ không thuộc thẩm quyền giải quyết của phường"},
        "withdraw": {"reason": "Công dân xin rút để bổ sung sau"},
    }
    events = tuple(DossierEventInfo(at=received + timedelta(hours=5 * i), action=a, from_state=None,
                                    to_state=status, staff_id=None, staff_name=staff, counter_number=1, note="",
                                    detail=details.get(a, {})) for i, a in enumerate(chain))
    values: dict[str, Any] = {
        "id": uuid.UUID(int=1), "code": "000.00.04.H26-261120-0007", "status": status, "procedure_code": "1.004873",
        "procedure_name_vi": "Cấp Giấy xác nhận tình trạng hôn nhân",
        "procedure_name_en": "Issuing a certificate of marital status", "applicant_id": uuid.UUID(int=2),
        "applicant_name": "Nguyễn Văn Hoà", "applicant_name_masked": "N*** V** H**", "applicant_phone": "0912345678",
        "applicant_cccd": "001090012345", "received_at": received,
        "due_at": None if status == "needs_supplement" else due, "ready_at": now if status in ("ready", "returned")
        else None, "returned_at": now if status == "returned" else None, "fee_vnd": 3000, "overdue": False,
        "reschedule_count": 0, "documents": (DocumentLine("Tờ khai", originals=1),), "events": events, "fee_detail": {},
        "fee_paid_vnd": 3000 if status == "returned" else 0, "request_content": "", "clock_started_at": received,
        "original_due_at": due, "sets": 1, "counter_number": 1, "received_by": None, "received_by_name": staff,
        "with_verification": False, "processing_vi": "3 ngày làm việc", "processing_en": "3 working days",
        "applicant_address": "12 Phố Đội Cấn, Ba Đình", "applicant_email": "", "returned_to": "Nguyễn Văn Hoà"
        if status == "returned" else "", "result_note": details.get(chain[-1], {}).get("reason", ""),
        "closed_at": None, "ticket_id": None, "office_code": page.ctx.office_code}
    values.update(changes)
    d = DossierDetail(**values)
    start = now.replace(hour=0)
    history = tuple(HistoryLine(at=e.at, action=e.action, staff_name=e.staff_name,
                                counter_number=e.counter_number, what=e.action,
                                details=model._history_details(e)) for e in d.events)
    return DossierView(dossier=d, history=history, actions=model.actions_for(status),
                       due_today=d.due_at is not None and start <= d.due_at <= now + timedelta(hours=12)
                       and status in ("received", "in_processing"), read_at=now)


def sample_rows(page: DossiersPage) -> tuple[Row, ...]:
    now = page.ctx.now()
    staff = page.ctx.staff.full_name if page.ctx.staff is not None else "Cán bộ Một"
    people = [("Nguyễn Văn Hoà", "received", -1, True, False), ("Phạm Thị Thuỷ", "in_processing", 0, False, True),
              ("Trần Minh Đức", "needs_supplement", None, False, False),
              ("Lê Thị Mai", "ready", 2, False, False), ("Hoàng Văn Nam", "returned", 3, False, False)]
    rows = []
    for i, (name, status, days, overdue, today) in enumerate(people):
        rows.append(Row(
            id=uuid.UUID(int=10 + i), code=f"000.00.04.H26-2611{18 + i}-000{i + 1}", procedure_code="1.004873",
            procedure_name_vi="Cấp Giấy xác nhận tình trạng hôn nhân",
            procedure_name_en="Issuing a certificate of marital status", applicant_name=name, status=status,
            received_at=now - timedelta(days=5 - i), due_at=None if days is None else now + timedelta(days=days),
            overdue=overdue, due_today=today and not overdue, counter_number=1 + i % 2, clerk_name=staff,
            received_by=None, rescheduled=i == 1))
    return tuple(rows)


def show_list(page: DossiersPage, rows: tuple[Row, ...] | None = None, **filters: Any) -> None:
    page.tasks.wait_idle()
    page.lists.void()  # the made-up list is not replaced by an answer on its way
    rows = sample_rows(page) if rows is None else rows
    # An office's real counts (a month of work), not the five rows shown: two- and
    # three-digit numbers are what the chips and the status list must fit.
    counts = Counts(overdue=12, due_today=23, mine=84, scans_missing=17,
                    by_status={"received": 84, "in_processing": 312, "needs_supplement": 27, "ready": 45,
                               "returned": 1208, "rejected": 6, "withdrawn": 3})
    values: dict[str, Any] = {"query": "", "status": None, "due_today": False, "overdue": False, "mine": False}
    values.update(filters)
    page.listing = Listing(rows=rows, counts=counts, limit=model.LIMIT, read_at=page.ctx.now(), **values)
    page._say(None)
    page._say_print(None)
    page._draw_filters()
    page._draw_list()


def show_detail(page: DossiersPage, status: str, **changes: Any) -> None:
    page.dialogs.close()
    show_list(page)
    page.details.void()
    page.view = sample_view(page, status, **changes)
    page.tabs.setCurrentIndex(0)
    page._draw_detail()
    show_scans(page)


def show_scans(page: DossiersPage) -> None:
    """Made-up scans for the made-up dossier (the panel's question to the database is dropped)."""
    scans = page.scans
    scans.loads.void()
    names = ("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", "Giấy tờ tùy thân",
             "Giấy tờ chứng minh nơi cư trú", "Giấy tờ chứng minh đã ly hôn hoặc vợ/chồng đã chết")
    say(scans.message, "")
    scans.can_scan = page.view is not None and page.view.status not in ("rejected", "withdrawn")
    scans.show_items(scan_tour.sample_scans(page.ctx.now(), names))
    scans.tree.setCurrentItem(scans.tree.topLevelItem(0))


def show_dialog(page: DossiersPage, action: str, status: str, error: str = "", **changes: Any) -> None:
    show_detail(page, status, **changes)
    dialog = page.act(action, embedded=True)
    if dialog is not None and error:
        dialog.show_error(error)


def tour_states(page: DossiersPage) -> list[tuple[str, Callable[[], None]]]:
    def closing(put: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            scan_tour.close_dialogs(page)
            put()
        return run

    return [(name, closing(put)) for name, put in _states(page)]


def _states(page: DossiersPage) -> list[tuple[str, Callable[[], None]]]:
    now = page.ctx.now()

    def with_message(role: str, words: Callable[[], str], status: str = "received", **changes: Any) -> None:
        show_detail(page, status, **changes)
        page._say(role, words)

    def done(action: str, status: str, paper: str = "") -> Callable[[], None]:
        def put() -> None:
            show_detail(page, status)
            assert page.view is not None
            outcome = Outcome(view=page.view, action=action, print_job_id=None, paper=paper)
            page._say("ok", lambda: done_words(outcome))
        return put

    def printed(state: str) -> None:
        show_detail(page, "needs_supplement")
        page.print_paper = "supplement_request"
        if state == "done":
            page._say_print("ok", lambda: _("Printed: {paper}.").format(paper=paper_words(page.print_paper)))
        else:
            page._say_print("error", lambda: _(
                "Printer problem: {message}. The paper waits in the print queue and prints when the printer is "
                "back; the dossier itself is saved.").format(message=_("the printer is out of paper")))

    scan_refusals = [model._scan_refusal(r, None) for r in (model.Result.TAMPERED, model.Result.UNKNOWN_KEY,
                                                            model.Result.WRONG_OFFICE, model.Result.NOT_OURS)]
    overdue = {"due_at": now - timedelta(hours=3), "overdue": True}
    twice = model.clerk_words(DomainError("", code="already_rescheduled", dossier="000.00.04.H26-261120-0007"))
    return [
        ("", page.tasks.wait_idle),
        ("list", lambda: (show_list(page), page.dialogs.close(), setattr(page, "view", None),
                          page._draw_detail())),
        ("list-empty", lambda: (show_list(page, ()), setattr(page, "view", None), page._draw_detail())),
        ("search-no-match", lambda: (show_list(page, (), query="nguyen van x"), setattr(page, "view", None),
                                     page._draw_detail())),
        ("overdue-filter", lambda: show_list(page, sample_rows(page)[:1], overdue=True)),
        ("loading", lambda: (setattr(page, "listing", None), page._draw_list())),
        ("received", lambda: show_detail(page, "received")),
        ("received-overdue", lambda: show_detail(page, "received", **overdue)),
        ("in-processing", lambda: show_detail(page, "in_processing")),
        ("needs-supplement", lambda: show_detail(page, "needs_supplement")),
        ("ready", lambda: show_detail(page, "ready")),
        ("returned", lambda: show_detail(page, "returned")),
        ("rejected", lambda: show_detail(page, "rejected")),
        ("withdrawn", lambda: show_detail(page, "withdrawn")),
        ("rescheduled", lambda: show_detail(page, "in_processing", reschedule_count=1,
                                                  original_due_at=now - timedelta(days=1))),
        ("dialog-send", lambda: show_dialog(page, "send_to_processing", "received")),
        ("dialog-supplement", lambda: show_dialog(page, "request_supplement", "in_processing")),
        ("dialog-supplement-empty", lambda: show_dialog(page, 
            "request_supplement", "received", _("Write what the citizen has to bring, one item per line."))),
        ("dialog-supplement-received", lambda: show_dialog(page, "supplement_received", "needs_supplement")),
        ("dialog-result-back", lambda: show_dialog(page, "result_back", "in_processing")),
        ("dialog-at-desk", lambda: show_dialog(page, "handle_at_desk", "received")),
        ("dialog-return", lambda: show_dialog(page, "return_result", "ready")),
        ("dialog-return-proxy", lambda: show_return_proxy(page)),
        ("dialog-reschedule", lambda: show_dialog(page, "reschedule", "in_processing", **overdue)),
        ("dialog-reschedule-refused", lambda: show_dialog(page, 
            "reschedule", "in_processing",
            _("The new date must be within working hours on a working day."))),
        ("dialog-reject", lambda: show_dialog(page, "reject", "received")),
        ("dialog-reject-empty", lambda: show_dialog(page, 
            "reject", "received", _("Write the reason for the refusal: it is printed on the form."))),
        ("dialog-withdraw", lambda: show_dialog(page, "withdraw", "needs_supplement")),
        ("already-rescheduled", lambda: with_message("error", lambda: twice.message, "in_processing",
                                                     reschedule_count=1)),
        ("not-allowed", lambda: with_message("error", lambda: _(
            "“{action}” is not possible for a dossier that is “{status}”.").format(
            action=action_words("return_result"), status=status_words("received")))),
        *[(f"scan-refused-{i}", lambda text=text: with_message("error", lambda: text))
          for i, text in enumerate(scan_refusals)],
        ("scan-unknown-dossier", lambda: with_message("error", lambda: _(
            "The receipt of dossier {code} is genuine, but the dossier is not in this office's database yet (it "
            "may not have arrived from the centre).").format(code="000.00.04.H26-261120-0007"))),
        ("done-send", done("send_to_processing", "in_processing")),
        ("done-supplement", done("request_supplement", "needs_supplement", "supplement_request")),
        ("done-supplement-received", done("supplement_received", "received")),
        ("done-result-back", done("result_back", "ready")),
        ("done-at-desk", done("handle_at_desk", "ready")),
        ("done-return", done("return_result", "returned")),
        ("done-reschedule", done("reschedule", "in_processing", "apology")),
        ("done-reject", done("reject", "rejected", "refusal")),
        ("done-withdraw", done("withdraw", "withdrawn")),
        ("done-control-slip", done(CONTROL_SLIP, "in_processing", "control_slip")),
        ("done-receipt", done(RECEIPT, "received", "receipt")),
        ("printed", lambda: printed("done")),
        ("print-failed", lambda: printed("failed")),
        ("db-error", lambda: with_message("error", lambda: error_words(database_outage()))),
        ("scans-missing-filter", lambda: (show_list(page, sample_rows(page)[:2], scans_missing=True),
                                          page.chips["scans_missing"].setChecked(True))),
        ("scans", lambda: show_scans_part(page)),
        ("scan-again", lambda: (show_detail(page, "needs_supplement"),
                                scan_tour.show_dialog(page, page.tasks, "Giấy tờ tùy thân", pages=2))),
        ("refresh-error", lambda: (show_detail(page, "received"), page._list_failed(database_outage()))),
    ]


def show_scans_part(page: DossiersPage) -> None:
    """The detail's scans tab, the older version of the first item selected."""
    show_detail(page, "needs_supplement")
    tree = page.scans.tree
    top = tree.topLevelItem(0)
    if top is not None and top.childCount() > 1:
        top.setExpanded(True)
        tree.setCurrentItem(top.child(1))
    page.tasks.wait_idle()
    page.tabs.setCurrentIndex(1)


def show_return_proxy(page: DossiersPage) -> None:
    show_dialog(page, "return_result", "ready")
    dialog = page.dialog
    if dialog is not None and hasattr(dialog, "by_proxy"):
        dialog.by_proxy.setChecked(True)
        dialog.proxy_name.setText("Trần Thị Lan")
        dialog.proxy_id.setText("001195067890")


__all__ = ["sample_rows", "sample_view", "show_detail", "show_dialog", "show_list", "show_return_proxy",
           "tour_states"]
