"""The system printer through Qt: QtPdf renders each page, QPrinter prints it.

For printers CUPS has no queue for (or Windows printers): the queue's PDF is loaded with
QPdfDocument, each page rendered to an image at the printer's resolution (capped, so an
A4 page at 1200 dpi does not take half a gigabyte) and painted full-page onto a QPrinter
set to the page's own size. ``output_file`` makes QPrinter write a PDF instead (tests).

The only printing module that imports PySide6, and only the back-end factory imports it,
so a print worker for any other printer runs without Qt.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from core.i18n import _
from printing.backends import PrinterError, PrintRequest
from printing.printer_spec import PrinterSpec

MAX_RENDER_DPI = 300  # enough for text and QR codes on any office printer
_app: Any = None  # a QGuiApplication we made ourselves (a worker run without the Qt apps)


def _ensure_app() -> None:
    global _app
    if QCoreApplication.instance() is not None:
        return
    if threading.current_thread() is not threading.main_thread():
        raise PrinterError("unsupported", _("Printing through Qt needs the application to be running."))
    _app = QGuiApplication([])


class QtBackend:
    def __init__(self, spec: PrinterSpec, *, output_file: str | Path | None = None,
                 max_dpi: int = MAX_RENDER_DPI) -> None:
        self.spec = spec
        self.output_file = Path(output_file) if output_file else None
        self.max_dpi = max_dpi

    def _printer(self) -> QPrinter:
        if self.output_file is not None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(self.output_file))
            return printer
        name = self.spec.target
        if name:
            if name not in QPrinterInfo.availablePrinterNames():
                raise PrinterError("missing", _("Printer \"{name}\" is not installed on this machine.").format(
                    name=name))
            info = QPrinterInfo.printerInfo(name)
        else:
            info = QPrinterInfo.defaultPrinter()
            if info.isNull():
                raise PrinterError("missing", _("This machine has no default printer."))
        if info.state() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            raise PrinterError("offline", _("Printer \"{name}\" reports an error.").format(name=info.printerName()))
        return QPrinter(info, QPrinter.PrinterMode.HighResolution)

    def send(self, request: PrintRequest) -> None:
        _ensure_app()
        document = QPdfDocument()
        try:
            status = document.load(str(request.pdf_path))
            if status != QPdfDocument.Error.None_ or document.pageCount() == 0:
                raise PrinterError("failed", _("Cannot read the PDF of this job ({status}).").format(
                    status=getattr(status, "name", status)))
            printer = self._printer()
            printer.setDocName(request.title or request.document or "MotCua")
            printer.setFullPage(True)
            copies = max(1, request.copies)
            manual_copies = 1
            printer.setCopyCount(copies)
            if printer.copyCount() != copies or self.output_file is not None:
                manual_copies = copies  # the device cannot collate copies itself: send the pages again
                printer.setCopyCount(1)
            self._paint(document, printer, manual_copies)
        finally:
            document.close()

    def _page_layout(self, document: QPdfDocument, page: int) -> QPageLayout:
        size = document.pagePointSize(page)
        page_size = QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
        orientation = QPageLayout.Orientation.Portrait
        return QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0))

    def _paint(self, document: QPdfDocument, printer: QPrinter, copies: int) -> None:
        pages = [p for _copy in range(copies) for p in range(document.pageCount())]
        printer.setPageLayout(self._page_layout(document, pages[0]))
        painter = QPainter()
        if not painter.begin(printer):
            raise PrinterError("offline", _("The printer could not start the job."))
        try:
            for index, page in enumerate(pages):
                if index:
                    printer.setPageLayout(self._page_layout(document, page))
                    if not printer.newPage():
                        raise PrinterError("failed", _("The printer refused a new page."))
                target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
                dpi = min(printer.resolution(), self.max_dpi)
                points = document.pagePointSize(page)
                pixels = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
                image = document.render(page, pixels)
                if image.isNull():
                    raise PrinterError("failed", _("Cannot render page {page} of the document.").format(page=page + 1))
                painter.drawImage(target, _on_white(image))
        except BaseException:
            painter.end()
            raise
        if not painter.end():
            raise PrinterError("failed", _("The printer could not finish the job."))


def _on_white(image: QImage) -> QImage:
    """The rendered page over white paper (QtPdf leaves the background transparent)."""
    flat = QImage(image.size(), QImage.Format.Format_RGB32)
    flat.fill(0xFFFFFFFF)
    p = QPainter(flat)
    p.drawImage(0, 0, image)
    p.end()
    return flat
