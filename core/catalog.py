"""A small table of tax classifications: the short name printed as `*category*name`, the usual
rate, the remark the business needs, and keywords to guess the category from an item name.

The guess is a suggestion for the form (the person confirms or picks another category); it is
not a replacement for the seller's own classification codes.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from pydantic import BaseModel

RemarkKind = Literal["construction", "transport", "real_estate", "differential"]


class Category(BaseModel, frozen=True):
    """One tax classification as printed on the invoice."""

    name: str  # short name printed between asterisks
    default_rate: str  # a key of core.money.TAX_RATES
    label_en: str = ""  # what an English-speaking person is shown (the invoice prints `name`)
    remark_kind: RemarkKind | None = None
    keywords: tuple[str, ...] = ()


CATEGORIES: tuple[Category, ...] = (
    Category(
        name="信息技术服务",
        label_en="Information technology services",
        default_rate="6%",
        keywords=(
            "软件",
            "系统开发",
            "信息技术",
            "技术服务",
            "技术支持",
            "运维",
            "系统集成",
            "云服务",
            "数据处理",
            "网站",
            "小程序",
            "app开发",
            "saas",
            "信息系统",
            # English names people type (whole words only)
            "software",
            "it service",
            "it services",
            "cloud",
            "hosting",
            "website",
            "web development",
            "app development",
            "data processing",
            "system integration",
            "it support",
            "technical support",
        ),
    ),
    Category(
        name="现代服务",
        label_en="Consulting, design and other modern services",
        default_rate="6%",
        keywords=(
            "咨询",
            "设计",
            "广告",
            "会议",
            "会展",
            "翻译",
            "审计",
            "代理",
            "市场推广",
            "策划",
            "检测",
            "培训",
            # English names people type (whole words only)
            "consulting",
            "consultancy",
            "advisory",
            "design",
            "advertising",
            "translation",
            "audit",
            "marketing",
            "training",
            "conference",
            "exhibition",
        ),
    ),
    Category(
        name="建筑服务",
        label_en="Construction services",
        default_rate="9%",
        remark_kind="construction",
        keywords=(
            "施工",
            "工程款",
            "工程服务",
            "装修",
            "装饰工程",
            "安装",
            "建筑",
            "土建",
            "修缮",
            "工程",
            # English names people type (whole words only)
            "construction",
            "renovation",
            "installation",
            "decoration works",
            "building works",
        ),
    ),
    Category(
        name="运输服务",
        label_en="Transport services",
        default_rate="9%",
        remark_kind="transport",
        keywords=(
            "运输",
            "运费",
            "货运",
            "物流运输",
            "客运",
            "配送运输",
            "transport",
            "transportation",
            "freight",
            "shipping",
            "logistics",
            "haulage",
        ),
    ),
    Category(
        name="不动产",
        label_en="Sale of real estate",
        default_rate="9%",
        remark_kind="real_estate",
        keywords=(
            "商品房",
            "房屋销售",
            "商铺",
            "写字楼",
            "厂房",
            "车位",
            "不动产",
            "real estate",
            "property sale",
            "sale of property",
        ),
    ),
    Category(
        name="经营租赁",
        label_en="Leasing (rent)",
        default_rate="9%",
        remark_kind="real_estate",
        keywords=(
            "房租",
            "房屋租赁",
            "租金",
            "场地租赁",
            "办公室租赁",
            "场地费",
            "仓库租赁",
            "rental",
            "leasing",
            "lease",
            "office rent",
            "rent",
        ),
    ),
    Category(
        name="餐饮服务",
        label_en="Catering",
        default_rate="6%",
        keywords=(
            "餐费",
            "餐饮",
            "用餐",
            "工作餐",
            "伙食",
            "会餐",
            "catering",
            "meal",
            "dining",
            "restaurant",
        ),
    ),
    Category(
        name="住宿服务",
        label_en="Accommodation",
        default_rate="6%",
        keywords=(
            "住宿",
            "房费",
            "酒店",
            "宾馆",
            "accommodation",
            "hotel",
            "lodging",
        ),
    ),
    Category(
        name="劳务派遣",
        label_en="Labour dispatch",
        default_rate="5%",
        remark_kind="differential",
        keywords=(
            "劳务派遣",
            "派遣服务",
            "人力外包",
            "labour dispatch",
            "labor dispatch",
            "staffing",
            "staff outsourcing",
        ),
    ),
    Category(
        name="旅游服务",
        label_en="Travel services",
        default_rate="6%",
        remark_kind="differential",
        keywords=(
            "旅游",
            "旅行",
            "团费",
            "差旅服务",
            "travel",
            "tour",
            "tourism",
        ),
    ),
    Category(
        name="办公用品",
        label_en="Office supplies",
        default_rate="13%",
        keywords=(
            "办公用品",
            "文具",
            "打印纸",
            "复印纸",
            "a4纸",
            "签字笔",
            "文件夹",
            "墨盒",
            "硒鼓",
            "订书机",
            "办公耗材",
            "打印耗材",
            # English names people type (whole words only)
            "office supplies",
            "stationery",
            "paper",
            "printer paper",
            "toner",
            "ink cartridge",
            "folder",
        ),
    ),
    Category(
        name="计算机设备",
        label_en="Computer equipment",
        default_rate="13%",
        keywords=(
            "电脑",
            "笔记本电脑",
            "计算机",
            "服务器",
            "显示器",
            "打印机",
            "键盘",
            "鼠标",
            "computer",
            "laptop",
            "server",
            "keyboard",
            "mouse",
            "desktop pc",
        ),
    ),
)

# The parts each kind of special remark needs: (part key, zh label, en label).
REMARK_PARTS: dict[RemarkKind, list[tuple[str, str, str]]] = {
    "construction": [
        ("project_name", "项目名称", "project name"),
        ("project_place", "建筑服务发生地（县、市、区）", "project place (county/city/district)"),
    ],
    "transport": [
        ("route", "起运地、到达地", "route (from, to)"),
        ("vehicle", "车种车号", "vehicle type and plate number"),
    ],
    "real_estate": [
        ("property_address", "不动产详细地址", "full address of the property"),
    ],
    "differential": [
        ("deduction", "差额征税扣除额", "deduction amount (differential taxation)"),
    ],
}


@functools.lru_cache(maxsize=4096)  # categories never change at run time
def classify(item_name: str) -> Category | None:
    """The category named (`*cat*name` or its short name), else the longest keyword match."""
    text = (item_name or "").strip().lower()
    printed = re.fullmatch(r"\*([^*]+)\*.*", text)  # "*建筑服务*..." or a category's own name
    named = find_category(printed.group(1) if printed else text)
    if named is not None:
        return named
    best: tuple[int, Category] | None = None
    for category in CATEGORIES:
        for keyword in category.keywords:
            if _contains(text, keyword) and (best is None or len(keyword) > best[0]):
                best = (len(keyword), category)
    return best[1] if best else None


def _contains(text: str, keyword: str) -> bool:
    """A Chinese keyword anywhere in the name; an English one as whole words ("tour" is not
    in "detour", "rent" not in "current"), a plural -s allowed."""
    if not keyword.isascii():
        return keyword in text
    return re.search(rf"(?<![a-z0-9]){re.escape(keyword)}(?:s|es)?(?![a-z0-9])", text) is not None


def find_category(name: str) -> Category | None:
    """The category with this short name, if it is in the table."""
    return next((category for category in CATEGORIES if category.name == name), None)


def category_named(text: str) -> Category | None:
    """The category a person typed or picked: its short name ("信息技术服务", "*信息技术服务*"),
    its English label (any case), or a button's id ("category:信息技术服务")."""
    cleaned = re.sub(r"\s+", " ", (text or "").strip()).removeprefix("category:").strip("*＊ ")
    lowered = cleaned.lower()
    return next((c for c in CATEGORIES if cleaned == c.name or lowered == c.label_en.lower()), None)


def format_item_name(category: Category | str, name: str) -> str:
    """The item name as printed: `*信息技术服务*软件开发服务`."""
    short = category.name if isinstance(category, Category) else category
    return f"*{short}*{name.strip()}"
