"""The one clock: every "now" in the product comes from here.

`SIFBOT_NOW` (ISO 8601 with an offset) fixes the time for every command, so SLA clocks and date
rules can be tried and tested. Rules never read the clock themselves: they take `now`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.errors import ConfigError

Clock = Callable[[], datetime]
CHINA = ZoneInfo("Asia/Shanghai")


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant that must carry its offset (a naive time is ambiguous)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ConfigError(key="SIFBOT_NOW", reason=str(exc)) from exc
    if value.tzinfo is None:
        raise ConfigError(key="SIFBOT_NOW", reason="needs an offset, e.g. +08:00")
    return value


def system_clock() -> datetime:
    """Now, or the fixed instant in `SIFBOT_NOW` (read at every call so tests can move it)."""
    fixed = os.environ.get("SIFBOT_NOW")
    if fixed:
        return parse_instant(fixed)
    return datetime.now(UTC)


def fixed_clock(instant: datetime) -> Clock:
    """A clock that always says `instant` (for unit tests)."""
    if instant.tzinfo is None:
        raise ValueError("a clock tells aware times only")
    return lambda: instant
