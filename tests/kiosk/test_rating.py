"""A citizen rates the service at the kiosk: by counter, or by scanning the ticket or receipt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import select

from core.i18n import language, set_language
from core.tokens import ReceiptToken, TicketToken
from kiosk.context import KioskContext
from kiosk.rating.view import RatingFormScreen, RatingScreen, RatingThanksScreen
from local_db.models import Counter, Feedback, Outbox, Staff
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossier_info import DocumentLine
from local_db.ops.dossier_intake import receive_dossier
from local_db.ops.queue import call_next, finish_serving, issue_ticket, start_serving
from local_db.ops.signing import device_signer
from tests.kiosk.conftest import KIOSK_NOW
from tests.kiosk.stack import screen_stack, shown, tap
from ui.screen import Navigator


@pytest.fixture
def nav(qtbot, kiosk_ctx: KioskContext) -> Iterator[Navigator]:  # type: ignore[no-untyped-def]
    nav = screen_stack(qtbot, lambda tasks: [RatingScreen(kiosk_ctx, tasks), RatingFormScreen(kiosk_ctx, tasks),
                                             RatingThanksScreen(kiosk_ctx)], "rating")
    yield nav
    nav.tasks.wait_idle()
    set_language("vi")


def scan(nav: Navigator, text: str) -> None:
    nav.current.on_scan(text)
    nav.tasks.wait_idle()


def served_ticket(ctx: KioskContext, office: OfficeRefs, clerk: str = "canbo2", counter: int = 2):  # type: ignore[no-untyped-def]
    with ctx.db.write() as s:
        ticket = issue_ticket(s, ctx.actor, "CT", now=KIOSK_NOW - timedelta(minutes=30))
        call_next(s, office.actor(clerk), counter, now=KIOSK_NOW - timedelta(minutes=20))
        start_serving(s, office.actor(clerk), ticket.id, now=KIOSK_NOW - timedelta(minutes=19))
        finish_serving(s, office.actor(clerk), ticket.id, now=KIOSK_NOW - timedelta(minutes=5))
        qr = device_signer(s, ctx.device_id).sign(
            TicketToken(ticket.id, ctx.office_code, KIOSK_NOW - timedelta(minutes=30), KIOSK_NOW.date(), ticket.code))
    return ticket, qr


def test_rating_a_counter_with_the_plain_words_questions(qtbot, nav: Navigator, kiosk_ctx: KioskContext):  # type: ignore[no-untyped-def]
    assert set(nav.current.buttons) == {1, 2, 3, 4}
    assert nav.current.buttons[3].text().startswith("Quầy 3\n")
    tap(qtbot, nav, "rating-counter-3")
    assert nav.current.name == "rating_form"
    assert shown(nav, "rating-about") == "Quầy 3"

    tap(qtbot, nav, "rating-send")  # nothing chosen yet: said in words, nothing stored
    assert shown(nav, "rating-status") == "Vui lòng chọn một trong ba mức đánh giá trước."
    tap(qtbot, nav, "rating-unsatisfied")
    assert nav.findChild(QPushButton, "rating-unsatisfied").text() == "• Không hài lòng •"
    tap(qtbot, nav, "answer-times_contacted-3")
    tap(qtbot, nav, "answer-extra_costs-True")
    tap(qtbot, nav, "answer-staff_conduct-unsatisfied")
    tap(qtbot, nav, "answer-info_posted-True")
    tap(qtbot, nav, "answer-info_posted-True")  # changed their mind: unanswered again
    tap(qtbot, nav, "rating-send")

    assert nav.current.name == "rating_thanks"
    assert shown(nav, "rating-thanks") == "Xin cảm ơn quý khách!"
    with kiosk_ctx.db.read() as s:
        fb = s.scalars(select(Feedback)).one()
        outbox = s.scalars(select(Outbox).where(Outbox.entity == "feedback")).one()
        counter_number = s.scalar(select(Counter.number).where(Counter.id == fb.counter_id))
    assert fb.rating == "unsatisfied" and counter_number == 3 and fb.ticket_id is None
    assert fb.criteria == {"times_contacted": 3, "extra_costs": True, "staff_conduct": "unsatisfied"}
    assert fb.given_at == KIOSK_NOW and outbox.to_state == "given"

    tap(qtbot, nav, "done")
    assert nav.current.name == "start"


def test_scanning_a_served_ticket_credits_the_clerk_and_only_once(qtbot, nav, kiosk_ctx, office):  # type: ignore[no-untyped-def]
    ticket, qr = served_ticket(kiosk_ctx, office)
    scan(nav, qr)
    assert nav.current.name == "rating_form"
    assert shown(nav, "rating-about") == f"Lượt phục vụ số {ticket.code}"
    tap(qtbot, nav, "rating-very_satisfied")
    tap(qtbot, nav, "rating-send")
    assert nav.current.name == "rating_thanks"
    with kiosk_ctx.db.read() as s:
        fb = s.scalars(select(Feedback)).one()
        clerk = s.get(Staff, fb.staff_id)
    assert fb.ticket_id == ticket.id and fb.rating == "very_satisfied" and fb.criteria == {}
    assert clerk.username == "canbo2"

    nav.go("rating")
    scan(nav, qr)
    assert nav.current.name == "rating"
    assert shown(nav, "rating-error") == f"{ticket.code} đã được đánh giá. Xin cảm ơn quý khách!"


def test_refusals_are_plain(qtbot, nav, kiosk_ctx, office):  # type: ignore[no-untyped-def]
    with kiosk_ctx.db.write() as s:
        waiting = issue_ticket(s, kiosk_ctx.actor, "HT", now=KIOSK_NOW)
        qr = device_signer(s, kiosk_ctx.device_id).sign(
            TicketToken(waiting.id, kiosk_ctx.office_code, KIOSK_NOW, KIOSK_NOW.date(), waiting.code))
    scan(nav, qr)
    assert shown(nav, "rating-error").startswith(f"Số {waiting.code} chưa được phục vụ")
    forged = qr[:30] + ("A" if qr[30] != "A" else "B") + qr[31:]
    scan(nav, forged)
    assert shown(nav, "rating-error").endswith("Quý khách vẫn có thể đánh giá bằng cách chọn quầy đã phục vụ mình.")
    scan(nav, "001195067890|||")
    assert shown(nav, "rating-error") != "" and nav.current.name == "rating"
    with kiosk_ctx.db.read() as s:
        assert s.scalars(select(Feedback)).all() == []


def test_a_dossier_receipt_rates_the_dossier(qtbot, nav, kiosk_ctx, office):  # type: ignore[no-untyped-def]
    with kiosk_ctx.db.write() as s:
        info = receive_dossier(s, office.actor("canbo1"), procedure_code="1.004873", applicant=CitizenInput(
            full_name="Trần Văn An", cccd="001090012345"), documents=[DocumentLine("Tờ khai", originals=1),
                                                                       DocumentLine("Giấy tờ tùy thân", certified=1)],
            counter_number=1, now=KIOSK_NOW - timedelta(days=2))
        qr = device_signer(s, kiosk_ctx.device_id).sign(ReceiptToken(info.id, kiosk_ctx.office_code, KIOSK_NOW,
                                                                      info.code))
    scan(nav, qr)
    assert shown(nav, "rating-about") == f"Hồ sơ {info.code}"
    tap(qtbot, nav, "rating-satisfied")
    tap(qtbot, nav, "answer-on_time-None")
    with language("en"):  # switching language keeps the answers
        nav.retranslate()
        assert nav.findChild(QPushButton, "rating-satisfied").text() == "• Satisfied •"
        assert nav.findChild(QPushButton, "answer-on_time-None").text() == "• Not yet / not sure"
    nav.retranslate()
    tap(qtbot, nav, "rating-send")
    with kiosk_ctx.db.read() as s:
        fb = s.scalars(select(Feedback)).one()
        clerk = s.get(Staff, fb.staff_id)
    assert fb.dossier_id == info.id and fb.criteria == {"on_time": None} and clerk.username == "canbo1"


def test_every_tour_state(qtbot, nav: Navigator):  # type: ignore[no-untyped-def]
    for name in ("rating", "rating_form", "rating_thanks"):
        screen = nav.go(name)
        nav.tasks.wait_idle()
        for lang in ("vi", "en"):
            with language(lang):
                nav.retranslate()
                for state, put in screen.tour_states():
                    put()
                    QApplication.processEvents()
                    if state in ("forged", "not_served", "already_rated", "not_rateable", "failed", "no_level",
                                 "save_failed"):
                        assert shown(nav, "rating-error") or shown(nav, "rating-status"), state
