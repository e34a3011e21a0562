"""``motcua tour OUTDIR``: a picture of every kiosk screen and state, in Vietnamese and
English, with an index.html contact sheet — for reviewing the screens without a kiosk.

It builds a small throwaway demo office (two days of history, a fixed seed and a fixed
"now") in a temporary SQLite file, unless ``--database-url`` names an office database;
opens a kiosk window offscreen at the panel's 1080x1920; visits every screen the window
has and every state each screen lists in ``tour_states()`` (each error message included),
in both languages, plus the start screen in the large-text and high-contrast modes (and
both at once); then all of it again on a 1920x1080 landscape panel; and saves
``kiosk-<screen>[-<state>][-<mode>][-landscape]-<lang>.png``. Each picture is also looked at
the way a reviewer would (ui/inspect.py): blank screen, English on a Vietnamese screen,
text that does not fit, a touch target under 64 px, a screen taller or wider than the
panel (the window's minimum size, not only its picture). What it finds is printed and
shown under the picture in index.html.

``--apps web``: every page of the citizens' booking and tracking site on a phone-sized
screen, both languages, from a throwaway central server (cli/tour_web.py).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.app import KioskWindow

TOUR_NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)  # Wednesday 25 Nov 2026, 10:00 in Hà Nội
# (not the 24th: Vietnamese Culture Day is a holiday from 2026, and the office would be empty)
TOUR_SEED = 2026
TOUR_DAYS = 2
APPS = ("kiosk", "counter", "display", "web")
LANGS = ("vi", "en")
# The reading modes the kiosk's start screen offers, alone and together ("+").
MODES = ("large_text", "high_contrast", "large_text+high_contrast")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("outdir", type=Path, help="folder for the PNG files and index.html")
    parser.add_argument("--apps", action="append", choices=APPS, help="which app's screens (default: all)")
    parser.add_argument("--every-mode", action="store_true",
                        help="every screen in the large-text and high-contrast modes too (not only the start)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the look finds a problem")


@dataclass
class Shot:
    file: str
    app: str
    screen: str
    state: str
    lang: str
    mode: str = ""  # "", "large_text", "high_contrast", "large_text+high_contrast"
    findings: list[str] = field(default_factory=list)
    panel: str = ""  # "" for the app's own panel, "landscape" for the kiosk on a landscape one

    @property
    def caption(self) -> str:
        parts = [self.screen, self.state, self.mode.replace("_", " "), self.panel, self.lang]
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True)
class Target:
    """What the tour needs to know of one app's window."""

    app: str  # file name prefix: kiosk-..., counter-...
    home: str  # the screen the app starts on (its reading modes are photographed there)
    size: tuple[int, int]  # the panel or monitor it is made for
    theme: Any  # ui.theme.Theme of the app (desk sizes for the counter)
    min_target: int  # the smallest button a person should have to hit, in px
    modes: tuple[str, ...] = ()  # reading modes the app offers (photographed on its home screen)
    panel: str = ""  # "landscape": the kiosk on a landscape panel (in the pictures' names)


def kiosk_target(*, landscape: bool = False) -> Target:
    from kiosk.app import PORTRAIT
    from ui.theme import MIN_TOUCH_PX, Theme

    if landscape:
        return Target("kiosk", "start", PORTRAIT[::-1], Theme(), MIN_TOUCH_PX, MODES, panel="landscape")
    return Target("kiosk", "start", PORTRAIT, Theme(), MIN_TOUCH_PX, MODES)


def counter_target() -> Target:
    from counter.app import DESK_SIZE
    from ui.theme import Theme

    theme = Theme(desk=True)
    return Target("counter", "login", DESK_SIZE, theme, theme.px("touch"))


def display_target() -> Target:
    from display.style import BOARD_SIZE
    from ui.theme import MIN_TOUCH_PX, Theme

    return Target("display", "board", BOARD_SIZE, Theme(), MIN_TOUCH_PX, ("high_contrast",))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")


def shot_name(app: str, screen: str, state: str, lang: str) -> str:
    return "-".join(p for p in (app, _slug(screen), _slug(state), lang) if p) + ".png"


# --- the tour of one window -----------------------------------------------------------------


def _settle(window: KioskWindow) -> None:
    from PySide6.QtWidgets import QApplication

    window.tasks.wait_idle()
    for _ in range(3):  # layout requests, style polish, then what they posted
        QApplication.processEvents()


def _fit(window: KioskWindow, size: tuple[int, int]) -> None:
    """The window at the panel's size (the kiosk lays its screens out for the panel's
    orientation first)."""
    if hasattr(window, "fit_panel"):
        window.fit_panel(size)
    else:
        window.resize(*size)


def _mode_theme(theme, mode: str):  # type: ignore[no-untyped-def]
    """The app's theme in a reading mode ("large_text+high_contrast": both)."""
    from dataclasses import replace

    parts = set(mode.split("+"))
    return replace(theme, large_text="large_text" in parts, high_contrast="high_contrast" in parts)


def _use_language(window: KioskWindow, lang: str) -> None:
    from core.i18n import current_language

    if current_language() != lang:
        window.toggle_language()


def _look(window: KioskWindow, lang: str, target: Target | None = None, picture=None) -> list[str]:  # type: ignore[no-untyped-def]
    """What is wrong with the window as it stands; ``picture``: the window's grab already
    taken (the blank check looks at the current screen's part of it)."""
    from ui.inspect import (
        describe,
        elided_labels,
        is_blank,
        overflow,
        small_targets,
        untranslated_texts,
    )

    target = target or kiosk_target()
    panel = target.size
    findings: list[str] = []
    screen = window.nav.current
    if picture is not None:  # (a fit check takes no picture, and looks at no colours)
        from PySide6.QtCore import QPoint, QRect

        seen = picture.copy(QRect(screen.mapTo(window, QPoint(0, 0)), screen.size())) if screen is not None else None
        if seen is None or is_blank(seen):
            findings.append("blank screen")
    findings += overflow(window, panel)
    if (window.width(), window.height()) != panel:
        from PySide6.QtWidgets import QAbstractButton, QLabel

        wide = [describe(w) for w in window.findChildren(QAbstractButton) + window.findChildren(QLabel)
                if w.isVisibleTo(window) and w.minimumSizeHint().width() > panel[0] - 80]
        findings.append(f"the window is {window.width()}x{window.height()}, larger than the "
                        f"{panel[0]}x{panel[1]} panel: something does not fit"
                        + (f" (too wide: {', '.join(wide)})" if wide else ""))
    findings += [f"text does not fit: {describe(w)}" for w in elided_labels(window)]
    findings += [f"target under {target.min_target} px: {t}" for t in small_targets(window, target.min_target)]
    findings += [f"English on a Vietnamese screen: {t!r}" for t in untranslated_texts(window, lang)]
    return findings


def _enter_afresh(window: KioskWindow, name: str) -> None:
    """Leave the screen and enter it again with its tour parameters, as a person arriving
    from the previous screen would. A screen already shown is left and entered in place:
    going out to another screen and back would cost a page switch each way (relayout and
    repaint of two whole pages; on the counter the side column shown and hidden around the
    sign-in page), about half of what a tour spent, and show nothing more."""
    screen = window.nav.screens[name]
    if window.nav.current is screen:
        screen.cancel_return()
        screen.leave()
    window.nav.go(name, **screen.tour_params())


def take_tour(window: KioskWindow, outdir: Path, *, langs: tuple[str, ...] = LANGS, every_mode: bool = False,
              modes: tuple[str, ...] | None = None, target: Target | None = None, home_only: bool = False,
              photographs: bool = True, screens: tuple[str, ...] | None = None,
              log=lambda _msg: None) -> list[Shot]:  # type: ignore[no-untyped-def]
    """Photograph every screen and state of ``window`` into ``outdir``; returns the shots.

    By default every screen in the normal look and the start screen in each reading mode
    (``every_mode``: every screen in each); ``modes``: every screen in just these modes
    ("" is the normal look); ``home_only``: the home screen alone in those modes.
    ``photographs`` False: every state is looked at, but no picture is taken or written
    (a fit check: sizes, clipping, targets and words; not the blank screen). ``screens``:
    only these screens (a test splits a long tour into parts that run on several workers).

    The window is fitted to the target's panel (a landscape one too); its idle timeout is
    held off meanwhile, and its size, language and theme are put back afterwards."""
    from PySide6.QtWidgets import QApplication

    from core.i18n import current_language
    from ui.theme import apply_theme, current_theme

    target = target or kiosk_target()
    app, home = target.app, target.home
    outdir.mkdir(parents=True, exist_ok=True)
    shots: list[Shot] = []
    qapp = QApplication.instance()
    start_lang, start_theme = current_language(), current_theme()
    start_size = (window.width(), window.height())
    idle_timeout = window.idle.timeout
    window.idle.timeout = 10**9  # the tour must not be sent back to the start
    _fit(window, target.size)
    # PNG encoding releases the GIL: the files are written while the next state is drawn.
    from concurrent.futures import ThreadPoolExecutor

    saver = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tour-png")
    saving = []

    def photograph(screen_name: str, state: str, put, lang: str, mode: str) -> None:  # type: ignore[no-untyped-def]
        label = "-".join(p for p in (state, mode, target.panel) if p)
        shot = Shot(file=shot_name(app, screen_name, label, lang), app=app, screen=screen_name, state=state,
                    lang=lang, mode=mode, panel=target.panel)
        try:
            _enter_afresh(window, screen_name)
            _settle(window)
            put()
            _settle(window)
            _fit(window, target.size)  # a larger earlier state must not stick
            _settle(window)
        except Exception as exc:  # one broken state must not hide the others
            shot.findings.append(f"the state could not be shown: {type(exc).__name__}: {exc}")
        if photographs:
            picture = window.grab().toImage()  # a QImage may be saved off the GUI thread, a QPixmap not
            shot.findings += _look(window, lang, target, picture)
            saving.append((shot, saver.submit(picture.save, str(outdir / shot.file), "PNG")))
        else:
            shot.findings += _look(window, lang, target)
        shots.append(shot)
        log(f"{shot.file}" + (f"  ({'; '.join(shot.findings)})" if shot.findings else ""))

    try:
        for lang in langs:
            _use_language(window, lang)
            for mode in modes if modes is not None else ("", *target.modes):
                apply_theme(qapp, _mode_theme(target.theme, mode))
                for name, screen in window.nav.screens.items():
                    if name != home and (home_only or mode and not every_mode and modes is None):
                        continue
                    if screens is not None and name not in screens:
                        continue
                    try:
                        _enter_afresh(window, name)
                    except Exception as exc:
                        log(f"{name}: tour_params() failed: {exc}")
                    _settle(window)
                    try:
                        states = screen.tour_states()
                    except Exception as exc:
                        states = [("", lambda: None)]
                        log(f"{name}: tour_states() failed: {exc}")
                    for state, put in states:
                        photograph(name, state, put, lang, mode)
    finally:
        apply_theme(qapp, start_theme)
        _use_language(window, start_lang)
        window.idle.timeout = idle_timeout
        window.nav.go(home)
        _fit(window, start_size)
        _settle(window)
        saver.shutdown(wait=True)
    failed = [shot.file for shot, done in saving if not done.result()]
    if failed:
        raise OSError(f"could not write {len(failed)} picture(s) into {outdir}, e.g. {failed[0]}")
    if photographs:
        write_index(outdir, shots)
    return shots


def write_index(outdir: Path, shots: list[Shot]) -> Path:
    """index.html: the pictures in a grid, grouped by screen, captioned, findings below."""
    groups: dict[tuple[str, str], list[Shot]] = {}
    for shot in shots:
        groups.setdefault((shot.app, shot.screen), []).append(shot)
    esc = html.escape
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>MotCua screen tour</title>",
        "<style>body{font-family:sans-serif;margin:24px;background:#f4f6f8;color:#1b1f24}"
        ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:18px}"
        "figure{margin:0;background:#fff;border:1px solid #8a96a3;border-radius:8px;padding:8px}"
        "figure img{width:100%;height:auto;display:block;border:1px solid #ccd}"
        "figcaption{font-size:14px;margin-top:6px}.bad{color:#b42318;font-size:13px;margin:4px 0 0 16px}"
        "h2{margin-top:32px}</style></head><body>",
        "<h1>MotCua screen tour</h1>",
        f"<p>{len(shots)} screenshots of {len(groups)} screens; "
        f"{sum(1 for s in shots if s.findings)} with findings.</p>",
    ]
    for (app, screen), items in groups.items():
        parts.append(f'<h2 id="{esc(app)}-{esc(screen)}">{esc(app)} · {esc(screen)}</h2><div class="grid">')
        for shot in items:
            parts.append(f'<figure><a href="{esc(shot.file)}"><img src="{esc(shot.file)}" loading="lazy" '
                         f'alt="{esc(shot.caption)}"></a><figcaption>{esc(shot.caption)}<br>'
                         f"<code>{esc(shot.file)}</code></figcaption>")
            if shot.findings:
                parts.append('<ul class="bad">' + "".join(f"<li>{esc(f)}</li>" for f in shot.findings) + "</ul>")
            parts.append("</figure>")
        parts.append("</div>")
    parts.append("</body></html>")
    index = outdir / "index.html"
    index.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return index


# --- the command ---------------------------------------------------------------------------------


def demo_database(folder: Path):  # type: ignore[no-untyped-def]
    from local_db import migrate
    from local_db.database import Database
    from local_db.demo.seed import seed_demo

    db = Database(f"sqlite:///{folder / 'tour-office.db'}")
    migrate.upgrade(db)
    seed_demo(db, seed=TOUR_SEED, days=TOUR_DAYS, now=TOUR_NOW)
    sign_in_at_counter(db, "canbo1", 1)  # as `motcua demo` does: its services have a clerk, the others not
    return db


def sign_in_at_counter(db, username: str, number: int) -> None:  # type: ignore[no-untyped-def]
    """A clerk signs in at a counter of the tour's office, as the counter app does."""
    from sqlalchemy import select

    from core.actor import Actor
    from local_db.models import Staff
    from local_db.office_settings import get_office
    from local_db.office_setup import ensure_device
    from local_db.ops.counters import set_counter_open

    with db.write() as s:
        code = get_office(s).code
        staff = s.scalars(select(Staff).where(Staff.office_code == code, Staff.username == username)).one()
        device = ensure_device(s, code, "tour-counter", "counter")
        set_counter_open(s, Actor(code, device.id, staff.id, staff.full_name), number, True, now=TOUR_NOW)


def run(args: argparse.Namespace) -> int:
    # Offscreen always: the pictures are taken at the panel's size, which a desktop's screen
    # (or its window manager) would cut down; and no window flashes up on that desktop.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    outdir: Path = args.outdir.resolve()
    with tempfile.TemporaryDirectory(prefix="motcua-tour-") as tmp:
        scratch = Path(tmp)
        if args.database_url:
            from local_db.database import Database

            db = Database(args.database_url)
        elif set(args.apps or APPS) == {"web"}:
            db = None  # the web site's tour runs on a throwaway centre of its own
        else:
            print("Building a small demo office for the tour...", flush=True)
            db = demo_database(scratch)
        now = None if args.database_url else TOUR_NOW
        shots: list[Shot] = []
        try:
            for app in args.apps or APPS:
                tour = {"kiosk": _tour_kiosk, "counter": _tour_counter, "display": _tour_display,
                        "web": _tour_web}[app]
                shots += tour(db, scratch, outdir, every_mode=args.every_mode, now=now)
        finally:
            if db is not None:
                db.dispose()
    write_index(outdir, shots)
    bad = [s for s in shots if s.findings]
    for shot in bad:
        for finding in shot.findings:
            print(f"  {shot.file}: {finding}")
    print(f"{len(shots)} screenshots, {len(bad)} with findings: {outdir}")
    print(f"contact sheet: {outdir / 'index.html'}")
    return 1 if bad and args.strict else 0


def _quiet_offscreen() -> None:
    """The offscreen platform warns each time a window's minimum size changes; that is
    noise here (a screen that does not fit is reported as a finding instead)."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode, context, message):  # type: ignore[no-untyped-def]
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def open_tour_window(db, scratch: Path, *, now: datetime | None) -> KioskWindow:  # type: ignore[no-untyped-def]
    """A kiosk window offscreen at the panel size, its PIN pad installed, printing into
    ``scratch``; the clock fixed at ``now`` (None: the real clock)."""
    from core.settings import load_settings
    from kiosk.app import PORTRAIT, KioskWindow
    from kiosk.context import KioskContext
    from kiosk.exit_gesture import install_exit
    from ui.app import make_app

    settings = load_settings(path=scratch / "none.toml", environ={}, device_kind="kiosk", device_name="tour-kiosk",
                             printer=f"pdf:{scratch / 'printed'}", data_dir=str(scratch))
    ctx = KioskContext.open(db, settings, clock=(lambda: now) if now else None)
    make_app()
    _quiet_offscreen()
    window = KioskWindow(ctx, pdf_dir=scratch / "kept", print_in_background=False)
    install_exit(window)
    window.resize(*PORTRAIT)
    window.show()
    _settle(window)
    return window


def _tour_kiosk(db, scratch: Path, outdir: Path, *, every_mode: bool,  # type: ignore[no-untyped-def]
                now: datetime | None) -> list[Shot]:
    from PySide6.QtWidgets import QApplication

    window = open_tour_window(db, scratch, now=now)
    log = (lambda msg: print(msg, flush=True)) if sys.stdout.isatty() else (lambda _msg: None)
    try:  # the portrait panel, then a landscape one (every screen again, the modes on the start)
        return (take_tour(window, outdir, every_mode=every_mode, log=log)
                + take_tour(window, outdir, every_mode=every_mode, target=kiosk_target(landscape=True), log=log))
    finally:
        window.shutdown()
        QApplication.processEvents()


def open_counter_tour_window(db, scratch: Path, *, now: datetime | None):  # type: ignore[no-untyped-def]
    """Counter 1 offscreen at the desk size, printing into ``scratch``, the office's
    administrator signed in (every page shows); the clock fixed at ``now``."""
    from core.settings import load_settings
    from counter.app import DESK_SIZE, CounterWindow
    from counter.context import CounterContext
    from local_db.ops.staff import list_staff
    from ui.app import make_app
    from ui.theme import Theme

    settings = load_settings(path=scratch / "none.toml", environ={}, device_kind="counter",
                             device_name="tour-counter", printer=f"pdf:{scratch / 'printed-counter'}",
                             data_dir=str(scratch))
    ctx = CounterContext.open(db, settings, clock=(lambda: now) if now else None, counter_number=1)
    make_app(theme=Theme(desk=True))
    _quiet_offscreen()
    window = CounterWindow(ctx, pdf_dir=scratch / "kept-counter", print_in_background=False, idle_lock_s=10**9)
    with db.read() as s:
        ctx.staff = next(st for st in list_staff(s, ctx.office_code) if st.role == "admin" and st.active)
    window.resize(*DESK_SIZE)
    window.show()
    _settle(window)
    return window


def _tour_counter(db, scratch: Path, outdir: Path, *, every_mode: bool,  # type: ignore[no-untyped-def]
                  now: datetime | None) -> list[Shot]:
    from PySide6.QtWidgets import QApplication

    window = open_counter_tour_window(db, scratch, now=now)
    try:
        return take_tour(window, outdir, every_mode=every_mode, target=counter_target(),
                         log=lambda msg: print(msg, flush=True) if sys.stdout.isatty() else None)
    finally:
        window.shutdown()
        window.deleteLater()
        QApplication.processEvents()


def open_display_tour_window(db, scratch: Path, *, now: datetime | None):  # type: ignore[no-untyped-def]
    """The board offscreen at 1920x1080, silent, showing made-up states only (the tour's
    idle, busy and fresh-call boards do not depend on the demo office's day)."""
    from display.app import DisplayWindow
    from display.context import DisplayContext
    from display.style import BOARD_SIZE
    from ui.app import make_app

    ctx = DisplayContext.open(db, cache_dir=scratch / "voice", clock=(lambda: now) if now else None, sound=False)
    make_app()
    _quiet_offscreen()
    window = DisplayWindow(ctx, read=False)
    window.resize(*BOARD_SIZE)
    window.show()
    _settle(window)
    return window


def _tour_display(db, scratch: Path, outdir: Path, *, every_mode: bool,  # type: ignore[no-untyped-def]
                  now: datetime | None) -> list[Shot]:
    from PySide6.QtWidgets import QApplication

    window = open_display_tour_window(db, scratch, now=now)
    try:
        return take_tour(window, outdir, every_mode=every_mode, target=display_target(),
                         log=lambda msg: print(msg, flush=True) if sys.stdout.isatty() else None)
    finally:
        window.shutdown()
        window.deleteLater()
        QApplication.processEvents()


def _tour_web(db, scratch: Path, outdir: Path, *, every_mode: bool,  # type: ignore[no-untyped-def]
              now: datetime | None) -> list[Shot]:
    from cli.tour_web import _tour_web as tour

    return tour(db, scratch, outdir, every_mode=every_mode, now=now)
