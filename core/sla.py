"""SLA arithmetic: calendars, clocks that pause and resume, warnings and breaches.

Pure: every function takes `now`; nothing here reads a clock, a file or the database.

Three calendars count the minutes of a clock:
- `support_hours`: every day from `support.start` to `support.end` in `support.timezone`
  (09:00-22:00 Asia/Shanghai), with the operator's per-date overrides (holiday notices);
- `working_days`: `sla.working_day_start`-`sla.working_day_end` (09:00-17:00, so "1 working day"
  is 480 minutes) on the days chinese_calendar calls working days: public holidays are off and
  make-up working days (调休, e.g. Saturday 2026-02-28) are on; `sla.holidays`/`sla.workdays`
  correct the package, and a year it does not know yet falls back to Monday-Friday;
- `24x7`: every minute counts (urgent: the system is down).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal, Protocol
from zoneinfo import ZoneInfo

import chinese_calendar
from pydantic import AfterValidator, BaseModel, PlainSerializer

from core.settings import Settings, SlaPolicy, SlaSettings

CalendarName = Literal["support_hours", "working_days", "24x7"]
Crossing = Literal["warning", "breach"]
CLOCK_NAMES = ("first_response", "resolution")
MAX_DAYS = 3660  # a calendar that never opens in ten years is a broken configuration
DAY = timedelta(days=1)

Hours = Callable[[date], tuple[time, time] | None]


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a time needs its UTC offset")
    return moment.astimezone(UTC)


# An instant: aware, stored as UTC (whatever zone it was made in), shown in the viewer's zone.
UtcTime = Annotated[datetime, AfterValidator(as_utc),
                    PlainSerializer(lambda m: as_utc(m).isoformat(), return_type=str,
                                    when_used="json")]


class Calendar(Protocol):
    def open_seconds(self, start: datetime, end: datetime) -> float: ...
    def add(self, start: datetime, seconds: float) -> datetime: ...
    def next_open(self, at: datetime) -> datetime: ...


class AlwaysOpen:
    """24x7."""

    def open_seconds(self, start: datetime, end: datetime) -> float:
        return max(0.0, (end - start).total_seconds())

    def add(self, start: datetime, seconds: float) -> datetime:
        return start + timedelta(seconds=seconds)

    def next_open(self, at: datetime) -> datetime:
        return at


class DailyCalendar:
    """Open once a day, in the hours `hours(day)` gives (None: closed that day)."""

    def __init__(self, zone: ZoneInfo, hours: Hours) -> None:
        self.zone = zone
        self.hours = hours
        self._cache: dict[date, tuple[datetime, datetime] | None] = {}

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The open interval that starts on `day` (an end at or before the start is next day)."""
        if day not in self._cache:
            hours = self.hours(day)
            if hours is None:
                self._cache[day] = None
            else:
                start, end = hours
                opens = datetime.combine(day, start, self.zone)
                closes = datetime.combine(day + DAY if end <= start else day, end, self.zone)
                self._cache[day] = (opens.astimezone(UTC), closes.astimezone(UTC))
        return self._cache[day]

    def _windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (clipped to start at `moment`) from `moment` on, in order."""
        day = moment.astimezone(self.zone).date() - DAY  # yesterday's may run past midnight
        for _ in range(MAX_DAYS):
            window = self.window(day)
            day += DAY
            if window is not None and window[1] > moment:
                yield max(window[0], moment), window[1]
        raise ValueError("the calendar has no open hours in ten years")

    def open_seconds(self, start: datetime, end: datetime) -> float:
        total = 0.0
        if end <= start:
            return total
        for opens, closes in self._windows_from(start):
            if opens >= end:
                break
            total += (min(closes, end) - opens).total_seconds()
        return total

    def add(self, start: datetime, seconds: float) -> datetime:
        """The instant at which `seconds` open seconds have passed since `start`."""
        for opens, closes in self._windows_from(start):
            length = (closes - opens).total_seconds()
            if seconds <= length:
                return opens + timedelta(seconds=seconds)
            seconds -= length
        raise AssertionError("unreachable")  # pragma: no cover

    def next_open(self, at: datetime) -> datetime:
        return next(self._windows_from(at))[0]


def is_working_day(day: date, sla: SlaSettings) -> bool:
    """China's working days: the operator's corrections, then chinese_calendar, then Mon-Fri."""
    if day in sla.workdays:
        return True
    if day in sla.holidays:
        return False
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the installed package has no data for yet
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


# Statutory holidays on the same date every year (元旦, 劳动节, 国庆): off even in a year
# chinese_calendar does not know yet. The moving ones (春节, 清明 ...) need the package's data or
# the operator's `sla.holidays`.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})


def calendar_covers(day: date) -> bool:
    """Whether the installed chinese_calendar knows this day's holidays (else: Mon-Fri guess)."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


class Calendars:
    """The three calendars of one Settings, built once (each caches its days)."""

    def __init__(self, settings: Settings) -> None:
        support, sla = settings.support, settings.sla
        zone = ZoneInfo(support.timezone)
        overrides = {o.date: o for o in support.overrides}

        def support_hours(day: date) -> tuple[time, time] | None:
            override = overrides.get(day.isoformat())
            if override is None:
                return support.start, support.end
            if override.start is None and override.end is None:
                return None
            return override.start or support.start, override.end or support.end

        def working_hours(day: date) -> tuple[time, time] | None:
            if not is_working_day(day, sla):
                return None
            return sla.working_day_start, sla.working_day_end

        self.zone = zone
        self.by_name: dict[str, Calendar] = {
            "support_hours": DailyCalendar(zone, support_hours),
            "working_days": DailyCalendar(zone, working_hours),
            "24x7": AlwaysOpen(),
        }

    def __getitem__(self, name: str) -> Calendar:
        return self.by_name[name]


def policy_for(sla: SlaSettings, priority: str, category: str) -> SlaPolicy:
    """The first policy (in the order of the settings) whose priority and category both fit."""
    for policy in sla.policies:
        if policy.priority in (None, priority) and policy.category in (None, category):
            return policy
    return SlaPolicy()


# -- clocks -------------------------------------------------------------------------------------
class SlaClock(BaseModel):
    """One SLA goal of a ticket. Runs from `running_since`; `elapsed_seconds` holds the open
    seconds of earlier runs. `warn_at`/`due_at` are fixed instants while it runs, so a sweep
    finds crossings with an index instead of calendar arithmetic."""

    target_minutes: int
    calendar: CalendarName
    elapsed_seconds: float = 0.0
    running_since: UtcTime | None = None
    warn_at: UtcTime | None = None
    due_at: UtcTime | None = None
    met_at: UtcTime | None = None
    breached_at: UtcTime | None = None
    epoch: int = 0  # +1 whenever the target changes; warnings and breaches go out once an epoch
    warned: bool = False
    breach_sent: bool = False

    @property
    def running(self) -> bool:
        return self.running_since is not None

    @property
    def paused(self) -> bool:
        return self.running_since is None and self.met_at is None


def start_clock(target_minutes: int, calendar: CalendarName, cals: Calendars, now: datetime,
                warn_share: float) -> SlaClock:
    clock = SlaClock(target_minutes=target_minutes, calendar=calendar, running_since=now)
    return _schedule(clock, cals, warn_share)


def _schedule(clock: SlaClock, cals: Calendars, warn_share: float) -> SlaClock:
    """Fix warn_at and due_at for the run that started at `running_since`."""
    assert clock.running_since is not None
    since, calendar = clock.running_since, cals[clock.calendar]
    target = clock.target_minutes * 60.0
    warn = math.ceil(target * warn_share)
    due_at = (calendar.add(since, target - clock.elapsed_seconds)
              if clock.elapsed_seconds < target else clock.breached_at or since)
    warn_at = (calendar.add(since, warn - clock.elapsed_seconds)
               if clock.elapsed_seconds < warn else clock.warn_at or since)
    return clock.model_copy(update={"due_at": due_at, "warn_at": warn_at})


def elapsed_seconds(clock: SlaClock, cals: Calendars, now: datetime) -> float:
    if clock.running_since is None:
        return clock.elapsed_seconds
    return clock.elapsed_seconds + cals[clock.calendar].open_seconds(clock.running_since, now)


def _fold(clock: SlaClock, cals: Calendars, now: datetime) -> SlaClock:
    """Stop the current run at `now`: its open seconds join elapsed_seconds."""
    if clock.running_since is None:
        return clock
    breached_at = clock.breached_at
    if breached_at is None and clock.due_at is not None and clock.due_at <= now:
        breached_at = clock.due_at
    return clock.model_copy(update={"elapsed_seconds": elapsed_seconds(clock, cals, now),
                                    "running_since": None, "breached_at": breached_at})


def pause_clock(clock: SlaClock, cals: Calendars, now: datetime) -> SlaClock:
    if not clock.running:
        return clock
    return _fold(clock, cals, now).model_copy(update={"due_at": None, "warn_at": None})


def resume_clock(clock: SlaClock, cals: Calendars, now: datetime, warn_share: float) -> SlaClock:
    """Run again from `now` (a paused clock, or a met one when the ticket is reopened)."""
    if clock.running:
        return clock
    return _schedule(clock.model_copy(update={"running_since": now, "met_at": None}), cals,
                     warn_share)


def stop_clock(clock: SlaClock, cals: Calendars, now: datetime) -> SlaClock:
    """The goal is met at `now`; due_at stays to show how it went."""
    if clock.met_at is not None:
        return clock
    due_at = clock.due_at
    return _fold(clock, cals, now).model_copy(update={"met_at": now, "due_at": due_at})


def retarget_clock(clock: SlaClock, target_minutes: int, calendar: CalendarName, cals: Calendars,
                   now: datetime, warn_share: float) -> SlaClock:
    """A new policy (priority changed): counted time stays, warnings and breach start over."""
    if target_minutes == clock.target_minutes and calendar == clock.calendar:
        return clock
    running = clock.running
    folded = _fold(clock, cals, now).model_copy(update={
        "target_minutes": target_minutes, "calendar": calendar, "epoch": clock.epoch + 1,
        "warned": False, "breach_sent": False, "breached_at": None, "warn_at": None,
        "due_at": None,
    })
    if running:
        return _schedule(folded.model_copy(update={"running_since": now}), cals, warn_share)
    return folded


def is_breached(clock: SlaClock, cals: Calendars, now: datetime) -> bool:
    return elapsed_seconds(clock, cals, now) >= clock.target_minutes * 60


def next_event_at(clock: SlaClock) -> datetime | None:
    """When the sweep has something to say about this clock next (None: nothing)."""
    if not clock.running:
        return None
    if not clock.warned:
        return clock.warn_at
    if not clock.breach_sent:
        return clock.due_at
    return None


def crossings(clock: SlaClock, now: datetime) -> list[Crossing]:
    """What is due now and not yet sent: a breach (which makes a late warning moot) or a
    warning."""
    if not clock.running:
        return []
    if not clock.breach_sent and clock.due_at is not None and clock.due_at <= now:
        return ["breach"]
    if not clock.warned and clock.warn_at is not None and clock.warn_at <= now:
        return ["warning"]
    return []


def mark_sent(clock: SlaClock, crossing: Crossing) -> SlaClock:
    if crossing == "breach":
        return clock.model_copy(update={"warned": True, "breach_sent": True})
    return clock.model_copy(update={"warned": True})


def clock_view(clock: SlaClock, cals: Calendars, now: datetime,
               zone: ZoneInfo) -> dict[str, object]:
    """The `sla` entry of interfaces.md, times in the viewer's zone."""
    due = clock.due_at or clock.breached_at

    def shown(moment: datetime | None) -> str | None:
        return moment.astimezone(zone).isoformat() if moment else None

    return {
        "target_minutes": clock.target_minutes,
        "due_at": shown(due),
        "elapsed_minutes": int(elapsed_seconds(clock, cals, now) // 60),
        "paused": clock.paused,
        "met_at": shown(clock.met_at),
        "breached": is_breached(clock, cals, now),
        "calendar": clock.calendar,
    }
