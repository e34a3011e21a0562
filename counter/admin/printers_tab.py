"""The printers tab: this desk's printer (the machine setting ``printer``) with a box to
try another one on a test page and to keep it, and beside it every machine of the office
with its print queue — so the IT person sees at one glance which kiosk is out of paper.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLineEdit,
    QTreeWidgetItem,
    QWidget,
)

from core.errors import ValidationError
from core.i18n import _, ngettext, pgettext
from core.working_calendar import OFFICE_TZ
from counter.admin import model
from counter.admin.rows import AdminView
from counter.admin.staff_tab import make_tree
from counter.admin.tab import Act, AdminTab, form_grid
from local_db.ops.print_jobs import DevicePrinter
from printing.printer_spec import parse_printer
from ui.parts import button, hbox, label, panel, say, vbox


def printer_words(text: str) -> str:
    """What a printer setting means, in a sentence the IT person can check."""
    try:
        spec = parse_printer(text)
    except ValidationError:
        return _("Not a printer setting this program knows.")
    if spec.kind == "pdf":
        return _("PDF files only: nothing comes out on paper.")
    if spec.kind == "cups":
        if spec.server:
            return _("The CUPS queue {queue} on the print server {server}.").format(queue=spec.target,
                                                                                 server=spec.server)
        return _("The CUPS queue {queue} of this machine.").format(queue=spec.target)
    if spec.kind == "qt":
        return _("The printer {name} of this machine's system.").format(name=spec.target) if spec.target else \
            _("This machine's default system printer.")
    if spec.kind == "escpos-usb":
        return _("A thermal receipt printer on USB ({vendor:04x}:{product:04x}).").format(
            vendor=spec.vendor_id or 0, product=spec.product_id or 0)
    if spec.kind == "escpos-net":
        return _("A thermal receipt printer on the network at {host}, port {port}.").format(
            host=spec.target, port=spec.port)
    if spec.kind == "escpos-serial":
        return _("A thermal receipt printer on the serial port {device}.").format(device=spec.target)
    return _("A simulated thermal printer (for trying the program): nothing comes out on paper.")


def machine_kind(kind: str) -> str:
    return {"kiosk": pgettext("machine", "Kiosk"), "counter": pgettext("machine", "Counter desk"),
            "display": pgettext("machine", "Display board")}.get(kind, kind)


def queue_words(p: DevicePrinter) -> str:
    if p.failed:
        return ngettext("Problem · {n} paper waiting", "Problem · {n} papers waiting", p.waiting).format(n=p.waiting)
    if p.waiting:
        return ngettext("{n} paper waiting", "{n} papers waiting", p.waiting).format(n=p.waiting)
    return _("Ready")


class PrintersTab(AdminTab):
    def __init__(self, act: Act, parent: QWidget | None = None) -> None:
        super().__init__(act, parent)

        self.heading = label(role="subtitle")
        self.now_label = label(name="admin-printer-now")
        self.now_words = label(role="hint", name="admin-printer-now-words")
        self.field_label = label()
        self.field = QLineEdit()
        self.field.setObjectName("admin-printer-setting")
        self.field.setMaxLength(200)
        self.field.textChanged.connect(self._typed)
        self.field_label.setBuddy(self.field)
        self.field_words = label(role="hint", name="admin-printer-setting-words")
        self.forms = label(role="hint", name="admin-printer-forms")
        self.test_button = button(name="admin-printer-test", on_click=self.test_page)
        self.use_button = button(role="primary", name="admin-printer-use", on_click=self.use)
        desk = panel()
        desk.setObjectName("admin-printer-desk")
        form = form_grid()
        form.addWidget(self.field_label, 0, 0)
        form.addWidget(self.field, 0, 1)
        form.addWidget(self.field_words, 1, 1)
        form.setColumnStretch(1, 1)
        desk_layout = vbox(desk, [self.heading, self.now_label, self.now_words], margin=16, spacing=10)
        desk_layout.addLayout(form)
        desk_layout.addWidget(self.forms)
        desk_layout.addLayout(hbox(items=[self.test_button, self.use_button], spacing=8))
        desk_layout.addStretch(1)

        self.machines_heading = label(role="subtitle")
        self.tree = make_tree("admin-printer-list", 5)
        header = self.tree.header()
        for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(col, mode)
        self.empty = label(role="hint", name="admin-printer-empty")
        self.problems = label(name="admin-printer-problems")
        say(self.problems, "")
        machines = QWidget()
        vbox(machines, [self.machines_heading, self.tree, self.empty, self.problems], spacing=8)

        hbox(self, [desk, machines], spacing=16)
        self.layout().setStretch(0, 2)
        self.layout().setStretch(1, 3)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Printer of this desk"))
        self.field_label.setText(_("Printer setting"))
        self.field.setPlaceholderText(_("e.g. cups:HP_LaserJet or escpos-usb:04b8:0202"))
        self.forms.setText(_("pdf · cups:QUEUE · cups:QUEUE@SERVER · qt · qt:NAME · escpos-usb:VENDOR:PRODUCT · "
                             "escpos-net:ADDRESS[:PORT] · escpos-serial:/dev/ttyUSB0"))
        self.test_button.setText(_("Print a test page"))
        self.use_button.setText(_("Use for this desk"))
        self.machines_heading.setText(_("Printers of the office's machines"))
        self.tree.setHeaderLabels([_("Machine"), _("Kind"), _("Printer"), _("Print queue"), _("Last printed")])
        self.empty.setText(_("No machine of the office has printed yet."))
        if self.view is not None:
            self.draw(self.view, refill=False)
        self._typed()

    def draw(self, view: AdminView, *, refill: bool = True) -> None:
        self.view = view
        self.now_label.setText(_("Now: {printer}").format(printer=view.desk_printer or "pdf"))
        self.now_words.setText(printer_words(view.desk_printer or "pdf"))
        tried = view.done is not None and view.done.kind == model.TEST_PAGE_QUEUED
        if refill and not tried:  # after a test page the setting tried stays, ready to be kept
            self.field.setText(view.desk_printer)
        self.tree.clear()
        for p in view.printers:
            when = p.last_printed_at.astimezone(OFFICE_TZ).strftime("%H:%M %d/%m/%Y") if p.last_printed_at else "—"
            item = QTreeWidgetItem([p.name, machine_kind(p.kind), p.printer or "—", queue_words(p), when])
            item.setData(0, Qt.ItemDataRole.UserRole, str(p.device_id))
            if p.failed:
                item.setToolTip(3, p.last_error)
            self.tree.addTopLevelItem(item)
        self.empty.setVisible(not view.printers)
        failing = [p for p in view.printers if p.failed]
        # The full error of each failing machine, in words, where the column would cut it.
        say(self.problems, "\n".join(_("{machine}: {error}").format(machine=p.name, error=p.last_error or _("unknown error"))
                                     for p in failing), "error" if failing else "hint")
        self._typed()

    def _typed(self) -> None:
        text = self.field.text().strip()
        ready = self.view is not None and bool(text)
        self.field_words.setText(printer_words(text) if text else "")
        self.test_button.setEnabled(ready)
        self.use_button.setEnabled(ready and self.view is not None and text != self.view.desk_printer)

    def test_page(self) -> None:
        self.act(model.print_test_page, self.field.text().strip())

    def use(self) -> None:
        self.act(model.use_printer, self.field.text().strip())

    def after(self, select: object) -> None:
        self._typed()
