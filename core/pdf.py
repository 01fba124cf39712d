"""The invoice PDF, laid out like a fully digitalised e-invoice (数电票).

Chinese text uses reportlab's built-in CID font STSong-Light: nothing is embedded, every PDF
viewer substitutes its own Song typeface. Many lines flow onto more pages; each page repeats the
heading, parties and column titles, and the totals print on the last page only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph

from core.models import InvoiceData
from core.money import rmb_upper
from core.pdf_layout import (
    CELL_PAD,
    CJK_FONT,
    COLUMN_TITLE_HEIGHT,
    COLUMNS,
    FRAME_BOTTOM,
    FRAME_TOP,
    GRAND_TOTAL_TOP,
    INK,
    LABEL_WIDTH,
    LEFT,
    MAX_ROW_HEIGHT,
    NUMBER_FONT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PARTY_BOTTOM,
    RED,
    REMARK_TOP,
    RIGHT,
    ROW_PAD,
    ROWS_CAPACITY,
    ROWS_TOP,
    TITLES,
    WATERMARK,
    Align,
    Kind,
    PrintedLine,
    as_printed,
    china_date,
    column_lefts,
    money,
    paginate,
    printed_line,
    qr_payload,
    remark_lines,
)
from core.settings import SellerSettings

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
_MIDDLE = (LEFT + RIGHT) / 2


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


@cache
def _style(size: float, align: Align = "left", numeric: bool = False) -> ParagraphStyle:
    return ParagraphStyle(
        f"inv-{size}-{align}-{numeric}",
        fontName=NUMBER_FONT if numeric else CJK_FONT,
        fontSize=size,
        leading=size * 1.25,
        alignment=_ALIGN[align],
        wordWrap="CJK",
    )


@dataclass(frozen=True)
class Sheet:
    """Everything one invoice's pages print."""

    data: InvoiceData
    seller: SellerSettings
    number: str | None
    issued_at: datetime | None
    kind: Kind
    preview: bool


@dataclass(frozen=True)
class Row:
    cells: list[Flowable]
    height: float


def render_invoice_pdf(
    data: InvoiceData,
    seller: SellerSettings,
    *,
    number: str | None,
    issued_at: datetime | None,
    kind: Kind,
    preview: bool,
    path: Path,
) -> Path:
    """Write the invoice (or its preview) to `path` and return it."""
    _register_fonts()
    data = as_printed(data, kind)
    sheet = Sheet(data, seller, number, issued_at, kind, preview)
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    rows = [
        _row(canvas, printed_line(line, includes_tax=data.prices_include_tax))
        for line in data.lines
    ]
    pages = paginate([row.height for row in rows], ROWS_CAPACITY)
    canvas.setTitle(f"{TITLES[data.invoice_type]} {number or ''}".strip())
    canvas.setAuthor(seller.name)
    for index, page in enumerate(pages):
        last = index == len(pages) - 1
        _draw_page(canvas, sheet, [rows[i] for i in page], (index + 1, len(pages)), last)
        canvas.showPage()
    canvas.save()
    return path


def _draw_page(
    canvas: Canvas, sheet: Sheet, rows: list[Row], page_of: tuple[int, int], last: bool
) -> None:
    _draw_heading(canvas, sheet, page_of)
    _draw_frame(canvas)
    _draw_parties(canvas, sheet)
    _draw_column_titles(canvas)
    _draw_rows(canvas, rows)
    if last:
        _draw_totals(canvas, sheet)
        _draw_remark(canvas, sheet)
    else:
        _text(canvas, "（续下页）", _MIDDLE, GRAND_TOTAL_TOP + 2 * mm, 9, INK, "center")
    _text(canvas, f"开票人：{sheet.seller.issuer}", LEFT + 4 * mm, FRAME_BOTTOM - 6 * mm, 9, INK)
    if sheet.preview:
        _draw_watermark(canvas)


# --- heading --------------------------------------------------------------------------------


def _draw_heading(canvas: Canvas, sheet: Sheet, page_of: tuple[int, int]) -> None:
    _draw_qr(canvas, sheet)
    title = TITLES[sheet.data.invoice_type]
    size, y = 15.5, PAGE_HEIGHT - 16 * mm
    _text(canvas, title, PAGE_WIDTH / 2, y, size, INK, "center")
    half = pdfmetrics.stringWidth(title, CJK_FONT, size) / 2 + 2 * mm
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    for dy in (2.2 * mm, 3.0 * mm):
        canvas.line(PAGE_WIDTH / 2 - half, y - dy, PAGE_WIDTH / 2 + half, y - dy)
    if sheet.kind == "red":
        _draw_red_mark(canvas, PAGE_WIDTH / 2 - half - 14 * mm, y - 1 * mm)
    x = 147 * mm
    _label_value(canvas, "发票号码：", sheet.number or "", x, PAGE_HEIGHT - 14 * mm)
    _label_value(canvas, "开票日期：", china_date(sheet.issued_at), x, PAGE_HEIGHT - 20 * mm)
    if page_of[1] > 1:
        _text(canvas, f"共{page_of[1]}页 第{page_of[0]}页", x, PAGE_HEIGHT - 26 * mm, 8, INK)


def _draw_qr(canvas: Canvas, sheet: Sheet) -> None:
    side, x, y = 20 * mm, LEFT + 2 * mm, PAGE_HEIGHT - 28 * mm
    if sheet.number and not sheet.preview:
        payload = qr_payload(sheet.data, sheet.number, sheet.issued_at)
        widget = QrCodeWidget(payload, barLevel="M")
        left, bottom, right, top = widget.getBounds()
        drawing = Drawing(
            side, side, transform=[side / (right - left), 0, 0, side / (top - bottom), 0, 0]
        )
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, x, y)
        return
    canvas.setStrokeColor(INK)
    canvas.setDash(2, 2)
    canvas.rect(x, y, side, side)
    canvas.setDash()
    _text(canvas, "二维码", x + side / 2, y + side / 2 - 1 * mm, 8, INK, "center")


def _draw_red_mark(canvas: Canvas, x: float, y: float) -> None:
    """A boxed 红字 next to the title, so a red-letter invoice is seen at a glance."""
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(1)
    canvas.rect(x, y - 1.2 * mm, 11 * mm, 6 * mm)
    _text(canvas, "红字", x + 5.5 * mm, y, 11, RED, "center")


def _label_value(canvas: Canvas, label: str, value: str, x: float, y: float) -> None:
    _text(canvas, label, x, y, 9, INK)
    _text(canvas, value, x + pdfmetrics.stringWidth(label, CJK_FONT, 9), y, 9, black)


# --- frame and parties ----------------------------------------------------------------------


def _draw_frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.rect(LEFT, FRAME_BOTTOM, RIGHT - LEFT, FRAME_TOP - FRAME_BOTTOM)
    canvas.setLineWidth(0.5)
    for y in (PARTY_BOTTOM, GRAND_TOTAL_TOP, REMARK_TOP):
        canvas.line(LEFT, y, RIGHT, y)
    for x in (LEFT + LABEL_WIDTH, _MIDDLE, _MIDDLE + LABEL_WIDTH):
        canvas.line(x, PARTY_BOTTOM, x, FRAME_TOP)
    canvas.line(LEFT + LABEL_WIDTH, FRAME_BOTTOM, LEFT + LABEL_WIDTH, REMARK_TOP)
    canvas.line(LEFT + 42 * mm, REMARK_TOP, LEFT + 42 * mm, GRAND_TOTAL_TOP)
    _vertical_label(canvas, "购买方信息", LEFT, PARTY_BOTTOM, FRAME_TOP)
    _vertical_label(canvas, "销售方信息", _MIDDLE, PARTY_BOTTOM, FRAME_TOP)
    _vertical_label(canvas, "备注", LEFT, FRAME_BOTTOM, REMARK_TOP)


def _vertical_label(canvas: Canvas, text: str, x: float, bottom: float, top: float) -> None:
    """Characters stacked top to bottom, centred in a LABEL_WIDTH column."""
    step = min(4 * mm, (top - bottom) / (len(text) + 1))
    first = (top + bottom) / 2 + step * (len(text) - 1) / 2 - 1.2 * mm
    for i, char in enumerate(text):
        _text(canvas, char, x + LABEL_WIDTH / 2, first - i * step, 9, INK, "center")


def _draw_parties(canvas: Canvas, sheet: Sheet) -> None:
    buyer = sheet.data.buyer
    _party(canvas, LEFT + LABEL_WIDTH, buyer.name, buyer.tax_id)
    _party(canvas, _MIDDLE + LABEL_WIDTH, sheet.seller.name, sheet.seller.tax_id)


def _party(canvas: Canvas, x: float, name: str, tax_id: str) -> None:
    width = _MIDDLE - LEFT - LABEL_WIDTH - 2 * CELL_PAD
    label = f'<font color="{INK.hexval()}">'
    paragraphs = [
        Paragraph(f"{label}名称：</font>{escape(name)}", _style(9)),
        Paragraph(f"{label}统一社会信用代码/纳税人识别号：</font>{escape(tax_id)}", _style(9)),
    ]
    usable = FRAME_TOP - PARTY_BOTTOM - 5 * mm
    box = KeepInFrame(width, usable, paragraphs, mode="shrink")
    _, height = box.wrapOn(canvas, width, usable)
    box.drawOn(canvas, x + CELL_PAD, FRAME_TOP - 3 * mm - height)


# --- lines ----------------------------------------------------------------------------------


def _draw_column_titles(canvas: Canvas) -> None:
    y = PARTY_BOTTOM - COLUMN_TITLE_HEIGHT + 2 * mm
    for left, column in zip(column_lefts(), COLUMNS, strict=True):
        _text(canvas, column.title, left + column.width / 2, y, 9, INK, "center")


def _row(canvas: Canvas, line: PrintedLine) -> Row:
    """Each cell wrapped to its column; a cell too tall for MAX_ROW_HEIGHT is shrunk."""
    cells: list[Flowable] = []
    height = 0.0
    for text, column in zip(line.cells, COLUMNS, strict=True):
        width = column.width - 2 * CELL_PAD
        cell: Flowable = Paragraph(escape(text), _style(7.5, column.align, column.numeric))
        _, cell_height = cell.wrapOn(canvas, width, MAX_ROW_HEIGHT)
        if cell_height > MAX_ROW_HEIGHT:
            cell = KeepInFrame(width, MAX_ROW_HEIGHT, [cell], mode="shrink")
            _, cell_height = cell.wrapOn(canvas, width, MAX_ROW_HEIGHT)
        cells.append(cell)
        height = max(height, cell_height)
    return Row(cells, height + 2 * ROW_PAD)


def _draw_rows(canvas: Canvas, rows: list[Row]) -> None:
    top = ROWS_TOP
    for row in rows:
        for left, cell in zip(column_lefts(), row.cells, strict=True):
            cell.drawOn(canvas, left + CELL_PAD, top - ROW_PAD - cell.height)
        top -= row.height


# --- totals and remark ----------------------------------------------------------------------


def _draw_totals(canvas: Canvas, sheet: Sheet) -> None:
    data = sheet.data
    lefts = column_lefts()
    y = GRAND_TOTAL_TOP + 2 * mm
    _text(canvas, "合          计", LEFT + COLUMNS[0].width / 2, y, 9, INK, "center")
    for index, value in ((5, data.total_amount), (7, data.total_tax)):
        right = lefts[index] + COLUMNS[index].width - CELL_PAD
        _number(canvas, f"¥{money(value)}", right, y, 9)
    y = REMARK_TOP + 2.8 * mm
    _text(canvas, "价税合计（大写）", LEFT + 21 * mm, y, 9, INK, "center")
    total = data.total
    _draw_circled_x(canvas, LEFT + 46 * mm, y + 1.1 * mm)
    _text(canvas, rmb_upper(total), LEFT + 49 * mm, y, 10, black)
    _text(canvas, "（小写）", LEFT + 128 * mm, y, 9, INK)
    _number(canvas, f"¥{money(total)}", RIGHT - 6 * mm, y, 10)


def _draw_circled_x(canvas: Canvas, x: float, y: float) -> None:
    """⊗ drawn, not typed: the glyph is not in every Song font."""
    radius = 1.5 * mm
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.5)
    canvas.circle(x, y, radius)
    offset = radius * 0.7071
    canvas.line(x - offset, y - offset, x + offset, y + offset)
    canvas.line(x - offset, y + offset, x + offset, y - offset)


def _draw_remark(canvas: Canvas, sheet: Sheet) -> None:
    lines = remark_lines(sheet.data, sheet.kind)
    if not lines:
        return
    width = RIGHT - LEFT - LABEL_WIDTH - 2 * CELL_PAD
    height = REMARK_TOP - FRAME_BOTTOM - 2 * CELL_PAD
    paragraphs = [Paragraph(escape(line), _style(8)) for line in lines]
    box = KeepInFrame(width, height, paragraphs, mode="shrink")
    _, used = box.wrapOn(canvas, width, height)
    box.drawOn(canvas, LEFT + LABEL_WIDTH + CELL_PAD, REMARK_TOP - CELL_PAD - used)


def _draw_watermark(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setFillColor(Color(0.55, 0.55, 0.55), alpha=0.35)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(24)
    canvas.setFont(CJK_FONT, 30)
    canvas.drawCentredString(0, 0, WATERMARK)
    canvas.restoreState()


# --- text primitives ------------------------------------------------------------------------


def _text(
    canvas: Canvas, text: str, x: float, y: float, size: float, color: Color, align: Align = "left"
) -> None:
    canvas.setFillColor(color)
    canvas.setFont(CJK_FONT, size)
    draw = {
        "left": canvas.drawString,
        "center": canvas.drawCentredString,
        "right": canvas.drawRightString,
    }[align]
    draw(x, y, text)


def _number(canvas: Canvas, text: str, right: float, y: float, size: float) -> None:
    canvas.setFillColor(black)
    canvas.setFont(NUMBER_FONT, size)
    canvas.drawRightString(right, y, text)


__all__ = ["render_invoice_pdf"]
