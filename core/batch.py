"""Batch requests from an Excel template (§1.4, §8.1): every row goes through the same rules.

A row is one invoice with one line. Each bad row is reported with field, code and message; each
good row is stored and submitted whole, in its own transaction, or not at all. Columns are found
by their heading, so a template filled in before a column was added still reads.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from openpyxl import Workbook, load_workbook
from pydantic import BaseModel

from core import rules
from core.catalog import CATEGORIES, category_named
from core.errors import Issue, SifError
from core.issuance import Issuance
from core.lines import build_line, category_for, line_issues
from core.models import Actor, BuyerKind, Delivery, InvoiceType, Line
from core.taxid import check_buyer_tax_id
from core.validation import build_invoice_data, validate_invoice_data

COLUMNS = (
    ("invoice_type", "发票类型(special/ordinary)"), ("buyer_kind", "购买方类型(organisation/person)"),
    ("buyer_name", "购买方名称"), ("buyer_tax_id", "纳税人识别号"),
    ("buyer_address_phone", "地址电话"), ("buyer_bank_account", "开户行及账号"),
    ("item_name", "项目名称"), ("category", "税收分类"), ("spec", "规格型号"), ("unit", "单位"),
    ("quantity", "数量"), ("unit_price", "单价"), ("tax_rate", "税率"), ("prices_include_tax", "含税(yes/no)"), ("remark", "备注"),
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
                  "软件开发服务", "信息技术服务", "", "项", "1", "10600", "6%", "yes", "", ""])
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
    rows = sheet.iter_rows(values_only=True)
    keys = _column_keys(next(rows, ()))
    results = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise SifError("batch_too_many_rows", max=MAX_ROWS)
        row = {key: _text(v) for key, v in zip(keys, values, strict=False) if key}
        if not any(row.values()):
            continue
        results.append(_import_row(number, row, issuance, actor, today))
    return results


def _column_keys(header: tuple[object, ...]) -> list[str | None]:
    """Each column's field, from its heading (the label, or the label before its "(...)" hint,
    or the field's own name); None for a column the template does not have."""
    known = {name: key for key, label in COLUMNS
             for name in (label, label.split("(")[0], key)}
    keys = [known.get(_text(cell)) for cell in header]
    if not any(keys):
        raise SifError("batch_no_header")
    return keys


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
    remark, found = rules.check_remark(row.get("remark", ""))
    issues += found
    email = row.get("email", "")
    delivery = Delivery(method="email", email=email) if email else Delivery()
    fields: dict[str, object] = {
        "invoice_type": InvoiceType(kind_type), "buyer_kind": BuyerKind(kind),
        "buyer_name": name, "buyer_tax_id": tax.value or None,
        "buyer_address_phone": address or None, "buyer_bank_account": bank or None,
        "prices_include_tax": row.get("prices_include_tax", "").lower() in ("yes", "y", "是", "1", "true"),
        "lines": [line] if line else [], "remark": remark, "delivery": delivery,
    }
    return fields, issues


def _line(row: dict[str, str]) -> tuple[Line | None, list[Issue]]:
    """The row's one line, with a category (typed in its column, or told from the name)."""
    parts = {part: row.get(key, "") for part, key in LINE_COLUMNS.items()}
    chosen = row.get("category", "")
    category = category_for(parts["name"], chosen)
    issues = line_issues(parts, category=category.name if category else None)
    if category is None:
        issues.append(_category_issue(parts["name"], chosen))
    if category is None or any(i.is_error for i in issues):
        return None, issues
    includes = row.get("prices_include_tax", "").lower() in ("yes", "y", "是", "1", "true")
    return build_line(parts, includes_tax=includes, category=category), issues


LINE_COLUMNS = {"name": "item_name", "spec": "spec", "unit": "unit", "quantity": "quantity",
                "unit_price": "unit_price", "tax_rate": "tax_rate"}


def _category_issue(name: str, chosen: str) -> Issue:
    """The category column to fill (nothing in it, and the name says nothing) or to correct."""
    params = {"column": dict(COLUMNS)["category"], "choices": "、".join(c.name for c in CATEGORIES),
              "name": rules.check_item_name(name)[0], "value": chosen[:40]}
    code = "category_unknown_column" if chosen and category_named(chosen) is None else (
        "category_required_column")
    return Issue(field="category", code=code, params=params)

