"""The issuance service on a real SQLite file: submit, review, void, red-letter, reissue,
visibility, idempotency and the audit trail."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import InvalidTransition, NotFound, PermissionDenied, SifError, ValidationFailed
from core.issuance import Issuance
from core.lifecycle import cancellation_path
from core.models import Actor, Invoice, InvoiceType, Status
from core.settings import IssuanceSettings, SellerSettings, Settings
from core.storage import SqliteRepository, open_repository
from tests.conftest import SettableClock, complete_draft, make_line

NUMBER = re.compile(r"^\d{20}$")


def submitted(issuance: Issuance, actor: Actor, key: str = "key-1", **overrides: object) -> Invoice:
    return issuance.submit(complete_draft(issuance, actor, **overrides).id, key, actor)


def status_of(issuance: Issuance, invoice_id: str) -> Status:
    """The status as stored (not as returned by the call under test)."""
    return issuance.find(invoice_id, Actor(user="audit", role="admin")).status


def issued(issuance: Issuance, customer: Actor, finance: Actor, key: str = "key-1") -> Invoice:
    return issuance.approve(submitted(issuance, customer, key).id, finance)


# -- submit and review -----------------------------------------------------------------------
def test_a_customers_submit_waits_for_review(issuance: Issuance, customer: Actor) -> None:
    invoice = submitted(issuance, customer)
    assert invoice.status == Status.PENDING_REVIEW
    assert invoice.number is None
    assert invoice.requester == customer.user
    assert invoice.data.total == Decimal("10600.00")
    assert issuance.repo.get_invoice(invoice.id) == invoice


def test_finance_approval_issues_a_20_digit_number(
    issuance: Issuance, customer: Actor, finance: Actor, clock: SettableClock
) -> None:
    invoice = issued(issuance, customer, finance)
    assert invoice.status == Status.ISSUED
    assert invoice.number == "26" + "11" + "1" + "000000000000001"
    assert NUMBER.match(invoice.number)
    assert invoice.issued_at == clock()
    assert invoice.reviewer == finance.user


def test_the_number_carries_year_in_china_time_province_and_channel(
    make_issuance: Callable[..., Issuance],
    customer: Actor,
    finance: Actor,
    clock: SettableClock,
) -> None:
    clock.set(datetime.fromisoformat("2025-12-31T16:30:00+00:00"))  # 2026-01-01 00:30 in China
    seller = SellerSettings(province_code="44", channel="2")
    issuance = make_issuance(settings=Settings(seller=seller))
    first = issued(issuance, customer, finance, "k1")
    second = issued(issuance, customer, finance, "k2")
    assert first.number == "26442000000000000001"
    assert second.number == "26442000000000000002"


def test_reject_needs_a_reason(issuance: Issuance, customer: Actor, finance: Actor) -> None:
    invoice = submitted(issuance, customer)
    with pytest.raises(ValidationFailed) as caught:
        issuance.reject(invoice.id, finance, "   ")
    assert [i.code for i in caught.value.issues] == ["reason_required"]
    assert status_of(issuance, invoice.id) == Status.PENDING_REVIEW
    rejected = issuance.reject(invoice.id, finance, " 税号与营业执照不符 ")
    assert rejected.status == Status.REJECTED
    assert rejected.reject_reason == "税号与营业执照不符"
    assert rejected.number is None


def test_an_employees_submit_is_issued_directly(issuance: Issuance, employee: Actor) -> None:
    invoice = submitted(issuance, employee)
    assert invoice.status == Status.ISSUED
    assert invoice.number is not None and NUMBER.match(invoice.number)
    assert issuance.repo.get_invoice(invoice.id) == invoice


def test_an_employees_submit_waits_for_review_when_settings_say_so(
    make_issuance: Callable[..., Issuance], employee: Actor
) -> None:
    review = Settings(issuance=IssuanceSettings(employee_requires_review=True))
    invoice = submitted(make_issuance(settings=review), employee)
    assert invoice.status == Status.PENDING_REVIEW


@pytest.mark.parametrize("role", ["customer", "employee", "agent"])
def test_only_finance_may_approve_reject_void_or_red_letter(
    issuance: Issuance, customer: Actor, finance: Actor, role: str
) -> None:
    actor = Actor(user=customer.user, role=role, platform="telegram")  # type: ignore[arg-type]
    pending = submitted(issuance, customer, "k1")
    done = issued(issuance, customer, finance, "k2")
    for attempt in (
        lambda: issuance.approve(pending.id, actor),
        lambda: issuance.reject(pending.id, actor, "no"),
        lambda: issuance.void(done.id, actor),
        lambda: issuance.red_letter(done.id, actor, "4403012600000123", "退货"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert status_of(issuance, pending.id) == Status.PENDING_REVIEW
    assert status_of(issuance, done.id) == Status.ISSUED


def test_an_invalid_draft_is_refused_and_nothing_is_stored(
    issuance: Issuance, customer: Actor
) -> None:
    draft = complete_draft(issuance, customer, buyer_kind="person")
    with pytest.raises(ValidationFailed) as caught:
        issuance.submit(draft.id, "key-1", customer)
    assert "special_needs_organisation" in [i.code for i in caught.value.issues]
    assert issuance.repo.list_invoices() == []
    assert issuance.repo.get_draft(draft.id).submitted_as is None  # type: ignore[union-attr]


def test_an_expired_draft_cannot_be_submitted(
    issuance: Issuance, customer: Actor, clock: SettableClock
) -> None:
    draft = complete_draft(issuance, customer)
    clock.set(draft.expires_at)
    with pytest.raises(SifError):
        issuance.submit(draft.id, "key-1", customer)
    assert issuance.repo.list_invoices() == []


def test_a_customer_cannot_submit_another_customers_draft(
    issuance: Issuance, customer: Actor, other_customer: Actor
) -> None:
    draft = complete_draft(issuance, customer)
    with pytest.raises(NotFound):
        issuance.submit(draft.id, "key-1", other_customer)


# -- invalid transitions ---------------------------------------------------------------------
def test_approving_twice_or_voiding_a_rejected_request_is_an_invalid_transition(
    issuance: Issuance, customer: Actor, finance: Actor
) -> None:
    invoice = issued(issuance, customer, finance, "k1")
    with pytest.raises(InvalidTransition):
        issuance.approve(invoice.id, finance)
    assert issuance.repo.get_invoice(invoice.id) == invoice
    rejected = issuance.reject(submitted(issuance, customer, "k2").id, finance, "重复申请")
    with pytest.raises(InvalidTransition):
        issuance.void(rejected.id, finance)


# -- void -------------------------------------------------------------------------------------
def test_void_is_allowed_in_the_month_of_issue_within_24_hours(
    issuance: Issuance, customer: Actor, finance: Actor, clock: SettableClock
) -> None:
    invoice = issued(issuance, customer, finance)
    clock.advance(hours=23, minutes=59)
    voided = issuance.void(invoice.id, finance, "开错了")
    assert voided.status == Status.VOIDED
    assert (voided.voided_at, voided.void_reason) == (clock(), "开错了")
    with pytest.raises(InvalidTransition):
        issuance.void(invoice.id, finance)


def test_void_is_refused_at_exactly_24_hours_and_points_to_red_letter(
    issuance: Issuance, customer: Actor, finance: Actor, clock: SettableClock
) -> None:
    invoice = issued(issuance, customer, finance)
    clock.advance(hours=24)
    with pytest.raises(InvalidTransition) as caught:
        issuance.void(invoice.id, finance)
    assert caught.value.code == "void_window_closed"
    assert cancellation_path(invoice, clock()) == "red_letter"
    assert status_of(issuance, invoice.id) == Status.ISSUED


def test_void_is_refused_across_a_month_boundary_after_only_40_minutes(
    issuance: Issuance, customer: Actor, finance: Actor, clock: SettableClock
) -> None:
    clock.set(datetime.fromisoformat("2026-03-31T23:30:00+08:00"))
    invoice = issued(issuance, customer, finance)
    clock.set(datetime.fromisoformat("2026-04-01T00:10:00+08:00"))
    with pytest.raises(InvalidTransition) as caught:
        issuance.void(invoice.id, finance)
    assert caught.value.code == "void_window_closed"
    assert cancellation_path(invoice, clock()) == "red_letter"


# -- red-letter and reissue -------------------------------------------------------------------
def test_a_red_letter_invoice_negates_the_original_and_flushes_it(
    issuance: Issuance, customer: Actor, finance: Actor, clock: SettableClock
) -> None:
    original = issued(issuance, customer, finance)
    clock.advance(days=40)
    red = issuance.red_letter(original.id, finance, " 4403012600000123 ", "销售退回")
    assert (red.kind, red.status, red.original_id) == ("red", Status.ISSUED, original.id)
    assert red.red_form_no == "4403012600000123"
    assert red.number and NUMBER.match(red.number) and red.number != original.number
    assert [(ln.quantity, ln.amount, ln.tax) for ln in red.data.lines] == [
        (Decimal("-1"), Decimal("-10000.00"), Decimal("-600.00"))
    ]
    assert red.data.total == -original.data.total
    assert original.number in red.data.remark and "销售退回" in red.data.remark
    assert red.data.buyer == original.data.buyer
    assert status_of(issuance, original.id) == Status.RED_FLUSHED
    assert issuance.find(red.id, customer) == red
    with pytest.raises(InvalidTransition):
        issuance.red_letter(original.id, finance, "4403012600000124", "again")
    with pytest.raises(InvalidTransition):
        issuance.red_letter(red.id, finance, "4403012600000125", "red of red")


def test_a_red_letter_invoice_keeps_the_original_remark_after_its_note(
    issuance: Issuance, customer: Actor, finance: Actor, clock: SettableClock
) -> None:
    draft = complete_draft(issuance, customer, remark="合同编号 HT-2026-001",
                           remark_parts={"route": "深圳市南山区至北京市海淀区"})
    original = issuance.approve(issuance.submit(draft.id, "key-r", customer).id, finance)
    assert "深圳市南山区至北京市海淀区" in original.data.remark
    clock.advance(days=40)
    red = issuance.red_letter(original.id, finance, "4403012600000123", "销售退回")
    note, kept = red.data.remark.split("\n", 1)
    assert original.number in note and "销售退回" in note
    assert kept == original.data.remark


@pytest.mark.parametrize(
    ("form_no", "reason", "code"),
    [(no, "销售退回", "red_form_no_invalid") for no in ("", "1234567", "4403ABC0123", "1" * 25)]
    + [("4403012600000123", " ", "reason_required")],
)
def test_a_red_letter_invoice_needs_a_valid_red_form_number_and_a_reason(
    issuance: Issuance, customer: Actor, finance: Actor, form_no: str, reason: str, code: str
) -> None:
    original = issued(issuance, customer, finance)
    with pytest.raises(ValidationFailed) as caught:
        issuance.red_letter(original.id, finance, form_no, reason)
    assert [i.code for i in caught.value.issues] == [code]
    assert status_of(issuance, original.id) == Status.ISSUED
    assert len(issuance.repo.list_invoices()) == 1


def test_a_reissue_links_to_the_cancelled_invoice(
    issuance: Issuance, customer: Actor, finance: Actor
) -> None:
    voided = issuance.void(issued(issuance, customer, finance).id, finance, "抬头错误")
    draft = issuance.reissue_draft(voided.id, customer)
    assert draft.owner == customer.user and draft.submitted_as is None
    assert (draft.buyer_name, draft.lines) == (voided.data.buyer.name, voided.data.lines)
    again = issuance.submit(draft.id, "key-2", customer)
    assert again.id != voided.id
    assert again.reissue_of == voided.id
    assert "_reissue_of" not in again.data.remark_parts
    assert issuance.find(voided.id, customer).replaced_by == again.id
    with pytest.raises(InvalidTransition):  # replaced once, never twice
        issuance.reissue_draft(voided.id, customer)
    with pytest.raises(InvalidTransition):  # only a cancelled invoice is reissued
        issuance.reissue_draft(issued(issuance, customer, finance, "key-3").id, customer)


def test_a_reissue_prints_the_remark_parts_once(
    issuance: Issuance, customer: Actor, finance: Actor
) -> None:
    parts = {"project_name": "坂田基地改造", "project_place": "深圳市龙岗区"}
    line = make_line("施工费", "建筑服务", "1", "1090", "9%")
    first = issuance.submit(
        complete_draft(issuance, customer, lines=[line], remark_parts=parts).id, "key-1", customer
    )
    rejected = issuance.reject(first.id, finance, "金额有误")
    again = issuance.submit(issuance.reissue_draft(rejected.id, customer).id, "key-2", customer)
    assert again.data.remark == first.data.remark


# -- visibility -------------------------------------------------------------------------------
def test_a_customer_cannot_see_another_customers_invoice(
    issuance: Issuance, customer: Actor, other_customer: Actor, finance: Actor
) -> None:
    mine = issued(issuance, customer, finance, "k1")
    theirs = submitted(issuance, other_customer, "k2")
    with pytest.raises(NotFound):
        issuance.find(theirs.id, customer)
    with pytest.raises(NotFound):
        issuance.find(mine.number or "", other_customer)
    with pytest.raises(NotFound):
        issuance.history(theirs.id, customer)
    assert [i.id for i in issuance.pending_queue(finance)] == [theirs.id]
    with pytest.raises(PermissionDenied):
        issuance.pending_queue(customer)
    assert [i.id for i in issuance.visible(customer)] == [mine.id]
    assert [i.id for i in issuance.visible(other_customer)] == [theirs.id]
    assert {i.id for i in issuance.visible(finance)} == {mine.id, theirs.id}
    assert issuance.find(mine.number or "", customer) == mine
    assert issuance.find(theirs.id.lower(), finance) == theirs


# -- idempotency ------------------------------------------------------------------------------
def test_a_double_submit_with_the_same_key_returns_one_invoice(
    issuance: Issuance, customer: Actor
) -> None:
    draft = complete_draft(issuance, customer)
    first = issuance.submit(draft.id, "tg:42:confirm:1", customer)
    second = issuance.submit(draft.id, "tg:42:confirm:1", customer)
    assert second.id == first.id
    assert len(issuance.repo.list_invoices()) == 1
    assert [e.action for e in issuance.history(first.id, customer)] == ["submit"]


def test_resubmitting_a_submitted_draft_with_a_new_key_returns_the_same_invoice(
    issuance: Issuance, customer: Actor
) -> None:
    draft = complete_draft(issuance, customer)
    first = issuance.submit(draft.id, "key-1", customer)
    assert issuance.submit(draft.id, "key-2", customer).id == first.id
    assert len(issuance.repo.list_invoices()) == 1


def test_another_person_cannot_reuse_a_request_key(
    issuance: Issuance, customer: Actor, other_customer: Actor
) -> None:
    submitted(issuance, customer, "key-1")
    with pytest.raises(PermissionDenied):
        issuance.submit(complete_draft(issuance, other_customer).id, "key-1", other_customer)


@pytest.mark.parametrize("connections", ["shared", "one_per_thread"])
def test_a_double_submit_from_two_threads_at_once_returns_one_invoice(
    db_path: Path,
    repo: SqliteRepository,
    settings: Settings,
    clock: SettableClock,
    employee: Actor,
    connections: str,
) -> None:
    draft = complete_draft(Issuance(repo, settings, clock), employee)
    repos = (
        [repo, repo] if connections == "shared" else [open_repository(db_path) for _ in range(2)]
    )
    barrier = threading.Barrier(2)

    def tap(r: SqliteRepository) -> Invoice:
        barrier.wait()
        return Issuance(r, settings, clock).submit(draft.id, "double-tap", employee)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(tap, repos, timeout=60))
    assert len({i.id for i in results}) == 1 and len(results) == 2
    assert len({i.number for i in results}) == 1
    assert len(repo.list_invoices()) == 1
    assert repo.next_sequence(f"{settings.seller.tax_id}:26111") == 2  # one number was used


# -- audit ------------------------------------------------------------------------------------
def test_every_state_change_writes_an_audit_row(
    issuance: Issuance, customer: Actor, finance: Actor, clock: SettableClock
) -> None:
    start = clock()
    invoice = submitted(issuance, customer)
    clock.advance(minutes=5)
    issuance.approve(invoice.id, finance)
    clock.advance(minutes=5)
    issuance.void(invoice.id, finance, "重复开具")
    rows = issuance.history(invoice.id, finance)
    assert [(r.action, r.actor, r.platform, r.at) for r in rows] == [
        ("submit", customer.user, "telegram", start),
        ("issue", finance.user, "slack", start + timedelta(minutes=5)),
        ("void", finance.user, "slack", start + timedelta(minutes=10)),
    ]
    assert rows[0].changes == {"status": "pending_review"}
    assert rows[1].changes["status"] == ["pending_review", "issued"]
    assert rows[1].changes["number"] == issuance.find(invoice.id, finance).number
    assert rows[2].changes["status"] == ["issued", "voided"]
    assert all(r.at.tzinfo is not None for r in rows)


def test_reject_and_red_letter_are_audited_with_what_changed(
    issuance: Issuance, customer: Actor, finance: Actor
) -> None:
    rejected = issuance.reject(submitted(issuance, customer, "k1").id, finance, "税号有误")
    assert issuance.history(rejected.id, finance)[-1].changes == {
        "status": ["pending_review", "rejected"],
        "reject_reason": "税号有误",
    }
    original = issued(issuance, customer, finance, "k2")
    red = issuance.red_letter(original.id, finance, "4403012600000123", "销售退回")
    assert issuance.history(original.id, finance)[-1].action == "red_letter"
    assert issuance.history(original.id, finance)[-1].changes["status"] == ["issued", "red_flushed"]
    assert issuance.history(red.id, finance)[0].changes == {
        "original": original.id,
        "number": red.number,
    }


def test_drafts_are_audited_when_created_and_discarded(issuance: Issuance, customer: Actor) -> None:
    draft = complete_draft(issuance, customer, invoice_type=InvoiceType.ORDINARY)
    issuance.discard_draft(draft.id, customer)
    assert [e.action for e in issuance.repo.audit_of("draft", draft.id)] == ["create", "discard"]
    assert issuance.repo.get_draft(draft.id) is None


def test_an_overlong_rejection_reason_is_refused_not_cut(
    issuance: Issuance, customer: Actor, finance: Actor
) -> None:
    invoice = submitted(issuance, customer)
    with pytest.raises(ValidationFailed) as refused:
        issuance.reject(invoice.id, finance, "税号不对" * 200)
    assert [i.code for i in refused.value.issues] == ["input_too_long"]
    assert status_of(issuance, invoice.id) == Status.PENDING_REVIEW
    reason = "税" * 500
    assert issuance.reject(invoice.id, finance, reason).reject_reason == reason
