"""A running centre serving the citizens' web site, and a browser-like client for it.

    with running_site(centre_url, tmp_path) as site:        # the test office 00004, its catalog,
        browser = Browser(site.base_url)                     # and slots tomorrow (HT service)
        page = browser.get("/dat-lich")

The lead will add ``app.include_router(web_router(...))`` to create_app; until then
:func:`include_web` adds it to a built app (and does nothing once it is there).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import requests
from fastapi import FastAPI

from core.working_calendar import OFFICE_TZ
from sync.server import admin, bookings, catalog, migrate
from sync.server.database import CentreDatabase
from sync.server.models import CentreOffice
from sync.server.settings import ServerSettings
from sync.server.web import web_router
from tests.support.centre import TEST_OFFICE, Centre
from tests.support.routes import route_table

OFFICE = TEST_OFFICE[0]
BIRTH = "1.001193"  # "Đăng ký khai sinh", service HT
TIMEOUT = 10


def include_web(app: FastAPI, db: CentreDatabase, settings: ServerSettings) -> FastAPI:
    if ("GET", "/dat-lich") not in route_table(app):  # (an included router has no path of its own)
        app.include_router(web_router(db, settings))
    return app


def tomorrow() -> Any:
    return (datetime.now(OFFICE_TZ) + timedelta(days=1)).date()


@contextmanager
def running_site(database_url: str, tmp_path: Path, *, settings: ServerSettings | None = None,
                 online_quota: int = 3) -> Iterator[Centre]:
    """A centre with the test office, its demo catalog and HT slots tomorrow 08:00-10:00
    (30 minutes, ``online_quota`` online places each), serving the web site."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = CentreDatabase(database_url)
    try:
        migrate.upgrade(db)
        with db.write() as s:
            if s.get(CentreOffice, OFFICE) is None:
                admin.create_office(s, OFFICE, name_vi=TEST_OFFICE[1], name_en=TEST_OFFICE[2])
            catalog.publish_catalog(s, OFFICE)
            bookings.create_slots(s, OFFICE, "HT", tomorrow(), start=time(8), end=time(10), minutes=30,
                                  office_quota=2, online_quota=online_quota)
        settings = (settings or ServerSettings()).replace(database_url=db.url)
        centre = Centre(db, settings)
        include_web(centre.app, db, settings)
        centre.start()
        try:
            yield centre
        finally:
            centre.stop()
    finally:
        db.dispose()


class Page:
    def __init__(self, response: requests.Response) -> None:
        self.response = response
        self.status = response.status_code
        self.html = response.text
        self.url = response.url

    @property
    def text(self) -> str:
        """The visible text, tags dropped, whitespace collapsed (for ``in`` checks)."""
        body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", self.html, flags=re.DOTALL)
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())

    def links(self, pattern: str = "") -> list[str]:
        return [unescape(h) for h in re.findall(r'href="([^"]+)"', self.html) if re.search(pattern, unescape(h))]

    def form(self, action_pattern: str = "") -> tuple[str, dict[str, str]]:
        """The first form whose action matches: (action, its hidden and pre-filled fields)."""
        for match in re.finditer(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', self.html, flags=re.DOTALL):
            action = unescape(match.group(1))
            if re.search(action_pattern, action):
                fields = {}
                for tag in re.findall(r"<input[^>]*>", match.group(2)):
                    name = re.search(r'name="([^"]+)"', tag)
                    value = re.search(r'value="([^"]*)"', tag)
                    kind = re.search(r'type="([^"]+)"', tag)
                    if name and (kind is None or kind.group(1) != "radio" or " checked" in tag):
                        fields[name.group(1)] = unescape(value.group(1)) if value else ""
                return action, fields
        raise AssertionError(f"no form with action ~ {action_pattern!r} in {self.url}")


class Browser:
    """requests with cookies, as a phone's browser would keep them."""

    def __init__(self, base_url: str, *, forwarded_for: str | None = None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        if forwarded_for:
            self.session.headers["X-Forwarded-For"] = forwarded_for

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def get(self, path: str, **kwargs: Any) -> Page:
        return Page(self.session.get(self._url(path), timeout=TIMEOUT, **kwargs))

    def post(self, path: str, data: dict[str, str], **kwargs: Any) -> Page:
        return Page(self.session.post(self._url(path), data=data, timeout=TIMEOUT, **kwargs))

    def submit(self, page: Page, action_pattern: str = "", **values: str) -> Page:
        action, fields = page.form(action_pattern)
        return self.post(action, {**fields, **values})

    # --- the whole booking path ---------------------------------------------------------------

    def book(self, *, full_name: str = "Nguyễn Văn An", phone: str = "0912345678", cccd: str = "",
             office: str = OFFICE, procedure: str = BIRTH, slot_index: int = 0) -> Page:
        """Through every page; the answer of the confirmation (the booking's page on success)."""
        slots = self.get(f"/dat-lich/{office}/{procedure}")
        assert slots.status == 200, slots.text
        form = self.get(slots.links(rf"^/dat-lich/{office}/{re.escape(procedure)}/[0-9a-f-]{{36}}$")[slot_index])
        confirm = self.submit(form, "/dat-lich/", full_name=full_name, phone=phone, cccd=cccd)
        if confirm.status != 200:
            return confirm
        return self.submit(confirm, "/xac-nhan$")
