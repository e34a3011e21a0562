"""The Qt binding can emit signals all day: a kiosk emits one per tap, per background task
and per print event. PySide6 6.12.0 dropped a reference to True on every emit and aborted
the process after a few thousand ("bool_dealloc"); pyproject.toml keeps it out."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    text = Signal(str)
    value = Signal(object)


def test_emitting_signals_leaks_no_references_to_true(qapp) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    seen: list[object] = []
    emitter.text.connect(seen.append)
    emitter.value.connect(seen.append)
    before = sys.getrefcount(True)
    for i in range(2000):
        emitter.text.emit("A015")
        emitter.value.emit(i)
    assert len(seen) == 4000
    # 6.12.0 lost one reference per emit: -4000 here (and a crash soon after). Unrelated
    # objects may hold a True or two more or less; a leak per emit is far beyond that.
    assert abs(sys.getrefcount(True) - before) < 50
