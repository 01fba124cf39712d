"""Pagination of invoice lines when the last page's remark box grows."""

from __future__ import annotations

from core.models import Buyer, BuyerKind, InvoiceData, InvoiceType
from core.pdf_layout import REMARK_HEIGHT, ROWS_CAPACITY, LastPage, paginate, remark_lines


def test_without_a_smaller_last_page_rows_fill_pages_in_order() -> None:
    assert paginate([4, 4, 4, 4], 10) == [[0, 1], [2, 3]]
    assert paginate([], 10) == [[]]


def test_rows_that_do_not_fit_beside_a_taller_remark_move_to_a_page_before_it() -> None:
    assert paginate([4, 4, 4, 4], 10, last_capacity=5) == [[0, 1], [2], [3]]
    assert paginate([3, 3, 3], 10, last_capacity=6) == [[0], [1, 2]]
    assert paginate([3, 3], 10, last_capacity=6) == [[0, 1]]


def test_the_last_row_stays_with_the_totals_even_when_too_tall() -> None:
    assert paginate([8], 10, last_capacity=5) == [[0]]
    assert paginate([2, 8], 10, last_capacity=5) == [[0], [1]]


def test_a_taller_remark_box_takes_its_height_from_the_rows() -> None:
    taller = LastPage(REMARK_HEIGHT + 10)
    assert taller.rows_capacity == ROWS_CAPACITY - 10
    assert taller.remark_top == LastPage().remark_top + 10


def test_the_remark_prints_the_lines_as_typed() -> None:
    data = InvoiceData(
        invoice_type=InvoiceType.ORDINARY,
        buyer=Buyer(kind=BuyerKind.PERSON, name="张伟"),
        lines=[],
        remark="合同编号：HT-1\n项目：扩容\n付款方式：三期",
    )
    assert remark_lines(data, "blue") == ["合同编号：HT-1", "项目：扩容", "付款方式：三期"]
