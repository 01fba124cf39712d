"""A year chinese_calendar has no data for still keeps the fixed-date statutory holidays."""

from __future__ import annotations

from datetime import date

from core import sla
from core.settings import SlaSettings


def test_new_years_day_and_national_day_are_off_in_a_year_without_data() -> None:
    year = 2099
    assert not sla.calendar_covers(date(year, 1, 1))
    settings = SlaSettings()
    for month, day in ((1, 1), (5, 1), (10, 1), (10, 2), (10, 3)):
        when = date(year, month, day)
        assert not sla.is_working_day(when, settings), when
    assert sla.is_working_day(date(year, 1, 2), settings)  # a Friday


def test_a_year_with_data_is_covered() -> None:
    assert sla.calendar_covers(date(2026, 3, 2))
