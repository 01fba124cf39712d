"""Buyer fields as typed (audit s7): a bank account is never rearranged, and errors about a
record's state name it as people do, in zh and en."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import InvalidTransition, PermissionDenied
from core.lifecycle import check_transition
from core.models import Invoice
from core.rules import check_bank_account


def codes(issues: list) -> list[str]:  # type: ignore[type-arg]
    return [issue.code for issue in issues]


# --- bank and account: the account is the trailing run, checked as typed ------------------------


@pytest.mark.parametrize(("typed", "char"), [
    ("招商银行深圳分行营业部 75591234561080A", "A"),
    ("招商银行深圳分行营业部 755912345610801x", "x"),
    ("招商银行深圳分行营业部 7559 1234 O610 801", "O"),
])
def test_a_letter_in_the_account_is_an_error_naming_it_and_nothing_is_moved(
        typed: str, char: str) -> None:
    value, issues = check_bank_account(typed, required=True)
    assert codes(issues) == ["bank_account_bad_char"]
    assert issues[0].params["char"] == char
    assert f"“{char}”" in issues[0].message("zh") and f"'{char}'" in issues[0].message("en")
    assert value.startswith("招商银行深圳分行营业部 ")
    assert value.split(" ", 1)[1].replace(" ", "") == typed.split(" ", 1)[1].replace(" ", "")


def test_an_account_glued_to_the_bank_name_is_split_where_it_starts() -> None:
    assert check_bank_account("招商银行深圳分行营业部755900000000001", required=True) == (
        "招商银行深圳分行营业部 755900000000001", [])


def test_an_account_typed_before_the_bank_is_not_moved_behind_it() -> None:
    value, issues = check_bank_account("755900000000001 招商银行深圳分行营业部", required=True)
    assert value == "755900000000001 招商银行深圳分行营业部"
    assert codes(issues) == ["bank_account_no_account"]


def test_an_english_bank_name_keeps_its_words_and_the_account_its_digits() -> None:
    typed = "China Merchants Bank Shenzhen Branch 7559-0000-0000-001"
    assert check_bank_account(typed, required=True) == (
        "China Merchants Bank Shenzhen Branch 755900000000001", [])


# --- lifecycle errors as people say them -----------------------------------------------------


def invoice(status: str, kind: str = "blue") -> Invoice:
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    return Invoice.model_validate({
        "id": "R-0123456789", "request_key": "k", "requester": "console:alice",
        "status": status, "kind": kind, "created_at": now, "updated_at": now,
        "data": {"invoice_type": "special",
                 "buyer": {"kind": "organisation", "name": "华为技术有限公司"},
                 "lines": [], "prices_include_tax": True},
    })


@pytest.mark.parametrize(("status", "action", "zh", "en"), [
    ("issued", "approve", "发票 R-0123456789 已经开具，不能审核通过。",
     "Invoice R-0123456789 is already issued, so you cannot approve it."),
    ("red_flushed", "red_letter", "发票 R-0123456789 已红冲，不能红冲。",
     "Invoice R-0123456789 is red-flushed, so you cannot red-letter it."),
    ("rejected", "void", "发票 R-0123456789 已被退回，不能作废。",
     "Invoice R-0123456789 is rejected, so you cannot void it."),
])
def test_an_action_from_the_wrong_status_is_told_with_translated_names(
        status: str, action: str, zh: str, en: str) -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_transition(invoice(status), action)
    assert (caught.value.message("zh"), caught.value.message("en")) == (zh, en)


def test_a_red_letter_invoice_is_named_as_such() -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_transition(invoice("issued", kind="red"), "void")
    assert caught.value.message("zh") == "发票 R-0123456789 是红字发票，不能作废。"


def test_permission_errors_name_the_action_in_words_and_never_an_internal_name() -> None:
    assert PermissionDenied(action="approve").message("zh") == "您没有权限审核通过。"
    assert PermissionDenied(action="approve").message("en") == "You are not allowed to approve it."
    unknown = PermissionDenied(action="frobnicate")  # a name with no words: said neutrally
    assert unknown.message("zh") == "您没有权限执行此操作。"
    assert unknown.message("en") == "You are not allowed to do this."
    shell = PermissionDenied("permission_no_finance_role", user="bob")
    assert "bob" in shell.message("zh") and "财务" in shell.message("zh")
    assert "no finance role" in shell.message("en") and "（" not in shell.message("en")
