"""The scan dialog's states for the tours (counter/intake/tour.py, counter/dossiers/tour.py):
made-up pages drawn with Pillow, a made-up scanner, the refusals a clerk can meet. No
scanner, no database: the refusals are the real ones, from scanning/pages.py."""

from __future__ import annotations

import io
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from core.i18n import _
from counter.scanning.dialog import ScanDialog
from counter.scanning.work import ItemScans
from local_db.ops.attachments import AttachmentInfo
from scanning import sane
from scanning.pages import PageImage, build_pdf, pages_from_file
from ui.tasks import TaskRunner

SCANNER = sane.ScannerDevice("fujitsu:fi-7160:1", "Fujitsu", "fi-7160", "sheetfed scanner")
OPTIONS = sane.ScannerOptions(
    name=SCANNER.name, resolutions=(150, 200, 300, 400, 600), resolution_range=None, modes=("Lineart", "Gray", "Color"),
    sources=("Flatbed", "ADF Front", "ADF Duplex"), has_adf=True, has_duplex=True, adf_source="ADF Front",
    duplex_source="ADF Duplex", default_resolution=300, default_mode="Color", default_source="ADF Front")
TOUR_FOLDER = "/srv/may-quet/quay-1"  # shown only


def sample_page(n: int, size: tuple[int, int] = (620, 877)) -> PageImage:
    """An A4-shaped form page with a heading, lines of "text" and a stamp."""
    img = Image.new("RGB", size, (252, 251, 246))
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.rectangle((w * 0.3, 40, w * 0.7, 62), fill=(40, 40, 40))
    for i in range(18):
        y = 110 + i * 36
        draw.rectangle((50, y, 50 + (w - 120) * (0.55 + 0.45 * ((i * 7 + n * 3) % 10) / 10), y + 10), fill=(70, 70, 90))
    draw.ellipse((w - 210, h - 210, w - 70, h - 70), outline=(190, 30, 30), width=6)
    draw.text((60, h - 60), f"{n}", fill=(0, 0, 0))
    out = io.BytesIO()
    img.save(out, "PNG")
    return PageImage(out.getvalue(), "image", 0, f"scanner:{SCANNER.name}")


def blank_page() -> PageImage:
    out = io.BytesIO()
    Image.new("RGB", (620, 877), (255, 255, 255)).save(out, "PNG")
    return PageImage(out.getvalue(), "image", 0, "scanner")


def refusal(kind: str) -> BaseException:
    """The real refusal of scanning/pages.py for ``kind``: blank_page, not_a_document."""
    try:
        if kind == "blank_page":
            build_pdf([sample_page(1), blank_page()])
        else:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "ghi-chu.pdf"
                path.write_text("không phải tệp PDF", encoding="utf-8")
                pages_from_file(path)
    except Exception as exc:  # noqa: BLE001 - the refusal is what we want
        return exc
    raise AssertionError(f"no refusal for {kind}")


def show_dialog(host, tasks: TaskRunner, item: str, *, pages: int = 0, scanner: bool = True,  # type: ignore[no-untyped-def]
                error: str = "", selected: int = 0, turned: bool = False, folder: str = "",
                offered: tuple[str, ...] = ()) -> ScanDialog:
    dialog = ScanDialog(tasks, item, lambda p: None, folder=folder, find_scanners=False)
    dialog.embed(host)
    if offered:  # files a network scanner dropped, in a made-up share (nothing is watched)
        files = dialog.folder
        files.folder = TOUR_FOLDER
        files.where.setText(_("New files in {folder} appear here.").format(folder=TOUR_FOLDER))
        files.files.show()
        files.take_button.show()
        for name in offered:
            files._arrived(f"{TOUR_FOLDER}/{name}")
    panel = dialog.scanner
    if scanner:
        panel.devices = [SCANNER]
        panel.device.blockSignals(True)  # no question to a real scanner
        panel.device.addItem(SCANNER.label, SCANNER.name)
        panel.device.blockSignals(False)
        panel._optioned(OPTIONS, panel._options_seq)
        panel.feeder.setChecked(True)
    else:
        panel._found([])
    if pages:
        sample = [sample_page(n) for n in range(1, pages + 1)]
        if error == "blank_page":
            sample[-1] = blank_page()
        dialog.add_pages(sample)
        tasks.wait_idle()
        dialog.strip.setCurrentRow(selected)
        if turned:
            dialog.rotate()
    if error:
        dialog.show_error(refusal(error))
        if error == "blank_page" and dialog.pages:
            dialog.strip.setCurrentRow(len(dialog.pages) - 1)
    return dialog


def close_dialogs(host) -> None:  # type: ignore[no-untyped-def]
    for dialog in host.findChildren(ScanDialog):
        dialog.folder.stop()
        dialog.hide()
        dialog.setParent(None)
        dialog.deleteLater()


def sample_scans(now: datetime, names: tuple[str, ...], clerk: str = "Nguyễn Văn Hoà") -> tuple[ItemScans, ...]:
    """The scans of a made-up dossier: the first item rescanned once, the second scanned,
    the rest still to scan."""
    dossier = uuid.uuid4()
    out = []
    for i, name in enumerate(names):
        doc = uuid.uuid4()
        versions: list[AttachmentInfo] = []
        count = 2 if i == 0 else 1 if i == 1 else 0
        newer = None
        for v in range(count, 0, -1):
            this = uuid.uuid4()
            versions.append(AttachmentInfo(
                id=this, dossier_id=dossier, document_id=doc, document_name=name, version=v, sha256="0" * 64,
                size=180_000, pages=3 if v == 2 else 2, thumbnail_sha256=None,
                created_at=now - timedelta(days=2 - v, hours=1), created_by=None,
                created_by_name=clerk if v == 2 or i else "Phạm Thị Thuỷ", replaced_by=newer,
                uploaded_at=None, local_removed_at=None))
            newer = this
        out.append(ItemScans(document_id=doc, name=name, received=i < 3, versions=tuple(versions)))
    return tuple(out)


__all__ = ["OPTIONS", "SCANNER", "close_dialogs", "refusal", "sample_page", "sample_scans", "show_dialog"]
