"""The dossier's scanned documents in its detail pane: per checklist item the version in
force and its history (which version, who attached it, when), a preview of the PDF, and
«Scan again» (a new version, e.g. when the citizen supplements). A version pruned on this
machine ("kept at the centre only") is fetched back from the centre by «Fetch from the
centre», then shown. Database, store and network calls run on the TaskRunner; answers carry
a sequence number so a late one never wins."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSizePolicy, QTreeWidget, QTreeWidgetItem, QWidget

from core.i18n import _, ngettext
from counter.dossiers.names import moment_words
from counter.keys import key_text, shortcut
from counter.scanning import work
from counter.scanning.dialog import ScanDialog
from counter.scanning.preview import PdfPreview
from counter.scanning.sources import sized
from local_db.ops.attachments import AttachmentInfo
from ui.page_work import PageWork
from ui.parts import button, hbox, label, say, vbox
from ui.tasks import TaskRunner

ROLE = Qt.ItemDataRole.UserRole


def version_words(a: AttachmentInfo) -> str:
    """Two short lines (what, then who and when): one long line was cut off in the pane."""
    pages = ngettext("{n} page", "{n} pages", a.pages).format(n=a.pages)
    who = a.created_by_name or _("unknown staff")
    line = _("Version {v}: {pages}").format(v=a.version, pages=pages)
    if not a.current:
        line += " · " + _("replaced")
    if not a.on_this_machine:
        line += " · " + _("kept at the centre only")
    return line + "\n" + _("attached by {who} at {when}").format(who=who, when=moment_words(a.created_at))


class ScansPanel(QWidget):
    """``changed`` after a new scan was attached (the page refreshes its list: the filter
    "scans missing" may no longer match)."""

    changed = Signal()
    shown = Signal()  # the items were (re)drawn: the page updates its tab's count

    def __init__(self, ctx: Any, tasks: TaskRunner) -> None:
        super().__init__()
        self.ctx, self.tasks = ctx, tasks
        self.dossier_id: uuid.UUID | None = None
        self.items: tuple[work.ItemScans, ...] = ()
        self.can_scan = False
        self.loads = PageWork(tasks)  # the scans of the dossier shown last, not of one before it
        self.dialog: ScanDialog | None = None
        self.pdf_dialog: PdfPreview | None = None
        self.tree = QTreeWidget()
        self.tree.setObjectName("dossier-scans")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setMinimumHeight(150)
        self.tree.currentItemChanged.connect(lambda *_a: self._enable())
        self.tree.itemActivated.connect(lambda _i, _c: self.preview())
        self.message = label(role="hint", name="dossier-scans-message")
        self.message.hide()
        self.missing = label(role="info", name="dossier-scans-missing")
        self.missing.hide()
        self.preview_button = sized(button(name="dossier-scan-preview", on_click=self.preview))
        self.fetch_button = sized(button(name="dossier-scan-fetch", on_click=self.fetch))
        self.fetch_button.hide()
        self.fetching = False
        self.scan_button = sized(button(name="dossier-scan-again", on_click=self.scan_again))
        for b in (self.preview_button, self.fetch_button, self.scan_button):
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        keys = QWidget()
        hbox(keys, [self.preview_button, self.fetch_button, self.scan_button], spacing=8).addStretch(1)
        vbox(self, [self.tree, self.missing, self.message, keys], margin=8, spacing=6).setStretch(0, 1)
        self.shortcuts = [shortcut(name, self, handler, context=Qt.ShortcutContext.WindowShortcut)
                          for name, handler in (("scan.view_pdf", self.preview), ("scan", self.scan_again))]
        self.retranslate()

    # --- loading ----------------------------------------------------------------------------

    def show_dossier(self, dossier_id: uuid.UUID | None, *, can_scan: bool = True) -> None:
        if dossier_id != self.dossier_id:
            say(self.message, "")
        self.dossier_id = dossier_id
        self.can_scan = can_scan
        self.loads.void()
        if dossier_id is None:
            self.show_items(())
            return
        self.loads.run(work.dossier_scans, self.ctx, dossier_id, on_done=self.show_items,
                       on_error=lambda exc: say(self.message, work.error_text(exc), "error"))

    def show_items(self, items: tuple[work.ItemScans, ...]) -> None:
        chosen = self.chosen()
        self.items = tuple(items)
        self.tree.clear()
        for index, item in enumerate(self.items):
            top = QTreeWidgetItem([self._item_words(item)])
            top.setToolTip(0, top.text(0))
            top.setData(0, ROLE, (index, item.current.id if item.current else None))
            for a in item.versions:
                child = QTreeWidgetItem([version_words(a)])
                child.setToolTip(0, child.text(0))  # a long line is elided in a narrow pane
                child.setData(0, ROLE, (index, a.id))
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(len(item.versions) > 1)
        if chosen is not None:
            for i in range(self.tree.topLevelItemCount()):
                if self.items[i].document_id == chosen[0].document_id:
                    self.tree.setCurrentItem(self.tree.topLevelItem(i))
        missing = [i.name for i in self.items if i.received and i.current is None]
        say(self.missing, _("Still to scan: {items}.").format(items="; ".join(missing)) if missing else "", "info")
        self._enable()
        self.shown.emit()

    def missing_count(self) -> int:
        """Items handed in on paper and not scanned yet (0 while nothing is loaded)."""
        return sum(1 for i in self.items if i.received and i.current is None)

    def _item_words(self, item: work.ItemScans) -> str:
        current = item.current
        if current is None:
            state = _("not scanned") if item.received else _("not handed in")
        else:
            state = ngettext("{n} page", "{n} pages", current.pages).format(n=current.pages)
            if current.version > 1:
                state += " · " + _("version {v}").format(v=current.version)
        return f"{item.name} — {state}"

    def chosen(self) -> tuple[work.ItemScans, AttachmentInfo | None] | None:
        node = self.tree.currentItem()
        if node is None:
            return None
        index, attachment_id = node.data(0, ROLE)
        item = self.items[index] if index < len(self.items) else None
        if item is None:
            return None
        version = next((a for a in item.versions if a.id == attachment_id), None)
        return item, version

    # --- acting -------------------------------------------------------------------------------

    def preview(self) -> PdfPreview | None:
        chosen = self.chosen()
        if chosen is None or chosen[1] is None:
            return None
        item, version = chosen
        title = _("{item} — version {v}").format(item=item.name, v=version.version)
        self.tasks.run(work.read_pdf, self.ctx, version.sha256, on_done=lambda pdf: self._show_pdf(pdf, title),
                       on_error=lambda exc: say(self.message, work.error_text(exc), "error"))
        return None

    def fetch(self) -> None:
        """Fetch the chosen version back from the centre (off the UI thread), then show it.
        Offline or not enrolled: the reason in words, nothing changed."""
        chosen = self.chosen()
        if self.fetching or chosen is None or chosen[1] is None or chosen[1].on_this_machine:
            return
        item, version = chosen
        title = _("{item} — version {v}").format(item=item.name, v=version.version)
        self.fetching = True
        self._enable()
        say(self.message, _("Fetching the scan from the central server…"), "hint")
        self.tasks.run(work.fetch_scan, self.ctx, version.id, on_done=lambda pdf: self._fetched(pdf, title),
                       on_error=self._fetch_failed)

    def _fetched(self, pdf: bytes, title: str) -> None:
        self.fetching = False
        say(self.message, _("The scan is back on this computer."), "ok")
        self.show_dossier(self.dossier_id, can_scan=self.can_scan)
        self._show_pdf(pdf, title)

    def _fetch_failed(self, exc: BaseException) -> None:
        self.fetching = False
        say(self.message, _("The scan could not be fetched from the central server: {reason}").format(
            reason=work.error_text(exc)), "error")
        self._enable()

    def _show_pdf(self, pdf: bytes, title: str) -> None:
        if self.pdf_dialog is not None:
            self.pdf_dialog.close()  # one PDF at a time
        dialog = PdfPreview(pdf, title, self)
        dialog.finished.connect(lambda _r: self._pdf_closed(dialog))
        self.pdf_dialog = dialog
        dialog.open()

    def _pdf_closed(self, dialog: PdfPreview) -> None:
        if self.pdf_dialog is dialog:
            self.pdf_dialog = None
        dialog.deleteLater()

    def scan_again(self, *, find_scanners: bool = True) -> ScanDialog | None:
        chosen = self.chosen()
        if chosen is None or self.dossier_id is None or not self.can_scan:
            return None
        item = chosen[0]
        dossier_id, document_id = self.dossier_id, item.document_id
        dialog = ScanDialog(self.tasks, item.name,
                            lambda pages: work.build_and_attach(self.ctx, dossier_id, document_id, pages),
                            folder=work.watch_folder(self.ctx), parent=self, find_scanners=find_scanners)
        dialog.saved.connect(lambda info: self._attached(info))
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: ScanDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()  # its pages are big: not kept until the page goes

    def _attached(self, info: AttachmentInfo) -> None:
        say(self.message, _("Version {v} of «{item}» attached.").format(v=info.version, item=info.document_name), "ok")
        self.show_dossier(self.dossier_id, can_scan=self.can_scan)
        self.changed.emit()

    def _enable(self) -> None:
        chosen = self.chosen()
        self.preview_button.setEnabled(chosen is not None and chosen[1] is not None)
        pruned = chosen is not None and chosen[1] is not None and not chosen[1].on_this_machine
        self.fetch_button.setVisible(pruned)
        self.fetch_button.setEnabled(pruned and not self.fetching)
        self.scan_button.setEnabled(chosen is not None and self.can_scan)
        if chosen is not None and chosen[0].current is not None:
            self.scan_button.setText(_("Scan again, new version ({key})").format(key=key_text("scan")))
        else:
            self.scan_button.setText(_("Scan ({key})").format(key=key_text("scan")))

    def retranslate(self) -> None:
        self.preview_button.setText(_("View the PDF ({key})").format(key=key_text("scan.view_pdf")))
        self.fetch_button.setText(_("Fetch from the centre"))
        if self.items:
            self.show_items(self.items)
        self._enable()


__all__ = ["ScansPanel", "version_words"]
