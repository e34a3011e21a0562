"""Who does an operation: the device, and the staff member when there is one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    office_code: str
    device_id: uuid.UUID
    staff_id: uuid.UUID | None = None
    label: str = ""  # shown in the audit log: the clerk's name, "kiosk", "seed-demo"...
