"""SANE's own ``test`` backend as the scanner: a config folder whose dll.conf loads only
``test``, pointed at by SANE_CONFIG_DIR for each test that asks for ``sane_test``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def sane_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sane.d")
    (folder / "dll.conf").write_text("test\n")
    shutil.copy("/etc/sane.d/test.conf", folder / "test.conf")
    return folder


@pytest.fixture
def sane_test(sane_config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The name of SANE's test scanner, with SANE_CONFIG_DIR set so only it is found."""
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_config_dir))
    yield "test:0"
