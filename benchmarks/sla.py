"""SLA sweep time over 100,000 open tickets, and tickets filed per second — each next to a
baseline measured in the same run.

Sweep: 100,000 open tickets, filed at random over the week before a Monday afternoon, every
warning and breach due so far already sent; among them a burst of 1,000 (1%) filed 89.5 minutes
ago, so that their first-response warnings fall due in the next minute. Timed: the sweep at that
instant (nothing due: the every-minute case when all is well), the sweep a minute later (the
burst plus whatever the week's tickets cross) and, as the baseline, the naive sweep that reads
every open ticket and checks its clocks in Python (what the indexed `next_sla_at` avoids).
Filing: `Tickets.create` (validate, policy, clocks, number, row, history), one transaction a
ticket, with and without the Outbox notifier; the baseline writes the same row with plain
sqlite3 (same PRAGMAs, same sequence update), one transaction a ticket.

    .venv/bin/python benchmarks/sla.py                  # 100,000 tickets, median of 3 sweeps
    .venv/bin/python benchmarks/sla.py --tickets 20000 --create 500
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.handlers.flows.ticket_desk import outbox_notifier
from bot.handlers.notify import Outbox
from core import sla
from core.clock import CHINA, fixed_clock
from core.models import Actor
from core.settings import Settings
from core.storage import SqliteRepository, open_repository
from core.storage.tickets import SqliteTicketStore
from core.ticket_models import LIVE, new_event
from core.tickets import Ticket, Tickets, TicketStatus

TARGET_SECONDS = 0.5
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=CHINA)  # a Monday afternoon, support open
CUSTOMER = Actor(user="tg:42", role="customer", platform="telegram")
SETTINGS = Settings.model_validate({"support": {"channel": "slack:C0SUPPORT"}})
DESCRIPTION = "开票时提示税号校验失败，无法提交，请帮忙看看"


def _sent_so_far(clock: sla.SlaClock) -> sla.SlaClock:
    while crossing := sla.crossings(clock, NOW):
        clock = sla.mark_sent(clock, crossing[0])
    return clock


def populate(repo: SqliteRepository, count: int, burst: int, seed: int = 7) -> None:
    """`count` open tickets: a week's worth at random plus `burst` filed 89.5 minutes ago;
    everything due by NOW already sent."""
    store, cals = SqliteTicketStore(repo), sla.Calendars(SETTINGS)
    rng = random.Random(seed)
    week = int(timedelta(days=7).total_seconds())
    with repo.transaction():
        for n in range(1, count + 1):
            ago = 89.5 * 60 if n <= burst else rng.randrange(0, week)
            filed = NOW - timedelta(seconds=ago)
            clocks = {name: _sent_so_far(sla.start_clock(minutes, "support_hours", cals,
                                                         filed, 0.75))
                      for name, minutes in (("first_response", 120), ("resolution", 2880))}
            store.add_ticket(Ticket(
                id=f"T-{1000 + n}", number=1000 + n, requester=f"tg:{n}", channel="telegram",
                category="invoice", subject=DESCRIPTION[:20], description=DESCRIPTION,
                clocks=clocks, history=[new_event(CUSTOMER, filed, "create")],
                created_at=filed, updated_at=filed, status=TicketStatus.NEW,
            ))


def timed_sweep(repo: SqliteRepository, at: datetime) -> tuple[float, int]:
    service = Tickets(SqliteTicketStore(repo), SETTINGS, fixed_clock(at),
                      outbox_notifier(repo, Outbox(repo)))
    start = time.perf_counter()
    result = service.sweep()
    return time.perf_counter() - start, len(result.events)


def naive_sweep(repo: SqliteRepository, at: datetime) -> tuple[float, int]:
    """The baseline: read every open ticket and look at its clocks (no index on the next event)."""
    live = [status.value for status in LIVE]
    start = time.perf_counter()
    rows = repo.db.conn.execute(
        f"SELECT body FROM tickets WHERE status IN ({', '.join('?' * len(live))})", live,
    ).fetchall()
    due = sum(1 for (body,) in rows for clock in Ticket.model_validate_json(body).clocks.values()
              if sla.crossings(clock, at))
    return time.perf_counter() - start, due


def sweep_benchmark(count: int, burst: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.db"
        repo = open_repository(path)
        began = time.perf_counter()
        populate(repo, count, burst)
        print(f"populated {count:,} open tickets ({burst:,} due in the next minute) in "
              f"{time.perf_counter() - began:.1f} s")
        idle = [timed_sweep(repo, NOW) for _ in range(runs)]
        naive = [naive_sweep(repo, NOW + timedelta(minutes=1)) for _ in range(min(runs, 2))]
        busy_seconds, busy_events = timed_sweep(repo, NOW + timedelta(minutes=1))
        repo.close()
    idle_median = statistics.median(s for s, _ in idle)
    naive_median = statistics.median(s for s, _ in naive)
    print(f"{'sweep':<44}{'ms':>10}{'events':>8}")
    print(f"{'indexed, nothing due (median)':<44}{idle_median * 1000:>10.2f}{idle[0][1]:>8}")
    print(f"{'indexed, one minute later':<44}{busy_seconds * 1000:>10.1f}{busy_events:>8}")
    print(f"{'baseline: read and check every open ticket':<44}{naive_median * 1000:>10.1f}"
          f"{naive[0][1]:>8}")
    worst = max(idle_median, busy_seconds)
    verdict = "meets" if worst < TARGET_SECONDS else "MISSES"
    print(f"target < {TARGET_SECONDS} s per sweep of {count:,} open tickets: {verdict}")


def create_many(path: Path, count: int, with_outbox: bool) -> float:
    repo = open_repository(path)
    notify = outbox_notifier(repo, Outbox(repo)) if with_outbox else None
    service = Tickets(SqliteTicketStore(repo), SETTINGS, fixed_clock(NOW), notify)
    outbox = Outbox(repo)
    start = time.perf_counter()
    for n in range(count):
        service.create(CUSTOMER, category="invoice", description=DESCRIPTION)
        if with_outbox and n % 100 == 99:
            outbox.drain("slack:C0SUPPORT")  # a front end delivers the channel's notices
    elapsed = time.perf_counter() - start
    repo.close()
    return elapsed


def raw_create(path: Path, count: int) -> float:
    """The baseline: the same row and sequence update with plain sqlite3."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = open_repository(Path(tmp) / "sample.db")
        sample = Tickets(SqliteTicketStore(repo), SETTINGS, fixed_clock(NOW)).create(
            CUSTOMER, category="invoice", description=DESCRIPTION)
        repo.close()
    body, at = sample.model_dump_json(), NOW.isoformat()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript("""
        CREATE TABLE sequences (series TEXT PRIMARY KEY, last INTEGER);
        CREATE TABLE tickets (id TEXT PRIMARY KEY, number INTEGER UNIQUE, requester TEXT,
            status TEXT, priority TEXT, category TEXT, assignee TEXT, created_at TEXT,
            updated_at TEXT, due_at REAL, next_sla_at REAL, body TEXT);
        CREATE INDEX t_requester ON tickets(requester, number);
        CREATE INDEX t_status ON tickets(status, updated_at);
        CREATE INDEX t_created ON tickets(created_at);
        CREATE INDEX t_due ON tickets(due_at) WHERE due_at IS NOT NULL;
        CREATE INDEX t_next ON tickets(next_sla_at) WHERE next_sla_at IS NOT NULL;
    """)
    start = time.perf_counter()
    for _ in range(count):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO sequences VALUES ('ticket', 1) "
                     "ON CONFLICT(series) DO UPDATE SET last = last + 1")
        number = 1000 + conn.execute(
            "SELECT last FROM sequences WHERE series = 'ticket'").fetchone()[0]
        conn.execute("INSERT INTO tickets VALUES (?, ?, ?, 'new', 'normal', 'invoice', NULL, ?, "
                     "?, ?, ?, ?)", [f"T-{number}", number, CUSTOMER.user, at, at,
                                     NOW.timestamp() + 7200, NOW.timestamp() + 5400, body])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def create_benchmark(count: int, runs: int) -> None:
    rates: dict[str, list[float]] = {"core": [], "core + outbox": [], "raw sqlite": []}
    for _ in range(runs):
        for name in rates:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "create.db"
                seconds = (raw_create(path, count) if name == "raw sqlite"
                           else create_many(path, count, with_outbox=name != "core"))
            rates[name].append(count / seconds)
    raw = statistics.median(rates["raw sqlite"])
    print(f"{'filing, ' + str(count) + ' tickets, median of ' + str(runs):<44}"
          f"{'tickets/s':>10}{'vs raw':>8}")
    for name, values in rates.items():
        rate = statistics.median(values)
        print(f"{name:<44}{rate:>10,.0f}{rate / raw:>8.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="open tickets to sweep")
    parser.add_argument("--burst", type=int, default=1000, help="of them due in the next minute")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--create", type=int, default=2000, help="tickets filed per run")
    args = parser.parse_args()
    print("SLA benchmark: temp-file SQLite (WAL), one core")
    sweep_benchmark(args.tickets, args.burst, args.runs)
    create_benchmark(args.create, args.runs)


if __name__ == "__main__":
    main()
