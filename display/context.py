"""What the board needs, Qt-free: the office database, which office, where its sound files
are kept, a clock (tests and the tour set it), and this machine's overrides of the office's
speaking settings (``motcua display --digits --english --no-sound``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

from core.settings import APP_NAME
from local_db.database import Database
from local_db.office_settings import get_office


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def default_cache_dir() -> Path:
    """Where spoken sentences are kept (they can always be made again)."""
    return platformdirs.user_cache_path(APP_NAME) / "voice"


@dataclass
class DisplayContext:
    db: Database
    office_code: str
    cache_dir: Path = field(default_factory=default_cache_dir)
    clock: Callable[[], datetime] = field(default=_utcnow)
    style: str | None = None  # "number" / "digits"; None: the office's setting
    english: bool | None = None  # repeat in English; None: the office's setting
    sound: bool = True  # False: show only, never synthesise or play
    office_name_vi: str = ""  # for the window's title ("": taken from the first board read)
    office_name_en: str = ""

    @classmethod
    def open(cls, db: Database, *, cache_dir: Path | None = None,
             clock: Callable[[], datetime] | None = None, style: str | None = None, english: bool | None = None,
             sound: bool = True) -> DisplayContext:
        """The board of the office in ``db`` (read only: the board writes nothing)."""
        with db.read() as s:
            office = get_office(s)
            office_code, name_vi, name_en = office.code, office.name_vi, office.name_en
        return cls(db=db, office_code=office_code, cache_dir=Path(cache_dir) if cache_dir else default_cache_dir(),
                   clock=clock or _utcnow, style=style, english=english, sound=sound, office_name_vi=name_vi,
                   office_name_en=name_en)

    def now(self) -> datetime:
        return self.clock()


__all__ = ["DisplayContext", "default_cache_dir"]
