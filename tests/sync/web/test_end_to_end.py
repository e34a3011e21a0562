"""Issue 8 end to end, in a real headless browser (Debian's chromium, phone-sized) against a
real centre on 127.0.0.1, with a real office database, its kiosk (pytest-qt) and its agent:

* a citizen books on the site and gets the QR; the office is offline (its agent does not
  run), the kiosk checks the QR in anyway (the centre's signature is checked offline); the
  link comes back, one agent round, and the centre — and the citizen's booking page — say
  checked in;
* a dossier received at the counter, its receipt QR opened in the browser after the agent's
  round: the tracking page shows its progress and nothing personal.
"""

from __future__ import annotations

import base64
import io
import re
from datetime import datetime, time, timedelta

from PIL import Image
from pyzbar.pyzbar import decode
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from core.i18n import translate_to
from core.tokens import extract_token
from core.working_calendar import OFFICE_TZ
from kiosk.app import KioskWindow
from local_db.models import Appointment
from local_db.office_setup import OfficeRefs, ensure_device
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossier_info import DocumentLine
from local_db.ops.dossier_intake import receive_dossier
from local_db.ops.signing import device_signer
from printing.dossier_source import receipt_content
from tests.kiosk.conftest import clock, kiosk, kiosk_ctx  # noqa: F401 (fixtures)
from tests.support.browser import phone_browser
from tests.support.centre import Centre
from tests.support.clock import Clock
from tests.sync.agent.helpers import agent_for, enrol
from tests.sync.web.site import BIRTH, OFFICE, tomorrow


def _qr_on_page(driver) -> str:  # type: ignore[no-untyped-def]
    """The QR code the page shows, decoded from the image the browser received."""
    src = driver.find_element(By.CSS_SELECTOR, "img[src^='data:image/png;base64,']").get_attribute("src")
    found = decode(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))))
    assert len(found) == 1
    return found[0].data.decode("ascii")


def _submit(driver, form_css: str) -> None:  # type: ignore[no-untyped-def]
    """Press the form's button and wait for the next page (the old one goes stale).

    While chromium swaps documents, asking about the old button can fail with "Node with
    given id does not belong to the document" instead of the stale-element error selenium's
    ``staleness_of`` expects (CI saw it once); both mean the old page is gone."""
    button = driver.find_element(By.CSS_SELECTOR, f"{form_css} button[type=submit]")
    button.click()

    def old_page_gone(_driver) -> bool:  # type: ignore[no-untyped-def]
        try:
            button.is_enabled()
        except WebDriverException:  # StaleElementReferenceException is one of these
            return True
        return False

    WebDriverWait(driver, 10).until(old_page_gone)


def test_booked_on_the_phone_checked_in_offline_at_the_kiosk_then_checked_in_at_the_centre(  # type: ignore[no-untyped-def]
        qtbot, site: Centre, kiosk: KioskWindow, office: OfficeRefs, clock: Clock) -> None:  # noqa: F811
    db = kiosk.ctx.db
    enrollment = enrol(db, site)
    agent = agent_for(db, site.base_url, enrollment)
    assert agent.run_once().ok  # the office knows the centre's key and tomorrow's slots; then the link goes down

    with phone_browser() as driver:
        driver.get(site.base_url + "/dat-lich")
        driver.find_element(By.CSS_SELECTOR, f"a[href='/dat-lich/{OFFICE}']").click()
        search = driver.find_element(By.CSS_SELECTOR, "input[name=q]")
        search.send_keys("khai sinh")  # typed without diacritics
        search.submit()
        driver.find_element(By.CSS_SELECTOR, f"a[href='/dat-lich/{OFFICE}/{BIRTH}']").click()
        driver.find_element(By.CSS_SELECTOR, f"a[href^='/dat-lich/{OFFICE}/{BIRTH}/']").click()  # the first free time
        driver.find_element(By.CSS_SELECTOR, "input[name=full_name]").send_keys("Trần Thị Lan")
        driver.find_element(By.CSS_SELECTOR, "input[name=phone]").send_keys("0912 345 678")
        _submit(driver, f"form[action^='/dat-lich/{OFFICE}/{BIRTH}/']")
        _submit(driver, "form[action$='/xac-nhan']")
        assert re.search(r"/lich-hen/[A-Za-z0-9_-]{30,}$", driver.current_url)
        booking_page = driver.current_url
        token = _qr_on_page(driver)

        with db.read() as s:  # the office has not heard of the booking
            assert s.scalars(Appointment.__table__.select()).all() == []
        clock.now = datetime.combine(tomorrow(), time(7, 50), tzinfo=OFFICE_TZ)  # the citizen arrives
        kiosk.route_scan(token)  # the kiosk's QR scanner
        kiosk.tasks.wait_idle()
        assert kiosk.nav.current.name == "checkin"
        welcome = kiosk.nav.current
        shown = " ".join(w.text() for w in welcome.findChildren(type(kiosk.countdown)) if w.isVisible())
        assert "T. T. Lan" in shown and "A001" in shown

        assert agent.run_once().ok  # the link is back
        [appointment] = [e for e in _appointments(site) if e.data.get("citizen", {}).get("phone") == "0912345678"]
        assert appointment.status == "checked_in"
        with db.read() as s:
            here = s.get(Appointment, appointment.entity_id)
            assert here is not None and (here.status, here.code) == ("checked_in", appointment.code)

        driver.get(booking_page)  # the citizen's page says so too
        assert translate_to("vi", "Checked in") in driver.find_element(By.TAG_NAME, "body").text


def _appointments(site: Centre):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from sync.server.models import CentreEntity

    with site.read() as s:
        return list(s.scalars(select(CentreEntity).where(CentreEntity.entity == "appointment")))


def test_the_receipt_qr_of_a_dossier_received_at_the_counter_opens_its_tracking_page(  # type: ignore[no-untyped-def]
        site: Centre, db, office: OfficeRefs) -> None:
    enrollment = enrol(db, site)
    now = datetime.now(OFFICE_TZ) - timedelta(minutes=5)
    with db.write() as s:
        counter = ensure_device(s, office.office_code, "quay-1", "counter")
        info = receive_dossier(s, office.actor("canbo1"), procedure_code="1.004873",
                               applicant=CitizenInput(full_name="Nguyễn Thị Thuỷ Tiên", phone="0912345678"),
                               documents=[DocumentLine("Tờ khai", originals=1),
                                          DocumentLine("Giấy tờ tùy thân", certified=1)], now=now)
        receipt = receipt_content(s, info.id, signer=device_signer(s, counter.id), tracking_host="MOTCUA.HANOI.GOV.VN",
                                  now=now)
    assert agent_for(db, site.base_url, enrollment).run_once().ok  # the dossier and the counter's key go up

    with phone_browser() as driver:
        driver.get(f"{site.base_url}/T/{extract_token(receipt.qr_text)}")  # what the phone opens from the QR
        page = driver.find_element(By.TAG_NAME, "body").text
    assert info.code in page
    assert translate_to("vi", "received").lower() in page.lower()  # the status, in words
    assert "Tiên" not in page and "0912345678" not in page  # nothing personal for the paper's holder
