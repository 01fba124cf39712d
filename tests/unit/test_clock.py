"""The one clock: SIFBOT_NOW fixes now; naive times are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.clock import CHINA, fixed_clock, parse_instant, system_clock
from core.errors import ConfigError


def test_system_clock_honours_sifbot_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T10:00:00+08:00")
    assert system_clock() == datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)
    assert system_clock().utcoffset() == timedelta(hours=8)


def test_system_clock_reads_sifbot_now_at_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T10:00:00+08:00")
    first = system_clock()
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T11:30:00+08:00")
    assert system_clock() - first == timedelta(minutes=90)


def test_system_clock_accepts_utc_written_with_z(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T02:00:00Z")
    assert system_clock() == datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)


def test_system_clock_refuses_a_naive_sifbot_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T10:00:00")
    with pytest.raises(ConfigError) as caught:
        system_clock()
    assert caught.value.params["key"] == "SIFBOT_NOW"
    assert "offset" in str(caught.value.params["reason"])


def test_system_clock_refuses_a_sifbot_now_that_is_no_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SIFBOT_NOW", "next tuesday")
    with pytest.raises(ConfigError) as caught:
        system_clock()
    assert caught.value.params["key"] == "SIFBOT_NOW"


def test_without_sifbot_now_the_system_clock_tells_the_real_aware_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SIFBOT_NOW", raising=False)
    before = datetime.now(UTC)
    now = system_clock()
    assert now.tzinfo is not None
    assert before <= now <= datetime.now(UTC)


def test_an_empty_sifbot_now_means_the_real_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIFBOT_NOW", "")
    assert abs(system_clock() - datetime.now(UTC)) < timedelta(seconds=5)


def test_parse_instant_trims_spaces() -> None:
    assert parse_instant(" 2026-03-31T23:30:00+08:00\n") == datetime(
        2026, 3, 31, 23, 30, tzinfo=CHINA
    )


def test_fixed_clock_always_says_the_same_instant() -> None:
    instant = datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)
    clock = fixed_clock(instant)
    assert clock() == clock() == instant


def test_fixed_clock_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError):
        fixed_clock(datetime(2026, 3, 2, 10, 0))
