"""Is the office linked to the central server? What the sync agent last wrote, for the
apps' indicator. The apps never talk to the network themselves (docs/ARCHITECTURE.md §1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from local_db.models import SyncStatus

KEY = "link"
STALE_AFTER = timedelta(minutes=5)  # an agent that stopped reporting is not "online"


@dataclass(frozen=True)
class LinkState:
    online: bool
    last_contact_at: datetime | None  # the last time the centre answered


def link_state(session: Session, now: datetime) -> LinkState:
    row = session.get(SyncStatus, KEY)
    if row is None:
        return LinkState(online=False, last_contact_at=None)
    last = row.value.get("last_contact_at")
    last_at = datetime.fromisoformat(last) if last else None
    online = bool(row.value.get("online")) and last_at is not None and now - last_at <= STALE_AFTER
    return LinkState(online=online, last_contact_at=last_at)


def record_link(session: Session, *, online: bool, now: datetime) -> None:
    """The sync agent says how its last exchange with the centre went."""
    row = session.get(SyncStatus, KEY)
    value = dict(row.value) if row is not None else {}
    value["online"] = online
    if online:
        value["last_contact_at"] = now.isoformat()
    if row is None:
        session.add(SyncStatus(key=KEY, value=value, updated_at=now))
    else:
        row.value = value
        row.updated_at = now
