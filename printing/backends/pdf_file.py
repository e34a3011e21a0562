"""The PDF "printer": the document is a PDF file and nothing more.

Always available, the demo default. The print queue already keeps every rendered PDF in
its own folder; with ``pdf:/some/dir`` a copy also lands in that folder (a shared folder a
person prints from, or a folder the demo opens), named so the newest sorts last.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from core.i18n import _
from printing.backends import PrinterError, PrintRequest
from printing.printer_spec import PrinterSpec


def _safe(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "-", text).strip("-")[:60] or "document"


class PdfFileBackend:
    def __init__(self, spec: PrinterSpec) -> None:
        self.spec = spec
        self.folder = Path(spec.target).expanduser() if spec.target else None

    def send(self, request: PrintRequest) -> None:
        if not Path(request.pdf_path).is_file():
            raise PrinterError("failed", _("The PDF of this job is missing: {path}").format(path=request.pdf_path))
        if self.folder is None:
            return  # the queue's own copy is the output
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stem = _safe(request.title or request.document)
            suffix = f"-{request.job_id}" if request.job_id else ""
            dest = self.folder / f"{stem}{suffix}.pdf"
            tmp = dest.with_suffix(".pdf.part")
            shutil.copyfile(request.pdf_path, tmp)
            os.replace(tmp, dest)  # a reader never sees half a file
        except OSError as exc:
            raise PrinterError("missing", _("Cannot write PDF files to {folder}: {error}").format(
                folder=self.folder, error=exc.strerror or exc)) from exc
