"""`motcua print ...` as the ward's IT person runs it: every document from the office's own
data, a test page, a stuck job that waits and is cancelled, a reprint under a staff name —
the staff member signing in with their password (issue 18: the name alone used to do)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from core.tokens import Result, verify
from local_db.database import Database
from local_db.models import AuditLog
from local_db.ops.signing import office_key_ring
from tests.support.pdf_tools import barcode_texts, page_size_mm, pdf_text, qr_texts, rasterise

# One worker takes the whole module, so its seeded office (a module fixture, ~8 s of CPU) is built once (make test: --dist loadgroup).
pytestmark = [pytest.mark.xdist_group("print-commands"), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SEEDED_AT = "2026-11-20T15:30:00+07:00"
DOCUMENTS = ["ticket", "appointment_slip_80mm", "appointment_slip_a5", "receipt", "supplement_request", "refusal",
             "apology", "control_slip", "daily_report"]
WITH_QR = set(DOCUMENTS) - {"daily_report"}  # the report is an internal paper


PASSWORDS: dict[str, str] = {}  # the demo staff's passwords, as `db seed-demo` prints them


@pytest.fixture(scope="module")
def office_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("office")
    seed = _motcua(folder, "db", "seed-demo", "--days", "4", "--now", SEEDED_AT)
    assert seed.returncode == 0, seed.stderr
    listed = seed.stdout.split("Staff accounts (demo passwords):")[1].split()
    PASSWORDS.update(zip(listed[::2], listed[1::2], strict=True))
    return folder


def _audits(folder: Path, action: str) -> list[AuditLog]:
    db = Database(f"sqlite:///{folder / 'office.db'}")
    try:
        with db.read() as s:
            return list(s.scalars(select(AuditLog).where(AuditLog.entity == "print_job", AuditLog.action == action)))
    finally:
        db.dispose()


def _motcua(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": f"sqlite:///{folder / 'office.db'}",
           "MOTCUA_CONFIG": "/nonexistent/settings.toml", "MOTCUA_DATA_DIR": str(folder / "data"),
           "MOTCUA_DEVICE_NAME": "it-laptop"}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600, input=stdin)


def test_samples_print_every_document_from_the_office_data_and_their_codes_verify(office_db: Path,
                                                                                   tmp_path: Path) -> None:
    out = tmp_path / "samples"
    run = _motcua(office_db, "print", "samples", "--out", str(out))
    assert run.returncode == 0, run.stderr
    made = {p.stem for p in out.glob("*.pdf")}
    assert made == {f"{doc}-{lang}" for doc in DOCUMENTS for lang in ("vi", "en")}

    db = Database(f"sqlite:///{office_db / 'office.db'}")
    try:
        with db.read() as s:
            ring = office_key_ring(s, "00004")
    finally:
        db.dispose()
    now = datetime.now(timezone.utc)
    for doc in WITH_QR:
        pdf = (out / f"{doc}-vi.pdf").read_bytes()
        [text] = qr_texts(rasterise(pdf, dpi=203 if "80mm" in doc or doc == "ticket" else 150))
        check = verify(text, ring, office_code="00004", now=now)
        # The demo's tickets and appointment windows are days old by now: proven genuine,
        # but past their validity. Receipts never expire.
        assert check.result in (Result.VALID, Result.EXPIRED), (doc, check.message_en)
        assert check.token is not None and check.token.office_code == "00004"
    receipt = (out / "receipt-vi.pdf").read_bytes()
    [code] = barcode_texts(rasterise(receipt))
    assert code.startswith("000.00.04.H26-") and code in pdf_text(receipt)
    assert [round(w) for w, _h in page_size_mm(receipt)] == [148]
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in pdf_text(receipt)
    assert "RECEIPT" in pdf_text((out / "receipt-en.pdf").read_bytes()).upper()


def test_a_test_page_prints_and_a_dead_printer_keeps_its_job_until_cancelled(office_db: Path) -> None:
    ok = _motcua(office_db, "print", "test")
    assert ok.returncode == 0, ok.stderr
    assert "printed" in ok.stdout and ".pdf" in ok.stdout
    pdf = Path(ok.stdout.split("-> ")[1].strip()).read_bytes()
    assert "T000" in pdf_text(pdf)

    dead = _motcua(office_db, "print", "test", "--printer", "cups:NoSuchPrinter@127.0.0.1:9")
    assert dead.returncode == 1
    assert "WAITING" in dead.stdout and "it will retry" in dead.stdout

    jobs = _motcua(office_db, "print", "jobs", "--state", "failed")
    assert jobs.returncode == 0
    [line] = [row for row in jobs.stdout.splitlines() if "failed" in row and "T000" in row]
    job = line.split()[0]
    assert "1 job(s) waiting" in jobs.stdout

    nobody = _motcua(office_db, "print", "cancel", job, "--staff", "nobody", stdin="whatever\n")
    assert nobody.returncode == 1 and "Traceback" not in nobody.stderr
    unproven = _motcua(office_db, "print", "cancel", job, "--staff", "canbo1", stdin="not-the-password\n")
    assert unproven.returncode == 1 and "Traceback" not in unproven.stderr
    assert _audits(office_db, "cancel") == []
    cancelled = _motcua(office_db, "print", "cancel", job, "--staff", "canbo1", stdin=f"{PASSWORDS['canbo1']}\n")
    assert cancelled.returncode == 0, cancelled.stderr
    [row] = _audits(office_db, "cancel")
    assert "motcua print cancel" in row.actor and row.staff_id is not None
    assert _motcua(office_db, "print", "jobs", "--state", "failed").stdout.startswith(
        "No print jobs in state failed from this device (it-laptop)")


def test_a_printed_job_can_be_reprinted_under_a_staff_name(office_db: Path) -> None:
    assert _motcua(office_db, "print", "test").returncode == 0
    listing = _motcua(office_db, "print", "jobs", "--state", "done").stdout.splitlines()
    assert listing[0].startswith("Print jobs in state done of this device (it-laptop)")
    done = listing[1].split()[0]
    again = _motcua(office_db, "print", "reprint", done, "--staff", "canbo2", stdin=f"{PASSWORDS['canbo2']}\n")
    assert again.returncode == 0, again.stderr
    worker = _motcua(office_db, "print", "worker", "--once")
    assert worker.returncode == 0 and "printed" in worker.stdout
