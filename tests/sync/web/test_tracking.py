"""Following a dossier: by the receipt's QR, or by its code and the applicant's phone number.
Nothing personal for someone who has only the code; no way to tell a wrong phone from an
unknown code."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import datetime, timezone

from core.keys import generate_keypair
from core.tokens import ReceiptToken, Signer, receipt_url
from sync.server.dossiers import move_dossier
from sync.server.models import CentreEntity
from tests.support.centre import Centre
from tests.sync.server.helpers import Device, statuses
from tests.sync.web.site import OFFICE, Browser

CODE = "000.00.04.H26-261120-0001"
APPLICANT = {"id": str(uuid.uuid4()), "full_name": "Hoàng Thị Lan", "cccd": "001190012345", "phone": "0912345678",
             "address": "12 Phố Huế, Hà Nội", "email": "lan@example.vn", "birth_date": "1990-01-01", "gender": "F"}
PERSONAL = ("Hoàng Thị Lan", "Lan", "001190012345", "0912345678", "Phố Huế", "lan@example.vn")


def _receive(site: Centre) -> uuid.UUID:
    """A dossier received at the counter and pushed to the centre, as the office agent does."""
    dev = Device(site)
    dossier_id = uuid.uuid4()
    results = dev.push([dev.op("dossier", dossier_id, "receive", {
        "code": CODE, "office_code": OFFICE, "procedure_code": "1.001193", "status": "received",
        "applicant": APPLICANT, "received_at": "2026-11-20T02:00:00+00:00", "due_at": "2026-11-24T10:00:00+00:00",
        "with_verification": False}, to_state="received")])
    assert statuses(results) == ["applied"]
    return dossier_id


def _counter_key(site: Centre, office: str = OFFICE, *, revoked: bool = False) -> Signer:
    """An office counter's signing key, known to the centre as a "device" projection."""
    private, public = generate_keypair()
    device_id = uuid.uuid4()
    with site.write() as s:
        s.add(CentreEntity(entity_id=device_id, entity="device", office_code=office, status="active", ops=1,
                           data={"office_code": office, "name": "Quầy 1", "kind": "counter",
                                 "public_key": base64.b64encode(public).decode(), "revoked": revoked},
                           updated_at=datetime.now(timezone.utc)))
    return Signer(private)


def _receipt_path(signer: Signer, dossier_id: uuid.UUID, office: str = OFFICE, code: str = CODE) -> str:
    token = signer.sign(ReceiptToken(entity_id=dossier_id, office_code=office, issued_at=datetime.now(timezone.utc),
                                     dossier_code=code))
    url = receipt_url("MOTCUA.HANOI.GOV.VN", token)
    return url.split("HANOI.GOV.VN", 1)[1]  # "/T/<TOKEN>"


def _nothing_personal(html: str) -> None:
    for word in PERSONAL:
        assert word not in html, word


def test_the_receipt_qr_shows_progress_and_nothing_personal(site, browser: Browser) -> None:
    dossier_id = _receive(site)
    signer = _counter_key(site)
    path = _receipt_path(signer, dossier_id)
    page = browser.get(path)
    assert page.status == 200, page.text
    assert "Đã tiếp nhận" in page.text or "đã tiếp nhận" in page.text.lower()
    assert CODE in page.text and "Đăng ký khai sinh" in page.text and "UBND Phường Ba Đình" in page.text
    assert "17:00 24/11/2026" in page.text  # due, in office time
    _nothing_personal(page.html)
    lower = browser.get(path.lower())  # phones may lowercase the URL
    assert lower.status == 200 and lower.text == page.text


def test_history_shows_office_and_central_moves(site, browser: Browser) -> None:
    dossier_id = _receive(site)
    with site.write() as s:
        move_dossier(s, dossier_id, "send_to_processing", by="Phòng Tư pháp", note="Chuyển phòng Tư pháp")
        move_dossier(s, dossier_id, "request_supplement", by="Phòng Tư pháp", note="Bổ sung giấy chứng sinh bản gốc")
    page = browser.get(_receipt_path(_counter_key(site), dossier_id))
    assert page.status == 200
    history = page.html.split('class="history"')[1].split("</ol>")[0]
    steps = [" ".join(item.split()) for item in history.split("<li>")[1:]]
    assert len(steps) == 3
    assert "Đã tiếp nhận" in steps[0] and "cơ quan giải quyết" not in steps[0]  # the counter's receipt
    assert "Đang giải quyết" in steps[1] and "cơ quan giải quyết" in steps[1]  # the central moves
    assert "Chờ bổ sung" in steps[2] or "Bổ sung" in steps[2]  # each line starts with a capital
    assert "Tạm dừng cho đến khi bổ sung đủ giấy tờ" in page.text  # no due date while waiting
    assert "Bổ sung giấy chứng sinh" not in page.text  # notes only for who proved the phone
    by_phone = browser.submit(browser.get("/tra-cuu"), "/tra-cuu", code=CODE, phone="0912345678")
    assert "Bổ sung giấy chứng sinh bản gốc" in by_phone.text


def test_code_and_phone_show_the_dossier(site, browser: Browser) -> None:
    _receive(site)
    page = browser.submit(browser.get("/tra-cuu"), "/tra-cuu", code=" 000.00.04.h26-261120-0001 ", phone="+84 912 345 678")
    assert page.status == 200
    assert CODE in page.text and "Đăng ký khai sinh" in page.text
    assert "H. T. Lan" in page.text  # masked, for who proved the phone
    for word in ("Hoàng Thị Lan", "001190012345", "0912345678", "Phố Huế"):
        assert word not in page.html


def test_a_wrong_phone_answers_exactly_like_an_unknown_code(site, browser: Browser) -> None:
    _receive(site)
    form = browser.get("/tra-cuu")
    wrong_phone = browser.submit(form, "/tra-cuu", code=CODE, phone="0987654321")
    unknown = browser.submit(form, "/tra-cuu", code="000.00.04.H26-261120-9999", phone="0987654321")
    assert wrong_phone.status == unknown.status == 404
    assert wrong_phone.text == unknown.text
    assert "Không tìm thấy hồ sơ với mã và số điện thoại này" in unknown.text
    _nothing_personal(wrong_phone.html)


def test_forged_or_foreign_receipts_are_refused(site, browser: Browser) -> None:
    dossier_id = _receive(site)
    good = _receipt_path(_counter_key(site), dossier_id)
    tampered = good[:-6] + ("A" if good[-6] != "A" else "B") + good[-5:]
    assert browser.get(tampered).status == 404
    stranger = Signer(generate_keypair()[0])  # a key the centre never heard of
    assert browser.get(_receipt_path(stranger, dossier_id)).status == 404
    revoked = _counter_key(site, revoked=True)
    page = browser.get(_receipt_path(revoked, dossier_id))
    assert page.status == 404 and "Không đọc được mã này" in page.text
    site.create_office("00005")
    other_office = _counter_key(site, "00005")  # a genuine key of another office, naming ours
    assert browser.get(_receipt_path(other_office, dossier_id)).status == 404


def test_a_genuine_receipt_not_yet_synced_says_so(site, browser: Browser) -> None:
    page = browser.get(_receipt_path(_counter_key(site), uuid.uuid4()))
    assert page.status == 404 and "chưa được cập nhật lên hệ thống" in page.text


def test_tracking_in_english(site, browser: Browser) -> None:
    dossier_id = _receive(site)
    page = browser.get(_receipt_path(_counter_key(site), dossier_id) + "?lang=en")
    assert "Your dossier" in page.text and "Birth registration" in page.text
    history = page.html.split('class="history"')[1].split("</ol>")[0]
    assert "Received" in history  # a history line starts with a capital


def test_the_status_banner_starts_with_a_capital(site, browser: Browser) -> None:
    dossier_id = _receive(site)
    with site.write() as s:
        move_dossier(s, dossier_id, "send_to_processing", by="Phòng Tư pháp", note="Chuyển phòng Tư pháp")
    page = browser.get(_receipt_path(_counter_key(site), dossier_id))
    banner = page.html.split('class="status ')[1].split("</p>")[0]
    assert ">Đang giải quyết" in banner  # "đ" -> "Đ", the rest untouched


def test_office_notes_on_an_english_page_are_marked_vietnamese(site, browser: Browser) -> None:
    dossier_id = _receive(site)
    with site.write() as s:
        move_dossier(s, dossier_id, "send_to_processing", by="Phòng Tư pháp", note="Chuyển Phòng Tư pháp thẩm định")
    browser.get("/tra-cuu?lang=en")
    page = browser.submit(browser.get("/tra-cuu"), "/tra-cuu", code=CODE, phone="0912345678")
    assert page.status == 200 and 'html lang="en"' in page.html and "In processing" in page.text
    assert re.search(r'<[^>]+lang="vi"[^>]*>Chuyển Phòng Tư pháp thẩm định<', page.html)  # read out in Vietnamese


def test_the_dossier_code_stays_on_one_line(site, browser: Browser) -> None:
    dossier_id = _receive(site)
    page = browser.get(_receipt_path(_counter_key(site), dossier_id))
    assert re.search(r'<dd class="code long">' + re.escape(CODE) + "</dd>", page.html)
    css = browser.session.get(browser.base_url + "/web/site.css", timeout=10).text
    assert re.search(r"\.code\{[^}]*white-space:nowrap", css)
