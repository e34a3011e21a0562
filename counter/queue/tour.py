"""The queue panel's tour: made-up tickets and waiting counts drawn on the real page (no database write)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from core.errors import DomainError
from counter.queue import model
from counter.queue.model import (
    FINISHED,
    NO_SHOW,
    NOBODY_WAITING,
    TRANSFERRED,
    CurrentTicket,
    Notice,
    Transferred,
)
from counter.queue.words import error_words
from ui.failures import database_outage

if TYPE_CHECKING:
    from counter.queue.view import QueuePanel


def show(page: QueuePanel, **changes: Any) -> None:
    """Draw a made-up state on the page (no database write): the tour's pictures."""
    page.tasks.wait_idle()
    base = page.state or model.panel(page.ctx)
    page._say("")
    page.show_made_up(replace(base, **changes))


def sample_ticket(page: QueuePanel, status: str = "called", **changes: Any) -> CurrentTicket:
    base = page.state or model.panel(page.ctx)
    svc = (base.services or base.transfer_services)[0]
    now = page.ctx.now()
    values: dict[str, Any] = {
        "id": uuid.uuid4(), "code": f"{svc.prefix}012", "service_code": svc.code, "service_name_vi": svc.name_vi,
        "service_name_en": svc.name_en, "priority_reason": None, "source": "walk_in", "status": status,
        "called_at": now - timedelta(minutes=4, seconds=25), "call_count": 1,
        "serving_at": now - timedelta(minutes=3, seconds=25) if status == "serving" else None, "transferred": None}
    values.update(changes)
    return CurrentTicket(**values)


def sample_waiting(page: QueuePanel) -> dict[str, Any]:
    base = page.state or model.panel(page.ctx)
    services = tuple(replace(s, waiting=3 + 2 * i, priority_waiting=1 if i == 0 else 0)
                     for i, s in enumerate(base.services))
    return {"services": services, "waiting": sum(s.waiting for s in services), "priority_waiting": 1,
            "transferred_here": 1}


def show_nobody(page: QueuePanel) -> None:
    base = page.state or model.panel(page.ctx)
    show(page, current=None, services=tuple(replace(s, waiting=0, priority_waiting=0) for s in base.services),
         waiting=0, priority_waiting=0, transferred_here=0)
    page._say_notice(Notice(NOBODY_WAITING))


def show_transfer_dialog(page: QueuePanel) -> None:
    show(page, current=sample_ticket(page, "serving"), **sample_waiting(page))
    dialog = page.open_transfer(embedded=True)
    if dialog is not None and dialog.services.count():
        dialog.services.setCurrentRow(0)  # as a clerk leaves it before OK


def tour_states(page: QueuePanel) -> list[tuple[str, Callable[[], None]]]:
    def with_notice(notice: Notice, **changes: Any) -> None:
        show(page, **changes)
        page._say_notice(notice)

    def with_error(exc: Exception, **changes: Any) -> None:
        show(page, **changes)
        page._say("error", "error", lambda: error_words(exc))

    def busy() -> Exception:  # the refusal of F2 with a ticket open, in the language of the moment
        return model.clerk_words(DomainError("", code="counter_busy", ticket="A012"))

    def ticket(status: str, **changes: Any) -> CurrentTicket:
        return sample_ticket(page, status, **changes)

    def waiting() -> dict[str, Any]:
        return sample_waiting(page)

    away = Notice(TRANSFERRED, "A011", to_service_vi="Chứng thực", to_service_en="Attestation", to_counter=2)
    sent_here = Transferred(from_counter=3, from_service_vi="Chứng thực", from_service_en="Attestation",
                            note="Cần trích lục khai sinh bản sao")
    return [
        ("", page.tasks.wait_idle),
        ("waiting", lambda: show(page, current=None, **waiting())),
        ("nobody-waiting", lambda: show_nobody(page)),
        ("called", lambda: show(page, current=ticket("called", call_count=2), **waiting())),
        ("serving", lambda: show(page, current=ticket("serving"), **waiting())),
        ("priority", lambda: show(page, current=ticket("called", priority_reason="elderly"), **waiting())),
        ("appointment", lambda: show(page, current=ticket("serving", source="appointment"), **waiting())),
        ("transferred", lambda: show(page, current=ticket("called", transferred=sent_here), **waiting())),
        ("finished", lambda: with_notice(Notice(FINISHED, "A011"), current=None, **waiting())),
        ("absent", lambda: with_notice(Notice(NO_SHOW, "A011"), current=None, **waiting())),
        ("transferred-away", lambda: with_notice(away, current=None, **waiting())),
        ("busy", lambda: with_error(busy(), current=ticket("serving"), **waiting())),
        ("db-error", lambda: with_error(database_outage(), current=ticket("serving"), **waiting())),
        ("refresh-error", lambda: (show(page, current=None, **waiting()),
                                   page._refresh_failed(database_outage()))),
        ("closed", lambda: show(page, current=None, counter_open=False, **waiting())),
        ("transfer-dialog", lambda: show_transfer_dialog(page)),
    ]


__all__ = ["sample_ticket", "sample_waiting", "show", "show_nobody", "show_transfer_dialog", "tour_states"]
