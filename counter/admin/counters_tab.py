"""The counters tab: each counter (number, name, in use, the services it calls) in a
list, and beside it the chosen counter's form with one checkbox per service — or the form
of a new counter.

Which counter calls which service is the office's own arrangement and stays editable
after enrollment; the services themselves are the catalog, the centre's (a line says so).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QSpinBox,
    QTreeWidgetItem,
    QWidget,
)

from core.i18n import _, pgettext
from counter.admin import model
from counter.admin.rows import AdminView, CounterRow
from counter.admin.staff_tab import make_tree
from counter.admin.tab import Act, AdminTab, form_grid
from ui.parts import button, clear_layout, hbox, label, panel, vbox


def counter_status(c: CounterRow) -> str:
    if not c.active:
        return pgettext("counter admin", "Not in use")
    return pgettext("counter admin", "Open now") if c.is_open else pgettext("counter admin", "Closed now")


class CountersTab(AdminTab):
    def __init__(self, act: Act, parent: QWidget | None = None) -> None:
        super().__init__(act, parent)
        self.chosen: int | None = None  # counter number; None: a new counter

        self.tree = make_tree("admin-counter-list", 4)
        header = self.tree.header()
        for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(col, mode)
        self.tree.itemSelectionChanged.connect(self._selected)

        self.heading = label(role="subtitle", name="admin-counter-heading")
        self.number_label, self.name_label = label(), label()
        self.number = QSpinBox()
        self.number.setObjectName("admin-counter-number")
        self.number.setRange(1, model.MAX_COUNTER_NUMBER)
        self.number.setFixedWidth(140)
        self.name = QLineEdit()
        self.name.setObjectName("admin-counter-name")
        self.name.setMaxLength(model.MAX_COUNTER_NAME)
        self.number_label.setBuddy(self.number)
        self.name_label.setBuddy(self.name)
        self.active = QCheckBox()
        self.active.setObjectName("admin-counter-active")
        self.services_label = label(role="subtitle")
        self.services_box = QWidget()
        self.services_grid = QGridLayout(self.services_box)
        self.services_grid.setContentsMargins(0, 0, 0, 0)
        self.services_grid.setHorizontalSpacing(16)
        self.service_boxes: dict[str, QCheckBox] = {}
        self.catalog = label(role="hint", name="admin-counter-catalog")
        self.save_button = button(role="primary", name="admin-counter-save", on_click=self.save)
        self.new_button = button(name="admin-counter-new", on_click=self.new_counter)

        form = form_grid()
        form.addWidget(self.number_label, 0, 0)
        form.addWidget(self.number, 0, 1)
        form.addWidget(self.name_label, 1, 0)
        form.addWidget(self.name, 1, 1)
        form.addWidget(self.active, 2, 1)
        form.setColumnStretch(1, 1)
        side = panel()
        side.setObjectName("admin-counter-form")
        side_layout = vbox(side, [self.heading], margin=16, spacing=10)
        side_layout.addLayout(form)
        for w in (self.services_label, self.services_box, self.catalog):
            side_layout.addWidget(w)
        side_layout.addLayout(hbox(items=[self.save_button, self.new_button], spacing=8))
        side_layout.addStretch(1)

        hbox(self, [self.tree, side], spacing=16)
        self.layout().setStretch(0, 3)
        self.layout().setStretch(1, 2)
        self.retranslate()
        self._form()

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([pgettext("counter admin", "Counter"), pgettext("counter admin", "Name"), pgettext("counter admin", "Services"),
                                   pgettext("counter admin", "Status")])
        self.number_label.setText(_("Counter number"))
        self.name_label.setText(_("Name shown"))
        self.active.setText(_("In use (clerks can sign in at it)"))
        self.services_label.setText(_("Services this counter calls"))
        self.new_button.setText(_("New counter"))
        self.catalog.setText(_("This office is enrolled: the services themselves (names, ticket letters) are managed "
                               "by the centre. Which counter calls which service is still chosen here."))
        if self.view is not None:
            self.draw(self.view, refill=False)
        else:
            self._form()

    def _counter(self) -> CounterRow | None:
        return self.view.counter(self.chosen) if self.view is not None and self.chosen is not None else None

    def draw(self, view: AdminView, *, refill: bool = True) -> None:
        """Redraw from ``view``; ``refill``: also put the chosen counter into the form (not
        on a language switch or a change made on another tab: what is typed stays)."""
        self.view = view
        if self.chosen is not None and view.counter(self.chosen) is None:
            self.chosen = None
            refill = True
        self.tree.blockSignals(True)
        self.tree.clear()
        for c in view.counters:
            services = ", ".join(f"{view.service_name(code)}" for code in c.service_codes) or "—"
            item = QTreeWidgetItem([str(c.number), c.name, services, counter_status(c)])
            item.setData(0, Qt.ItemDataRole.UserRole, c.number)
            self.tree.addTopLevelItem(item)
            if c.number == self.chosen:
                item.setSelected(True)
                self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        codes = [s.code for s in view.services]
        if codes != list(self.service_boxes):
            refill = True
            clear_layout(self.services_grid)
            self.service_boxes = {}
            for i, s in enumerate(view.services):
                box = QCheckBox()
                box.setObjectName(f"admin-counter-service-{s.code}")
                self.services_grid.addWidget(box, i // 2, i % 2)
                self.service_boxes[s.code] = box
        for s in view.services:
            self.service_boxes[s.code].setText(f"{s.name} ({s.prefix})")
        if refill:
            self._form()
        else:
            self._enable()

    def _form(self) -> None:
        c = self._counter()
        if c is None:
            taken = [x.number for x in self.view.counters] if self.view is not None else []
            self.number.setValue(min((n for n in range(1, model.MAX_COUNTER_NUMBER + 1) if n not in taken), default=1))
            self.name.setText("")
            self.active.setChecked(True)
            for box in self.service_boxes.values():
                box.setChecked(False)
        else:
            self.number.setValue(c.number)
            self.name.setText(c.name)
            self.active.setChecked(c.active)
            for code, box in self.service_boxes.items():
                box.setChecked(code in c.service_codes)
        self._enable()

    def _enable(self) -> None:
        c = self._counter()
        if c is None:
            self.heading.setText(_("New counter"))
            self.save_button.setText(_("Add counter"))
        else:
            self.heading.setText(pgettext("counter admin", "Counter {number}").format(number=c.number))
            self.save_button.setText(pgettext("counter admin", "Save"))
        ready = self.view is not None
        self.number.setEnabled(ready and c is None)
        self.active.setEnabled(ready and c is not None)
        for w in [self.name, self.save_button, self.new_button, *self.service_boxes.values()]:
            w.setEnabled(ready)
        self.catalog.setVisible(bool(self.view and self.view.enrolled))

    def choose(self, number: int) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == number:
                self.tree.setCurrentItem(item)
                item.setSelected(True)
                return
        raise KeyError(number)

    def new_counter(self) -> None:
        self.tree.clearSelection()
        self.chosen = None
        self._form()

    def checked_services(self) -> list[str]:
        return [code for code, box in self.service_boxes.items() if box.isChecked()]

    def save(self) -> None:
        c = self._counter()
        if c is None:
            number = self.number.value()
            self.act(model.add_counter, number, name=self.name.text(), service_codes=self.checked_services(),
                     select=number)
        else:
            self.act(model.save_counter, c.number, name=self.name.text(), active=self.active.isChecked(),
                     service_codes=self.checked_services())

    def after(self, select: Any) -> None:
        """After a change: choose the counter just added."""
        if select is not None:
            self.chosen = select
        if self.view is not None:
            self.draw(self.view)
