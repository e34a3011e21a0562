"""Pages of one checklist item, and the one PDF they become.

A :class:`PageImage` is one page as it came in: the image bytes a scanner wrote (PNG, JPEG,
TIFF) or one page of a PDF (as a one-page PDF). The clerk reorders, rotates and removes pages
with :func:`move`, :func:`rotate` and :func:`remove` (new lists: the screen keeps an undo
history for free), then :func:`build_pdf` turns them into the attachment.

Images go into the PDF losslessly with img2pdf: the scanner's PNG/JPEG stream is embedded
as it is, so the pixels in the PDF are the scanned pixels, and a rotation is the page's
``/Rotate`` entry, never a re-encoded image. Every refusal is a
:class:`core.errors.ValidationError` with a stable code (``empty_scan``, ``blank_page``,
``broken_file``, ``not_a_document``, ``too_large``) and a message the clerk can act on;
nothing is written anywhere before the PDF is complete, so a refusal leaves nothing
half-saved.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, TypeVar, cast

import img2pdf
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from core.errors import ValidationError
from core.i18n import _, lazy_gettext

MAX_FILE_BYTES = 100 * 1024 * 1024
"""A file bigger than this is refused from its size alone, before a byte is read."""

BLANK_SPREAD = 2
"""A page whose every channel stays within this many levels is "all one colour" (blank).
Two levels absorb JPEG rounding on a flat page; any real mark on paper is far more."""

PageKind = Literal["image", "pdf"]
ROTATIONS = (0, 90, 180, 270)

# Formats img2pdf embeds without decoding the pixels again.
_DIRECT_FORMATS = {"PNG", "JPEG", "TIFF", "JPEG2000"}
_PDF_TIMEOUT_S = 60

Image.MAX_IMAGE_PIXELS = 400_000_000  # an A3 600 dpi colour scan is ~70 Mpx; refuse bombs only


@dataclass(frozen=True)
class PageImage:
    """One page: ``data`` is image bytes (``kind="image"``) or a one-page PDF (``kind="pdf"``).

    ``rotation`` is clockwise degrees (0/90/180/270) to show the page at, on top of any
    rotation the file itself carries; ``source`` says where it came from (for the screen).
    """

    data: bytes
    kind: PageKind = "image"
    rotation: int = 0
    source: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("image", "pdf"):
            raise ValueError(f"kind must be 'image' or 'pdf', not {self.kind!r}")
        if self.rotation not in ROTATIONS:
            raise ValueError(f"rotation must be one of {ROTATIONS}, not {self.rotation!r}")

    def __repr__(self) -> str:  # the bytes would flood a log
        return f"PageImage(kind={self.kind!r}, rotation={self.rotation}, {len(self.data)} bytes, source={self.source!r})"


@dataclass(frozen=True)
class BuiltPdf:
    """The attachment of one checklist item: the PDF, its page count, a PNG thumbnail of its
    first page (as shown, rotation included) and the SHA-256 (hex) of ``pdf``."""

    pdf: bytes
    pages: int
    thumbnail_png: bytes
    sha256: str

    def __repr__(self) -> str:
        return f"BuiltPdf(pages={self.pages}, {len(self.pdf)} bytes, sha256={self.sha256[:12]}…)"


# --- editing (what the screen calls) -------------------------------------------------------


_T = TypeVar("_T")


def move(pages: Sequence[_T], i: int, j: int) -> list[_T]:
    """A new list with page ``i`` moved to position ``j`` (0-based; others shift); the
    screen moves its drawn images the same way."""
    result = list(pages)
    _check_index(result, i)
    _check_index(result, j)
    result.insert(j, result.pop(i))
    return result


def rotate(pages: Sequence[PageImage], i: int, degrees: int = 90) -> list[PageImage]:
    """A new list with page ``i`` turned by ``degrees`` clockwise (a multiple of 90;
    negative turns anticlockwise)."""
    if degrees % 90:
        raise ValueError(f"pages turn by multiples of 90 degrees, not {degrees}")
    result = list(pages)
    _check_index(result, i)
    result[i] = replace(result[i], rotation=(result[i].rotation + degrees) % 360)
    return result


def remove(pages: Sequence[PageImage], i: int) -> list[PageImage]:
    """A new list without page ``i``."""
    result = list(pages)
    _check_index(result, i)
    del result[i]
    return result


def _check_index(pages: Sequence[object], i: int) -> None:
    if not 0 <= i < len(pages):
        raise IndexError(f"no page {i} among {len(pages)}")


# --- building the PDF ----------------------------------------------------------------------


def build_pdf(pages: Sequence[PageImage], *, thumb_px: int = 240) -> BuiltPdf:
    """The pages as one PDF with a thumbnail of the first page.

    Image pages are embedded losslessly (img2pdf; an image with transparency is flattened
    onto white first, the only case where its stream is rewritten — still losslessly, as PNG);
    PDF pages are copied as they are (pypdf). ``rotation`` becomes ``/Rotate``.
    Refuses an empty list (``empty_scan``), a page all of one colour (``blank_page``, with
    ``page`` = its 1-based number) and a page that cannot be decoded (``broken_file``).
    """
    if not pages:
        raise ValidationError(lazy_gettext("There are no pages to save. Scan or add at least one page."), code="empty_scan")
    writer = PdfWriter()
    pdf_pages: list[int] = []
    first_image: Image.Image | None = None
    for number, page in enumerate(pages, start=1):
        if page.kind == "image":
            image = _decode(page.data, number)
            if _is_blank_image(image):
                raise _blank(number)
            one = _image_pdf(page.data, image, number)
            if number == 1:
                first_image = image  # decoded once: the thumbnail is made from it
        else:
            one = page.data
            pdf_pages.append(number)
        try:
            reader = PdfReader(io.BytesIO(one))
            added = writer.add_page(reader.pages[0])
        except (PyPdfError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise _broken(number) from exc
        if page.rotation:
            added.rotate(page.rotation)
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()
    if pdf_pages:
        blank = _blank_pdf_pages(pdf, pdf_pages)
        if blank:
            raise _blank(blank[0])
    thumbnail = _thumbnail(pages[0], first_image, pdf, thumb_px)
    return BuiltPdf(pdf=pdf, pages=len(pages), thumbnail_png=thumbnail, sha256=hashlib.sha256(pdf).hexdigest())


def is_blank(page: PageImage) -> bool:
    """Whether the page is all one colour (a sheet fed in by mistake, a lid left open).
    The screen can mark such a page before :func:`build_pdf` refuses it."""
    if page.kind == "image":
        return _is_blank_image(_decode(page.data, 1))
    return bool(_blank_pdf_pages(page.data, [1]))


def _decode(data: bytes, number: int) -> Image.Image:
    """The image, fully decoded (a truncated file fails here, not inside the PDF)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except UnidentifiedImageError as exc:
        raise _not_a_document(page=number) from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _broken(number) from exc
    return image


def _is_blank_image(image: Image.Image) -> bool:
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode == "PA" else "RGB")
    if image.mode in ("RGBA", "LA"):
        image = image.convert("RGB" if image.mode == "RGBA" else "L")
    extrema = image.getextrema()  # one band: (low, high); several: a (low, high) per band
    bands = cast(tuple[tuple[float, float], ...], extrema if isinstance(extrema[0], tuple) else (extrema,))
    return all(high - low <= BLANK_SPREAD for low, high in bands)


def _image_pdf(data: bytes, image: Image.Image, number: int) -> bytes:
    """One image as a one-page PDF, its stream embedded as it is whenever img2pdf can."""
    if image.format == "PNG":
        fast = _png_pdf(data, image)
        if fast is not None:
            return fast
    if image.format in _DIRECT_FORMATS and not _has_alpha(image):
        try:
            return img2pdf.convert(data, **_layout(image))
        except (img2pdf.ImageOpenError, img2pdf.AlphaChannelError, ValueError, OSError):
            pass  # an exotic variant (16-bit, odd TIFF): fall back to a lossless PNG below
    try:
        flat = _flatten(image)
        buffer = io.BytesIO()
        flat.save(buffer, format="PNG", dpi=image.info.get("dpi", (_DEFAULT_DPI, _DEFAULT_DPI)))
        return img2pdf.convert(buffer.getvalue(), **_layout(image))
    except (img2pdf.ImageOpenError, ValueError, OSError) as exc:
        raise _broken(number) from exc


_DEFAULT_DPI = 300  # what a document scanner uses when a file does not say


def _layout(image: Image.Image) -> dict[str, object]:
    """Page size from the image's own resolution; a file that states none (or a nonsense one,
    as phone pictures do: 72 dpi) is taken as a 300 dpi scan, so an A4 page prints as A4."""
    dpi = image.info.get("dpi")
    try:
        x, y = (float(dpi[0]), float(dpi[1])) if dpi else (0.0, 0.0)
    except (TypeError, ValueError, IndexError):
        x = y = 0.0
    if (x < 100 or y < 100) and max(image.size) > 1200:
        return {"layout_fun": img2pdf.get_fixed_dpi_layout_fun((_DEFAULT_DPI, _DEFAULT_DPI))}
    return {}


def _png_pdf(data: bytes, image: Image.Image) -> bytes | None:
    """A plain PNG scan (8-bit grey/RGB/palette, not interlaced, no transparency, no ICC
    profile) as a one-page PDF whose image stream is the PNG's own compressed data — what
    img2pdf does too, without the two extra decodes img2pdf spends on an A4 scan (it reads
    EXIF and re-joins the chunks: ~0.5 s of a 10 MB page). Anything else: None (img2pdf)."""
    view = memoryview(data)
    if bytes(view[:8]) != b"\x89PNG\r\n\x1a\n":
        return None
    idat: list[memoryview] = []
    header = palette = b""
    i = 8
    while i + 8 <= len(view):
        length = int.from_bytes(view[i : i + 4], "big")
        kind = bytes(view[i + 4 : i + 8])
        body = view[i + 8 : i + 8 + length]
        if kind == b"IHDR":
            header = bytes(body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"PLTE":
            palette = bytes(body)
        elif kind in (b"tRNS", b"iCCP"):
            return None
        elif kind == b"IEND":
            break
        i += length + 12
    if len(header) != 13 or not idat:
        return None
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour, interlace = header[8], header[9], header[12]
    if depth != 8 or interlace or colour not in (0, 2, 3):
        return None
    if colour == 0:
        space, colours = b"/DeviceGray", 1
    elif colour == 2:
        space, colours = b"/DeviceRGB", 3
    else:
        if not palette or len(palette) % 3:
            return None
        space = b"[/Indexed /DeviceRGB %d <%s>]" % (len(palette) // 3 - 1, palette.hex().encode())
        colours = 1
    layout = _layout(image)
    dpi_x, dpi_y = image.info.get("dpi") or (96.0, 96.0)
    if layout:
        dpi_x = dpi_y = float(_DEFAULT_DPI)
    elif not dpi_x or not dpi_y:
        dpi_x = dpi_y = 96.0
    dpi_x, dpi_y = round(float(dpi_x)), round(float(dpi_y))  # as img2pdf: pHYs 11811 px/m is 300 dpi
    page_w, page_h = width * 72.0 / float(dpi_x), height * 72.0 / float(dpi_y)
    stream = b"".join(idat)
    content = b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q" % (page_w, page_h)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] /Resources << /XObject << /Im0 4 0 R >> >> "
        b"/Contents 5 0 R >>" % (page_w, page_h),
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 "
        b"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent 8 /Columns %d >> "
        b"/Length %d >>\nstream\n%s\nendstream" % (width, height, space, colours, width, len(stream), stream),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
    offsets = []
    position = len(out[0])
    for number, obj in enumerate(objects, start=1):
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, obj)
        offsets.append(position)
        out.append(chunk)
        position += len(chunk)
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)]
    xref += [b"%010d 00000 n \n" % offset for offset in offsets]
    out += xref
    out.append(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, position))
    return b"".join(out)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _flatten(image: Image.Image) -> Image.Image:
    if _has_alpha(image):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit: keep the 8 high bits
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode in ("CMYK", "YCbCr", "LAB", "HSV", "F"):
        return image.convert("RGB")
    return image


def _blank_pdf_pages(pdf: bytes, numbers: Sequence[int]) -> list[int]:
    """Which of those (1-based) pages render as one colour. A small render suffices: any mark
    anti-aliases into a grey pixel; a scanned blank sheet's noise keeps it from looking blank,
    so only truly empty pages are refused."""
    blank = []
    with tempfile.TemporaryDirectory(prefix="motcua-pages-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        for number in numbers:
            png = _run_pdftoppm(["-png", "-gray", "-r", "18", "-f", str(number), "-l", str(number), "-singlefile"], src, number)
            with Image.open(io.BytesIO(png)) as image:
                low, high = cast(tuple[float, float], image.convert("L").getextrema())  # one band: one pair
            if high - low == 0:
                blank.append(number)
    return blank


def _run_pdftoppm(args: list[str], src: Path, number: int) -> bytes:
    out = src.with_name(f"out{number}")
    try:
        subprocess.run(["pdftoppm", *args, str(src), str(out)], capture_output=True, timeout=_PDF_TIMEOUT_S, check=True)
        return out.with_suffix(".png").read_bytes()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise _broken(number) from exc


def _thumbnail(first: PageImage, decoded: Image.Image | None, pdf: bytes, thumb_px: int) -> bytes:
    """The first page as the list shows it: ``thumb_px`` on its longer side, rotation applied
    (the file's own EXIF orientation too, as img2pdf applies it to the page)."""
    if first.kind == "image" and decoded is not None:
        image = _flatten(ImageOps.exif_transpose(decoded))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail((thumb_px, thumb_px), Image.Resampling.LANCZOS, reducing_gap=2.0)
        if first.rotation:
            image = image.rotate(-first.rotation, expand=True)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue()
    with tempfile.TemporaryDirectory(prefix="motcua-thumb-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        return _run_pdftoppm(["-png", "-singlefile", "-f", "1", "-l", "1", "-scale-to", str(thumb_px)], src, 1)


# --- reading files -------------------------------------------------------------------------

_PDF_MAGIC = b"%PDF-"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"\x00\x00\x00\x0cjP  ")


def pages_from_file(path: str | Path) -> list[PageImage]:
    """The pages of a chosen or dropped file: an image is one page (a multi-page TIFF, as
    network scanners write, is one page per frame), a PDF is its pages.

    Judged by content, not by name: a text file called ``.pdf`` is ``not_a_document``.
    A file over :data:`MAX_FILE_BYTES` is ``too_large`` from its size alone (never read);
    an empty, truncated or corrupt one is ``broken_file``.
    """
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError(lazy_gettext("The file {name} could not be opened.", name=name), code="broken_file", file=name) from exc
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            lazy_gettext("The file {name} is {size} MB; files over {limit} MB cannot be attached. "
                         "Scan it again at a lower resolution or in grey.", name=name, size=_mb(size), limit=MAX_FILE_BYTES // (1024 * 1024)),
            code="too_large", file=name, size=size)
    if size == 0:
        raise ValidationError(lazy_gettext("The file {name} is empty.", name=name), code="broken_file", file=name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(lazy_gettext("The file {name} could not be opened.", name=name), code="broken_file", file=name) from exc
    source = f"file:{name}"
    if _PDF_MAGIC in data[:1024]:
        return _pdf_pages(data, name, source)
    return _image_pages(data, name, source)


def _pdf_pages(data: bytes, name: str, source: str) -> list[PageImage]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ValidationError(
                    lazy_gettext("The file {name} is password-protected. Ask for a copy without a password.", name=name),
                    code="broken_file", file=name)
            count = len(reader.pages)
            result = []
            for page in reader.pages:
                page.get_contents()  # a page whose content is missing or unreadable fails here
                writer = PdfWriter()
                writer.add_page(page)
                buffer = io.BytesIO()
                writer.write(buffer)
                result.append(PageImage(buffer.getvalue(), "pdf", 0, source))
    except ValidationError:
        raise
    except Exception as exc:
        raise _broken_file(name) from exc
    if count == 0:
        raise _broken_file(name)
    return result


def _image_pages(data: bytes, name: str, source: str) -> list[PageImage]:
    looks_like_image = data.startswith(_IMAGE_MAGIC)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            frames = getattr(image, "n_frames", 1)
            image.load()
    except UnidentifiedImageError as exc:
        if looks_like_image:
            raise _broken_file(name) from exc
        raise _not_a_document(name=name) from exc
    except Exception as exc:
        raise _broken_file(name) from exc
    if image.format not in _DIRECT_FORMATS | {"BMP", "GIF", "WEBP", "PPM"}:
        raise _not_a_document(name=name)
    if frames == 1 and image.format in _DIRECT_FORMATS:
        return [PageImage(data, "image", 0, source)]
    # Several frames (multi-page TIFF) or a format img2pdf does not take: each frame as a
    # lossless PNG, pixels unchanged.
    result = []
    try:
        for index in range(frames):
            image.seek(index)
            frame = _flatten(image.copy())
            buffer = io.BytesIO()
            frame.save(buffer, format="PNG", dpi=image.info.get("dpi", (_DEFAULT_DPI, _DEFAULT_DPI)))
            result.append(PageImage(buffer.getvalue(), "image", 0, f"{source}#{index + 1}" if frames > 1 else source))
    except Exception as exc:
        raise _broken_file(name) from exc
    return result


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _blank(number: int) -> ValidationError:
    return ValidationError(
        lazy_gettext("Page {page} is blank (all one colour). Remove it, or check which side of the sheet "
                     "faces the scanner and scan it again.", page=number),
        code="blank_page", page=number)


def _broken(number: int) -> ValidationError:
    return ValidationError(
        lazy_gettext("Page {page} is damaged and cannot be read. Scan it again.", page=number),
        code="broken_file", page=number)


def _broken_file(name: str) -> ValidationError:
    return ValidationError(
        lazy_gettext("The file {name} is damaged or incomplete and cannot be read. "
                     "Scan it again or ask for a new copy.", name=name),
        code="broken_file", file=name)


def _not_a_document(*, name: str | None = None, page: int | None = None) -> ValidationError:
    if name is not None:
        message = _("The file {name} is not a scanned document. "
                    "Choose a PDF or an image (PNG, JPEG, TIFF).").format(name=name)
        return ValidationError(message, code="not_a_document", file=name)
    message = _("Page {page} is not an image or PDF page.").format(page=page)
    return ValidationError(message, code="not_a_document", page=page)
