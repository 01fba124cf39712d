"""Slack throughput: events per second through the whole Slack path, against a local fake.

Each of N simulated employees sends the 11 events of benchmarks/telegram.py — 开发票, the
invoice form up to the delivery step (button presses are block_actions on the message the bot
posted) and one knowledge-base question — one after another, as a person does: the next event
once Slack got its answer (HTTP 200, or the socket envelope's ack) and the bot's reply is posted;
all employees at once. The local fake of Slack (tests/e2e/fake_slack.py) delivers them to the real
slack_bolt AsyncApp, and every event goes the whole way: a signed POST to /slack/events (or an
envelope over the Socket Mode websocket), Bolt, the engine, the event's mark and its sends stored,
then chat.postMessage (and chat.update for a press) over HTTP back to the fake. The clock stops
when every employee is through and nothing is left to send; an event's latency is from its push
to the fake hearing 200 (the turn is stored by then).

The baseline, measured in the same run on a fresh database: the same events straight into
`Engine.handle` + `deliver_pending`, what the Slack path adds its cost to.

    .venv/bin/python benchmarks/slack.py              # 200 employees (2,200 events a mode)
    .venv/bin/python benchmarks/slack.py --users 50
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import queue
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# This file is called slack.py: its own folder must not shadow the (deprecated) `slack` package.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from benchmarks.events import SCRIPT, engine_run  # noqa: E402
from bot.bootstrap import PACKAGE_KB, build_services  # noqa: E402
from bot.handlers.registry import build_engine  # noqa: E402
from bot.slack.app import KINDS, SlackConfig, assemble  # noqa: E402
from bot.slack.runner import HttpOptions, serve  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.e2e.fake_slack import Call, FakeSlack, Json  # noqa: E402

TARGET_PER_SECOND = 300
PATIENCE = 30.0  # seconds an employee waits for an answer before giving up on the rest
MODES = {"http": "HTTP", "socket": "Socket Mode"}


def employee(n: int) -> str:
    return f"U{n:08d}"


class ReportingSlack(FakeSlack):
    """The fake, also telling the crowd at once what happened: each delivery's status (with the
    moment), and each message the bot posted (with its buttons: value -> action_id)."""

    def __init__(self, mode: str, news: queue.SimpleQueue[tuple[Any, ...]]) -> None:
        super().__init__(mode)
        self.news = news

    def _delivered(self, key: str, status: int) -> None:
        self.news.put(("delivered", key, status, time.monotonic()))
        super()._delivered(key, status)

    def _m_chat_postMessage(self, call: Call) -> Json:
        result = super()._m_chat_postMessage(call)
        if result.get("ok"):
            buttons = {value: action_id for _, action_id, value in call.buttons}
            self.news.put(("posted", result["channel"], result["ts"], buttons, time.monotonic()))
        return result


@dataclass
class Person:
    user: str
    step: int = 0
    pushed: float = 0.0
    status: int | None = None
    posts: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # since the push


@dataclass
class Crowd:
    """What the employees saw: per event, push -> 200 and push -> the reply posted (seconds)."""

    answered: list[float] = field(default_factory=list)
    replied: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    cut_short: int = 0  # employees who gave up (no answer, no reply, or no button to press)


def drive(fake: FakeSlack, news: queue.SimpleQueue[tuple[Any, ...]], users: int) -> Crowd:
    """Every employee through SCRIPT at once, each one event at a time; one thread does it all,
    woken by the fake's news (a thread per employee would cost more than the fake itself)."""
    crowd = Crowd()
    people = [Person(employee(n)) for n in range(1, users + 1)]
    by_channel = {fake.dm_channel(p.user): p for p in people}
    by_key: dict[str, Person] = {}
    active = {p.user for p in people}  # not through yet, nor given up

    def give_up(person: Person) -> None:
        crowd.cut_short += 1
        active.discard(person.user)

    def push(person: Person) -> None:
        kind, value = SCRIPT[person.step]
        pressed = [(channel, ts, buttons[value]) for channel, ts, buttons in person.posts
                   if value in buttons]
        if kind == "press" and not pressed:
            give_up(person)
            return
        person.posts, person.status, person.pushed = [], None, time.monotonic()
        if kind == "text":
            key = fake.push_message(person.user, value)
        else:
            channel, ts, action_id = pressed[-1]  # the newest message offering it
            key = fake.push_action(person.user, (channel, ts), action_id)
        by_key[key] = person

    for someone in people:
        push(someone)
    checked = time.monotonic()
    while active:
        try:
            item = news.get(timeout=1.0)
        except queue.Empty:
            item = ("nothing",)
        person: Person | None = None
        if item[0] == "delivered":
            _, key, status, at = item
            person = by_key.pop(key) if key in by_key else None
            if person is not None:
                person.status = status
                crowd.statuses[status] = crowd.statuses.get(status, 0) + 1
                if status == 200:
                    crowd.answered.append(at - person.pushed)
        elif item[0] == "posted":
            _, channel, ts, buttons, at = item
            person = by_channel.get(channel)
            if person is not None:
                if not person.posts:
                    crowd.replied.append(at - person.pushed)
                person.posts.append((channel, ts, buttons))
        if person is not None and person.user in active and person.status is not None:
            if person.status != 200:
                give_up(person)  # Slack would redeliver; here it is counted, not retried
            elif person.posts:
                person.step += 1
                if person.step == len(SCRIPT):
                    active.discard(person.user)
                else:
                    push(person)
        now = time.monotonic()
        if now - checked >= 1.0:
            checked = now
            for late in [p for p in people if p.user in active and now - p.pushed > PATIENCE]:
                give_up(late)
    return crowd


def fake_process(mode: str, conn: Connection) -> None:
    """The fake Slack and its employees in a process of their own, as Slack is: it does not
    share our GIL."""
    news: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
    with ReportingSlack(mode, news) as fake:
        users = conn.recv()
        for n in range(1, users + 1):
            fake.add_user(employee(n), locale="zh-CN")
        conn.send(fake.env())
        fake.request_url = conn.recv()  # None in Socket Mode
        conn.send(drive(fake, news, users))
        conn.recv()
        counts: dict[str, int] = {}
        for call in fake.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        conn.send(counts)


@dataclass
class Run:
    seconds: float
    events: int  # answered 200
    stored: int  # event marks in the database
    unsent: int  # sends still queued when the clock stopped (0 unless the bot gave up)
    crowd: Crowd
    counts: dict[str, int]


async def slack_run(mode: str, users: int, tmp: Path, ours: Connection) -> Run:
    ours.send(users)
    env = ours.recv()
    services = build_services(Settings(), tmp / f"{mode}.db", PACKAGE_KB, files_dir=tmp / mode)
    engine = build_engine(services)
    http = mode == "http"
    config = SlackConfig.from_env(http, env, notify_interval=1.0, rate_burst=10**6)
    bot = assemble(services, engine, config)
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(bot, stop, HttpOptions(port=0) if http else None, ready))
    starting: list[asyncio.Future[Any]] = [task, ready]
    await asyncio.wait(starting, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # it failed to start: say why
    ours.send(f"http://127.0.0.1:{ready.result()}/slack/events" if http else None)
    start = time.perf_counter()
    crowd: Crowd | None = None
    unsent, deadline = 0, float("inf")
    while crowd is None or time.perf_counter() < deadline:
        if crowd is None and ours.poll():
            crowd, deadline = ours.recv(), time.perf_counter() + PATIENCE
        if crowd is not None:
            unsent = await asyncio.to_thread(_count, services.repo, KINDS.send)
            if not unsent:
                break
        await asyncio.sleep(0.05)
    seconds = time.perf_counter() - start
    stored = _count(services.repo, KINDS.update)
    stop.set()
    await task
    ours.send("counts")
    counts = ours.recv()
    services.repo.close()  # type: ignore[attr-defined]
    return Run(seconds, crowd.statuses.get(200, 0), stored, unsent, crowd, counts)


def _count(repo: Any, kind: str) -> int:
    """Counted in SQL: loading every document would slow down the run it measures."""
    sql = "SELECT count(*) FROM docs WHERE kind = ?"
    return int(repo.db.execute(sql, [kind]).fetchone()[0])


def _ms(values: list[float], share: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    # forked before any thread or event loop of ours exists: each child only runs a fake
    pipes = {mode: multiprocessing.Pipe() for mode in MODES}
    children = {mode: multiprocessing.get_context("fork").Process(
        target=fake_process, args=(mode, theirs), daemon=True)  # gone if we fail
        for mode, (_, theirs) in pipes.items()}
    for child in children.values():
        child.start()
    runs: dict[str, Run] = {}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base_seconds, base_events = engine_run(args.users, tmp, "slack", "employee", employee)
        for mode, (ours, _) in pipes.items():
            runs[mode] = asyncio.run(slack_run(mode, args.users, tmp, ours))
            children[mode].join(10)
    base_rate = base_events / base_seconds
    rates = {mode: run.events / run.seconds for mode, run in runs.items()}
    print(f"employees: {args.users}, events: {base_events} a mode ({len(SCRIPT)} each)")
    print(f"engine alone (baseline):   {base_rate:8.0f} events/s  ({base_seconds:.2f} s)")
    for mode, name in MODES.items():
        rate = rates[mode]
        print(f"{f'Slack path, {name}:':<26} {rate:8.0f} events/s  ({runs[mode].seconds:.2f} s)  "
              f"target >= {TARGET_PER_SECOND}/s: {'met' if rate >= TARGET_PER_SECOND else 'MISSED'}")
    for mode, name in MODES.items():
        print(f"{f'{name} path / engine:':<26} {rates[mode] / base_rate:8.0%}")
    for mode, name in MODES.items():
        crowd = runs[mode].crowd
        print(f"{f'{name}, per event:':<26} push -> 200 p50 {_ms(crowd.answered, 0.5)}, "
              f"p99 {_ms(crowd.answered, 0.99)}; push -> reply posted "
              f"p50 {_ms(crowd.replied, 0.5)}, p99 {_ms(crowd.replied, 0.99)}")
    for mode, name in MODES.items():
        run = runs[mode]
        others = {k: v for k, v in run.crowd.statuses.items() if k != 200}  # status: count
        print(f"{f'{name}, lost:':<26} not answered 200: {base_events - run.events}"
              f"{f' {others}' if others else ''}, "
              f"not stored: {base_events - run.stored}, left unsent: {run.unsent}, "
              f"employees cut short: {run.crowd.cut_short}")
    for mode, name in MODES.items():
        print(f"calls to the fake ({name}): "
              + ", ".join(f"{k} {v}" for k, v in sorted(runs[mode].counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
