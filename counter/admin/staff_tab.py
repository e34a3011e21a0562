"""The staff accounts tab: every account of the office in a list (username, name, role,
status in words: active, deactivated, locked until hh:mm), and beside it the form of the
chosen account — or of a new one — with its password fields.

Once the office is enrolled the accounts belong to the centre: the form is disabled and a
line says so; only "Clear lockout" stays (the lockout is this office's own login state).
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from core.i18n import _, pgettext
from core.working_calendar import to_office_time
from counter.admin import model
from counter.admin.rows import AdminView
from counter.admin.tab import Act, AdminTab, form_grid
from local_db.ops.staff import MIN_PASSWORD, ROLES, StaffInfo, role_label
from ui.parts import button, hbox, label, panel, vbox


def status_words(s: StaffInfo, view: AdminView) -> str:
    if s.locked_until is not None and s.locked_until > view.read_at:
        return _("Locked until {time}").format(time=to_office_time(s.locked_until).strftime("%H:%M"))
    return pgettext("counter admin", "Active") if s.active else pgettext("counter admin", "Deactivated")


def is_locked(s: StaffInfo, view: AdminView) -> bool:
    return s.locked_until is not None and s.locked_until > view.read_at


def make_tree(name: str, columns: int) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setColumnCount(columns)
    tree.setRootIsDecorated(False)
    tree.setItemsExpandable(False)
    tree.setWordWrap(True)
    tree.setUniformRowHeights(False)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    tree.header().setStretchLastSection(False)
    return tree


def password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(128)
    return field


class StaffTab(AdminTab):
    def __init__(self, act: Act, parent: QWidget | None = None) -> None:
        super().__init__(act, parent)
        self.chosen: uuid.UUID | None = None  # None: the form is for a new account

        self.tree = make_tree("admin-staff-list", 4)
        header = self.tree.header()
        for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(col, mode)
        self.tree.itemSelectionChanged.connect(self._selected)

        self.heading = label(role="subtitle", name="admin-staff-heading")
        self.centre = label(role="info", name="admin-staff-centre")
        self.centre.hide()
        self.username_label, self.name_label, self.role_label = label(), label(), label()
        self.username = QLineEdit()
        self.username.setObjectName("admin-staff-username")
        self.username.setMaxLength(32)
        self.full_name = QLineEdit()
        self.full_name.setObjectName("admin-staff-name")
        self.full_name.setMaxLength(200)
        self.role = QComboBox()
        self.role.setObjectName("admin-staff-role")
        self.active = QCheckBox()
        self.active.setObjectName("admin-staff-active")
        self.password_label, self.again_label = label(), label()
        self.password = password_field("admin-staff-password")
        self.again = password_field("admin-staff-password-again")
        self.password_hint = label(role="hint")
        for lab, w in ((self.username_label, self.username), (self.name_label, self.full_name),
                       (self.role_label, self.role), (self.password_label, self.password),
                       (self.again_label, self.again)):
            lab.setBuddy(w)

        self.save_button = button(role="primary", name="admin-staff-save", on_click=self.save)
        self.new_button = button(name="admin-staff-new", on_click=self.new_account)
        self.password_button = button(name="admin-staff-set-password", on_click=self.set_password)
        self.unlock_button = button(name="admin-staff-unlock", on_click=self.unlock)

        form = form_grid()
        rows: list[tuple[QWidget, QWidget]] = [(self.username_label, self.username), (self.name_label, self.full_name),
                                               (self.role_label, self.role)]
        for r, (lab, w) in enumerate(rows):
            form.addWidget(lab, r, 0)
            form.addWidget(w, r, 1)
        form.addWidget(self.active, len(rows), 1)
        form.addWidget(self.password_label, len(rows) + 1, 0)
        form.addWidget(self.password, len(rows) + 1, 1)
        form.addWidget(self.again_label, len(rows) + 2, 0)
        form.addWidget(self.again, len(rows) + 2, 1)
        form.addWidget(self.password_hint, len(rows) + 3, 1)
        form.setColumnStretch(1, 1)

        side = panel()
        side.setObjectName("admin-staff-form")
        side_layout = vbox(side, [self.heading, self.centre], margin=16, spacing=10)
        side_layout.addLayout(form)
        keys = QGridLayout()
        keys.setSpacing(8)
        keys.addWidget(self.save_button, 0, 0)
        keys.addWidget(self.password_button, 0, 1)
        keys.addWidget(self.unlock_button, 1, 0)
        side_layout.addLayout(keys)
        side_layout.addStretch(1)

        left = vbox(spacing=10)
        left.addWidget(self.tree, 1)
        new_row = hbox(items=[self.new_button], spacing=8)
        new_row.addStretch(1)
        left.addLayout(new_row)
        body = hbox(self, spacing=16)
        body.addLayout(left, 3)
        body.addWidget(side, 2)
        self.retranslate()
        self._form()

    # --- texts ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([pgettext("counter admin", "Username"), pgettext("counter admin", "Full name"), pgettext("counter admin", "Role"),
                                   pgettext("counter admin", "Status")])
        self.username_label.setText(pgettext("counter admin", "Username"))
        self.name_label.setText(pgettext("counter admin", "Full name"))
        self.role_label.setText(pgettext("counter admin", "Role"))
        self.active.setText(_("Account active (can sign in)"))
        self.password_hint.setText(_("At least {n} characters. Give it to the person in private; they should "
                                     "not write it down.").format(n=MIN_PASSWORD))
        self.again_label.setText(_("Password again"))
        self.save_button.setText(pgettext("counter admin", "Save"))
        self.new_button.setText("+ " + _("New account"))
        self.password_button.setText(_("Set this password"))
        self.unlock_button.setText(_("Clear lockout"))
        self.centre.setText(_("This office is enrolled: staff accounts are managed by the centre and are "
                              "read-only here. Only a lockout can be cleared."))
        chosen = self.role.currentData()
        self.role.blockSignals(True)
        self.role.clear()
        for role in ROLES:
            self.role.addItem(role_label(role), role)
        self.role.setCurrentIndex(max(self.role.findData(chosen), 0) if chosen else 0)
        self.role.blockSignals(False)
        if self.view is not None:
            self.draw(self.view, refill=False)
        else:
            self._form_texts()

    def _form_texts(self) -> None:
        account = self._account()
        if account is None:
            self.heading.setText(_("New account"))
            self.password_label.setText(pgettext("counter admin", "Password"))
            self.save_button.setText(_("Create account"))
        else:
            self.heading.setText(_("Account {username}").format(username=account.username))
            self.password_label.setText(_("New password"))
            self.save_button.setText(_("Save changes"))

    # --- drawing ---------------------------------------------------------------------------

    def _account(self) -> StaffInfo | None:
        return self.view.account(self.chosen) if self.view is not None and self.chosen is not None else None

    def draw(self, view: AdminView, *, refill: bool = True) -> None:
        """Redraw from ``view``; ``refill``: also put the chosen account into the form (not
        on a language switch: what is typed stays)."""
        self.view = view
        if self.chosen is not None and view.account(self.chosen) is None:
            self.chosen = None
            refill = True
        self.tree.blockSignals(True)
        self.tree.clear()
        for s in view.staff:
            item = QTreeWidgetItem([s.username, s.full_name, role_label(s.role), status_words(s, view)])
            item.setData(0, Qt.ItemDataRole.UserRole, s.id)
            self.tree.addTopLevelItem(item)
            if s.id == self.chosen:
                item.setSelected(True)
                self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        if refill:
            self._form()
        else:
            self._enable()

    def _form(self) -> None:
        """Fill the form from the chosen account (or empty it for a new one)."""
        account = self._account()
        self.password.clear()
        self.again.clear()
        if account is None:
            self.username.setText("")
            self.full_name.setText("")
            self.role.setCurrentIndex(0)
            self.active.setChecked(True)
        else:
            self.username.setText(account.username)
            self.full_name.setText(account.full_name)
            self.role.setCurrentIndex(max(self.role.findData(account.role), 0))
            self.active.setChecked(account.active)
        self._enable()

    def _enable(self) -> None:
        account = self._account()
        enrolled = self.view is not None and self.view.enrolled
        self._form_texts()
        editable = self.view is not None and not enrolled
        self.username.setEnabled(editable and account is None)
        for w in (self.full_name, self.role, self.password, self.again, self.save_button, self.new_button):
            w.setEnabled(editable)
        self.active.setEnabled(editable and account is not None)
        self.password_button.setVisible(account is not None)
        self.password_button.setEnabled(editable)
        self.unlock_button.setVisible(account is not None)
        self.unlock_button.setEnabled(self.view is not None and account is not None and is_locked(account, self.view))
        self.centre.setVisible(enrolled)

    # --- actions ---------------------------------------------------------------------------

    def new_account(self) -> None:
        self.tree.clearSelection()
        self.chosen = None
        self._form()
        self.username.setFocus()

    def choose(self, username: str) -> None:
        """Select an account by its username (tests, the tour)."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.text(0) == username:
                self.tree.setCurrentItem(item)
                item.setSelected(True)
                return
        raise KeyError(username)

    def save(self) -> None:
        account = self._account()
        if account is None:
            self.act(model.create_account, username=self.username.text(), full_name=self.full_name.text(),
                     role=self.role.currentData(), password=self.password.text(), password_again=self.again.text(),
                     select=self.username.text().strip().lower())
        else:
            self.act(model.edit_account, account.id, full_name=self.full_name.text(), role=self.role.currentData(),
                     active=self.active.isChecked())

    def set_password(self) -> None:
        account = self._account()
        if account is not None:
            self.act(model.reset_password, account.id, password=self.password.text(), password_again=self.again.text())

    def unlock(self) -> None:
        account = self._account()
        if account is not None:
            self.act(model.clear_lockout, account.id)

    def after(self, select: Any) -> None:
        """After a change: choose the account just created."""
        if self.view is None:
            return
        for s in self.view.staff:
            if s.username == select:
                self.chosen = s.id
        self.draw(self.view)

    def clear_secrets(self) -> None:
        self.password.clear()
        self.again.clear()
