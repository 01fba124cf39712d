"""Money: rates, typed figures, lines that tie to the cent, and upper-case totals."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import (
    TAX_RATES,
    cents,
    parse_decimal,
    parse_rate,
    parse_rmb_upper,
    read_decimal,
    rmb_upper,
    split_line,
)

REFERENCE = Path(__file__).parents[2].parent / "shared" / "reference"
D = Decimal


def official_examples() -> list[dict[str, str]]:
    path = REFERENCE / "official_examples.csv"
    if not path.exists():
        pytest.skip(f"reference examples not found at {path} (shared/ must sit beside the repo)")
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- rates -------------------------------------------------------------------------------


def test_the_rates_are_those_a_vat_invoice_allows() -> None:
    assert list(TAX_RATES) == ["13%", "9%", "6%", "5%", "3%", "1%", "0%", "exempt"]
    assert TAX_RATES["exempt"] == TAX_RATES["0%"] == 0
    assert all(isinstance(rate, Decimal) for rate in TAX_RATES.values())


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("6%", "6%"),
        ("6", "6%"),
        ("0.06", "6%"),
        ("６％", "6%"),
        (" 13 % ", "13%"),
        ("0.13", "13%"),
        ("9.0%", "9%"),
        ("1", "1%"),
        ("0", "0%"),
        ("零税率", "0%"),
        ("免税", "exempt"),
        ("exempt", "exempt"),
        ("Tax-Free", "exempt"),
    ],
)
def test_a_rate_is_read_the_ways_people_type_it(typed: str, key: str) -> None:
    assert parse_rate(typed) == key


@pytest.mark.parametrize("typed", ["7%", "17%", "0.5", "100%", "six", "", "6%%", "-6%"])
def test_a_rate_that_is_not_allowed_is_refused(typed: str) -> None:
    assert parse_rate(typed) is None


# --- figures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("0.005", "0.01"), ("0.015", "0.02"), ("2.675", "2.68"), ("-0.005", "-0.01"), ("1", "1.00")],
)
def test_cents_round_half_up(value: str, rounded: str) -> None:
    assert str(cents(D(value))) == rounded


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("10,600", "10600"),
        ("￥10600.00", "10600.00"),
        ("¥1,000", "1000"),
        ("１０６００", "10600"),
        (" 3 ", "3"),
        ("1,234,567.89", "1234567.89"),
        ("100元", "100"),
        ("RMB 99.5", "99.5"),
        ("-50", "-50"),
        ("10.500", "10.50"),
        ("999999999999.99", "999999999999.99"),
    ],
)
def test_a_figure_is_read_the_ways_people_type_it(typed: str, value: str) -> None:
    assert parse_decimal(typed) == D(value)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("NaN", "format"),
        ("Infinity", "format"),
        ("-inf", "format"),
        ("1e3", "format"),
        ("1E+12", "format"),
        ("0x10", "format"),
        ("10,60", "format"),
        ("1,0000", "format"),
        ("12.3.4", "format"),
        ("abc", "format"),
        ("", "format"),
        ("1" * 100, "format"),
        ("10.123", "places"),
        ("1000000000000", "size"),
        ("-1000000000000", "size"),
    ],
)
def test_a_figure_that_is_not_money_is_refused_with_the_reason(typed: str, problem: str) -> None:
    assert parse_decimal(typed) is None
    assert read_decimal(typed) == (None, problem)


def test_more_decimals_are_allowed_where_the_caller_asks_for_them() -> None:
    assert read_decimal("1.12345678", max_places=8) == (D("1.12345678"), None)
    assert read_decimal("1.123456789", max_places=8) == (None, "places")


# --- lines -------------------------------------------------------------------------------


def test_a_price_with_tax_is_split_so_that_the_line_ties() -> None:
    assert split_line(D(1), D("10600"), "6%", includes_tax=True) == (D("10000.00"), D("600.00"))
    assert split_line(D(3), D("33.33"), "13%", includes_tax=True) == (D("88.49"), D("11.50"))


def test_a_price_without_tax_gets_its_tax_added() -> None:
    assert split_line(D(3), D("33.33"), "13%", includes_tax=False) == (D("99.99"), D("13.00"))
    assert split_line(D("2.5"), D("10"), "9%", includes_tax=False) == (D("25.00"), D("2.25"))


def test_an_exempt_line_has_no_tax() -> None:
    assert split_line(D(2), D("50"), "exempt", includes_tax=True) == (D("100.00"), D("0.00"))


def test_a_discount_line_splits_like_any_other_but_negative() -> None:
    assert split_line(D(1), D("-106"), "6%", includes_tax=True) == (D("-100.00"), D("-6.00"))


quantities = st.decimals(min_value=D("0.001"), max_value=D("100000"), places=3)
prices = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)
rate_keys = st.sampled_from(list(TAX_RATES))


@given(quantity=quantities, price=prices, rate=rate_keys)
def test_every_line_with_tax_included_ties_to_the_cent(
    quantity: Decimal, price: Decimal, rate: str
) -> None:
    amount, tax = split_line(quantity, price, rate, includes_tax=True)
    assert amount + tax == cents(quantity * price)
    assert amount == cents(amount) and tax == cents(tax)
    assert abs(tax - amount * TAX_RATES[rate]) <= D("0.01")


@given(quantity=quantities, price=prices, rate=rate_keys)
def test_every_line_without_tax_has_the_tax_of_its_amount(
    quantity: Decimal, price: Decimal, rate: str
) -> None:
    amount, tax = split_line(quantity, price, rate, includes_tax=False)
    assert amount == cents(quantity * price)
    assert tax == cents(amount * TAX_RATES[rate])


# --- upper-case amounts ------------------------------------------------------------------


def as_printed_by_us(accepted: str) -> str:
    """A PBOC example as we print it: no 人民币 prefix, 圆 for 元, 整 after a last 角."""
    text = accepted.removeprefix("人民币").replace("元", "圆")
    return text + "整" if text.endswith("角") else text


def test_every_official_example_is_printed_as_one_of_its_accepted_variants() -> None:
    rows = official_examples()
    accepted: dict[str, set[str]] = {}
    for row in rows:
        accepted.setdefault(row["amount"], set()).add(as_printed_by_us(row["accepted_uppercase"]))
    for amount, variants in accepted.items():
        assert rmb_upper(D(amount)) in variants, amount


def test_where_the_rules_allow_either_we_write_zero_after_the_yuan() -> None:
    # PBOC rule 三.3 allows 零 or none; variant A (零 after 圆) is the harder to tamper with.
    assert rmb_upper(D("1680.32")) == "壹仟陆佰捌拾圆零叁角贰分"
    assert rmb_upper(D("107000.53")) == "壹拾万柒仟圆零伍角叁分"


def test_every_official_example_reads_back_to_its_amount() -> None:
    for row in official_examples():
        assert parse_rmb_upper(row["accepted_uppercase"]) == D(row["amount"]), row


@pytest.mark.parametrize(
    ("amount", "upper"),
    [
        ("1250", "壹仟贰佰伍拾圆整"),
        ("1250.50", "壹仟贰佰伍拾圆零伍角整"),
        ("1409.50", "壹仟肆佰零玖圆伍角整"),
        ("10.05", "壹拾圆零伍分"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("0", "零圆整"),
        ("100001000", "壹亿零壹仟圆整"),
        ("1000010", "壹佰万零壹拾圆整"),
        ("-1250.5", "负壹仟贰佰伍拾圆零伍角整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖圆玖角玖分"),
    ],
)
def test_the_upper_case_total_is_written_as_on_a_vat_invoice(amount: str, upper: str) -> None:
    assert rmb_upper(D(amount)) == upper


def test_an_amount_of_a_trillion_or_more_cannot_be_written() -> None:
    with pytest.raises(ValueError):
        rmb_upper(D("1000000000000"))


@pytest.mark.parametrize("text", ["", "abc", "壹壹圆整", "拾佰圆整", "圆整", "壹圆伍分角"])
def test_text_that_is_not_an_upper_case_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rmb_upper(text)


def test_the_printed_forms_with_prefixes_are_read_back() -> None:
    assert parse_rmb_upper("⊗人民币壹仟贰佰伍拾元正") == D("1250.00")
    assert parse_rmb_upper("负伍角") == D("-0.50")


@given(cent_count=st.integers(min_value=1, max_value=10**14 - 1), negative=st.booleans())
def test_every_amount_round_trips_through_its_upper_case_form(
    cent_count: int, negative: bool
) -> None:
    amount = D(-cent_count if negative else cent_count).scaleb(-2)
    text = rmb_upper(amount)
    assert "元" not in text and text.startswith("负") == negative
    assert parse_rmb_upper(text) == amount
