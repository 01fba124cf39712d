"""Batch requests from the Excel template: the same rules per row, each row whole or not at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

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
        "软件开发服务", "1", "10600", "6%", "yes", "", ""]


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
    bad_rate = [*GOOD[:9], "7%", *GOOD[10:]]
    person_special = ["special", "person", "张三", "", "", "", "咨询服务", "1", "100", "6%",
                      "no", "", ""]
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
