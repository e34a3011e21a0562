"""A USB keyboard-wedge scanner on a real X server (issue 19): ``xdotool type`` goes through
the X server's keyboard (XTEST) like a scanner, pressing Shift around every capital and
``:`` of a receipt URL, with a real key release after every press, a key every millisecond,
then Return. The real kiosk window (tests/support/kiosk_on_x.py, Qt's xcb platform, the
application-wide scanner filter on the real clock) must take it as a scan and show the
dossier from its start screen: no field to type into, so nothing but the scanner can do it.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


from core.tokens import ReceiptToken, receipt_url
from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossier_info import DocumentLine
from local_db.ops.dossier_intake import receive_dossier
from local_db.ops.signing import device_signer
from tests.support.dialects import SQLITE_ONLY
from tests.support.xserver import XServer

ROOT = Path(__file__).resolve().parents[2]
pytestmark = SQLITE_ONLY  # an X server and key events, not SQL dialects


def _receipt(db: Database, office: OfficeRefs) -> tuple[str, str]:
    now = datetime.now(UTC)
    with db.write() as s:
        info = receive_dossier(s, office.actor("canbo1"), procedure_code="1.004873",
                               applicant=CitizenInput(full_name="Nguyễn Thị Thuỷ Tiên", phone="0912345678"),
                               documents=[DocumentLine("Tờ khai", originals=1)], now=now - timedelta(hours=1))
        token = device_signer(s, office.device_id).sign(ReceiptToken(info.id, office.office_code, now, info.code))
    return info.code, receipt_url("MOTCUA.HANOI.GOV.VN", token)


class Lines:
    """The kiosk's output lines, read on a thread so a wait can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self.every: list[str] = []  # all of them, also after the waits (a traceback at the end)
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        self.reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.every.append(line.rstrip("\n"))
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, start: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if line.startswith(start):
                return line
        raise AssertionError(f"no line {start!r} within {timeout} s; seen: {self.seen}")


def test_a_receipt_url_typed_by_xdotool_on_x_opens_the_dossier_on_the_kiosk(
        xserver: XServer, db: Database, db_url: str, office: OfficeRefs, tmp_path: Path) -> None:
    _code, url = _receipt(db, office)
    assert url.startswith("HTTPS://MOTCUA.HANOI.GOV.VN/T/")  # capitals and ':': Shift on nearly every key
    env = {**xserver.env(), "PYTHONUNBUFFERED": "1"}
    kiosk = subprocess.Popen([sys.executable, "-m", "tests.support.kiosk_on_x", db_url, str(tmp_path / "pdf")],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = Lines(kiosk)
    try:
        lines.wait_for("ready", timeout=60)
        [window] = [w for w in xserver.windows() if w.pid == kiosk.pid]
        xserver.xdotool("windowfocus", "--sync", str(window.window_id))
        # The code then "\n", which xdotool types as the Return key: one run, as a scanner sends it.
        xserver.xdotool("type", "--delay", "1", url + "\n")
        lines.wait_for("screen dossier", timeout=10)
        status = lines.wait_for("dossier-", timeout=10)
        assert status == "dossier-status Đã tiếp nhận, đang chờ xử lý", lines.seen
    finally:
        kiosk.terminate()
        try:
            kiosk.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kiosk.kill()
            kiosk.wait()
        lines.reader.join(timeout=5)
    out = "\n".join(lines.every)
    assert kiosk.returncode == 0, out  # SIGTERM closes the window: a clean exit
    assert "Traceback" not in out, out
