"""The tax classification table: guessing a category, its rate and the remark it needs."""

from __future__ import annotations

import pytest

from core.catalog import (
    CATEGORIES,
    REMARK_PARTS,
    Category,
    category_named,
    classify,
    format_item_name,
)
from core.money import TAX_RATES


@pytest.mark.parametrize(
    ("item_name", "category", "rate", "remark_kind"),
    [
        ("软件开发服务", "信息技术服务", "6%", None),
        ("云服务器运维", "信息技术服务", "6%", None),
        ("管理咨询服务", "现代服务", "6%", None),
        ("办公楼装修工程", "建筑服务", "9%", "construction"),
        ("国内货物运输", "运输服务", "9%", "transport"),
        ("商铺销售", "不动产", "9%", "real_estate"),
        ("办公室租赁", "经营租赁", "9%", "real_estate"),
        ("工作餐", "餐饮服务", "6%", None),
        ("住宿费", "住宿服务", "6%", None),
        ("劳务派遣服务", "劳务派遣", "5%", "differential"),
        ("国内旅游团费", "旅游服务", "6%", "differential"),
        ("A4打印纸", "办公用品", "13%", None),
        ("办公耗材", "办公用品", "13%", None),
        ("打印耗材一批", "办公用品", "13%", None),
        ("笔记本电脑", "计算机设备", "13%", None),
    ],
)
def test_a_category_is_guessed_from_the_item_name(
    item_name: str, category: str, rate: str, remark_kind: str | None
) -> None:
    found = classify(item_name)
    assert found is not None
    assert (found.name, found.default_rate, found.remark_kind) == (category, rate, remark_kind)


@pytest.mark.parametrize("item_name", ["服务费", "礼品", "杂项", "", "   "])
def test_a_name_that_says_nothing_about_the_business_gets_no_guess(item_name: str) -> None:
    assert classify(item_name) is None


def test_the_longest_matching_keyword_wins() -> None:
    # "劳务派遣" (4 characters) beats any shorter keyword the name may contain.
    assert classify("建筑工地劳务派遣") == classify("劳务派遣")


def test_a_category_is_found_by_its_own_short_name_or_printed_form() -> None:
    for category in CATEGORIES:
        assert classify(category.name) == category
        assert classify(format_item_name(category, "某项目")) == category


def test_the_printed_item_name_has_its_category_between_asterisks() -> None:
    category = classify("软件开发服务")
    assert category is not None
    assert format_item_name(category, " 软件开发服务 ") == "*信息技术服务*软件开发服务"
    assert format_item_name("建筑服务", "工程款") == "*建筑服务*工程款"


def test_every_category_has_a_rate_the_invoice_allows_and_known_remark_parts() -> None:
    for category in CATEGORIES:
        assert category.default_rate in TAX_RATES
        assert category.remark_kind is None or category.remark_kind in REMARK_PARTS
        assert category.keywords, category.name
    assert len({c.name for c in CATEGORIES}) == len(CATEGORIES)


def test_each_special_remark_asks_for_the_parts_the_business_needs() -> None:
    keys = {kind: [key for key, _zh, _en in parts] for kind, parts in REMARK_PARTS.items()}
    assert keys == {
        "construction": ["project_name", "project_place"],
        "transport": ["route", "vehicle"],
        "real_estate": ["property_address"],
        "differential": ["deduction"],
    }
    for parts in REMARK_PARTS.values():
        assert all(zh and en for _key, zh, en in parts)


def test_a_category_is_immutable() -> None:
    category = Category(name="测试", default_rate="6%")
    with pytest.raises(ValueError):
        category.name = "其他"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("item_name", "category"),
    [
        ("Software development service", "信息技术服务"),
        ("Cloud hosting", "信息技术服务"),
        ("Consulting", "现代服务"),
        ("Freight", "运输服务"),
        ("Office rent", "经营租赁"),
        ("Printer paper", "办公用品"),
        ("Servers", "计算机设备"),
    ],
)
def test_english_item_names_are_classified_too(item_name: str, category: str) -> None:
    found = classify(item_name)
    assert found is not None and found.name == category


@pytest.mark.parametrize("item_name", ["Detour fee", "Current account fee", "Misc fee"])
def test_an_english_keyword_counts_only_as_a_whole_word(item_name: str) -> None:
    assert classify(item_name) is None  # "tour" is not in "detour", nor "rent" in "current"


@pytest.mark.parametrize(
    "typed", ["现代服务", "*现代服务*", " 现代服务 ", "category:现代服务",
              "consulting, design and other modern services"]
)
def test_a_category_is_found_by_what_a_person_types_or_presses(typed: str) -> None:
    found = category_named(typed)
    assert found is not None and found.name == "现代服务"


@pytest.mark.parametrize("typed", ["", "杂项", "现代", "研发服务"])
def test_a_name_that_is_not_a_category_finds_none(typed: str) -> None:
    assert category_named(typed) is None


def test_every_category_has_an_english_label_without_chinese() -> None:
    for category in CATEGORIES:
        assert category.label_en and category.label_en.isascii(), category.name
