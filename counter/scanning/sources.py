"""Where the scan dialog's pages come from: the SANE scanner (device, resolution, colour
mode, feeder and duplex when the device has them), the watched folder of a network
scanner and the document camera (QtMultimedia, through ui.widgets.camera_feed). Every call
to ``scanimage`` runs on the TaskRunner; the folder's thread hands each file over through a
queued signal; a camera frame becomes a PNG page on the TaskRunner too."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QWidget,
)

from core.i18n import _, pgettext
from counter.keys import key_text
from scanning import sane
from scanning.folder import FolderWatcher, set_aside_all
from scanning.pages import PageImage
from ui.parts import button, hbox, label, say, vbox
from ui.tasks import TaskRunner
from ui.widgets.camera_feed import CameraFeed

TARGET_PX = 44  # every button and box at least this tall (a finger, a tired hand with a mouse)


def mode_words(mode: str) -> str:
    lowered = mode.lower()
    if lowered.startswith("colo"):
        return pgettext("scan mode", "Colour")
    if lowered.startswith(("gray", "grey")):
        return pgettext("scan mode", "Grey")
    if lowered in ("lineart", "binary", "black & white", "halftone"):
        return pgettext("scan mode", "Black and white")
    return mode


_W = TypeVar("_W", bound=QWidget)


def sized(widget: _W) -> _W:
    widget.setMinimumHeight(TARGET_PX)
    return widget


class ScannerPanel(QWidget):
    """The scanner part of the dialog; emits ``scanned(list[PageImage])`` or ``failed(exc)``."""

    scanned = Signal(object)
    failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, tasks: TaskRunner) -> None:
        super().__init__()
        self.tasks = tasks
        self.devices: list[sane.ScannerDevice] = []
        self.options: sane.ScannerOptions | None = None
        self.busy = False
        self._options_seq = 0
        self.title = label(role="subtitle")
        self.device = sized(QComboBox())
        self.device.setObjectName("scan-device")
        self.device.currentIndexChanged.connect(self._device_chosen)
        self.resolution = sized(QComboBox())
        self.resolution.setObjectName("scan-resolution")
        self.mode = sized(QComboBox())
        self.mode.setObjectName("scan-mode")
        self.feeder = QCheckBox()
        self.feeder.setObjectName("scan-feeder")
        self.duplex = QCheckBox()
        self.duplex.setObjectName("scan-duplex")
        self.find_button = sized(button(name="scan-find", on_click=self.find_scanners))
        self.scan_button = sized(button(role="primary", name="scan-start", on_click=self.scan))
        self.state = label(role="hint", name="scan-scanner-state")
        self.labels = [label(role="hint", wrap=False) for _i in range(3)]
        settings = QWidget()
        row = hbox(settings, spacing=8)
        for lab, box in zip(self.labels, (self.device, self.resolution, self.mode), strict=True):
            col = QWidget()
            vbox(col, [lab, box], spacing=2)
            row.addWidget(col, 2 if box is self.device else 1)
        checks = QWidget()
        vbox(checks, [self.feeder, self.duplex], spacing=4)
        keys = QWidget()
        hbox(keys, [self.find_button, self.scan_button], spacing=8)
        vbox(self, [self.title, settings, checks, keys, self.state], spacing=6)
        self.retranslate()
        self._enable()

    # --- devices ----------------------------------------------------------------------------

    def find_scanners(self) -> None:
        """Ask SANE for the scanners (off the UI thread: it can take seconds)."""
        say(self.state, _("Looking for scanners…"), "hint")
        self._set_busy(True)
        self.tasks.run(sane.list_devices, on_done=self._found, on_error=self._find_failed)

    def _found(self, devices: list[sane.ScannerDevice]) -> None:
        self._set_busy(False)
        self.devices = list(devices)
        self.device.blockSignals(True)
        self.device.clear()
        for d in self.devices:
            self.device.addItem(d.label, d.name)
        self.device.blockSignals(False)
        if not self.devices:
            self.options = None
            say(self.state, _("No scanner found. Check that it is switched on and connected, then press «Find "
                              "scanners» — or add files instead."), "error")
            self._enable()
            return
        say(self.state, "")
        self._device_chosen(0)

    def _find_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.devices = []
        self.device.clear()
        say(self.state, "")
        self.failed.emit(exc)  # the dialog says it beside the pages
        self._enable()

    def _device_chosen(self, index: int) -> None:
        if index < 0 or index >= len(self.devices):
            return
        self._options_seq += 1
        seq = self._options_seq
        self.options = None
        self._enable()
        self.tasks.run(sane.device_options, self.devices[index].name,
                       on_done=lambda o: self._optioned(o, seq), on_error=self._find_failed)

    def _optioned(self, options: sane.ScannerOptions, seq: int) -> None:
        if seq != self._options_seq:
            return
        self.options = options
        self.resolution.clear()
        for r in options.resolutions or (300,):
            self.resolution.addItem(_("{dpi} dpi").format(dpi=r), r)
        want = 300 if 300 in options.resolutions else (options.default_resolution or 0)
        self.resolution.setCurrentIndex(max(0, self.resolution.findData(want)))
        self.mode.clear()
        for m in options.modes or ("Color",):
            self.mode.addItem(mode_words(m), m)
        self.mode.setCurrentIndex(max(0, self.mode.findData(options.default_mode or "")))
        self.feeder.setChecked(options.has_adf and bool(options.default_source)
                               and options.default_source == options.adf_source)
        self._enable()

    # --- scanning -----------------------------------------------------------------------------

    def scan(self) -> None:
        if self.busy or self.options is None:
            if not self.devices and not self.busy:
                say(self.state, _("No scanner is chosen: press «Find scanners» first."), "error")
            return
        o = self.options
        feeder = self.feeder.isChecked() and o.has_adf
        duplex = self.duplex.isChecked() and o.has_duplex
        source = o.adf_source if feeder else None
        say(self.state, _("Scanning… the pages appear here when the scanner has finished."), "hint")
        self._set_busy(True)
        self.tasks.run(sane.scan, o.name, pages=None if (feeder or duplex) else 1,
                       resolution=int(self.resolution.currentData() or 300), mode=str(self.mode.currentData() or "Color"),
                       source=source, duplex=duplex, extra=self.extra(),
                       on_done=self._scanned, on_error=self._scan_failed)

    def extra(self) -> tuple[str, ...]:
        """Backend options passed as they are (the tests' SANE ``test`` backend draws a pattern)."""
        return tuple(self.property("scan_extra") or ())

    def _scanned(self, pages: list[Any]) -> None:
        self._set_busy(False)
        say(self.state, "")
        self.scanned.emit(list(pages))

    def _scan_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        say(self.state, "")
        self.failed.emit(exc)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._enable()
        self.busy_changed.emit(busy)

    def _enable(self) -> None:
        o = self.options
        ready = o is not None and not self.busy
        self.scan_button.setEnabled(ready)
        self.find_button.setEnabled(not self.busy)
        for w in (self.device, self.resolution, self.mode):
            w.setEnabled(not self.busy and bool(self.devices))
        self.feeder.setVisible(o is not None and o.has_adf)
        self.duplex.setVisible(o is not None and o.has_duplex)
        self.feeder.setEnabled(ready)
        self.duplex.setEnabled(ready)

    def retranslate(self) -> None:
        self.title.setText(pgettext("counter scanning", "Scanner"))
        for lab, text in zip(self.labels, (pgettext("counter scanning", "Scanner"), _("Resolution"),
                                           _("Colour mode")), strict=True):
            lab.setText(text)
        self.feeder.setText(_("From the document feeder"))
        self.duplex.setText(_("Both sides of each sheet"))
        self.find_button.setText(_("Find scanners"))
        self.scan_button.setText(_("Scan ({key})").format(key=key_text("scan")))


TAKEN: set[tuple[str, int]] = set()
"""Files of the watched folder taken into a scan on this run of the app (path, mtime): not
offered again while that scan is open or by the intake's notice. A saved scan moves its
files to the folder's «da-dung» subfolder (scanning.folder.set_aside), so a restart does not
offer them again either; a cancelled scan gives its files back (:meth:`FolderPanel.release`)."""


def file_key(path: Path) -> tuple[str, int]:
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        return str(path), 0


class _Bridge(QObject):
    """Carries a path from the watcher's thread to the GUI thread (a queued signal)."""

    arrived = Signal(str)


class FolderPanel(QWidget):
    """The files a network scanner dropped in the watched folder, offered one by one:
    ``chosen(Path)`` when the clerk takes one (Enter or «Add from folder»)."""

    chosen = Signal(object)

    def __init__(self, folder: str) -> None:
        super().__init__()
        self.folder = folder
        self.watcher: FolderWatcher | None = None
        self.taken: list[tuple[Path, tuple[str, int]]] = []  # by this dialog
        self._bridge = _Bridge(self)
        self._bridge.arrived.connect(self._arrived)
        self.title = label(role="subtitle")
        self.where = label(role="hint", name="scan-folder-where")
        self.files = QListWidget()
        self.files.setObjectName("scan-folder-files")
        self.files.setMaximumHeight(90)
        self.files.itemActivated.connect(lambda _i: self.take())
        self.take_button = sized(button(name="scan-folder-take", on_click=self.take))
        vbox(self, [self.title, self.where, self.files, self.take_button], spacing=6)
        self.retranslate()

    def start(self) -> None:
        if not self.folder or self.watcher is not None:
            return
        path = Path(self.folder)
        if not path.is_dir():
            return
        self.watcher = FolderWatcher(path, lambda p: self._bridge.arrived.emit(str(p)), interval=0.5)
        self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None

    def _arrived(self, path: str) -> None:
        if file_key(Path(path)) in TAKEN:
            return
        item = QListWidgetItem(Path(path).name)
        item.setData(256, path)
        self.files.addItem(item)
        if self.files.currentRow() < 0:
            self.files.setCurrentRow(0)
        self._enable()

    def take(self) -> None:
        item = self.files.currentItem()
        if item is None:
            return
        path = item.data(256)
        key = file_key(Path(path))
        TAKEN.add(key)
        self.taken.append((Path(path), key))
        self.files.takeItem(self.files.row(item))
        self._enable()
        self.chosen.emit(Path(path))

    def release(self) -> None:
        """The scan was cancelled: its files are offered again (next dialog, the intake)."""
        for _path, key in self.taken:
            TAKEN.discard(key)
        self.taken = []

    def set_aside(self, tasks: TaskRunner) -> None:
        """The scan was saved: its files go to the «da-dung» subfolder, off the UI thread (a
        network share can be slow). A file that cannot move stays taken for this run."""
        paths, self.taken = [p for p, _key in self.taken], []
        if paths:
            tasks.run(set_aside_all, paths, on_error=lambda _e: None)

    def _enable(self) -> None:
        self.take_button.setEnabled(self.files.count() > 0)

    def retranslate(self) -> None:
        self.title.setText(_("Network scanner folder"))
        usable = False
        if not self.folder:
            self.where.setText(_("No folder is set for this computer (machine setting scan_folder)."))
        elif not Path(self.folder).is_dir():
            self.where.setText(_("The folder {folder} cannot be found.").format(folder=self.folder))
        else:
            self.where.setText(_("New files in {folder} appear here.").format(folder=self.folder))
            usable = True
        # no folder to watch: the sentence says why, an empty list and a grey button would not
        self.files.setVisible(usable)
        self.take_button.setVisible(usable)
        self.take_button.setText(_("Add from folder ({key})").format(key=key_text("scan.folder")))
        self._enable()


# --- the document camera ----------------------------------------------------------------------

A4_LONG_SIDE_M = 0.297  # a document camera frames one A4 page: its longer side is the page's


def frame_page(image: QImage, source: str) -> PageImage:
    """A camera frame as a page: lossless PNG (RGB, no alpha: img2pdf refuses alpha), with a
    resolution that makes the frame's longer side an A4 page's in the PDF. Thread-safe (QImage
    is reentrant): runs on the TaskRunner."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    dots_per_metre = round(max(rgb.width(), rgb.height()) / A4_LONG_SIDE_M)
    rgb.setDotsPerMeterX(dots_per_metre)
    rgb.setDotsPerMeterY(dots_per_metre)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stub says bytes for the format; at run time only str is accepted
    if not rgb.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise OSError("the camera frame could not be encoded")
    buffer.close()
    return PageImage(bytes(data.data()), kind="image", source=source)


class LiveFrame(QWidget):
    """The camera's latest frame, scaled to fit (painted, so any size fits)."""

    def __init__(self) -> None:
        super().__init__()
        self.image: QImage | None = None
        self.setMinimumSize(QSize(240, 180))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(200)

    def show_frame(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor(30, 30, 30))
            if self.image is None or self.image.isNull():
                return
            size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x, y = (self.width() - size.width()) / 2, (self.height() - size.height()) / 2
            painter.drawImage(QRectF(x, y, size.width(), size.height()), self.image)
        finally:
            painter.end()


class CameraPanel(QWidget):
    """The document camera part of the dialog: a live preview and «Capture page», which emits
    ``captured(list[PageImage])`` with the frame on screen, or ``failed(exc)``. No camera:
    the panel says so and its button stays disabled. :meth:`feed_frame` is the frames' one
    way in (the camera's and the tests')."""

    captured = Signal(object)
    failed = Signal(object)

    def __init__(self, tasks: TaskRunner, *, use_camera: bool = True) -> None:
        super().__init__()
        self.tasks = tasks
        self.image: QImage | None = None
        self.busy = False
        self.feed = CameraFeed(self, use_camera=use_camera)
        self.feed.frame.connect(self.feed_frame)
        self.feed.availability_changed.connect(lambda _ok: self._lost())
        self.title = label(role="subtitle")
        self.state = label(role="hint", name="scan-camera-state")
        self.live = LiveFrame()
        self.live.setObjectName("scan-camera-live")
        self.capture_button = sized(button(name="scan-camera-capture", on_click=self.capture))
        # the button above the picture: in reach without scrolling the sources column
        vbox(self, [self.title, self.state, self.capture_button, self.live], spacing=6)
        self.retranslate()

    @property
    def source(self) -> str:
        return f"camera:{self.feed.device_name or 'camera'}"

    def start(self) -> None:
        self.feed.start()

    def stop(self) -> None:
        """Stop the camera and forget the frame (nobody's papers or face stay on screen)."""
        self.feed.stop()
        self.image = None
        self.live.show_frame(None)
        self._enable()

    def feed_frame(self, image: QImage) -> None:
        self.image = image
        self.live.show_frame(image)
        if not self.capture_button.isEnabled() and not self.busy:
            self.retranslate()

    def _lost(self) -> None:
        self.stop()
        self.retranslate()

    def capture(self) -> None:
        """The frame on screen becomes a page (encoded off the UI thread)."""
        if self.image is None or self.busy:
            return
        self.busy = True
        self._enable()
        self.tasks.run(frame_page, self.image.copy(), self.source, on_done=self._captured, on_error=self._failed)

    def _captured(self, page: PageImage) -> None:
        self.busy = False
        self._enable()
        self.captured.emit([page])

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._enable()
        self.failed.emit(exc)

    def _enable(self) -> None:
        self.capture_button.setEnabled(self.image is not None and not self.busy)

    def retranslate(self) -> None:
        self.title.setText(_("Document camera"))
        if self.feed.available:
            self.state.setText(_("{camera}: put the page under the camera, then capture it.").format(
                camera=self.feed.device_name))
        elif self.image is not None:
            self.state.setText(_("Put the page under the camera, then capture it."))
        else:
            self.state.setText(_("No document camera is connected to this computer."))
        self.live.setVisible(self.feed.available or self.image is not None)
        self.capture_button.setText(_("Capture page ({key})").format(key=key_text("scan.capture")))
        self._enable()


__all__ = ["TARGET_PX", "CameraPanel", "FolderPanel", "LiveFrame", "ScannerPanel", "frame_page", "mode_words"]
