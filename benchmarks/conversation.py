"""Conversation throughput: messages per second through the engine with persistence.

1,000 simulated customers fill in a special invoice at the same time, their turns interleaved
at random (fixed seed), in one process on a temp-file SQLite database (WAL) — 12 messages each,
from 开发票 through the preview (a PDF is rendered) to the confirm. Every message goes through
`Engine.handle` (load state, dispatch, rules, store state and draft in one transaction) and then
`deliver_pending`, as a front end does. Printed next to a baseline measured in the same run: the
bare cost of load_state + save_state per message (one transaction), the floor the conversation
storage costs. `--threads 2` also runs the users split over two threads (one shared repository).

    .venv/bin/python benchmarks/conversation.py                  # 1,000 users, median of 3
    .venv/bin/python benchmarks/conversation.py --users 200 --runs 1
    .venv/bin/python benchmarks/conversation.py --profile        # cProfile of one run

Rates are wall-clock (what a person waits for) and CPU (process time: steadier on a busy
machine); latencies are wall-clock, of the run with the median rate.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.bootstrap import PACKAGE_KB, build_services
from bot.handlers.engine import Engine
from bot.handlers.events import Inbound, Outcome
from bot.handlers.registry import build_engine
from bot.handlers.services import Services
from bot.handlers.state import load_state, save_state
from core.settings import Settings

TARGET_PER_SECOND = 1_000
TARGET_P99_MS = 10.0
NOW = "2026-03-02T10:00:00+08:00"

# One customer's turns; a callable takes the previous outcome (the confirm needs the draft id).
Event = dict[str, str] | Callable[[Outcome], dict[str, str]]
SCRIPT: list[tuple[str, Event]] = [
    ("start", {"text": "开发票"}),
    ("invoice_type", {"choice": "invoice_type:special"}),
    ("buyer_name", {"text": "华为技术有限公司"}),
    ("buyer_tax_id", {"text": "914403001922038216"}),
    ("buyer_address_phone", {"text": "深圳市龙岗区坂田华为基地 0755-28780808"}),
    ("buyer_bank_account", {"text": "招商银行深圳分行营业部 755900000000001"}),
    ("price_mode", {"choice": "items:gross"}),
    ("line", {"text": "软件开发服务，1，10600，6%"}),
    ("items_done", {"choice": "items:done"}),
    ("remark_skip", {"choice": "nav:skip"}),
    ("delivery_preview", {"choice": "delivery:download"}),
    ("confirm", lambda last: {"choice": f"confirm:submit:{last.refs['draft_id']}"}),
]
NO_PREVIEW_SCRIPT = SCRIPT[:-2]  # stop at the delivery step: no PDF, no submit


@dataclass
class Run:
    label: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    by_step: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    @property
    def messages(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    @property
    def cpu_rate(self) -> float:
        return self.messages / self.cpu_seconds if self.cpu_seconds else 0.0

    def percentile(self, p: float, values: list[float] | None = None) -> float:
        data = sorted(values if values is not None else self.latencies)
        if not data:
            return 0.0
        return data[min(len(data) - 1, round(p / 100 * (len(data) - 1)))] * 1000


@contextmanager
def engine_on_temp_db(kb: Any) -> Iterator[tuple[Services, Engine]]:
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings(), Path(tmp) / "bench.db", None,
                                  files_dir=Path(tmp) / "files")
        services.kb = kb
        try:
            yield services, build_engine(services)
        finally:
            services.repo.close()  # type: ignore[attr-defined]


def interleaving(users: int, turns: int, seed: int) -> list[int]:
    """Which user speaks next, message by message: every user's turns in order, users mixed."""
    order = [user for user in range(users) for _ in range(turns)]
    random.Random(seed).shuffle(order)
    return order


def converse(engine: Engine, order: list[int], script: list[tuple[str, Event]],
             run: Run, lock: threading.Lock | None = None) -> None:
    """Play the interleaved turns; record each message's latency (handle + deliver_pending)."""
    cursor: dict[int, int] = defaultdict(int)
    last: dict[int, Outcome] = {}
    latencies, by_step = [], defaultdict(list)
    for user in order:
        name, event = script[cursor[user]]
        cursor[user] += 1
        fields = event(last[user]) if callable(event) else event
        inbound = Inbound(platform="bench", user=f"u{user}", **fields)  # type: ignore[arg-type]
        start = time.perf_counter()
        outcome = engine.handle(inbound)
        engine.deliver_pending(inbound.user_key)
        elapsed = time.perf_counter() - start
        latencies.append(elapsed)
        by_step[name].append(elapsed)
        last[user] = outcome
        if outcome.errors:
            raise SystemExit(f"unexpected errors at {name}: {outcome.errors}")
    if lock is None:
        run.latencies += latencies
        for key, values in by_step.items():
            run.by_step[key] += values
        return
    with lock:
        run.latencies += latencies
        for key, values in by_step.items():
            run.by_step[key] += values


def engine_run(kb: Any, users: int, script: list[tuple[str, Event]], threads: int,
               seed: int, label: str = "engine") -> Run:
    run = Run(f"{label}, {threads} thread{'s' if threads > 1 else ''}")
    with engine_on_temp_db(kb) as (services, engine):
        order = interleaving(users, len(script), seed)
        cpu = time.process_time()
        if threads == 1:
            start = time.perf_counter()
            converse(engine, order, script, run)
            run.seconds = time.perf_counter() - start
        else:
            lock = threading.Lock()
            shares = [[u for u in order if u % threads == n] for n in range(threads)]
            workers = [threading.Thread(target=converse, args=(engine, share, script, run, lock))
                       for share in shares]
            start = time.perf_counter()
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            run.seconds = time.perf_counter() - start
        run.cpu_seconds = time.process_time() - cpu
        submitted = services.repo.list_invoices()
        if script[-1][0] == "confirm":
            assert len(submitted) == users, (len(submitted), users)
    return run


def baseline_run(users: int, turns: int, seed: int) -> Run:
    """The floor: per message, load_state + save_state of that user in one transaction."""
    run = Run("baseline: load_state+save_state")
    with engine_on_temp_db(None) as (services, _engine):
        repo = services.repo
        order = interleaving(users, turns, seed)
        cpu = time.process_time()
        start = time.perf_counter()
        for user in order:
            began = time.perf_counter()
            with repo.transaction():
                state = load_state(repo, f"bench:u{user}")
                state.remember("user", "华为技术有限公司")
                save_state(repo, f"bench:u{user}", state)
            run.latencies.append(time.perf_counter() - began)
        run.seconds = time.perf_counter() - start
        run.cpu_seconds = time.process_time() - cpu
    return run


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda run: run.rate)[len(runs) // 2]


def report(runs: list[Run], show_steps: bool) -> None:
    print(f"{'':42} {'messages':>8} {'msg/s':>8} {'CPU msg/s':>9} {'p50 ms':>7} {'p90 ms':>7}"
          f" {'p99 ms':>7} {'max ms':>7}")
    for run in runs:
        print(f"{run.label:42} {run.messages:>8,} {run.rate:>8,.0f} {run.cpu_rate:>9,.0f}"
              f" {run.percentile(50):>7.2f} {run.percentile(90):>7.2f}"
              f" {run.percentile(99):>7.2f} {max(run.latencies) * 1000:>7.1f}")
    if show_steps:
        engine = runs[0]
        print("\nper step (engine, 1 thread):")
        print(f"  {'step':22} {'mean ms':>8} {'p50 ms':>7} {'p99 ms':>7} {'share':>6}")
        total = sum(engine.latencies)
        for name, values in engine.by_step.items():
            print(f"  {name:22} {statistics.mean(values) * 1000:>8.2f}"
                  f" {engine.percentile(50, values):>7.2f} {engine.percentile(99, values):>7.2f}"
                  f" {sum(values) / total:>6.1%}")


def verdict(run: Run) -> bool:
    fast = run.rate >= TARGET_PER_SECOND
    short = run.percentile(99) < TARGET_P99_MS
    print(f"\ntargets for '{run.label}': >= {TARGET_PER_SECOND:,} msg/s: "
          f"{'meets' if fast else 'MISSES'} ({run.rate:,.0f}); p99 < {TARGET_P99_MS:.0f} ms: "
          f"{'meets' if short else 'MISSES'} ({run.percentile(99):.2f} ms)")
    return fast and short


def profile(kb: Any, users: int, script: list[tuple[str, Event]], top: int) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(engine_run, kb, users, script, 1, 7)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2, help="also run with this many threads")
    parser.add_argument("--runs", type=int, default=3, help="median of this many runs")
    parser.add_argument("--no-kb", action="store_true", help="without the knowledge base")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile one run instead")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    os.environ.pop("SIFBOT_NOW", None)  # the real clock, as in production
    script = SCRIPT
    kb = None
    if not args.no_kb:
        with tempfile.TemporaryDirectory() as tmp:  # indexed once, outside the timings
            kb = build_services(Settings(), Path(tmp) / "kb.db", PACKAGE_KB).kb
    if args.profile:
        profile(kb, args.users, script, args.top)
        return
    engine_run(kb, 20, script, 1, args.seed + 1)  # warm-up (imports, first PDF), not timed
    print(f"conversation benchmark: {args.users:,} users x {len(script)} messages, interleaved, "
          f"temp-file SQLite (WAL), knowledge base {'off' if kb is None else 'on'}, "
          f"median of {args.runs} run(s)")
    configs: list[Callable[[], Run]] = [
        lambda: engine_run(kb, args.users, script, 1, args.seed),
        lambda: engine_run(kb, args.users, NO_PREVIEW_SCRIPT, 1, args.seed,
                           label="engine without the preview step"),
    ]
    if args.threads > 1:
        configs.insert(1, lambda: engine_run(kb, args.users, script, args.threads, args.seed))
    configs.append(lambda: baseline_run(args.users, len(script), args.seed))
    results: list[list[Run]] = [[] for _ in configs]
    for _ in range(args.runs):  # interleaved, so that every configuration sees the same load
        for n, config in enumerate(configs):
            results[n].append(config())
    runs = [median_run(found) for found in results]
    report(runs, show_steps=True)
    verdict(runs[0])


if __name__ == "__main__":
    main()
