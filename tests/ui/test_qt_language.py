"""Qt's own dialogs speak the app's language: the file dialog a clerk saves a report with,
and the date picker of the dashboard and the admin calendar (issue 19: they said "Look in /
File name / Save / Cancel" and "December, Mon…Sun" on Vietnamese screens)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCalendarWidget, QDialogButtonBox, QFileDialog, QLabel, QTableView, QToolButton

from ui.app import make_app
from ui.qt_language import set_app_language


@pytest.fixture
def app(qtbot) -> Iterator[object]:  # type: ignore[no-untyped-def]
    yield make_app(language="vi")
    set_app_language("vi")


def _calendar_words(calendar: QCalendarWidget) -> tuple[str, list[str]]:
    """The month on the navigation bar and the day names heading the grid, as drawn."""
    month = calendar.findChild(QToolButton, "qt_calendar_monthbutton").text()
    model = calendar.findChild(QTableView, "qt_calendar_calendarview").model()
    days = [str(model.data(model.index(0, column)) or "") for column in range(model.columnCount())]
    return month, [d for d in days if d]


def _file_dialog_words(dialog: QFileDialog) -> list[str]:
    labels = [dialog.findChild(QLabel, name).text().replace("&", "")
              for name in ("lookInLabel", "fileNameLabel", "fileTypeLabel")]
    buttons = [b.text().replace("&", "") for b in dialog.findChild(QDialogButtonBox).buttons()]
    return labels + sorted(buttons)


def test_the_date_picker_names_months_and_days_in_the_app_language(qtbot, app) -> None:  # type: ignore[no-untyped-def]
    calendar = QCalendarWidget()
    qtbot.addWidget(calendar)
    calendar.setSelectedDate(QDate(2026, 12, 7))
    calendar.show()
    month, days = _calendar_words(calendar)
    assert month == "Tháng 12"
    assert days[:2] == ["Thứ 2", "Thứ 3"] and "December" not in month

    set_app_language("en")  # the language button, with the picker open
    month, days = _calendar_words(calendar)
    assert (month, days[:2]) == ("December", ["Mon", "Tue"])

    set_app_language("vi")
    assert _calendar_words(calendar)[0] == "Tháng 12"


def test_the_file_dialog_speaks_vietnamese_and_follows_a_switch_to_english(qtbot, app) -> None:  # type: ignore[no-untyped-def]
    dialog = QFileDialog(None, "Lưu báo cáo")
    qtbot.addWidget(dialog)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # Qt's own dialog, as on a plain X desktop
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.show()
    assert _file_dialog_words(dialog) == ["Xem trong:", "Tên tệp:", "Loại tệp:", "Huỷ", "Lưu"]

    set_app_language("en")  # Qt tells its widgets on the next turn of the event loop
    qtbot.waitUntil(lambda: _file_dialog_words(dialog) == ["Look in:", "File name:", "Files of type:", "Cancel",
                                                           "Save"])

    set_app_language("vi")
    opened = QFileDialog(None, "Thêm tệp quét")  # a dialog made in Vietnamese from the start
    qtbot.addWidget(opened)
    opened.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    opened.show()
    assert _file_dialog_words(opened)[-2:] == ["Huỷ", "Mở"]
