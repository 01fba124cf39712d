"""Telegram throughput: updates per second through the whole Telegram path, against a local fake.

Each of N simulated customers sends 11 updates — 开发票, the invoice form up to the delivery step
(button presses are callback queries on messages "the bot sent"), and one knowledge-base question
— all queued at the fake Bot API (tests/e2e/fake_telegram.py) before the clock starts. The real
python-telegram-bot Application then fetches them by getUpdates, and every update goes the whole
way: PTB dispatch, the engine on its thread, the update's mark and its sends stored, then
sendMessage (and answerCallbackQuery + editMessageText for a press) over HTTP to the fake. The
clock stops when every update is marked handled and nothing is left to send.

The baseline, measured in the same run on a fresh database: the same events straight into
`Engine.handle` + `deliver_pending`, what the Telegram path adds its cost to.

    .venv/bin/python benchmarks/telegram.py              # 200 customers (2,200 updates)
    .venv/bin/python benchmarks/telegram.py --users 50
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# This file is called telegram.py: its own folder must not shadow the `telegram` package.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from benchmarks.events import SCRIPT, engine_run  # noqa: E402
from bot.bootstrap import PACKAGE_KB, build_services  # noqa: E402
from bot.handlers.registry import build_engine  # noqa: E402
from bot.telegram.app import KINDS, TelegramConfig, assemble  # noqa: E402
from bot.telegram.runner import serve  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.e2e.fake_telegram import FakeTelegram  # noqa: E402

TARGET_PER_SECOND = 300


def queue_updates(fake: FakeTelegram, users: int) -> int:
    """Every customer's script, customers interleaved turn by turn; returns how many."""
    count = 0
    for kind, value in SCRIPT:
        for user in range(1, users + 1):
            if kind == "text":
                fake.push_text(user, value)
            else:
                message = fake.bot_message(user, "请选择：", [(value, value)])
                fake.push_button(user, message, value)
            count += 1
    return count


def fake_process(conn: Connection) -> None:
    """The fake Bot API in a process of its own, as Telegram is: it does not share our GIL."""
    with FakeTelegram() as fake:
        conn.send(fake.env)
        conn.send(queue_updates(fake, conn.recv()))
        conn.recv()
        counts: dict[str, int] = {}
        for call in fake.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        conn.send(counts)


async def telegram_run(users: int, tmp: Path, ours: Connection,
                       env: dict[str, str]) -> tuple[float, int, dict[str, int]]:
    services = build_services(Settings(), tmp / "tg.db", PACKAGE_KB, files_dir=tmp / "f")
    engine = build_engine(services)
    config = TelegramConfig.from_env(env, poll_timeout=1, rate_burst=len(SCRIPT) + 1)
    bot = assemble(services, engine, config)
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(bot, stop, None, ready))
    await ready
    ours.send(users)
    total = ours.recv()
    start = time.perf_counter()
    while not await asyncio.to_thread(_finished, services.repo, total):
        await asyncio.sleep(0.05)
    seconds = time.perf_counter() - start
    stop.set()
    await task
    ours.send("counts")
    counts = ours.recv()
    services.repo.close()  # type: ignore[attr-defined]
    return seconds, total, counts


def _finished(repo: Any, total: int) -> bool:
    """Counted in SQL: loading every mark would slow down the run it measures."""
    sql = "SELECT count(*) FROM docs WHERE kind = ?"
    handled = repo.db.execute(sql, [KINDS.update]).fetchone()[0]
    return bool(handled >= total and not repo.db.execute(sql, [KINDS.send]).fetchone()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base_seconds, base_events = engine_run(args.users, tmp, "tg")
        ours, theirs = multiprocessing.Pipe()
        # forked before any thread or event loop of ours exists: the child only runs the fake
        child = multiprocessing.get_context("fork").Process(target=fake_process, args=(theirs,),
                                                            daemon=True)
        child.start()
        if not ours.poll(30):
            raise SystemExit("the fake Bot API did not start")
        seconds, total, counts = asyncio.run(telegram_run(args.users, tmp, ours, ours.recv()))
        child.join(10)
    rate, base_rate = total / seconds, base_events / base_seconds
    print(f"customers: {args.users}, updates: {total} ({len(SCRIPT)} each)")
    print(f"engine alone (baseline):   {base_rate:8.0f} events/s  ({base_seconds:.2f} s)")
    print(f"whole Telegram path:       {rate:8.0f} updates/s ({seconds:.2f} s)  "
          f"target >= {TARGET_PER_SECOND}/s: {'met' if rate >= TARGET_PER_SECOND else 'MISSED'}")
    print(f"Telegram path / engine:    {rate / base_rate:8.0%}")
    print("calls to the fake: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
