"""``motcua COMMAND -h`` shows that command's own options (the IT person's first look)."""

from __future__ import annotations

import pytest

from cli.main import main


@pytest.mark.parametrize(("command", "option"), [("tour", "--apps"), ("counter", "--counter"), ("print", "jobs")])
def test_the_help_of_a_command_lists_its_options(capsys, command: str, option: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as stopped:
        main([command, "-h"])
    assert stopped.value.code == 0
    assert option in capsys.readouterr().out


def test_the_general_help_lists_the_commands(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        main(["-h"])
    out = capsys.readouterr().out
    assert "tour" in out and "counter" in out and "kiosk" in out
