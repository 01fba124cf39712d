"""Invoice numbers under concurrency: unique and gap-free across threads and processes on one
SQLite file, and a failed transaction gives its number back."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from core.clock import fixed_clock
from core.issuance import Issuance
from core.models import Actor, Invoice, Status
from core.settings import Settings
from core.storage import SqliteRepository, open_repository
from core.storage.migrations import MIGRATIONS
from tests.conftest import DEFAULT_NOW, SettableClock, complete_draft

FINANCE = Actor(user="slack:U0FIN", role="finance", platform="slack")


def pending_requests(issuance: Issuance, customer: Actor, count: int) -> list[str]:
    return [
        issuance.submit(complete_draft(issuance, customer).id, f"key-{n}", customer).id
        for n in range(count)
    ]


def sequences(invoices: list[Invoice]) -> list[int]:
    return sorted(int(invoice.number[-15:]) for invoice in invoices if invoice.number)


def assert_unique_and_gap_free(repo: SqliteRepository, expected: int) -> None:
    issued = repo.list_invoices(status=Status.ISSUED)
    numbers = [invoice.number for invoice in issued]
    assert len(issued) == expected
    assert len(set(numbers)) == expected
    assert sequences(issued) == list(range(1, expected + 1))
    assert all(n is not None and len(n) == 20 and n.isdigit() for n in numbers)


def run_threads(targets: list[Callable[[], None]]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


# -- threads --------------------------------------------------------------------------------
@pytest.mark.parametrize("connections", ["one_per_thread", "shared"])
def test_concurrent_approvals_from_8_threads_get_unique_gap_free_numbers(
    db_path: Path,
    repo: SqliteRepository,
    settings: Settings,
    clock: SettableClock,
    customer: Actor,
    connections: str,
) -> None:
    ids = pending_requests(Issuance(repo, settings, clock), customer, 8 * 25)
    barrier = threading.Barrier(8)
    opened: list[SqliteRepository] = []

    def approver(chunk: list[str]) -> Callable[[], None]:
        def approve_all() -> None:
            own = repo if connections == "shared" else open_repository(db_path)
            opened.append(own)
            service = Issuance(own, settings, clock)
            barrier.wait()
            for invoice_id in chunk:
                service.approve(invoice_id, FINANCE)

        return approve_all

    errors = run_threads([approver(ids[n::8]) for n in range(8)])
    for own in opened:
        if own is not repo:
            own.close()
    assert errors == []
    assert_unique_and_gap_free(repo, 8 * 25)


def test_approvals_and_direct_employee_issues_share_one_gap_free_series(
    db_path: Path,
    repo: SqliteRepository,
    settings: Settings,
    clock: SettableClock,
    customer: Actor,
    employee: Actor,
) -> None:
    ids = pending_requests(Issuance(repo, settings, clock), customer, 40)
    barrier = threading.Barrier(4)

    def approver(chunk: list[str]) -> Callable[[], None]:
        def run() -> None:
            service = Issuance(open_repository(db_path), settings, clock)
            barrier.wait()
            for invoice_id in chunk:
                service.approve(invoice_id, FINANCE)

        return run

    def employee_issues(prefix: str) -> Callable[[], None]:
        def run() -> None:
            service = Issuance(open_repository(db_path), settings, clock)
            barrier.wait()
            for n in range(20):
                draft = complete_draft(service, employee)
                service.submit(draft.id, f"{prefix}-{n}", employee)

        return run

    errors = run_threads(
        [approver(ids[0::2]), approver(ids[1::2]), employee_issues("a"), employee_issues("b")]
    )
    assert errors == []
    assert_unique_and_gap_free(repo, 80)


# -- processes ------------------------------------------------------------------------------
def approve_in_process(path: str, ids: list[str], barrier: object, out: object) -> None:
    """Child process (spawn): open the file afresh and approve `ids`."""
    repo = open_repository(path)
    service = Issuance(repo, Settings(), fixed_clock(DEFAULT_NOW))
    barrier.wait()  # type: ignore[attr-defined]
    try:
        numbers = [service.approve(invoice_id, FINANCE).number for invoice_id in ids]
        out.put(("ok", numbers))  # type: ignore[attr-defined]
    except Exception as exc:  # pragma: no cover - reported by the parent
        out.put(("error", repr(exc)))  # type: ignore[attr-defined]
    finally:
        repo.close()


def test_concurrent_approvals_from_4_processes_get_unique_gap_free_numbers(
    db_path: Path,
    repo: SqliteRepository,
    settings: Settings,
    clock: SettableClock,
    customer: Actor,
) -> None:
    ids = pending_requests(Issuance(repo, settings, clock), customer, 4 * 25)
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(4), ctx.Queue()
    workers = [
        ctx.Process(target=approve_in_process, args=(str(db_path), ids[n::4], barrier, out))
        for n in range(4)
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    assert [status for status, _ in results] == ["ok"] * 4, results
    numbers = [number for _, batch in results for number in batch]
    assert len(set(numbers)) == 100
    assert_unique_and_gap_free(repo, 100)


def test_processes_opening_a_new_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(4), ctx.Queue()
    workers = [
        ctx.Process(target=approve_in_process, args=(str(path), [], barrier, out)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert results == [("ok", [])] * 4
    reopened = open_repository(path)
    assert reopened.db.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(
        MIGRATIONS)
    reopened.close()


# -- a failed transaction gives its number back --------------------------------------------
def test_a_failed_transaction_gives_its_sequence_number_back(repo: SqliteRepository) -> None:
    assert repo.next_sequence("S") == 1
    with pytest.raises(RuntimeError), repo.transaction():
        assert repo.next_sequence("S") == 2
        raise RuntimeError("crash after allocating")
    assert repo.next_sequence("S") == 2


class AuditFailsOnce(SqliteRepository):
    """The real repository, except that the next audit write fails (a disk error, say)."""

    fail_next = True

    def add_audit(self, entry: object) -> None:  # type: ignore[override]
        if self.fail_next:
            self.fail_next = False
            raise OSError("disk I/O error")
        super().add_audit(entry)  # type: ignore[arg-type]


def test_an_approval_that_fails_midway_leaves_no_gap(
    db_path: Path,
    repo: SqliteRepository,
    settings: Settings,
    clock: SettableClock,
    customer: Actor,
) -> None:
    first, second = pending_requests(Issuance(repo, settings, clock), customer, 2)
    flaky = AuditFailsOnce(db_path)
    service = Issuance(flaky, settings, clock)
    with pytest.raises(OSError):
        service.approve(first, FINANCE)
    assert flaky.get_invoice(first).status == Status.PENDING_REVIEW  # type: ignore[union-attr]
    assert service.approve(second, FINANCE).number == "26111000000000000001"
    assert service.approve(first, FINANCE).number == "26111000000000000002"
    flaky.close()
    assert_unique_and_gap_free(repo, 2)
