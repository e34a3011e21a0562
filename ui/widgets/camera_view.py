"""The camera preview with its frame guide, and QR decoding of what is held in the guide.

Frames come from a :class:`~ui.widgets.camera_feed.CameraFeed` (QCamera + QMediaCaptureSession
+ QVideoSink), or from :meth:`CameraView.feed_frame` (tests and the tour, through exactly the
same path). Every frame is shown; only
every ``every_nth`` frame is decoded, on a pool thread (ui.tasks.TaskRunner ->
printing.qr_decode.decode_frame on the grayscale frame, inside the guide only), and never
two at once: a frame that arrives while a decode runs is just shown. A kiosk has two cores
and the GUI thread must stay free for the citizen's touches.

With no camera (this machine, many kiosks) the widget says so through :attr:`available`
and paints a plain "no camera" state; nothing raises. The same text read again and again
while the paper is held still is reported once (``repeat_after`` seconds).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from printing.qr_decode import DEFAULT_GUIDE, FrameGuide, decode_frame
from ui.tasks import TaskRunner
from ui.widgets.camera_feed import PREFERRED_SIZE, CameraFeed, camera_devices


def decode_qimage(image: QImage, guide: FrameGuide) -> str | None:
    """The QR text inside ``guide`` of a frame (runs on a pool thread: QImage is reentrant)."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    data = bytes(gray.constBits())[: stride * height]
    return decode_frame(data, width, height, stride=stride, guide=guide)


class CameraView(QWidget):
    scanned = Signal(str)
    availability_changed = Signal(bool)

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *, guide: FrameGuide = DEFAULT_GUIDE,
                 every_nth: int = 5, repeat_after: float = 3.0, use_camera: bool = True,
                 decoder: Callable[[QImage, FrameGuide], str | None] = decode_qimage,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        if every_nth < 1:
            raise ValueError("every_nth must be at least 1")
        self.tasks = tasks
        self.guide = guide
        self.every_nth = every_nth
        self.repeat_after = repeat_after
        self.decoder = decoder
        self.clock = clock
        self.frames = 0  # frames seen since start()
        self.decodes = 0  # decodes started (tests, diagnostics)
        self._busy = False
        self._image: QImage | None = None
        self._last: tuple[str, float] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(320)
        self.feed = CameraFeed(self, use_camera=use_camera)
        self.feed.frame.connect(self.feed_frame)
        self.feed.availability_changed.connect(self._on_camera_lost)

    # --- the camera -------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """A camera is there and working (False: say "use the scanner")."""
        return self.feed.available

    def start(self) -> None:
        """Start the preview (on entering the screen)."""
        self.frames = 0
        self._last = None
        self.feed.start()

    def stop(self) -> None:
        """Stop the camera and forget the last picture (on leaving: nobody's face stays)."""
        self.feed.stop()
        self._image = None
        self._last = None
        self.update()

    def _on_camera_lost(self, _ok: bool) -> None:
        self.stop()
        self.availability_changed.emit(False)

    # --- frames -----------------------------------------------------------------------------

    def feed_frame(self, image: QImage) -> bool:
        """Show a frame and, if it is a decoding frame and no decode is running, decode it on a
        pool thread. Returns whether a decode was started."""
        self._image = image
        self.update()
        index = self.frames
        self.frames += 1
        if index % self.every_nth or self._busy:
            return False
        self._busy = True
        self.decodes += 1
        self.tasks.run(self.decoder, image.copy(), self.guide, on_done=self._decoded, on_error=self._failed)
        return True

    @property
    def decoding(self) -> bool:
        return self._busy

    def _decoded(self, text: str | None) -> None:
        self._busy = False
        if not text:
            return
        now = self.clock()
        if self._last is not None and self._last[0] == text and now - self._last[1] < self.repeat_after:
            return
        self._last = (text, now)
        self.scanned.emit(text)

    def _failed(self, exc: Exception) -> None:
        self._busy = False

    # --- painting ---------------------------------------------------------------------------

    def _image_rect(self) -> QRectF:
        """Where the frame is drawn: scaled to fit, centred."""
        if self._image is None or self._image.isNull():
            return QRectF(self.rect())
        size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) / 2
        y = (self.height() - size.height()) / 2
        return QRectF(x, y, size.width(), size.height())

    def guide_rect(self) -> QRectF:
        """The guide square in widget coordinates (where the citizen holds the code)."""
        area = self._image_rect()
        if self._image is not None and not self._image.isNull():
            w, h = self._image.width(), self._image.height()
            left, top, right, bottom = self.guide.box(w, h)
            sx, sy = area.width() / w, area.height() / h
            return QRectF(area.x() + left * sx, area.y() + top * sy, (right - left) * sx, (bottom - top) * sy)
        left, top, right, bottom = self.guide.box(round(area.width()), round(area.height()))
        return QRectF(area.x() + left, area.y() + top, right - left, bottom - top)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(30, 30, 30))
        if self._image is not None and not self._image.isNull():
            painter.drawImage(self._image_rect(), self._image)
        guide = self.guide_rect()
        # Dim what is outside the guide, so the eye goes to the square.
        shade = QColor(0, 0, 0, 110)
        outer = QRectF(self.rect())
        painter.fillRect(QRectF(outer.left(), outer.top(), outer.width(), guide.top() - outer.top()), shade)
        painter.fillRect(QRectF(outer.left(), guide.bottom(), outer.width(), outer.bottom() - guide.bottom()), shade)
        painter.fillRect(QRectF(outer.left(), guide.top(), guide.left() - outer.left(), guide.height()), shade)
        painter.fillRect(QRectF(guide.right(), guide.top(), outer.right() - guide.right(), guide.height()), shade)
        # The guide: white corners, thick enough to see from a step away.
        pen = QPen(QColor(255, 255, 255), 8)
        pen.setCapStyle(Qt.PenCapStyle.SquareCap)
        painter.setPen(pen)
        arm = guide.width() * 0.2
        r = guide.toRect() if isinstance(guide, QRectF) else QRect(guide)
        for (x, y, dx, dy) in ((r.left(), r.top(), 1, 1), (r.right(), r.top(), -1, 1),
                               (r.left(), r.bottom(), 1, -1), (r.right(), r.bottom(), -1, -1)):
            painter.drawLine(x, y, int(x + dx * arm), y)
            painter.drawLine(x, y, x, int(y + dy * arm))
        painter.end()


__all__ = ["PREFERRED_SIZE", "CameraView", "camera_devices", "decode_qimage"]
