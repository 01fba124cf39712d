"""What a 数电票 page prints and where: geometry, columns and printed values (no drawing here).

The page copies the fully digitalised e-invoice (数电票): 210 × 140 mm, landscape, a framed
form in brown ink with the values in black. Everything is in points (reportlab units).

The Chinese font is a TrueType file embedded (as a subset) in every PDF, so any viewer shows the
same glyphs the layout measured. It is the first of these that exists:
1. the file named by `SIFBOT_PDF_FONT` (a .ttf, or a .ttc whose first face is used);
2. `core/fonts/wqy-microhei.ttc`, shipped with the product (WenQuanYi Micro Hei, Apache-2.0);
3. the same font installed by the system (Debian: fonts-wqy-microhei).
Only when none exists does the page fall back to reportlab's built-in STSong-Light, which is not
embedded (a viewer without Chinese fonts then shows empty boxes): a warning is logged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

from reportlab.lib.colors import Color
from reportlab.lib.units import mm

from core.catalog import format_item_name
from core.clock import CHINA
from core.models import Buyer, InvoiceData, InvoiceType, Line, Status
from core.money import cents

Kind = Literal["blue", "red"]
Align = Literal["left", "center", "right"]

PAGE_WIDTH, PAGE_HEIGHT = 210 * mm, 140 * mm
LEFT, RIGHT = 10 * mm, 200 * mm
FRAME_TOP, FRAME_BOTTOM = 108 * mm, 14 * mm
LABEL_WIDTH = 6 * mm  # the narrow columns with vertical labels (购买方信息, 备注)
PARTY_HEIGHT = 21 * mm
COLUMN_TITLE_HEIGHT = 6 * mm
TOTAL_ROW_HEIGHT = 6 * mm
GRAND_TOTAL_HEIGHT = 8 * mm
REMARK_HEIGHT = 16 * mm  # the box grows (on the last page) when the remark needs more
REMARK_MAX_HEIGHT = 40 * mm
CELL_PAD = 1 * mm
ROW_PAD = 0.5 * mm
MAX_ROW_HEIGHT = 16 * mm  # a longer name is shrunk to fit rather than overflow
CELL_SIZE = 7.5  # the text of a line's cells
REMARK_SIZES = (8.0, 7.5, 7.0)  # the remark shrinks this far to stay in the box, then the box grows

PARTY_BOTTOM = FRAME_TOP - PARTY_HEIGHT
REMARK_TOP = FRAME_BOTTOM + REMARK_HEIGHT
GRAND_TOTAL_TOP = REMARK_TOP + GRAND_TOTAL_HEIGHT
ROWS_TOP = PARTY_BOTTOM - COLUMN_TITLE_HEIGHT
ROWS_BOTTOM = GRAND_TOTAL_TOP + TOTAL_ROW_HEIGHT
ROWS_CAPACITY = ROWS_TOP - ROWS_BOTTOM

INK = Color(0.61, 0.29, 0.14)  # the brown of the printed form
RED = Color(0.80, 0.07, 0.07)
CID_FONT = "STSong-Light"  # the fallback: built into reportlab, never embedded
TTF_FONT = "SifCJK"  # the name the embedded TrueType font is registered under
NUMBER_FONT = "Helvetica"
FONT_ENV = "SIFBOT_PDF_FONT"
FONT_FILE = "wqy-microhei.ttc"
SHIPPED_FONT = Path(__file__).resolve().parent / "fonts" / FONT_FILE
SYSTEM_FONTS = (
    Path("/usr/share/fonts/truetype/wqy") / FONT_FILE,  # Debian, Ubuntu
    Path("/usr/share/fonts/wenquanyi/wqy-microhei") / FONT_FILE,  # Fedora
)

TITLES = {
    InvoiceType.SPECIAL: "电子发票（增值税专用发票）",
    InvoiceType.ORDINARY: "电子发票（普通发票）",
}
QR_TYPE = {InvoiceType.SPECIAL: "31", InvoiceType.ORDINARY: "32"}  # 数电专票 / 数电普票
RED_NOTE = "销项负数"
WATERMARK = "预览 PREVIEW — 非正式发票"
# A cancelled invoice's copy is stamped across the page: (big mark, small line beneath).
STAMPS: dict[str, tuple[str, str]] = {
    Status.VOIDED: ("作 废", "VOID — 已作废，不是有效发票 / NOT A VALID INVOICE"),
    Status.RED_FLUSHED: ("已红冲", "RED-FLUSHED — 已红冲，不是有效发票 / NOT A VALID INVOICE"),
}


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    align: Align
    numeric: bool = False


# 数量 and 单价 are wide enough for 8 decimals at a legible size (a number never wraps: it
# shrinks to fit its cell).
COLUMNS: tuple[Column, ...] = (
    Column("项目名称", 46 * mm, "left"),
    Column("规格型号", 18 * mm, "left"),
    Column("单位", 10 * mm, "center"),
    Column("数量", 24 * mm, "right", numeric=True),
    Column("单价", 26 * mm, "right", numeric=True),
    Column("金额", 24 * mm, "right", numeric=True),
    Column("税率/征收率", 18 * mm, "center"),  # may read 免税
    Column("税额", 24 * mm, "right", numeric=True),
)


def font_candidates() -> list[Path]:
    """Where the embedded Chinese font is looked for, in order (see the module docstring)."""
    configured = os.environ.get(FONT_ENV, "").strip()
    return [*([Path(configured)] if configured else []), SHIPPED_FONT, *SYSTEM_FONTS]


def stamp_of(status: Status | None) -> tuple[str, str] | None:
    """The stamp a copy of an invoice in this state carries; None while it is valid."""
    return STAMPS.get(status) if status else None


@dataclass(frozen=True)
class LastPage:
    """The last page's lower part: the remark box grows upward, and the rows give way."""

    remark_height: float = REMARK_HEIGHT

    @property
    def remark_top(self) -> float:
        return float(FRAME_BOTTOM + self.remark_height)

    @property
    def grand_total_top(self) -> float:
        return float(self.remark_top + GRAND_TOTAL_HEIGHT)

    @property
    def rows_capacity(self) -> float:
        return float(ROWS_CAPACITY - (self.remark_height - REMARK_HEIGHT))


def column_lefts() -> list[float]:
    """The x of each column's left edge."""
    lefts, x = [], LEFT
    for column in COLUMNS:
        lefts.append(x)
        x += column.width
    return lefts


def money(value: Decimal) -> str:
    """An amount as printed: half-up to the cent, always two places, no grouping."""
    return f"{cents(value):.2f}"


def quantity_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


def price_text(value: Decimal | None) -> str:
    """A unit price: up to 8 decimals as the platform prints them, at least 2."""
    if value is None:
        return ""
    text = format(value.quantize(Decimal("0.00000001")).normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def rate_text(rate_key: str) -> str:
    return "免税" if rate_key == "exempt" else rate_key


def as_printed(data: InvoiceData, kind: Kind) -> InvoiceData:
    """A red-letter invoice prints negative: given the original's lines, print them negated.

    The red copy made at issue already carries negative lines (a discount line turns positive),
    so it is printed as it is.
    """
    if kind != "red" or data.total <= 0:
        return data
    lines = [
        line.model_copy(
            update={
                "quantity": -line.quantity if line.quantity is not None else None,
                "amount": -line.amount,
                "tax": -line.tax,
            }
        )
        for line in data.lines
    ]
    return data.model_copy(update={"lines": lines})


def unit_price_without_tax(line: Line, includes_tax: bool) -> Decimal | None:
    """数电票 print the price without tax; a price entered with tax is derived from the amount."""
    if line.quantity is None or line.unit_price is None:
        return None
    if includes_tax and line.quantity != 0:
        return abs(line.amount / line.quantity)
    return line.unit_price


@dataclass(frozen=True)
class PrintedLine:
    """One line's cells as text, in the order of COLUMNS."""

    cells: tuple[str, str, str, str, str, str, str, str]


def printed_line(line: Line, *, includes_tax: bool) -> PrintedLine:
    return PrintedLine(
        (
            item_name(line),
            line.spec,
            line.unit,
            quantity_text(line.quantity),
            price_text(unit_price_without_tax(line, includes_tax)),
            money(line.amount),
            rate_text(line.tax_rate),
            "***" if line.tax_rate == "exempt" else money(line.tax),  # as 免税 lines print
        )
    )


def item_name(line: Line) -> str:
    return format_item_name(line.category, line.name) if line.category else line.name


def paginate(
    heights: list[float], capacity: float, last_capacity: float | None = None
) -> list[list[int]]:
    """Row indexes per page, in order; a page always holds at least one row (and one page).

    The last page may hold less (`last_capacity`: a taller remark box): rows that do not fit
    there move to a page of their own before it.
    """
    pages: list[list[int]] = [[]]
    used = 0.0
    for index, height in enumerate(heights):
        if pages[-1] and used + height > capacity:
            pages.append([])
            used = 0.0
        pages[-1].append(index)
        used += height
    if last_capacity is None or used <= last_capacity:
        return pages
    last = pages.pop()
    keep = len(last) - 1  # the last row always stays with the totals
    while keep > 0 and sum(heights[i] for i in last[keep - 1 :]) <= last_capacity:
        keep -= 1
    return [*pages, *([last[:keep]] if keep else []), last[keep:]]


def china_date(moment: datetime | None) -> str:
    """开票日期 as printed (Beijing date): 2024年05月06日; blank before issue."""
    if moment is None:
        return ""
    local = moment.astimezone(CHINA) if moment.tzinfo else moment
    return f"{local.year:04d}年{local.month:02d}月{local.day:02d}日"


def qr_payload(data: InvoiceData, number: str, issued_at: datetime | None) -> str:
    """The QR text: version, type, (no code), number, amount without tax, date."""
    day = ""
    if issued_at is not None:
        day = (issued_at.astimezone(CHINA) if issued_at.tzinfo else issued_at).strftime("%Y%m%d")
    return f"01,{QR_TYPE[data.invoice_type]},,{number},{money(data.total_amount)},{day},,"


def remark_lines(data: InvoiceData, kind: Kind) -> list[str]:
    """The 备注 box: the red-letter note, the remark, then the buyer's address and bank."""
    lines: list[str] = []
    if kind == "red" and RED_NOTE not in data.remark:
        lines.append(RED_NOTE)
    if data.remark:
        lines.extend(line for line in data.remark.splitlines() if line.strip())  # as typed
    lines.extend(buyer_details(data.buyer))
    return lines


def buyer_details(buyer: Buyer) -> list[str]:
    """As 数电票 print them: in the remark, since the buyer block holds name and tax ID only."""
    details = []
    if buyer.address_phone:
        details.append(f"购买方地址、电话：{buyer.address_phone}")
    if buyer.bank_account:
        details.append(f"购买方开户银行及账号：{buyer.bank_account}")
    return details
