"""Qt can open a window on a Debian desktop: every library its xcb (X11, XWayland) and
wayland platform plugins load is on this machine, and `make setup` installs it on a fresh
one.

The tests render offscreen, so a library missing for the xcb plugin (libxcb-cursor0, then
libxcb-icccm4 and libxcb-keysyms1 on a minimal Debian 12) went unseen until an IT person's
`make demo` opened no window. Here ``ldd`` resolves each plugin's libraries, and each one
must come from a Debian package that the Makefile's APT_PACKAGES installs (named there, or
pulled in by one named there, or part of every Debian system): a PySide6 upgrade that
needs one more library fails this test, not the demo.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import PySide6

ROOT = Path(__file__).resolve().parents[1]
QT = Path(PySide6.__file__).resolve().parent / "Qt"
# The platform plugins, the Qt libraries only they use, and the plugins they load in turn
# (GL integration, shells, decorations, input methods).
PLUGINS = ["plugins/platforms/libqxcb.so", "plugins/platforms/libqwayland.so", "lib/libQt6XcbQpa.so.6",
           "lib/libQt6WaylandClient.so.6", "plugins/xcbglintegrations", "plugins/wayland-shell-integration",
           "plugins/wayland-decoration-client", "plugins/wayland-graphics-integration-client",
           "plugins/platforminputcontexts"]


def _files() -> list[Path]:
    found: list[Path] = []
    for name in PLUGINS:
        path = QT / name
        found += sorted(path.glob("*.so")) if path.is_dir() else [path]
    return found


def _ldd(path: Path) -> tuple[set[str], set[str]]:
    """(libraries found outside the PySide6 wheel, libraries not found) of ``path``."""
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=True).stdout
    found, missing = set(), set()
    for line in out.splitlines():
        name, _, where = line.strip().partition(" => ")
        if "not found" in where:
            missing.add(name)
        elif where.startswith("/") and "/PySide6/" not in where:
            found.add(where.split(" (")[0])
    return found, missing


def _apt_packages() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    block = re.search(r"^APT_PACKAGES := (.*?)(?<!\\)\n", makefile, re.DOTALL | re.MULTILINE)
    assert block is not None
    return set(block.group(1).replace("\\\n", " ").split())


def _owners(libraries: set[str]) -> dict[str, str]:
    """The Debian package that ships each library (one dpkg-query for all: each call reads
    dpkg's whole file list). Debian 12 records a library under /lib or /usr/lib."""
    spellings: dict[str, str] = {}
    for library in libraries:
        for path in {library, str(Path(library).resolve())}:
            other = path.replace("/usr/lib/", "/lib/", 1) if path.startswith("/usr/lib/") else path.replace(
                "/lib/", "/usr/lib/", 1)
            spellings[path] = spellings[other] = library
    out = subprocess.run(["dpkg-query", "-S", *sorted(spellings)], check=False, capture_output=True, text=True).stdout
    owners: dict[str, str] = {}
    for line in out.splitlines():
        packages, _, path = line.partition(": ")
        if path in spellings:
            owners[spellings[path]] = packages.split(",")[0].split(":")[0].strip()
    assert sorted(libraries - set(owners)) == [], "libraries no Debian package ships"
    return owners


def _installed_depends() -> tuple[dict[str, set[str]], set[str]]:
    """Each installed package's dependencies (Depends, Pre-Depends), and the Essential and
    required ones (on every Debian system)."""
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Essential}\t${Priority}\t${Pre-Depends}, ${Depends}\n"],
                         capture_output=True, text=True, check=True).stdout
    depends: dict[str, set[str]] = {}
    base: set[str] = set()
    for line in out.splitlines():
        package, essential, priority, wanted = line.split("\t")
        if essential == "yes" or priority == "required":
            base.add(package)
        names = set()
        for clause in wanted.split(","):
            alternatives = [a.strip().split(" ")[0].split(":")[0] for a in clause.split("|") if a.strip()]
            names.update(alternatives)  # any alternative may be the one installed
        depends[package] = names
    return depends, base


def _closure(start: set[str], depends: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        seen.add(package)
        todo += depends.get(package, ())
    return seen


def test_every_library_of_qts_desktop_platform_plugins_is_found() -> None:
    files = _files()
    assert len(files) >= 6 and all(f.exists() for f in files), files
    missing = {f.name: sorted(_ldd(f)[1]) for f in files}
    assert {name: libs for name, libs in missing.items() if libs} == {}, \
        "Qt's platform plugins cannot load these libraries: add their Debian packages to APT_PACKAGES"


def test_make_setup_installs_the_debian_package_of_every_library_they_load() -> None:
    libraries = set().union(*(_ldd(f)[0] for f in _files()))
    assert any("libxcb-icccm" in lib for lib in libraries)  # ldd did read the xcb plugin
    owners = _owners(libraries)
    needed = set(owners.values())
    depends, base = _installed_depends()
    named = _apt_packages()
    covered = _closure(named | base | {"python3"}, depends)  # python3: the venv's own interpreter
    assert sorted(needed - covered) == []
    # The xcb libraries Qt's plugin names directly are named in the Makefile, not left to
    # whatever pulls them in today.
    direct = {owners[lib] for lib in _ldd(QT / "plugins/platforms/libqxcb.so")[0]}
    assert sorted({p for p in direct if p.startswith(("libxcb", "libx11", "libxkbcommon"))} - named) == []
