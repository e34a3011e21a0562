"""The central server's settings: where its database is and the limits it enforces.

Read from the environment (``MOTCUA_SERVER_*``) so a systemd unit, a container and the
tests configure it the same way; a command-line flag wins over the environment.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.settings import default_data_dir
from sync.protocol import MAX_BLOB_BYTES

ENV_DATABASE_URL = "MOTCUA_SERVER_DATABASE_URL"


def default_database_url() -> str:
    return f"sqlite:///{Path(default_data_dir()) / 'centre.db'}"


@dataclass(frozen=True)
class ServerSettings:
    database_url: str = ""
    # Superseded change-log rows older than this are compacted away; an office whose cursor
    # is older must refetch (a full snapshot: the latest change of every entity is kept).
    retention_days: float = 30.0
    max_blob_bytes: int = MAX_BLOB_BYTES
    # Request bodies, counted while they stream (sync/server/body_limit.py): the push and a blob
    # upload chunk may be this large; every other body (enrollment, resolve, the site's forms) much less.
    max_request_bytes: int = 32 * 1024 * 1024  # a push of 500 ops is far below this
    max_form_bytes: int = 64 * 1024
    enroll_code_days: float = 7.0  # a one-time enrollment code is valid this long
    credential_days: float | None = None  # None: a device credential lasts until revoked
    enroll_per_ip_per_hour: int = 30  # enrollment attempts per client address (kept in the database)
    # The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (uvicorn's
    # --forwarded-allow-ips: addresses or networks, comma-separated, "*" for any). Empty: none, so
    # a client cannot name its own address to slip past the per-address limits.
    forwarded_allow_ips: str = ""
    # The citizens' web site (sync/server/web/): how far ahead it books, and its abuse limits
    # (kept in the database, so every worker shares them; a load test raises the address one).
    web_booking_days: int = 30  # slots offered from today up to this many days ahead
    web_active_per_phone: int = 3  # future bookings one phone number may hold at once
    web_bookings_per_ip_per_hour: int = 20  # booking attempts (confirmations) per client address
    web_lookups_per_ip_per_hour: int = 60  # tracking look-ups (QR or code + phone) per client address
    # (The client address is uvicorn's: behind a reverse proxy set forwarded_allow_ips to the proxy.)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or default_database_url()

    def replace(self, **changes: Any) -> ServerSettings:
        return dataclasses.replace(self, **changes)


def load_server_settings(database_url: str | None = None, environ: Mapping[str, str] | None = None
                         ) -> ServerSettings:
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    url = database_url or environ.get(ENV_DATABASE_URL, "")
    if url:
        values["database_url"] = url
    for name, convert in (("retention_days", float), ("max_blob_bytes", int), ("enroll_code_days", float),
                          ("credential_days", float), ("max_request_bytes", int), ("max_form_bytes", int),
                          ("enroll_per_ip_per_hour", int), ("forwarded_allow_ips", str), ("web_booking_days", int), ("web_active_per_phone", int),
                          ("web_bookings_per_ip_per_hour", int), ("web_lookups_per_ip_per_hour", int)):
        raw = environ.get(f"MOTCUA_SERVER_{name.upper()}")
        if raw:
            values[name] = convert(raw)
    return ServerSettings(**values)
