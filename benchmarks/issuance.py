"""Issuance throughput: invoices validated and stored per second, next to a raw-SQLite baseline.

Each run takes a fresh temp-file database and, per invoice, does what an employee does with
review off: new draft -> submit (validate, store, allocate a number, issue), every step audited.
The baseline writes the same JSON rows with plain sqlite3 in one transaction per invoice (same
PRAGMAs), i.e. the floor the storage itself costs.

    .venv/bin/python benchmarks/issuance.py                 # 1-line and 50-line, median of 5
    .venv/bin/python benchmarks/issuance.py --profile 1     # cProfile of the 1-line case
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.clock import CHINA, fixed_clock
from core.issuance import Issuance
from core.models import Actor, InvoiceType, Line
from core.money import split_line
from core.settings import Settings
from core.storage import open_repository

TARGET_PER_SECOND = 2_000
RAW_STATEMENTS = 13  # what raw_baseline sends per invoice, BEGIN/COMMIT included
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)
EMPLOYEE = Actor(user="slack:U0EMP", role="employee", platform="slack")
BUYER: dict[str, object] = {
    "invoice_type": InvoiceType.SPECIAL,
    "buyer_kind": "organisation",
    "buyer_name": "华为技术有限公司",
    "buyer_tax_id": "914403001922038216",
    "buyer_address_phone": "深圳市龙岗区坂田华为基地 0755-28780808",
    "buyer_bank_account": "招商银行深圳分行营业部 755900000000001",
    "prices_include_tax": True,
}


def lines(count: int) -> list[Line]:
    qty, price = Decimal(1), Decimal(10600)
    amount, tax = split_line(qty, price, "6%", includes_tax=True)
    line = Line(
        name="软件开发服务",
        category="信息技术服务",
        quantity=qty,
        unit_price=price,
        tax_rate="6%",
        amount=amount,
        tax=tax,
    )
    return [line] * count


def issue_many(path: Path, count: int, line_count: int) -> float:
    """Seconds to create, submit and issue `count` invoices through the core."""
    repo = open_repository(path)
    service = Issuance(repo, Settings(), fixed_clock(NOW))
    items = lines(line_count)
    start = time.perf_counter()
    for n in range(count):
        draft = service.new_draft(EMPLOYEE, lines=items, **BUYER)
        invoice = service.submit(draft.id, f"bench-{n}", EMPLOYEE)
        assert invoice.number is not None
    elapsed = time.perf_counter() - start
    repo.close()
    return elapsed


def sample_rows(line_count: int) -> tuple[str, str, str]:
    """The JSON bodies the core writes for one invoice (draft, invoice, audit changes)."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = open_repository(Path(tmp) / "sample.db")
        service = Issuance(repo, Settings(), fixed_clock(NOW))
        draft = service.new_draft(EMPLOYEE, lines=lines(line_count), **BUYER)
        invoice = service.submit(draft.id, "sample", EMPLOYEE)
        stored = repo.get_draft(draft.id)
        assert stored is not None
        repo.close()
    changes = json.dumps({"status": ["pending_review", "issued"], "number": invoice.number})
    return stored.model_dump_json(), invoice.model_dump_json(), changes


def raw_baseline(path: Path, count: int, line_count: int) -> float:
    """Seconds for plain sqlite3 to write the same rows, one transaction per invoice."""
    draft_body, invoice_body, changes = sample_rows(line_count)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript("""
        CREATE TABLE drafts (id TEXT PRIMARY KEY, owner TEXT, updated_at TEXT, expires_at TEXT,
                             body TEXT);
        CREATE TABLE invoices (id TEXT PRIMARY KEY, request_key TEXT UNIQUE, number TEXT UNIQUE,
                               status TEXT, requester TEXT, kind TEXT, original_id TEXT,
                               created_at TEXT, issued_at TEXT, body TEXT);
        CREATE INDEX invoices_requester ON invoices(requester, status);
        CREATE TABLE sequences (series TEXT PRIMARY KEY, last INTEGER);
        CREATE TABLE audit (id INTEGER PRIMARY KEY, entity TEXT, entity_id TEXT, action TEXT,
                            actor TEXT, platform TEXT, at TEXT, changes TEXT);
        CREATE INDEX audit_entity ON audit(entity, entity_id);
    """)
    at = NOW.isoformat()
    audit = (
        "INSERT INTO audit(entity, entity_id, action, actor, platform, at, changes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    start = time.perf_counter()
    for n in range(count):
        draft_id, invoice_id = f"D-{n:010d}", f"R-{n:010d}"
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO drafts VALUES (?, ?, ?, ?, ?)",
            [draft_id, EMPLOYEE.user, at, at, draft_body],
        )
        conn.execute(audit, ["draft", draft_id, "create", EMPLOYEE.user, "slack", at, "{}"])
        conn.execute("COMMIT")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO invoices VALUES (?, ?, NULL, 'pending_review', ?, 'blue', "
            "NULL, ?, NULL, ?)",
            [invoice_id, f"k-{n}", EMPLOYEE.user, at, invoice_body],
        )
        conn.execute(
            "INSERT OR REPLACE INTO drafts VALUES (?, ?, ?, ?, ?)",
            [draft_id, EMPLOYEE.user, at, at, draft_body],
        )
        conn.execute(audit, ["invoice", invoice_id, "submit", EMPLOYEE.user, "slack", at, "{}"])
        conn.execute(
            "INSERT INTO sequences VALUES ('s', 1) "
            "ON CONFLICT(series) DO UPDATE SET last = last + 1"
        )
        number = conn.execute("SELECT last FROM sequences WHERE series = 's'").fetchone()[0]
        conn.execute(
            "UPDATE invoices SET number = ?, status = 'issued', issued_at = ?, body = ? "
            "WHERE id = ?",
            [f"{number:020d}", at, invoice_body, invoice_id],
        )
        conn.execute(audit, ["invoice", invoice_id, "issue", EMPLOYEE.user, "slack", at, changes])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def median_rates(count: int, line_count: int, runs: int) -> tuple[float, float]:
    """Median invoices/s of the core and of the baseline; runs interleave so both see the same
    machine load."""
    core, raw = [], []
    for _ in range(runs):
        for rates, run in ((core, issue_many), (raw, raw_baseline)):
            with tempfile.TemporaryDirectory() as tmp:
                rates.append(count / run(Path(tmp) / "bench.db", count, line_count))
    return statistics.median(core), statistics.median(raw)


def statements_per_invoice(line_count: int, count: int = 20) -> float:
    """SQL statements the core sends per invoice (after a warm-up invoice)."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = open_repository(Path(tmp) / "trace.db")
        service = Issuance(repo, Settings(), fixed_clock(NOW))
        seen: list[str] = []
        for n in range(count + 1):
            if n == 1:
                repo.db.conn.set_trace_callback(seen.append)
            draft = service.new_draft(EMPLOYEE, lines=lines(line_count), **BUYER)
            service.submit(draft.id, f"trace-{n}", EMPLOYEE)
        repo.close()
    return len(seen) / count


def profile(count: int, line_count: int, top: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        profiler = cProfile.Profile()
        profiler.runcall(issue_many, Path(tmp) / "profile.db", count, line_count)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=1000, help="invoices per run (1-line)")
    parser.add_argument("--profile", type=int, metavar="LINES", help="profile instead")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if args.profile:
        profile(args.count, args.profile, args.top)
        return
    print(f"issuance benchmark: median of {args.runs} runs, temp-file SQLite (WAL), one core")
    print(
        f"{'lines':>5} {'invoices':>8} {'core /s':>9} {'raw sqlite /s':>14} {'core/raw':>9}"
        f" {'SQL stmts/invoice (core vs raw)':>32}"
    )
    for line_count in (1, 50):
        count = args.count if line_count == 1 else max(args.count // 5, 50)
        with tempfile.TemporaryDirectory() as tmp:
            issue_many(Path(tmp) / "warm.db", 10, line_count)  # warm-up, not timed
        core, raw = median_rates(count, line_count, args.runs)
        statements = statements_per_invoice(line_count)
        print(
            f"{line_count:>5} {count:>8} {core:>9,.0f} {raw:>14,.0f} {core / raw:>8.1%}"
            f" {statements:>24.1f} vs {RAW_STATEMENTS}"
        )
        if line_count == 1:
            verdict = "meets" if core >= TARGET_PER_SECOND else "MISSES"
            print(f"      target >= {TARGET_PER_SECOND:,}/s for 1-line invoices: {verdict}")


if __name__ == "__main__":
    main()
