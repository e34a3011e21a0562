"""The document camera as a page source of the scan dialog: the frame on screen captured
(Ctrl+Shift+C) becomes a page like any other — moved, turned, removed, saved losslessly into the PDF;
with no camera (this machine) the section says so and nothing is captured."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter

from counter.scanning import work
from counter.scanning.dialog import ScanDialog
from counter.scanning.sources import frame_page
from local_db.attachment_store import AttachmentStore
from tests.counter.test_scanning_dialog import pdf_widths, tasks  # noqa: F401 (fixture)


def frame(width: int, height: int, bars: int) -> QImage:
    """A camera frame of a page with ``bars`` dark bars on it (tells the pages apart)."""
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(250, 250, 245))
    painter = QPainter(image)
    for i in range(bars):
        painter.fillRect(40, 40 + i * 60, width - 80, 24, QColor(20, 20, 110))
    painter.end()
    return image


def camera_dialog(qtbot, tasks, save, *, use_camera: bool):  # type: ignore[no-untyped-def]  # noqa: F811
    dialog = ScanDialog(tasks, "Giấy chứng sinh", save, find_scanners=False, use_camera=use_camera)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)  # the keys are the window's shortcuts
    return dialog


def test_camera_frames_become_pages_turned_removed_and_saved_in_the_pdf(qtbot, tasks, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    store = AttachmentStore(tmp_path / "store")
    dialog = camera_dialog(qtbot, tasks, lambda pages: work.build_and_keep(pages, store), use_camera=False)
    camera = dialog.camera
    assert not camera.capture_button.isEnabled()  # nothing on screen yet

    for width, bars in ((1280, 3), (1000, 5), (800, 7)):
        camera.feed_frame(frame(width, 720, bars))
        assert camera.capture_button.isEnabled() and camera.live.isVisible()
        qtbot.keyClick(dialog, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        tasks.wait_idle()
    assert dialog.strip.count() == 3
    assert dialog.count.text() == "3 trang"
    assert [p.kind for p in dialog.pages] == ["image"] * 3
    assert all(p.source.startswith("camera:") for p in dialog.pages)
    with Image.open(io.BytesIO(dialog.pages[0].data)) as first:
        assert first.format == "PNG" and first.mode == "RGB" and first.size == (1280, 720)
    assert dialog.preview.pixmap is not None and not dialog.preview.pixmap.isNull()
    assert not dialog.error.isVisible()

    dialog.strip.setCurrentRow(1)
    qtbot.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)  # the 1000 px page turned
    dialog.strip.setCurrentRow(0)
    dialog.remove_button.click()  # the first capture removed
    assert dialog.strip.count() == 2

    with qtbot.waitSignal(dialog.saved, timeout=20_000) as saved:
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    kept = saved.args[0]
    pdf = store.read(kept.sha256)
    assert kept.pages == 2 == len(PdfReader(io.BytesIO(pdf)).pages)
    # the frame's longer side is an A4 page's (842 pt, to the PNG's whole dots per metre); the
    # turn is the page's /Rotate
    (w1, r1), (w2, r2) = pdf_widths(pdf)
    assert abs(w1 - 842) <= 6 and abs(w2 - 842) <= 6 and (r1, r2) == (90, 0)
    assert not camera.capture_button.isEnabled()  # the dialog closed: the camera stopped, the frame forgotten


def test_a_captured_frame_is_kept_losslessly() -> None:
    image = frame(640, 480, 4)
    page = frame_page(image, "camera:Test camera")
    assert page.source == "camera:Test camera" and page.rotation == 0
    with Image.open(io.BytesIO(page.data)) as png:
        assert png.size == (640, 480)
        assert png.getpixel((100, 50)) == (20, 20, 110) and png.getpixel((5, 5)) == (250, 250, 245)
        assert round(png.info["dpi"][0]) == round(640 / (0.297 / 0.0254))


def test_without_a_camera_the_section_says_so_and_its_button_is_disabled(qtbot, tasks):  # type: ignore[no-untyped-def]  # noqa: F811
    dialog = camera_dialog(qtbot, tasks, lambda pages: pages, use_camera=True)  # offscreen: no camera here
    camera = dialog.camera
    assert not camera.feed.available
    assert camera.state.text() == "Máy tính này chưa kết nối máy chụp tài liệu."
    assert camera.capture_button.text() == "Chụp trang (Ctrl+Shift+C)"
    assert not camera.capture_button.isEnabled() and not camera.live.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    tasks.wait_idle()
    assert dialog.pages == [] and not dialog.error.isVisible()


def test_the_camera_feed_turns_video_frames_into_images_and_needs_no_camera(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtMultimedia import QVideoFrame

    from ui.widgets.camera_feed import CameraFeed, camera_devices

    assert camera_devices() == []  # offscreen: no camera, and asking is no error
    feed = CameraFeed(use_camera=True)
    assert not feed.available and feed.device_name == ""
    feed.start()
    feed.stop()
    seen: list[QImage] = []
    feed.frame.connect(seen.append)
    feed._on_video_frame(QVideoFrame(frame(320, 240, 2)))  # what the video sink hands over
    feed._on_video_frame(QVideoFrame())  # an invalid frame is skipped
    assert len(seen) == 1 and seen[0].size().width() == 320
    assert seen[0].pixelColor(100, 50) == QColor(20, 20, 110)
