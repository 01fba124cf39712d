"""A complaint is answered as fast as any ticket (2 support hours) and followed up within
1 working day (§12.4); "outside support hours" is said only when support is closed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from core import sla
from core.clock import CHINA
from core.models import Actor
from core.settings import Settings
from core.storage import open_repository
from core.storage.tickets import SqliteTicketStore
from core.tickets import Ticket, Tickets

CUSTOMER = Actor(user="tg:42", role="customer", platform="telegram")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def filed(tmp_path: Path, when: str, category: str,
          settings: Settings | None = None) -> tuple[Tickets, Ticket]:
    repo = open_repository(tmp_path / "t.db")
    service = Tickets(SqliteTicketStore(repo), settings or Settings(), lambda: at(when))
    return service, service.create(CUSTOMER, category=category, description="客服态度差，要求处理")


@pytest.mark.parametrize("when", ["2026-02-14 17:30", "2026-02-13 18:00", "2026-03-02 10:00",
                                  "2026-02-17 12:00"])  # 调休 Saturday, Friday evening, a Monday, 春节
def test_a_complaint_is_never_answered_slower_than_another_ticket(tmp_path: Path, when: str) -> None:
    _, complaint = filed(tmp_path, when, "complaint")
    _, other = filed(tmp_path, when, "other")
    first = complaint.clocks["first_response"]
    assert first.calendar == "support_hours" and first.target_minutes == 120
    assert first.due_at == other.clocks["first_response"].due_at


def test_a_complaints_follow_up_is_one_working_day(tmp_path: Path) -> None:
    _, complaint = filed(tmp_path, "2026-03-02 10:00", "complaint")  # Monday
    resolution = complaint.clocks["resolution"]
    assert (resolution.calendar, resolution.target_minutes) == ("working_days", 480)
    assert resolution.due_at == at("2026-03-03 10:00")


def test_a_policy_without_a_resolution_calendar_counts_both_clocks_in_its_calendar() -> None:
    policy = sla.policy_for(Settings().sla, "urgent", "complaint")
    assert policy.calendar_of("first_response") == policy.calendar_of("resolution") == "24x7"


@pytest.mark.parametrize(("when", "closed"), [("2026-02-13 18:00", False),
                                              ("2026-02-14 17:30", False),
                                              ("2026-02-13 23:00", True)])
def test_outside_support_hours_is_said_only_when_support_is_closed(
        tmp_path: Path, when: str, closed: bool) -> None:
    service, complaint = filed(tmp_path, when, "complaint")
    assert (service.clock_starts_at(complaint) is not None) is closed


def test_a_working_days_first_response_is_not_called_off_hours_while_support_is_open(
        tmp_path: Path) -> None:
    settings = Settings.model_validate({"sla": {"policies": [
        {"category": "complaint", "first_response_minutes": 480, "calendar": "working_days"}]}})
    service, complaint = filed(tmp_path, "2026-02-13 18:00", "complaint", settings)  # Fri 18:00
    assert complaint.clocks["first_response"].calendar == "working_days"
    assert service.clock_starts_at(complaint) is None
