"""Batch requests from an Excel template (§1.4, §8.1): every row goes through the same rules.

A row is one invoice with one line. Each bad row is reported with field, code and message; each
good row is stored and submitted whole, in its own transaction, or not at all.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from openpyxl import Workbook, load_workbook
from pydantic import BaseModel

from core import rules
from core.catalog import classify
from core.errors import Issue, SifError
from core.issuance import Issuance
from core.models import Actor, BuyerKind, Delivery, InvoiceType, Line
from core.money import parse_rate, read_decimal, split_line
from core.taxid import check_buyer_tax_id
from core.validation import build_invoice_data, validate_invoice_data

COLUMNS = (
    ("invoice_type", "发票类型(special/ordinary)"), ("buyer_kind", "购买方类型(organisation/person)"),
    ("buyer_name", "购买方名称"), ("buyer_tax_id", "纳税人识别号"),
    ("buyer_address_phone", "地址电话"), ("buyer_bank_account", "开户行及账号"),
    ("item_name", "项目名称"), ("quantity", "数量"), ("unit_price", "单价"),
    ("tax_rate", "税率"), ("prices_include_tax", "含税(yes/no)"), ("remark", "备注"),
    ("email", "收票邮箱"),
)
MAX_ROWS = 1000


class RowResult(BaseModel):
    row: int
    invoice_id: str | None = None
    issues: list[Issue] = []


def write_template(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "invoices"
    sheet.append([label for _key, label in COLUMNS])
    sheet.append(["special", "organisation", "华为技术有限公司", "914403001922038216",
                  "深圳市龙岗区坂田华为基地 0755-28780808", "招商银行深圳分行营业部 755900000000001",
                  "软件开发服务", "1", "10600", "6%", "yes", "", ""])
    book.save(path)
    return path


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def import_rows(path: Path, issuance: Issuance, actor: Actor, today: date) -> list[RowResult]:
    """Validate every row and submit the good ones; the caller reports the bad ones."""
    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SifError("batch_unreadable", reason=str(exc)[:100]) from exc
    results = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number - 1 > MAX_ROWS:
            raise SifError("batch_too_many_rows", max=MAX_ROWS)
        row = {key: _text(v) for (key, _label), v in zip(COLUMNS, values, strict=False)}
        if not any(row.values()):
            continue
        results.append(_import_row(number, row, issuance, actor, today))
    return results


def _import_row(number: int, row: dict[str, str], issuance: Issuance, actor: Actor,
                today: date) -> RowResult:
    fields, issues = _validate_fields(row, today)
    if any(i.is_error for i in issues):
        return RowResult(row=number, issues=issues)
    with issuance.repo.transaction():
        draft = issuance.new_draft(actor, **fields)  # type: ignore[arg-type]
        data = build_invoice_data(draft)
        problems = [i for i in validate_invoice_data(data, issuance.settings) if i.is_error]
        if problems:
            issuance.repo.delete_draft(draft.id)
            return RowResult(row=number, issues=issues + problems)
        invoice = issuance.submit(draft.id, f"batch:{draft.id}", actor)
    return RowResult(row=number, invoice_id=invoice.id, issues=issues)


def _validate_fields(row: dict[str, str], today: date) -> tuple[dict[str, object], list[Issue]]:
    issues: list[Issue] = []
    kind = row.get("buyer_kind") or "organisation"
    kind_type = row.get("invoice_type") or "ordinary"
    if kind not in ("organisation", "person"):
        issues.append(Issue(field="buyer_kind", code="choose_one"))
        kind = "organisation"
    if kind_type not in ("special", "ordinary"):
        issues.append(Issue(field="invoice_type", code="choose_one"))
        kind_type = "ordinary"
    special = kind_type == "special"
    if special and kind == "person":
        issues.append(Issue(field="buyer_kind", code="special_needs_organisation"))
    buyer: Literal["organisation", "person"] = "person" if kind == "person" else "organisation"
    name, found = rules.check_buyer_name(row.get("buyer_name", ""), buyer_kind=buyer)
    issues += found
    tax = check_buyer_tax_id(row.get("buyer_tax_id", ""), buyer_kind=buyer, today=today)
    issues += tax.issues
    address, found = rules.check_address_phone(row.get("buyer_address_phone", ""), required=special)
    issues += found
    bank, found = rules.check_bank_account(row.get("buyer_bank_account", ""), required=special)
    issues += found
    line, found = _line(row)
    issues += found
    email = row.get("email", "")
    delivery = Delivery(method="email", email=email) if email else Delivery()
    fields: dict[str, object] = {
        "invoice_type": InvoiceType(kind_type), "buyer_kind": BuyerKind(kind),
        "buyer_name": name, "buyer_tax_id": tax.value or None,
        "buyer_address_phone": address or None, "buyer_bank_account": bank or None,
        "prices_include_tax": row.get("prices_include_tax", "").lower() in ("yes", "y", "是", "1", "true"),
        "lines": [line] if line else [], "remark": row.get("remark", ""), "delivery": delivery,
    }
    return fields, issues


def _line(row: dict[str, str]) -> tuple[Line | None, list[Issue]]:
    name, issues = rules.check_item_name(row.get("item_name", ""))
    issues += rules.check_quantity(row.get("quantity", ""))[1]
    issues += rules.check_unit_price(row.get("unit_price", ""))[1]
    rate = parse_rate(row.get("tax_rate", ""))
    if rate is None:
        issues.append(Issue(field="tax_rate", code="rate_invalid", params={
            "value": row.get("tax_rate", "")[:20], "allowed": "13%, 9%, 6%, 5%, 3%, 1%, 0%, 免税"}))
    if any(i.is_error for i in issues) or rate is None:
        return None, issues
    quantity = read_decimal(row["quantity"], max_places=rules.NUMBER_MAX_PLACES)[0]
    price = read_decimal(row["unit_price"], max_places=rules.NUMBER_MAX_PLACES)[0]
    assert quantity is not None and price is not None
    includes = row.get("prices_include_tax", "").lower() in ("yes", "y", "是", "1", "true")
    amount, tax = split_line(quantity, price, rate, includes_tax=includes)
    category = classify(name)
    return Line(name=name, category=category.name if category else None, quantity=quantity,
                unit_price=price, tax_rate=rate, amount=amount, tax=tax), issues

