"""Invoice-level rules: what must hold for a whole request (field rules live in core.rules)."""

from __future__ import annotations

import re
from decimal import Decimal

from core import rules
from core.catalog import REMARK_PARTS, classify
from core.errors import Issue, ValidationFailed
from core.models import Buyer, BuyerKind, Delivery, Draft, InvoiceData, InvoiceType, Line
from core.settings import Settings

TIE_TOLERANCE = Decimal("0.01")  # §5.2: invoice total vs the sum of its lines
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$")

REQUIRED_ALWAYS = ("invoice_type", "buyer_kind", "buyer_name")
REQUIRED_SPECIAL = ("buyer_tax_id", "buyer_address_phone", "buyer_bank_account")


def missing_fields(draft: Draft) -> list[Issue]:
    """The required fields of this draft that are still empty."""
    required = list(REQUIRED_ALWAYS)
    if draft.invoice_type == InvoiceType.SPECIAL:
        required += REQUIRED_SPECIAL
    elif draft.buyer_kind == BuyerKind.ORGANISATION:
        required.append("buyer_tax_id")
    issues = [Issue(field=f, code="field_required", params={"field": f})
              for f in required if not getattr(draft, f)]
    if not draft.lines:
        issues.append(Issue(field="items", code="lines_required"))
    return issues


def is_email(text: str) -> bool:
    """An address the invoice can be mailed to: local@domain.tld, at most 254 characters."""
    return len(text) <= 254 and EMAIL.match(text) is not None


def build_invoice_data(draft: Draft) -> InvoiceData:
    """The invoice content of a complete draft, or ValidationFailed naming what is missing."""
    missing = missing_fields(draft)
    if missing:
        raise ValidationFailed(missing)
    assert draft.invoice_type and draft.buyer_kind and draft.buyer_name
    return InvoiceData(
        invoice_type=draft.invoice_type,
        buyer=Buyer(kind=draft.buyer_kind, name=draft.buyer_name,
                    tax_id=draft.buyer_tax_id or "",
                    address_phone=draft.buyer_address_phone or "",
                    bank_account=draft.buyer_bank_account or ""),
        lines=draft.lines, prices_include_tax=bool(draft.prices_include_tax),
        remark=compose_remark(draft.remark or "", draft.remark_parts),
        remark_note=draft.remark or "",
        remark_parts={k: v for k, v in draft.remark_parts.items() if not k.startswith("_")},
        delivery=draft.delivery or Delivery(),
    )


def compose_remark(free_text: str, parts: dict[str, str]) -> str:
    """The remark as printed: the required business parts first, then free text."""
    labels = {key: zh for kind in REMARK_PARTS.values() for key, zh, _en in kind}
    printed = [f"{labels[key]}：{value}" for key, value in parts.items()
               if key in labels and value]
    return "；".join([*printed, *([free_text] if free_text else [])])


def required_remark_parts(lines: list[Line]) -> list[tuple[str, str, str]]:
    """The remark parts the lines' businesses need (construction, transport, ...)."""
    needed: list[tuple[str, str, str]] = []
    for line in lines:
        category = classify(line.category or line.name)
        if category and category.remark_kind:
            for part in REMARK_PARTS[category.remark_kind]:
                if part not in needed:
                    needed.append(part)
    return needed


def validate_invoice_data(data: InvoiceData, settings: Settings) -> list[Issue]:
    """Every invoice-level rule of invoice-rules.md; errors block, warnings inform."""
    issues = _type_rules(data)
    issues += _line_rules(data.lines)
    issues += _total_rules(data, settings)
    issues += [
        Issue(field="remark", code="remark_part_missing", params={"part": zh, "part_en": en})
        for key, zh, en in required_remark_parts(data.lines)
        if not data.remark_parts.get(key)
    ]
    issues += rules.check_printed_remark(data.remark)  # a batch row, a reissue: not only chat
    if data.delivery.method == "paper" and not data.delivery.mail_address:
        issues.append(Issue(field="delivery", code="delivery_address_required"))
    if data.delivery.method == "email" and not data.delivery.email:
        issues.append(Issue(field="delivery", code="delivery_email_required"))
    elif data.delivery.method == "email" and not is_email(data.delivery.email):
        issues.append(Issue(field="delivery", code="delivery_email_invalid",
                            params={"email": data.delivery.email[:80]}))
    return issues


def _type_rules(data: InvoiceData) -> list[Issue]:
    issues: list[Issue] = []
    if data.invoice_type != InvoiceType.SPECIAL:
        return issues
    if data.buyer.kind == BuyerKind.PERSON:
        issues.append(Issue(field="buyer_kind", code="special_needs_organisation"))
    for field in ("tax_id", "address_phone", "bank_account"):
        if not getattr(data.buyer, field):
            issues.append(Issue(field=f"buyer_{field}", code="special_field_required",
                                params={"field": f"buyer_{field}"}))
    if any(line.tax_rate == "exempt" for line in data.lines):
        issues.append(Issue(field="items", code="special_no_exempt"))
    return issues


def _line_rules(lines: list[Line]) -> list[Issue]:
    issues: list[Issue] = []
    if not lines:
        return [Issue(field="items", code="lines_required")]
    for index, line in enumerate(lines):
        if not line.discount:
            continue
        target = lines[index - 1] if index else None
        issues += discount_issues(line, target, index + 1)
    return issues


def discount_issues(discount: Line, target: Line | None, position: int) -> list[Issue]:
    """A discount follows the line it discounts, at the same rate, and never exceeds it (§6.2)."""
    params = {"line": str(position)}
    if target is None or target.discount:
        return [Issue(field="items", code="discount_without_line", params=params)]
    issues = []
    if discount.tax_rate != target.tax_rate:
        issues.append(Issue(field="items", code="discount_rate_mismatch", params=params))
    if discount.amount >= 0 or -discount.gross > target.gross:
        issues.append(Issue(field="items", code="discount_too_large",
                            params={**params, "max": f"{target.gross:.2f}"}))
    return issues


def _total_rules(data: InvoiceData, settings: Settings) -> list[Issue]:
    issues: list[Issue] = []
    limit = settings.issuance.invoice_limit
    if data.total_amount > limit:
        issues.append(Issue(field="items", code="amount_over_limit",
                            params={"limit": f"{limit:.2f}", "amount": f"{data.total_amount:.2f}"}))
    if data.total <= 0:
        issues.append(Issue(field="items", code="total_not_positive"))
    gross = sum((line.gross for line in data.lines), Decimal("0.00"))
    if abs(gross - data.total) > TIE_TOLERANCE:
        issues.append(Issue(field="items", code="totals_do_not_tie"))
    return issues
