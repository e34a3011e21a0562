"""Two tabs of office settings: the kiosk and desk settings (the kiosk staff PIN typed
twice; appointment check-in window, priority calls in a row, idle lock, how the display
board announces numbers, how long printed PDFs are kept), and the display board's notices
(lines the board scrolls, in order; edited here, written with "Save notices").
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from core.i18n import _, ngettext
from counter.admin import model
from counter.admin.rows import AdminView
from counter.admin.staff_tab import password_field
from counter.admin.tab import Act, AdminTab, form_grid
from ui.parts import button, hbox, label, panel, vbox
from ui.theme import set_role

SETTINGS = ("appointment_early_minutes", "appointment_late_minutes", "priority_max_in_row",
            "counter_idle_lock_minutes", "print_keep_days")


def setting_words(key: str) -> str:
    return {
        "appointment_early_minutes": _("Check-in opens this many minutes before the appointment"),
        "appointment_late_minutes": _("Check-in stays open this many minutes after the slot ends"),
        "priority_max_in_row": _("Priority tickets called in a row at most (then one in turn)"),
        "counter_idle_lock_minutes": _("A counter locks after this many minutes untouched"),
        "print_keep_days": _("Copies of printed documents are kept this many days"),
    }[key]


def announce_words(style: str) -> str:
    return _("In words (“number one hundred and five”)") if style == "words" else \
        _("Digit by digit (“one, zero, five”)")


class SettingsTab(AdminTab):
    def __init__(self, act: Act, parent: QWidget | None = None) -> None:
        super().__init__(act, parent)

        self.pin_heading = label(role="subtitle")
        self.pin_state = label(name="admin-pin-state")
        self.pin_label, self.pin_again_label = label(), label()
        digits = QRegularExpressionValidator(QRegularExpression("[0-9]{0,6}"))
        self.pin = password_field("admin-pin")
        self.pin_again = password_field("admin-pin-again")
        for field, lab in ((self.pin, self.pin_label), (self.pin_again, self.pin_again_label)):
            field.setMaxLength(6)
            field.setValidator(digits)
            field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
            lab.setBuddy(field)
        self.pin_hint = label(role="hint")
        self.pin_button = button(role="primary", name="admin-pin-save", on_click=self.set_pin)
        pin_panel = panel()
        pin_panel.setObjectName("admin-pin-panel")
        pin_form = form_grid()
        pin_form.addWidget(self.pin_label, 0, 0)
        pin_form.addWidget(self.pin, 0, 1)
        pin_form.addWidget(self.pin_again_label, 1, 0)
        pin_form.addWidget(self.pin_again, 1, 1)
        pin_form.setColumnStretch(1, 1)
        pin_layout = vbox(pin_panel, [self.pin_heading, self.pin_state], margin=16, spacing=10)
        pin_layout.addLayout(pin_form)
        pin_layout.addWidget(self.pin_hint)
        pin_layout.addWidget(self.pin_button)
        pin_layout.addStretch(1)

        self.desk_heading = label(role="subtitle")
        self.labels: dict[str, object] = {}
        self.spins: dict[str, QSpinBox] = {}
        grid = form_grid()
        for r, key in enumerate(SETTINGS):
            lab = label()
            spin = QSpinBox()
            spin.setObjectName(f"admin-setting-{key}")
            spin.setRange(*model.SETTING_RANGES[key])
            spin.setFixedWidth(140)
            lab.setBuddy(spin)
            grid.addWidget(lab, r, 0)
            grid.addWidget(spin, r, 1)
            self.labels[key] = lab
            self.spins[key] = spin
        self.announce_label = label()
        self.announce = QComboBox()
        self.announce.setObjectName("admin-setting-announce_style")
        self.announce_label.setBuddy(self.announce)
        grid.addWidget(self.announce_label, len(SETTINGS), 0)
        grid.addWidget(self.announce, len(SETTINGS), 1)
        self.english = QCheckBox()
        self.english.setObjectName("admin-setting-announce_english")
        grid.addWidget(self.english, len(SETTINGS) + 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.settings_button = button(role="primary", name="admin-settings-save", on_click=self.save)
        desk_panel = panel()
        desk_panel.setObjectName("admin-desk-panel")
        desk_layout = vbox(desk_panel, [self.desk_heading], margin=16, spacing=10)
        desk_layout.addLayout(grid)
        desk_layout.addWidget(self.settings_button)
        desk_layout.addStretch(1)

        body = hbox(self, spacing=16)
        body.addWidget(pin_panel, 2)
        body.addWidget(desk_panel, 3)
        self.retranslate()
        self._enable()

    def retranslate(self) -> None:
        self.pin_heading.setText(_("Kiosk staff PIN"))
        self.pin_label.setText(_("New PIN"))
        self.pin_again_label.setText(_("PIN again"))
        self.pin_hint.setText(_("4 to 6 digits. The same PIN closes every kiosk of the office; staff type it "
                                "after the hidden gesture on the kiosk screen."))
        self.pin_button.setText(_("Set PIN"))
        self.desk_heading.setText(_("Desk and display board"))
        for key, lab in self.labels.items():
            lab.setText(setting_words(key))  # type: ignore[attr-defined]
        self.announce_label.setText(_("The display board reads numbers out"))
        self.english.setText(_("The display board repeats each call in English"))
        style = self.announce.currentData()
        self.announce.clear()
        for s in model.ANNOUNCE_STYLES:
            self.announce.addItem(announce_words(s), s)
        self.announce.setCurrentIndex(max(self.announce.findData(style), 0) if style else 0)
        self.settings_button.setText(_("Save settings"))
        if self.view is not None:
            self.draw(self.view, refill=False)

    def draw(self, view: AdminView, *, refill: bool = True) -> None:
        first = self.view is None
        self.view = view
        self.pin_state.setText(_("A PIN is set. Setting a new one replaces it on every kiosk.") if view.pin_set
                               else _("No PIN is set yet: nobody can close a kiosk until one is."))
        role = "ok" if view.pin_set else "error"
        if self.pin_state.property("role") != role:
            set_role(self.pin_state, role)
        if refill or first:
            for key, spin in self.spins.items():
                spin.setValue(getattr(view.rules, key))
            self.announce.setCurrentIndex(max(self.announce.findData(view.rules.announce_style), 0))
            self.english.setChecked(view.rules.announce_english)
        self._enable()

    def _enable(self) -> None:
        ready = self.view is not None
        for w in [self.pin, self.pin_again, self.pin_button, self.announce, self.english, self.settings_button,
                  *self.spins.values()]:
            w.setEnabled(ready)

    def set_pin(self) -> None:
        self.act(model.set_pin, self.pin.text(), self.pin_again.text())

    def save(self) -> None:
        values = {key: spin.value() for key, spin in self.spins.items()}
        values["announce_style"] = self.announce.currentData()
        values["announce_english"] = self.english.isChecked()
        self.act(model.save_settings, **values)

    def after(self, select: object) -> None:
        self.clear_secrets()

    def clear_secrets(self) -> None:
        self.pin.clear()
        self.pin_again.clear()


class NoticesTab(AdminTab):
    def __init__(self, act: Act, parent: QWidget | None = None) -> None:
        super().__init__(act, parent)
        self.edited = False

        self.intro = label(role="hint")
        self.list = QListWidget()
        self.list.setObjectName("admin-notices")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemSelectionChanged.connect(self._enable)
        self.empty = label(role="info", name="admin-notices-empty")
        self.line_label = label()
        self.line = QLineEdit()
        self.line.setObjectName("admin-notice-line")
        self.line.setMaxLength(model.MAX_NOTICE_CHARS)
        self.line.returnPressed.connect(self.add)
        self.line.textChanged.connect(lambda _t: self._enable())
        self.line_label.setBuddy(self.line)
        self.add_button = button(name="admin-notice-add", on_click=self.add)
        self.remove_button = button(name="admin-notice-remove", on_click=self.remove)
        self.up_button = button(name="admin-notice-up", on_click=lambda: self.move(-1))
        self.down_button = button(name="admin-notice-down", on_click=lambda: self.move(1))
        # a framed box: easy to see before leaving the page
        self.unsaved = label(role="info", name="admin-notices-unsaved")
        self.save_button = button(role="primary", name="admin-notices-save", on_click=self.save)

        entry = hbox(spacing=8)
        entry.addWidget(self.line, 1)
        entry.addWidget(self.add_button, 0)
        moves = hbox(items=[self.remove_button, self.up_button, self.down_button], spacing=8)
        moves.addStretch(1)
        layout = vbox(self, [self.intro, self.list, self.empty], spacing=10)
        layout.setStretch(1, 1)
        layout.addLayout(moves)
        layout.addWidget(self.line_label)
        layout.addLayout(entry)
        layout.addWidget(self.unsaved)
        layout.addWidget(self.save_button)
        self.retranslate()
        self._enable()

    def retranslate(self) -> None:
        self.intro.setText(_("The display board scrolls these lines one after the other, in this order, below "
                             "the numbers being called."))
        self.empty.setText(_("No notice: the display board shows only the numbers."))
        self.line_label.setText(_("A new notice"))
        self.line.setPlaceholderText(_("e.g. From 1 December the office opens on Saturday mornings."))
        self.add_button.setText(_("Add to the list"))
        self.remove_button.setText(_("Remove"))
        self.up_button.setText(_("Move up"))
        self.down_button.setText(_("Move down"))
        self.save_button.setText(_("Save notices"))
        self._draw_unsaved()

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def draw(self, view: AdminView, *, refill: bool = True) -> None:
        self.view = view
        if not self.edited:
            self._fill(list(view.notices))
        self._enable()

    def _fill(self, lines: list[str], select: int | None = None) -> None:
        self.list.clear()
        for line in lines:
            self.list.addItem(QListWidgetItem(line))
        if select is not None and 0 <= select < self.list.count():
            self.list.setCurrentRow(select)
        self.empty.setVisible(not lines)

    def _changed(self, lines: list[str], select: int | None) -> None:
        self._fill(lines, select)
        self.edited = self.view is None or lines != list(self.view.notices)
        self._draw_unsaved()
        self._enable()

    def _draw_unsaved(self) -> None:
        n = self.list.count()
        self.unsaved.setText(ngettext("Not saved yet: {n} notice in the list.",
                                      "Not saved yet: {n} notices in the list.", n).format(n=n) if n
                             else _("Not saved yet: the list is empty."))
        self.unsaved.setVisible(self.edited)

    def _enable(self) -> None:
        ready = self.view is not None
        row = self.list.currentRow() if self.list.selectedItems() else -1
        self.add_button.setEnabled(ready and bool(self.line.text().strip()))
        self.remove_button.setEnabled(ready and row >= 0)
        self.up_button.setEnabled(ready and row > 0)
        self.down_button.setEnabled(ready and 0 <= row < self.list.count() - 1)
        self.save_button.setEnabled(ready and self.edited)
        self.line.setEnabled(ready)

    def add(self) -> None:
        text = " ".join(self.line.text().split())
        if not text:
            return
        lines = self.lines() + [text]
        self.line.clear()
        self._changed(lines, len(lines) - 1)

    def remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            lines = self.lines()
            del lines[row]
            self._changed(lines, min(row, len(lines) - 1))

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        lines = self.lines()
        if 0 <= row < len(lines) and 0 <= row + step < len(lines):
            lines[row], lines[row + step] = lines[row + step], lines[row]
            self._changed(lines, row + step)

    def save(self) -> None:
        self.act(model.save_notices, self.lines())

    def after(self, select: object) -> None:
        self.edited = False
        if self.view is not None:
            self.draw(self.view)
        self._draw_unsaved()

    def forget(self) -> None:
        self.edited = False
        self.line.clear()
        if self.view is not None:
            self._fill(list(self.view.notices))
        self._draw_unsaved()
        self._enable()
