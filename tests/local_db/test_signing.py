"""Tokens signed by one device of the office verify on every device of the office, and
stop verifying once that device is revoked."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from core.errors import NotFound
from core.tokens import Result, TicketToken, verify
from core.working_calendar import OFFICE_TZ
from local_db.database import Database
from local_db.models import Device
from local_db.office_setup import OfficeRefs, ensure_device
from local_db.ops.signing import CENTRE_KIND, device_signer, office_key_ring

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)


def _ticket(office_code: str) -> TicketToken:
    return TicketToken(uuid.uuid4(), office_code, NOW, NOW.astimezone(OFFICE_TZ).date(), "A015")


def test_a_kiosk_token_verifies_at_the_counter_and_fails_once_the_kiosk_is_revoked(db: Database, office: OfficeRefs):
    with db.write() as s:
        kiosk = ensure_device(s, office.office_code, "kiosk-1", "kiosk")
        text = device_signer(s, kiosk.id).sign(_ticket(office.office_code))
        kiosk_id = kiosk.id
    with db.read() as s:
        ring = office_key_ring(s, office.office_code)
    assert verify(text, ring, office_code=office.office_code, now=NOW).result is Result.VALID

    with db.write() as s:
        s.get(Device, kiosk_id).revoked = True
    with db.read() as s:
        ring = office_key_ring(s, office.office_code)
        with pytest.raises(NotFound) as err:
            device_signer(s, kiosk_id)
    assert err.value.code == "device_revoked"
    assert verify(text, ring, office_code=office.office_code, now=NOW).result is Result.UNKNOWN_KEY


def test_the_centre_key_is_trusted_but_another_office_device_is_not(db: Database, office: OfficeRefs):
    with db.write() as s:
        centre = ensure_device(s, "centre", "central-server", CENTRE_KIND)
        other = ensure_device(s, "00008", "ngoc-ha-kiosk", "kiosk")
        from_centre = device_signer(s, centre.id).sign(_ticket(office.office_code))
        from_other = device_signer(s, other.id).sign(_ticket(office.office_code))
    with db.read() as s:
        ring = office_key_ring(s, office.office_code)
    assert verify(from_centre, ring, office_code=office.office_code, now=NOW).ok
    assert verify(from_other, ring, office_code=office.office_code, now=NOW).result is Result.UNKNOWN_KEY


def test_a_device_known_only_by_its_public_key_cannot_sign_here(db: Database, office: OfficeRefs):
    with db.write() as s:
        device = ensure_device(s, office.office_code, "counter-9", "counter")
        device.private_key = None  # a row pulled from the centre: public key only
        device_id = device.id
    with db.read() as s, pytest.raises(NotFound) as err:
        device_signer(s, device_id)
    assert err.value.code == "no_signing_key"
