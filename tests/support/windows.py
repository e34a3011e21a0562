"""Tests that count hits in the centre's fixed one-hour windows (sync/server/web/limits.py)
read the real clock; a test that started a few seconds before the hour would see its hits
split over two windows. :func:`clear_of_the_hour` waits those seconds out first."""

from __future__ import annotations

import time


def clear_of_the_hour(margin: float = 20.0) -> None:
    """Return when at least ``margin`` seconds are left before the next full hour (UTC)."""
    left = 3600 - time.time() % 3600
    if left < margin:
        time.sleep(left + 0.5)


__all__ = ["clear_of_the_hour"]
