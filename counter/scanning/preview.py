"""A scanned document shown as the PDF it is (QtPdf: QPdfDocument + QPdfView), every page one
under the other, read from a QBuffer (no temporary file with a citizen's papers in it)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QSizePolicy, QWidget

from core.i18n import _
from counter.scanning.sources import sized
from ui.parts import button, hbox, label, vbox


class PdfPreview(QDialog):
    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scan-pdf-preview")
        self.setWindowTitle(title)
        self.resize(900, 1000)
        self.heading = label(title, role="subtitle")
        self.document = QPdfDocument(self)
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setObjectName("scan-pdf-view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.pages = label(role="hint")
        self.pages.setText(_("{n} page(s)").format(n=self.document.pageCount()))
        self.close_button = sized(button(_("Close (Esc)"), name="scan-pdf-close", on_click=self.accept))
        self.close_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        keys = QWidget()
        row = hbox(keys, [self.pages], spacing=8)
        row.addStretch(1)
        row.addWidget(self.close_button)
        vbox(self, [self.heading, self.view, keys], margin=12, spacing=8).setStretch(1, 1)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def done(self, result: int) -> None:
        self.view.setDocument(None)  # type: ignore[arg-type]
        self.document.close()
        super().done(result)


__all__ = ["PdfPreview"]
