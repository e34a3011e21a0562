"""CUPS: hand the PDF to a print queue with ``lp``.

``lpstat -p QUEUE`` first, so a queue that does not exist, is stopped, or reports no paper
is told apart and the job waits in our queue (a stopped CUPS queue would accept the job and
sit on it, while the screen said "printed"). Once ``lp`` accepts the job, CUPS owns it.
Commands run with ``LC_ALL=C`` so their messages can be read; ``-h`` names a remote server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence

from core.i18n import _
from printing.backends import PrinterError, PrintRequest
from printing.printer_spec import PrinterSpec

TIMEOUT_S = 30


class CupsBackend:
    def __init__(self, spec: PrinterSpec, *, timeout: float = TIMEOUT_S) -> None:
        self.spec = spec
        self.queue = spec.target
        self.timeout = timeout

    def _run(self, tool: str, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        path = shutil.which(tool)
        if path is None:
            raise PrinterError("unsupported", _("CUPS is not installed on this machine ({tool} not found).").format(
                tool=tool))
        server = ["-h", self.spec.server] if self.spec.server else []
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        try:
            return subprocess.run([path, *server, *args], check=False, capture_output=True, text=True, timeout=self.timeout,
                                  env=env)
        except subprocess.TimeoutExpired:
            raise PrinterError("offline", _("The print server does not answer.")) from None

    def check(self) -> None:
        """Raise PrinterError unless the queue exists, is enabled and has paper."""
        done = self._run("lpstat", ["-l", "-p", self.queue])
        out = (done.stdout + done.stderr).lower()
        if done.returncode != 0:
            # lpstat says "invalid destination" also when it reached no scheduler at all.
            if "not running" in self._run("lpstat", ["-r"]).stdout.lower():
                raise PrinterError("offline", _("The print server is not running or cannot be reached."))
            if "invalid destination" in out or "unknown destination" in out or "does not exist" in out:
                raise PrinterError("missing", _("Printer {queue} does not exist on the print server.").format(
                    queue=self.queue))
            raise PrinterError("offline", _("The print server is not running or cannot be reached."))
        if "media-empty" in out or "media-needed" in out:
            raise PrinterError("out_of_paper", _("Printer {queue} is out of paper.").format(queue=self.queue))
        if " disabled " in out or "paused" in out:
            raise PrinterError("offline", _("Printer {queue} is stopped; start it again in the printer settings.").format(
                queue=self.queue))

    def send(self, request: PrintRequest) -> None:
        self.check()
        args = ["-d", self.queue, "-n", str(max(1, request.copies))]
        if request.title:
            args += ["-t", request.title]
        done = self._run("lp", [*args, "--", str(request.pdf_path)])
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip()
            low = detail.lower()
            if "does not exist" in low or "not found" in low:
                raise PrinterError("missing", _("Printer {queue} does not exist on the print server.").format(
                    queue=self.queue))
            if "not accepting" in low:
                raise PrinterError("offline", _("Printer {queue} is not accepting jobs.").format(queue=self.queue))
            raise PrinterError("rejected", _("The print server refused the job: {detail}").format(detail=detail))
