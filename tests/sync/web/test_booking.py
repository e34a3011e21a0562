"""Booking on the citizens' web site through its forms, as a phone's browser does it."""

from __future__ import annotations

import base64
import io
import re
import uuid

from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy import select

from core.text import fold
from core.tokens import AppointmentToken, KeyRing, verify
from sync.server import bookings
from sync.server.keys import centre_public_keys
from sync.server.models import CentreEntity, CentreSlot, CentreWebBooking
from tests.sync.web.site import BIRTH, OFFICE, Browser, Page


def _slots(site) -> list[CentreSlot]:  # type: ignore[no-untyped-def]
    with site.read() as s:
        return list(s.scalars(select(CentreSlot).order_by(CentreSlot.start_time)))


def _qr_text(page: Page) -> str:
    data_url = re.search(r'src="data:image/png;base64,([^"]+)"', page.html)
    assert data_url, "no QR image on the page"
    found = decode(Image.open(io.BytesIO(base64.b64decode(data_url.group(1)))))
    assert len(found) == 1
    return found[0].data.decode("ascii")


def test_a_booking_made_through_the_forms_is_at_the_centre_with_a_qr_that_verifies(site, browser: Browser) -> None:
    page = browser.book(full_name="  Nguyễn   Văn An ", phone="+84 912 345 678", cccd="001099012345")
    assert page.status == 200, page.text
    assert re.search(r"/lich-hen/[A-Za-z0-9_-]{30,}$", page.url)
    code = re.search(r"\bLT[A-Z0-9]{6}\b", page.text).group(0)
    with site.read() as s:
        web = s.scalars(select(CentreWebBooking)).one()
        row = s.get(CentreEntity, (web.appointment_id, "appointment"))
        keys = centre_public_keys(s)
    assert (row.status, row.code, web.phone) == ("booked", code, "0912345678")
    assert row.data["citizen"] == {"full_name": "Nguyễn Văn An", "phone": "0912345678", "id_number": "001099012345"}
    assert row.data["procedure_code"] == BIRTH
    assert web.secret_hash not in page.url  # only the hash is kept, the secret is the link's
    assert _slots(site)[0].online_booked == 1

    ring = KeyRing.from_public_keys(base64.b64decode(k) for k in keys.values())
    scanned = _qr_text(page)
    checked = verify(scanned, ring, office_code=OFFICE, now=row.updated_at, expect_kind=AppointmentToken)
    assert checked.ok, checked.message_en
    assert checked.token.entity_id == web.appointment_id
    assert checked.token.masked_name == "N. V. An"
    # what to bring: the procedure's documents
    assert "Tờ khai đăng ký khai sinh" in page.text and "08:00–08:30" in page.text


def test_a_confirmation_sent_twice_makes_one_booking(site, browser: Browser) -> None:
    """A double tap on "Confirm" or a reload of the answer: the same booking's page, one place taken."""
    slots = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}")
    form = browser.get(slots.links(rf"^/dat-lich/{OFFICE}/{re.escape(BIRTH)}/[0-9a-f-]{{36}}$")[0])
    confirm = browser.submit(form, "/dat-lich/", full_name="Lê Thị Hoa", phone="0987654321")
    first = browser.submit(confirm, "/xac-nhan$")
    again = browser.submit(confirm, "/xac-nhan$")
    assert first.status == again.status == 200 and first.url == again.url
    with site.read() as s:
        assert len(s.scalars(select(CentreWebBooking)).all()) == 1
    assert _slots(site)[0].online_booked == 1
    other = browser.submit(browser.submit(form, "/dat-lich/", full_name="Lê Thị Hoa", phone="0987654321"),
                           "/xac-nhan$")  # the form filled in again: a new confirmation, a second booking
    assert other.status == 200 and other.url != first.url
    assert _slots(site)[0].online_booked == 2


def test_the_calendar_file_is_rfc5545_in_office_time(site, browser: Browser) -> None:
    page = browser.book()
    ics = browser.session.get(browser.base_url + page.links(r"\.ics$")[0], timeout=10)
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert "attachment" in ics.headers["content-disposition"]
    body = ics.content.decode("utf-8")
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    lines = body.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "").split("\r\n")
    assert unfolded[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in unfolded and unfolded[-2] == "END:VCALENDAR"
    assert "TZID:Asia/Ho_Chi_Minh" in unfolded  # the VTIMEZONE the TZID names
    slot = _slots(site)[0]
    start = next(line for line in unfolded if line.startswith("DTSTART;"))
    assert start == f"DTSTART;TZID=Asia/Ho_Chi_Minh:{slot.day:%Y%m%d}T080000"
    assert f"DTEND;TZID=Asia/Ho_Chi_Minh:{slot.day:%Y%m%d}T083000" in unfolded
    assert any(line.startswith("UID:") and line.endswith("@motcua") for line in unfolded)
    assert unfolded.count("BEGIN:VEVENT") == 1 == unfolded.count("END:VEVENT")


def test_cancelling_through_the_manage_link_gives_the_place_back(site, browser: Browser) -> None:
    page = browser.book()
    assert _slots(site)[0].online_booked == 1
    ask = browser.get(page.links(r"/huy$")[0])
    assert ask.status == 200
    done = browser.submit(ask, r"/huy$")
    assert done.status == 200 and done.url == page.url
    assert "Lịch hẹn này đã được huỷ" in done.text and "data:image/png" not in done.html  # no QR for a cancelled one
    assert _slots(site)[0].online_booked == 0
    with site.read() as s:
        assert s.scalars(select(CentreEntity.status).where(CentreEntity.entity == "appointment")).one() == "cancelled"
    again = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}")
    assert "còn 3 chỗ" in again.text
    assert browser.get(page.url).links(r"/huy$") == []  # nothing left to cancel


def test_moving_books_the_new_time_and_frees_the_old_one(site, browser: Browser) -> None:
    page = browser.book()
    choose = browser.get(page.links(r"/doi$")[0])
    assert choose.status == 200
    first, second = _slots(site)[:2]
    assert str(first.id) not in choose.html  # the current slot is not offered
    moved = browser.submit(choose, r"/doi$", slot_id=str(second.id))
    assert moved.status == 200 and moved.url == page.url  # the same private link follows the booking
    assert "08:30–09:00" in moved.text and "Đã đặt" in moved.text
    after = {s.id: s.online_booked for s in _slots(site)}
    assert after[first.id] == 0 and after[second.id] == 1
    with site.read() as s:
        rows = {r.status: r for r in s.scalars(select(CentreEntity).where(CentreEntity.entity == "appointment"))}
        web = s.scalars(select(CentreWebBooking)).one()
    assert set(rows) == {"booked", "cancelled"}
    assert web.appointment_id == rows["booked"].entity_id
    assert rows["booked"].data["slot_id"] == str(second.id)
    assert rows["booked"].data["citizen"]["phone"] == "0912345678"


def test_moving_to_a_full_slot_keeps_the_booking(site, browser: Browser) -> None:
    page = browser.book()
    choose = browser.get(page.links(r"/doi$")[0])
    second = _slots(site)[1]
    with site.write() as s:
        for n in range(3):
            bookings.book_online(s, OFFICE, second.id, full_name="Trần Thị Bình", phone=f"098765432{n}")
    refused = browser.submit(choose, r"/doi$", slot_id=str(second.id))
    assert refused.status == 409 and "đã hết chỗ" in refused.text
    assert browser.get(page.url).text.count("08:00–08:30") >= 1
    assert _slots(site)[0].online_booked == 1


def test_a_full_slot_is_not_offered_and_booking_it_is_refused_clearly(site, browser: Browser) -> None:
    first = _slots(site)[0]
    form = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}/{first.id}")
    assert form.status == 200
    confirm = browser.submit(form, "/dat-lich/", full_name="Lê Văn Cường", phone="0901234567")
    with site.write() as s:  # meanwhile, others take every online place
        for n in range(3):
            bookings.book_online(s, OFFICE, first.id, full_name="Trần Thị Bình", phone=f"098765432{n}")
    listing = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}")
    assert str(first.id) not in listing.html and "08:00–08:30" not in listing.text
    refused = browser.submit(confirm, "/xac-nhan$")
    assert refused.status == 409
    assert "Rất tiếc, giờ này đã hết chỗ. Vui lòng chọn giờ khác." in refused.text
    assert "08:30–09:00" in refused.text  # the other times are offered right there
    with site.read() as s:
        assert s.scalars(select(CentreWebBooking)).all() == []
    assert browser.get(f"/dat-lich/{OFFICE}/{BIRTH}/{first.id}").status == 409


def test_wrong_details_are_shown_beside_their_field_and_kept(site, browser: Browser) -> None:
    first = _slots(site)[0]
    form = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}/{first.id}")
    bad = browser.submit(form, "/dat-lich/", full_name="Phạm Thị Dung", phone="12345", cccd="0010990123")
    assert bad.status == 422
    assert 'id="phone-error"' in bad.html and 'id="cccd-error"' in bad.html and 'id="full_name-error"' not in bad.html
    assert 'value="Phạm Thị Dung"' in bad.html and 'value="12345"' in bad.html and 'value="0010990123"' in bad.html
    assert 'aria-invalid="true"' in bad.html
    good = browser.submit(bad, "/dat-lich/", phone="0912 345 678", cccd="")
    assert good.status == 200 and "0912345678" in good.text  # the confirmation page
    edit = browser.submit(good, r"/[0-9a-f-]{36}$")  # "change my details" keeps them
    assert edit.status == 200 and 'value="Phạm Thị Dung"' in edit.html


def test_the_procedure_search_folds_diacritics(site, browser: Browser) -> None:
    folded = browser.get(f"/dat-lich/{OFFICE}?q=dang+ky+khai+sinh")
    marked = browser.get(f"/dat-lich/{OFFICE}?q=ĐĂNG KÝ KHAI SINH")
    assert folded.links(rf"/dat-lich/{OFFICE}/{re.escape(BIRTH)}$")
    assert folded.links(r"/dat-lich/00004/\d") == marked.links(r"/dat-lich/00004/\d")
    assert "Chứng thực" not in folded.text
    assert "Không có thủ tục phù hợp" in browser.get(f"/dat-lich/{OFFICE}?q=zzzz").text


def test_the_english_toggle(site, browser: Browser) -> None:
    home = browser.get("/dat-lich")
    assert 'lang="vi"' in home.html and "Bước 1/4" in home.text
    english = browser.get(home.links(r"lang=en")[0])
    assert 'html lang="en"' in english.html and "Step 1 of 4: the office" in english.text
    assert "Ba Dinh Ward People's Committee" in english.text
    later = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}")  # the cookie keeps the choice
    assert "Choose a day and time" in later.text and "Birth registration" in later.text
    assert "Tuesday" in later.text or "Monday" in later.text or "day," in later.text
    back = browser.get(later.links(r"lang=vi")[0])
    assert "Chọn ngày và giờ" in back.text


def test_unknown_things_answer_404_pages(site, browser: Browser) -> None:
    assert browser.get("/dat-lich/99999").status == 404
    assert browser.get(f"/dat-lich/{OFFICE}/9.999").status == 404
    assert browser.get(f"/dat-lich/{OFFICE}/{BIRTH}/{uuid.uuid4()}").status == 404
    page = browser.get("/lich-hen/not-a-real-secret-at-all-000000")
    assert page.status == 404 and "Không tìm thấy lịch hẹn" in page.text


def test_pages_are_small_script_free_and_private(site, browser: Browser) -> None:
    page = browser.get(f"/dat-lich/{OFFICE}")
    assert len(page.response.content) < 30_000 and "<script" not in page.html
    headers = page.response.headers
    assert "script-src" not in headers["content-security-policy"] and "default-src 'none'" in headers[
        "content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer" and headers["cache-control"] == "no-store"
    css = browser.session.get(browser.base_url + "/web/site.css", timeout=10)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css") and len(css.content) < 12_000
    booked = browser.book()
    assert len(booked.response.content) < 40_000  # the QR is inline: one request for the whole page
    assert booked.response.headers["cache-control"] == "no-store"
    for field in ("full_name", "phone", "cccd", "code", "q"):  # every input has its label
        if f'id="{field}"' in booked.html:
            assert f'for="{field}"' in booked.html


def test_every_form_field_has_a_label(site, browser: Browser) -> None:
    slots = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}")
    pages = [browser.get(f"/dat-lich/{OFFICE}"), browser.get(slots.links(r"/[0-9a-f-]{36}$")[0]), browser.get("/tra-cuu")]
    for page in pages:
        ids = re.findall(r'<input[^>]*type="(?:text|tel|search|radio)"[^>]*id="([^"]+)"', page.html)
        ids += re.findall(r'<input[^>]*id="([^"]+)"[^>]*type="(?:text|tel|search|radio)"', page.html)
        assert ids, page.url
        for ident in ids:
            assert f'<label for="{ident}"' in page.html, (page.url, ident)


def test_counted_words_agree_with_their_number(site, browser: Browser) -> None:
    first = _slots(site)[0]
    with site.write() as s:
        for n in range(2):
            bookings.book_online(s, OFFICE, first.id, full_name="Trần Thị Bình", phone=f"098765432{n}")
    browser.get("/?lang=en")
    slots = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}")
    assert "1 place left" in slots.text and "1 places left" not in slots.text
    assert "3 places left" in slots.text
    one = browser.get(f"/dat-lich/{OFFICE}?q=death")
    assert "1 procedure found for “death”" in one.text
    two = browser.get(f"/dat-lich/{OFFICE}?q=khai+sinh")
    assert "2 procedures found for “khai sinh”" in two.text
    none = browser.get(f"/dat-lich/{OFFICE}?q=xyzzy")  # the notice alone, not "0 procedures found" above it
    assert "No procedure matches" in none.text and "found" not in none.text
    vietnamese = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}?lang=vi")
    assert "còn 1 chỗ" in vietnamese.text and "còn 3 chỗ" in vietnamese.text
    assert "Tìm thấy 2 thủ tục" in browser.get(f"/dat-lich/{OFFICE}?q=khai+sinh").text


def test_the_english_procedure_list_is_in_english_alphabetical_order(site, browser: Browser) -> None:
    for lang in ("en", "vi"):
        page = browser.get(f"/dat-lich/{OFFICE}?lang={lang}")
        fields = re.findall(r"<h2>([^<]+)</h2>", page.html)
        assert len(fields) >= 3 and fields == sorted(fields, key=fold), (lang, fields)
        for group in page.html.split("<h2>")[1:]:
            names = re.findall(r'class="choice" href="[^"]+">([^<]+)</a>', group)
            assert names == sorted(names, key=fold), (lang, names)
    english = browser.get(f"/dat-lich/{OFFICE}?lang=en")
    assert english.text.index("Attestation") < english.text.index("Civil status") < english.text.index(
        "Social protection")


def test_the_appointment_footer_is_only_on_the_booking_pages(site, browser: Browser) -> None:
    footer = "Đặt lịch hẹn không mất phí"
    booked = browser.book()
    slots = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}")
    booking_pages = [browser.get("/dat-lich"), browser.get(f"/dat-lich/{OFFICE}"), slots,
                     browser.get(slots.links(r"/[0-9a-f-]{36}$")[0]), booked, browser.get(booked.url + "/doi"),
                     browser.get(booked.url + "/huy"), browser.get(booked.url + "/in")]
    for page in booking_pages:
        assert page.status == 200 and footer in page.text, page.url
    for page in (browser.get("/"), browser.get("/tra-cuu"), browser.get("/T/NOTARECEIPT")):
        assert footer not in page.text, page.url
    english = browser.get("/tra-cuu?lang=en")
    assert "Appointments are free" not in english.text
    assert "Appointments are free" in browser.get("/dat-lich").text


def test_targets_a_thumb_must_hit_are_44_px_tall(site, browser: Browser) -> None:
    css = browser.session.get(browser.base_url + "/web/site.css", timeout=10).text
    for rule in (".brand", ".lang", ".back a", ".days a", "label.radio"):
        body = re.search(re.escape(rule) + r"\{([^}]*)\}", css)
        assert body and re.search(r"min-height:4[4-9]px", body.group(1)), rule
    page = browser.book()
    move = browser.get(page.links(r"/doi$")[0])
    rows = re.findall(r'<label class="radio"><input type="radio" name="slot_id"', move.html)
    assert rows  # the whole row is the label of its radio button


def test_no_online_booking_on_a_national_day_off(site, browser: Browser) -> None:
    """The centre published the day as a holiday: its slots are not offered, nor bookable by URL."""
    from sync.server.models import CentreHoliday
    from tests.sync.web.site import tomorrow

    first = _slots(site)[0]
    assert str(first.id) in browser.get(f"/dat-lich/{OFFICE}/{BIRTH}").html
    with site.write() as s:
        s.add(CentreHoliday(id=uuid.uuid4(), day=tomorrow(), name="Ngày Văn hóa Việt Nam", kind="day_off",
                            source="national"))
    listing = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}")
    assert str(first.id) not in listing.html
    assert browser.get(f"/dat-lich/{OFFICE}/{BIRTH}/{first.id}").status == 404
