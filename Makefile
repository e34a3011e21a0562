# MotCua — `make demo` runs the product, `make test` runs the whole suite, `make bench`
# measures. Each sets up what it needs first (Debian packages, .venv), only once.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Debian packages: venv support, PostgreSQL (tests and multi-machine offices), zbar (QR
# decoding), poppler (PDF rasterising in tests), the libraries Qt's xcb/offscreen
# platforms load, fonts config, and CUPS with its PDF printer (a real print spooler for tests
# and for offices printing through the system), Debian's chromium and its chromedriver (the
# booking site's end-to-end tests and phone-sized screenshots), SANE's scanimage (document
# scanners; its test backend in the tests).
APT_PACKAGES := python3-venv postgresql libzbar0 poppler-utils cups printer-driver-cups-pdf libusb-1.0-0 libpulse0 espeak-ng \
	chromium chromium-driver sane-utils \
	libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0

export QT_QPA_PLATFORM ?= offscreen

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
	$(BIN)/python -m pytest -q -n auto
	scripts/clock_matrix.sh

# The tests marked wall_clock again with the clock moved to office midnight, a Saturday, a month's and a
# year's end (scripts/clock_matrix.sh says which moments and why); part of `make test`.
clock-matrix: setup
	scripts/clock_matrix.sh

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
