"""Operator settings: defaults without a file, a bad file refused naming the key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import Settings, load_settings, settings_path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sifbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- defaults ------------------------------------------------------------------------------
def test_without_a_file_every_setting_has_its_default() -> None:
    settings = load_settings(None)
    assert settings == Settings()
    assert settings.issuance.invoice_limit == Decimal("1000000.00")
    assert settings.issuance.employee_requires_review is False
    assert settings.seller.province_code == "11"
    assert settings.seller.channel == "1"
    assert settings.support.timezone == "Asia/Shanghai"


def test_an_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, "")) == Settings()


def test_no_file_is_looked_for_when_none_is_given_and_none_is_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SIFBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert settings_path(None) is None


def test_the_explicit_path_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIFBOT_CONFIG", str(tmp_path / "env.toml"))
    assert settings_path("cli.toml") == Path("cli.toml")
    assert settings_path(None) == tmp_path / "env.toml"


# -- a valid file --------------------------------------------------------------------------
def test_a_valid_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[issuance]
invoice_limit = "100000"
employee_requires_review = true

[seller]
province_code = "44"

[roles]
"slack:U0FIN" = "finance"
""",
    )
    settings = load_settings(path)
    assert settings.issuance.invoice_limit == Decimal("100000")
    assert settings.issuance.employee_requires_review is True
    assert settings.seller.province_code == "44"
    assert settings.seller.channel == "1"
    assert settings.role_of("slack:U0FIN") == "finance"
    assert settings.role_of("tg:42") == "customer"


# -- a bad file is refused, naming the key --------------------------------------------------
@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[issuance]\nemployee_requires_review = "maybe"', "issuance.employee_requires_review"),
        ('[issuance]\ndraft_ttl_days = "thirty"', "issuance.draft_ttl_days"),
        ('[smtp]\nport = "twenty-five"', "smtp.port"),
        ("[seller]\nprovince_code = 44", "seller.province_code"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_naming_the_key(
    tmp_path: Path, toml: str, key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, toml))
    assert caught.value.code == "config_invalid"
    assert caught.value.params["key"] == key
    assert key in caught.value.message("en")


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[issuance]\ninvoice_limt = 5", "issuance.invoice_limt"),
        ('[seler]\nname = "x"', "seler"),
        ("debug = true", "debug"),
    ],
)
def test_an_unknown_key_is_refused_naming_the_key(tmp_path: Path, toml: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, toml))
    assert caught.value.params["key"] == key


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[issuance]\ninvoice_limit = 0", "issuance.invoice_limit"),
        ('[seller]\nprovince_code = "4"', "seller.province_code"),
        ('[roles]\n"tg:1" = "boss"', "roles.tg:1"),
    ],
)
def test_a_value_out_of_its_range_is_refused_naming_the_key(
    tmp_path: Path, toml: str, key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, toml))
    assert caught.value.params["key"] == key


def test_a_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, "[issuance\n"))
    assert caught.value.params["key"].endswith("sifbot.toml")


def test_a_named_file_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "missing.toml")
    assert caught.value.params["reason"] == "file not found"


def test_settings_are_frozen_once_read() -> None:
    settings = Settings()
    with pytest.raises(ValueError):
        settings.issuance.employee_requires_review = True  # type: ignore[misc]
