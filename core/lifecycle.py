"""Lifecycle rules of an invoice: pure functions that take `now`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from core.clock import CHINA
from core.errors import InvalidTransition
from core.models import Invoice, Status

VOID_WINDOW = timedelta(hours=24)

# action -> the statuses it may start from, and the status it leads to
TRANSITIONS: dict[str, tuple[frozenset[Status], Status]] = {
    "approve": (frozenset({Status.PENDING_REVIEW}), Status.ISSUED),
    "reject": (frozenset({Status.PENDING_REVIEW}), Status.REJECTED),
    "void": (frozenset({Status.ISSUED}), Status.VOIDED),
    "red_letter": (frozenset({Status.ISSUED}), Status.RED_FLUSHED),
}


def check_transition(invoice: Invoice, action: str) -> Status:
    """The status `action` leads to, or InvalidTransition naming the current status."""
    sources, target = TRANSITIONS[action]
    if invoice.status not in sources:
        raise InvalidTransition(status=invoice.status.value, action=action, id=invoice.id)
    if invoice.kind == "red" and action in ("void", "red_letter"):
        raise InvalidTransition(status="red", action=action, id=invoice.id)
    return target


def can_void(issued_at: datetime, now: datetime) -> bool:
    """作废 only in the calendar month of issue (China time) and less than 24 hours after it.

    At exactly 24 hours the window has closed: the invoice needs a red-letter invoice.
    """
    issued_local, now_local = issued_at.astimezone(CHINA), now.astimezone(CHINA)
    same_month = (issued_local.year, issued_local.month) == (now_local.year, now_local.month)
    return same_month and timedelta(0) <= now - issued_at < VOID_WINDOW


def cancellation_path(invoice: Invoice, now: datetime) -> Literal["void", "red_letter"]:
    """How an issued invoice can be cancelled now: void inside the window, else red-letter."""
    check_transition(invoice, "void")
    assert invoice.issued_at is not None  # issued invoices always carry their time
    return "void" if can_void(invoice.issued_at, now) else "red_letter"
