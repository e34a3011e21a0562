"""The staff PIN that ends the kiosk, Qt-free: its hash in the office settings, the check,
and the lockout after too many wrong tries.

The PIN is an office setting (``OfficeRules.kiosk_pin_hash``): every kiosk of the office
takes the same one, and changing it at one machine changes it everywhere. It is stored as
an argon2id hash (core.passwords) — a 4-6 digit PIN has few values, so the slow hash plus
the lockout are what make guessing impractical, and argon2's verify compares in constant
time. Only an administrator changes it, through the operation that writes its audit row
(local_db/ops/office_rules.py ``set_kiosk_pin``: the counter's admin page, or ``motcua kiosk
--set-pin --user USERNAME``); this module only reads it. After ``MAX_TRIES`` wrong tries in a row the pad refuses every try for
``LOCKOUT_S`` seconds (counted in this process: a kiosk is one process).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from core.actor import Actor
from core.passwords import verify_password
from local_db import journal
from local_db.database import Database
from local_db.office_settings import (
    KIOSK_PIN_DIGITS,
    KIOSK_PIN_RULE,
    load_rules,
    valid_kiosk_pin,
)

PIN_RULE = KIOSK_PIN_RULE
PIN_DIGITS = KIOSK_PIN_DIGITS
MAX_TRIES = 5
LOCKOUT_S = 60.0
valid_pin = valid_kiosk_pin


def pin_is_set(db: Database, office_code: str) -> bool:
    with db.read() as s:
        return bool(load_rules(s, office_code).kiosk_pin_hash)


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    configured: bool = True  # False: the office has no kiosk PIN yet


def check_pin(db: Database, office_code: str, pin: str, *, actor: Actor | None = None,
              now: datetime | None = None) -> PinCheck:
    """Compare ``pin`` with the office's PIN (slow on purpose: run it off the GUI thread).

    With ``actor`` (the kiosk's device) each try leaves an audit row — ``kiosk_pin_ok`` when
    the PIN closes the kiosk, ``kiosk_pin_wrong`` otherwise — saying which kiosk and when,
    never what was typed: the PIN is shared by the office's staff, so the row cannot name a
    person, but the log shows when a kiosk was closed and when someone was guessing."""
    with db.read() as s:
        stored = load_rules(s, office_code).kiosk_pin_hash
    if not stored:
        return PinCheck(ok=False, configured=False)
    check = PinCheck(ok=valid_pin(pin) and verify_password(stored, pin))
    if actor is not None:
        with db.write() as s:
            journal.audit(s, actor, action="kiosk_pin_ok" if check.ok else "kiosk_pin_wrong", entity="device",
                          entity_id=actor.device_id, now=now or datetime.now(timezone.utc))
    return check


@dataclass(frozen=True)
class Verdict:
    """What the pad tells the staff member after a try."""

    outcome: str  # "ok", "wrong", "locked", "not_set"
    tries_left: int = 0
    locked_s: int = 0


class PinGuard:
    """Counts wrong tries and locks the pad for a while after too many."""

    def __init__(self, max_tries: int = MAX_TRIES, lockout_s: float = LOCKOUT_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_tries, self.lockout_s, self.clock = max_tries, lockout_s, clock
        self.wrong = 0
        self.locked_until = 0.0

    def locked_for(self) -> int:
        """Whole seconds still locked (0 = a try may be made)."""
        left = self.locked_until - self.clock()
        return int(left) + (left % 1 > 0) if left > 0 else 0

    def record(self, check: PinCheck) -> Verdict:
        if not check.configured:
            return Verdict("not_set")
        if check.ok:
            self.wrong = 0
            return Verdict("ok")
        self.wrong += 1
        if self.wrong >= self.max_tries:
            self.wrong = 0
            self.locked_until = self.clock() + self.lockout_s
            return Verdict("locked", locked_s=self.locked_for())
        return Verdict("wrong", tries_left=self.max_tries - self.wrong)
