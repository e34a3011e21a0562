"""`make demo` ends by opening the apps; on a machine without a display it says how."""

from __future__ import annotations

import pytest

from cli import demo


def test_without_a_display_the_demo_says_how_to_open_the_apps(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert demo._open_apps() == 0
    out = capsys.readouterr().out
    assert "motcua kiosk --windowed" in out and "motcua counter --counter 1" in out
    assert "motcua display --windowed" in out
