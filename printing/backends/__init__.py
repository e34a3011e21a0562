"""Printer back-ends: one small class per way of putting paper in a citizen's hand.

Every back-end takes a :class:`PrintRequest` (the PDF already rendered and kept on disk,
plus the document's content record for back-ends that print natively) and either prints it
or raises :class:`PrinterError` with a stable code the print queue stores and a screen
shows. A back-end never touches the database: the print worker does that.

Back-end modules are imported on first use (:func:`backend_for`), so a worker printing to
CUPS never loads Qt, and one printing PDFs never loads python-escpos.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from core.i18n import _
from printing.printer_spec import PrinterSpec, parse_printer

#: What went wrong, in words a screen can map to an action for staff.
ERROR_CODES = ("missing", "offline", "out_of_paper", "rejected", "unsupported", "failed")


class PrinterError(Exception):
    """The printer could not print this job. ``code`` is one of :data:`ERROR_CODES`;
    ``message`` is already translated for staff."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code if code in ERROR_CODES else "failed"
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class PrintRequest:
    """One job as a back-end sees it."""

    pdf_path: Path  # the rendered document, kept by the queue
    document: str = ""  # kind: ticket / receipt / ...
    data: dict[str, Any] = field(default_factory=dict)  # the content record as JSON
    copies: int = 1
    title: str = ""
    job_id: uuid.UUID | None = None

    def pdf_bytes(self) -> bytes:
        return Path(self.pdf_path).read_bytes()


class Backend(Protocol):
    spec: PrinterSpec

    def send(self, request: PrintRequest) -> None:
        """Print, or raise PrinterError."""
        ...


def backend_for(spec: PrinterSpec | str, **options: Any) -> Backend:
    """The back-end of a printer setting; its module is imported only now.

    ``options`` go to the back-end's constructor (e.g. ``output_dir`` for the Qt back-end
    printing to PDF files in tests, ``printer`` for an ESC/POS back-end over a given
    python-escpos printer object).
    """
    if isinstance(spec, str):
        spec = parse_printer(spec)
    if spec.kind == "pdf":
        from printing.backends.pdf_file import PdfFileBackend

        return PdfFileBackend(spec, **options)
    if spec.kind == "cups":
        from printing.backends.cups import CupsBackend

        return CupsBackend(spec, **options)
    if spec.kind == "qt":
        from printing.backends.qt_printer import QtBackend

        return QtBackend(spec, **options)
    if spec.is_escpos:
        from printing.backends.escpos_printer import EscposBackend

        return EscposBackend(spec, **options)
    raise PrinterError("unsupported", _("No back-end for printer \"{spec}\".").format(spec=spec))


__all__ = ["ERROR_CODES", "Backend", "PrintRequest", "PrinterError", "backend_for"]
