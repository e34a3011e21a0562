"""Enrolling the office with the centre: a one-time code becomes this machine's credential.

The agent's device (made with its key pair on first use) registers its public key; what
the centre answers is stored by local_db/ops/enrollment.py in one transaction. Used by
``motcua sync enroll`` and the tests.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from core.errors import DomainError
from core.i18n import lazy_gettext
from local_db.database import Database
from local_db.ops.enrollment import (
    AGENT_KIND,
    Enrollment,
    agent_device,
    store_enrollment,
)
from local_db.training import refuse_if_training
from sync.client import DEFAULT_TIMEOUT, CentreClient, Unauthorized


def enroll_office(db: Database, server_url: str, code: str, *, device_name: str,
                  ca_bundle: str | Path | None = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT,
                  now: datetime | None = None) -> Enrollment:
    url = server_url.rstrip("/")
    with db.write() as s:
        refuse_if_training(s)  # made-up service never reaches the centre (local_db/training.py)
        device = agent_device(s, device_name)
    with CentreClient(url, ca_bundle=ca_bundle, timeout=timeout) as client:
        try:
            answer = client.enroll(code.strip(), device_name=device.name, device_kind=AGENT_KIND,
                                   public_key=device.public_key)
        except Unauthorized as exc:
            raise DomainError(lazy_gettext("The central server does not accept this enrollment code (unknown, already used "
                                           "or expired): ask the city's IT for a new one."), code="bad_enrollment_code") from exc
    with db.write() as s:
        return store_enrollment(s, device_id=device.device_id, office_code=answer.office_code,
                                credential=answer.credential, centre_public_keys=answer.centre_public_keys,
                                server_url=url, centre_device_id=str(answer.device_id),
                                now=now or datetime.now(timezone.utc))


__all__ = ["enroll_office"]
