"""The central server's settings: where its database is and the limits it enforces.

Read from the environment (``MOTCUA_SERVER_*``) so a systemd unit, a container and the
tests configure it the same way; a command-line flag wins over the environment.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

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
    max_request_bytes: int = 32 * 1024 * 1024  # a push of 500 ops is far below this
    enroll_code_days: float = 7.0  # a one-time enrollment code is valid this long
    credential_days: float | None = None  # None: a device credential lasts until revoked

    @property
    def effective_database_url(self) -> str:
        return self.database_url or default_database_url()

    def replace(self, **changes: object) -> ServerSettings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def load_server_settings(database_url: str | None = None, environ: dict[str, str] | None = None) -> ServerSettings:
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    url = database_url or environ.get(ENV_DATABASE_URL, "")
    if url:
        values["database_url"] = url
    for name, convert in (("retention_days", float), ("max_blob_bytes", int), ("enroll_code_days", float),
                          ("credential_days", float)):
        raw = environ.get(f"MOTCUA_SERVER_{name.upper()}")
        if raw:
            values[name] = convert(raw)
    return ServerSettings(**values)  # type: ignore[arg-type]
