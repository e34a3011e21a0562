"""Machine settings: what belongs to this machine, not to the office (docs/ARCHITECTURE.md §1).

Read from ``settings.toml`` in the platform's config dir (or the file named by
``MOTCUA_CONFIG``); every setting can be overridden by an environment variable
``MOTCUA_<SETTING>`` (``MOTCUA_DATABASE_URL``, ``MOTCUA_DEVICE_KIND``...), which is how the
tests, the demo and a systemd unit point a process at a database. Office settings (working
hours, counters, PIN...) live in the office database instead.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import socket
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from core.errors import ValidationError
from core.i18n import lazy_gettext

APP_NAME = "motcua"
DEVICE_KINDS = ("counter", "kiosk", "display", "agent", "server", "tool")


def config_path() -> Path:
    explicit = os.environ.get("MOTCUA_CONFIG")
    if explicit:
        return Path(explicit)
    return platformdirs.user_config_path(APP_NAME) / "settings.toml"


def default_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str = ""  # empty: an SQLite file in data_dir
    device_kind: str = "tool"
    device_name: str = ""  # empty: "<hostname>-<kind>"
    language: str = "vi"
    printer: str = "pdf"
    scanner: str = "keyboard"
    scanner_prefix: str = ""  # what the QR scanner is set to type before every code: left out of the scan
    server_url: str = ""
    ca_bundle: str = ""
    scan_folder: str = ""  # where a network scanner drops its files for this desk ("": none)

    def __post_init__(self) -> None:
        if self.device_kind not in DEVICE_KINDS:
            raise ValidationError(f"device_kind must be one of {', '.join(DEVICE_KINDS)}",
                                  field="device_kind")
        if self.language not in ("vi", "en"):
            raise ValidationError("language must be vi or en", field="language")

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{Path(self.data_dir) / 'office.db'}"

    @property
    def effective_device_name(self) -> str:
        return self.device_name or f"{socket.gethostname()}-{self.device_kind}"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(name: str, raw: object, default: object) -> object:
    if isinstance(default, Path):
        return Path(str(raw)).expanduser()
    if not isinstance(raw, str):
        raise ValidationError(f"setting {name} must be text", field=name)
    return raw


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None,
                  **overrides: object) -> Settings:
    """File, then environment, then explicit keyword overrides (command-line flags)."""
    environ = os.environ if environ is None else environ
    path = path or config_path()
    values: dict[str, Any] = {}
    known = {f.name: f for f in fields(Settings)}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError(f"{path}: not valid TOML ({exc})", field="settings") from exc
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValidationError(f"{path}: unknown settings {', '.join(unknown)}", field="settings")
        values.update(data)
    for name in known:
        env = environ.get(f"MOTCUA_{name.upper()}")
        if env is not None:
            values[name] = env
    values.update({k: v for k, v in overrides.items() if v is not None})
    defaults = Settings()
    coerced: dict[str, Any] = {k: _coerce(k, v, getattr(defaults, k)) for k, v in values.items()}
    return Settings(**coerced)


def save_setting(name: str, value: str, path: Path | None = None,
                 environ: Mapping[str, str] | None = None) -> Path:
    """Write one machine setting into the settings file, keeping every other line (and the
    IT person's comments) as it is; returns the file written.

    The file is replaced atomically (a half-written settings file would stop every app on
    the machine). Refused when the environment sets the same setting: the file would say
    one thing and the apps would keep using another."""
    environ = os.environ if environ is None else environ
    known = {f.name for f in fields(Settings)}
    if name not in known or name == "data_dir":
        raise ValidationError(f"not a setting that can be saved: {name}", field=name)
    if environ.get(f"MOTCUA_{name.upper()}") is not None:
        raise ValidationError(
            lazy_gettext("{variable} is set in this machine's environment: change it there (the settings file would be "
                         "ignored).", variable="MOTCUA_" + name.upper()), field=name, code="set_by_environment")
    path = path or config_path()
    line = f"{name} = {json.dumps(str(value), ensure_ascii=False)}"  # a JSON string is a TOML basic string
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
    at = next((i for i, old in enumerate(lines) if pattern.match(old)), None)
    if at is None:
        lines.append(line)
    else:
        lines[at] = line
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # never write a file the apps could not read back
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
