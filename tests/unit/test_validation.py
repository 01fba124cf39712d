"""Invoice-level rules (core/validation.py): type, discounts, limit, remarks, totals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from core.catalog import REMARK_PARTS, classify
from core.errors import ValidationFailed
from core.models import (
    Buyer,
    BuyerKind,
    Delivery,
    Draft,
    InvoiceData,
    InvoiceType,
    Line,
)
from core.money import TAX_RATES, cents, split_line
from core.settings import IssuanceSettings, Settings
from core.validation import (
    build_invoice_data,
    compose_remark,
    missing_fields,
    required_remark_parts,
    validate_invoice_data,
)
from tests.conftest import BUYER, DEFAULT_NOW, make_line

HUAWEI = Buyer(
    kind=BuyerKind.ORGANISATION,
    name=BUYER["buyer_name"],
    tax_id=BUYER["buyer_tax_id"],
    address_phone=BUYER["buyer_address_phone"],
    bank_account=BUYER["buyer_bank_account"],
)
PERSON = Buyer(kind=BuyerKind.PERSON, name="张三")


def data(
    *lines: Line,
    invoice_type: InvoiceType = InvoiceType.SPECIAL,
    buyer: Buyer = HUAWEI,
    **fields: object,
) -> InvoiceData:
    return InvoiceData(
        invoice_type=invoice_type,
        buyer=buyer,
        lines=list(lines) or [make_line()],
        prices_include_tax=True,
        **fields,
    )


def discount(gross: str, rate: str = "6%") -> Line:
    """A discount line of `gross` (tax included), split like any other line."""
    amount, tax = split_line(Decimal(1), Decimal(gross), rate, includes_tax=True)
    return Line(name="折扣", tax_rate=rate, amount=-amount, tax=-tax, discount=True)


def codes(invoice: InvoiceData, settings: Settings | None = None) -> list[str]:
    return [issue.code for issue in validate_invoice_data(invoice, settings or Settings())]


def error_codes(invoice: InvoiceData, settings: Settings | None = None) -> list[str]:
    issues = validate_invoice_data(invoice, settings or Settings())
    return [issue.code for issue in issues if issue.is_error]


def test_the_reference_special_invoice_has_no_errors() -> None:
    assert error_codes(data()) == []


# -- invoice type ---------------------------------------------------------------------------
def test_special_invoice_refuses_a_person_as_buyer() -> None:
    assert "special_needs_organisation" in error_codes(data(buyer=PERSON))


def test_ordinary_invoice_accepts_a_person_without_tax_id() -> None:
    assert error_codes(data(invoice_type=InvoiceType.ORDINARY, buyer=PERSON)) == []


def test_special_invoice_refuses_a_tax_exempt_line() -> None:
    exempt = make_line("蔬菜", "蔬菜", "1", "100", "exempt")
    assert "special_no_exempt" in error_codes(data(make_line(), exempt))


def test_ordinary_invoice_accepts_a_tax_exempt_line() -> None:
    exempt = make_line("蔬菜", "蔬菜", "1", "100", "exempt")
    assert error_codes(data(exempt, invoice_type=InvoiceType.ORDINARY)) == []


@pytest.mark.parametrize("field", ["tax_id", "address_phone", "bank_account"])
def test_special_invoice_needs_every_buyer_field(field: str) -> None:
    buyer = HUAWEI.model_copy(update={field: ""})
    issues = validate_invoice_data(data(buyer=buyer), Settings())
    assert [(i.code, i.field) for i in issues if i.is_error] == [
        ("special_field_required", f"buyer_{field}")
    ]


# -- discounts (§6.2) -----------------------------------------------------------------------
def test_a_discount_right_after_its_line_at_the_same_rate_is_accepted() -> None:
    assert error_codes(data(make_line(), discount("1060"))) == []


def test_a_discount_as_large_as_its_line_is_accepted_when_the_invoice_stays_positive() -> None:
    assert error_codes(data(make_line(), make_line(), discount("10600"))) == []


def test_a_discount_on_the_first_line_has_no_line_to_discount() -> None:
    assert "discount_without_line" in error_codes(data(discount("100"), make_line()))


def test_a_discount_after_another_discount_has_no_line_to_discount() -> None:
    invoice = data(make_line(), discount("100"), discount("100"))
    issues = validate_invoice_data(invoice, Settings())
    assert [(i.code, i.params["line"]) for i in issues if i.is_error] == [
        ("discount_without_line", "3")
    ]


def test_a_discount_at_another_rate_than_its_line_is_refused() -> None:
    assert error_codes(data(make_line(), discount("100", "13%"))) == ["discount_rate_mismatch"]


def test_a_discount_larger_than_its_line_is_refused_naming_the_maximum() -> None:
    invoice = data(make_line(), make_line(), discount("10600.01"))
    issues = [i for i in validate_invoice_data(invoice, Settings()) if i.is_error]
    assert [(i.code, i.params) for i in issues] == [
        ("discount_too_large", {"line": "3", "max": "10600.00"})
    ]


def test_a_discount_only_counts_against_the_line_right_before_it() -> None:
    small = make_line("鼠标", None, "1", "100")
    invoice = data(make_line(), small, discount("200"))
    assert error_codes(invoice) == ["discount_too_large"]


def test_a_positive_discount_is_refused() -> None:
    positive = discount("100").model_copy(
        update={"amount": Decimal("94.34"), "tax": Decimal("5.66")}
    )
    assert "discount_too_large" in error_codes(data(make_line(), positive))


# -- limit and totals -----------------------------------------------------------------------
def limit(value: str) -> Settings:
    return Settings(issuance=IssuanceSettings(invoice_limit=Decimal(value)))


def test_an_amount_at_the_limit_is_accepted() -> None:
    assert error_codes(data(), limit("10000.00")) == []  # 10 600 with 6% = 10 000 + 600


def test_an_amount_over_the_limit_is_refused_as_amount_over_limit() -> None:
    issues = validate_invoice_data(data(), limit("9999.99"))
    over = [i for i in issues if i.code == "amount_over_limit"]
    assert len(over) == 1 and over[0].is_error
    assert over[0].params == {"limit": "9999.99", "amount": "10000.00"}
    assert over[0].message("zh").startswith("金额超限")


def test_the_limit_applies_to_the_sum_of_lines_without_tax() -> None:
    two = data(make_line(unit_price="5300"), make_line(unit_price="5300"))
    assert error_codes(two, limit("10000")) == []
    assert error_codes(two, limit("9999.99")) == ["amount_over_limit"]


def test_an_invoice_whose_total_is_not_positive_is_refused() -> None:
    assert "total_not_positive" in error_codes(data(make_line(), discount("10600")))


def test_the_totals_tie_to_the_sum_of_the_lines() -> None:
    invoice = data(make_line(), make_line("鼠标", None, "3", "33.33", "13%"), discount("99.99"))
    assert invoice.total_amount == sum(line.amount for line in invoice.lines)
    assert invoice.total_tax == sum(line.tax for line in invoice.lines)
    assert invoice.total == invoice.total_amount + invoice.total_tax
    assert "totals_do_not_tie" not in codes(invoice)


def test_the_reference_line_splits_into_10000_and_600() -> None:
    line = make_line()
    assert (line.amount, line.tax, line.gross) == (
        Decimal("10000.00"),
        Decimal("600.00"),
        Decimal("10600.00"),
    )


# -- remarks --------------------------------------------------------------------------------
def parts_of(category: str) -> list[tuple[str, str, str]]:
    found = classify(category)
    assert found is not None and found.remark_kind, category
    return list(REMARK_PARTS[found.remark_kind])


@pytest.mark.parametrize("category", ["建筑服务", "运输服务"])
def test_construction_and_transport_lines_need_their_remark_parts(category: str) -> None:
    line = make_line("服务费", category, "1", "1090", "9%")
    needed = parts_of(category)
    issues = validate_invoice_data(data(line), Settings())
    missing = [i.params["part"] for i in issues if i.code == "remark_part_missing"]
    assert missing == [zh for _key, zh, _en in needed]
    assert all(i.is_error for i in issues if i.code == "remark_part_missing")


@pytest.mark.parametrize("category", ["建筑服务", "运输服务"])
def test_remark_parts_given_in_full_satisfy_the_rule(category: str) -> None:
    line = make_line("服务费", category, "1", "1090", "9%")
    filled = {key: f"{zh}内容" for key, zh, _en in parts_of(category)}
    assert "remark_part_missing" not in codes(data(line, remark_parts=filled))


def test_a_lease_of_real_estate_needs_the_property_address() -> None:
    line = make_line("办公室", "经营租赁", "1", "1090", "9%")
    assert [key for key, _zh, _en in required_remark_parts([line])] == ["property_address"]


def test_a_line_of_ordinary_business_needs_no_remark_parts() -> None:
    assert required_remark_parts([make_line()]) == []


def test_each_remark_part_is_asked_once_for_several_lines_of_one_business() -> None:
    line = make_line("服务费", "建筑服务", "1", "1090", "9%")
    assert required_remark_parts([line, line]) == parts_of("建筑服务")


def test_the_printed_remark_puts_business_parts_before_free_text() -> None:
    (key, zh, _en), *_rest = parts_of("建筑服务")
    assert compose_remark("请尽快开具", {key: "某某项目", "_reissue_of": "R-1"}) == (
        f"{zh}：某某项目；请尽快开具"
    )


# -- delivery --------------------------------------------------------------------------------
def test_a_paper_invoice_needs_a_mailing_address() -> None:
    assert "delivery_address_required" in error_codes(data(delivery=Delivery(method="paper")))


def test_an_emailed_invoice_needs_an_address_and_a_wrong_one_is_called_invalid() -> None:
    invoice = data(delivery=Delivery(method="email", email="finance.example.com"))
    assert error_codes(invoice) == ["delivery_email_invalid"]
    assert error_codes(data(delivery=Delivery(method="email"))) == ["delivery_email_required"]


# -- drafts ----------------------------------------------------------------------------------
def draft(**fields: object) -> Draft:
    return Draft(
        id="D-1",
        owner="tg:42",
        created_at=DEFAULT_NOW,
        updated_at=DEFAULT_NOW,
        expires_at=DEFAULT_NOW + timedelta(days=30),
        **fields,
    )


def test_a_special_draft_lists_every_missing_buyer_field() -> None:
    issues = missing_fields(
        draft(
            invoice_type=InvoiceType.SPECIAL,
            buyer_kind="organisation",
            buyer_name="华为技术有限公司",
        )
    )
    assert [i.field for i in issues] == [
        "buyer_tax_id",
        "buyer_address_phone",
        "buyer_bank_account",
        "items",
    ]


def test_an_ordinary_draft_for_a_person_needs_no_tax_id() -> None:
    assert (
        missing_fields(
            draft(
                invoice_type=InvoiceType.ORDINARY,
                buyer_kind="person",
                buyer_name="张三",
                lines=[make_line()],
            )
        )
        == []
    )


def test_an_incomplete_draft_cannot_be_built_into_an_invoice() -> None:
    with pytest.raises(ValidationFailed) as caught:
        build_invoice_data(draft(invoice_type=InvoiceType.ORDINARY))
    assert {i.field for i in caught.value.issues} == {"buyer_kind", "buyer_name", "items"}


# -- properties ------------------------------------------------------------------------------
RATES = sorted(TAX_RATES)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3)
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)


@st.composite
def lines(draw: st.DrawFn, includes_tax: bool | None = None) -> Line:
    with_tax = draw(st.booleans()) if includes_tax is None else includes_tax
    qty, price, rate = draw(quantities), draw(prices), draw(st.sampled_from(RATES))
    amount, tax = split_line(qty, price, rate, includes_tax=with_tax)
    return Line(name="项目", quantity=qty, unit_price=price, tax_rate=rate, amount=amount, tax=tax)


@hyp_settings(max_examples=200, deadline=None)
@given(st.lists(lines(), min_size=1, max_size=30))
def test_totals_equal_the_sum_of_lines_for_any_lines(random_lines: list[Line]) -> None:
    invoice = data(*random_lines, invoice_type=InvoiceType.ORDINARY)
    assert invoice.total_amount == sum((line.amount for line in random_lines), Decimal(0))
    assert invoice.total_tax == sum((line.tax for line in random_lines), Decimal(0))
    assert invoice.total == sum((line.gross for line in random_lines), Decimal(0))
    assert invoice.total == cents(invoice.total)
    assert "totals_do_not_tie" not in codes(invoice, limit("1000000000000"))


@hyp_settings(max_examples=500, deadline=None)
@given(quantities, prices, st.sampled_from(RATES), st.booleans())
def test_every_line_ties_to_the_cent(
    qty: Decimal, price: Decimal, rate: str, includes_tax: bool
) -> None:
    amount, tax = split_line(qty, price, rate, includes_tax=includes_tax)
    assert amount == cents(amount) and tax == cents(tax)
    assert amount.as_tuple().exponent == -2 and tax.as_tuple().exponent == -2
    if includes_tax:
        gross = cents(qty * price)
        assert amount + tax == gross
        assert amount == cents(gross / (1 + TAX_RATES[rate]))
    else:
        assert amount == cents(qty * price)
        assert tax == cents(amount * TAX_RATES[rate])
    assert abs(amount * TAX_RATES[rate] - tax) < Decimal("0.01")  # the tax is the rate's
