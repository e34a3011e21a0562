"""Reading QR codes from images and camera frames, with zbar (pyzbar), QR codes only.

The kiosk's camera shows a guide square in the middle of the screen and the citizen holds
the code there, so :func:`decode_frame` looks only inside that region (:class:`FrameGuide`):
a quarter of the pixels of a 1080p frame, and nothing at the edge of the picture (a poster
on the wall, another person's paper) is read by mistake.

Passes, cheapest first, stopping at the first that finds a code (chosen by measuring
on 1080p camera-like frames: sensor noise, 5-15 degree rotation, perspective, blur, low
contrast; see benchmarks/scanning.py):

1. the guide region at half size (a 2x2 box average): a quarter of the pixels, and the
   averaging removes most sensor noise, which otherwise breaks zbar's binariser. It reads
   ~95 % of codes held at the guide, in about 2-3 ms. (The region at full size, unfiltered,
   reads only about half of them: noise.)
2. full size smoothed (3x3 box blur): a smaller code whose modules the half size merged;
3. smoothed then sharpened (unsharp mask): a blurred (out of focus) code;
4. smoothed then thresholded against the local mean: low contrast, uneven light.

A frame with no code runs all four (about 25-30 ms on the 486 px region of a 1080p frame),
which the kiosk can afford at its few frames a second; a frame with a code almost always
stops after the first. A code smaller than about 200 px across in a 1080p frame (modules
under 3.5 px) that is also blurred is often unreadable: the guide asks for it closer.

Text: zbar returns the code's bytes converted to UTF-8 (our tokens are ASCII; the CCCD
QR is UTF-8 Vietnamese); they are decoded as UTF-8, falling back to Latin-1 so nothing is
ever lost to an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from os import PathLike

from PIL import Image, ImageChops, ImageFilter
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

_QR_ONLY = [ZBarSymbol.QRCODE]


@dataclass(frozen=True)
class FrameGuide:
    """Where the kiosk draws its guide: a square ``size`` x the frame's shorter side (its
    height, for a landscape camera) on a side, centred at (``center_x`` x width,
    ``center_y`` x height). Fractions, so it does not care about the camera's resolution."""

    center_x: float = 0.5
    center_y: float = 0.5
    size: float = 0.45

    def __post_init__(self) -> None:
        if not (0 < self.size <= 1 and 0 <= self.center_x <= 1 and 0 <= self.center_y <= 1):
            raise ValueError("FrameGuide: size in (0, 1], centre within the frame")

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) in pixels, clipped to the frame."""
        side = max(1, round(self.size * min(width, height)))
        left = round(self.center_x * width - side / 2)
        top = round(self.center_y * height - side / 2)
        left = min(max(left, 0), max(width - side, 0))
        top = min(max(top, 0), max(height - side, 0))
        return left, top, min(left + side, width), min(top + side, height)


DEFAULT_GUIDE = FrameGuide()


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _zbar(image: Image.Image) -> list[str]:
    found: list[str] = []
    for symbol in pyzbar.decode(image, symbols=_QR_ONLY):
        text = _text(symbol.data)
        if text not in found:
            found.append(text)
    return found


def _half(image: Image.Image) -> Image.Image:
    return image.reduce(2) if min(image.size) >= 160 else image


def _passes(gray: Image.Image) -> Iterator[Callable[[], Image.Image]]:
    yield lambda: _half(gray)
    yield lambda: gray.filter(ImageFilter.BoxBlur(1))
    yield lambda: gray.filter(ImageFilter.BoxBlur(1)).filter(ImageFilter.UnsharpMask(3, 150, 2))
    yield lambda: _local_threshold(gray.filter(ImageFilter.BoxBlur(1)))


def _local_threshold(gray: Image.Image, radius: int = 12) -> Image.Image:
    """Black and white against the neighbourhood's mean: survives uneven light and low contrast."""
    mean = gray.filter(ImageFilter.BoxBlur(radius))
    return ImageChops.subtract(gray, mean, scale=1, offset=128).point(lambda v: 255 if v > 126 else 0)


def _decode_gray(gray: Image.Image) -> list[str]:
    for make in _passes(gray):
        found = _zbar(make())
        if found:
            return found
    return []


def decode_image(image: Image.Image | str | PathLike[str]) -> list[str]:
    """Every QR code's text in an image (a PIL image or a file path), in zbar's order;
    an empty list when there is none. Tries the same passes as :func:`decode_frame`."""
    if not isinstance(image, Image.Image):
        with Image.open(image) as opened:
            opened.load()
            image = opened.copy()
    return _decode_gray(_grayscale(image))


def _grayscale(image: Image.Image) -> Image.Image:
    if image.mode == "L":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels become white, as on paper (not black, as a plain convert would give).
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    return image.convert("L")


def frame_image(data: bytes | bytearray | memoryview, width: int, height: int, *,
                stride: int | None = None) -> Image.Image:
    """A PIL view of raw 8-bit grayscale pixels (``stride`` bytes a row, default ``width``:
    a QImage's bytesPerLine may be padded to a multiple of 4)."""
    stride = width if stride is None else stride
    if width <= 0 or height <= 0 or stride < width:
        raise ValueError("bad frame geometry")
    if len(data) < stride * (height - 1) + width:
        raise ValueError("frame buffer is smaller than width x height")
    return Image.frombuffer("L", (width, height), bytes(data) if isinstance(data, memoryview) else data,
                            "raw", "L", stride, 1)


def decode_frame(frame: Image.Image | bytes | bytearray | memoryview, width: int | None = None,
                 height: int | None = None, *, stride: int | None = None,
                 guide: FrameGuide = DEFAULT_GUIDE) -> str | None:
    """The text of a QR code inside the guide region of a camera frame, or None.

    ``frame`` is a PIL image (any mode) or raw 8-bit grayscale bytes with ``width`` and
    ``height`` (and ``stride`` if rows are padded). When the region holds several codes the
    first zbar reports is returned.
    """
    if isinstance(frame, Image.Image):
        image = frame
    else:
        if width is None or height is None:
            raise ValueError("raw frame bytes need width and height")
        image = frame_image(frame, width, height, stride=stride)
    region = image.crop(guide.box(image.width, image.height))
    found = _decode_gray(_grayscale(region))
    return found[0] if found else None


__all__ = ["DEFAULT_GUIDE", "FrameGuide", "decode_frame", "decode_image", "frame_image"]
