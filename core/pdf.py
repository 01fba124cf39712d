"""The invoice PDF, laid out like a fully digitalised e-invoice (数电票).

Chinese text uses an embedded subset of a TrueType font (core.pdf_layout says which file), so
every viewer shows what the layout measured. Many lines flow onto more pages; each page repeats
the heading, parties and column titles, and the totals print on the last page only. A copy of a
voided or red-flushed invoice is stamped across every page and carries no QR code.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
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
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph

from core.models import InvoiceData, Status
from core.money import rmb_upper
from core.pdf_layout import (
    CELL_PAD,
    CELL_SIZE,
    CID_FONT,
    COLUMN_TITLE_HEIGHT,
    COLUMNS,
    FRAME_BOTTOM,
    FRAME_TOP,
    INK,
    LABEL_WIDTH,
    LEFT,
    MAX_ROW_HEIGHT,
    NUMBER_FONT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PARTY_BOTTOM,
    RED,
    REMARK_HEIGHT,
    REMARK_MAX_HEIGHT,
    REMARK_SIZES,
    RIGHT,
    ROW_PAD,
    ROWS_CAPACITY,
    ROWS_TOP,
    TITLES,
    TTF_FONT,
    WATERMARK,
    Align,
    Kind,
    LastPage,
    PrintedLine,
    as_printed,
    china_date,
    column_lefts,
    font_candidates,
    money,
    paginate,
    printed_line,
    qr_payload,
    remark_lines,
    stamp_of,
)
from core.settings import SellerSettings

logger = logging.getLogger(__name__)

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
_MIDDLE = (LEFT + RIGHT) / 2
LAYOUT_VERSION = "2"  # part of a cached file's key: a changed layout renders afresh


def register_cjk_font(candidates: Iterable[Path]) -> str:
    """Register the first TrueType font that loads and return its name; else the CID fallback."""
    for path in candidates:
        if not path.is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(TTF_FONT, str(path), subfontIndex=0))
        except (TTFError, OSError) as exc:
            logger.warning("PDF font %s cannot be used: %s", path, exc)
            continue
        return TTF_FONT
    logger.warning("no TrueType CJK font found; PDFs use %s, which is not embedded", CID_FONT)
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


@cache
def cjk_font() -> str:
    """The Chinese font of every PDF this process writes (looked up once)."""
    return register_cjk_font(font_candidates())


@cache
def _style(font: str, size: float, align: Align = "left") -> ParagraphStyle:
    return ParagraphStyle(
        f"inv-{font}-{size}-{align}",
        fontName=font,
        fontSize=size,
        leading=size * 1.25,
        alignment=_ALIGN[align],
        wordWrap="CJK",
    )


def fitted_size(text: str, font: str, size: float, width: float) -> float:
    """`size`, or less when the text would be wider than `width` on one line."""
    natural = pdfmetrics.stringWidth(text, font, size)
    return size if natural <= width else size * width / natural * 0.999


class OneLine(Flowable):  # type: ignore[misc]
    """A cell's text on one line, shrunk to the cell's width: a number is never broken in two."""

    def __init__(self, text: str, font: str, size: float, width: float, align: Align) -> None:
        super().__init__()
        self.text, self.font, self.align = text, font, align
        self.size = fitted_size(text, font, size, width)
        self.width, self.height = width, size * 1.25
        self.baseline = self.height - size  # where a Paragraph of `size` puts its first line

    def draw(self) -> None:
        self.canv.setFillColor(black)
        self.canv.setFont(self.font, self.size)
        x = {"left": 0.0, "center": self.width / 2, "right": self.width}[self.align]
        _draw_string(self.canv, x, self.baseline, self.text, self.align)


@dataclass(frozen=True)
class Sheet:
    """Everything one invoice's pages print."""

    data: InvoiceData
    seller: SellerSettings
    number: str | None
    issued_at: datetime | None
    kind: Kind
    preview: bool
    font: str
    stamp: tuple[str, str] | None  # (mark, line beneath) of a voided or red-flushed invoice


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
    status: Status | None = None,
) -> Path:
    """Write the invoice (or its preview) to `path` and return it.

    `status` voided or red_flushed stamps every page: such a copy must not pass as valid.
    """
    font = cjk_font()
    data = as_printed(data, kind)
    sheet = Sheet(data, seller, number, issued_at, kind, preview, font, stamp_of(status))
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    rows = [
        _row(canvas, font, printed_line(line, includes_tax=data.prices_include_tax))
        for line in data.lines
    ]
    remark, lower = _remark_box(canvas, sheet)
    pages = paginate([row.height for row in rows], ROWS_CAPACITY, lower.rows_capacity)
    title = f"{TITLES[data.invoice_type]} {number or ''}".strip()
    canvas.setTitle(f"{title} [{sheet.stamp[0]}]" if sheet.stamp else title)
    canvas.setAuthor(seller.name)
    for index, page in enumerate(pages):
        page_rows = [rows[i] for i in page]
        if index == len(pages) - 1:
            _draw_page(canvas, sheet, page_rows, (index + 1, len(pages)), lower)
            _draw_totals(canvas, sheet, lower)
            if remark is not None:
                _draw_remark(canvas, remark, lower)
        else:
            _draw_page(canvas, sheet, page_rows, (index + 1, len(pages)), LastPage())
            middle = LastPage().grand_total_top + 2 * mm
            _text(canvas, font, "（续下页）", _MIDDLE, middle, 9, INK, "center")
        _draw_overlays(canvas, sheet)
        canvas.showPage()
    canvas.save()
    return path


def cached_invoice_pdf(
    folder: Path,
    name: str,
    data: InvoiceData,
    seller: SellerSettings,
    *,
    number: str | None = None,
    issued_at: datetime | None = None,
    kind: Kind = "blue",
    status: Status | None = None,
    preview: bool = False,
) -> Path:
    """The PDF in `folder`, rendered once per content, status and layout version: showing the
    same preview or invoice again (help, back, 'pdf R-…') costs nothing."""
    key = f"{LAYOUT_VERSION}|{cjk_font()}|{data.model_dump_json()}|{number}|{issued_at}|{kind}"
    fingerprint = hashlib.sha256(f"{key}|{status}|{preview}".encode()).hexdigest()[:12]
    path = folder / fingerprint / f"{name}.pdf"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")  # never a half-written PDF
    render_invoice_pdf(data, seller, number=number, issued_at=issued_at, kind=kind,
                       preview=preview, path=partial, status=status)
    os.replace(partial, path)
    return path


def _draw_page(
    canvas: Canvas, sheet: Sheet, rows: list[Row], page_of: tuple[int, int], lower: LastPage
) -> None:
    _draw_heading(canvas, sheet, page_of)
    _draw_frame(canvas, sheet.font, lower)
    _draw_parties(canvas, sheet)
    _draw_column_titles(canvas, sheet.font)
    _draw_rows(canvas, rows)
    issuer = f"开票人：{sheet.seller.issuer}"
    _text(canvas, sheet.font, issuer, LEFT + 4 * mm, FRAME_BOTTOM - 6 * mm, 9, INK)


def _draw_overlays(canvas: Canvas, sheet: Sheet) -> None:
    if sheet.preview:
        _draw_watermark(canvas, sheet.font)
    if sheet.stamp:
        _draw_stamp(canvas, sheet.font, sheet.stamp)


# --- heading --------------------------------------------------------------------------------


def _draw_heading(canvas: Canvas, sheet: Sheet, page_of: tuple[int, int]) -> None:
    font = sheet.font
    _draw_qr(canvas, sheet)
    title = TITLES[sheet.data.invoice_type]
    size, y = 15.5, PAGE_HEIGHT - 16 * mm
    _text(canvas, font, title, PAGE_WIDTH / 2, y, size, INK, "center")
    half = pdfmetrics.stringWidth(title, font, size) / 2 + 2 * mm
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    for dy in (2.2 * mm, 3.0 * mm):
        canvas.line(PAGE_WIDTH / 2 - half, y - dy, PAGE_WIDTH / 2 + half, y - dy)
    if sheet.kind == "red":
        _draw_red_mark(canvas, font, PAGE_WIDTH / 2 - half - 14 * mm, y - 1 * mm)
    x = 147 * mm
    _label_value(canvas, font, "发票号码：", sheet.number or "", x, PAGE_HEIGHT - 14 * mm)
    _label_value(canvas, font, "开票日期：", china_date(sheet.issued_at), x, PAGE_HEIGHT - 20 * mm)
    if page_of[1] > 1:
        pages = f"共{page_of[1]}页 第{page_of[0]}页"
        _text(canvas, font, pages, x, PAGE_HEIGHT - 26 * mm, 8, INK)


def _draw_qr(canvas: Canvas, sheet: Sheet) -> None:
    """The QR code of an issued invoice; a preview or a cancelled copy has none to scan."""
    side, x, y = 20 * mm, LEFT + 2 * mm, PAGE_HEIGHT - 28 * mm
    if sheet.number and not sheet.preview and not sheet.stamp:
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
    label, color = (sheet.stamp[0], RED) if sheet.stamp else ("二维码", INK)
    _text(canvas, sheet.font, label, x + side / 2, y + side / 2 - 1 * mm, 8, color, "center")


def _draw_red_mark(canvas: Canvas, font: str, x: float, y: float) -> None:
    """A boxed 红字 next to the title, so a red-letter invoice is seen at a glance."""
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(1)
    canvas.rect(x, y - 1.2 * mm, 11 * mm, 6 * mm)
    _text(canvas, font, "红字", x + 5.5 * mm, y, 11, RED, "center")


def _label_value(canvas: Canvas, font: str, label: str, value: str, x: float, y: float) -> None:
    _text(canvas, font, label, x, y, 9, INK)
    _text(canvas, font, value, x + pdfmetrics.stringWidth(label, font, 9), y, 9, black)


# --- frame and parties ----------------------------------------------------------------------


def _draw_frame(canvas: Canvas, font: str, lower: LastPage) -> None:
    remark_top, grand_total_top = lower.remark_top, lower.grand_total_top
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.rect(LEFT, FRAME_BOTTOM, RIGHT - LEFT, FRAME_TOP - FRAME_BOTTOM)
    canvas.setLineWidth(0.5)
    for y in (PARTY_BOTTOM, grand_total_top, remark_top):
        canvas.line(LEFT, y, RIGHT, y)
    for x in (LEFT + LABEL_WIDTH, _MIDDLE, _MIDDLE + LABEL_WIDTH):
        canvas.line(x, PARTY_BOTTOM, x, FRAME_TOP)
    canvas.line(LEFT + LABEL_WIDTH, FRAME_BOTTOM, LEFT + LABEL_WIDTH, remark_top)
    canvas.line(LEFT + 42 * mm, remark_top, LEFT + 42 * mm, grand_total_top)
    _vertical_label(canvas, font, "购买方信息", LEFT, PARTY_BOTTOM, FRAME_TOP)
    _vertical_label(canvas, font, "销售方信息", _MIDDLE, PARTY_BOTTOM, FRAME_TOP)
    _vertical_label(canvas, font, "备注", LEFT, FRAME_BOTTOM, remark_top)


def _vertical_label(
    canvas: Canvas, font: str, text: str, x: float, bottom: float, top: float
) -> None:
    """Characters stacked top to bottom, centred in a LABEL_WIDTH column."""
    step = min(4 * mm, (top - bottom) / (len(text) + 1))
    first = (top + bottom) / 2 + step * (len(text) - 1) / 2 - 1.2 * mm
    for i, char in enumerate(text):
        _text(canvas, font, char, x + LABEL_WIDTH / 2, first - i * step, 9, INK, "center")


def _draw_parties(canvas: Canvas, sheet: Sheet) -> None:
    buyer = sheet.data.buyer
    _party(canvas, sheet.font, LEFT + LABEL_WIDTH, buyer.name, buyer.tax_id)
    _party(canvas, sheet.font, _MIDDLE + LABEL_WIDTH, sheet.seller.name, sheet.seller.tax_id)


def _party(canvas: Canvas, font: str, x: float, name: str, tax_id: str) -> None:
    width = _MIDDLE - LEFT - LABEL_WIDTH - 2 * CELL_PAD
    label = f'<font color="{INK.hexval()}">'
    paragraphs = [
        Paragraph(f"{label}名称：</font>{escape(name)}", _style(font, 9)),
        Paragraph(
            f"{label}统一社会信用代码/纳税人识别号：</font>{escape(tax_id)}", _style(font, 9)
        ),
    ]
    usable = FRAME_TOP - PARTY_BOTTOM - 5 * mm
    box = KeepInFrame(width, usable, paragraphs, mode="shrink")
    _, height = box.wrapOn(canvas, width, usable)
    box.drawOn(canvas, x + CELL_PAD, FRAME_TOP - 3 * mm - height)


# --- lines ----------------------------------------------------------------------------------


def _draw_column_titles(canvas: Canvas, font: str) -> None:
    y = PARTY_BOTTOM - COLUMN_TITLE_HEIGHT + 2 * mm
    for left, column in zip(column_lefts(), COLUMNS, strict=True):
        _text(canvas, font, column.title, left + column.width / 2, y, 9, INK, "center")


def _row(canvas: Canvas, font: str, line: PrintedLine) -> Row:
    """Text cells wrap to their column (shrunk past MAX_ROW_HEIGHT); numbers stay on one line."""
    cells: list[Flowable] = []
    height = 0.0
    for text, column in zip(line.cells, COLUMNS, strict=True):
        width = column.width - 2 * CELL_PAD
        if column.numeric:
            cell: Flowable = OneLine(text, NUMBER_FONT, CELL_SIZE, width, column.align)
            cells.append(cell)
            height = max(height, cell.height)
            continue
        cell = Paragraph(escape(text), _style(font, CELL_SIZE, column.align))
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


def _draw_totals(canvas: Canvas, sheet: Sheet, lower: LastPage) -> None:
    data, font = sheet.data, sheet.font
    lefts = column_lefts()
    y = lower.grand_total_top + 2 * mm
    _text(canvas, font, "合          计", LEFT + COLUMNS[0].width / 2, y, 9, INK, "center")
    for index, value in ((5, data.total_amount), (7, data.total_tax)):
        right = lefts[index] + COLUMNS[index].width - CELL_PAD
        _number(canvas, f"¥{money(value)}", right, y, 9, COLUMNS[index].width - 2 * CELL_PAD)
    y = lower.remark_top + 2.8 * mm
    _text(canvas, font, "价税合计（大写）", LEFT + 21 * mm, y, 9, INK, "center")
    total = data.total
    _draw_circled_x(canvas, LEFT + 46 * mm, y + 1.1 * mm)
    label_x = LEFT + 128 * mm
    upper_x = LEFT + 49 * mm
    upper = rmb_upper(total)
    size = fitted_size(upper, font, 10, label_x - 2 * mm - upper_x)  # stays clear of （小写）
    _text(canvas, font, upper, upper_x, y, size, black)
    _text(canvas, font, "（小写）", label_x, y, 9, INK)
    figure_left = label_x + pdfmetrics.stringWidth("（小写）", font, 9) + 1 * mm
    _number(canvas, f"¥{money(total)}", RIGHT - 6 * mm, y, 10, RIGHT - 6 * mm - figure_left)


def _draw_circled_x(canvas: Canvas, x: float, y: float) -> None:
    """⊗ drawn, not typed: the glyph is not in every Song font."""
    radius = 1.5 * mm
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.5)
    canvas.circle(x, y, radius)
    offset = radius * 0.7071
    canvas.line(x - offset, y - offset, x + offset, y + offset)
    canvas.line(x - offset, y + offset, x + offset, y - offset)


def _remark_box(canvas: Canvas, sheet: Sheet) -> tuple[Flowable | None, LastPage]:
    """The remark, line breaks kept, at a legible size: the box grows before the text shrinks.

    Only a remark beyond what input allows (200 GBK bytes, 5 lines) plus the buyer's details
    can outgrow REMARK_MAX_HEIGHT; then, as a last resort, the text shrinks to fit.
    """
    lines = remark_lines(sheet.data, sheet.kind)
    if not lines:
        return None, LastPage()
    width = RIGHT - LEFT - LABEL_WIDTH - 2 * CELL_PAD
    for size in REMARK_SIZES:
        paragraphs = [Paragraph(escape(line), _style(sheet.font, size)) for line in lines]
        needed = sum(p.wrap(width, PAGE_HEIGHT)[1] for p in paragraphs) + 2 * CELL_PAD
        if needed <= REMARK_HEIGHT:
            break
    lower = LastPage(min(max(needed, REMARK_HEIGHT), REMARK_MAX_HEIGHT))
    box = KeepInFrame(width, lower.remark_height - 2 * CELL_PAD, paragraphs, mode="shrink")
    return box, lower


def _draw_remark(canvas: Canvas, box: Flowable, lower: LastPage) -> None:
    width = RIGHT - LEFT - LABEL_WIDTH - 2 * CELL_PAD
    _, used = box.wrapOn(canvas, width, lower.remark_height - 2 * CELL_PAD)
    box.drawOn(canvas, LEFT + LABEL_WIDTH + CELL_PAD, lower.remark_top - CELL_PAD - used)


def _draw_watermark(canvas: Canvas, font: str) -> None:
    canvas.saveState()
    canvas.setFillColor(Color(0.55, 0.55, 0.55), alpha=0.35)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(24)
    canvas.setFont(font, 30)
    canvas.drawCentredString(0, 0, WATERMARK)
    canvas.restoreState()


def _draw_stamp(canvas: Canvas, font: str, stamp: tuple[str, str]) -> None:
    """A large red stamp across the page: 作废 / 已红冲 with a bilingual line beneath."""
    mark, note = stamp
    mark_size, note_size = 60.0, 10.0
    width = (
        max(pdfmetrics.stringWidth(s, font, z) for s, z in ((mark, mark_size), (note, note_size)))
        + 14 * mm
    )
    height = mark_size + note_size + 14 * mm
    canvas.saveState()
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2 - 6 * mm)
    canvas.rotate(18)
    canvas.setStrokeColor(RED, alpha=0.7)
    canvas.setFillColor(RED, alpha=0.5)  # the figures beneath stay readable for the records
    canvas.setLineWidth(3)
    canvas.roundRect(-width / 2, -height / 2, width, height, 4 * mm)
    canvas.setLineWidth(1)
    inset = 2 * mm
    canvas.roundRect(
        -width / 2 + inset, -height / 2 + inset, width - 2 * inset, height - 2 * inset, 3 * mm
    )
    canvas.setFont(font, mark_size)
    canvas.drawCentredString(0, -height / 2 + note_size + 9 * mm, mark)
    canvas.setFont(font, note_size)
    canvas.drawCentredString(0, -height / 2 + 5 * mm, note)
    canvas.restoreState()


# --- text primitives ------------------------------------------------------------------------


def _draw_string(canvas: Canvas, x: float, y: float, text: str, align: Align) -> None:
    draw = {
        "left": canvas.drawString,
        "center": canvas.drawCentredString,
        "right": canvas.drawRightString,
    }[align]
    draw(x, y, text)


def _text(
    canvas: Canvas,
    font: str,
    text: str,
    x: float,
    y: float,
    size: float,
    color: Color,
    align: Align = "left",
) -> None:
    canvas.setFillColor(color)
    canvas.setFont(font, size)
    _draw_string(canvas, x, y, text, align)


def _number(canvas: Canvas, text: str, right: float, y: float, size: float, width: float) -> None:
    """A figure right-aligned at `right`, shrunk rather than crossing into `width`'s left."""
    canvas.setFillColor(black)
    canvas.setFont(NUMBER_FONT, fitted_size(text, NUMBER_FONT, size, width))
    canvas.drawRightString(right, y, text)


__all__ = ["cached_invoice_pdf", "cjk_font", "register_cjk_font", "render_invoice_pdf"]
