"""Tickets in SQLite, on the SqliteRepository's connection and inside its transaction().

A ticket is one JSON body plus the columns that queries need: `due_at` (the queue's order) and
`next_sla_at` (when the sweep has something to say next) are Unix seconds, so the sweep is one
indexed range scan however many tickets are open.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from core import sla
from core.storage.sqlite import SqliteRepository
from core.ticket_models import LIVE, Notice, Ticket, TicketStatus

TICKET_SEQUENCE = "ticket"
_COLUMNS = ("number", "requester", "status", "priority", "category", "assignee", "created_at",
            "updated_at", "due_at", "next_sla_at", "body", "id")


def utc_key(moment: datetime) -> str:
    """Fixed-width UTC text: compares in time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _next_sla_at(ticket: Ticket) -> float | None:
    moments = [m for c in ticket.clocks.values() if (m := sla.next_event_at(c)) is not None]
    return min(moments).timestamp() if moments else None


class SqliteTicketStore:
    """The TicketStore port of core.tickets."""

    def __init__(self, repo: SqliteRepository) -> None:
        self.repo = repo

    def transaction(self) -> AbstractContextManager[None]:
        return self.repo.transaction()

    def next_ticket_number(self) -> int:
        return self.repo.next_sequence(TICKET_SEQUENCE)

    # -- tickets ----------------------------------------------------------------------------
    def _values(self, ticket: Ticket) -> tuple[Any, ...]:
        due = ticket.due_at
        return (
            ticket.number, ticket.requester, ticket.status.value, ticket.priority,
            ticket.category, ticket.assignee, utc_key(ticket.created_at),
            utc_key(ticket.updated_at), due.timestamp() if due else None, _next_sla_at(ticket),
            ticket.model_dump_json(), ticket.id,
        )

    def add_ticket(self, ticket: Ticket) -> None:
        self.repo._write(
            f"INSERT INTO tickets({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
            *self._values(ticket),
        )

    def save_ticket(self, ticket: Ticket) -> None:
        assignments = ", ".join(f"{name} = ?" for name in _COLUMNS[:-1])
        self.repo._write(f"UPDATE tickets SET {assignments} WHERE id = ?", *self._values(ticket))

    def get_ticket(self, ticket_id: str) -> Ticket | None:
        body = self.repo._one("SELECT body FROM tickets WHERE id = ?", ticket_id)
        return Ticket.model_validate_json(body) if body else None

    def tickets(self, *, requester: str | None = None, statuses: Iterable[str] | None = None,
                created_from: datetime | None = None,
                created_to: datetime | None = None) -> list[Ticket]:
        clauses: list[str] = []
        params: list[Any] = []
        if requester is not None:
            clauses.append("requester = ?")
            params.append(requester)
        if statuses is not None:
            wanted = list(statuses)
            clauses.append(f"status IN ({', '.join('?' * len(wanted))})")
            params += wanted
        if created_from is not None:
            clauses.append("created_at >= ?")
            params.append(utc_key(created_from))
        if created_to is not None:
            clauses.append("created_at < ?")
            params.append(utc_key(created_to))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.repo._all(f"SELECT body FROM tickets {where} ORDER BY number", *params)
        return [Ticket.model_validate_json(body) for body in rows]

    def queue(self, limit: int) -> list[Ticket]:
        live = [status.value for status in LIVE]
        rows = self.repo._all(
            f"SELECT body FROM tickets WHERE status IN ({', '.join('?' * len(live))}) "
            "ORDER BY due_at IS NULL, due_at, number LIMIT ?", *live, limit,
        )
        return [Ticket.model_validate_json(body) for body in rows]

    def quiet_solved(self, before: datetime) -> list[str]:
        return [str(row) for row in self.repo._all(
            "SELECT id FROM tickets WHERE status = ? AND updated_at <= ? ORDER BY number",
            TicketStatus.SOLVED.value, utc_key(before),
        )]

    # -- the sweep --------------------------------------------------------------------------
    def due_for_sla(self, now: datetime) -> list[Ticket]:
        """Tickets with a warning or breach due by `now` (read inside the sweep's transaction)."""
        rows = self.repo._all(
            "SELECT body FROM tickets WHERE next_sla_at <= ? ORDER BY next_sla_at",
            now.timestamp(),
        )
        return [Ticket.model_validate_json(body) for body in rows]

    def record_sla_event(self, ticket_id: str, clock: str, kind: str, epoch: int,
                         at: datetime) -> bool:
        """True when this (ticket, clock, kind, epoch) was not recorded before."""
        with self.repo._lock:
            cursor = self.repo.db.conn.execute(
                "INSERT OR IGNORE INTO sla_events(ticket_id, clock, kind, epoch, at) "
                "VALUES (?, ?, ?, ?, ?)", (ticket_id, clock, kind, epoch, utc_key(at)),
            )
            return cursor.rowcount == 1

    def sla_events(self, ticket_id: str | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE ticket_id = ?", [ticket_id]) if ticket_id else ("", [])
        with self.repo._lock:
            rows = self.repo.db.conn.execute(
                f"SELECT ticket_id, clock, kind, epoch, at FROM sla_events {where} "
                "ORDER BY at, ticket_id", params,
            ).fetchall()
        keys = ("ticket_id", "clock", "kind", "epoch", "at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def defer_notice(self, notice: Notice, until: datetime) -> None:
        self.repo._write("INSERT INTO ticket_notices(deliver_after, body) VALUES (?, ?)",
                         until.timestamp(), notice.model_dump_json())

    def take_due_notices(self, now: datetime) -> list[Notice]:
        """Notices whose time has come, removed from the store (call inside a transaction)."""
        with self.repo._lock:
            rows = self.repo.db.conn.execute(
                "SELECT id, body FROM ticket_notices WHERE deliver_after <= ? ORDER BY id",
                (now.timestamp(),),
            ).fetchall()
            if rows:
                self.repo.db.conn.executemany("DELETE FROM ticket_notices WHERE id = ?",
                                              [(row[0],) for row in rows])
        return [Notice.model_validate(json.loads(row[1])) for row in rows]

    def waiting_notices(self) -> int:
        return int(self.repo._one("SELECT count(*) FROM ticket_notices"))
