"""The invoice PDF, read back with poppler: the text is really there and the page is not blank."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from PIL import Image  # a dependency of reportlab

import core.pdf
from core.clock import CHINA
from core.models import Buyer, BuyerKind, InvoiceData, InvoiceType, Line, Status
from core.money import split_line
from core.pdf import cached_invoice_pdf, register_cjk_font, render_invoice_pdf
from core.pdf_layout import (
    CELL_PAD,
    CID_FONT,
    COLUMNS,
    FRAME_BOTTOM,
    LABEL_WIDTH,
    LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT,
    ROWS_BOTTOM,
    ROWS_TOP,
    SHIPPED_FONT,
    TTF_FONT,
    Kind,
    column_lefts,
)
from core.settings import SellerSettings

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) is not installed; CI installs it",
)

SELLER = SellerSettings()
ISSUED_AT = datetime(2026, 3, 2, 10, 30, tzinfo=CHINA)
NUMBER = "26112000000000000042"
HUAWEI = Buyer(
    kind=BuyerKind.ORGANISATION,
    name="华为技术有限公司",
    tax_id="914403001922038216",
    address_phone="深圳市龙岗区坂田华为基地 0755-28780808",
    bank_account="招商银行深圳分行营业部 755900000000001",
)


def line(
    category: str,
    name: str,
    quantity: str,
    price: str,
    rate: str,
    *,
    unit: str = "",
    spec: str = "",
    includes_tax: bool = True,
) -> Line:
    amount, tax = split_line(Decimal(quantity), Decimal(price), rate, includes_tax=includes_tax)
    return Line(
        name=name,
        category=category,
        spec=spec,
        unit=unit,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        tax_rate=rate,
        amount=amount,
        tax=tax,
    )


def discount(of: Line, gross: str) -> Line:
    amount, tax = split_line(Decimal(1), Decimal(gross), of.tax_rate, includes_tax=True)
    return Line(
        name=of.name,
        category=of.category,
        tax_rate=of.tax_rate,
        amount=-amount,
        tax=-tax,
        discount=True,
    )


def special_with_discount() -> InvoiceData:
    development = line("信息技术服务", "软件开发服务", "1", "10600", "6%", unit="项")
    operations = line(
        "信息技术服务", "系统运维服务", "12", "2120", "6%", unit="月", spec="7×24 小时驻场"
    )
    return InvoiceData(
        invoice_type=InvoiceType.SPECIAL,
        buyer=HUAWEI,
        prices_include_tax=True,
        lines=[development, discount(development, "1060"), operations],
        remark="合同编号：HW-2026-0318",
    )


def persons_ordinary() -> InvoiceData:
    return InvoiceData(
        invoice_type=InvoiceType.ORDINARY,
        prices_include_tax=True,
        buyer=Buyer(kind=BuyerKind.PERSON, name="张伟"),
        lines=[
            line("餐饮服务", "餐费", "1", "318", "6%", unit="次"),
            line("住宿服务", "住宿费", "2", "530", "6%", unit="间夜", spec="大床房"),
        ],
    )


def red_letter_of(data: InvoiceData, original_number: str) -> InvoiceData:
    """As issuance makes it: the original's lines negated, the remark filled in."""
    lines = [
        item.model_copy(
            update={
                "quantity": -item.quantity if item.quantity is not None else None,
                "amount": -item.amount,
                "tax": -item.tax,
            }
        )
        for item in data.lines
    ]
    remark = f"被红冲蓝字数电发票号码：{original_number} 红冲原因：开票有误"
    return data.model_copy(update={"lines": lines, "remark": remark})


def fifty_lines() -> InvoiceData:
    items = [
        line(
            "办公用品",
            f"A4复印纸 第{i:02d}批",
            "10",
            "25",
            "13%",
            unit="包",
            spec="70g 500张/包",
            includes_tax=False,
        )
        for i in range(1, 51)
    ]
    return InvoiceData(invoice_type=InvoiceType.SPECIAL, buyer=HUAWEI, lines=items)


def render(
    tmp_path: Path,
    data: InvoiceData,
    *,
    kind: Kind = "blue",
    preview: bool = False,
    number: str | None = NUMBER,
    status: Status | None = None,
) -> Path:
    return render_invoice_pdf(
        data,
        SELLER,
        number=number,
        issued_at=ISSUED_AT,
        kind=kind,
        preview=preview,
        path=tmp_path / "invoice.pdf",
        status=status,
    )


def pdf_text(path: Path, page: int | None = None, *, mode: str = "-layout") -> str:
    """The text as poppler reads it; "-raw" keeps rotated text that -layout leaves out."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    result = subprocess.run(
        ["pdftotext", mode, *pages, str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def flat(text: str) -> str:
    """Text with every run of white space made one space (rotated text breaks unevenly)."""
    return " ".join(text.split())


def page_count(path: Path) -> int:
    return pdf_text(path).count("\f")


def dark_share(path: Path, tmp_path: Path) -> float:
    """Share of clearly inked pixels on page 1 at 60 dpi; a blank page gives 0."""
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "page.png").convert("L")
    histogram = image.histogram()
    return sum(histogram[:160]) / (image.width * image.height)


@dataclass(frozen=True)
class Word:
    """A word as poppler places it, in points from the page's top left."""

    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str


def words(path: Path, page: int = 1) -> list[Word]:
    result = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<',
        result.stdout,
    )
    return [Word(float(a), float(b), float(c), float(d), unescape(t)) for a, b, c, d, t in found]


def words_in_name_column(path: Path) -> list[tuple[float, str]]:
    """(xMax, text) of every word printed in the 项目名称 column between the titles and 合计."""
    top, bottom = PAGE_HEIGHT - ROWS_TOP, PAGE_HEIGHT - ROWS_BOTTOM
    return [
        (word.x_max, word.text)
        for word in words(path)
        if LEFT <= word.x_min < LEFT + COLUMNS[0].width and top < word.y_min < bottom
    ]


# --- a special invoice with a discount ------------------------------------------------------


def test_special_invoice_prints_parties_lines_discount_and_totals(tmp_path: Path) -> None:
    text = pdf_text(render(tmp_path, special_with_discount()))
    for expected in (
        "电子发票（增值税专用发票）",
        f"发票号码：{NUMBER}",
        "开票日期：2026年03月02日",
        "华为技术有限公司",
        "914403001922038216",
        SELLER.name,
        SELLER.tax_id,
        "*信息技术服务*软件开发服务",
        "*信息技术服务*系统运维服务",
        "项目名称",
        "税率/征收率",
        "10000.00",
        "600.00",
        "-1000.00",
        "-60.00",
        "24000.00",
        "1440.00",
        "¥33000.00",
        "¥1980.00",
        "价税合计（大写）",
        "叁万肆仟玖佰捌拾圆整",
        "¥34980.00",
        "合同编号：HW-2026-0318",
        "购买方地址、电话：深圳市龙岗区坂田华为基地 0755-28780808",
        "购买方开户银行及账号：招商银行深圳分行营业部 755900000000001",
        f"开票人：{SELLER.issuer}",
    ):
        assert expected in text, expected
    assert "预览" not in text and "红字" not in text


def test_special_invoice_page_is_not_blank(tmp_path: Path) -> None:
    share = dark_share(render(tmp_path, special_with_discount()), tmp_path)
    assert share > 0.015, f"only {share:.2%} of the page is inked"


def test_prices_including_tax_print_the_price_without_tax(tmp_path: Path) -> None:
    text = pdf_text(render(tmp_path, special_with_discount()))
    assert re.search(r"\b12\s+2000\.00\s+24000\.00\s+6%\s+1440\.00", text)


# --- a person's ordinary invoice ------------------------------------------------------------


def test_persons_ordinary_invoice_has_the_ordinary_title_and_no_tax_id(tmp_path: Path) -> None:
    path = render(tmp_path, persons_ordinary())
    text = pdf_text(path)
    for expected in (
        "电子发票（普通发票）",
        "名称：张伟",
        "*餐饮服务*餐费",
        "*住宿服务*住宿费",
        "大床房",
        "¥1300.00",
        "¥78.00",
        "壹仟叁佰柒拾捌圆整",
        "¥1378.00",
        NUMBER,
    ):
        assert expected in text, expected
    assert "增值税专用发票" not in text and "购买方地址" not in text
    assert dark_share(path, tmp_path) > 0.015


def test_preview_carries_the_watermark_and_no_number(tmp_path: Path) -> None:
    path = render(tmp_path, persons_ordinary(), preview=True, number=None)
    assert "预览 PREVIEW — 非正式发票" in flat(pdf_text(path, mode="-raw"))
    text = pdf_text(path)
    assert NUMBER not in text
    assert "壹仟叁佰柒拾捌圆整" in text


# --- a red-letter invoice -------------------------------------------------------------------


def test_red_letter_invoice_prints_negative_amounts_and_marks(tmp_path: Path) -> None:
    original = special_with_discount()
    text = pdf_text(
        render(tmp_path, red_letter_of(original, NUMBER), kind="red", number="26112000000000000043")
    )
    for expected in (
        "红字",
        "销项负数",
        "¥-33000.00",
        "¥-1980.00",
        "负叁万肆仟玖佰捌拾圆整",
        "¥-34980.00",
        "-10000.00",
        "-600.00",
        f"被红冲蓝字数电发票号码：{NUMBER}",
    ):
        assert expected in text, expected
    assert re.search(r"-1\s+10000\.00\s+-10000\.00", text), "quantity negative, price positive"
    assert re.search(r"\s1000\.00\s+6%\s+60\.00", text), "the discount turns positive"


def test_red_letter_of_the_original_data_prints_negative_too(tmp_path: Path) -> None:
    text = pdf_text(render(tmp_path, special_with_discount(), kind="red"))
    assert "¥-34980.00" in text and "负叁万肆仟玖佰捌拾圆整" in text


# --- many lines -----------------------------------------------------------------------------


def test_fifty_lines_flow_onto_pages_with_header_repeated_and_totals_last(tmp_path: Path) -> None:
    path = render(tmp_path, fifty_lines())
    pages = page_count(path)
    assert pages > 1
    for page in range(1, pages + 1):
        text = pdf_text(path, page)
        for header in (
            "电子发票（增值税专用发票）",
            NUMBER,
            "华为技术有限公司",
            "项目名称",
            f"共{pages}页 第{page}页",
        ):
            assert header in text, (page, header)
        assert ("壹万肆仟壹佰贰拾伍圆整" in text) == (page == pages)
    whole = pdf_text(path)
    for i in range(1, 51):
        assert whole.count(f"A4复印纸 第{i:02d}批") == 1, i
    assert "¥12500.00" in whole and "¥1625.00" in whole and "¥14125.00" in whole
    assert dark_share(path, tmp_path) > 0.015


def test_a_long_name_wraps_inside_its_column(tmp_path: Path) -> None:
    long_name = "企业级数据中台建设项目之需求调研、架构设计、开发实施、系统集成与上线运维一体化服务"
    data = persons_ordinary().model_copy(
        update={"lines": [line("信息技术服务", long_name, "1", "10600", "6%", unit="项")]}
    )
    path = render(tmp_path, data)
    words = words_in_name_column(path)
    column_right = LEFT + COLUMNS[0].width
    assert len(words) >= 2, "the name wraps onto more than one line"
    assert all(x_max <= column_right for x_max, _text in words), words
    assert "".join(text for _x_max, text in words) == f"*信息技术服务*{long_name}"


def test_a_tax_exempt_line_prints_the_rate_as_exempt_and_the_tax_as_stars(tmp_path: Path) -> None:
    books = line("图书", "《增值税实务》", "2", "59", "exempt", unit="本")
    data = persons_ordinary().model_copy(update={"lines": [books]})
    text = pdf_text(render(tmp_path, data))
    assert re.search(r"\b2\s+59\.00\s+118\.00\s+免税\s+\*\*\*", text)
    assert "¥118.00" in text and "壹佰壹拾捌圆整" in text


# --- a voided or red-flushed invoice's copy -------------------------------------------------


def red_share(path: Path, tmp_path: Path, name: str = "red") -> float:
    """Share of page 1's pixels in the stamp's red (not the form's brown, which is darker)."""
    out = tmp_path / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path), str(out)],
        check=True,
    )
    image = Image.open(f"{out}.png").convert("RGB")
    data = image.tobytes()
    red = sum(
        1
        for i in range(0, len(data), 3)
        if data[i] > 190 and data[i] - data[i + 1] > 70 and data[i] - data[i + 2] > 70
    )
    return red / (image.width * image.height)


@pytest.mark.parametrize(
    ("status", "mark", "note"),
    [(Status.VOIDED, "作 废", "VOID"), (Status.RED_FLUSHED, "已红冲", "RED-FLUSHED")],
)
def test_a_cancelled_invoice_is_stamped_across_the_page_and_loses_its_qr(
    tmp_path: Path, status: Status, mark: str, note: str
) -> None:
    path = render(tmp_path, special_with_discount(), status=status)
    text = flat(pdf_text(path, mode="-raw"))
    assert mark in text and note in text and "NOT A VALID INVOICE" in text
    assert "¥34980.00" in text, "the content is still there for finance's records"
    assert red_share(path, tmp_path) > 0.02, "a large red stamp"
    assert NUMBER in text and "二维码" not in text


def test_an_issued_invoice_carries_no_stamp(tmp_path: Path) -> None:
    path = render(tmp_path, special_with_discount(), status=Status.ISSUED)
    text = flat(pdf_text(path, mode="-raw"))
    assert "VOID" not in text and "作 废" not in text and "已红冲" not in text
    assert red_share(path, tmp_path) < 0.001


def test_the_cached_copy_follows_the_status(tmp_path: Path) -> None:
    def copy(status: Status) -> Path:
        return cached_invoice_pdf(
            tmp_path / "files",
            NUMBER,
            special_with_discount(),
            SELLER,
            number=NUMBER,
            issued_at=ISSUED_AT,
            kind="blue",
            status=status,
        )

    issued = copy(Status.ISSUED)
    assert copy(Status.ISSUED) == issued, "rendered once per status"
    voided = copy(Status.VOIDED)
    assert voided != issued and voided.name == issued.name == f"{NUMBER}.pdf"
    assert "作 废" in flat(pdf_text(voided, mode="-raw"))
    assert "作 废" not in flat(pdf_text(issued, mode="-raw"))


# --- the embedded font ----------------------------------------------------------------------


def fonts_of(path: Path) -> list[list[str]]:
    result = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [row.split() for row in result.stdout.splitlines()[2:]]


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) missing")
def test_the_chinese_font_is_embedded_as_a_subset(tmp_path: Path) -> None:
    assert SHIPPED_FONT.is_file(), "the product ships its font"
    rows = fonts_of(render(tmp_path, special_with_discount()))
    assert not [row for row in rows if CID_FONT in row[0]]
    embedded = [row for row in rows if "WenQuanYi" in row[0]]
    assert embedded, rows
    for row in embedded:  # name, type…, encoding, emb, sub, uni, object ID
        assert "TrueType" in row and row[-5:-2] == ["yes", "yes", "yes"], row


def title_pixels(path: Path, tmp_path: Path, name: str, env: dict[str, str]) -> bytes:
    """Page 1's title, rendered at 100 dpi under the given fontconfig."""
    out = tmp_path / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-singlefile", str(path), str(out)],
        check=True,
        env=env,
    )
    image = Image.open(f"{out}.png").convert("L")
    scale = 100 / 72
    box = (PAGE_WIDTH * 0.3, 8 * 2.835, PAGE_WIDTH * 0.7, 20 * 2.835)  # the title, in points
    return image.crop(tuple(round(v * scale) for v in box)).tobytes()


def test_a_viewer_without_chinese_fonts_shows_the_same_characters(tmp_path: Path) -> None:
    """Under a fontconfig that knows no CJK font, a non-embedded font would print boxes."""
    config = tmp_path / "fonts.conf"
    (tmp_path / "no-fonts").mkdir()
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{tmp_path / 'no-fonts'}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
        "</fontconfig>",
        encoding="utf-8",
    )
    import os

    path = render(tmp_path, special_with_discount())
    usual = title_pixels(path, tmp_path, "usual", dict(os.environ))
    bare = title_pixels(path, tmp_path, "bare", {**os.environ, "FONTCONFIG_FILE": str(config)})
    assert usual == bare


def test_without_any_truetype_font_the_pdf_falls_back_to_the_builtin_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert register_cjk_font([tmp_path / "missing.ttf", SHIPPED_FONT]) == TTF_FONT
    assert register_cjk_font([tmp_path / "missing.ttf"]) == CID_FONT
    monkeypatch.setattr(core.pdf, "cjk_font", lambda: register_cjk_font([]))
    path = render(tmp_path, special_with_discount())
    assert "叁万肆仟玖佰捌拾圆整" in pdf_text(path)
    if shutil.which("pdffonts"):
        assert any(CID_FONT in row[0] for row in fonts_of(path))


# --- numbers, the upper-case total and the remark stay in their cells -----------------------


def eight_decimals() -> InvoiceData:
    return persons_ordinary().model_copy(
        update={
            "prices_include_tax": False,
            "lines": [
                line(
                    "信息技术服务",
                    "软件开发服务",
                    "1234567.12345678",
                    "0.12345678",
                    "6%",
                    includes_tax=False,
                ),
                line(
                    "信息技术服务",
                    "软件许可",
                    "0.12345678",
                    "12345678.12345678",
                    "13%",
                    includes_tax=False,
                ),
            ],
        }
    )


@pytest.mark.parametrize("kind", ["blue", "red"])
def test_quantities_and_prices_with_eight_decimals_stay_whole_in_their_cells(
    tmp_path: Path, kind: Kind
) -> None:
    path = render(tmp_path, eight_decimals(), kind=kind)
    sign = "-" if kind == "red" else ""
    lefts = column_lefts()
    for index, expected in (
        (3, [f"{sign}1234567.12345678", f"{sign}0.12345678"]),
        (4, ["0.12345678", "12345678.12345678"]),
    ):
        left, right = lefts[index], lefts[index] + COLUMNS[index].width
        top, bottom = PAGE_HEIGHT - ROWS_TOP, PAGE_HEIGHT - ROWS_BOTTOM
        cell = sorted(
            (w for w in words(path) if left <= w.x_min < right and top < w.y_min < bottom),
            key=lambda w: w.y_min,
        )
        assert [w.text for w in cell] == expected, COLUMNS[index].title
        assert all(w.x_max <= right - CELL_PAD + 0.5 for w in cell), cell
        assert all(w.y_max - w.y_min > 5.5 for w in cell), "still legible"


def test_an_upper_case_total_of_a_hundred_million_stays_clear_of_the_figure_label(
    tmp_path: Path,
) -> None:
    server = line("计算机设备", "服务器", "1", "99999999.99", "13%", includes_tax=False)
    data = persons_ordinary().model_copy(update={"lines": [server]})
    for kind in ("blue", "red"):
        path = render(tmp_path, data, kind=kind)
        found = words(path)
        upper = [w for w in found if "亿" in w.text]
        label = [w for w in found if w.text.startswith("（小写）")]
        assert len(upper) == 1 and len(label) == 1, [w.text for w in found if "亿" in w.text]
        assert upper[0].text.endswith("玖分")
        assert upper[0].x_max + 2 < label[0].x_min, (kind, upper[0], label[0])


REMARK_LINES = [
    "合同编号HT-2026-0001 R&D <研发> 中心",
    "项目：数据中心扩容工程配套软件与硬件采购",
    "付款方式：分三期支付验收合格后支付尾款",
    "联系人：喆堃玥珺镕 电话13800138000",
    "其他说明：本发票对应第一期款项",
]
LONG_ADDRESS = "广东省深圳市南山区粤海街道高新技术产业园区科技南十二路深圳湾科技生态园二期十号楼A座 0755-86001234"
LONG_BANK = "中国工商银行股份有限公司深圳市分行高新技术产业园区南区支行营业部 40000234092001234567"


def remark_words(path: Path) -> list[Word]:
    left = LEFT + LABEL_WIDTH
    bottom = PAGE_HEIGHT - FRAME_BOTTOM
    return [w for w in words(path) if w.x_min >= left and bottom - 45 * 2.835 < w.y_min < bottom]


@pytest.mark.parametrize("kind", ["blue", "red"])
def test_the_remark_keeps_its_line_breaks_at_a_legible_size_inside_the_frame(
    tmp_path: Path, kind: Kind
) -> None:
    buyer = HUAWEI.model_copy(update={"address_phone": LONG_ADDRESS, "bank_account": LONG_BANK})
    route = "起运地、到达地：深圳市南山区科技园至北京市海淀区中关村软件园二期十号楼"
    remark = f"{route}；车种车号：重型厢式货车 粤B12345 及挂车 粤B6789挂；" + "\n".join(
        REMARK_LINES
    )
    data = special_with_discount().model_copy(update={"buyer": buyer, "remark": remark})
    path = render(tmp_path, data, kind=kind)
    found = remark_words(path)
    starts = [w.text for w in found if abs(w.x_min - (LEFT + LABEL_WIDTH + CELL_PAD)) < 1]
    for typed in REMARK_LINES[1:]:
        assert any(typed.startswith(start) for start in starts), (typed, starts)
    assert all(w.y_max - w.y_min >= 6.8 for w in found), "7 pt at least"
    assert all(w.x_max <= RIGHT - CELL_PAD + 0.5 for w in found), "inside the right border"
    assert all(w.y_max <= PAGE_HEIGHT - FRAME_BOTTOM for w in found), "above the frame's bottom"
    text = flat(pdf_text(path))
    assert "¥34980.00" in text or "¥-34980.00" in text
