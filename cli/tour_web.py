"""The citizens' web site in ``motcua tour``: every page photographed on a phone, in
Vietnamese and English, and looked at the way a reviewer would (issue 8).

It builds a throwaway central server in the scratch folder (an SQLite file: the demo
office 00004 with its catalog and online slots on the next working days, a dossier
received at the counter and the counter's key, so the tracking pages have something to
show), serves it with uvicorn on 127.0.0.1 from a thread, and drives Debian's chromium
(selenium with an explicit driver path: no browser download) at a phone's 390x844 CSS
viewport. Every page is saved whole (DevTools' full-page capture), not just its first
screen, as ``web-<page>[-<state>]-<lang>.png``.

The look of each page (:data:`LOOK_JS`, one script per page): wider than the phone, a
link/button/field a thumb must hit smaller than 44x44 CSS px (links inside a sentence are
exempt, as WCAG 2.5.8 allows), text cut off by ``overflow: hidden``, an image without
``alt``, a field without a label, English left on a Vietnamese page (a short list of
obvious words, and the site's own English messages) or Vietnamese on an English page
(outside elements marked ``lang="vi"``), and a blank picture.
"""

from __future__ import annotations

import base64
import re
import socket
import threading
import time as clock
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from cli.tour import LANGS, Shot, shot_name
from cli.web_browser import browser_problem, phone_browser, screenshot

MIN_TARGET = 44  # CSS px a thumb needs (WCAG 2.5.5, Apple and Android guidance alike)

OFFICE = ("00004", "UBND Phường Ba Đình", "Ba Dinh Ward People's Committee")  # local_db/office_setup.py
UNIT_ID = "000.00.04.H26"
BIRTH = "1.001193"  # "Đăng ký khai sinh", service HT: the procedure the tour books
NO_SLOTS = "1.001776"  # "Trợ cấp xã hội hằng tháng", service XH: left without online slots
SLOT_SERVICES = ("HT", "CT", "KD")
SLOT_DAYS = 3  # working days with online places, from tomorrow
CITIZEN = ("Nguyễn Thị Thu Hà", "0912345678")  # the one who books
BUSY_PHONES = ("0987654321", "0987654322")  # one a language: a phone that holds the most bookings allowed
APPLICANT = {"id": "", "full_name": "Hoàng Thị Lan", "cccd": "001190012345", "phone": "0903123456",
             "address": "12 Phố Huế, Hà Nội", "email": "", "birth_date": "1990-01-01", "gender": "F"}
DOSSIER_CODE = f"{UNIT_ID}-261120-0001"

#: Whole words that give away an English text left on a Vietnamese page.
ENGLISH_WORDS = ("the", "your", "you", "and", "with", "please", "book", "booked", "booking", "cancel", "cancelled",
                 "choose", "submit", "next", "back", "search", "continue", "confirm", "track", "appointment",
                 "procedure", "phone", "name", "time", "day", "print", "move", "page", "error", "details",
                 "office", "dossier", "found", "not", "code", "step", "free", "places", "left", "home")
_ENGLISH_RE = re.compile(r"\b(" + "|".join(ENGLISH_WORDS) + r")\b", re.IGNORECASE)
#: Letters only Vietnamese uses (a word holding one is Vietnamese, not English).
_VIETNAMESE_RE = re.compile(r"\w*[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]\w*",
                            re.IGNORECASE)

# One script per page: everything the look needs, measured in CSS px. Elements inside
# [lang] marked for the other language are left out of the text (the language toggle, the
# catalog's Vietnamese document names on an English page).
LOOK_JS = r"""
const min = arguments[0], pageLang = arguments[1];
const de = document.documentElement;
// screen.width: a phone zooms out a page wider than itself, so innerWidth grows with it
const out = {scrollWidth: Math.max(de.scrollWidth, document.body.scrollWidth),
             innerWidth: Math.min(window.innerWidth, de.clientWidth, screen.width), small: [], clipped: [], noAlt: [],
             unlabelled: [], texts: []};
const describe = (el) => {
  const label = (el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels.length ? el.labels[0].innerText : '';
  let text = (label || el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('alt') || '').trim();
  text = text.replace(/\s+/g, ' ');
  if (text.length > 40) text = text.slice(0, 39) + '…';
  const id = el.id ? '#' + el.id : (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '');
  return el.tagName.toLowerCase() + id + (text ? ' "' + text + '"' : '');
};
const shown = (el) => {
  const r = el.getBoundingClientRect();
  if (r.width <= 0 || r.height <= 0 || r.right <= 0 || r.left >= de.scrollWidth) return false;
  const cs = getComputedStyle(el);
  return cs.visibility !== 'hidden' && cs.display !== 'none' && cs.opacity !== '0';
};
const inSentence = (a) => {
  const parent = a.parentElement;
  if (!parent) return false;
  for (const node of parent.childNodes) {
    if (node !== a && node.nodeType === Node.TEXT_NODE && node.textContent.trim()) return true;
    if (node !== a && node.nodeType === Node.ELEMENT_NODE && !['A', 'BR'].includes(node.tagName)
        && getComputedStyle(node).display.startsWith('inline') && node.innerText.trim()) return true;
  }
  return false;
};
for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
  if (!shown(el)) continue;
  if (el.tagName === 'A' && inSentence(el)) continue;
  let r = el.getBoundingClientRect();
  let what = describe(el);
  if ((el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels.length) {
    const l = el.labels[0].getBoundingClientRect();  // the label is part of what a thumb can hit
    const left = Math.min(r.left, l.left), right = Math.max(r.right, l.right);
    const top = Math.min(r.top, l.top), bottom = Math.max(r.bottom, l.bottom);
    r = {width: right - left, height: bottom - top};
    what += ' + its label';
  }
  if (r.width < min - 0.5 || r.height < min - 0.5)
    out.small.push(what + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
}
for (const el of document.body.querySelectorAll('*')) {
  if (!shown(el)) continue;
  const cs = getComputedStyle(el);
  const hidesX = ['hidden', 'clip'].includes(cs.overflowX) || cs.textOverflow === 'ellipsis';
  const hidesY = ['hidden', 'clip'].includes(cs.overflowY);
  if ((hidesX && el.scrollWidth > el.clientWidth + 1) || (hidesY && el.scrollHeight > el.clientHeight + 1))
    out.clipped.push(describe(el));
}
for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) out.noAlt.push(img.src.slice(0, 60));
for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]):not([type=reset]), select, textarea')) {
  const named = (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
  if (!named) out.unlabelled.push(describe(el));
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, parent = node.parentElement;
  if (!parent || !node.textContent.trim() || ['SCRIPT', 'STYLE'].includes(parent.tagName)) continue;
  if (!shown(parent)) continue;
  const marked = parent.closest('[lang]');
  if (marked && marked.getAttribute('lang').slice(0, 2) !== pageLang) continue;
  out.texts.push(node.textContent.replace(/\s+/g, ' ').trim());
}
for (const el of document.querySelectorAll('input[placeholder]')) if (shown(el)) out.texts.push(el.placeholder);
return out;
"""


# --- the look ----------------------------------------------------------------------------------


def is_blank(path: Path, tolerance: float = 0.002) -> bool:
    """True when (nearly) every pixel of the picture has the same colour."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").resize((60, 120))
    counts = small.getcolors(60 * 120) or [(0, None)]
    return (60 * 120 - max(c for c, _colour in counts)) / (60 * 120) < tolerance


def _english_messages() -> frozenset[str]:
    """The site's English sentences Vietnamese translates differently (a whole visible text
    equal to one of them escaped translation)."""
    from core.i18n import load_catalog

    found = set()
    for message in load_catalog("vi"):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid and "{" not in msgid and msgid not in strings and re.search(r"[A-Za-z]{3}", msgid):
                found.add(msgid.strip())
    return frozenset(found)


def language_leaks(texts: list[str], lang: str, *, allowed: tuple[str, ...] = (),
                   messages: frozenset[str] = frozenset()) -> list[str]:
    """The visible texts in the other language: English on a Vietnamese page (obvious words
    or one of the site's own English messages), Vietnamese words on an English page (names
    in ``allowed`` excepted)."""
    leaks: list[str] = []
    for text in texts:
        if lang == "vi":
            words = sorted({w.lower() for w in _ENGLISH_RE.findall(text)})
            if text in messages or words:
                leaks.append(f"English on a Vietnamese page: {text[:60]!r}" + (f" ({', '.join(words)})" if words else ""))
        else:
            rest = text
            for name in allowed:
                rest = rest.replace(name, " ")
            words = _VIETNAMESE_RE.findall(rest)
            if words:
                leaks.append(f"Vietnamese on an English page: {text[:60]!r}")
    return leaks


def look(driver: Any, lang: str, *, allowed: tuple[str, ...] = (), messages: frozenset[str] = frozenset()) -> list[str]:
    """What a reviewer would flag on the page the browser shows."""
    seen = driver.execute_script(LOOK_JS, MIN_TARGET, lang)
    findings: list[str] = []
    if seen["scrollWidth"] > seen["innerWidth"]:
        findings.append(f"wider than the phone: {seen['scrollWidth']} px in a {seen['innerWidth']} px screen")
    findings += [f"target under {MIN_TARGET}x{MIN_TARGET} px: {t}" for t in seen["small"]]
    findings += [f"text cut off: {t}" for t in seen["clipped"]]
    findings += [f"image without alt: {t}" for t in seen["noAlt"]]
    findings += [f"field without a label: {t}" for t in seen["unlabelled"]]
    findings += language_leaks(seen["texts"], lang, allowed=allowed, messages=messages)
    return findings


# --- the throwaway centre --------------------------------------------------------------------


def _working_days(after: date, count: int) -> list[date]:
    days, day = [], after
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


@dataclass
class TourCentre:
    base_url: str
    db: Any
    receipt_path: str  # "/T/<TOKEN>" of the dossier's receipt
    dossier_code: str
    applicant_phone: str


def _build(db: Any, now: datetime) -> None:
    from core.working_calendar import OFFICE_TZ
    from sync.server import admin, bookings, catalog, migrate
    from sync.server.models import CentreOffice

    migrate.upgrade(db)
    with db.write() as s:
        if s.get(CentreOffice, OFFICE[0]) is None:
            admin.create_office(s, OFFICE[0], name_vi=OFFICE[1], name_en=OFFICE[2], unit_id=UNIT_ID)
        catalog.publish_catalog(s, OFFICE[0])
        for day in _working_days(now.astimezone(OFFICE_TZ).date(), SLOT_DAYS):
            for service in SLOT_SERVICES:
                bookings.create_slots(s, OFFICE[0], service, day, start=time(8), end=time(11), minutes=30,
                                      office_quota=2, online_quota=3)


def _dossier_and_key(base_url: str, db: Any, now: datetime) -> str:
    """A dossier received at the counter and its counter's key, sent as the office's sync
    agent sends them (enrol, push); then a move at the processing agency. Returns the
    receipt QR's path ``/T/<TOKEN>``."""
    import requests

    from core.ids import new_id
    from core.keys import generate_keypair
    from core.tokens import ReceiptToken, Signer, receipt_url
    from sync.protocol import API
    from sync.server import admin
    from sync.server.dossiers import move_dossier

    with db.write() as s:
        code = admin.enrollment_code(s, OFFICE[0])
    _agent_private, agent_public = generate_keypair()
    http = requests.Session()
    r = http.post(base_url + API + "/enroll", timeout=10, json={
        "code": code, "device_name": "tour-agent", "device_kind": "agent",
        "public_key": base64.b64encode(agent_public).decode()})
    r.raise_for_status()
    http.headers["Authorization"] = f"Bearer {r.json()['credential']}"
    counter_private, counter_public = generate_keypair()
    dossier_id, counter_id, machine = uuid.uuid4(), uuid.uuid4(), new_id()
    ops = []
    for seq, (entity, entity_id, op_type, payload, to_state) in enumerate((
            ("device", counter_id, "register", {"office_code": OFFICE[0], "name": "Quầy 1", "kind": "counter",
                                                 "public_key": base64.b64encode(counter_public).decode(),
                                                 "revoked": False}, "active"),
            ("dossier", dossier_id, "receive", {
                "code": DOSSIER_CODE, "office_code": OFFICE[0], "procedure_code": BIRTH, "status": "received",
                "applicant": {**APPLICANT, "id": str(uuid.uuid4())},
                "received_at": (now - timedelta(days=2)).isoformat(),
                "due_at": (now + timedelta(days=3)).isoformat(), "with_verification": False}, "received")), 1):
        ops.append({"op_id": str(new_id()), "seq": seq, "device_id": str(machine), "entity": entity,
                    "entity_id": str(entity_id), "op_type": op_type, "from_state": None, "to_state": to_state,
                    "payload": payload, "device_time": (now - timedelta(days=2)).isoformat()})
    r = http.post(base_url + API + "/push", timeout=10, json={"ops": ops})
    r.raise_for_status()
    refused = [x for x in r.json()["results"] if x["status"] != "applied"]
    if refused:
        raise RuntimeError(f"the tour centre refused its demo dossier: {refused}")
    with db.write() as s:
        move_dossier(s, dossier_id, "send_to_processing", by="Phòng Tư pháp", note="Chuyển Phòng Tư pháp thẩm định",
                     now=now - timedelta(days=1))
    token = Signer(counter_private).sign(ReceiptToken(entity_id=dossier_id, office_code=OFFICE[0],
                                                      issued_at=now - timedelta(days=2), dossier_code=DOSSIER_CODE))
    return "/T/" + receipt_url("MOTCUA.HANOI.GOV.VN", token).split("/T/", 1)[1]


@contextmanager
def tour_centre(scratch: Path) -> Iterator[TourCentre]:
    """A centre on an SQLite file in ``scratch``, serving on 127.0.0.1 (a free port) from a
    thread; stopped and disposed after."""
    import uvicorn

    from sync.server.app import create_app
    from sync.server.database import CentreDatabase
    from sync.server.settings import ServerSettings

    scratch.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    db = CentreDatabase(f"sqlite:///{scratch / 'tour-centre.db'}")
    server = thread = sock = None
    try:
        _build(db, now)
        app = create_app(db, ServerSettings().replace(database_url=db.url))
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False,
                                               timeout_graceful_shutdown=2))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="tour-centre")
        thread.start()
        deadline = clock.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or clock.monotonic() > deadline:
                raise RuntimeError("the tour's central server did not start")
            clock.sleep(0.01)
        base_url = f"http://127.0.0.1:{port}"
        receipt = _dossier_and_key(base_url, db, now)
        yield TourCentre(base_url, db, receipt, DOSSIER_CODE, APPLICANT["phone"])
    finally:
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(10)
        if sock is not None:
            sock.close()
        db.dispose()


# --- walking the site ---------------------------------------------------------------------------


class Walk:
    """One browser on the site, in one language; ``snap`` photographs and looks at the page
    it shows. ``day`` is the slot day (0: the first offered) its bookings are made on, so
    walks in other languages running at the same time never take each other's places."""

    def __init__(self, driver: Any, centre: TourCentre, outdir: Path, lang: str, *, day: int = 0,
                 log: Callable[[str], None] = lambda _msg: None, messages: frozenset[str] | None = None) -> None:
        self.driver = driver
        self.centre = centre
        self.outdir = outdir
        self.lang = lang
        self.day = day
        self.log = log
        self.shots: list[Shot] = []
        self.messages = _english_messages() if messages is None else messages

    # --- moving about ----------------------------------------------------------------------

    def go(self, path: str) -> None:
        self.driver.get(path if path.startswith("http") else self.centre.base_url + path)

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def links(self, pattern: str) -> list[str]:
        """The page's links (absolute) matching ``pattern``, in page order."""
        hrefs = self.driver.execute_script("return Array.from(document.querySelectorAll('a[href]'), a => a.href)")
        return [h for h in hrefs if re.search(pattern, h)]

    def fill(self, **values: str) -> None:
        for name, value in values.items():
            box = self.find(f"input[name={name}]")
            box.clear()
            if value:
                box.send_keys(value)

    def press(self, css: str = "main form button[type=submit]") -> None:
        """Submit and wait for the next page (a new document, so the old one goes stale)."""
        from selenium.webdriver.support.ui import WebDriverWait

        old = self.find("html")
        self.find(css).click()
        WebDriverWait(self.driver, 10, poll_frequency=0.02).until(lambda _d: _stale(old))

    def slot_links(self, proc: str = BIRTH) -> list[str]:
        """The free times of this walk's day for ``proc`` (the slot page is left open)."""
        office = OFFICE[0]
        self.go(f"/dat-lich/{office}/{proc}")
        self.go(self.links(r"\?ngay=")[self.day])
        return self.links(rf"/dat-lich/{office}/{re.escape(proc)}/[0-9a-f-]{{36}}$")

    # --- pictures --------------------------------------------------------------------------

    def snap(self, screen: str, state: str = "") -> Shot:
        shot = Shot(file=shot_name("web", screen, state, self.lang), app="web", screen=screen, state=state,
                    lang=self.lang)
        try:
            path = screenshot(self.driver, self.outdir / shot.file)
            if is_blank(path):
                shot.findings.append("blank page")
            shot.findings += look(self.driver, self.lang, allowed=(CITIZEN[0], OFFICE[1]), messages=self.messages)
        except Exception as exc:  # one broken page must not hide the others
            first = (str(exc).strip().splitlines() or [""])[0]
            shot.findings.append(f"the page could not be photographed: {type(exc).__name__}: {first}")
        self.shots.append(shot)
        self.log(shot.file + (f"  ({'; '.join(shot.findings)})" if shot.findings else ""))
        return shot

    def step(self, screen: str, state: str, action: Callable[[], Any], expect: str) -> None:
        """Do ``action`` (reach the page), then photograph it. A failure, or a page without
        the ``expect`` element (CSS) that shows it is the page meant, is a finding."""
        try:
            action()
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [""])[0]
            shot = Shot(file=shot_name("web", screen, state, self.lang), app="web", screen=screen, state=state,
                        lang=self.lang, findings=[f"the page could not be reached: {type(exc).__name__}: {first}"])
            self.shots.append(shot)
            self.log(f"{shot.file}  ({shot.findings[0]})")
            return
        found = self.driver.execute_script("return document.querySelector(arguments[0]) !== null", expect)
        shot = self.snap(screen, state)
        if not found:
            shot.findings.insert(0, f"not the page expected: nothing matches {expect!r} at {self.driver.current_url}")

    # --- the pages --------------------------------------------------------------------------

    def book_through(self, phone: str, *, slot_index: int = 0) -> None:
        """Book the birth registration at a free time of this walk's day, without pictures."""
        self.go(self.slot_links()[slot_index])
        self.fill(full_name=CITIZEN[0], phone=phone)
        self.press()
        self.press("form[action$='/xac-nhan'] button")

    def tour(self) -> list[Shot]:
        """Every page, in the order a citizen meets them."""
        office, proc, lang = OFFICE[0], BIRTH, self.lang
        self.go(f"/?lang={lang}")  # the toggle's link: sets the lang cookie for every later page
        self.snap("home")
        self.step("offices", "", lambda: self.go("/dat-lich"), f"a.choice[href='/dat-lich/{office}']")
        self.step("procedures", "", lambda: self.go(f"/dat-lich/{office}"), f"a.choice[href$='/{NO_SLOTS}']")

        def search(words: str) -> Callable[[], None]:
            def action() -> None:
                self.go(f"/dat-lich/{office}")
                self.fill(q=words)
                self.press("form.search button")
            return action

        # typed without diacritics, as on a phone without a Vietnamese keyboard
        self.step("procedures", "search_khai_sinh", search("khai sinh"), f"a.choice[href$='/{proc}']")
        self.step("procedures", "search_nothing", search("xyzzy"), "p.notice")
        self.step("slots", "", lambda: self.go(f"/dat-lich/{office}/{proc}"), "a.slot")
        self.step("slots", "second_day", lambda: self.go(self.links(r"\?ngay=")[1]), ".days li:nth-child(2) a.current")
        self.step("slots", "none_free", lambda: self.go(f"/dat-lich/{office}/{NO_SLOTS}"), "p.notice")
        self.step("details", "", lambda: self.go(self.slot_links()[0]), "input[name=full_name]")
        form_url = self.driver.current_url

        def details(full_name: str, phone: str, cccd: str) -> Callable[[], None]:
            def action() -> None:
                self.go(form_url)
                self.fill(full_name=full_name, phone=phone, cccd=cccd)
                self.press()
            return action

        self.step("details", "errors", details("", "12345", "0011"), "#full_name-error")
        self.step("confirm", "", details(CITIZEN[0], CITIZEN[1], ""), "form[action$='/xac-nhan']")
        self.step("booking", "qr", lambda: self.press("form[action$='/xac-nhan'] button"), "figure.qr img")
        booking_url = self.driver.current_url.split("?")[0]
        self.step("slip", "", lambda: self.go(booking_url + "/in"), ".slip figure.qr")
        try:
            self.step("slip", "print", lambda: (self.go(booking_url + "/in"), self.driver.execute_cdp_cmd(
                "Emulation.setEmulatedMedia", {"media": "print"})), ".slip figure.qr")
        finally:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        self.step("move", "", lambda: self.go(booking_url + "/doi"), "input[name=slot_id]")
        self.step("cancel", "", lambda: self.go(booking_url + "/huy"), "button.danger")
        self.step("booking", "cancelled", lambda: (self.go(booking_url + "/huy"), self.press()),
                  "p.notice[role=status]:not(.ok)")

        def too_many() -> None:
            busy = BUSY_PHONES[self.day % len(BUSY_PHONES)]
            for i in range(3):  # ServerSettings.web_active_per_phone
                self.book_through(busy, slot_index=i)
            self.go(self.slot_links()[3])
            self.fill(full_name=CITIZEN[0], phone=busy)
            self.press()
            self.press("form[action$='/xac-nhan'] button")

        self.step("too_many_bookings", "", too_many, "p.notice[role=alert]:not(.error)")

        def csrf_refused() -> None:  # a form kept open too long: its security code no longer matches
            self.go("/tra-cuu")
            self.fill(code=self.centre.dossier_code, phone=self.centre.applicant_phone)
            self.driver.execute_script("document.querySelector('input[name=csrf]').value = 'an-old-form-0000000000'")
            self.press()

        self.step("csrf_refused", "", csrf_refused, "p.notice[role=alert]:not(.error)")
        self.step("not_found", "office", lambda: self.go("/dat-lich/99999"), "p.notice[role=alert]:not(.error)")
        self.step("not_found", "booking", lambda: self.go("/lich-hen/no-such-link"), "p.notice[role=alert]:not(.error)")
        self.step("track", "", lambda: self.go("/tra-cuu"), "input[name=code]")

        def track(code: str, phone: str) -> Callable[[], None]:
            def action() -> None:
                self.go("/tra-cuu")
                self.fill(code=code, phone=phone)
                self.press()
            return action

        self.step("track", "errors", track("", "12"), "#code-error")
        self.step("track", "not_found", track(self.centre.dossier_code, "0999999999"), "p.notice.error")
        self.step("dossier", "code_and_phone", track(self.centre.dossier_code.lower(), self.centre.applicant_phone),
                  "ol.history")
        self.step("dossier", "receipt_qr", lambda: self.go(self.centre.receipt_path), "ol.history")
        self.step("dossier", "receipt_unreadable", lambda: self.go("/T/NOTARECEIPT"), "p.notice[role=alert]:not(.error)")
        return self.shots


def _stale(element: Any) -> bool:
    """The page holding ``element`` is gone (chromium says so in more than one way)."""
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False


def tour_web(outdir: Path, scratch: Path, *, log: Callable[[str], None] = lambda _msg: None,
             langs: tuple[str, ...] = LANGS) -> list[Shot]:
    """Photograph every page of the citizens' site into ``outdir``, in each language, on a
    phone; returns the shots (their findings included), language by language.

    Each language gets its own browser, and they walk the site at the same time (most of a
    page's time is waiting for the other side)."""
    from concurrent.futures import ThreadPoolExecutor

    outdir.mkdir(parents=True, exist_ok=True)
    messages = _english_messages()
    with tour_centre(scratch / "web") as centre:
        def walk(day: int, lang: str) -> list[Shot]:
            with phone_browser(lang=lang) as driver:
                return Walk(driver, centre, outdir, lang, day=day, log=log, messages=messages).tour()

        with ThreadPoolExecutor(max_workers=len(langs), thread_name_prefix="tour-web") as pool:
            walks = [pool.submit(walk, day, lang) for day, lang in enumerate(langs)]
            return [shot for done in walks for shot in done.result()]


def _tour_web(db: Any, scratch: Path, outdir: Path, *, every_mode: bool = False,
              now: datetime | None = None) -> list[Shot]:
    """``motcua tour --apps web``: the office database and fixed clock are not used (the
    site runs on a throwaway centre of its own, on the real clock)."""
    import sys

    problem = browser_problem()
    if problem:
        print(f"web: no pictures of the web site: {problem}", file=sys.stderr)
        return []
    return tour_web(outdir, scratch, log=lambda msg: print(msg, flush=True) if sys.stdout.isatty() else None)


__all__ = ["LOOK_JS", "MIN_TARGET", "TourCentre", "Walk", "is_blank", "language_leaks", "look", "tour_centre",
           "tour_web"]
