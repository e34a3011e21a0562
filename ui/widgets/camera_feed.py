"""A camera as a stream of QImage frames: QCamera + QMediaCaptureSession + QVideoSink, shared by
the kiosk's QR camera (:mod:`ui.widgets.camera_view`) and the counter's document camera.

With no camera (this machine, many kiosks and counters) or no multimedia back-end,
:attr:`CameraFeed.available` is False and nothing raises; a camera that fails while running
emits ``availability_changed(False)`` once and stops. Tests and the tour skip the device
(``use_camera=False``) and hand frames to their widget themselves.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QImage

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QCameraDevice

log = logging.getLogger(__name__)

#: A preview this size is plenty for a slip held 20-40 cm away or an A4 page under the arm.
PREFERRED_SIZE = QSize(1280, 720)


def camera_devices() -> list[QCameraDevice]:
    """The video inputs Qt can see (empty without a camera or a multimedia back-end)."""
    try:
        from PySide6.QtMultimedia import QMediaDevices

        return list(QMediaDevices.videoInputs())
    except Exception as exc:  # noqa: BLE001 - no multimedia plugin at all: the same as no camera
        log.warning("no camera can be used (the multimedia back-end failed): %s: %s", type(exc).__name__, exc,
                    exc_info=True)
        return []


class CameraFeed(QObject):
    """``frame(QImage)`` for every valid frame while started; ``availability_changed(bool)``
    when a working camera stops working."""

    frame = Signal(QImage)
    availability_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, use_camera: bool = True, device: Any = None,
                 preferred: QSize = PREFERRED_SIZE) -> None:
        super().__init__(parent)
        self.preferred = preferred
        self.device_name = ""
        self._camera: Any = None
        self._session: Any = None
        self._sink: Any = None
        self._available = False
        if use_camera:
            self._open(device)

    def _open(self, device: Any) -> None:
        if device is None:
            devices = camera_devices()
            if not devices:
                return
            device = devices[0]
        try:
            from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QVideoSink

            camera = QCamera(device, self)
            formats = [f for f in device.videoFormats() if f.resolution().width() <= self.preferred.width()]
            if formats:
                camera.setCameraFormat(max(formats, key=lambda f: (f.resolution().width(), f.maxFrameRate())))
            session = QMediaCaptureSession(self)
            sink = QVideoSink(self)
            session.setCamera(camera)
            session.setVideoSink(sink)
            sink.videoFrameChanged.connect(self._on_video_frame)
            camera.errorOccurred.connect(self._on_error)
        except Exception as exc:  # noqa: BLE001 - a broken camera back-end: the same as no camera, never a crash
            log.warning("camera unavailable (its back-end failed): %s: %s", type(exc).__name__, exc, exc_info=True)
            return
        self._camera, self._session, self._sink = camera, session, sink
        self.device_name = str(device.description() or device.id().data().decode("utf-8", "replace"))
        self._available = True

    @property
    def available(self) -> bool:
        """A camera is there and working."""
        return self._available

    def start(self) -> None:
        if self._camera is not None and self._available:
            self._camera.start()

    def stop(self) -> None:
        if self._camera is not None:
            self._camera.stop()

    def _on_error(self, *args: object) -> None:
        if self._available:
            log.warning("camera unavailable: %s stopped with an error %s", self.device_name, args)
            self._available = False
            self.stop()
            self.availability_changed.emit(False)

    def _on_video_frame(self, frame: Any) -> None:
        if not frame.isValid():
            return
        image = frame.toImage()
        if not image.isNull():
            self.frame.emit(image)


__all__ = ["PREFERRED_SIZE", "CameraFeed", "camera_devices"]
