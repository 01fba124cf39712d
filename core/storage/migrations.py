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


MIGRATIONS: list[tuple[int, Migration]] = [
    (1, _v1_issuance),
    (2, _v2_documents),
]
