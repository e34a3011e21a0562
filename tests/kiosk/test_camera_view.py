"""The camera preview: frames decoded off the GUI thread, inside the guide only, and a clean
"no camera" state on a machine without one (like this one)."""

from __future__ import annotations

import os
import threading

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtGui import QImage

from printing.qr_decode import FrameGuide
from printing.qr_image import qr_image
from ui.app import make_app
from ui.tasks import TaskRunner
from ui.widgets.camera_view import CameraView, camera_devices, decode_qimage

TEXT = "AEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIB"


def frame_with_code(where: tuple[int, int] | None = None, size: tuple[int, int] = (1280, 720)) -> QImage:
    """A camera-sized frame (odd width rows padded in a QImage) with the QR at ``where``
    (its centre; default the middle)."""
    frame = Image.new("RGB", size, (120, 110, 100))
    code = qr_image(TEXT, module_px=6).convert("RGB")
    cx, cy = where or (size[0] // 2, size[1] // 2)
    frame.paste(code, (cx - code.width // 2, cy - code.height // 2))
    data = frame.tobytes()
    return QImage(data, frame.width, frame.height, frame.width * 3, QImage.Format.Format_RGB888).copy()


@pytest.fixture
def tasks(qtbot) -> TaskRunner:  # type: ignore[no-untyped-def]
    make_app()
    runner = TaskRunner()
    yield runner
    runner.wait_idle()


def test_a_frame_is_decoded_on_a_pool_thread_and_reported_once(qtbot, tasks):  # type: ignore[no-untyped-def]
    threads = []

    def spy(image, guide):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return decode_qimage(image, guide)

    view = CameraView(tasks, use_camera=False, decoder=spy, every_nth=1)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    with qtbot.waitSignal(view.scanned, timeout=5000) as got:
        assert view.feed_frame(frame_with_code())
    assert got.args == [TEXT]
    assert threads and threads[0] is not threading.main_thread()
    scans = []
    view.scanned.connect(scans.append)
    view.feed_frame(frame_with_code())  # the paper held still: the same code again
    tasks.wait_idle()
    assert scans == []


def test_only_every_nth_frame_is_decoded_and_never_two_at_once(qtbot, tasks):  # type: ignore[no-untyped-def]
    release = threading.Event()
    calls = []

    def slow(image, guide):  # type: ignore[no-untyped-def]
        calls.append(image.size())
        release.wait(5)

    view = CameraView(tasks, use_camera=False, decoder=slow, every_nth=5)
    qtbot.addWidget(view)
    frame = frame_with_code()
    started = [view.feed_frame(frame) for _ in range(11)]  # frames 0, 5, 10 are decoding frames
    assert started == [True] + [False] * 10  # 5 and 10 came while frame 0 was still decoding
    assert view.decoding
    release.set()
    tasks.wait_idle()
    assert not view.decoding and len(calls) == 1
    started = [view.feed_frame(frame) for _ in range(5)]  # frames 11..15: 15 is the next
    tasks.wait_idle()
    assert started == [False, False, False, False, True] and len(calls) == 2


def test_a_code_outside_the_guide_is_not_read(qtbot, tasks):  # type: ignore[no-untyped-def]
    view = CameraView(tasks, use_camera=False, every_nth=1, guide=FrameGuide(size=0.45))
    qtbot.addWidget(view)
    scans = []
    view.scanned.connect(scans.append)
    view.feed_frame(frame_with_code(where=(180, 360)))  # at the left edge: a poster on the wall
    tasks.wait_idle()
    assert scans == []
    view.feed_frame(frame_with_code())
    tasks.wait_idle()
    assert scans == [TEXT]


def test_the_guide_is_drawn_where_decoding_looks(qtbot, tasks):  # type: ignore[no-untyped-def]
    view = CameraView(tasks, use_camera=False)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    view.feed_frame(frame_with_code())
    tasks.wait_idle()
    r = view.guide_rect()
    left, top, right, bottom = view.guide.box(1280, 720)
    assert (round(r.left()), round(r.top()), round(r.right()), round(r.bottom())) == (left, top, right, bottom)


def test_without_a_camera_it_says_so_and_nothing_breaks(qtbot, tasks):  # type: ignore[no-untyped-def]
    assert camera_devices() == []  # this machine has none
    view = CameraView(tasks)
    qtbot.addWidget(view)
    assert not view.available
    view.start()
    view.show()
    view.grab()  # paints its empty state
    view.stop()
