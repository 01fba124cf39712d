"""SQLite storage with sqlite-utils: WAL, migrations at start, one transaction per change."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from core.models import AuditEntry, Draft, Invoice, Status
from core.storage.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 30_000


def _utc(moment: datetime) -> str:
    """Index columns hold UTC text, so ORDER BY on them is chronological."""
    return moment.astimezone(UTC).isoformat()


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL (it stays so). Switching needs the file to itself, and SQLite
    answers "database is locked" at once, without waiting the busy timeout, when another
    process is opening the same new file at that moment (seen about once in 250 starts of six
    processes together): so wait and try again, up to the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def open_repository(path: str | Path) -> SqliteRepository:
    """Open (and create or migrate) the database file at `path`."""
    return SqliteRepository(path)


class SqliteRepository:
    """The Repository on one SQLite file. Safe to share between threads (one writer at a time)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _use_wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        self.db = sqlite_utils.Database(conn)
        self._lock = threading.RLock()
        self._depth = 0
        self._migrate()

    def close(self) -> None:
        self.db.close()

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT: takes the write lock at once, so two processes never
        interleave a read-then-write (numbering). Nested calls join the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.db.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._rollback()
                raise
            else:
                try:
                    self.db.conn.execute("COMMIT")
                except BaseException:
                    self._rollback()  # never leave the connection stuck in a transaction
                    raise
            finally:
                self._depth = 0

    def _rollback(self) -> None:
        if self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")

    def _migrate(self) -> None:
        with self.transaction():
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
            row = self.db.execute("SELECT max(version) FROM schema_version").fetchone()
            current = row[0] or 0
            for version, migration in MIGRATIONS:
                if version > current:
                    migration(self.db)
                    self.db.execute("INSERT INTO schema_version VALUES (?)", [version])

    @property
    def schema_version(self) -> int:
        return int(self._one("SELECT max(version) FROM schema_version"))

    # -- drafts --------------------------------------------------------------------------
    def save_draft(self, draft: Draft) -> None:
        self._write(
            "INSERT INTO drafts(id, owner, updated_at, expires_at, body) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, "
            "updated_at = excluded.updated_at, expires_at = excluded.expires_at, "
            "body = excluded.body",
            draft.id, draft.owner, _utc(draft.updated_at), _utc(draft.expires_at),
            draft.model_dump_json(),
        )

    def get_draft(self, draft_id: str) -> Draft | None:
        row = self._one("SELECT body FROM drafts WHERE id = ?", draft_id)
        return Draft.model_validate_json(row) if row else None

    def drafts_of(self, owner: str) -> list[Draft]:
        rows = self._all("SELECT body FROM drafts WHERE owner = ? ORDER BY updated_at", owner)
        return [Draft.model_validate_json(body) for body in rows]

    def all_drafts(self) -> list[Draft]:
        rows = self._all("SELECT body FROM drafts ORDER BY updated_at")
        return [Draft.model_validate_json(body) for body in rows]

    def delete_draft(self, draft_id: str) -> None:
        with self._lock:
            self.db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])

    # -- invoices ------------------------------------------------------------------------
    def _invoice_values(self, invoice: Invoice) -> tuple[Any, ...]:
        return (
            invoice.request_key, invoice.number, invoice.status.value, invoice.requester,
            invoice.kind, invoice.original_id, _utc(invoice.created_at),
            _utc(invoice.issued_at) if invoice.issued_at else None, invoice.model_dump_json(),
            invoice.id,
        )

    def add_invoice(self, invoice: Invoice) -> None:
        self._write(
            "INSERT INTO invoices(request_key, number, status, requester, kind, original_id, "
            "created_at, issued_at, body, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            *self._invoice_values(invoice),
        )

    def update_invoice(self, invoice: Invoice) -> None:
        self._write(
            "UPDATE invoices SET request_key = ?, number = ?, status = ?, requester = ?, "
            "kind = ?, original_id = ?, created_at = ?, issued_at = ?, body = ? WHERE id = ?",
            *self._invoice_values(invoice),
        )

    def get_invoice(self, invoice_id: str) -> Invoice | None:
        return self._invoice("SELECT body FROM invoices WHERE id = ?", invoice_id)

    def invoice_by_number(self, number: str) -> Invoice | None:
        return self._invoice("SELECT body FROM invoices WHERE number = ?", number)

    def invoice_by_request_key(self, key: str) -> Invoice | None:
        return self._invoice("SELECT body FROM invoices WHERE request_key = ?", key)

    def list_invoices(
        self, *, requester: str | None = None, status: Status | None = None
    ) -> list[Invoice]:
        clauses, params = [], []
        if requester is not None:
            clauses.append("requester = ?")
            params.append(requester)
        if status is not None:
            clauses.append("status = ?")
            params.append(status.value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._all(f"SELECT body FROM invoices {where} ORDER BY created_at, id", *params)
        return [Invoice.model_validate_json(body) for body in rows]

    def next_sequence(self, series: str) -> int:
        """The next number of `series`; call inside a transaction so a rollback gives it back."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO sequences(series, last) VALUES (?, 1) "
                "ON CONFLICT(series) DO UPDATE SET last = last + 1",
                [series],
            )
            return int(self._one("SELECT last FROM sequences WHERE series = ?", series))

    # -- audit ---------------------------------------------------------------------------
    def add_audit(self, entry: AuditEntry) -> None:
        self._write(
            "INSERT INTO audit(entity, entity_id, action, actor, platform, at, changes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            entry.entity, entry.entity_id, entry.action, entry.actor, entry.platform,
            entry.at.isoformat(), json.dumps(entry.changes, ensure_ascii=False, default=str),
        )

    def audit_of(self, entity: str, entity_id: str) -> list[AuditEntry]:
        with self._lock:
            rows = self.db.execute(
                "SELECT entity, entity_id, action, actor, platform, at, changes FROM audit "
                "WHERE entity = ? AND entity_id = ? ORDER BY id", [entity, entity_id],
            ).fetchall()
        return [
            AuditEntry(entity=r[0], entity_id=r[1], action=r[2], actor=r[3], platform=r[4],
                       at=r[5], changes=json.loads(r[6]))
            for r in rows
        ]

    # -- documents -----------------------------------------------------------------------
    def put_doc(self, kind: str, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self.db.execute(
                "INSERT INTO docs(kind, key, body) VALUES (?, ?, ?) "
                "ON CONFLICT(kind, key) DO UPDATE SET body = excluded.body",
                [kind, key, json.dumps(value, ensure_ascii=False, default=str)],
            )

    def get_doc(self, kind: str, key: str) -> dict[str, Any] | None:
        row = self._one("SELECT body FROM docs WHERE kind = ? AND key = ?", kind, key)
        return json.loads(row) if row else None

    def delete_doc(self, kind: str, key: str) -> None:
        with self._lock:
            self.db.execute("DELETE FROM docs WHERE kind = ? AND key = ?", [kind, key])

    def docs(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        with self._lock:
            rows = self.db.execute("SELECT key, body FROM docs WHERE kind = ?", [kind]).fetchall()
        for key, body in rows:
            yield key, json.loads(body)

    # -- helpers -------------------------------------------------------------------------
    def _write(self, sql: str, *params: Any) -> None:
        """One statement on the connection (plain SQL: the hot path needs no introspection)."""
        with self._lock:
            self.db.conn.execute(sql, params)

    def _one(self, sql: str, *params: Any) -> Any:
        with self._lock:
            row = self.db.execute(sql, list(params)).fetchone()
        return row[0] if row else None

    def _all(self, sql: str, *params: Any) -> list[Any]:
        with self._lock:
            return [row[0] for row in self.db.execute(sql, list(params)).fetchall()]

    def _invoice(self, sql: str, *params: Any) -> Invoice | None:
        body = self._one(sql, *params)
        return Invoice.model_validate_json(body) if body else None
