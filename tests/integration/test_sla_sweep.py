"""The SLA sweep: a warning at 75% and a breach at 100%, each sent exactly once — when the
sweep runs twice, after a restart, and with two processes sweeping the same database at once.
A breach escalates one tier and tells the support channel; non-urgent notices wait for support
hours."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.handlers.flows.ticket_desk import outbox_notifier
from bot.handlers.notify import Outbox
from core.clock import CHINA, fixed_clock
from core.models import Actor
from core.settings import Settings
from core.storage import SqliteRepository, open_repository
from core.storage.tickets import SqliteTicketStore
from core.tickets import Tickets
from tests.conftest import SettableClock

CUSTOMER = Actor(user="tg:42", role="customer", platform="telegram")
AGENT = Actor(user="slack:U0AGENT", role="agent", platform="slack")
CHANNEL = "slack:C0SUPPORT"
CONFIG = {"roles": {AGENT.user: "agent"}, "support": {"channel": CHANNEL}}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def service(repo: SqliteRepository, clock: object) -> Tickets:
    return Tickets(SqliteTicketStore(repo), Settings.model_validate(CONFIG), clock,  # type: ignore[arg-type]
                   outbox_notifier(repo, Outbox(repo)))


@pytest.fixture
def tickets(repo: SqliteRepository, clock: SettableClock) -> Tickets:
    return service(repo, clock)


def drain(repo: SqliteRepository, user: str) -> list[str]:
    return [reply.text for reply in Outbox(repo).drain(user)]


def file_one(tickets: Tickets, **fields: object) -> str:
    values: dict[str, object] = {"category": "invoice", "description": "发票开不出来，提示错误"}
    values.update(fields)
    return tickets.create(CUSTOMER, **values).id  # type: ignore[arg-type]


def test_a_warning_goes_out_once_at_75_percent(
        tickets: Tickets, clock: SettableClock, repo: SqliteRepository) -> None:
    ticket_id = file_one(tickets)  # 10:00, first response due 12:00, warning at 11:30
    tickets.claim(ticket_id, AGENT)
    drain(repo, CHANNEL)
    clock.set(at("2026-03-02 11:29"))
    assert tickets.sweep().events == []
    clock.set(at("2026-03-02 11:30"))
    assert tickets.sweep().events == [(ticket_id, "first_response", "warning")]
    assert tickets.sweep().events == []  # the same sweep again: nothing new
    [warning] = drain(repo, AGENT.user)  # to the assignee
    assert ticket_id in warning and "12:00" in warning
    assert drain(repo, CHANNEL) == []


def test_a_breach_goes_out_once_escalates_one_tier_and_tells_the_support_channel(
        tickets: Tickets, clock: SettableClock, repo: SqliteRepository) -> None:
    ticket_id = file_one(tickets)
    drain(repo, CHANNEL)
    clock.set(at("2026-03-02 11:45"))
    tickets.sweep()  # the warning
    clock.set(at("2026-03-02 12:00"))
    assert tickets.sweep().events == [(ticket_id, "first_response", "breach")]
    clock.set(at("2026-03-02 12:05"))
    assert tickets.sweep().events == []
    ticket = tickets.find(ticket_id, AGENT)
    assert ticket.tier == 2
    assert [e.action for e in ticket.history] == ["create", "sla_warning", "sla_breach",
                                                  "escalate"]
    channel = drain(repo, CHANNEL)
    assert len(channel) == 2 and "🚨" in channel[1] and ticket_id in channel[1]
    assert SqliteTicketStore(repo).sla_events(ticket_id) == [
        {"ticket_id": ticket_id, "clock": "first_response", "kind": "warning", "epoch": 0,
         "at": "2026-03-02T03:45:00.000000Z"},
        {"ticket_id": ticket_id, "clock": "first_response", "kind": "breach", "epoch": 0,
         "at": "2026-03-02T04:00:00.000000Z"},
    ]


def test_a_late_sweep_sends_only_the_breach(tickets: Tickets, clock: SettableClock) -> None:
    ticket_id = file_one(tickets)
    clock.set(at("2026-03-03 12:00"))
    assert tickets.sweep().events == [(ticket_id, "first_response", "breach")]


def test_a_pending_or_answered_ticket_neither_warns_nor_breaches(
        tickets: Tickets, clock: SettableClock) -> None:
    paused, answered = file_one(tickets), file_one(tickets)
    tickets.pending(paused, AGENT)
    tickets.reply(answered, AGENT, "处理中")
    tickets.solve(answered, AGENT)
    clock.advance(days=30)
    assert tickets.sweep().events == []


def test_a_new_priority_brings_a_new_breach_for_the_new_target(
        tickets: Tickets, clock: SettableClock) -> None:
    ticket_id = file_one(tickets)
    clock.set(at("2026-03-02 12:00"))
    tickets.sweep()
    tickets.set_priority(ticket_id, AGENT, "urgent")  # 120 minutes counted > 30
    events = tickets.sweep().events
    assert (ticket_id, "first_response", "breach") in events
    assert tickets.find(ticket_id, AGENT).tier == 3


def test_a_breach_at_night_is_recorded_at_once_but_told_at_nine(
        tickets: Tickets, clock: SettableClock, repo: SqliteRepository) -> None:
    clock.set(at("2026-03-02 21:00"))
    normal = file_one(tickets)  # due 22:00 + 60 minutes tomorrow = 10:00
    urgent = file_one(tickets, priority="urgent")  # 24x7: due 21:30
    drain(repo, CHANNEL)
    clock.set(at("2026-03-02 21:40"))
    assert (urgent, "first_response", "breach") in tickets.sweep().events
    assert any(urgent in text for text in drain(repo, CHANNEL))  # urgent: at once
    clock.set(at("2026-03-02 22:30"))
    assert tickets.sweep().events == []  # the normal one's clock stopped at 22:00
    clock.set(at("2026-03-03 10:01"))
    assert (normal, "first_response", "breach") in tickets.sweep().events
    assert any(normal in text for text in drain(repo, CHANNEL))


def test_a_breach_found_after_closing_time_is_recorded_but_told_at_nine(
        tickets: Tickets, clock: SettableClock, repo: SqliteRepository) -> None:
    clock.set(at("2026-03-02 20:00"))
    ticket_id = file_one(tickets)  # due 22:00 sharp, as support closes
    drain(repo, CHANNEL)
    clock.set(at("2026-03-02 22:10"))
    assert tickets.sweep().events == [(ticket_id, "first_response", "breach")]
    assert tickets.find(ticket_id, AGENT).tier == 2  # escalated at once
    assert drain(repo, CHANNEL) == []  # but nobody is woken up
    clock.set(at("2026-03-03 08:59"))
    assert tickets.sweep().delivered == 0
    clock.set(at("2026-03-03 09:00"))
    assert tickets.sweep().delivered == 1
    [told] = drain(repo, CHANNEL)
    assert ticket_id in told and "2026-03-02 22:00" in told
    assert tickets.sweep().delivered == 0


# -- two processes ------------------------------------------------------------------------------
TICKETS = 150
SWEEP_AT = datetime(2026, 3, 2, 12, 30, tzinfo=CHINA)


def _sweep_in_a_process(db: str, start: multiprocessing.synchronize.Barrier,
                        results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    repo = open_repository(db)
    tickets = service(repo, fixed_clock(SWEEP_AT))
    start.wait(timeout=60)
    result = tickets.sweep()
    results.put(len(result.events))
    repo.close()


def test_two_processes_sweeping_at_once_send_each_breach_once(tmp_path: Path) -> None:
    db = tmp_path / "sifbot.db"
    repo = open_repository(db)
    filing = service(repo, fixed_clock(datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)))
    ids = [file_one(filing) for _ in range(TICKETS)]
    drain(repo, CHANNEL)
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_sweep_in_a_process, args=(str(db), start, results))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert all(worker.exitcode == 0 for worker in workers)
    counts = sorted(results.get(timeout=5) for _ in workers)
    assert counts == [0, TICKETS]  # one did it all, the other found nothing left
    store = SqliteTicketStore(repo)
    events = store.sla_events()
    assert len(events) == TICKETS and {e["kind"] for e in events} == {"breach"}
    assert len(drain(repo, CHANNEL)) == TICKETS
    assert {store.get_ticket(i).tier for i in ids} == {2}  # type: ignore[union-attr]
    # a restart later: a new process (here: a new connection) sweeps again, nothing repeats
    again = service(open_repository(db), fixed_clock(SWEEP_AT + timedelta(minutes=5)))
    assert again.sweep().events == []
    repo.close()
