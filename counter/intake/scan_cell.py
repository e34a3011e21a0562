"""One checklist line's scan at the intake: what is scanned so far ("chưa quét", or its page
count) and the «Scan» button that opens the scan dialog for that item."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.i18n import _, ngettext
from counter.intake.model import DocumentEntry
from counter.scanning.sources import sized
from ui.parts import button, hbox, label, say


class ScanCell(QWidget):
    requested = Signal(int)

    def __init__(self, index: int, doc: DocumentEntry) -> None:
        super().__init__()
        self.index, self.doc = index, doc
        self.button = sized(button(name=f"intake-doc-{index}-scan", on_click=lambda: self.requested.emit(self.index)))
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches it; Space presses it
        self.button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.state = label(role="hint", wrap=False, name=f"intake-doc-{index}-scanned")
        hbox(self, [self.button, self.state], spacing=8).addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        pages = self.doc.scan_pages if self.doc.scan_sha256 else 0
        self.button.setText(_("Scan again") if pages else _("Scan"))
        if pages:
            say(self.state, ngettext("{n} page scanned", "{n} pages scanned", pages).format(n=pages), "ok")
        else:
            say(self.state, _("not scanned"), "hint")


__all__ = ["ScanCell"]
