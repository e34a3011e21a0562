"""A private CUPS scheduler with a cups-pdf printer, for the tests.

Debian's ``cups`` and ``printer-driver-cups-pdf`` packages are installed by ``make setup``
but no scheduler needs to run: this starts its own ``cupsd -f`` with a configuration,
spool, cache and log under a temporary directory, listening on a free port on 127.0.0.1
(and a socket in that directory). The system's CUPS (``/etc/cups/cupsd.conf``,
``printers.conf``, ``/run/cups``) is neither read nor changed, and a system cupsd that
happens to run does not matter.

The one thing cups-pdf insists on is reading its settings from ``/etc/cups``: a printer
whose device is ``cups-pdf:/NAME`` reads ``/etc/cups/cups-pdf-NAME.conf``. So the fixture
writes one uniquely named file there (output, spool and log folders all in the temporary
directory, so nothing lands in ``~/PDF`` or ``/var/spool/cups-pdf``) and deletes it at the
end. The cups-pdf back-end must run as root (its file mode is 0700), so cupsd does too:
the tests need root, which CI has.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

QUEUE = "MotcuaPDF"
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
PPD_CANDIDATES = ("lsb/usr/cups-pdf/CUPS-PDF_opt.ppd", "lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd")
START_TIMEOUT_S = 20.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C", "LANG": "C"}


class CupsServer:
    """One private cupsd with one cups-pdf queue. ``spec`` is the printer setting that
    reaches it (``cups:QUEUE@127.0.0.1:PORT``)."""

    def __init__(self, queue: str = QUEUE) -> None:
        self.queue = queue
        self.root = Path(tempfile.mkdtemp(prefix="motcua-cups-"))
        self.port = _free_port()
        self.server = f"127.0.0.1:{self.port}"
        self.out_dir = self.root / "out"
        self.instance = f"motcua-test-{uuid.uuid4().hex[:12]}"
        self.pdf_conf = Path("/etc/cups") / f"cups-pdf-{self.instance}.conf"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def spec(self) -> str:
        return f"cups:{self.queue}@{self.server}"

    # --- life cycle -------------------------------------------------------------------------

    def _check_machine(self) -> None:
        missing = [tool for tool in ("cupsd", "lpadmin", "lpstat", "lp") if shutil.which(tool) is None]
        if missing or not CUPS_PDF_BACKEND.exists():
            raise RuntimeError(f"CUPS or cups-pdf missing ({', '.join(missing) or CUPS_PDF_BACKEND}): run `make setup` "
                               "(installs Debian's cups and printer-driver-cups-pdf)")
        if os.geteuid() != 0:
            raise RuntimeError("the CUPS tests start their own cupsd with the cups-pdf back-end, which runs only as "
                               "root: run the tests as root (CI does)")

    def _write_config(self) -> None:
        etc = self.root / "etc"
        for sub in ("etc/ppd", "spool/tmp", "state", "cache", "log", "pdf-spool", "pdf-log"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (etc / "cups-files.conf").write_text(
            f"ServerRoot {etc}\nRequestRoot {self.root / 'spool'}\nTempDir {self.root / 'spool/tmp'}\n"
            f"StateDir {self.root / 'state'}\nCacheDir {self.root / 'cache'}\nServerBin /usr/lib/cups\n"
            f"DataDir /usr/share/cups\nAccessLog {self.root / 'log/access_log'}\n"
            f"ErrorLog {self.root / 'log/error_log'}\nPageLog {self.root / 'log/page_log'}\nSystemGroup root\n"
            f"Printcap {self.root / 'printcap'}\n")
        (etc / "cupsd.conf").write_text(
            f"LogLevel info\nListen 127.0.0.1:{self.port}\nListen {self.root / 'cups.sock'}\n"
            "Browsing No\nWebInterface No\nDefaultAuthType None\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    AuthType None\n    Order deny,allow\n  </Limit>\n</Policy>\n")
        self.pdf_conf.write_text(
            f"Out {self.out_dir}\nAnonDirName {self.out_dir}\nSpool {self.root / 'pdf-spool'}\n"
            f"Log {self.root / 'pdf-log'}\nGrp root\nLabel 1\nOutExtension pdf\n")
        for path in [self.root, *self.root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)

    def start(self) -> CupsServer:
        self._check_machine()
        self._write_config()
        etc = self.root / "etc"
        self.process = subprocess.Popen(
            ["cupsd", "-f", "-c", str(etc / "cupsd.conf"), "-s", str(etc / "cups-files.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
        try:
            self._wait_running()
            ppd = self._ppd()
            subprocess.run(["lpadmin", "-h", self.server, "-p", self.queue, "-E", "-v", f"cups-pdf:/{self.instance}",
                            "-m", ppd], check=True, capture_output=True, env=_env(), timeout=30)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_running(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"cupsd exited with {self.process.returncode}: {self.log()[-2000:]}")
            done = subprocess.run(["lpstat", "-h", self.server, "-r"], check=False, capture_output=True, text=True, env=_env())
            if "is running" in done.stdout:
                return
            time.sleep(0.1)
        raise RuntimeError(f"cupsd did not start within {START_TIMEOUT_S} s: {self.log()[-2000:]}")

    def _ppd(self) -> str:
        models = subprocess.run(["lpinfo", "-h", self.server, "-m"], check=False, capture_output=True, text=True, env=_env(),
                                timeout=60).stdout
        names = {line.split(" ", 1)[0] for line in models.splitlines()}
        for candidate in PPD_CANDIDATES:
            if candidate in names:
                return candidate
        raise RuntimeError("the cups-pdf PPD is not installed: apt-get install printer-driver-cups-pdf")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.pdf_conf.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)

    # --- what came out ----------------------------------------------------------------------

    def log(self) -> str:
        path = self.root / "log/error_log"
        return path.read_text(errors="replace") if path.exists() else ""

    def output_pdfs(self) -> list[Path]:
        return sorted(self.out_dir.glob("*.pdf"), key=lambda p: p.stat().st_mtime) if self.out_dir.exists() else []

    def wait_for_pdf(self, known: set[Path] | None = None, timeout: float = 30.0) -> Path:
        """The first finished PDF not in ``known`` (cups-pdf writes it once the job is done)."""
        known = known or set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            fresh = [p for p in self.output_pdfs() if p not in known]
            if fresh and self._job_done():
                return fresh[0]
            time.sleep(0.1)
        raise AssertionError(f"no PDF came out of the cups-pdf printer within {timeout} s; "
                             f"cupsd log tail: {self.log()[-3000:]}")

    def _job_done(self) -> bool:
        out = subprocess.run(["lpstat", "-h", self.server, "-o", self.queue], check=False, capture_output=True, text=True,
                             env=_env()).stdout
        return not out.strip()  # no job left pending or printing

    def disable(self) -> None:
        subprocess.run(["cupsdisable", "-h", self.server, self.queue], check=True, env=_env())

    def enable(self) -> None:
        subprocess.run(["cupsenable", "-h", self.server, self.queue], check=True, env=_env())


@pytest.fixture(scope="session")
def cups_server() -> Iterator[CupsServer]:
    """A running private cupsd with a cups-pdf queue; ``.spec``, ``.queue``, ``.out_dir``."""
    server = CupsServer().start()
    try:
        yield server
    finally:
        server.stop()
