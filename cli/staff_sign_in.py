"""A staff member's sign-in on the command line, for a command that changes the office
(``motcua kiosk --set-pin``): the username as an option, the password asked for.

The password goes through the same login as a counter's (local_db/ops/staff.py
``attempt_login``): wrong passwords count toward the account's lockout, a deactivated
account is refused, and the attempt leaves its audit row. What the signed-in member may then
do is the operation's own business (local_db/ops/authority.py); this only proves who is at
the keyboard.

Secrets are read from the terminal without echo, or — when standard input is not a terminal
(a script, a test) — one line each from standard input, in the order they are asked.
"""

from __future__ import annotations

import getpass
import sys
import uuid
from collections.abc import Callable

from core.actor import Actor
from local_db.database import Database
from local_db.ops.staff import attempt_login

Ask = Callable[[str], str]


def ask_secret(prompt: str) -> str:
    """A secret from the terminal without echo, or the next line of a piped standard input."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt, end="", flush=True)
    return sys.stdin.readline().rstrip("\r\n")


def sign_in(db: Database, office_code: str, username: str, *, device_id: uuid.UUID, command: str,
            ask: Ask = ask_secret) -> Actor:
    """The actor of ``username`` once their password is right (else ``LoginRefused``, with
    the failure committed). The audit label says which command acted."""
    from core.i18n import _

    password = ask(_("Password of {username}: ").format(username=username))
    info = attempt_login(db, office_code, username, password, device_id=device_id)
    return Actor(office_code=office_code, device_id=device_id, staff_id=info.id,
                 label=f"{info.full_name} ({command})")
