"""Pages into one PDF: lossless, rotated by /Rotate, and every bad input refused clearly."""

from __future__ import annotations

import hashlib
import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw
from pypdf import PdfReader, PdfWriter

from core.errors import ValidationError
from core.i18n import language
from scanning import pages as P
from scanning.pages import PageImage, build_pdf, pages_from_file


def _image(size: tuple[int, int] = (300, 400), mode: str = "RGB", label: str = "A", fmt: str = "PNG", **save: object) -> bytes:
    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, size[0] - 20, 60), fill="black" if mode in ("L", "1") else (200, 30, 30))
    draw.text((30, 100), label, fill="black" if mode in ("L", "1") else (0, 0, 200))
    out = io.BytesIO()
    image.save(out, format=fmt, dpi=(150, 150), **save)
    return out.getvalue()


def _pdf(pages: int = 2, *, blank: bool = False) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(300, 400))
    for n in range(pages):
        if not blank:
            canvas.drawString(50, 300, f"Trang {n + 1}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None


# --- editing -------------------------------------------------------------------------------


def test_move_rotate_remove_return_new_lists() -> None:
    a, b, c = (PageImage(_image(label=x), source=x) for x in "abc")
    pages = [a, b, c]
    assert [p.source for p in P.move(pages, 0, 2)] == ["b", "c", "a"]
    assert [p.source for p in P.move(pages, 2, 0)] == ["c", "a", "b"]
    assert [p.source for p in P.remove(pages, 1)] == ["a", "c"]
    turned = P.rotate(pages, 1, 90)
    assert [p.rotation for p in turned] == [0, 90, 0]
    assert [p.rotation for p in P.rotate(turned, 1, -180)] == [0, 270, 0]
    assert [p.rotation for p in P.rotate(P.rotate(turned, 1, 180), 1, 90)] == [0, 0, 0]
    assert [p.source for p in pages] == ["a", "b", "c"] and pages[1].rotation == 0  # untouched
    with pytest.raises(IndexError):
        P.remove(pages, 3)
    with pytest.raises(ValueError):
        P.rotate(pages, 0, 45)


# --- building ------------------------------------------------------------------------------


def test_image_pages_are_embedded_losslessly_and_turned_by_rotate() -> None:
    png = _image(label="PNG page")
    jpeg = _image(label="JPEG page", fmt="JPEG", quality=80)
    gray = _image(mode="L", label="grey")
    built = build_pdf([PageImage(png), PageImage(jpeg, rotation=270), PageImage(gray, rotation=180)])
    reader = PdfReader(io.BytesIO(built.pdf))
    assert built.pages == len(reader.pages) == 3
    assert built.sha256 == hashlib.sha256(built.pdf).hexdigest()
    assert [p.get("/Rotate", 0) for p in reader.pages] == [0, 270, 180]
    assert _same(reader.pages[0].images[0].image, Image.open(io.BytesIO(png)))
    assert _same(reader.pages[2].images[0].image, Image.open(io.BytesIO(gray)))
    # The JPEG is the scanner's own stream, byte for byte: never decoded and re-compressed.
    (xobject,) = reader.pages[1]["/Resources"]["/XObject"].values()
    stream = xobject.get_object()
    assert stream["/Filter"] == "/DCTDecode" and stream.get_data() == jpeg
    # The page keeps the image's physical size (150 dpi): 300 px = 2 in = 144 pt.
    assert [float(v) for v in reader.pages[0].mediabox[2:]] == pytest.approx([144, 192], abs=0.05)


def test_thumbnail_shows_the_first_page_as_turned() -> None:
    built = build_pdf([PageImage(_image((300, 400)), rotation=90)], thumb_px=120)
    with Image.open(io.BytesIO(built.thumbnail_png)) as thumb:
        assert thumb.format == "PNG" and thumb.size == (120, 90)
    from_pdf = build_pdf(pages_from_file_bytes(_pdf(1), "one.pdf"))
    with Image.open(io.BytesIO(from_pdf.thumbnail_png)) as thumb:
        assert thumb.format == "PNG" and max(thumb.size) == 240


def pages_from_file_bytes(data: bytes, name: str) -> list[PageImage]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return pages_from_file(path)


def test_pdf_pages_are_merged_with_the_images_and_keep_their_own_rotation(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(_pdf(2)))
    writer.pages[1].rotate(90)
    source = tmp_path / "from-scanner.pdf"
    with source.open("wb") as fh:
        writer.write(fh)
    pages = pages_from_file(source)
    assert [p.kind for p in pages] == ["pdf", "pdf"]
    assert pages[0].source == "file:from-scanner.pdf"
    built = build_pdf(P.rotate([*pages, PageImage(_image())], 1, 90))
    reader = PdfReader(io.BytesIO(built.pdf))
    assert len(reader.pages) == 3
    assert [p.get("/Rotate", 0) for p in reader.pages] == [0, 180, 0]
    assert "Trang 1" in reader.pages[0].extract_text() and "Trang 2" in reader.pages[1].extract_text()


def test_a_multi_page_tiff_is_one_page_per_frame_pixels_unchanged(tmp_path: Path) -> None:
    frames = [Image.open(io.BytesIO(_image(label=f"frame {n}"))) for n in range(3)]
    path = tmp_path / "scan.tif"
    frames[0].save(path, format="TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw", dpi=(150, 150))
    pages = pages_from_file(path)
    assert len(pages) == 3 and all(p.kind == "image" for p in pages)
    reader = PdfReader(io.BytesIO(build_pdf(pages).pdf))
    for page, frame in zip(reader.pages, frames, strict=True):
        assert _same(page.images[0].image, frame)


def test_an_image_with_transparency_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((50, 50, 150, 150), fill=(0, 0, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    reader = PdfReader(io.BytesIO(build_pdf([PageImage(out.getvalue())]).pdf))
    shown = reader.pages[0].images[0].image.convert("RGB")
    assert shown.getpixel((10, 10)) == (255, 255, 255) and shown.getpixel((100, 100)) == (0, 0, 255)


# --- refusals ------------------------------------------------------------------------------


def _refused(code: str, call, *args, **kwargs) -> ValidationError:  # type: ignore[no-untyped-def]
    with language("vi"), pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


def test_an_empty_scan_is_refused() -> None:
    error = _refused("empty_scan", build_pdf, [])
    assert error.message == "Chưa có trang nào để lưu. Hãy quét hoặc thêm ít nhất một trang."


def test_a_blank_page_is_refused_naming_it() -> None:
    white = Image.new("RGB", (300, 400), "white")
    out = io.BytesIO()
    white.save(out, format="PNG")
    error = _refused("blank_page", build_pdf, [PageImage(_image()), PageImage(out.getvalue())])
    assert error.details["page"] == 2 and "Trang 2 là trang trắng" in error.message
    assert P.is_blank(PageImage(out.getvalue())) and not P.is_blank(PageImage(_image()))
    blank_pdf = pages_from_file_bytes(_pdf(1, blank=True), "blank.pdf")
    assert _refused("blank_page", build_pdf, [PageImage(_image()), *blank_pdf]).details["page"] == 2
    assert not P.is_blank(pages_from_file_bytes(_pdf(1), "text.pdf")[0])


def test_a_truncated_png_is_a_broken_file(tmp_path: Path) -> None:
    png = _image((600, 800))
    path = tmp_path / "scan.png"
    path.write_bytes(png[: len(png) // 2])
    error = _refused("broken_file", pages_from_file, path)
    assert "scan.png" in error.message and "bị lỗi" in error.message
    assert _refused("broken_file", build_pdf, [PageImage(png[: len(png) // 2])]).details["page"] == 1
    (tmp_path / "empty.jpg").write_bytes(b"")
    _refused("broken_file", pages_from_file, tmp_path / "empty.jpg")


@pytest.mark.parametrize("damage", ["truncated", "garbled"])
def test_a_corrupt_pdf_is_a_broken_file(tmp_path: Path, damage: str) -> None:
    data = _pdf(2)
    if damage == "truncated":
        data = data[:200]
    else:
        data = data[:20] + bytes(range(256)) * 8
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    _refused("broken_file", pages_from_file, path)


def test_a_text_file_named_pdf_is_not_a_document(tmp_path: Path) -> None:
    path = tmp_path / "giay-khai-sinh.pdf"
    path.write_text("Đây không phải là tệp PDF\n" * 50, encoding="utf-8")
    error = _refused("not_a_document", pages_from_file, path)
    assert error.message.startswith("Tệp giay-khai-sinh.pdf không phải là tài liệu quét")


def test_a_200_mb_file_is_refused_from_its_size_without_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(200 * 1024 * 1024)  # sparse: no 200 MB written to disk

    def no_reading(self: Path, *args: object, **kwargs: object) -> object:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "open", no_reading)
    error = _refused("too_large", pages_from_file, path)
    assert error.details["size"] == 200 * 1024 * 1024
    assert "200 MB" in error.message and "100 MB" in error.message


@pytest.mark.parametrize(
    ("mode", "save"),
    [("RGB", {}), ("L", {}), ("P", {}), ("1", {}), ("RGB", {"interlace": True}), ("I;16", {})],
    ids=["rgb", "grey", "palette", "bilevel", "interlaced", "16-bit"],
)
def test_every_kind_of_png_keeps_its_pixels(mode: str, save: dict[str, object], tmp_path: Path) -> None:
    base = Image.open(io.BytesIO(_image((240, 320), label=mode)))
    if mode == "I;16":
        image = base.convert("L").point(lambda v: v * 257, "I").convert("I;16")
        expected = base.convert("L")  # a 16-bit scan goes in as its 8 high bits
    else:
        image = base.quantize(16) if mode == "P" else base.convert(mode)
        expected = image
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(200, 200), **save)
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(build_pdf([PageImage(out.getvalue())]).pdf)
    # Rendered by poppler at the resolution the PNG states (200 dpi is 7874 px/m: 199.9996).
    dpi = Image.open(io.BytesIO(out.getvalue())).info["dpi"][0]
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(tmp_path / "r")], check=True)
    assert _same(Image.open(tmp_path / "r.png"), expected)
