"""Rules of an invoice line beyond its name and numbers: spec/model and unit, the rules the lines
break together (tax-exempt on a special invoice, the invoice limit), and building a line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.catalog import find_category
from core.errors import Issue
from core.lines import build_line, category_for, line_issues
from core.models import Line
from core.pdf_layout import printed_line
from core.rules import check_lines_for_invoice, check_spec, check_unit, fields_to_fix

LIMIT = Decimal("1000000.00")


def line(amount: str, rate: str = "6%", discount: bool = False) -> Line:
    value = Decimal(amount)
    return Line(name="咨询服务", category="现代服务", quantity=None if discount else Decimal(1),
                unit_price=None if discount else value, tax_rate=rate, amount=value,
                tax=Decimal("0.00"), discount=discount)


@pytest.mark.parametrize(("raw", "cleaned"), [(" R740 ", "R740"), ("-", ""), ("无", ""),
                                              ("ＤＬ３８０", "DL380"), ("7×24  小时", "7×24 小时")])
def test_a_spec_is_cleaned_and_a_dash_means_none(raw: str, cleaned: str) -> None:
    assert check_spec(raw) == (cleaned, [])


@pytest.mark.parametrize(("raw", "code"), [("长" * 21, "spec_too_long"), ("a*b", "spec_symbol"),
                                           ("a\nb", "spec_line_break"), ("😀", "text_not_gbk")])
def test_a_spec_that_cannot_print_is_refused(raw: str, code: str) -> None:
    assert [i.code for i in check_spec(raw)[1]] == [code]


@pytest.mark.parametrize(("raw", "codes"), [("台", []), ("间夜", []), ("", []),
                                            ("2", ["unit_is_number"]),
                                            ("长" * 11, ["unit_too_long"])])
def test_a_unit_is_a_short_word(raw: str, codes: list[str]) -> None:
    assert [i.code for i in check_unit(raw)[1]] == codes


def test_a_tax_exempt_line_is_refused_on_a_special_invoice_only_naming_its_number() -> None:
    lines = [line("100"), line("50", "exempt")]
    issues = check_lines_for_invoice(lines, special=True, limit=LIMIT)
    assert [(i.code, i.params["line"]) for i in issues] == [("line_exempt_on_special", "2")]
    assert check_lines_for_invoice(lines, special=False, limit=LIMIT) == []


def test_the_lines_may_reach_the_limit_but_not_pass_it() -> None:
    at_limit = [line("999999.99"), line("0.01")]
    assert check_lines_for_invoice(at_limit, special=True, limit=LIMIT) == []
    over = check_lines_for_invoice([*at_limit, line("0.01")], special=True, limit=LIMIT)
    assert [(i.code, i.params) for i in over] == [
        ("amount_over_limit", {"limit": "1000000.00", "amount": "1000000.01"})]


def test_a_discount_counts_against_the_limit() -> None:
    lines = [line("1000000.01"), line("-0.01", discount=True)]
    assert check_lines_for_invoice(lines, special=True, limit=LIMIT) == []


def test_a_tax_exempt_error_on_a_special_invoice_is_fixed_by_the_lines_or_the_type() -> None:
    for code in ("special_no_exempt", "line_exempt_on_special"):
        assert fields_to_fix(Issue(field="items", code=code)) == ("items", "invoice_type")
    assert fields_to_fix(Issue(field="remark", code="remark_too_long")) == ("remark",)


def test_a_line_built_from_its_parts_keeps_spec_unit_and_category_for_the_pdf() -> None:
    parts = {"name": "服务器", "spec": "R740", "unit": "台", "quantity": "2",
             "unit_price": "35000", "tax_rate": "13%"}
    category = category_for(parts["name"])
    assert category is not None and line_issues(parts, category=category.name) == []
    built = build_line(parts, includes_tax=False, category=category)
    assert (built.category, built.spec, built.unit) == ("计算机设备", "R740", "台")
    assert (built.amount, built.tax) == (Decimal("70000.00"), Decimal("9100.00"))
    cells = printed_line(built, includes_tax=False).cells
    assert cells[:3] == ("*计算机设备*服务器", "R740", "台")


def test_a_chosen_category_wins_over_the_guess_and_an_unknown_one_is_none() -> None:
    assert category_for("软件开发服务", "现代服务") == find_category("现代服务")
    assert category_for("软件开发服务", "研发服务") is None
    assert category_for("杂项服务费") is None
