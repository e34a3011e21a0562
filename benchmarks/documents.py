"""Document figures: how long the PDF of a queue ticket and of a dossier receipt take.

A kiosk prints a ticket for every citizen who walks in, and a clerk a receipt for every
dossier, so each must come out before anyone notices. Each sample builds the whole PDF
(reportlab, the shipped font, a vector QR code; the receipt also its Code 128 barcode)
from a content record carrying a token signed just before, untimed: a new token means a
new QR code every time, as in real use, so no cache flatters the figure. Also reported:
the 80 mm appointment slip and the A4 control slip, for comparison.

No database: this group runs without the big cached one.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from benchmarks import harness
from benchmarks.harness import Context, Target
from core.keys import generate_keypair
from core.tokens import AppointmentToken, ReceiptToken, Signer, TicketToken, receipt_url
from core.working_calendar import OFFICE_TZ
from printing.content import AppointmentSlipContent, TicketContent
from printing.documents.appointment_slip import appointment_slip_pdf
from printing.documents.control_slip import control_slip_pdf
from printing.documents.receipt import receipt_pdf
from printing.documents.ticket import ticket_pdf
from printing.forms_content import (
    Applicant,
    ControlSlipContent,
    HandOver,
    Issuer,
    ReceiptContent,
    ReceivedDocument,
)

TARGETS = {
    "ticket_pdf_p95_ms": Target(30, "<"),
    "receipt_pdf_p95_ms": Target(80, "<"),
}
SAMPLES = {"full": 300, "small": 60, "tiny": 5}
OFFICE = "00004"
NOW = datetime(2026, 11, 23, 2, 15, tzinfo=timezone.utc)  # 09:15 in Hà Nội
ISSUER = Issuer(parent_name="UBND Thành phố Hà Nội", office_name="UBND Phường Ba Đình", place="Hà Nội",
                address="Số 1 Đội Cấn, Phường Ba Đình, Hà Nội", phone="02438234567")
APPLICANT = Applicant(name="Nguyễn Thị Thuỷ Tiên", address="Số 12A, ngõ 34 phố Đội Cấn, phường Ba Đình, thành phố Hà Nội",
                      phone="0912345678", email="thuytien@example.com", id_number="001195067890")
CODE = "000.00.04.H26-261123-0001"


class _Tokens:
    """A fresh signed token for every sample (signing is not what is measured)."""

    def __init__(self) -> None:
        private, _public = generate_keypair()
        self.signer = Signer(private)
        self.next_ticket = self.next_receipt = self.next_slip = ""
        self.refill()

    def refill(self, _i: int = 0) -> None:
        self.next_ticket = self.signer.sign(TicketToken(uuid.uuid4(), OFFICE, NOW, NOW.astimezone(OFFICE_TZ).date(),
                                                        "A015"))
        self.next_receipt = receipt_url("MOTCUA.HANOI.GOV.VN",
                                        self.signer.sign(ReceiptToken(uuid.uuid4(), OFFICE, NOW, CODE)))
        start = NOW + timedelta(days=1)
        self.next_slip = self.signer.sign(AppointmentToken(uuid.uuid4(), OFFICE, NOW, "HT", start,
                                                           start + timedelta(minutes=30), "N. T. T. Tiên"))


def ticket(token: str) -> TicketContent:
    return TicketContent(lang="vi", office_name="UBND Phường Ba Đình", ticket_code="A015", service_name="Hộ tịch",
                         counters=(1, 2, 4), ahead=12, wait_minutes=25, issued_at=NOW, token=token)


def receipt(qr_text: str) -> ReceiptContent:
    documents = (
        ReceivedDocument("Tờ khai đăng ký khai sinh theo mẫu", originals=1),
        ReceivedDocument("Giấy chứng sinh hoặc văn bản của người làm chứng xác nhận về việc sinh", originals=1),
        ReceivedDocument("Giấy tờ tùy thân của người yêu cầu (căn cước, hộ chiếu)", certified=1),
        ReceivedDocument("Giấy chứng nhận kết hôn của cha mẹ", copies=1),
        ReceivedDocument("Văn bản ủy quyền (nếu có)", originals=1),
        ReceivedDocument("Giấy tờ chứng minh nơi cư trú", copies=2),
    )
    return ReceiptContent(
        lang="vi", form_set="nd118-2025", issuer=ISSUER, dossier_code=CODE, qr_text=qr_text, applicant=APPLICANT,
        procedure_name="Đăng ký khai sinh", request_content="", documents=documents, sets=1,
        processing_time="Trong ngày", received_at=NOW, due_at=NOW.replace(hour=10), fee_vnd=0,
        return_place="Bộ phận tiếp nhận và trả kết quả UBND Phường Ba Đình", officer_name="Nguyễn Văn Hoà",
        tracking_host="motcua.hanoi.gov.vn", counter_number=1)


def slip(token: str) -> AppointmentSlipContent:
    start = NOW + timedelta(days=1)
    return AppointmentSlipContent(
        lang="vi", paper="80mm", office_name="UBND Phường Ba Đình", office_address=ISSUER.address,
        office_phone=ISSUER.phone, appointment_code="LHX7K2MP", service_name="Hộ tịch",
        procedure_name="Đăng ký khai sinh", procedure_code="1.001193", window_start=start,
        window_end=start + timedelta(minutes=30), masked_name="N. T. T. Tiên",
        documents=("Tờ khai đăng ký khai sinh", "Giấy chứng sinh hoặc văn bản người làm chứng",
                   "Giấy tờ tùy thân của người yêu cầu"), token=token, issued_at=NOW)


def control_slip(qr_text: str) -> ControlSlipContent:
    steps = tuple(
        HandOver(at=NOW + timedelta(hours=4 * i), action=action, from_party=a, to_party=b, result=r,
                 staff_name="Nguyễn Văn Hoà")
        for i, (action, a, b, r) in enumerate([
            ("receive", "Nguyễn Thị Thuỷ Tiên", "Bộ phận tiếp nhận và trả kết quả", "Đã tiếp nhận"),
            ("send_to_processing", "Bộ phận tiếp nhận và trả kết quả", "Công chức Tư pháp - Hộ tịch",
             "Chuyển giải quyết"),
            ("result_back", "Công chức Tư pháp - Hộ tịch", "Bộ phận tiếp nhận và trả kết quả", "Đúng hạn"),
            ("return_result", "Bộ phận tiếp nhận và trả kết quả", "Nguyễn Thị Thuỷ Tiên", "Đã trả kết quả"),
        ]))
    return ControlSlipContent(lang="vi", form_set="nd118-2025", issuer=ISSUER, issued_at=NOW, dossier_code=CODE,
                              applicant=APPLICANT, procedure_name="Đăng ký khai sinh",
                              processing_body="Công chức Tư pháp - Hộ tịch", received_at=NOW,
                              due_at=NOW + timedelta(hours=7), rows=steps, qr_text=qr_text)


@harness.group("documents", targets=TARGETS)
def documents(ctx: Context) -> dict[str, float]:
    """PDF build time of the ticket, the receipt, the 80 mm appointment slip and the A4 control slip."""
    n = SAMPLES.get(ctx.scale, SAMPLES["small"])
    tokens = _Tokens()
    out: dict[str, float] = {}
    for name, build, make, token in (
        ("ticket_pdf", ticket_pdf, ticket, "next_ticket"),
        ("receipt_pdf", receipt_pdf, receipt, "next_receipt"),
        ("appointment_slip_pdf", appointment_slip_pdf, slip, "next_slip"),
        ("control_slip_pdf", control_slip_pdf, control_slip, "next_receipt"),
    ):
        timing = harness.measure(lambda _i, build=build, make=make, token=token: build(make(getattr(tokens, token))),
                                 n, warmup=10, between=tokens.refill)
        out.update(timing.metrics(name))
        ctx.log(f"  {name}: p50 {timing.p50_ms:.1f} ms, p95 {timing.p95_ms:.1f} ms ({n} PDFs)")
    return out
