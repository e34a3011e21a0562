"""Rate our service: pick the counter or scan the ticket/receipt, give the three-level
rating (and, if the citizen likes, the plain-words criteria), then a thank-you."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from core.i18n import _
from kiosk.context import KioskContext
from kiosk.rating.model import (
    ALREADY_RATED,
    NOT_RATEABLE,
    NOT_SERVED,
    OK,
    QUESTIONS,
    RATING_WORDS,
    REFUSED,
    CounterChoice,
    Identified,
    Target,
    counter_choices,
    identify_scan,
    identify_words,
    submit,
    submit_error_words,
)
from ui.failures import database_outage, failure_words
from ui.flow import Columns
from ui.parts import button, clear_layout, hbox, label, panel, scroll_area, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner

THANKS_RETURN_MS = 15_000
MARK = "•"  # the chosen answer is marked in the text too, not by colour alone


class RatingScreen(Screen):
    """Whom to rate: a counter button, or a scanned ticket or receipt."""

    name = "rating"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.counters: list[CounterChoice] = []
        self.last: Identified | None = None
        self.busy = False
        self.title = label(role="title", center=True)
        self.scan_hint = label(role="subtitle", center=True)
        self.or_label = label(role="subtitle", center=True)
        self.error = label(role="error", name="rating-error")
        self.grid = QGridLayout()
        self.grid.setSpacing(18)
        self.buttons: dict[int, QPushButton] = {}
        self.back = button(name="back", on_click=lambda: self.go("start"))
        layout = vbox(self, [self.title, self.scan_hint, self.error, self.or_label], margin=40, spacing=20)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        layout.addWidget(self.back)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Rate our service"))
        self.scan_hint.setText(_("Scan your queue ticket or your dossier receipt under the scanner"))
        self.or_label.setText(_("or choose the counter that served you:"))
        self.back.setText(_("Back"))
        self._fill_counters()
        if self.last is not None and self.last.outcome != OK:
            self._say(identify_words(self.last))

    def enter(self, **params: Any) -> None:
        self.last, self.busy = None, False
        self.error.hide()
        self.tasks.run(counter_choices, self.ctx, on_done=self._counters, on_error=self._failed)
        if params.get("scan"):
            self.on_scan(str(params["scan"]))

    def leave(self) -> None:
        self.last, self.busy = None, False
        self.error.hide()

    def _counters(self, counters: list[CounterChoice]) -> None:
        self.counters = counters
        self._fill_counters()

    def _fill_counters(self) -> None:
        for b in self.buttons.values():
            b.hide()  # gone now, not at the next turn of the event loop
        clear_layout(self.grid)  # type: ignore[arg-type]
        self.buttons = {}
        for i, c in enumerate(self.counters):
            b = button(_("Counter {number}").format(number=c.number) + f"\n{c.services()}", "choice",
                       name=f"rating-counter-{c.number}",
                       on_click=lambda n=c.number: self.go("rating_form", target=Target(counter_number=n)))
            self.grid.addWidget(b, i // 2, i % 2)
            self.buttons[c.number] = b

    def on_scan(self, text: str) -> None:
        """A QR code read by the kiosk's scanner while this screen is shown."""
        if self.busy:
            return
        self.busy = True
        self.tasks.run(identify_scan, self.ctx, text, on_done=self._identified, on_error=self._failed)

    def _identified(self, result: Identified) -> None:
        self.busy = False
        self.last = result
        if result.outcome == OK and result.target is not None:
            self.go("rating_form", target=result.target)
        else:
            self._say(identify_words(result))

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self._say(failure_words(exc, unavailable=_(
            "Sorry, something went wrong. Please choose the counter that served you."), citizen=True))

    def _say(self, words: str) -> None:
        self.error.setText(words)
        self.error.setVisible(bool(words))

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        def show(result: Identified) -> Callable[[], None]:
            return lambda: self._identified(result)

        return [
            ("", lambda: None),
            ("forged", show(Identified(REFUSED, messages={"vi": "Mã QR này không hợp lệ.",
                                                          "en": "This QR code is not valid."}))),
            ("not_served", show(Identified(NOT_SERVED, code="A015"))),
            ("already_rated", show(Identified(ALREADY_RATED, code="A015"))),
            ("not_rateable", show(Identified(NOT_RATEABLE))),
            ("failed", lambda: self._failed(database_outage())),
        ]


class RatingFormScreen(Screen):
    """The rating itself: three big levels, then the optional questions, then Send."""

    name = "rating_form"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.target: Target | None = None
        self.rating: str | None = None
        self.answers: dict[str, Any] = {}
        self.busy = False
        self.title = label(role="title", center=True)
        self.about = label(role="subtitle", center=True, name="rating-about")
        self.levels = {key: button(role="choice", name=f"rating-{key}", on_click=lambda k=key: self.choose(k))
                       for key in RATING_WORDS}
        for b in self.levels.values():
            b.setCheckable(True)
        self.more = label(role="subtitle")
        self.questions: dict[str, Any] = {}
        self.answer_buttons: dict[tuple[str, Any], QPushButton] = {}
        inner = QWidget()
        inner_layout = vbox(inner, spacing=14)
        for key, _q, answers in QUESTIONS:
            q = label(role="subtitle", name=f"question-{key}")
            self.questions[key] = q
            row = []
            for value, _text in answers:
                b = button(role="", name=f"answer-{key}-{value}", on_click=lambda k=key, v=value: self.answer(k, v))
                b.setCheckable(True)
                self.answer_buttons[(key, value)] = b
                row.append(b)
            box = panel()
            vbox(box, [q], margin=16, spacing=10).addLayout(hbox(items=row, spacing=12))
            inner_layout.addWidget(box)
        inner_layout.addStretch(1)
        self.status = label(role="error", name="rating-status")
        self.send = button(role="primary", name="rating-send", on_click=self.send_rating)
        self.back = button(name="back", on_click=lambda: self.go("rating"))
        levels = Columns(portrait=1, landscape=3, spacing=16)  # the three levels abreast on a landscape panel
        for b in self.levels.values():
            levels.add(b)
        layout = vbox(self, [self.title, self.about, levels, self.more], margin=40, spacing=16)
        layout.addWidget(scroll_area(inner), 1)
        layout.addWidget(self.status)
        layout.addLayout(hbox(items=[self.back, self.send]))
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("How satisfied are you with our service?"))
        self.more.setText(_("A few more questions (you may skip them):"))
        for key, question, _answers in QUESTIONS:
            self.questions[key].setText(_(question))
        self.send.setText(_("Send my rating"))
        self.back.setText(_("Back"))
        self._mark()
        if self.target is not None:
            self.about.setText(self.target.words())
        if self.status.isVisible() and self.rating is None:
            self.status.setText(_("Please choose one of the three levels first."))

    def enter(self, target: Target | None = None, **params: Any) -> None:
        self.target = target
        self.rating, self.answers, self.busy = None, {}, False
        self.about.setText(target.words() if target is not None else "")
        self.status.hide()
        self._mark()

    def leave(self) -> None:
        self.target, self.rating, self.answers, self.busy = None, None, {}, False
        self.about.setText("")
        self.status.hide()
        self._mark()

    def choose(self, key: str) -> None:
        self.rating = key
        self.status.hide()
        self._mark()

    def answer(self, key: str, value: Any) -> None:
        if key in self.answers and self.answers[key] == value and type(self.answers[key]) is type(value):
            del self.answers[key]  # a second tap takes the answer back
        else:
            self.answers[key] = value
        self._mark()

    def _mark(self) -> None:
        for key, b in self.levels.items():
            chosen = key == self.rating
            b.setChecked(chosen)
            b.setText(f"{MARK} {_(RATING_WORDS[key])} {MARK}" if chosen else _(RATING_WORDS[key]))
        for key, _q, answers in QUESTIONS:
            for value, text in answers:
                b = self.answer_buttons[(key, value)]
                chosen = key in self.answers and self.answers[key] == value and \
                    type(self.answers[key]) is type(value)
                b.setChecked(chosen)
                b.setText(f"{MARK} {_(text)}" if chosen else _(text))

    def send_rating(self) -> None:
        if self.busy or self.target is None:
            return
        if self.rating is None:
            self.status.setText(_("Please choose one of the three levels first."))
            self.status.show()
            return
        self.busy = True
        self.tasks.run(submit, self.ctx, self.target, self.rating, dict(self.answers), on_done=self._sent,
                       on_error=self._failed)

    def _sent(self, info: Any) -> None:
        self.busy = False
        self.go("rating_thanks", rating=info.rating)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.status.setText(submit_error_words(exc))
        self.status.show()

    def _tour_no_level(self) -> None:
        self.rating = None
        self._mark()
        self.send_rating()

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        if self.target is None:
            self.enter(target=Target(counter_number=1))

        def filled() -> None:
            self.choose("satisfied")
            self.answer("times_contacted", 1)
            self.answer("staff_conduct", "very_satisfied")

        return [
            ("", lambda: None),
            ("filled", filled),
            ("no_level", self._tour_no_level),
            ("save_failed", lambda: self._failed(database_outage())),
        ]


class RatingThanksScreen(Screen):
    name = "rating_thanks"

    def __init__(self, ctx: KioskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = label(role="big", center=True, name="rating-thanks")
        self.text = label(role="subtitle", center=True)
        self.done = button(role="primary", name="done", on_click=lambda: self.go("start"))
        layout = vbox(self, margin=40, spacing=30)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addStretch(1)
        layout.addWidget(self.done)
        self.rating = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.go("start"))
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Thank you!"))
        self.done.setText(_("Done"))
        self.text.setText(_("We are sorry we did not serve you well. Your rating goes to the office's leaders, "
                            "who will look into it.") if self.rating == "unsatisfied" else
                          _("Your rating helps us serve everyone better."))

    def enter(self, rating: str = "", **params: Any) -> None:
        self.rating = rating
        self.retranslate()
        self._timer.start(THANKS_RETURN_MS)

    def leave(self) -> None:
        self._timer.stop()
        self.rating = ""

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        return [("", lambda: self.enter(rating="satisfied")), ("unsatisfied", lambda: self.enter(rating="unsatisfied"))]
