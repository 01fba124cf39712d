"""Support hours settings that could never work are refused at start, naming key and reason."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from bot.cli import main
from core.errors import ConfigError
from core.settings import load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sifbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("toml", "key", "reason"), [
    ('[support]\ntimezone = "Asia/Shangai"', "support.timezone", "unknown time zone"),
    ('[support]\ntimezone = "../etc/passwd"', "support.timezone", "unknown time zone"),
    ('[[support.overrides]]\ndate = "2026-02-30"', "support.overrides.0.date", "no such day"),
    ('[[support.overrides]]\ndate = "2026-13-01"', "support.overrides.0.date", "no such day"),
    ('[[support.overrides]]\ndate = "2026-02-16"\nstart = 18:00:00\nend = 10:00:00',
     "support.overrides.0", "start must be before end"),
])
def test_an_impossible_support_setting_is_refused_with_its_key_and_reason(
        tmp_path: Path, toml: str, key: str, reason: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, toml))
    assert caught.value.params["key"] == key
    message = caught.value.message("en")
    assert key in message and reason in message and "Value error" not in message


def test_a_real_override_day_and_zone_are_kept(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[support]\ntimezone = "Europe/Berlin"\n'
                                             '[[support.overrides]]\ndate = "2026-02-17"\n'))
    assert settings.support.timezone == "Europe/Berlin"
    assert settings.support.overrides[0].date == "2026-02-17"


@pytest.mark.parametrize("command", [("tickets", "list"), ("sla", "report"), ("chat", "--jsonl")])
def test_every_command_refuses_a_misspelt_time_zone_at_start(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    config = write(tmp_path, '[support]\ntimezone = "Asia/Shangai"\n')
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*command, "--config", str(config), "--db", str(tmp_path / "s.db")])
    assert code == 2 and "support.timezone" in err.getvalue() and out.getvalue() == ""
