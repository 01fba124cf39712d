"""Lifecycle rules as pure functions: which transitions are allowed, and the void window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.clock import CHINA
from core.errors import InvalidTransition
from core.lifecycle import TRANSITIONS, can_void, cancellation_path, check_transition
from core.models import Buyer, BuyerKind, Invoice, InvoiceData, InvoiceType, Status
from tests.conftest import make_line

ISSUED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)


def invoice(
    status: Status, *, issued_at: datetime | None = ISSUED_AT, kind: str = "blue"
) -> Invoice:
    data = InvoiceData(
        invoice_type=InvoiceType.ORDINARY,
        buyer=Buyer(kind=BuyerKind.PERSON, name="张三"),
        lines=[make_line()],
    )
    return Invoice(
        id="R-1",
        request_key="k",
        requester="tg:42",
        status=status,
        kind=kind,
        data=data,
        issued_at=issued_at,
        number="26111000000000000001",
        created_at=ISSUED_AT,
        updated_at=ISSUED_AT,
    )


# -- transitions ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("action", "start", "target"),
    [
        ("approve", Status.PENDING_REVIEW, Status.ISSUED),
        ("reject", Status.PENDING_REVIEW, Status.REJECTED),
        ("void", Status.ISSUED, Status.VOIDED),
        ("red_letter", Status.ISSUED, Status.RED_FLUSHED),
    ],
)
def test_each_action_leads_from_its_status_to_the_next(
    action: str, start: Status, target: Status
) -> None:
    assert check_transition(invoice(start), action) == target


NOT_ALLOWED = [
    (action, status)
    for action, (sources, _) in sorted(TRANSITIONS.items())
    for status in Status
    if status not in sources
]


@pytest.mark.parametrize(("action", "status"), NOT_ALLOWED)
def test_an_action_from_any_other_status_raises_invalid_transition(
    action: str, status: Status
) -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_transition(invoice(status), action)
    assert caught.value.code == "invalid_transition"
    assert caught.value.params["status"] == status.value


def test_approving_an_issued_invoice_again_is_an_invalid_transition() -> None:
    with pytest.raises(InvalidTransition):
        check_transition(invoice(Status.ISSUED), "approve")


def test_voiding_a_rejected_request_is_an_invalid_transition() -> None:
    with pytest.raises(InvalidTransition):
        check_transition(invoice(Status.REJECTED, issued_at=None), "void")


@pytest.mark.parametrize("action", ["void", "red_letter"])
def test_a_red_letter_invoice_itself_cannot_be_voided_or_flushed(action: str) -> None:
    with pytest.raises(InvalidTransition):
        check_transition(invoice(Status.ISSUED, kind="red"), action)


# -- the void window -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "later", [timedelta(0), timedelta(minutes=1), timedelta(hours=13, minutes=59)]
)
def test_void_is_allowed_in_the_month_of_issue_and_within_24_hours(later: timedelta) -> None:
    assert can_void(ISSUED_AT, ISSUED_AT + later)


def test_void_is_allowed_one_microsecond_before_24_hours() -> None:
    assert can_void(ISSUED_AT, ISSUED_AT + timedelta(hours=24) - timedelta(microseconds=1))


def test_void_is_refused_at_exactly_24_hours() -> None:
    assert not can_void(ISSUED_AT, ISSUED_AT + timedelta(hours=24))


def test_void_is_refused_across_a_month_boundary_even_after_40_minutes() -> None:
    issued = datetime.fromisoformat("2026-03-31T23:30:00+08:00")
    now = datetime.fromisoformat("2026-04-01T00:10:00+08:00")
    assert now - issued == timedelta(minutes=40)
    assert not can_void(issued, now)


def test_the_month_is_counted_in_china_time_not_utc() -> None:
    issued = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)  # 2026-04-01 00:30 in China
    now = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)  # 10:00 in China, same month there
    assert can_void(issued, now)
    issued_in_march = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)  # 23:30 in China
    now_in_april = datetime(2026, 3, 31, 16, 10, tzinfo=UTC)  # 00:10 in China, April there
    assert not can_void(issued_in_march, now_in_april)


def test_a_now_before_the_issue_time_does_not_open_the_window() -> None:
    assert not can_void(ISSUED_AT, ISSUED_AT - timedelta(minutes=1))


# -- cancellation path ---------------------------------------------------------------------
def test_cancellation_path_is_void_inside_the_window() -> None:
    assert cancellation_path(invoice(Status.ISSUED), ISSUED_AT + timedelta(hours=1)) == "void"


def test_cancellation_path_is_red_letter_at_exactly_24_hours() -> None:
    later = ISSUED_AT + timedelta(hours=24)
    assert cancellation_path(invoice(Status.ISSUED), later) == "red_letter"


def test_cancellation_path_is_red_letter_across_a_month_boundary() -> None:
    issued = datetime.fromisoformat("2026-03-31T23:30:00+08:00")
    now = datetime.fromisoformat("2026-04-01T00:10:00+08:00")
    assert cancellation_path(invoice(Status.ISSUED, issued_at=issued), now) == "red_letter"


def test_cancellation_path_of_a_request_not_issued_is_an_invalid_transition() -> None:
    with pytest.raises(InvalidTransition):
        cancellation_path(invoice(Status.PENDING_REVIEW, issued_at=None), ISSUED_AT)
