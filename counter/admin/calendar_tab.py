"""The calendar tab: the office's table of days off and make-up working days for one year
(national days seeded, announced ones added and removed), and the working hours — the
morning and afternoon periods, the same-day cutoff, Saturday-morning opening.

Once the office is enrolled the holiday table belongs to the centre: its controls are
disabled and a line says so. The working hours are an office rule and stay editable.
"""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QTreeWidgetItem,
    QWidget,
)

from core.i18n import _, pgettext
from counter.admin import model
from counter.admin.rows import AdminView, HolidayRow
from counter.admin.staff_tab import make_tree
from counter.admin.tab import Act, AdminTab, form_grid
from ui.parts import button, hbox, label, panel, vbox


def weekday_words(d: date) -> str:
    return (pgettext("counter admin", "Monday"), pgettext("counter admin", "Tuesday"), pgettext("counter admin", "Wednesday"),
            pgettext("counter admin", "Thursday"), pgettext("counter admin", "Friday"), pgettext("counter admin", "Saturday"),
            pgettext("counter admin", "Sunday"))[d.weekday()]


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M")


def kind_words(kind: str) -> str:
    return pgettext("counter admin", "Day off") if kind == "day_off" else pgettext("counter admin", "Make-up working day")


def source_words(source: str) -> str:
    return pgettext("counter admin", "National") if source == "national" else pgettext("counter admin", "Announced")


def _time_edit(name: str) -> QLineEdit:
    """An HH:MM field (typed; the mask keeps the colon in place)."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setInputMask("99:99")
    edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
    edit.setFixedWidth(110)
    return edit


class CalendarTab(AdminTab):
    def __init__(self, act: Act, parent: QWidget | None = None) -> None:
        super().__init__(act, parent)

        # the table of one year
        self.prev_button = button(name="admin-cal-prev-year", on_click=lambda: self.step_year(-1))
        self.next_button = button(name="admin-cal-next-year", on_click=lambda: self.step_year(1))
        self.year_label = label(role="big", center=True, wrap=False, name="admin-cal-year")
        self.tree = make_tree("admin-cal-days", 4)
        header = self.tree.header()
        for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(col, mode)
        self.tree.itemSelectionChanged.connect(self._enable)
        self.empty = label(role="info", name="admin-cal-empty")
        self.empty.hide()
        self.remove_button = button(name="admin-cal-remove", on_click=self.remove)
        self.seed_button = button(name="admin-cal-seed", on_click=self.seed)
        self.centre = label(role="info", name="admin-cal-centre")
        self.centre.hide()

        # a day to add
        self.add_heading = label(role="subtitle")
        self.day_label, self.day_name_label, self.kind_label = label(), label(), label()
        self.day = QDateEdit()
        self.day.setObjectName("admin-cal-day")
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setCalendarPopup(True)
        self.day_name = QLineEdit()
        self.day_name.setObjectName("admin-cal-day-name")
        self.day_name.setMaxLength(model.MAX_HOLIDAY_NAME)
        self.kind = QComboBox()
        self.kind.setObjectName("admin-cal-kind")
        for lab, w in ((self.day_label, self.day), (self.day_name_label, self.day_name), (self.kind_label, self.kind)):
            lab.setBuddy(w)
        self.add_button = button(role="primary", name="admin-cal-add", on_click=self.add)

        # working hours
        self.hours_heading = label(role="subtitle")
        self.morning_label, self.afternoon_label, self.cutoff_label = label(), label(), label()
        self.to_labels = (label(wrap=False), label(wrap=False))
        self.morning_start, self.morning_end = _time_edit("admin-hours-morning-start"), _time_edit("admin-hours-morning-end")
        self.afternoon_start = _time_edit("admin-hours-afternoon-start")
        self.afternoon_end = _time_edit("admin-hours-afternoon-end")
        self.cutoff = _time_edit("admin-hours-cutoff")
        self.cutoff_hint = label(role="hint")
        self.saturday = QCheckBox()
        self.saturday.setObjectName("admin-hours-saturday")
        self.hours_button = button(role="primary", name="admin-hours-save", on_click=self.save_hours)

        top = hbox(spacing=12)
        top.addWidget(self.prev_button)
        top.addWidget(self.year_label, 1)
        top.addWidget(self.next_button)
        left = vbox(spacing=10)
        left.addLayout(top)
        left.addWidget(self.centre)
        left.addWidget(self.tree, 1)
        left.addWidget(self.empty)
        left.addLayout(hbox(items=[self.remove_button, self.seed_button], spacing=8))

        add_panel = panel()
        add_form = form_grid()
        add_form.addWidget(self.day_label, 0, 0)
        add_form.addWidget(self.day, 0, 1)
        add_form.addWidget(self.kind_label, 0, 2)
        add_form.addWidget(self.kind, 0, 3)
        add_form.addWidget(self.day_name_label, 1, 0)
        add_form.addWidget(self.day_name, 1, 1, 1, 3)
        add_form.addWidget(self.add_button, 2, 1, 1, 3)
        add_form.setColumnStretch(1, 1)
        add_form.setColumnStretch(3, 2)
        vbox(add_panel, [self.add_heading], margin=14, spacing=8).addLayout(add_form)

        hours_panel = panel()
        hours_panel.setObjectName("admin-hours")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        grid.addWidget(self.morning_label, 0, 0)
        grid.addWidget(self.morning_start, 0, 1)
        grid.addWidget(self.to_labels[0], 0, 2)
        grid.addWidget(self.morning_end, 0, 3)
        grid.addWidget(self.afternoon_label, 1, 0)
        grid.addWidget(self.afternoon_start, 1, 1)
        grid.addWidget(self.to_labels[1], 1, 2)
        grid.addWidget(self.afternoon_end, 1, 3)
        grid.addWidget(self.cutoff_label, 2, 0)
        grid.addWidget(self.cutoff, 2, 1)
        grid.addWidget(self.cutoff_hint, 3, 0, 1, 4)
        grid.addWidget(self.saturday, 4, 0, 1, 4)
        grid.setColumnStretch(0, 1)
        hours_layout = vbox(hours_panel, [self.hours_heading], margin=14, spacing=8)
        hours_layout.addLayout(grid)
        hours_layout.addWidget(self.hours_button)
        self.morning_label.setBuddy(self.morning_start)
        self.afternoon_label.setBuddy(self.afternoon_start)
        self.cutoff_label.setBuddy(self.cutoff)

        right = vbox(items=[add_panel, hours_panel], spacing=12)
        right.addStretch(1)
        body = hbox(self, spacing=16)
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        self.retranslate()
        self._enable()

    def retranslate(self) -> None:
        self.prev_button.setText(_("◀ Previous year"))
        self.next_button.setText(_("Next year ▶"))
        self.tree.setHeaderLabels([pgettext("counter admin", "Date"), pgettext("counter admin", "Name"), pgettext("counter admin", "Kind"),
                                   pgettext("counter admin", "Source")])
        self.remove_button.setText(_("Remove the chosen day"))
        self.add_heading.setText(_("Add an announced day"))
        self.day_label.setText(pgettext("counter admin", "Date"))
        self.day_name_label.setText(pgettext("counter admin", "Name"))
        self.kind_label.setText(pgettext("counter admin", "Kind"))
        kind = self.kind.currentData()
        self.kind.clear()
        for k in model.HOLIDAY_KINDS:
            self.kind.addItem(kind_words(k), k)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0) if kind else 0)
        self.day_name.setPlaceholderText(_("e.g. Day off in exchange, by Notice 123/TB-BNV"))
        self.add_button.setText(_("Add day"))
        self.hours_heading.setText(_("Working hours"))
        self.morning_label.setText(pgettext("counter admin", "Morning"))
        self.afternoon_label.setText(pgettext("counter admin", "Afternoon"))
        for lab in self.to_labels:
            lab.setText(pgettext("counter admin", "to"))
        self.cutoff_label.setText(_("Same-day cutoff"))
        self.cutoff_hint.setText(_("A same-day dossier received after this time is due the next working day."))
        self.saturday.setText(_("Open on Saturday mornings (receiving and returning only)"))
        self.hours_button.setText(_("Save working hours"))
        self.centre.setText(_("This office is enrolled: the holiday calendar is managed by the centre and is "
                              "read-only here."))
        if self.view is not None:
            self.draw(self.view, refill=False)

    def draw(self, view: AdminView, *, refill: bool = True) -> None:
        """Redraw from ``view``; ``refill``: also put the saved working hours into their
        fields (not on a language switch or a change on another tab)."""
        first = self.view is None
        refill = refill or first
        self.view = view
        self.year_label.setText(_("Year {year}").format(year=view.year))
        self.seed_button.setText(_("Add the national days of {year}").format(year=view.year))
        chosen = self.chosen_day()
        self.tree.blockSignals(True)
        self.tree.clear()
        for h in view.holidays:
            item = QTreeWidgetItem([f"{weekday_words(h.day)} {h.day.strftime('%d/%m/%Y')}", h.name,
                                    kind_words(h.kind), source_words(h.source)])
            item.setData(0, Qt.ItemDataRole.UserRole, h.day)
            self.tree.addTopLevelItem(item)
            if h.day == chosen:
                item.setSelected(True)
                self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        self.empty.setText(_("No day in the table for {year}.").format(year=view.year))
        self.empty.setVisible(not view.holidays)
        if first or self.day.date().year() != view.year:
            start = view.today if view.today.year == view.year else date(view.year, 1, 1)
            self.day.setDate(QDate(start.year, start.month, start.day))
        if refill:
            self._fill_hours(view)
        self._enable()

    def _fill_hours(self, view: AdminView) -> None:
        hours = view.hours
        periods = list(hours.periods) + [hours.periods[-1]] * (2 - len(hours.periods))
        self.morning_start.setText(_hhmm(periods[0][0]))
        self.morning_end.setText(_hhmm(periods[0][1]))
        self.afternoon_start.setText(_hhmm(periods[1][0]))
        self.afternoon_end.setText(_hhmm(periods[1][1]))
        self.cutoff.setText(_hhmm(hours.same_day_cutoff))
        self.saturday.setChecked(view.rules.saturday_morning_open)

    def chosen_day(self) -> date | None:
        items = self.tree.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def chosen_row(self) -> HolidayRow | None:
        day = self.chosen_day()
        return next((h for h in self.view.holidays if h.day == day), None) if self.view and day else None

    def _enable(self) -> None:
        ready = self.view is not None
        editable = ready and not self.view.enrolled  # type: ignore[union-attr]
        for w in (self.day, self.day_name, self.kind, self.add_button, self.seed_button):
            w.setEnabled(editable)
        self.remove_button.setEnabled(editable and self.chosen_day() is not None)
        for w in (self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end, self.cutoff,
                  self.saturday, self.hours_button, self.prev_button, self.next_button):
            w.setEnabled(ready)
        self.centre.setVisible(ready and self.view.enrolled)  # type: ignore[union-attr]

    def choose(self, day: date) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == day:
                self.tree.setCurrentItem(item)
                item.setSelected(True)
                return
        raise KeyError(day)

    # --- actions ---------------------------------------------------------------------------

    def step_year(self, step: int) -> None:
        if self.view is not None:
            self.act(model.load, self.view.year + step)

    def add(self) -> None:
        d = self.day.date()
        self.act(model.add_holiday, date(d.year(), d.month(), d.day()), name=self.day_name.text(),
                 kind=self.kind.currentData())

    def remove(self) -> None:
        day = self.chosen_day()
        if day is not None:
            self.act(model.remove_holiday, day)

    def seed(self) -> None:
        if self.view is not None:
            self.act(model.add_national_days, self.view.year)

    def save_hours(self) -> None:
        def hhmm(edit: QLineEdit) -> str:
            return edit.text().strip()

        self.act(model.save_hours, [(hhmm(self.morning_start), hhmm(self.morning_end)),
                                    (hhmm(self.afternoon_start), hhmm(self.afternoon_end))],
                 same_day_cutoff=hhmm(self.cutoff), saturday_morning_open=self.saturday.isChecked(),
                 year=self.view.year if self.view is not None else None)

    def after(self, select: object) -> None:
        self.day_name.clear()
