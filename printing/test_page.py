"""The test page: a ticket numbered T000 with a real signed QR, queued like any paper.

``motcua print test`` and the counter's admin page both print it, so the IT person sees
the same slip wherever the check starts: if the QR on it decodes at the kiosk's scanner,
the whole chain (layout, fonts, printer, paper) works."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from core.i18n import _, language, localized
from core.tokens import TicketToken
from core.working_calendar import OFFICE_TZ
from local_db.office_settings import get_office
from local_db.ops.print_jobs import PrintJobInfo
from local_db.ops.signing import device_signer
from printing.content import TicketContent
from printing.spool import queue_document

TEST_CODE = "T000"


def queue_test_page(session: Session, *, office_code: str, device_id: uuid.UUID, printer: str, lang: str = "vi",
                    now: datetime | None = None) -> PrintJobInfo:
    """Queue the test page for ``printer`` on ``device_id``'s print queue (in the caller's
    transaction); the device's print worker prints it."""
    now = now or datetime.now(timezone.utc)
    office = get_office(session, office_code)
    token = device_signer(session, device_id).sign(
        TicketToken(uuid.uuid4(), office_code, now, now.astimezone(OFFICE_TZ).date(), TEST_CODE))
    with language(lang):
        service = _("Test page")
    content = TicketContent(
        lang=lang, office_name=localized(office.name_vi, office.name_en, lang),
        ticket_code=TEST_CODE, service_name=service, counters=(1,), ahead=0, wait_minutes=None,
        issued_at=now, token=token)
    return queue_document(session, office_code=office_code, device_id=device_id, kind="ticket", content=content,
                          printer=printer, title=f"{service} {TEST_CODE}", now=now)


__all__ = ["TEST_CODE", "queue_test_page"]
