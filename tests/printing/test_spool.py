"""The print worker end to end: jobs queued with an operation are printed, their PDFs kept
and later purged; a printer out of paper or switched off never loses a ticket (the job
waits, the screen can say so, and it prints when the printer is back); a worker killed
mid-job loses nothing."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from escpos.printer import Dummy
from reportlab.pdfgen import canvas

from core.errors import ValidationError
from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops import print_jobs
from printing.backends import PrinterError, PrintRequest, backend_for
from printing.backends.escpos_printer import EscposBackend
from printing.content import TicketContent
from printing.printer_spec import PrinterSpec, parse_printer
from printing.spool import PrintEvent, PrintWorker, queue_document
from tests.support.pdf_tools import pdf_text, qr_texts, rasterise

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hà Nội
TOKEN = "T1ZXCVBNMASDFGHJKLQWERTYUIOP23"


def _ticket(code: str = "A015") -> TicketContent:
    return TicketContent(lang="vi", office_name="UBND Phường Ba Đình", ticket_code=code, service_name="Hộ tịch",
                         counters=(1, 2), ahead=2, wait_minutes=8, issued_at=NOW, token=TOKEN)


def _queue(db: Database, office: OfficeRefs, code: str = "A015", at: datetime = NOW, printer: str = "pdf") -> uuid.UUID:
    with db.write() as s:
        return queue_document(s, office_code=office.office_code, device_id=office.device_id, kind="ticket",
                              content=_ticket(code), printer=printer, ref_id=uuid.uuid4(), title=code, now=at).id


def _job(db: Database, job_id: uuid.UUID) -> print_jobs.PrintJobInfo:
    with db.read() as s:
        return print_jobs.get_job(s, job_id)


def one_pager(kind: str, data: dict[str, Any]) -> bytes:
    """A tiny renderer: one A6 page naming the document (for tests about the queue itself)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(298, 420))
    c.drawString(20, 380, f"{kind} {data.get('ticket_code', '')}")
    c.save()
    return buf.getvalue()


def test_a_queued_ticket_is_printed_and_its_pdf_kept(db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    job_id = _queue(db, office, printer=f"pdf:{tmp_path / 'out'}")
    events: list[PrintEvent] = []
    worker = PrintWorker(db, office.device_id, "pdf", tmp_path / "kept", keep_days=30,
                         on_change=events.append)
    assert worker.run_once(NOW) == 1
    job = _job(db, job_id)
    assert (job.state, job.attempts, job.printed_at) == ("done", 1, NOW)
    kept = Path(job.pdf_path)
    assert kept == tmp_path / "kept" / "2026-11-23" / "phieu-so-thu-tu_A015.pdf"  # named by paper and number
    pdf = kept.read_bytes()
    assert "A015" in pdf_text(pdf) and TOKEN in qr_texts(rasterise(pdf))  # the real ticket
    [copy] = (tmp_path / "out").glob("*.pdf")
    assert copy.name == kept.name and copy.read_bytes() == pdf  # the "printer" got it
    assert [e.state for e in events] == ["printing", "done"]
    assert events[-1].where == f"tệp {copy}"  # where it went, for the screen
    assert worker.run_once(NOW) == 0  # nothing printed twice


def test_pdfs_older_than_the_retention_are_purged(db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    worker = PrintWorker(db, office.device_id, "pdf", tmp_path / "kept", keep_days=30, render=one_pager)
    old_id = _queue(db, office, "A001", at=NOW - timedelta(days=31))
    worker.run_once(NOW - timedelta(days=31))
    recent_id = _queue(db, office, "A002", at=NOW - timedelta(days=30))
    worker.run_once(NOW - timedelta(days=30))
    old, recent = Path(_job(db, old_id).pdf_path), Path(_job(db, recent_id).pdf_path)
    assert old.is_file() and recent.is_file()
    (tmp_path / "kept" / "notes").mkdir()  # not a day folder: left alone
    assert worker.purge_old_pdfs(NOW) == 1
    assert not old.exists() and not old.parent.exists()
    assert recent.is_file() and (tmp_path / "kept" / "notes").is_dir()
    assert _job(db, old_id).pdf_path == "" and _job(db, recent_id).pdf_path == str(recent)
    assert _job(db, old_id).state == "done"  # the job's record stays; a reprint renders again


def test_retention_defaults_to_the_office_rule(db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    from local_db.office_settings import set_rule

    with db.write() as s:
        set_rule(s, office.office_code, "print_keep_days", 2)
    worker = PrintWorker(db, office.device_id, "pdf", tmp_path / "kept", render=one_pager)
    job_id = _queue(db, office, at=NOW - timedelta(days=3))
    worker.run_once(NOW - timedelta(days=3))
    assert worker.purge_old_pdfs(NOW) == 1
    assert not Path(_job(db, job_id).pdf_path or "/nonexistent").exists()


class PaperRoll(Dummy):
    """A receipt printer whose paper sensor answers DLE EOT 4; ``paper`` can run out."""

    def __init__(self) -> None:
        super().__init__()
        self.paper = True

    def _read(self) -> bytes:
        return bytes([0x12 if self.paper else 0x72])


def test_out_of_paper_keeps_the_ticket_waiting_until_the_roll_is_changed(
        db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    roll = PaperRoll()
    roll.paper = False
    events: list[PrintEvent] = []
    worker = PrintWorker(db, office.device_id, "escpos-dummy", tmp_path / "kept", keep_days=30,
                         backend_factory=lambda spec: EscposBackend(spec, printer=roll), on_change=events.append)
    first = _queue(db, office, "A015")
    second = _queue(db, office, "A016", at=NOW + timedelta(seconds=1))
    assert worker.run_once(NOW + timedelta(seconds=1)) == 0
    assert [e.state for e in events] == ["printing", "failed"]  # stopped at the first failure
    assert events[-1].error_code == "out_of_paper"
    job = _job(db, first)
    assert (job.state, job.attempts) == ("failed", 1) and "hết giấy" in job.last_error
    assert Path(job.pdf_path).is_file()  # rendered and kept already
    with db.read() as s:
        status = print_jobs.print_status(s, office.device_id)
        [machine] = [d for d in print_jobs.device_printers(s, office.office_code) if d.device_id == office.device_id]
    assert (status.waiting, status.failed, status.problem) == (2, 1, True)
    assert (machine.printer, machine.waiting, machine.failed, machine.last_printed_at) == ("pdf", 2, 1, None)
    assert "hết giấy" in machine.last_error  # what the admin page's printer list shows
    assert b"\x1dV" not in roll.output  # no cut: nothing printed

    assert worker.run_once(NOW + timedelta(seconds=2)) == 0  # A016 due, still no paper
    roll.paper = True  # staff change the roll
    assert worker.run_once(NOW + timedelta(seconds=3)) == 0  # A015 waits out its pause; A016's pause too
    assert worker.run_once(NOW + timedelta(seconds=7)) == 2
    assert roll.output.count(b"\x1dV") == 2 and roll.output.count(b"A015\n") == 1
    assert (_job(db, first).state, _job(db, first).attempts, _job(db, second).state) == ("done", 2, "done")
    with db.read() as s:
        assert print_jobs.print_status(s, office.device_id).waiting == 0
        [machine] = [d for d in print_jobs.device_printers(s, office.office_code) if d.device_id == office.device_id]
    assert (machine.waiting, machine.failed, machine.last_error) == (0, 0, "")
    assert machine.last_printed_at is not None


class SwitchedOff:
    """A back-end whose printer is off until ``on`` is set (what a cable pulled looks like)."""

    def __init__(self, spec: PrinterSpec) -> None:
        self.spec = spec
        self.on = False
        self.printed: list[PrintRequest] = []

    def send(self, request: PrintRequest) -> None:
        if not self.on:
            raise PrinterError("offline", "Máy in đang tắt")
        self.printed.append(request)


def test_an_offline_printer_retries_with_backoff_and_prints_when_back(
        db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    printer = SwitchedOff(parse_printer("cups:Quay1"))
    worker = PrintWorker(db, office.device_id, "cups:Quay1", tmp_path, keep_days=30, render=one_pager,
                         backend_factory=lambda spec: printer)
    job_id = _queue(db, office)
    at = NOW
    for pause in (5, 15, 60, 300, 300):
        assert worker.run_once(at) == 0
        job = _job(db, job_id)
        assert job.state == "failed" and job.next_attempt_at == at + timedelta(seconds=pause)
        assert worker.run_once(at + timedelta(seconds=pause - 1)) == 0  # not due yet: not tried
        assert _job(db, job_id).attempts == job.attempts
        at += timedelta(seconds=pause)
    printer.on = True
    assert worker.run_once(at) == 1
    assert [r.job_id for r in printer.printed] == [job_id]
    assert _job(db, job_id).attempts == 6


def test_a_document_that_cannot_be_rendered_fails_without_stopping_the_worker(
        db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    def broken(kind: str, data: dict[str, Any]) -> bytes:
        raise RuntimeError("font missing")

    events: list[PrintEvent] = []
    worker = PrintWorker(db, office.device_id, "pdf", tmp_path, keep_days=30, render=broken, on_change=events.append)
    job_id = _queue(db, office)
    assert worker.run_once(NOW) == 0
    job = _job(db, job_id)
    assert job.state == "failed" and "font missing" in job.last_error and "A015" not in job.last_error
    assert events[-1].error_code == "render"
    worker.render = one_pager  # fixed (say, by an update)
    assert worker.run_once(NOW + timedelta(seconds=5)) == 1


def test_a_callback_that_raises_does_not_lose_the_job(db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    def angry(event: PrintEvent) -> None:
        raise ValueError("screen gone")

    job_id = _queue(db, office)
    PrintWorker(db, office.device_id, "pdf", tmp_path, keep_days=30, render=one_pager, on_change=angry).run_once(NOW)
    assert _job(db, job_id).state == "done"


HANGING_WORKER = """
import sys, time, uuid
from pathlib import Path
from local_db.database import Database
from printing.spool import PrintWorker

class Jammed:
    def __init__(self, spec):
        self.spec = spec
    def send(self, request):
        Path(sys.argv[3]).write_text(str(request.job_id))  # tell the test we are mid-job
        time.sleep(120)

db = Database(sys.argv[1])
PrintWorker(db, uuid.UUID(sys.argv[2]), "pdf", sys.argv[4], keep_days=30,
            backend_factory=Jammed).run_once()
"""


def test_a_worker_killed_mid_job_loses_nothing(db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    job_id = _queue(db, office, at=datetime.now(timezone.utc) - timedelta(seconds=1))
    marker = tmp_path / "mid-job"
    proc = subprocess.Popen([sys.executable, "-c", HANGING_WORKER, db.url, str(office.device_id), str(marker),
                             str(tmp_path / "kept")], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the worker exited early"
            assert time.monotonic() < deadline, "the worker never reached the printer"
            time.sleep(0.05)
        assert marker.read_text() == str(job_id)
        assert _job(db, job_id).state == "printing"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert _job(db, job_id).state == "printing"  # as the killed worker left it

    printed: list[uuid.UUID | None] = []

    class Works:
        def __init__(self, spec: PrinterSpec) -> None:
            self.spec = spec

        def send(self, request: PrintRequest) -> None:
            printed.append(request.job_id)

    worker = PrintWorker(db, office.device_id, "pdf", tmp_path / "kept", keep_days=30, backend_factory=Works)
    assert worker.run_once() == 0  # "printing" is not due: a live worker may own it
    assert worker.recover() == 1  # what the next start-up does
    assert worker.run_once() == 1
    assert printed == [job_id]
    job = _job(db, job_id)
    assert (job.state, job.attempts) == ("done", 2)


def test_run_forever_prints_in_the_background_and_stops(db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    done = threading.Event()
    worker = PrintWorker(db, office.device_id, "pdf", tmp_path, keep_days=30, render=one_pager,
                         on_change=lambda e: done.set() if e.state == "done" else None)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop, 0.05), daemon=True)
    thread.start()
    try:
        job_id = _queue(db, office, at=datetime.now(timezone.utc))
        assert done.wait(timeout=20)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert _job(db, job_id).state == "done"


def test_queue_document_refuses_an_unknown_kind(db: Database, office: OfficeRefs) -> None:
    with pytest.raises(ValueError), db.write() as s:
        queue_document(s, office_code=office.office_code, device_id=office.device_id, kind="menu",
                       content=_ticket(), printer="pdf", now=NOW)


# --- the printer setting ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("pdf", PrinterSpec("pdf", text="pdf")),
    ("pdf:/srv/in", PrinterSpec("pdf", target="/srv/in", text="pdf:/srv/in")),
    ("cups:Quay_1", PrinterSpec("cups", target="Quay_1", text="cups:Quay_1")),
    ("cups:Quay1@192.168.1.10", PrinterSpec("cups", target="Quay1", server="192.168.1.10:631",
                                            text="cups:Quay1@192.168.1.10")),
    ("qt", PrinterSpec("qt", text="qt")),
    ("qt:HP LaserJet M211", PrinterSpec("qt", target="HP LaserJet M211", text="qt:HP LaserJet M211")),
    ("escpos-usb:04b8:0202", PrinterSpec("escpos-usb", vendor_id=0x04B8, product_id=0x0202,
                                         text="escpos-usb:04b8:0202")),
    ("escpos-usb:0x0416:0x5011:81:03", PrinterSpec("escpos-usb", vendor_id=0x0416, product_id=0x5011, in_ep=0x81,
                                                   out_ep=0x03, text="escpos-usb:0x0416:0x5011:81:03")),
    ("escpos-net:192.168.1.50", PrinterSpec("escpos-net", target="192.168.1.50", port=9100,
                                            text="escpos-net:192.168.1.50")),
    ("escpos-net:printer.local:9101", PrinterSpec("escpos-net", target="printer.local", port=9101,
                                                  text="escpos-net:printer.local:9101")),
    ("escpos-serial:/dev/ttyUSB0", PrinterSpec("escpos-serial", target="/dev/ttyUSB0", baudrate=9600,
                                               text="escpos-serial:/dev/ttyUSB0")),
    ("escpos-serial:/dev/ttyS1:115200", PrinterSpec("escpos-serial", target="/dev/ttyS1", baudrate=115200,
                                                    text="escpos-serial:/dev/ttyS1:115200")),
    ("escpos-dummy", PrinterSpec("escpos-dummy", text="escpos-dummy")),
])
def test_printer_settings_parse(text: str, expected: PrinterSpec) -> None:
    assert parse_printer(text) == expected


@pytest.mark.parametrize("text", ["", "laser", "cups:", "cups:Quầy 1", "cups:A@", "escpos-usb:04b8",
                                  "escpos-usb:zz:0202", "escpos-net:host:99999", "escpos-serial:ttyUSB0",
                                  "escpos-dummy:x"])
def test_a_bad_printer_setting_says_what_is_wrong(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_printer(text)
    assert err.value.code == "bad_printer" and err.value.field == "printer"
    assert "không hợp lệ" in err.value.message


def test_the_worker_for_other_printers_does_not_load_qt() -> None:
    code = ("import sys; from printing.spool import PrintWorker; from printing.backends import backend_for; "
            "backend_for('escpos-dummy'); backend_for('cups:X'); backend_for('pdf'); print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_each_job_goes_to_the_printer_it_was_queued_for(db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    """A counter prints tickets on its roll and receipts on its A5 printer: the job's own
    printer wins over the worker's default, and a job naming no printer takes the default."""
    roll, a5 = tmp_path / "roll", tmp_path / "a5"
    to_roll = _queue(db, office, "A001", printer=f"pdf:{roll}")
    to_a5 = _queue(db, office, "A002", at=NOW + timedelta(seconds=1), printer=f"pdf:{a5}")
    to_default = _queue(db, office, "A003", at=NOW + timedelta(seconds=2), printer="")
    worker = PrintWorker(db, office.device_id, f"pdf:{a5}", tmp_path / "kept", keep_days=30, render=one_pager)
    assert worker.run_once(NOW + timedelta(seconds=3)) == 3
    assert [_job(db, j).state for j in (to_roll, to_a5, to_default)] == ["done"] * 3
    assert sorted(p.name for p in roll.glob("*.pdf")) == ["phieu-so-thu-tu_A001.pdf"]
    assert sorted(p.name for p in a5.glob("*.pdf")) == ["phieu-so-thu-tu_A002.pdf", "phieu-so-thu-tu_A003.pdf"]


def test_a_kept_pdf_is_named_by_its_paper_and_code_and_a_reprint_never_overwrites_it(
        db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    """The IT person finds the receipt of a dossier by its code; the same paper printed
    again the same day (a reprint) is a second file beside the first."""
    receipts = []
    for attempt in range(2):
        with db.write() as s:
            receipts.append(queue_document(s, office_code=office.office_code, device_id=office.device_id,
                                           kind="ticket", content=_ticket("A015"), printer=f"pdf:{tmp_path / 'out'}",
                                           title="000.25.12.H01-261207-0001", now=NOW + timedelta(seconds=attempt)).id)
    with db.write() as s:  # a title in Vietnamese (an applicant's name) is made plain ASCII
        odd = queue_document(s, office_code=office.office_code, device_id=office.device_id, kind="ticket",
                             content=_ticket("A016"), printer="qt:HP LaserJet Quầy 1",
                             title="Nguyễn Thị Đào / 2", now=NOW + timedelta(seconds=5)).id
    events: list[PrintEvent] = []
    worker = PrintWorker(db, office.device_id, "pdf", tmp_path / "kept", keep_days=30, render=one_pager,
                         backend_factory=lambda spec: backend_for(spec) if spec.kind == "pdf" else _Accepting(),
                         on_change=events.append)
    worker.run_once(NOW + timedelta(seconds=10))
    first, again, named = (Path(_job(db, j).pdf_path).name for j in (*receipts, odd))
    assert (first, again) == ("phieu-so-thu-tu_000.25.12.H01-261207-0001.pdf",
                              "phieu-so-thu-tu_000.25.12.H01-261207-0001-2.pdf")
    assert named == "phieu-so-thu-tu_Nguyen-Thi-Dao-2.pdf" and named.isascii()
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == sorted([first, again])  # the folder's copies too
    done = {e.job.id: e.where for e in events if e.state == "done"}
    assert done[receipts[1]] == f"tệp {tmp_path / 'out' / again}"
    assert done[odd] == "máy in HP LaserJet Quầy 1"


class _Accepting:
    """A printer that takes every job (the system printer of the test above)."""

    def send(self, request: Any) -> None:
        assert Path(request.pdf_path).is_file()


def test_a_broken_printer_holds_back_only_its_own_jobs(db: Database, office: OfficeRefs, tmp_path: Path) -> None:
    jammed = _queue(db, office, "A001", printer="escpos-net:192.0.2.1")
    jammed_too = _queue(db, office, "A002", at=NOW + timedelta(seconds=1), printer="escpos-net:192.0.2.1")
    fine = _queue(db, office, "A003", at=NOW + timedelta(seconds=2), printer=f"pdf:{tmp_path / 'a5'}")

    def factory(spec):  # type: ignore[no-untyped-def]
        if spec.kind == "pdf":
            return backend_for(spec)

        class Jammed:
            def send(self, request: PrintRequest) -> None:
                raise PrinterError("out_of_paper", "Máy in hết giấy.")

        return Jammed()

    worker = PrintWorker(db, office.device_id, "pdf", tmp_path / "kept", keep_days=30, render=one_pager,
                         backend_factory=factory)
    assert worker.run_once(NOW + timedelta(seconds=3)) == 1
    states = {code: _job(db, j).state for code, j in (("A001", jammed), ("A002", jammed_too), ("A003", fine))}
    assert states == {"A001": "failed", "A002": "queued", "A003": "done"}  # A002 never tried this round
    assert _job(db, jammed_too).attempts == 0
