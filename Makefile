# MotCua — `make demo` runs the product, `make test` runs the whole suite, `make bench`
# measures. Each sets up what it needs first (Debian packages, .venv), only once.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Debian packages: venv support, PostgreSQL (tests and multi-machine offices), zbar (QR
# decoding), poppler (PDF rasterising in tests), every library Qt's xcb (X11, XWayland) and
# wayland platform plugins load (tests/test_desktop_libraries.py checks with ldd), fonts
# config, an X server and its tools for the desktop test (xvfb, xdotool, x11-utils), and CUPS with its PDF printer (a real print spooler for tests
# and for offices printing through the system), Debian's chromium and its chromedriver (the
# booking site's end-to-end tests and phone-sized screenshots), SANE's scanimage (document
# scanners; its test backend in the tests).
APT_PACKAGES := python3-venv postgresql libzbar0 poppler-utils cups printer-driver-cups-pdf libusb-1.0-0 libpulse0 espeak-ng \
	chromium chromium-driver sane-utils \
	libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
	libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
	libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 \
	libxcb-xfixes0 libxcb-xkb1 libwayland-client0 libwayland-cursor0 libwayland-egl1 libfreetype6 libpng16-16 \
	xvfb xdotool x11-utils

# No QT_QPA_PLATFORM here: `make demo` opens real windows on a desktop. The tests, the
# benchmarks and `motcua tour` choose the offscreen platform themselves.

.PHONY: setup apt demo test bench lint clean

setup: apt $(STAMP)

apt:
	@scripts/ensure_apt.sh $(APT_PACKAGES)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

demo: setup
	$(BIN)/motcua demo

test: setup
	$(BIN)/lint-imports
	$(BIN)/mypy core local_db sync printing scanning ui counter/intake counter/scanning
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n auto --dist loadgroup
	scripts/clock_matrix.sh

# The tests marked wall_clock again with the clock moved to office midnight, a Saturday, a month's and a
# year's end (scripts/clock_matrix.sh says which moments and why); part of `make test`.
clock-matrix: setup
	scripts/clock_matrix.sh

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
