"""SQLite storage on a real file: WAL, migrations, all-or-nothing transactions."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from core.clock import CHINA
from core.models import (
    AuditEntry,
    Buyer,
    BuyerKind,
    Draft,
    Invoice,
    InvoiceData,
    InvoiceType,
    Status,
)
from core.storage import SqliteRepository, open_repository
from core.storage.migrations import MIGRATIONS
from tests.conftest import BUYER, DEFAULT_NOW, make_line

LATEST = max(version for version, _ in MIGRATIONS)


def an_invoice(
    invoice_id: str,
    *,
    requester: str = "tg:42",
    key: str | None = None,
    status: Status = Status.PENDING_REVIEW,
    at: datetime = DEFAULT_NOW,
) -> Invoice:
    data = InvoiceData(
        invoice_type=InvoiceType.SPECIAL,
        buyer=Buyer(
            kind=BuyerKind.ORGANISATION,
            name=BUYER["buyer_name"],
            tax_id=BUYER["buyer_tax_id"],
            address_phone=BUYER["buyer_address_phone"],
            bank_account=BUYER["buyer_bank_account"],
        ),
        lines=[make_line()],
        prices_include_tax=True,
    )
    return Invoice(
        id=invoice_id,
        request_key=key or f"key-{invoice_id}",
        requester=requester,
        status=status,
        data=data,
        created_at=at,
        updated_at=at,
    )


def a_draft(draft_id: str, owner: str = "tg:42") -> Draft:
    return Draft(
        id=draft_id,
        owner=owner,
        created_at=DEFAULT_NOW,
        updated_at=DEFAULT_NOW,
        expires_at=DEFAULT_NOW + timedelta(days=30),
        buyer_name="华为技术有限公司",
    )


def raw(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read the file with a fresh plain sqlite3 connection: what is really on disk."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# -- the file ------------------------------------------------------------------------------
def test_the_database_is_in_wal_mode(repo: SqliteRepository, db_path: Path) -> None:
    assert repo.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw(db_path, "PRAGMA journal_mode") == [("wal",)]


def test_a_new_file_is_migrated_to_the_latest_schema(repo: SqliteRepository, db_path: Path) -> None:
    assert repo.schema_version == LATEST
    tables = {name for (name,) in raw(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"drafts", "invoices", "sequences", "audit", "docs", "schema_version"} <= tables


def test_reopening_a_migrated_file_changes_nothing(db_path: Path) -> None:
    open_repository(db_path).close()
    schema_before = raw(db_path, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    for _ in range(3):
        again = open_repository(db_path)
        assert again.schema_version == LATEST
        again.close()
    assert raw(db_path, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema_before
    assert raw(db_path, "SELECT version FROM schema_version ORDER BY version") == [
        (version,) for version, _ in MIGRATIONS
    ]


def test_an_older_file_is_migrated_forward_keeping_its_rows(db_path: Path) -> None:
    repo = open_repository(db_path)
    repo.add_invoice(an_invoice("R-OLD"))
    repo.db.execute("DROP TABLE docs")
    repo.db.execute("DELETE FROM schema_version WHERE version > 1")
    repo.close()

    reopened = open_repository(db_path)
    assert reopened.schema_version == LATEST
    assert reopened.get_invoice("R-OLD") is not None
    reopened.put_doc("conversation", "tg:42", {"step": "items"})
    assert reopened.get_doc("conversation", "tg:42") == {"step": "items"}
    reopened.close()


def test_data_survives_closing_and_reopening_the_file(db_path: Path) -> None:
    repo = open_repository(db_path)
    repo.save_draft(a_draft("D-1"))
    repo.add_invoice(an_invoice("R-1"))
    repo.close()
    reopened = open_repository(db_path)
    assert reopened.get_draft("D-1") == a_draft("D-1")
    assert reopened.get_invoice("R-1") == an_invoice("R-1")
    reopened.close()


# -- transactions --------------------------------------------------------------------------
def test_a_multi_row_change_that_fails_midway_leaves_nothing_written(
    repo: SqliteRepository, db_path: Path
) -> None:
    with pytest.raises(RuntimeError), repo.transaction():
        repo.add_invoice(an_invoice("R-1"))
        repo.save_draft(a_draft("D-1"))
        repo.add_audit(
            AuditEntry(
                entity="invoice",
                entity_id="R-1",
                action="submit",
                actor="tg:42",
                platform="telegram",
                at=DEFAULT_NOW,
            )
        )
        repo.put_doc("conversation", "tg:42", {"step": "confirm"})
        raise RuntimeError("the process dies here")
    assert repo.get_invoice("R-1") is None
    assert repo.get_draft("D-1") is None
    assert repo.audit_of("invoice", "R-1") == []
    assert repo.get_doc("conversation", "tg:42") is None
    for table in ("invoices", "drafts", "audit", "docs"):
        assert raw(db_path, f"SELECT count(*) FROM {table}") == [(0,)]


def test_a_constraint_violation_midway_rolls_back_the_earlier_rows(
    repo: SqliteRepository, db_path: Path
) -> None:
    repo.add_invoice(an_invoice("R-1", key="same-key"))
    with pytest.raises(sqlite3.IntegrityError), repo.transaction():
        repo.save_draft(a_draft("D-2"))
        repo.add_invoice(an_invoice("R-2", key="same-key"))
    assert repo.get_draft("D-2") is None
    assert raw(db_path, "SELECT id FROM invoices") == [("R-1",)]


def test_a_nested_transaction_joins_the_outer_one(repo: SqliteRepository) -> None:
    with pytest.raises(RuntimeError), repo.transaction():
        with repo.transaction():
            repo.save_draft(a_draft("D-1"))
        assert repo.get_draft("D-1") is not None  # visible inside, not yet committed
        raise RuntimeError
    assert repo.get_draft("D-1") is None


def test_a_committed_transaction_is_seen_by_another_connection(
    repo: SqliteRepository, db_path: Path
) -> None:
    other = open_repository(db_path)
    with repo.transaction():
        repo.add_invoice(an_invoice("R-1"))
        assert other.get_invoice("R-1") is None  # not committed yet
    assert other.get_invoice("R-1") == an_invoice("R-1")
    other.close()


def test_the_repository_is_usable_after_a_rolled_back_transaction(
    repo: SqliteRepository,
) -> None:
    with pytest.raises(RuntimeError), repo.transaction():
        repo.add_invoice(an_invoice("R-1"))
        raise RuntimeError
    with repo.transaction():
        repo.add_invoice(an_invoice("R-1"))
    assert repo.get_invoice("R-1") is not None


# -- rows ----------------------------------------------------------------------------------
def test_invoice_numbers_and_request_keys_are_unique(repo: SqliteRepository) -> None:
    repo.add_invoice(an_invoice("R-1", key="k").model_copy(update={"number": "1"}))
    with pytest.raises(sqlite3.IntegrityError):
        repo.add_invoice(an_invoice("R-2", key="k"))
    with pytest.raises(sqlite3.IntegrityError):
        repo.add_invoice(an_invoice("R-3").model_copy(update={"number": "1"}))


def test_an_invoice_is_found_by_id_number_and_request_key(repo: SqliteRepository) -> None:
    invoice = an_invoice("R-1", key="tg:42:confirm:7").model_copy(
        update={"status": Status.ISSUED, "number": "26111000000000000001"}
    )
    repo.add_invoice(invoice)
    assert repo.get_invoice("R-1") == invoice
    assert repo.invoice_by_number("26111000000000000001") == invoice
    assert repo.invoice_by_request_key("tg:42:confirm:7") == invoice
    assert repo.get_invoice("R-404") is None


def test_an_update_replaces_the_stored_invoice(repo: SqliteRepository, db_path: Path) -> None:
    repo.add_invoice(an_invoice("R-1"))
    repo.update_invoice(
        an_invoice("R-1", status=Status.REJECTED).model_copy(update={"reject_reason": "税号有误"})
    )
    assert repo.get_invoice("R-1").reject_reason == "税号有误"  # type: ignore[union-attr]
    assert raw(db_path, "SELECT status FROM invoices") == [("rejected",)]


def test_invoices_are_listed_by_requester_and_status(repo: SqliteRepository) -> None:
    repo.add_invoice(an_invoice("R-1", requester="tg:42"))
    repo.add_invoice(an_invoice("R-2", requester="tg:77"))
    repo.add_invoice(an_invoice("R-3", requester="tg:42", status=Status.ISSUED))
    assert [i.id for i in repo.list_invoices()] == ["R-1", "R-2", "R-3"]
    assert [i.id for i in repo.list_invoices(requester="tg:42")] == ["R-1", "R-3"]
    assert [i.id for i in repo.list_invoices(status=Status.ISSUED)] == ["R-3"]


def test_drafts_are_kept_per_owner_and_can_be_deleted(repo: SqliteRepository) -> None:
    repo.save_draft(a_draft("D-1"))
    repo.save_draft(a_draft("D-2", owner="tg:77"))
    repo.save_draft(a_draft("D-1").model_copy(update={"buyer_name": "改过的名字"}))
    assert [(d.id, d.buyer_name) for d in repo.drafts_of("tg:42")] == [("D-1", "改过的名字")]
    repo.delete_draft("D-1")
    assert repo.get_draft("D-1") is None
    assert repo.get_draft("D-2") is not None


def test_audit_rows_keep_their_order_and_changes(repo: SqliteRepository) -> None:
    for action in ("submit", "issue", "void"):
        repo.add_audit(
            AuditEntry(
                entity="invoice",
                entity_id="R-1",
                action=action,
                actor="slack:U0FIN",
                platform="slack",
                at=DEFAULT_NOW,
                changes={"status": ["a", "b"], "note": "红冲"},
            )
        )
    entries = repo.audit_of("invoice", "R-1")
    assert [e.action for e in entries] == ["submit", "issue", "void"]
    assert entries[0].changes == {"status": ["a", "b"], "note": "红冲"}
    assert entries[0].at == DEFAULT_NOW


def test_documents_are_stored_replaced_and_deleted(repo: SqliteRepository) -> None:
    repo.put_doc("conversation", "tg:42", {"step": "items"})
    repo.put_doc("conversation", "tg:42", {"step": "remark"})
    repo.put_doc("conversation", "tg:77", {"step": "buyer_name"})
    assert dict(repo.docs("conversation")) == {
        "tg:42": {"step": "remark"},
        "tg:77": {"step": "buyer_name"},
    }
    repo.delete_doc("conversation", "tg:42")
    assert repo.get_doc("conversation", "tg:42") is None


def test_sequences_count_per_series(repo: SqliteRepository) -> None:
    assert [repo.next_sequence("A") for _ in range(3)] == [1, 2, 3]
    assert repo.next_sequence("B") == 1


def test_invoices_are_listed_in_time_order_whatever_the_offset(
    repo: SqliteRepository,
) -> None:
    utc_later = datetime.fromisoformat("2026-03-02T03:00:00+00:00")  # 11:00 in China
    repo.add_invoice(an_invoice("R-LATER", at=utc_later))
    repo.add_invoice(an_invoice("R-EARLIER", at=datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)))
    assert [i.id for i in repo.list_invoices()] == ["R-EARLIER", "R-LATER"]


def test_a_reader_on_another_thread_never_sees_an_uncommitted_audit_row(
    repo: SqliteRepository,
) -> None:
    seen: list[list[AuditEntry]] = []
    reader = threading.Thread(target=lambda: seen.append(repo.audit_of("invoice", "R-1")))
    entry = AuditEntry(
        entity="invoice", entity_id="R-1", action="submit", actor="tg:42",
        platform="telegram", at=DEFAULT_NOW,
    )  # fmt: skip
    with pytest.raises(RuntimeError), repo.transaction():
        repo.add_audit(entry)
        reader.start()
        reader.join(timeout=0.5)  # a correct reader waits for the transaction to end
        raise RuntimeError("rolled back")
    reader.join(timeout=5)
    assert seen == [[]]
