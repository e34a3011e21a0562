"""Reading QR codes back: clean images, and 1080p camera frames as the kiosk hands them over.

The frames are synthetic (benchmarks/scanning.py builds the same ones the benchmark times):
the code on a sheet of paper, rotated 5-15 degrees, tilted in perspective, blurred, in low
contrast and uneven light, with sensor noise.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import date, datetime, timezone

import pytest
import qrcode
from PIL import Image

from benchmarks.scanning import (
    FRAME_SIZE,
    Shot,
    appointment_token,
    camera_frame,
    random_shot,
)
from core.scanned import ScanKind, classify
from core.tokens import ReceiptToken, Signer, TicketToken, receipt_url
from printing.qr_decode import (
    DEFAULT_GUIDE,
    FrameGuide,
    decode_frame,
    decode_image,
    frame_image,
)
from printing.qr_image import qr_image

SIGNER = Signer(bytes(range(32)))
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
TICKET_TEXT = SIGNER.sign(TicketToken(uuid.UUID(int=5), "00004", NOW, date(2026, 11, 20), "A015"))
APPOINTMENT_TEXT = appointment_token(SIGNER)[1]
RECEIPT_URL = receipt_url("tracuu.motcua.vn", SIGNER.sign(
    ReceiptToken(uuid.UUID(int=6), "00004", NOW, "000.00.04.H26-261120-0001")))
ID_QR = "001090012345|123456789|Nguyễn Văn Hoà|01021990|Nam|Số 1 Đội Cấn, Phường Ba Đình, Hà Nội|15082021"
W, H = FRAME_SIZE


def id_card_modules(text: str = ID_QR) -> Image.Image:
    """The ID card's QR as the card prints it: UTF-8 in byte mode (not our alphanumeric mode)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()
    image = Image.new("L", (len(matrix), len(matrix)), 255)
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    return image


# --- images -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [TICKET_TEXT, APPOINTMENT_TEXT, RECEIPT_URL], ids=["ticket", "appointment", "receipt"])
def test_a_printed_code_reads_back_exactly(text, tmp_path):
    image = qr_image(text, module_px=4)
    assert decode_image(image) == [text]
    path = tmp_path / "code.png"
    image.save(path)
    assert decode_image(path) == [text]
    assert decode_image(str(path)) == [text]


def test_a_transparent_image_is_read_on_white_and_every_code_is_found():
    sheet = Image.new("RGBA", (900, 500), (0, 0, 0, 0))  # transparent, as a screenshot of a web page
    sheet.paste(qr_image(TICKET_TEXT, module_px=5).convert("RGBA"), (20, 20))
    sheet.paste(qr_image(RECEIPT_URL, module_px=4).convert("RGBA"), (470, 20))
    assert sorted(decode_image(sheet)) == sorted([TICKET_TEXT, RECEIPT_URL])


def test_an_image_without_a_code_gives_nothing():
    assert decode_image(Image.new("RGB", (640, 480), "white")) == []
    assert decode_image(camera_frame("", Shot(), rng=random.Random(1))) == []


def test_the_id_card_qr_keeps_its_vietnamese_text():
    assert decode_image(id_card_modules().resize((400, 400), Image.NEAREST)) == [ID_QR]


# --- camera frames ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shot",
    [
        Shot(angle=5, blur=0.8),
        Shot(angle=-15, blur=1.5),
        Shot(angle=12, tilt=0.1, blur=1.0),
        Shot(angle=-8, code_px=250, blur=0.8),  # held farther away
        Shot(angle=7, code_px=420),  # close: the code nearly fills the guide
        Shot(angle=10, dark=110, light=160, gradient=60),  # low contrast, uneven light
        Shot(angle=-6, noise=16, blur=1.2),  # a noisy sensor
        Shot(angle=14, blur=2.2),  # out of focus
    ],
    ids=["5deg", "-15deg", "perspective", "far", "close", "low-contrast", "noisy", "blurred"],
)
def test_a_code_held_at_the_guide_is_read(shot):
    frame = camera_frame(APPOINTMENT_TEXT, shot, rng=random.Random(3))
    assert decode_frame(frame) == APPOINTMENT_TEXT


def test_varied_frames_all_decode_from_raw_grayscale_bytes():
    rng = random.Random(42)
    for i in range(12):
        _token, text = appointment_token(SIGNER, i)
        frame = camera_frame(text, random_shot(rng), rng=rng)
        assert decode_frame(frame.tobytes(), W, H) == text, i


def test_padded_rows_are_read_with_their_stride():
    frame = camera_frame(TICKET_TEXT, Shot(angle=9), rng=random.Random(4)).crop((0, 0, 1917, 1080))
    stride = 1920  # a QImage pads each row to a multiple of 4 bytes
    data = frame.tobytes()
    padded = b"".join(data[y * 1917 : (y + 1) * 1917] + b"\0\0\0" for y in range(1080))
    assert decode_frame(padded, 1917, 1080, stride=stride) == TICKET_TEXT
    assert decode_frame(bytearray(padded), 1917, 1080, stride=stride) == TICKET_TEXT
    assert decode_frame(memoryview(padded), 1917, 1080, stride=stride) == TICKET_TEXT


def test_a_colour_frame_is_read_too():
    frame = camera_frame(TICKET_TEXT, Shot(angle=-11), rng=random.Random(5)).convert("RGB")
    assert decode_frame(frame) == TICKET_TEXT


def test_a_code_outside_the_guide_is_ignored():
    frame = camera_frame(TICKET_TEXT, Shot(angle=8, dx=650, dy=-150, code_px=300), rng=random.Random(6))
    assert decode_frame(frame) is None
    assert decode_image(frame) == [TICKET_TEXT]  # it is readable: only the guide keeps it out
    assert decode_frame(frame, guide=FrameGuide(center_x=0.5 + 650 / W, center_y=0.5 - 150 / H)) == TICKET_TEXT


def test_a_frame_without_a_code_returns_none_quickly():
    frames = [camera_frame("", random_shot(random.Random(seed)), rng=random.Random(seed)).tobytes() for seed in range(5)]
    decode_frame(frames[0], W, H)  # warm up
    start = time.perf_counter()
    for data in frames:
        assert decode_frame(data, W, H) is None
    per_frame = (time.perf_counter() - start) / len(frames)
    assert per_frame < 0.150, f"{per_frame * 1000:.0f} ms a frame"  # ~25-30 ms here; generous for CI


def test_an_id_card_qr_in_a_frame_is_read_and_classified_as_an_id_card():
    frame = camera_frame(id_card_modules(), Shot(angle=-9, code_px=400, blur=1.0), rng=random.Random(8))
    text = decode_frame(frame.tobytes(), W, H)
    assert text == ID_QR
    scanned = classify(text, today=date(2026, 11, 20))
    assert scanned.kind is ScanKind.ID_CARD and not scanned.is_token
    assert scanned.id_card.full_name == "Nguyễn Văn Hoà"


def test_our_token_in_a_frame_is_classified_as_ours():
    frame = camera_frame(RECEIPT_URL, Shot(angle=6), rng=random.Random(9))
    scanned = classify(decode_frame(frame))
    assert scanned.kind is ScanKind.RECEIPT and scanned.from_url


# --- the guide --------------------------------------------------------------------------------


def test_the_default_guide_is_a_centred_square_of_45_percent_of_the_height():
    left, top, right, bottom = DEFAULT_GUIDE.box(1920, 1080)
    assert right - left == bottom - top == 486
    assert (left + right) / 2 == pytest.approx(960, abs=1) and (top + bottom) / 2 == pytest.approx(540, abs=1)
    assert DEFAULT_GUIDE.box(720, 1280) == (198, 478, 522, 802)  # a portrait camera: 45 % of its width


def test_a_guide_at_the_edge_is_kept_inside_the_frame():
    assert FrameGuide(center_x=1.0, center_y=0.0, size=0.5).box(1000, 800) == (600, 0, 1000, 400)
    assert FrameGuide(size=1.0).box(400, 800) == (0, 200, 400, 600)
    with pytest.raises(ValueError):
        FrameGuide(size=0)


def test_bad_raw_frames_are_refused():
    with pytest.raises(ValueError):
        decode_frame(b"\0" * 100)  # no width and height
    with pytest.raises(ValueError):
        decode_frame(b"\0" * 100, 20, 10)  # smaller than 20 x 10
    with pytest.raises(ValueError):
        frame_image(b"\0" * 400, 20, 10, stride=10)
    assert frame_image(b"\x80" * 200, 20, 10).getpixel((19, 9)) == 128
