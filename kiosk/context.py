"""What every kiosk screen needs, Qt-free: the office database, who this kiosk is, its
printer, and a clock (tests and the tour set it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from core.actor import Actor
from core.i18n import localized
from core.server_link import tracking_host
from core.settings import Settings
from core.tokens import Signer
from local_db.database import Database
from local_db.office_settings import get_office
from local_db.office_setup import ensure_device
from local_db.ops.signing import device_signer


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class KioskContext:
    db: Database
    office_code: str
    device_id: uuid.UUID
    office_name_vi: str
    office_name_en: str
    printer: str  # printer setting of this kiosk (printing/printer_spec.py)
    tracking_host: str  # "": no central server set (core/server_link.py)
    clock: Callable[[], datetime] = field(default=_utcnow)
    scanner_prefix: str = ""  # what the kiosk's QR scanner types before every code (the setting)
    scanner: str = "keyboard"  # the QR scanner setting: keyboard, or serial:PATH[:BAUD] (scanning.serial_qr)

    @classmethod
    def open(cls, db: Database, settings: Settings, *, clock: Callable[[], datetime] | None = None) -> KioskContext:
        """This machine as a kiosk of the office in ``db`` (registering the device, with
        its signing key, the first time)."""
        with db.write() as s:
            office = get_office(s)
            device = ensure_device(s, office.code, settings.effective_device_name, "kiosk")
            ctx = cls(db=db, office_code=office.code, device_id=device.id, office_name_vi=office.name_vi,
                      office_name_en=office.name_en, printer=settings.printer,
                      tracking_host=tracking_host(settings.server_url),
                      scanner_prefix=settings.scanner_prefix, scanner=settings.scanner)
        if clock is not None:
            ctx.clock = clock
        return ctx

    def now(self) -> datetime:
        return self.clock()

    @property
    def actor(self) -> Actor:
        return Actor(office_code=self.office_code, device_id=self.device_id, staff_id=None, label="kiosk")

    def signer(self, session) -> Signer:  # type: ignore[no-untyped-def]
        return device_signer(session, self.device_id)

    def office_name(self, lang: str) -> str:
        return localized(self.office_name_vi, self.office_name_en, lang)
