"""The invoice PDF, read back with poppler: the text is really there and the page is not blank."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image  # a dependency of reportlab

from core.clock import CHINA
from core.models import Buyer, BuyerKind, InvoiceData, InvoiceType, Line
from core.money import split_line
from core.pdf import render_invoice_pdf
from core.pdf_layout import COLUMNS, LEFT, PAGE_HEIGHT, ROWS_BOTTOM, ROWS_TOP, Kind
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
) -> Path:
    return render_invoice_pdf(
        data,
        SELLER,
        number=number,
        issued_at=ISSUED_AT,
        kind=kind,
        preview=preview,
        path=tmp_path / "invoice.pdf",
    )


def pdf_text(path: Path, page: int | None = None, *, mode: str = "-layout") -> str:
    """The text as poppler reads it; "-raw" keeps rotated text that -layout leaves out."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    result = subprocess.run(
        ["pdftotext", mode, *pages, str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


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


def words_in_name_column(path: Path) -> list[tuple[float, str]]:
    """(xMax, text) of every word printed in the 项目名称 column between the titles and 合计."""
    result = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    )
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)<', result.stdout
    )
    top, bottom = PAGE_HEIGHT - ROWS_TOP, PAGE_HEIGHT - ROWS_BOTTOM
    return [
        (float(x_max), text)
        for x_min, y_min, x_max, text in words
        if LEFT <= float(x_min) < LEFT + COLUMNS[0].width and top < float(y_min) < bottom
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
    assert "预览 PREVIEW — 非正式发票" in pdf_text(path, mode="-raw")
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
