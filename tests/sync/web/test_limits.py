"""The site's abuse limits, each on its own: CSRF, active bookings per phone, booking
attempts per address, look-ups per address (all kept in the database)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from sync.server.models import CentreWebBooking, CentreWebLimit
from sync.server.settings import ServerSettings, load_server_settings
from sync.server.web import limits
from tests.support.centre import Centre
from tests.sync.web.site import BIRTH, OFFICE, Browser, running_site


@pytest.fixture
def strict(centre_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Centre]:
    """A site whose limits the test names: ``@pytest.mark.parametrize("strict", [{...}], indirect=True)``."""
    with running_site(centre_url, tmp_path / "centre", settings=ServerSettings(**request.param)) as running:
        yield running


def _booked(site: Centre) -> int:
    with site.read() as s:
        return len(s.scalars(select(CentreWebBooking)).all())


def test_a_form_without_its_csrf_token_is_refused_with_a_clear_page(site, browser: Browser) -> None:
    page = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}")
    form = browser.get(page.links(r"/[0-9a-f-]{36}$")[0])
    action, fields = form.form("/dat-lich/")
    values = {**fields, "full_name": "Nguyễn Văn An", "phone": "0912345678"}
    confirm = browser.post(action, values)
    assert confirm.status == 200
    target, hidden = confirm.form("/xac-nhan$")
    for forged in ({**hidden, "csrf": ""}, {k: v for k, v in hidden.items() if k != "csrf"},
                   {**hidden, "csrf": "x" * 32}):
        refused = browser.post(target, forged)
        assert refused.status == 403 and "Biểu mẫu đã hết hạn" in refused.text
    stranger = Browser(site.base_url)  # another browser: the right token but not its cookie
    assert stranger.post(target, hidden).status == 403
    assert stranger.post("/tra-cuu", {"code": "X", "phone": "0912345678"}).status == 403
    assert _booked(site) == 0
    assert browser.post(target, hidden).status == 200 and _booked(site) == 1  # the real one goes through


def test_the_refusal_page_leads_back_to_the_form_that_was_sent(site, browser: Browser) -> None:
    slots = browser.get(f"/dat-lich/{OFFICE}/{BIRTH}")
    details = slots.links(r"/[0-9a-f-]{36}$")[0]
    form = browser.get(details)
    action, fields = form.form("/dat-lich/")
    confirm = browser.post(action, {**fields, "full_name": "Nguyễn Văn An", "phone": "0912345678"})
    target, hidden = confirm.form("/xac-nhan$")
    cases = [(target, {**hidden, "csrf": "old"}, details),  # the confirmation: back to the details form
             (action, {**fields, "csrf": "old"}, details),
             ("/tra-cuu", {"code": "X", "phone": "0912345678", "csrf": "old"}, "/tra-cuu")]
    for path, values, way_back in cases:
        refused = browser.post(path, values)
        assert refused.status == 403
        buttons = re.findall(r'<a class="button" href="([^"]+)">([^<]+)</a>', refused.html)
        assert buttons == [(way_back, "Mở lại biểu mẫu")], path
        assert 'class="back' not in refused.html and "Quay lại" not in refused.text  # one way back, not two
        assert browser.get(way_back).status == 200
    assert _booked(site) == 0


@pytest.mark.parametrize("strict", [{"web_active_per_phone": 2}], indirect=True)
def test_one_phone_holds_at_most_n_active_bookings(strict: Centre) -> None:
    browser = Browser(strict.base_url)
    assert browser.book(phone="0912345678").status == 200
    second = browser.book(phone="+84912345678", slot_index=1)  # the same number written otherwise
    assert second.status == 200
    third = browser.book(phone="0912 345 678", slot_index=2)
    assert third.status == 429 and "đã có 2 lịch hẹn" in third.text
    assert browser.book(phone="0987654321", slot_index=2).status == 200  # another phone is fine
    assert _booked(strict) == 3
    browser.submit(browser.get(second.links(r"/huy$")[0]), r"/huy$")  # a cancelled one no longer counts
    assert browser.book(phone="0912345678", slot_index=2).status == 200


@pytest.mark.parametrize("strict", [{"web_bookings_per_ip_per_hour": 2}], indirect=True)
def test_booking_attempts_per_address_are_limited(strict: Centre) -> None:
    # uvicorn takes X-Forwarded-For from its trusted proxy (127.0.0.1 by default): these are
    # clients behind a reverse proxy on the same machine.
    here = Browser(strict.base_url, forwarded_for="203.0.113.7")
    assert here.book(phone="0911111111").status == 200
    first_slot_full = here.book(phone="0922222222", slot_index=1)
    assert first_slot_full.status == 200
    third = Browser(strict.base_url, forwarded_for="203.0.113.7").book(phone="0933333333")  # a new browser, same address
    assert third.status == 429 and "Có quá nhiều lượt đặt lịch" in third.text
    assert Browser(strict.base_url, forwarded_for="198.51.100.9").book(phone="0944444444").status == 200
    assert _booked(strict) == 3


@pytest.mark.parametrize("strict", [{"web_lookups_per_ip_per_hour": 3}], indirect=True)
def test_tracking_lookups_per_address_are_limited(strict: Centre) -> None:
    browser = Browser(strict.base_url)
    form = browser.get("/tra-cuu")
    for _n in range(2):
        assert browser.submit(form, "/tra-cuu", code="000.00.04.H26-261120-0001", phone="0912345678").status == 404
    assert browser.get("/T/ABCDEFGH").status == 404  # a QR look-up counts too
    refused = browser.submit(form, "/tra-cuu", code="000.00.04.H26-261120-0001", phone="0912345678")
    assert refused.status == 429 and "quá nhiều lượt tra cứu" in refused.text.lower()
    assert browser.get("/T/ABCDEFGH").status == 429


def test_hits_are_counted_in_the_database_per_window(site) -> None:
    now = datetime(2026, 11, 23, 7, 59, tzinfo=timezone.utc)
    with site.write() as s:
        assert [limits.hit(s, "t", "1.2.3.4", limit=2, now=now) for _n in range(3)] == [True, True, False]
        assert limits.hit(s, "t", "5.6.7.8", limit=2, now=now)
        assert limits.hit(s, "t", "1.2.3.4", limit=2, now=now + timedelta(minutes=2))  # the next hour's window
    with site.read() as s:
        rows = {(r.key, r.window_start.hour): r.hits for r in s.scalars(select(CentreWebLimit))}
    assert rows == {("1.2.3.4", 7): 3, ("5.6.7.8", 7): 1, ("1.2.3.4", 8): 1}


def test_limits_come_from_the_environment() -> None:
    settings = load_server_settings(environ={"MOTCUA_SERVER_WEB_BOOKINGS_PER_IP_PER_HOUR": "100000",
                                             "MOTCUA_SERVER_WEB_ACTIVE_PER_PHONE": "5",
                                             "MOTCUA_SERVER_WEB_LOOKUPS_PER_IP_PER_HOUR": "7",
                                             "MOTCUA_SERVER_WEB_BOOKING_DAYS": "14"})
    assert (settings.web_bookings_per_ip_per_hour, settings.web_active_per_phone, settings.web_lookups_per_ip_per_hour,
            settings.web_booking_days) == (100000, 5, 7, 14)
    assert ServerSettings().web_bookings_per_ip_per_hour == 20
