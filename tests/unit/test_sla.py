"""SLA arithmetic: support hours across nights, Chinese working days across weekends, the 2026
Spring Festival and its make-up Saturdays, operator overrides, pause/resume, urgent 24x7,
warnings at 75% and breaches at 100%."""

from __future__ import annotations

from datetime import date, datetime, time

import chinese_calendar
import pytest

from core import sla
from core.clock import CHINA, parse_instant, system_clock
from core.settings import HoursOverride, Settings, SlaSettings, SupportSettings

CALS = sla.Calendars(Settings())
SHARE = 0.75


def at(text: str) -> datetime:
    """'2026-03-02 10:00' in Beijing time."""
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def due(calendar: str, start: str, minutes: int, cals: sla.Calendars = CALS) -> datetime:
    clock = sla.start_clock(minutes, calendar, cals, at(start), SHARE)  # type: ignore[arg-type]
    assert clock.due_at is not None
    return clock.due_at.astimezone(CHINA)


# -- support hours: 09:00-22:00 every day -----------------------------------------------------
def test_two_hours_inside_support_hours_are_two_hours() -> None:
    assert due("support_hours", "2026-03-02 10:00", 120) == at("2026-03-02 12:00")


def test_the_clock_stops_at_22_00_and_goes_on_at_09_00() -> None:
    assert due("support_hours", "2026-03-02 21:00", 120) == at("2026-03-03 10:00")


def test_a_ticket_filed_at_night_starts_counting_at_nine() -> None:
    calendar = CALS["support_hours"]
    assert calendar.next_open(at("2026-03-02 23:30")) == at("2026-03-03 09:00")
    assert due("support_hours", "2026-03-02 23:30", 120) == at("2026-03-03 11:00")
    assert due("support_hours", "2026-03-03 03:00", 120) == at("2026-03-03 11:00")


def test_support_hours_run_on_weekends_too() -> None:
    # 2026-03-07 is a Saturday: support works every day.
    assert due("support_hours", "2026-03-07 21:30", 120) == at("2026-03-08 10:30")


def test_48_support_hours_are_spread_over_four_days() -> None:
    # Mon 10-22 (720) + Tue (780) + Wed (780) + Thu 09:00 + 600 minutes.
    assert due("support_hours", "2026-03-02 10:00", 48 * 60) == at("2026-03-05 19:00")


def test_open_minutes_between_two_instants_skip_the_night() -> None:
    seconds = CALS["support_hours"].open_seconds(at("2026-03-02 21:00"), at("2026-03-03 10:00"))
    assert seconds == 120 * 60


def test_an_operator_override_closes_a_day_or_changes_its_hours() -> None:
    support = SupportSettings(overrides=[
        HoursOverride(date="2026-03-03"),  # closed
        HoursOverride(date="2026-03-04", start=time(10, 0), end=time(18, 0)),
    ])
    cals = sla.Calendars(Settings(support=support))
    assert due("support_hours", "2026-03-02 21:00", 120, cals) == at("2026-03-04 11:00")
    assert cals["support_hours"].next_open(at("2026-03-03 12:00")) == at("2026-03-04 10:00")


# -- working days (chinese_calendar) -----------------------------------------------------------
def test_one_working_day_is_480_minutes_and_skips_the_weekend() -> None:
    # Friday 16:00: one hour on Friday, then Monday 09:00 + 7 hours.
    assert due("working_days", "2026-03-06 16:00", 480) == at("2026-03-09 16:00")
    assert due("working_days", "2026-03-02 10:00", 480) == at("2026-03-03 10:00")


def test_the_package_knows_the_2026_spring_festival() -> None:
    # If these fail, chinese_calendar's data changed: the tests below rely on it.
    assert all(chinese_calendar.is_holiday(date(2026, 2, d)) for d in range(15, 24))
    assert chinese_calendar.is_workday(date(2026, 2, 14))  # Saturday, make-up working day
    assert chinese_calendar.is_workday(date(2026, 2, 28))  # Saturday, make-up working day
    assert not chinese_calendar.is_workday(date(2026, 3, 7))  # an ordinary Saturday


def test_a_complaint_before_the_spring_festival_waits_until_after_it() -> None:
    # Saturday 2026-02-14 is a make-up working day: one hour there, then Feb 15-23 are off.
    assert due("working_days", "2026-02-14 16:00", 480) == at("2026-02-24 16:00")


def test_the_make_up_saturday_before_the_festival_counts() -> None:
    # Friday 2026-02-13 15:00: two hours on Friday, the rest on Saturday the 14th.
    assert due("working_days", "2026-02-13 15:00", 480) == at("2026-02-14 15:00")


def test_the_make_up_saturday_after_the_festival_counts_but_an_ordinary_one_does_not() -> None:
    assert due("working_days", "2026-02-27 16:30", 480) == at("2026-02-28 16:30")
    assert due("working_days", "2026-03-06 16:30", 480) == at("2026-03-09 16:30")


def test_a_complaint_filed_during_the_festival_starts_on_the_first_day_back() -> None:
    calendar = CALS["working_days"]
    assert calendar.next_open(at("2026-02-18 10:00")) == at("2026-02-24 09:00")
    assert due("working_days", "2026-02-18 10:00", 480) == at("2026-02-24 17:00")


def test_the_operator_corrects_the_calendar_and_a_year_without_data_is_monday_to_friday() -> None:
    cals = sla.Calendars(Settings(sla=SlaSettings(
        holidays=[date(2026, 3, 9)], workdays=[date(2026, 3, 7)])))
    assert due("working_days", "2026-03-06 16:00", 480, cals) == at("2026-03-07 16:00")
    assert due("working_days", "2026-03-07 16:00", 480, cals) == at("2026-03-10 16:00")
    # 2027 is not in the installed package yet: Friday -> Monday.
    assert due("working_days", "2027-03-05 16:00", 480) == at("2027-03-08 16:00")


# -- urgent: 24x7 -----------------------------------------------------------------------------
def test_urgent_runs_through_the_night_and_the_festival() -> None:
    assert due("24x7", "2026-03-07 23:00", 30) == at("2026-03-07 23:30")
    assert due("24x7", "2026-02-17 23:00", 480) == at("2026-02-18 07:00")


# -- pause and resume -------------------------------------------------------------------------
def test_pending_pauses_the_clock_and_the_requester_resumes_it() -> None:
    clock = sla.start_clock(120, "support_hours", CALS, at("2026-03-02 10:00"), SHARE)
    clock = sla.pause_clock(clock, CALS, at("2026-03-02 11:00"))
    assert clock.paused and clock.due_at is None
    assert sla.elapsed_seconds(clock, CALS, at("2026-03-05 11:00")) == 60 * 60
    clock = sla.resume_clock(clock, CALS, at("2026-03-03 21:30"), SHARE)
    assert clock.due_at == at("2026-03-04 09:30")  # 30 minutes tonight, 30 tomorrow
    assert sla.elapsed_seconds(clock, CALS, at("2026-03-04 09:00")) == 90 * 60
    assert not sla.is_breached(clock, CALS, at("2026-03-04 09:29"))
    assert sla.is_breached(clock, CALS, at("2026-03-04 09:30"))


def test_a_met_clock_stops_and_keeps_its_due_time() -> None:
    clock = sla.start_clock(120, "support_hours", CALS, at("2026-03-02 10:00"), SHARE)
    clock = sla.stop_clock(clock, CALS, at("2026-03-02 11:15"))
    view = sla.clock_view(clock, CALS, at("2026-03-09 10:00"), CHINA)
    assert view == {"target_minutes": 120, "due_at": "2026-03-02T12:00:00+08:00",
                    "elapsed_minutes": 75, "paused": False,
                    "met_at": "2026-03-02T11:15:00+08:00", "breached": False,
                    "calendar": "support_hours"}


def test_a_clock_paused_after_its_breach_still_shows_when_it_breached() -> None:
    clock = sla.start_clock(120, "support_hours", CALS, at("2026-03-02 10:00"), SHARE)
    clock = sla.pause_clock(clock, CALS, at("2026-03-02 13:00"))
    view = sla.clock_view(clock, CALS, at("2026-03-02 15:00"), CHINA)
    assert view["breached"] is True and view["paused"] is True
    assert view["due_at"] == "2026-03-02T12:00:00+08:00"
    assert view["elapsed_minutes"] == 180


# -- warnings and breaches --------------------------------------------------------------------
def test_the_warning_comes_at_75_percent_and_the_breach_at_100() -> None:
    clock = sla.start_clock(120, "support_hours", CALS, at("2026-03-02 10:00"), SHARE)
    assert clock.warn_at == at("2026-03-02 11:30")
    assert sla.crossings(clock, at("2026-03-02 11:29")) == []
    assert sla.crossings(clock, at("2026-03-02 11:30")) == ["warning"]
    clock = sla.mark_sent(clock, "warning")
    assert sla.next_event_at(clock) == at("2026-03-02 12:00")
    assert sla.crossings(clock, at("2026-03-02 11:59")) == []
    assert sla.crossings(clock, at("2026-03-02 12:00")) == ["breach"]
    clock = sla.mark_sent(clock, "breach")
    assert sla.crossings(clock, at("2026-03-03 12:00")) == []
    assert sla.next_event_at(clock) is None


def test_a_late_sweep_sends_the_breach_and_skips_the_stale_warning() -> None:
    clock = sla.start_clock(120, "support_hours", CALS, at("2026-03-02 10:00"), SHARE)
    assert sla.crossings(clock, at("2026-03-02 15:00")) == ["breach"]
    assert sla.next_event_at(sla.mark_sent(clock, "breach")) is None


def test_a_paused_or_met_clock_never_warns() -> None:
    clock = sla.start_clock(120, "support_hours", CALS, at("2026-03-02 10:00"), SHARE)
    assert sla.crossings(sla.pause_clock(clock, CALS, at("2026-03-02 10:30")),
                         at("2026-03-09 10:00")) == []
    assert sla.crossings(sla.stop_clock(clock, CALS, at("2026-03-02 10:30")),
                         at("2026-03-09 10:00")) == []


def test_a_new_priority_starts_a_new_epoch_with_the_time_already_counted() -> None:
    clock = sla.start_clock(120, "support_hours", CALS, at("2026-03-02 21:00"), SHARE)
    clock = sla.mark_sent(clock, "warning")
    urgent = sla.retarget_clock(clock, 30, "24x7", CALS, at("2026-03-02 21:10"), SHARE)
    assert urgent.epoch == 1 and not urgent.warned
    assert urgent.due_at == at("2026-03-02 21:30")  # 10 minutes counted, 20 to go, 24x7


# -- policies ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("priority", "category", "expected"), [
    ("urgent", "payment", (30, 480, "24x7", "24x7")),
    ("normal", "payment", (120, 1440, "support_hours", "support_hours")),
    ("high", "complaint", (120, 480, "support_hours", "working_days")),  # followed up in 1 day
    ("low", "invoice", (120, 2880, "support_hours", "support_hours")),
])
def test_the_first_fitting_policy_of_the_settings_applies(
        priority: str, category: str, expected: tuple[int, int, str, str]) -> None:
    policy = sla.policy_for(SlaSettings(), priority, category)
    assert (policy.first_response_minutes, policy.resolution_minutes,
            policy.calendar_of("first_response"), policy.calendar_of("resolution")) == expected


def test_sifbot_now_drives_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIFBOT_NOW", "2026-02-13T15:00:00+08:00")
    now = system_clock()
    assert now == parse_instant("2026-02-13T15:00:00+08:00")
    clock = sla.start_clock(480, "working_days", CALS, now, SHARE)
    assert clock.due_at == at("2026-02-14 15:00")
