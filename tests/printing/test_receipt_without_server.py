"""A receipt printed while no central server is set (issue 19): it used to send citizens to
"motcua.localhost". Now its QR is the bare signed code the office's kiosk reads, and it
tells the citizen to use the office's own kiosk or counter."""

from __future__ import annotations

import pytest

from core.scanned import ScanKind, classify
from core.server_link import tracking_host
from core.tokens import Result, verify
from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops.signing import device_signer, office_key_ring
from printing.documents.receipt import receipt_pdf
from printing.dossier_source import receipt_content
from tests.printing.test_dossier_source import MON_0900, receive
from tests.support.pdf_tools import pdf_text, qr_texts, rasterise


@pytest.fixture(params=["sqlite"])
def dialect(request: pytest.FixtureRequest) -> str:
    """About what the paper says, not the database: SQLite only."""
    return str(request.param)


def test_without_a_server_the_receipt_prints_no_made_up_address_and_the_kiosk_still_reads_it(
        db: Database, office: OfficeRefs) -> None:
    assert tracking_host("") == "" and tracking_host("https://motcua.hanoi.gov.vn") == "MOTCUA.HANOI.GOV.VN"
    info = receive(db, office)
    with db.read() as s:
        content = receipt_content(s, info.id, signer=device_signer(s, office.device_id),
                                  tracking_host=tracking_host(""), now=MON_0900)
        ring = office_key_ring(s, office.office_code)
    pdf = receipt_pdf(content)
    text = " ".join(pdf_text(pdf).split())
    assert "localhost" not in text.lower() and "HTTPS://" not in content.qr_text
    assert "quét mã QR tại ki-ốt của bộ phận một cửa, hoặc xuất trình giấy này tại quầy" in text

    [qr] = qr_texts(rasterise(pdf, dpi=150))
    scanned = classify(qr)  # what the office's kiosk does with it
    assert scanned.kind is ScanKind.RECEIPT and scanned.token_text is not None
    check = verify(scanned.token_text, ring, office_code=office.office_code, now=MON_0900)
    assert check.result is Result.VALID and check.token is not None and check.token.entity_id == info.id
