"""One invoice line from its parts as typed in chat or read from a batch row: each part checked
by the field rules, the tax category settled, the amount split from the tax.

Parts are text keyed by LINE_PARTS; spec and unit are optional. Chat and batch build lines here,
so a line is accepted on the same terms whichever way it comes in.
"""

from __future__ import annotations

from collections.abc import Mapping

from core import rules
from core.catalog import Category, category_named, classify
from core.errors import Issue
from core.models import Line
from core.money import TAX_RATES, parse_rate, read_decimal, split_line

LINE_PARTS = ("name", "spec", "unit", "quantity", "unit_price", "tax_rate")


def category_for(raw_name: str, chosen: str | None = None) -> Category | None:
    """The line's category: the one chosen, else the `*category*` typed before the name, else
    the guess from the name; None when nothing settles it (then the person is asked)."""
    if chosen:
        return category_named(chosen)
    return classify(raw_name)


def part_issues(part: str, value: str, *, category: str | None = None) -> list[Issue]:
    """The problems of one part (`name` is checked with its category's printed prefix)."""
    if part == "name":
        return rules.check_item_name(value, category=category)[1]
    if part == "spec":
        return rules.check_spec(value)[1]
    if part == "unit":
        return rules.check_unit(value)[1]
    if part == "tax_rate":
        if parse_rate(value) is None:
            return [Issue(field="tax_rate", code="rate_invalid", params={"value": value[:20]})]
        return []
    checker = rules.check_quantity if part == "quantity" else rules.check_unit_price
    return checker(value)[1]


def line_issues(parts: Mapping[str, str], *, category: str | None = None) -> list[Issue]:
    """Every problem of the parts given (a missing required part is not reported here)."""
    return [issue for part in LINE_PARTS if part in parts
            for issue in part_issues(part, parts[part], category=category)]


def build_line(parts: Mapping[str, str], *, includes_tax: bool, category: Category) -> Line:
    """A line from parts that passed `line_issues`, amounts separated from tax as printed."""
    name, _ = rules.check_item_name(parts["name"], category=category.name)
    spec, _ = rules.check_spec(parts.get("spec", ""))
    unit, _ = rules.check_unit(parts.get("unit", ""))
    quantity = read_decimal(parts["quantity"], max_places=rules.NUMBER_MAX_PLACES)[0]
    price = read_decimal(parts["unit_price"], max_places=rules.NUMBER_MAX_PLACES)[0]
    rate = parse_rate(parts["tax_rate"])
    assert quantity is not None and price is not None and rate in TAX_RATES
    amount, tax = split_line(quantity, price, rate, includes_tax=includes_tax)
    return Line(name=name, category=category.name, spec=spec, unit=unit, quantity=quantity,
                unit_price=price, tax_rate=rate, amount=amount, tax=tax)
