"""The intake's scans: the «Scan» of a checklist line opens the scan dialog; the PDF is built
and kept in the attachment store at once, and the draft keeps its sha256 and page count, so
a closed window loses no scan. The intake's save attaches them to the new dossier in the
same transaction (counter/intake/model.py ``save``); a dossier can be saved with items
still to scan (the dossier page scans them later)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from core.i18n import _
from counter.scanning import work
from counter.scanning.dialog import ScanDialog
from counter.scanning.sources import TAKEN, file_key
from scanning.folder import FolderWatcher
from ui.parts import say

if TYPE_CHECKING:
    from counter.intake.view import IntakeScreen


class _Arrivals(QObject):
    """A file from the watcher's thread to the GUI thread (queued signal)."""

    arrived = Signal(str)


class ItemScans:
    """The scan dialog of a checklist line (``dialog`` while it is open) and the network
    scanner's folder, watched while the documents step shows.

    Composed into :class:`~counter.intake.view.IntakeScreen` (its state, pages and TaskRunner)."""

    def __init__(self, screen: IntakeScreen) -> None:
        self.screen = screen
        self.dialog: ScanDialog | None = None
        self.folder_watcher: FolderWatcher | None = None
        self._arrivals = _Arrivals(screen)
        self._arrivals.arrived.connect(self._file_arrived)

    def watch_folder(self, on: bool) -> None:
        """While the documents step shows, a file the network scanner drops is announced at
        once (within about a second); the scan dialog of the item then offers it."""
        if not on:
            if self.folder_watcher is not None:
                self.folder_watcher.stop()
                self.folder_watcher = None
            return
        folder = work.watch_folder(self.screen.ctx)
        if self.folder_watcher is not None or not folder or not Path(folder).is_dir():
            return
        self.folder_watcher = FolderWatcher(folder, lambda p: self._arrivals.arrived.emit(str(p)), interval=0.5)
        self.folder_watcher.start()

    def _file_arrived(self, path: str) -> None:
        if self.screen.state.step != "documents" or file_key(Path(path)) in TAKEN or self.dialog is not None:
            return
        self.screen.documents.offer_file(Path(path).name)

    def scan_item(self, index: int, *, find_scanners: bool = True) -> ScanDialog | None:
        screen = self.screen
        if screen.state.step != "documents" or screen.busy or not 0 <= index < len(screen.state.documents):
            return None
        screen._store()
        screen.documents.offer_file_clear()  # the dialog's folder list offers them now
        doc = screen.state.documents[index]
        store = work.attachment_store(screen.ctx)
        dialog = ScanDialog(screen.tasks, doc.name, lambda pages: work.build_and_keep(pages, store),
                            folder=work.watch_folder(screen.ctx), parent=screen, find_scanners=find_scanners)
        dialog.saved.connect(lambda kept, i=index, name=doc.name: self._scanned_item(i, name, kept))
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: ScanDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()  # its pages are big: not kept until the screen goes

    def _scanned_item(self, index: int, name: str, kept: work.KeptScan) -> None:
        screen = self.screen
        if screen.state.step != "documents" or index >= len(screen.state.documents):
            return
        screen._store()
        doc = screen.state.documents[index]
        if doc.name != name:
            return  # the checklist changed meanwhile
        doc.scan_sha256, doc.scan_pages = kept.sha256, kept.pages
        screen.documents.load(screen.state)
        screen.window().activateWindow()  # back from the dialog: the wizard's keys work again
        if index < len(screen.documents.scans):
            screen.documents.scans[index].button.setFocus()  # the keyboard goes on from the line scanned
        say(screen.status, _("Scan kept for «{item}»: it is attached when the dossier is saved.").format(item=name),
            "ok")
        screen.drafts.typed()
        screen.drafts.autosave()


__all__ = ["ItemScans"]
