"""The PDF "printer": the document is a PDF file and nothing more.

Always available, the demo default. The print queue already keeps every rendered PDF in
its own folder; with ``pdf:/some/dir`` a copy also lands in that folder (a shared folder a
person prints from, or a folder the demo opens), under the kept file's name (the document
and its code, printing/where.py), never over an earlier file. ``last_output`` is where the
latest copy went, for the screen's "printed to ..." line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from core.i18n import _
from printing.backends import PrinterError, PrintRequest
from printing.printer_spec import PrinterSpec
from printing.where import pdf_stem, publish


class PdfFileBackend:
    def __init__(self, spec: PrinterSpec) -> None:
        self.spec = spec
        self.folder = Path(spec.target).expanduser() if spec.target else None
        self.last_output: Path | None = None

    def send(self, request: PrintRequest) -> None:
        if not Path(request.pdf_path).is_file():
            raise PrinterError("failed", _("The PDF of this job is missing: {path}").format(path=request.pdf_path))
        if self.folder is None:
            return  # the queue's own copy is the output
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            kept = Path(request.pdf_path)
            tmp = self.folder / f".{request.job_id or kept.stem}.pdf.part"
            shutil.copyfile(kept, tmp)
            self.last_output = publish(tmp, self.folder, pdf_stem(request.document, request.title))  # a reader never sees half a file
        except OSError as exc:
            raise PrinterError("missing", _("Cannot write PDF files to {folder}: {error}").format(
                folder=self.folder, error=exc.strerror or exc)) from exc
