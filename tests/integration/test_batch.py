"""Batch requests from the Excel template: the same rules per row, each row whole or not at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from core.batch import COLUMNS, import_rows, write_template
from core.errors import SifError
from core.issuance import Issuance
from core.models import Actor, Status

TODAY = date(2026, 3, 2)


def _sheet_with(path: Path, rows: list[list[str]]) -> Path:
    write_template(path)
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


GOOD = ["special", "organisation", "华为技术有限公司", "914403001922038216",
        "深圳市龙岗区坂田华为基地 0755-28780808", "招商银行深圳分行营业部 755900000000001",
        "软件开发服务", "", "", "", "1", "10600", "6%", "yes", "", ""]
ITEM, CATEGORY, SPEC, UNIT, RATE = 6, 7, 8, 9, 12  # where GOOD's line is in the template


def test_the_template_has_every_column_and_its_example_row_is_accepted(
    tmp_path: Path, issuance: Issuance, customer: Actor
) -> None:
    path = write_template(tmp_path / "template.xlsx")
    header = [cell.value for cell in load_workbook(path).worksheets[0][1]]
    assert header == [label for _key, label in COLUMNS]
    results = import_rows(path, issuance, customer, TODAY)
    assert len(results) == 1 and results[0].invoice_id is not None
    invoice = issuance.find(results[0].invoice_id, customer)
    assert invoice.status == Status.PENDING_REVIEW
    assert f"{invoice.data.total:.2f}" == "10600.00"


def test_bad_rows_are_listed_with_field_and_code_and_nothing_of_them_is_stored(
    tmp_path: Path, issuance: Issuance, customer: Actor
) -> None:
    bad_tax_id = [*GOOD[:3], "91440300192203821", *GOOD[4:]]
    bad_rate = [*GOOD[:RATE], "7%", *GOOD[RATE + 1:]]
    person_special = ["special", "person", "张三", "", "", "", "咨询服务", "", "", "", "1", "100",
                      "6%", "no", "", ""]
    path = _sheet_with(tmp_path / "rows.xlsx", [GOOD, bad_tax_id, bad_rate, person_special])
    results = import_rows(path, issuance, customer, TODAY)
    by_row = {r.row: r for r in results}
    assert by_row[2].invoice_id is not None
    assert by_row[3].invoice_id is None
    assert any(i.field == "buyer_tax_id" and i.code == "tax_id_length" for i in by_row[3].issues)
    assert any(i.field == "tax_rate" and i.code == "rate_invalid" for i in by_row[4].issues)
    assert any(i.code == "special_needs_organisation" for i in by_row[5].issues)
    assert len(issuance.visible(customer)) == 1
    assert [d.submitted_as is not None for d in issuance.repo.drafts_of(customer.user)] == [True]


def test_a_file_that_is_not_a_workbook_is_refused_with_a_clear_code(
    tmp_path: Path, issuance: Issuance, customer: Actor
) -> None:
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"this is not a spreadsheet")
    with pytest.raises(SifError) as raised:
        import_rows(path, issuance, customer, TODAY)
    assert raised.value.code == "batch_unreadable"
    assert "Excel" in raised.value.message("en")


def _with(row: list[str], **cells: str) -> list[str]:
    where = {"item": ITEM, "category": CATEGORY, "spec": SPEC, "unit": UNIT}
    changed = list(row)
    for name, value in cells.items():
        changed[where[name]] = value
    return changed


def test_a_row_the_catalog_cannot_classify_names_the_category_column_and_stores_nothing(
    tmp_path: Path, issuance: Issuance, customer: Actor
) -> None:
    path = _sheet_with(tmp_path / "rows.xlsx", [_with(GOOD, item="杂项服务费")])
    [result] = import_rows(path, issuance, customer, TODAY)
    assert result.invoice_id is None
    [issue] = [i for i in result.issues if i.is_error]
    assert (issue.field, issue.code) == ("category", "category_required_column")
    assert "“税收分类”列" in issue.message("zh") and "现代服务" in issue.message("zh")
    assert "'税收分类' column" in issue.message("en")
    assert issuance.visible(customer) == []


def test_the_category_spec_and_unit_columns_go_onto_the_line(
    tmp_path: Path, issuance: Issuance, customer: Actor
) -> None:
    row = _with(GOOD, item="杂项服务费", category="现代服务", spec="标准版", unit="项")
    bad = _with(GOOD, item="杂项服务费", category="研发服务")
    path = _sheet_with(tmp_path / "rows.xlsx", [row, bad])
    good, wrong = import_rows(path, issuance, customer, TODAY)
    assert good.invoice_id is not None
    [line] = issuance.find(good.invoice_id, customer).data.lines
    assert (line.name, line.category, line.spec, line.unit) == ("杂项服务费", "现代服务", "标准版", "项")
    assert [i.code for i in wrong.issues if i.is_error] == ["category_unknown_column"]
    assert "研发服务" in wrong.issues[0].message("zh")


def test_a_template_filled_in_before_the_new_columns_still_reads_by_its_headings(
    tmp_path: Path, issuance: Issuance, customer: Actor
) -> None:
    old = ["发票类型(special/ordinary)", "购买方类型(organisation/person)", "购买方名称",
           "纳税人识别号", "地址电话", "开户行及账号", "项目名称", "数量", "单价", "税率",
           "含税(yes/no)", "备注", "收票邮箱"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(old)
    sheet.append([*GOOD[:CATEGORY], *GOOD[UNIT + 1:]])
    book.save(tmp_path / "old.xlsx")
    [result] = import_rows(tmp_path / "old.xlsx", issuance, customer, TODAY)
    assert result.invoice_id is not None, result.issues
    [line] = issuance.find(result.invoice_id, customer).data.lines
    assert (line.category, f"{line.amount + line.tax:.2f}") == ("信息技术服务", "10600.00")


def test_a_sheet_without_the_heading_row_is_refused_rather_than_guessed(
    tmp_path: Path, issuance: Issuance, customer: Actor
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(GOOD)
    book.save(tmp_path / "bare.xlsx")
    with pytest.raises(SifError) as raised:
        import_rows(tmp_path / "bare.xlsx", issuance, customer, TODAY)
    assert raised.value.code == "batch_no_header"
    assert "项目名称" in raised.value.message("zh")
