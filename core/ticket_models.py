"""Ticket records: what a ticket holds, its statuses, its notices and the store port.

Pure data (pydantic) and the Protocol the storage implements; the service is core.tickets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from enum import StrEnum
from typing import Literal, Protocol, get_args

from pydantic import BaseModel, Field

from core import sla
from core.errors import SifError
from core.models import Actor
from core.privacy import mask_text
from core.settings import Category, Priority
from core.sla import UtcTime
from core.ticket_messages import render_ticket

CATEGORIES: tuple[str, ...] = get_args(Category)
PRIORITIES: tuple[str, ...] = get_args(Priority)
AGENT_ROLES = ("agent", "admin")
MIN_DESCRIPTION, MAX_TEXT, MAX_ATTACHMENTS = 4, 4000, 10
FIRST_NUMBER = 1000  # T-1001 is the first ticket
SYSTEM = Actor(user="system:sla", role="admin", platform="system")


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"  # an agent answered
    PENDING = "pending"  # waiting on the requester: SLA paused
    SOLVED = "solved"
    CLOSED = "closed"  # solved and quiet for sla.close_after_days


S = TicketStatus
LIVE = frozenset({S.NEW, S.OPEN, S.PENDING})
# action -> the statuses it may start from
ALLOWED: dict[str, frozenset[TicketStatus]] = {
    "reply": LIVE, "priority": LIVE, "escalate": LIVE, "solve": LIVE,
    "pending": frozenset({S.NEW, S.OPEN}), "reopen": frozenset({S.SOLVED}),
    "note": frozenset({*LIVE, S.SOLVED}), "assign": frozenset({*LIVE, S.SOLVED}),
    "claim": frozenset({*LIVE, S.SOLVED}),
    "add_info": frozenset({*LIVE, S.SOLVED}),
}


class Attachment(BaseModel):
    path: str
    name: str = ""
    mime: str = ""


class ChatTurn(BaseModel):
    who: str  # "user" or "bot"
    text: str


class DraftProblem(BaseModel):
    """A validation error of the invoice draft the person was filling in."""

    field: str
    code: str
    message: str = ""


class TicketEvent(BaseModel):
    at: UtcTime
    actor: str
    role: str
    action: str
    text: str = ""
    public: bool = True  # False: an internal note, never shown to the requester
    changes: dict[str, str] = Field(default_factory=dict)


class Ticket(BaseModel):
    id: str  # T-1001
    number: int
    requester: str  # "platform:user"
    channel: str  # the platform it was filed from
    category: Category
    priority: Priority = "normal"
    subject: str
    description: str
    attachments: list[Attachment] = Field(default_factory=list)
    transcript: list[ChatTurn] = Field(default_factory=list)  # the chat turns that led to it
    faq_queries: list[str] = Field(default_factory=list)
    draft_id: str | None = None
    draft_problems: list[DraftProblem] = Field(default_factory=list)
    status: TicketStatus = S.NEW
    assignee: str | None = None
    tier: int = 1
    clocks: dict[str, sla.SlaClock]
    history: list[TicketEvent] = Field(default_factory=list)
    created_at: UtcTime
    updated_at: UtcTime
    solved_at: UtcTime | None = None
    closed_at: UtcTime | None = None

    def public_history(self) -> list[TicketEvent]:
        return [event for event in self.history if event.public]

    @property
    def due_at(self) -> datetime | None:
        """The earliest due time of a running clock: the queue's order."""
        dues = [c.due_at for c in self.clocks.values() if c.running and c.due_at]
        return min(dues) if dues else None


class Notice(BaseModel):
    """Something to tell someone; the notifier renders it in their language on their platform."""

    to: str
    key: str
    ticket_id: str
    audience: Literal["requester", "staff"]
    params: dict[str, str] = Field(default_factory=dict)


Notifier = Callable[[list[Notice]], None]  # one call per unit of work, in order


class SweepResult(BaseModel):
    events: list[tuple[str, str, str]] = Field(default_factory=list)  # (ticket, clock, kind)
    delivered: int = 0  # notices that waited for support hours
    closed: list[str] = Field(default_factory=list)


class TicketStore(Protocol):
    def transaction(self) -> AbstractContextManager[None]: ...
    def next_ticket_number(self) -> int: ...
    def add_ticket(self, ticket: Ticket) -> None: ...
    def save_ticket(self, ticket: Ticket) -> None: ...
    def get_ticket(self, ticket_id: str) -> Ticket | None: ...
    def tickets(self, *, requester: str | None = None, statuses: Iterable[str] | None = None,
                created_from: datetime | None = None,
                created_to: datetime | None = None) -> list[Ticket]: ...
    def queue(self, limit: int) -> list[Ticket]: ...
    def due_for_sla(self, now: datetime) -> list[Ticket]: ...
    def record_sla_event(self, ticket_id: str, clock: str, kind: str, epoch: int,
                         at: datetime) -> bool: ...
    def defer_notice(self, notice: Notice, until: datetime) -> None: ...
    def take_due_notices(self, now: datetime) -> list[Notice]: ...
    def quiet_solved(self, before: datetime) -> list[str]: ...


class TicketError(SifError):
    """A ticket rule said no; its text comes from the ticket catalogue."""

    def message(self, lang: str) -> str:
        return render_ticket(self.code, lang, self.params)


def clean_text(value: str, what: str) -> str:
    """Trimmed text that is there and not too long, else a TicketError naming `what`."""
    value = value.strip()
    if not value:
        raise TicketError("ticket_text_required", what=what)
    return optional_text(value)


def optional_text(value: str) -> str:
    """Trimmed text that may be empty but is never cut: too long is a TicketError."""
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise TicketError("ticket_text_too_long", length=len(value), max=MAX_TEXT)
    return value


def new_event(actor: Actor, now: datetime, action: str, text: str = "", public: bool = True,
              changes: dict[str, str] | None = None) -> TicketEvent:
    return TicketEvent(at=now, actor=actor.user, role=actor.role, action=action, text=text,
                       public=public, changes=changes or {})


def recorded(ticket: Ticket, actor: Actor, now: datetime, action: str, text: str = "", *,
             public: bool = True, clock: str = "", **update: object) -> Ticket:
    """`ticket` with `update` applied and the history entry that says who did what."""
    changes = {key: plain(value) for key, value in update.items()
               if key in ("status", "assignee", "priority", "tier")
               and plain(getattr(ticket, key)) != plain(value)}
    if clock:
        changes["clock"] = clock
    entry = new_event(actor, now, action, text, public, changes)
    return ticket.model_copy(update={**update, "history": [*ticket.history, entry]})


def plain(value: object) -> str:
    return "" if value is None else str(value.value if isinstance(value, StrEnum) else value)


def subject_of(description: str) -> str:
    first = description.strip().splitlines()[0] if description.strip() else ""
    return first[:60] + ("…" if len(first) > 60 else "")


def staff_subject(ticket: Ticket) -> str:
    """The subject as anyone but the requester sees it: from the description with tax IDs,
    accounts, phone numbers and addresses masked (before it is cut, so no half is left)."""
    return subject_of(mask_text(ticket.description))


def render_notice(notice: Notice, lang: str) -> str:
    return render_ticket(notice.key, lang, notice.params)
