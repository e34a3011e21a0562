"""A throwaway X server (Debian's Xvfb) for the desktop test, and what a person at it sees.

Xvfb picks a free display number itself (``-displayfd``), listens on no TCP port
(``-nolisten tcp``) and never resets (``-noreset``: by default it resets when its last
client leaves, and a test that looks at the screen between two apps' connections had its
connection reset by the server under load); it is a real X server, so Qt's xcb platform plugin loads all its
libraries and maps real windows on it, as on a desktop without a window manager. Input
goes through xdotool (the XTEST extension: the same path as a real mouse and keyboard),
windows and pixels are read with python-xlib.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ui.placement import Area


@dataclass(frozen=True)
class MappedWindow:
    window_id: int
    pid: int | None  # _NET_WM_PID, which Qt sets
    area: Area
    title: str


class XServer:
    def __init__(self, width: int = 1920, height: int = 1080) -> None:
        if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
            raise RuntimeError("Xvfb or xdotool missing: run `make setup` (Debian's xvfb, xdotool)")
        self.size = (width, height)
        self.display = ""
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> XServer:
        read, write = os.pipe()
        self._process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-nolisten", "tcp", "-noreset",
             "-screen", "0", f"{self.size[0]}x{self.size[1]}x24", "-nocursor"], pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as answer:
            number = answer.readline().strip()
        if not number:
            self.stop()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def env(self) -> dict[str, str]:
        """This machine's environment on this X server, as on a desktop: no Qt platform chosen."""
        env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        env["DISPLAY"] = self.display
        return env

    def _xlib(self):  # type: ignore[no-untyped-def]
        from Xlib import display

        return display.Display(self.display)

    def windows(self) -> list[MappedWindow]:
        """The top-level windows mapped on the screen, with the process that owns each."""
        from Xlib import X

        conn = self._xlib()
        try:
            pid_atom = conn.intern_atom("_NET_WM_PID")
            found = []
            for child in conn.screen().root.query_tree().children:
                attrs = child.get_attributes()
                if attrs.map_state != X.IsViewable:
                    continue
                geometry = child.get_geometry()
                if geometry.width <= 3 and geometry.height <= 3:
                    continue  # Qt's own helper windows
                prop = child.get_full_property(pid_atom, X.AnyPropertyType)
                pid = int(prop.value[0]) if prop is not None and len(prop.value) else None
                found.append(MappedWindow(child.id, pid, Area(geometry.x, geometry.y, geometry.width, geometry.height),
                                          str(child.get_wm_name() or "")))
            return found
        finally:
            conn.close()

    def pixels(self, area: Area | None = None) -> bytes:
        """The screen's pixels in ``area`` (default: all of it), as X gives them (BGRX)."""
        from Xlib import X

        conn = self._xlib()
        try:
            area = area or Area(0, 0, *self.size)
            image = conn.screen().root.get_image(area.x, area.y, area.width, area.height, X.ZPixmap, 0xFFFFFFFF)
            return bytes(image.data)
        finally:
            conn.close()

    def screenshot(self, path: Path) -> Path:
        from PIL import Image

        Image.frombytes("RGB", self.size, self.pixels(), "raw", "BGRX").save(path)
        return path

    def settled(self, area: Area, *, before: bytes | None = None, quiet: float = 1.0, timeout: float = 20.0) -> bytes:
        """What ``area`` shows once it has changed from ``before`` (if given) and then stayed
        the same for ``quiet`` seconds: a screen that has finished drawing its next step."""
        deadline = time.monotonic() + timeout
        last = self.pixels(area)
        since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now = self.pixels(area)
            if now != last:
                last, since = now, time.monotonic()
            elif (before is None or now != before) and time.monotonic() - since >= quiet:
                return now
        raise AssertionError(f"the screen at {area} did not settle{' on a change' if before else ''} in {timeout} s")

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.env(), check=True, timeout=20)

    def click(self, x: int, y: int) -> None:
        self.xdotool("mousemove", "--sync", str(x), str(y), "click", "1")

    def type_into(self, window: MappedWindow, *keys: str, text: str = "") -> None:
        """Focus ``window`` and type ``text`` then press ``keys`` (xdotool key names)."""
        self.xdotool("windowfocus", "--sync", str(window.window_id))
        if text:
            self.xdotool("type", "--delay", "30", text)
        if keys:
            self.xdotool("key", "--delay", "50", *keys)
