"""What every counter screen needs, Qt-free: the office database, this machine and its
counter, its printer, who is logged in, and a clock (tests and the tour set it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from core.actor import Actor
from core.errors import DomainError
from core.i18n import localized
from core.server_link import tracking_host
from core.settings import Settings
from core.tokens import Signer
from local_db.attachment_store import AttachmentStore
from local_db.database import Database
from local_db.office_settings import get_office
from local_db.office_setup import ensure_device
from local_db.ops.signing import device_signer


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class CounterContext:
    db: Database
    office_code: str
    device_id: uuid.UUID
    office_name_vi: str
    office_name_en: str
    printer: str  # this desk's printer (printing/printer_spec.py); the admin page may change it
    tracking_host: str  # "": no central server set (core/server_link.py)
    counter_number: int | None = None  # chosen at login; a machine may remember it
    staff: Any = None  # StaffInfo of the clerk logged in (local_db/ops/staff.py), None when logged out
    clock: Callable[[], datetime] = field(default=_utcnow)
    settings_path: Path | None = None  # the machine settings file the admin page writes; None: core.settings.config_path()
    attachments: AttachmentStore | None = None  # the office's scanned files on this machine (<data_dir>/attachments)
    scan_folder: str | None = None  # the folder a network scanner drops its files into ("": none; None: the setting)
    scanner_prefix: str = ""  # what the desk's QR scanner types before every code (the setting)
    scanner: str = "keyboard"  # the QR scanner setting: keyboard, or serial:PATH[:BAUD] (scanning.serial_qr)

    @classmethod
    def open(cls, db: Database, settings: Settings, *, clock: Callable[[], datetime] | None = None,
             counter_number: int | None = None) -> CounterContext:
        """This machine as a counter desk of the office in ``db`` (registering the device,
        with its signing key, the first time)."""
        with db.write() as s:
            office = get_office(s)
            device = ensure_device(s, office.code, settings.effective_device_name, "counter")
            ctx = cls(db=db, office_code=office.code, device_id=device.id, office_name_vi=office.name_vi,
                      office_name_en=office.name_en, printer=settings.printer,
                      tracking_host=tracking_host(settings.server_url),
                      counter_number=counter_number, attachments=AttachmentStore.in_data_dir(settings.data_dir),
                      scan_folder=settings.scan_folder, scanner_prefix=settings.scanner_prefix,
                      scanner=settings.scanner)
        if clock is not None:
            ctx.clock = clock
        return ctx

    def now(self) -> datetime:
        return self.clock()

    @property
    def actor(self) -> Actor:
        """The logged-in clerk as the author of an operation (the audit log shows the name)."""
        if self.staff is None:
            raise DomainError("no clerk is logged in at this counter", code="not_logged_in")
        return Actor(office_code=self.office_code, device_id=self.device_id, staff_id=self.staff.id,
                     label=self.staff.full_name)

    def signer(self, session) -> Signer:  # type: ignore[no-untyped-def]
        return device_signer(session, self.device_id)

    def office_name(self, lang: str) -> str:
        return localized(self.office_name_vi, self.office_name_en, lang)
