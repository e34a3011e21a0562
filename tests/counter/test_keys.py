"""One key, one meaning, across the counter app (counter/keys.py).

F2 used to call the next citizen on the queue page and send the selected dossier to
processing on the dossiers page: a habit of one page did something irreversible on another.
These tests walk the key map, and every shortcut and key written on a button of the built
window (every page, as an administrator sees them) and of the scan dialog, and fail when one
key means two things or a page's key is not the map's."""

from __future__ import annotations

import re

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget

from counter.app import CounterWindow
from counter.keys import KEYS, key_text, sequence, tooltip
from counter.scanning.dialog import ScanDialog
from tests.counter.test_window import PASSWORD, sign_in, window  # noqa: F401 (fixture)

PORTABLE = QKeySequence.SequenceFormat.PortableText
# a key written at the end of a button's text: "Gọi số tiếp (F2)", "Ngày sau (Alt+Right) →"
NAMED = r"F\d+|Left|Right|Home|Del|Delete|Esc|Enter|Return"
KEY_ON_BUTTON = re.compile(rf"\(((?:(?:Ctrl|Alt|Shift)\+)+(?:{NAMED}|[A-Z0-9])|{NAMED})\)\s*→?$")


def test_no_key_of_the_map_means_two_things() -> None:
    meaning: dict[str, str] = {}
    for name, entry in KEYS.items():
        key = QKeySequence(entry.keys).toString(PORTABLE)
        assert key and key.replace(" ", "") == entry.keys, f"{name}: {entry.keys!r} is not a key Qt reads"
        assert key not in meaning, f"{key} means both {meaning[key]!r} and {name!r}"
        meaning[key] = name
        assert entry.where, f"{name} works nowhere"


def test_every_shortcut_and_key_on_screen_is_the_maps_and_one_key_means_one_thing(  # type: ignore[no-untyped-def]
        qtbot, window: CounterWindow):  # noqa: F811
    sign_in(qtbot, window, "admin", PASSWORD, counter=1)
    for page in ("queue", "intake", "dossiers", "appointments", "dashboard", "admin"):
        window.open_page(page)  # every page built and drawn as a clerk sees it
        window.tasks.wait_idle()
    scan = ScanDialog(window.tasks, "Giấy chứng sinh", lambda _pages: None, find_scanners=False)
    qtbot.addWidget(scan)
    roots: list[QWidget] = [window, scan]

    by_key: dict[str, set[str]] = {}
    for root in roots:
        for sc in root.findChildren(QShortcut):
            name = sc.objectName().removeprefix("key:")
            assert name in KEYS, f"a shortcut {sc.key().toString(PORTABLE)} outside the key map ({sc.objectName()!r})"
            assert sc.key() == sequence(name), f"{name} is on {sc.key().toString()}, the map says {KEYS[name].keys}"
            by_key.setdefault(sc.key().toString(PORTABLE), set()).add(name)
    assert {"F2", "Ctrl+1", "Alt+1", "Alt+N", "Ctrl+Shift+S", "Ctrl+L"} <= set(by_key)
    assert {key: names for key, names in by_key.items() if len(names) > 1} == {}

    known = {key_text(name): name for name in KEYS}
    written = 0
    for root in roots:
        for b in root.findChildren(QPushButton):
            found = KEY_ON_BUTTON.search(b.text())
            if found:
                written += 1
                assert found.group(1) in known, f"the button {b.text()!r} shows a key the map does not have"
    assert written >= 30  # the queue's, the dossier's, the appointment's, the intake's and the scan dialog's

    # the hints come from the same map: the key on the button, what it does in the tooltip
    call = window.findChild(QPushButton, "queue-call")
    assert call.text() == "Gọi số tiếp (F2)" and call.toolTip() == tooltip("queue.call")
    assert call.toolTip() == "Gọi số tiếp theo (F2)"
    assert window.findChild(QPushButton, "dossier-send-to-processing").text().endswith("(Ctrl+1)")
    assert window.findChild(QPushButton, "appts-check-in").text().endswith("(Alt+1)")
