"""A document scanner through SANE's own command-line front end, ``scanimage``.

Why the command and not a Python binding: ``scanimage`` ships with every SANE install
(Debian's sane-utils), needs no compiled module in the venv, and a scanner that hangs or a
backend that crashes takes a child process down, never the counter. Every call has a
timeout, no shell, and inherits the environment (so ``SANE_CONFIG_DIR`` chooses the
backends, as the tests do with SANE's ``test`` backend).

Pages are written as PNG (lossless) and returned as :class:`~scanning.pages.PageImage`.
A flatbed scans one page per call; a document feeder scans a batch (``--batch``) and
returns the pages in feed order. Problems come back as clear errors with stable codes:
``sane_missing``, ``scanner_not_found``, ``scanner_busy``, ``feeder_empty``,
``scanner_jammed``, ``scanner_cover_open``, ``scanner_timeout``, ``scanner_failed``
(:class:`~core.errors.DomainError`) and ``duplex_unsupported`` / ``bad_scan_setting``
(:class:`~core.errors.ValidationError`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import DomainError, ValidationError
from core.i18n import _, lazy_gettext
from scanning.pages import PageImage

SCANIMAGE = "scanimage"
LIST_TIMEOUT_S = 30.0
PAGE_TIMEOUT_S = 120.0
"""Seconds allowed per page (a 600 dpi colour A4 on a slow USB scanner takes ~1 min)."""

COMMON_RESOLUTIONS = (75, 100, 150, 200, 240, 300, 400, 600, 1200)
_SEP = "\x1f"


@dataclass(frozen=True)
class ScannerDevice:
    """One scanner SANE sees: ``name`` (what :func:`scan` takes, e.g. ``"fujitsu:fi-7160:1"``),
    vendor, model and kind (``"sheetfed scanner"``, ``"flatbed scanner"``, ...)."""

    name: str
    vendor: str
    model: str
    kind: str

    @property
    def label(self) -> str:
        return f"{self.vendor} {self.model}".strip() or self.name


@dataclass(frozen=True)
class ScannerOptions:
    """What a scanner offers, for the settings the clerk can choose.

    ``resolutions`` are the choices to show (a device with a range offers the usual values
    within it); ``resolution_range`` is (min, max, step) when the device takes any value.
    ``adf_source`` / ``duplex_source`` name the feeder sources when there are some.
    """

    name: str
    resolutions: tuple[int, ...]
    resolution_range: tuple[int, int, int] | None
    modes: tuple[str, ...]
    sources: tuple[str, ...]
    has_adf: bool
    has_duplex: bool
    adf_source: str | None = None
    duplex_source: str | None = None
    duplex_option: tuple[str, ...] = ()
    default_resolution: int | None = None
    default_mode: str | None = None
    default_source: str | None = None


# --- listing -------------------------------------------------------------------------------


def list_devices(*, timeout: float = LIST_TIMEOUT_S) -> list[ScannerDevice]:
    """The scanners SANE finds now (an empty list when there are none)."""
    result = _run(["-f", f"%d{_SEP}%v{_SEP}%m{_SEP}%t%n"], timeout=timeout)
    if result.returncode != 0:
        raise _failure(result.stderr, device=None)
    devices = []
    for line in result.stdout.splitlines():
        parts = line.split(_SEP)
        if len(parts) == 4 and parts[0]:
            name, vendor, model, kind = (p.strip() for p in parts)
            devices.append(ScannerDevice(name, vendor, model, kind))
    return devices


def device_options(name: str, *, timeout: float = LIST_TIMEOUT_S) -> ScannerOptions:
    """The resolutions, modes and sources of one scanner (parsed from ``scanimage -A``)."""
    result = _run(["-d", name, "-A"], timeout=timeout)
    if result.returncode != 0:
        raise _failure(result.stderr, device=name)
    return parse_options(name, result.stdout)


_OPTION = re.compile(r"^\s+--(?P<name>[\w-]+)(?:\[=\((?P<bools>[^)]*)\)\])?\s*(?P<spec>.*?)\s*\[(?P<default>[^\]]*)\]\s*$")
_RANGE = re.compile(r"^(?P<min>-?[\d.]+)\.\.(?P<max>-?[\d.]+)\s*(?:dpi)?(?:\s*\(in steps of (?P<step>[\d.]+)\))?")


def parse_options(name: str, text: str) -> ScannerOptions:
    """:class:`ScannerOptions` from the text ``scanimage -d NAME -A`` prints."""
    found: dict[str, tuple[str, str, str | None]] = {}
    for line in text.splitlines():
        match = _OPTION.match(line)
        if match and match["name"] not in found:
            found[match["name"]] = (match["spec"], match["default"], match["bools"])
    resolutions: tuple[int, ...] = ()
    resolution_range = None
    default_resolution = None
    if "resolution" in found:
        spec, default, _b = found["resolution"]
        default_resolution = _int(default)
        ranged = _RANGE.match(spec)
        if ranged:
            low, high = int(float(ranged["min"])), int(float(ranged["max"]))
            step = max(1, int(float(ranged["step"] or 1)))
            resolution_range = (low, high, step)
            resolutions = tuple(r for r in COMMON_RESOLUTIONS if low <= r <= high and (r - low) % step == 0)
        else:
            values = [_int(v) for v in spec.removesuffix("dpi").split("|")]
            resolutions = tuple(sorted({v for v in values if v}))
    modes, default_mode = _choices(found.get("mode"))
    sources, default_source = _choices(found.get("source"))
    adf_source = next((s for s in sources if _is_feeder(s) and "duplex" not in s.lower()), None)
    duplex_source = next((s for s in sources if "duplex" in s.lower()), None)
    duplex_option: tuple[str, ...] = ()
    if "duplex" in found and found["duplex"][1] != "inactive":
        duplex_option = ("--duplex=yes",)
    elif "adf-mode" in found:
        adf_modes, _d = _choices(found["adf-mode"])
        duplex_mode = next((m for m in adf_modes if "duplex" in m.lower()), None)
        if duplex_mode:
            duplex_option = ("--adf-mode", duplex_mode)
    if adf_source is None and duplex_source is not None:
        adf_source = duplex_source
    return ScannerOptions(
        name=name,
        resolutions=resolutions,
        resolution_range=resolution_range,
        modes=modes,
        sources=sources,
        has_adf=adf_source is not None,
        has_duplex=duplex_source is not None or bool(duplex_option),
        adf_source=adf_source,
        duplex_source=duplex_source,
        duplex_option=duplex_option,
        default_resolution=default_resolution,
        default_mode=default_mode,
        default_source=default_source,
    )


def _choices(entry: tuple[str, str, str | None] | None) -> tuple[tuple[str, ...], str | None]:
    if entry is None:
        return (), None
    spec, default, _b = entry
    values = tuple(v.strip() for v in spec.split("|") if v.strip())
    return values, (default if default in values else None)


def _int(text: str) -> int | None:
    try:
        return int(float(text.strip().removesuffix("dpi")))
    except ValueError:
        return None


def _is_feeder(source: str) -> bool:
    lowered = source.lower()
    return "adf" in lowered or "feeder" in lowered or "duplex" in lowered


# --- scanning ------------------------------------------------------------------------------


def scan(
    name: str,
    *,
    pages: int | None = 1,
    resolution: int = 300,
    mode: str = "Color",
    source: str | None = None,
    duplex: bool = False,
    folder: str | Path | None = None,
    extra: Sequence[str] = (),
    timeout: float | None = None,
) -> list[PageImage]:
    """Scan and return the pages, in order.

    From a flatbed (``source`` None or not a feeder) one page per call, whatever ``pages``
    says. From a feeder (``source`` naming it, or ``duplex=True``) a batch of ``pages``
    sheets, or every sheet in the feeder when ``pages`` is None; a feeder that runs out
    early simply returns what it scanned, one with no sheet at all is ``feeder_empty``.
    ``duplex`` scans both sides (``duplex_unsupported`` if the scanner cannot).
    Temporary page files go in a fresh folder inside ``folder`` (the system temp folder when
    None) and are removed before returning. ``extra`` passes backend options as they are
    (``("--test-picture", "Color pattern")``). ``timeout`` defaults to
    :data:`PAGE_TIMEOUT_S` per page.
    """
    if pages is not None and pages < 1:
        raise ValidationError(lazy_gettext("The number of pages to scan must be at least 1."), code="bad_scan_setting", field="pages")
    args = ["-d", name, "--format=png", "--resolution", str(int(resolution)), "--mode", mode]
    feeder = duplex or (source is not None and _is_feeder(source))
    if duplex:
        options = device_options(name)
        if not options.has_duplex:
            raise ValidationError(
                lazy_gettext("This scanner cannot scan both sides of a sheet. Scan the back sides separately."),
                code="duplex_unsupported", device=name)
        if options.duplex_source:
            source = options.duplex_source
        else:
            source = source or options.adf_source
            args += list(options.duplex_option)
    if source:
        args += ["--source", source]
    args += list(extra)
    sheets = pages if feeder else 1
    budget = timeout if timeout is not None else PAGE_TIMEOUT_S * (sheets or 50) * (2 if duplex else 1)
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="motcua-scan-", dir=folder))
    label = f"scanner:{name}"
    try:
        if feeder:
            args += [f"--batch={work / 'page%04d.png'}"]
            if pages is not None:
                args += [f"--batch-count={int(pages) * (2 if duplex else 1)}"]
        else:
            args += ["-o", str(work / "page0001.png")]
        result = _run(args, timeout=budget, device=name)
        files = sorted(work.glob("page*.png"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
        scanned = [PageImage(f.read_bytes(), "image", 0, label) for f in files if f.stat().st_size > 0]
        if result.returncode != 0 or not scanned:
            if scanned and feeder and _code(result.stderr) == "feeder_empty":
                return scanned  # the feeder ran out after some sheets: that is the end of the batch
            raise _failure(result.stderr, device=name, feeder=feeder)
        return scanned
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- running scanimage ---------------------------------------------------------------------


def _run(args: list[str], *, timeout: float, device: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([SCANIMAGE, *args], capture_output=True, text=True, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise DomainError(
            lazy_gettext("The scanner software (SANE) is not installed on this computer. Ask the office's IT support."),
            code="sane_missing") from exc
    except subprocess.TimeoutExpired as exc:
        raise DomainError(
            lazy_gettext("The scanner did not answer in time. Check that it is switched on and connected, then try again."),
            code="scanner_timeout", device=device, seconds=timeout) from exc


_PATTERNS = (
    ("scanner_busy", ("device busy",)),
    ("feeder_empty", ("out of documents", "no documents", "feeder empty")),
    ("scanner_jammed", ("jammed",)),
    ("scanner_cover_open", ("cover open", "cover is open")),
    ("scanner_not_found", ("open of device", "no sane devices", "invalid argument", "no such device")),
)


def _code(stderr: str) -> str:
    lowered = stderr.lower()
    for code, needles in _PATTERNS:
        if any(n in lowered for n in needles):
            return code
    return "scanner_failed"


def _failure(stderr: str, *, device: str | None, feeder: bool = False) -> DomainError:
    code = _code(stderr)
    detail = next((line.strip() for line in reversed(stderr.splitlines()) if line.strip()), "")
    if code == "feeder_empty" or (code == "scanner_failed" and feeder and not detail):
        code = "feeder_empty"
        message = _("The document feeder is empty. Put the papers in the feeder and scan again.")
    elif code == "scanner_busy":
        message = _("The scanner is busy (another scan or another program is using it). Wait a moment and try again.")
    elif code == "scanner_jammed":
        message = _("Paper is jammed in the scanner. Clear the jam, put the papers back and scan again.")
    elif code == "scanner_cover_open":
        message = _("The scanner's cover is open. Close it and scan again.")
    elif code == "scanner_not_found":
        message = _("The scanner {name} was not found. Check that it is switched on and connected, "
                    "then choose it again.").format(name=device or "")
    else:
        message = _("The scanner reported an error: {detail}").format(detail=detail or "?")
    return DomainError(message, code=code, device=device, detail=detail)
