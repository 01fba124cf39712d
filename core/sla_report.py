"""SLA compliance over a period: per priority and per category, for each clock, and the tickets
that breached. Pure: it takes the tickets and `now`.

A clock counts as met when it stopped before its target, breached when its counted time reached
the target (met late, or still running past it), and open otherwise (not in the rate).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core import sla
from core.ticket_models import CATEGORIES, PRIORITIES, Ticket


def _tally() -> dict[str, Any]:
    return {"met": 0, "breached": 0, "open": 0, "compliance": None}


def _group(keys: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {key: {"tickets": 0, **{name: _tally() for name in sla.CLOCK_NAMES}} for key in keys}


def _outcome(clock: sla.SlaClock, cals: sla.Calendars, now: datetime) -> str:
    if sla.is_breached(clock, cals, now):
        return "breached"
    return "met" if clock.met_at is not None else "open"


def compliance_report(tickets: list[Ticket], cals: sla.Calendars, now: datetime,
                      start: datetime, end: datetime, zone: ZoneInfo) -> dict[str, Any]:
    """The `sifbot sla report --json` object for tickets filed in [start, end)."""
    by_priority, by_category = _group(PRIORITIES), _group(CATEGORIES)
    totals: dict[str, Any] = {"tickets": 0, **{name: _tally() for name in sla.CLOCK_NAMES}}
    breached: list[dict[str, Any]] = []
    for ticket in tickets:
        if not start <= ticket.created_at < end:
            continue
        groups = (totals, by_priority[ticket.priority], by_category[ticket.category])
        for group in groups:
            group["tickets"] += 1
        for name, clock in ticket.clocks.items():
            outcome = _outcome(clock, cals, now)
            for group in groups:
                group.setdefault(name, _tally())[outcome] += 1
            if outcome == "breached":
                view = sla.clock_view(clock, cals, now, zone)
                breached.append({
                    "id": ticket.id, "clock": name, "priority": ticket.priority,
                    "category": ticket.category, "status": ticket.status.value,
                    "assignee": ticket.assignee, "tier": ticket.tier, "subject": ticket.subject,
                    **{k: view[k] for k in ("target_minutes", "due_at", "elapsed_minutes",
                                            "met_at")},
                })
    for group in (totals, *by_priority.values(), *by_category.values()):
        for name in sla.CLOCK_NAMES:
            tally = group[name]
            decided = tally["met"] + tally["breached"]
            tally["compliance"] = round(tally["met"] / decided, 4) if decided else None
    return {
        "from": start.astimezone(zone).isoformat(), "to": end.astimezone(zone).isoformat(),
        "generated_at": now.astimezone(zone).isoformat(), "totals": totals,
        "by_priority": by_priority, "by_category": by_category, "breached": breached,
    }
