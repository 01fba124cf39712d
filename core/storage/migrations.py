"""Versioned schema: each migration runs once, in order, inside the start-up transaction."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def _v1_issuance(db: sqlite_utils.Database) -> None:
    db.table("drafts").create(
        {"id": str, "owner": str, "updated_at": str, "expires_at": str, "body": str}, pk="id"
    )
    db.table("drafts").create_index(["owner"])
    db.table("invoices").create(
        {
            "id": str, "request_key": str, "number": str, "status": str, "requester": str,
            "kind": str, "original_id": str, "created_at": str, "issued_at": str, "body": str,
        },
        pk="id",
    )
    db.table("invoices").create_index(["request_key"], unique=True)
    db.table("invoices").create_index(["number"], unique=True)
    db.table("invoices").create_index(["requester", "status"])
    db.table("sequences").create({"series": str, "last": int}, pk="series")
    db.table("audit").create(
        {"id": int, "entity": str, "entity_id": str, "action": str, "actor": str,
         "platform": str, "at": str, "changes": str},
        pk="id",
    )
    db.table("audit").create_index(["entity", "entity_id"])


def _v2_documents(db: sqlite_utils.Database) -> None:
    db.table("docs").create({"kind": str, "key": str, "body": str}, pk=("kind", "key"))


def _v3_tickets(db: sqlite_utils.Database) -> None:
    """Tickets (JSON body + query columns), the SLA events sent (one row each, ever) and the
    notices waiting for support hours. IF NOT EXISTS: a file rolled back to an older version by
    hand (or a test) migrates forward again."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS tickets (id TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE, "
        "requester TEXT NOT NULL, status TEXT NOT NULL, priority TEXT NOT NULL, "
        "category TEXT NOT NULL, assignee TEXT, created_at TEXT NOT NULL, "
        "updated_at TEXT NOT NULL, due_at REAL, next_sla_at REAL, body TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS tickets_requester ON tickets(requester, number)")
    db.execute("CREATE INDEX IF NOT EXISTS tickets_status ON tickets(status, updated_at)")
    db.execute("CREATE INDEX IF NOT EXISTS tickets_created ON tickets(created_at)")
    db.execute("CREATE INDEX IF NOT EXISTS tickets_due ON tickets(due_at) WHERE due_at IS NOT NULL")
    db.execute("CREATE INDEX IF NOT EXISTS tickets_next_sla ON tickets(next_sla_at) "
               "WHERE next_sla_at IS NOT NULL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS sla_events (ticket_id TEXT NOT NULL, clock TEXT NOT NULL, "
        "kind TEXT NOT NULL, epoch INTEGER NOT NULL, at TEXT NOT NULL, "
        "PRIMARY KEY (ticket_id, clock, kind, epoch))"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS ticket_notices (id INTEGER PRIMARY KEY, deliver_after REAL NOT NULL, "
        "body TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS ticket_notices_due ON ticket_notices(deliver_after)")


MIGRATIONS: list[tuple[int, Migration]] = [
    (1, _v1_issuance),
    (2, _v2_documents),
    (3, _v3_tickets),
]
