"""The scan dialog of ONE checklist item: pages from the scanner, from files chosen by hand,
from the network scanner's folder or from the document camera; shown in order as thumbnails with a big preview of the
one selected; moved, turned, removed; «Save» builds the PDF and saves it.

What «Save» does with the pages is the caller's ``save`` function, run on the TaskRunner
(build the PDF and keep it for the intake, or attach it to a dossier): the dialog only
closes when it succeeded, and shows the refusal beside the pages otherwise. Nothing is
written before the PDF is complete, so a refusal leaves nothing half-saved.

Keys (counter/keys.py, the same meaning everywhere in the app): Ctrl+Shift+S scan,
Ctrl+Shift+C capture a page with the document camera, Ctrl+O add files, Alt+F add from the
folder, Ctrl+Left / Ctrl+Right move the page, Ctrl+T turn it, Delete remove it, Ctrl+S save,
Esc cancel; the arrows move through the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QIcon,
    QImage,
    QPainter,
    QPixmap,
    QShortcut,
    QTransform,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QWidget,
)

from core.i18n import _, ngettext, pgettext
from counter.keys import key_text, shortcut
from counter.scanning import work
from counter.scanning.sources import CameraPanel, FolderPanel, ScannerPanel, sized
from scanning import pages as page_ops
from scanning.pages import PageImage
from ui.parts import button, hbox, label, say, scroll_area, vbox
from ui.tasks import TaskRunner

THUMB_PX = 112


class PagePreview(QWidget):
    """The selected page as large as the space allows (scaled when painted, so it always
    fits whatever the window's size), or a line of text while there is no picture."""

    def __init__(self) -> None:
        super().__init__()
        self.pixmap: QPixmap | None = None
        self.text = ""
        self.setMinimumSize(240, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_page(self, pixmap: QPixmap | None, text: str) -> None:
        self.pixmap, self.text = pixmap, text
        self.update()

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        try:
            area = self.rect().adjusted(4, 4, -4, -4)
            if self.pixmap is None or self.pixmap.isNull():
                painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.text)
                return
            pix = self.pixmap.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation)
            x = area.x() + (area.width() - pix.width()) // 2
            y = area.y() + (area.height() - pix.height()) // 2
            painter.drawPixmap(x, y, pix)
            painter.setPen(QColor("#6b7280"))
            painter.drawRect(x - 1, y - 1, pix.width() + 1, pix.height() + 1)
        finally:
            painter.end()
FILE_FILTER = "*.pdf *.png *.jpg *.jpeg *.tif *.tiff"


class ScanDialog(QDialog):
    """``saved(result)``: what ``save(pages)`` returned, after the dialog closed on success."""

    saved = Signal(object)

    def __init__(self, tasks: TaskRunner, item_name: str, save: Callable[[list[PageImage]], Any], *,
                 folder: str = "", parent: QWidget | None = None, find_scanners: bool = True,
                 use_camera: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("scan-dialog")
        self.setModal(True)
        self.tasks = tasks
        self.item_name = item_name
        self._save = save
        self.pages: list[PageImage] = []
        self.images: list[QImage | None] = []
        self.busy = False
        self.result_value: Any = None
        self._message: tuple[str, str] | None = None
        self.resize(1280, 800)

        self.heading = label(role="title", name="scan-heading")
        self.scanner = ScannerPanel(tasks)
        self.scanner.scanned.connect(lambda pages: self.add_pages(pages))
        self.scanner.failed.connect(self.show_error)
        self.scanner.busy_changed.connect(lambda _b: self._enable())
        self.files_button = sized(button(name="scan-add-files", on_click=self.choose_files))
        self.folder = FolderPanel(folder)
        self.folder.chosen.connect(self.add_file)
        self.camera = CameraPanel(tasks, use_camera=use_camera)
        self.camera.captured.connect(lambda pages: self.add_pages(pages))
        self.camera.failed.connect(self.show_error)
        inner = QWidget()
        vbox(inner, [self.scanner, self.files_button, self.folder, self.camera], spacing=12).addStretch(1)
        sources = scroll_area(inner)  # large text or a small screen: the sources scroll, never clip
        sources.setObjectName("scan-sources")
        sources.setFixedWidth(440)

        self.strip = QListWidget()
        self.strip.setObjectName("scan-pages")
        self.strip.setViewMode(QListView.ViewMode.IconMode)
        self.strip.setFlow(QListView.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setMovement(QListView.Movement.Static)
        self.strip.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.strip.setGridSize(QSize(THUMB_PX + 24, THUMB_PX + 44))
        self.strip.setFixedHeight(THUMB_PX + 60)
        self.strip.currentRowChanged.connect(lambda _r: self._draw_preview())
        self.preview = PagePreview()
        self.preview.setObjectName("scan-preview")
        self.count = label(role="hint", name="scan-count")
        self.error = label(role="error", name="scan-error")
        self.error.hide()
        self.left_button = sized(button(name="scan-move-left", on_click=lambda: self.move_page(-1)))
        self.right_button = sized(button(name="scan-move-right", on_click=lambda: self.move_page(1)))
        self.rotate_button = sized(button(name="scan-rotate", on_click=self.rotate))
        self.remove_button = sized(button(name="scan-remove", on_click=self.remove))
        edit = QWidget()
        hbox(edit, [self.left_button, self.right_button, self.rotate_button, self.remove_button], spacing=8)
        pages_col = QWidget()
        vbox(pages_col, [self.count, self.strip, edit, self.error, self.preview], spacing=8).setStretch(4, 1)
        body = QWidget()
        row = hbox(body, [sources], spacing=16)
        row.addWidget(pages_col, 1)

        self.cancel_button = sized(button(name="scan-cancel", on_click=self.reject))
        self.save_button = sized(button(role="primary", name="scan-save", on_click=self.save))
        for b in (self.cancel_button, self.save_button):
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        keys = QWidget()
        krow = hbox(keys, spacing=10)
        krow.addStretch(1)
        krow.addWidget(self.cancel_button)
        krow.addWidget(self.save_button)
        vbox(self, [self.heading, body, keys], margin=16, spacing=12).setStretch(1, 1)

        self.shortcuts: dict[str, QShortcut] = {}
        for name, key, handler in (("scan", "scan", self.scanner.scan), ("capture", "scan.capture", self.camera.capture),
                                   ("files", "scan.files", self.choose_files), ("folder", "scan.folder", self.folder.take),
                                   ("left", "scan.page_left", lambda: self.move_page(-1)),
                                   ("right", "scan.page_right", lambda: self.move_page(1)),
                                   ("rotate", "scan.turn", self.rotate), ("remove", "scan.remove", self.remove),
                                   ("save", "save", self.save)):
            self.shortcuts[name] = shortcut(key, self, handler, context=Qt.ShortcutContext.WindowShortcut)
        self.retranslate()
        self._draw()
        if find_scanners:
            self.scanner.find_scanners()

    # --- life ---------------------------------------------------------------------------------

    def embed(self, host: QWidget) -> None:
        """Drawn inside ``host`` instead of as a window of its own (the tour photographs the
        main window only)."""
        self.setParent(host)
        self.setWindowFlags(Qt.WindowType.Widget)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.setGeometry(16, 16, max(600, host.width() - 32), max(400, host.height() - 32))
        self.show()
        self.raise_()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.folder.start()
        self.camera.start()

    def done(self, result: int) -> None:
        if self.busy and result != QDialog.DialogCode.Accepted:
            return  # a save on its way: wait for its answer
        if result == QDialog.DialogCode.Accepted:
            self.folder.set_aside(self.tasks)  # taken into a saved scan: not offered again
        else:
            self.folder.release()
        self.folder.stop()
        self.camera.stop()
        super().done(result)

    # --- adding pages -----------------------------------------------------------------------------

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, _("Add scanned files"), "", _("Images and PDF ({patterns})").format(patterns=FILE_FILTER))
        for path in paths:
            self.add_file(Path(path))

    def add_file(self, path: Path | str) -> None:
        """Read a file's pages off the UI thread; a refusal is shown, nothing is added."""
        self.tasks.run(page_ops.pages_from_file, Path(path), on_done=self.add_pages, on_error=self.show_error)

    def add_pages(self, pages: Sequence[PageImage]) -> None:
        if not pages:
            self.show_error(None, _("The scan gave no pages. Check that the papers are in the scanner."))
            return
        start = len(self.pages)
        self.pages.extend(pages)
        self.images.extend([None] * len(pages))
        self.show_error(None, "")
        self._draw()
        self.strip.setCurrentRow(start)
        added = list(pages)
        self.tasks.run(work.previews, added, on_done=lambda pngs: self._previewed(added, pngs),
                       on_error=lambda _e: None)

    def _previewed(self, added: list[PageImage], pngs: list[bytes]) -> None:
        for page, png in zip(added, pngs, strict=True):
            for i, p in enumerate(self.pages):
                if p.data is page.data and self.images[i] is None:
                    self.images[i] = QImage.fromData(png)
        self._draw()

    # --- editing --------------------------------------------------------------------------------

    def current(self) -> int:
        return self.strip.currentRow()

    def move_page(self, step: int) -> None:
        i = self.current()
        j = i + step
        if self.busy or i < 0 or not 0 <= j < len(self.pages):
            return
        self.pages = page_ops.move(self.pages, i, j)
        self.images = page_ops.move(self.images, i, j)
        self._draw()
        self.strip.setCurrentRow(j)

    def rotate(self) -> None:
        i = self.current()
        if self.busy or i < 0:
            return
        self.pages = page_ops.rotate(self.pages, i, 90)
        self._draw()
        self.strip.setCurrentRow(i)

    def remove(self) -> None:
        i = self.current()
        if self.busy or i < 0:
            return
        self.pages = page_ops.remove(self.pages, i)
        del self.images[i]
        self._draw()
        if self.pages:
            self.strip.setCurrentRow(min(i, len(self.pages) - 1))

    # --- saving ---------------------------------------------------------------------------------

    def save(self) -> None:
        if self.busy:
            return
        if not self.pages:
            self.show_error(None, _("There are no pages to save. Scan or add at least one page."))
            return
        self.busy = True
        self._enable()
        say(self.count, pgettext("counter scanning", "Saving…"), "hint")
        pages = list(self.pages)
        self.tasks.run(self._save, pages, on_done=self._saved, on_error=self._save_failed)

    def _saved(self, value: Any) -> None:
        self.busy = False
        self.result_value = value
        self.accept()
        self.saved.emit(value)

    def _save_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._draw()
        self.show_error(exc)
        page = getattr(exc, "details", {}).get("page") if hasattr(exc, "details") else None
        if isinstance(page, int) and 1 <= page <= len(self.pages):
            self.strip.setCurrentRow(page - 1)

    def show_error(self, exc: BaseException | None, text: str | None = None) -> None:
        message = text if text is not None else work.error_text(exc) if exc is not None else ""
        self._message = ("error", message) if message else None
        say(self.error, message, "error")

    # --- drawing --------------------------------------------------------------------------------

    def _picture(self, i: int, px: int | None) -> QPixmap | None:
        image = self.images[i]
        if image is None or image.isNull():
            return None
        pix = QPixmap.fromImage(image)
        if self.pages[i].rotation:
            pix = pix.transformed(QTransform().rotate(self.pages[i].rotation), Qt.TransformationMode.SmoothTransformation)
        if px is None:
            return pix
        return pix.scaled(px, px, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)

    def _draw(self) -> None:
        row = self.strip.currentRow()
        self.strip.blockSignals(True)
        self.strip.clear()
        for i, page in enumerate(self.pages):
            item = QListWidgetItem(_("Page {n}").format(n=i + 1))
            pix = self._picture(i, THUMB_PX)
            if pix is not None:
                item.setIcon(QIcon(pix))
            item.setToolTip(page.source)
            self.strip.addItem(item)
        if self.pages:
            self.strip.setCurrentRow(min(max(row, 0), len(self.pages) - 1))
        self.strip.blockSignals(False)
        n = len(self.pages)
        if not self.busy:
            say(self.count, ngettext("{n} page", "{n} pages", n).format(n=n) if n else
                _("No page yet: scan, add files, or take a file from the folder."), "hint")
        self._draw_preview()
        self._enable()

    def _draw_preview(self) -> None:
        i = self.current()
        if i < 0 or i >= len(self.pages):
            self.preview.show_page(None, _("The selected page is shown here."))
            return
        pix = self._picture(i, None)  # the preview scales it to its size when painting
        self.preview.show_page(pix, _("Page {n} (preparing the picture…)").format(n=i + 1))

    def _enable(self) -> None:
        i = self.current()
        editable = not self.busy and i >= 0
        self.left_button.setEnabled(editable and i > 0)
        self.right_button.setEnabled(editable and i < len(self.pages) - 1)
        self.rotate_button.setEnabled(editable)
        self.remove_button.setEnabled(editable)
        self.save_button.setEnabled(not self.busy and bool(self.pages) and not self.scanner.busy)
        self.files_button.setEnabled(not self.busy)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Scan: {item}").format(item=self.item_name))
        self.heading.setText(_("Scan: {item}").format(item=self.item_name))
        self.scanner.retranslate()
        self.folder.retranslate()
        self.files_button.setText(_("Add files… ({key})").format(key=key_text("scan.files")))
        self.camera.retranslate()
        self.left_button.setText(_("Move left ({key})").format(key=key_text("scan.page_left")))
        self.right_button.setText(_("Move right ({key})").format(key=key_text("scan.page_right")))
        self.rotate_button.setText(_("Turn right ({key})").format(key=key_text("scan.turn")))
        self.remove_button.setText(_("Remove ({key})").format(key=key_text("scan.remove")))
        self.cancel_button.setText(_("Cancel ({key})").format(key=key_text("cancel")))
        self.save_button.setText(_("Save ({key})").format(key=key_text("save")))
        self._draw()


__all__ = ["FILE_FILTER", "THUMB_PX", "ScanDialog"]
