"""Office scope on the citizens' site (issue 18): a move request made by hand gets only a
time the site itself offers for the booking's procedure, and a receipt signed by one
office never opens another office's dossier."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from core.working_calendar import OFFICE_TZ
from sync.server import bookings
from sync.server.models import CentreEntity, CentreHoliday, CentreSlot, CentreWebBooking
from tests.sync.web.site import OFFICE, Browser, tomorrow
from tests.sync.web.test_tracking import CODE, _counter_key, _receipt_path, _receive


def _booking_slot(site) -> str:  # type: ignore[no-untyped-def]
    with site.read() as s:
        web = s.scalars(select(CentreWebBooking)).one()
        row = s.get(CentreEntity, (web.appointment_id, "appointment"))
        assert row is not None and row.status == "booked"
        return str(row.data["slot_id"])


def _other_slot(site, kind: str) -> uuid.UUID:  # type: ignore[no-untyped-def]
    """A slot of the test office with online places that the move page does not offer."""
    today = datetime.now(OFFICE_TZ).date()
    with site.write() as s:
        if kind == "another_service":
            made = bookings.create_slots(s, OFFICE, "CT", tomorrow(), start=time(8), end=time(9), minutes=30,
                                         office_quota=2, online_quota=3)
        elif kind == "day_off":
            day = tomorrow() + timedelta(days=1)
            made = bookings.create_slots(s, OFFICE, "HT", day, start=time(8), end=time(9), minutes=30,
                                         office_quota=2, online_quota=3)
            s.add(CentreHoliday(id=uuid.uuid4(), day=day, name="Ngày nghỉ", kind="day_off", source="national"))
        elif kind == "past_horizon":
            day = today + timedelta(days=site.settings.web_booking_days + 5)
            made = bookings.create_slots(s, OFFICE, "HT", day, start=time(8), end=time(9), minutes=30,
                                         office_quota=2, online_quota=3)
        else:  # started: all of today, so it has begun at any hour and is over at none
            made = bookings.create_slots(s, OFFICE, "HT", today, start=time(0), end=time(23, 59), minutes=1439,
                                         office_quota=2, online_quota=3)
    return uuid.UUID(made[0]["id"])


@pytest.mark.parametrize("kind", ["another_service", "day_off", "past_horizon", "started"])
def test_a_hand_made_move_gets_only_an_offered_time(site, browser: Browser, kind: str) -> None:
    page = browser.book()
    choose = browser.get(page.links(r"/doi$")[0])
    target = _other_slot(site, kind)
    assert str(target) not in browser.get(page.links(r"/doi$")[0]).html  # the site does not offer it
    before = _booking_slot(site)
    refused = browser.submit(choose, r"/doi$", slot_id=str(target))
    assert refused.status == 409 and "Vui lòng chọn giờ khác" in refused.text
    assert _booking_slot(site) == before
    with site.read() as s:
        target_row = s.get(CentreSlot, target)
        assert target_row is not None and target_row.online_booked == 0


def test_a_hand_made_booking_gets_only_an_offered_time(site, browser: Browser) -> None:
    """The same rule on the booking path: another service's slot under this procedure's URL."""
    target = _other_slot(site, "another_service")
    listing = browser.get(f"/dat-lich/{OFFICE}/1.001193")
    url = listing.links(r"/dat-lich/.*/[0-9a-f-]{36}$")[0]
    form = browser.get(re.sub(r"[0-9a-f-]{36}$", str(target), url))
    assert form.status == 404
    with site.read() as s:
        row = s.get(CentreSlot, target)
        assert row is not None and row.online_booked == 0


def test_a_receipt_of_another_office_never_shows_our_dossier(site, browser: Browser) -> None:
    dossier_id = _receive(site)  # a dossier of the test office
    site.create_office("00005")
    other = _counter_key(site, "00005")  # a genuine key of office 00005, signing for 00005
    page = browser.get(_receipt_path(other, dossier_id, office="00005", code="000.00.05.H26-261120-0009"))
    assert page.status == 404
    assert CODE not in page.text and "Hoàng" not in page.text
    # The office's own receipt still shows it.
    own = browser.get(_receipt_path(_counter_key(site), dossier_id))
    assert own.status == 200 and CODE in own.text
