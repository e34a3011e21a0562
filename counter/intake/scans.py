"""The intake's scans: the «Scan» of a checklist line opens the scan dialog; the PDF is built
and kept in the attachment store at once, and the draft keeps its sha256 and page count, so
a closed window loses no scan. The intake's save attaches them to the new dossier in the
same transaction (counter/intake/model.py ``save``); a dossier can be saved with items
still to scan (the dossier page scans them later)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from core.i18n import _
from counter.scanning import work
from counter.scanning.dialog import ScanDialog
from counter.scanning.sources import TAKEN, file_key
from scanning.folder import FolderWatcher
from ui.parts import say


class _Arrivals(QObject):
    """A file from the watcher's thread to the GUI thread (queued signal)."""

    arrived = Signal(str)


class ScansMixin:
    """Mixed into :class:`~counter.intake.view.IntakeScreen` (its state, pages and TaskRunner)."""

    scan_dialog: ScanDialog | None = None
    _folder_watcher: FolderWatcher | None = None
    _arrivals: _Arrivals | None = None

    def watch_scanner_folder(self, on: bool) -> None:
        """While the documents step shows, a file the network scanner drops is announced at
        once (within about a second); the scan dialog of the item then offers it."""
        if not on:
            if self._folder_watcher is not None:
                self._folder_watcher.stop()
                self._folder_watcher = None
            return
        folder = work.watch_folder(self.ctx)
        if self._folder_watcher is not None or not folder or not Path(folder).is_dir():
            return
        if self._arrivals is None:
            self._arrivals = _Arrivals(self)
            self._arrivals.arrived.connect(self._file_arrived)
        self._folder_watcher = FolderWatcher(folder, lambda p: self._arrivals.arrived.emit(str(p)), interval=0.5)
        self._folder_watcher.start()

    def _file_arrived(self, path: str) -> None:
        if self.state.step != "documents" or file_key(Path(path)) in TAKEN or self.scan_dialog is not None:
            return
        self.documents.offer_file(Path(path).name)

    def scan_item(self, index: int, *, find_scanners: bool = True) -> ScanDialog | None:
        if self.state.step != "documents" or self.busy or not 0 <= index < len(self.state.documents):
            return None
        self._store()
        self.documents.offer_file_clear()  # the dialog's folder list offers them now
        doc = self.state.documents[index]
        store = work.attachment_store(self.ctx)
        dialog = ScanDialog(self.tasks, doc.name, lambda pages: work.build_and_keep(pages, store),
                            folder=work.watch_folder(self.ctx), parent=self, find_scanners=find_scanners)
        dialog.saved.connect(lambda kept, i=index, name=doc.name: self._scanned_item(i, name, kept))
        dialog.finished.connect(lambda _r: self._scan_dialog_closed(dialog))
        self.scan_dialog = dialog
        dialog.open()
        return dialog

    def _scan_dialog_closed(self, dialog: ScanDialog) -> None:
        if self.scan_dialog is dialog:
            self.scan_dialog = None
        dialog.deleteLater()  # its pages are big: not kept until the screen goes

    def _scanned_item(self, index: int, name: str, kept: Any) -> None:
        if self.state.step != "documents" or index >= len(self.state.documents):
            return
        self._store()
        doc = self.state.documents[index]
        if doc.name != name:
            return  # the checklist changed meanwhile
        doc.scan_sha256, doc.scan_pages = kept.sha256, kept.pages
        self.documents.load(self.state)
        self.window().activateWindow()  # back from the dialog: the wizard's keys work again
        if index < len(self.documents.scans):
            self.documents.scans[index].button.setFocus()  # the keyboard goes on from the line scanned
        say(self.status, _("Scan kept for «{item}»: it is attached when the dossier is saved.").format(item=name), "ok")
        self._typed()
        self.autosave()


__all__ = ["ScansMixin"]
