"""Machine settings: file, then environment, then command-line flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ValidationError
from core.settings import load_settings


def test_defaults_put_the_office_database_in_the_data_dir(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "missing.toml", environ={}, data_dir=tmp_path / "data")
    assert s.effective_database_url == f"sqlite:///{tmp_path / 'data' / 'office.db'}"
    assert s.language == "vi"


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    cfg = tmp_path / "settings.toml"
    cfg.write_text('database_url = "sqlite:////srv/motcua/office.db"\ndevice_kind = "kiosk"\nprinter = "escpos"\n',
                   encoding="utf-8")
    s = load_settings(cfg, environ={"MOTCUA_DEVICE_KIND": "counter"})
    assert (s.database_url, s.device_kind, s.printer) == ("sqlite:////srv/motcua/office.db", "counter", "escpos")
    s = load_settings(cfg, environ={"MOTCUA_DATABASE_URL": "postgresql://office@127.0.0.1/motcua"},
                      database_url="sqlite:///x.db")
    assert s.database_url == "sqlite:///x.db"


@pytest.mark.parametrize("content, message", [
    ('device_kind = "toaster"\n', "device_kind"),
    ("databse_url = 'x'\n", "unknown settings databse_url"),
    ("database_url = \n", "not valid TOML"),
    ("database_url = 5\n", "must be text"),
])
def test_a_broken_settings_file_says_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    cfg = tmp_path / "settings.toml"
    cfg.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        load_settings(cfg, environ={})


def test_a_saved_setting_keeps_the_rest_of_the_file_and_reads_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from core.settings import save_setting

    path = tmp_path / "settings.toml"
    path.write_text('# máy quầy 2\ndevice_kind = "counter"\nprinter = "pdf"  # until the new one comes\n',
                    encoding="utf-8")
    save_setting("printer", 'qt:Máy in "tầng 1"', path, environ={})
    text = path.read_text(encoding="utf-8")
    assert text.startswith('# máy quầy 2\ndevice_kind = "counter"\n') and text.count("printer") == 1
    assert load_settings(path, environ={}).printer == 'qt:Máy in "tầng 1"'
    save_setting("server_url", "https://motcua.hanoi.gov.vn", path, environ={})  # a new line at the end
    assert load_settings(path, environ={}).server_url == "https://motcua.hanoi.gov.vn"
    save_setting("printer", "pdf", tmp_path / "new" / "settings.toml", environ={})  # no file yet: made
    assert load_settings(tmp_path / "new" / "settings.toml", environ={}).printer == "pdf"


def test_a_setting_the_environment_sets_is_not_written(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from core.settings import save_setting

    path = tmp_path / "settings.toml"
    path.write_text('printer = "pdf"\n', encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        save_setting("printer", "escpos-dummy", path, environ={"MOTCUA_PRINTER": "pdf"})
    assert refused.value.code == "set_by_environment" and "MOTCUA_PRINTER" in refused.value.message
    assert path.read_text(encoding="utf-8") == 'printer = "pdf"\n'
    with pytest.raises(ValidationError):
        save_setting("no_such_setting", "x", path, environ={})
