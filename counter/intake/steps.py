"""The intake wizard's step bar, and what its pages share (one widget per step, each in its own module).

The pages are procedure_step.py, documents_step.py, applicant_step.py, preview_step.py and
done_step.py. Each page shows an :class:`~counter.intake.model.IntakeState` (``load``),
writes what the clerk typed back into it (``store``), says where the cursor goes
(``focus_first``) and redoes its texts (``retranslate``). Pages never touch the database:
the screen (view.py) runs the model's functions through the TaskRunner and hands pages
the results.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from core.i18n import pgettext
from counter.intake.model import IntakeState
from ui.parts import hbox, label
from ui.theme import current_theme, set_role


def step_words(step: str) -> str:
    return {
        "procedure": pgettext("counter intake", "Procedure"),
        "documents": pgettext("counter intake", "Documents"),
        "applicant": pgettext("counter intake", "Applicant"),
        "preview": pgettext("counter intake", "Fee and due date"),
        "done": pgettext("counter intake", "Done"),
    }[step]


class StepBar(QWidget):
    """"1 Procedure  2 Documents  3 Applicant ..." with the current step framed and named
    in words above the page ("Step 2 of 5"), so it is never told by colour alone."""

    def __init__(self, steps: tuple[str, ...]) -> None:
        super().__init__()
        self.steps = steps
        self.labels: dict[str, QLabel] = {}
        row = hbox(self, margin=0, spacing=8)
        for step in steps:
            lab = label(role="badge", wrap=False, name=f"intake-stepbar-{step}")
            self.labels[step] = lab
            row.addWidget(lab)
        row.addStretch(1)
        self.current = steps[0]

    def show_step(self, step: str) -> None:
        self.current = step
        self.retranslate()

    def retranslate(self) -> None:
        for i, step in enumerate(self.steps, start=1):
            lab = self.labels[step]
            lab.setText(f"{i}. {step_words(step)}")
            role = "info" if step == self.current else "badge"
            if lab.property("role") != role:
                set_role(lab, role)


FORM_WIDTH = 1000


class StepPage(QWidget):
    """What the screen asks of every step's page (see the module's docstring).

    ``focus_first`` and ``retranslate`` are the abstract part: each of the five pages has its
    own, and a new page that forgot one fails at its first show (``abc`` cannot be mixed
    into QWidget's metaclass)."""

    def load(self, state: IntakeState) -> None:
        """Show the state (a page that shows none of it, like the last one, does nothing)."""

    def store(self, state: IntakeState) -> None:
        """Write what the clerk typed into the state (a page without fields does nothing)."""

    def focus_first(self) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        raise NotImplementedError


def tall(widget: QWidget) -> None:
    """Spin boxes and drop-downs as tall as the theme's text fields (the stylesheet sizes
    only QLineEdit and buttons)."""
    widget.setMinimumHeight(current_theme().px("touch"))


def page_background(widget: QWidget) -> None:
    """A plain QWidget page paints the screen's background only when asked to."""
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)


def field_error() -> QLabel:
    lab = label(role="error")
    lab.setVisible(False)
    return lab


__all__ = ["FORM_WIDTH", "StepBar", "field_error", "page_background", "step_words", "tall"]
