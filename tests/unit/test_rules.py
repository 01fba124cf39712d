"""Field rules: what people really type into an invoice request, and what we tell them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from core.errors import Issue
from core.models import Line
from core.rules import (
    check_address_phone,
    check_bank_account,
    check_buyer_name,
    check_item_name,
    check_lines_for_invoice,
    check_quantity,
    check_remark,
    check_spec,
    check_unit,
    check_unit_price,
    gbk_length,
)
from core.rules_messages import RULE_MESSAGES
from core.taxid import check_buyer_tax_id, check_org_tax_id, check_person_id


def codes(issues: list[Issue]) -> list[str]:
    return [issue.code for issue in issues]


def test_gbk_length_counts_a_chinese_character_as_two_bytes() -> None:
    assert gbk_length("华为 Co.") == 8


# --- buyer name --------------------------------------------------------------------------


def test_a_full_company_name_is_trimmed_and_accepted() -> None:
    assert check_buyer_name("  华为技术有限公司\u3000", buyer_kind="organisation") == (
        "华为技术有限公司",
        [],
    )


@pytest.mark.parametrize(
    "name",
    [
        "天津云上畅游科技合伙企业（有限合伙）",
        "北京市海淀区人民政府",
        "中国工商银行股份有限公司北京分行",
        "北京大学",
        "上海市第一人民医院",
        "北京某某律师事务所",
        "P&G (China) Co., Ltd.",
    ],
)
def test_an_organisation_with_its_suffix_gets_no_warning(name: str) -> None:
    assert check_buyer_name(name, buyer_kind="organisation") == (name, [])


def test_spaces_between_chinese_characters_are_dropped() -> None:
    value, _ = check_buyer_name("北京 某某科技  有限公司", buyer_kind="organisation")
    assert value == "北京某某科技有限公司"


def test_an_organisation_without_its_suffix_is_warned() -> None:
    _, issues = check_buyer_name("华为技术", buyer_kind="organisation")
    assert codes(issues) == ["buyer_name_no_suffix"] and issues[0].severity == "warning"


@pytest.mark.parametrize("name", ["公司", "有限公司", "company", "Co., Ltd.", "Limited"])
def test_a_suffix_alone_names_no_organisation_and_is_warned(name: str) -> None:
    _, issues = check_buyer_name(name, buyer_kind="organisation")
    assert codes(issues) == ["buyer_name_no_suffix"], name


def test_an_organisation_named_like_a_person_is_warned() -> None:
    _, issues = check_buyer_name("张伟", buyer_kind="organisation")
    assert codes(issues) == ["buyer_name_looks_like_person"]
    _, issues = check_buyer_name("欧阳娜娜", buyer_kind="organisation")
    assert codes(issues) == ["buyer_name_looks_like_person"]


def test_a_person_named_like_an_organisation_is_warned() -> None:
    _, issues = check_buyer_name("北京某某科技有限公司", buyer_kind="person")
    assert codes(issues) == ["buyer_name_looks_like_org"]
    assert issues[0].params["word"] == "公司"


@pytest.mark.parametrize("name", ["王小明", "阿卜杜拉·艾力", "John Smith"])
def test_a_person_name_is_accepted(name: str) -> None:
    assert check_buyer_name(name, buyer_kind="person") == (name, [])


def test_an_empty_name_is_required() -> None:
    assert codes(check_buyer_name(" ", buyer_kind="person")[1]) == ["buyer_name_required"]


def test_a_name_pasted_with_its_tax_id_on_the_next_line_is_refused() -> None:
    _, issues = check_buyer_name("某某科技有限公司\n91350100M000100Y43", buyer_kind="organisation")
    assert codes(issues) == ["buyer_name_line_break"]


@pytest.mark.parametrize(("char", "codepoint"), [("😀", "U+1F600"), ("𠀀", "U+20000")])
def test_a_character_outside_gbk_is_named(char: str, codepoint: str) -> None:
    _, issues = check_buyer_name(f"腾讯{char}科技有限公司", buyer_kind="organisation")
    assert codes(issues) == ["text_not_gbk"]
    assert issues[0].params == {"char": char, "codepoint": codepoint}


@pytest.mark.parametrize("char", ["★", "#", "@", "※"])
def test_a_special_symbol_in_a_name_is_named(char: str) -> None:
    _, issues = check_buyer_name(f"星光{char}有限公司", buyer_kind="organisation")
    assert codes(issues) == ["buyer_name_symbol"] and issues[0].params == {"char": char}


def test_a_name_over_100_gbk_bytes_says_by_how_much() -> None:
    _, issues = check_buyer_name("长" * 48 + "有限公司", buyer_kind="organisation")
    assert codes(issues) == ["buyer_name_too_long"]
    assert issues[0].params == {"length": "104", "max": "100", "over": "4"}
    assert check_buyer_name("长" * 46 + "有限公司", buyer_kind="organisation")[1] == []


# --- address and phone -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("北京市海淀区中关村大街1号 010-12345678", "北京市海淀区中关村大街1号 010-12345678"),
        ("北京市海淀区中关村大街1号\n13800138000", "北京市海淀区中关村大街1号 13800138000"),
        ("地址：上海市世纪大道100号 电话：021-6888 8888", "上海市世纪大道100号 021-6888 8888"),
        ("13800138000 深圳市南山区科技园", "深圳市南山区科技园 13800138000"),
        ("深圳市南山区科技园 4008-123-456", "深圳市南山区科技园 4008-123-456"),
        ("广州市天河区 (020)87654321转8001", "广州市天河区 (020)87654321转8001"),
        ("成都市高新区 １３８ ００１３ ８０００", "成都市高新区 138 0013 8000"),
    ],
)
def test_address_and_phone_are_accepted_in_the_usual_forms(typed: str, cleaned: str) -> None:
    assert check_address_phone(typed, required=True) == (cleaned, [])


def test_an_address_without_a_phone_is_refused() -> None:
    assert codes(check_address_phone("北京市海淀区", required=False)[1]) == [
        "address_phone_no_phone"
    ]


def test_a_mobile_number_with_a_dropped_digit_is_not_a_phone() -> None:
    assert codes(check_address_phone("北京市海淀区 1380013800", required=True)[1]) == [
        "address_phone_no_phone"
    ]


def test_a_phone_without_an_address_is_refused() -> None:
    assert codes(check_address_phone("13800138000", required=True)[1]) == [
        "address_phone_no_address"
    ]


def test_address_and_phone_are_required_only_when_the_invoice_needs_them() -> None:
    assert check_address_phone("", required=False) == ("", [])
    assert codes(check_address_phone(" ", required=True)[1]) == ["address_phone_required"]


def test_address_and_phone_together_fit_in_100_gbk_bytes() -> None:
    _, issues = check_address_phone("北" * 45 + " 13800138000", required=True)
    assert codes(issues) == ["address_phone_too_long"]


# --- bank and account --------------------------------------------------------------------


def test_a_bank_to_branch_level_with_a_spaced_account_is_cleaned() -> None:
    typed = "中国工商银行北京中关村支行 0200 0012 3456 7890 123"
    assert check_bank_account(typed, required=True) == (
        "中国工商银行北京中关村支行 0200001234567890123",
        [],
    )


def test_labels_in_bank_details_are_dropped() -> None:
    typed = "开户行：中国建设银行深圳分行营业部\n账号：44201500100052500000"
    value, issues = check_bank_account(typed, required=True)
    assert (value, issues) == ("中国建设银行深圳分行营业部 44201500100052500000", [])


def test_a_bank_without_its_branch_is_warned() -> None:
    _, issues = check_bank_account("招商银行 6225880123456789", required=True)
    assert codes(issues) == ["bank_account_no_branch"] and issues[0].severity == "warning"


def test_an_online_bank_without_branches_is_not_warned() -> None:
    assert check_bank_account("浙江网商银行 8888888888", required=True)[1] == []


def test_an_account_without_a_bank_is_refused() -> None:
    assert codes(check_bank_account("0200001234567890123", required=True)[1]) == [
        "bank_account_no_bank"
    ]


def test_a_bank_without_an_account_is_refused() -> None:
    assert codes(check_bank_account("工商银行海淀支行", required=True)[1]) == [
        "bank_account_no_account"
    ]


def test_an_implausibly_short_account_states_its_length() -> None:
    _, issues = check_bank_account("中国银行海淀支行 12345", required=True)
    assert codes(issues) == ["bank_account_length"]
    assert issues[0].params == {"length": "5", "min": "8", "max": "30"}


def test_bank_details_are_required_only_when_the_invoice_needs_them() -> None:
    assert check_bank_account("", required=False) == ("", [])
    assert codes(check_bank_account("", required=True)[1]) == ["bank_account_required"]


# --- lines -------------------------------------------------------------------------------


def test_an_item_name_is_trimmed_and_accepted() -> None:
    assert check_item_name("  软件开发服务 ") == ("软件开发服务", [])


def test_an_item_name_typed_with_its_category_keeps_only_the_name() -> None:
    assert check_item_name("*信息技术服务*软件开发服务") == ("软件开发服务", [])


@pytest.mark.parametrize("name", ["办公用品", "礼品", "日用品", "食品", "材料", "服务费"])
def test_a_vague_item_name_alone_is_warned(name: str) -> None:
    _, issues = check_item_name(name)
    assert codes(issues) == ["item_name_vague"] and issues[0].severity == "warning"


def test_a_specific_item_name_that_contains_a_vague_word_is_not_warned() -> None:
    assert check_item_name("A4打印纸（办公用品）")[1] == []


def test_an_item_name_is_measured_with_its_category_prefix() -> None:
    name = "施" * 45  # 90 bytes, and 10 for "*建筑服务*": exactly the limit of 100
    assert check_item_name(name, category="建筑服务")[1] == []
    _, issues = check_item_name(name + "工", category="建筑服务")
    assert codes(issues) == ["item_name_too_long"] and issues[0].params["length"] == "102"


@pytest.mark.parametrize(
    ("typed", "code"),
    [("", "item_name_required"), ("*建筑服务*", "item_name_required"), ("a*b", "item_name_symbol")],
)
def test_an_item_name_that_cannot_be_printed_is_refused(typed: str, code: str) -> None:
    assert codes(check_item_name(typed)[1]) == [code]


@pytest.mark.parametrize(
    ("typed", "cleaned"), [("3", "3"), ("１２", "12"), ("2.5", "2.5"), ("0.00000001", "0.00000001")]
)
def test_a_quantity_above_zero_is_accepted(typed: str, cleaned: str) -> None:
    assert check_quantity(typed) == (cleaned, [])


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "quantity_required"),
        ("0", "quantity_not_positive"),
        ("-1", "quantity_not_positive"),
        ("three", "quantity_not_number"),
        ("NaN", "quantity_not_number"),
        ("1e3", "quantity_not_number"),
        ("1.123456789", "quantity_too_many_places"),
        ("10000000000000", "quantity_too_large"),
    ],
)
def test_a_quantity_that_is_not_a_positive_number_is_refused(typed: str, code: str) -> None:
    assert codes(check_quantity(typed)[1]) == [code]


def test_a_unit_price_is_read_with_currency_sign_and_thousands_separators() -> None:
    assert check_unit_price("￥10,600.00") == ("10600.00", [])
    assert codes(check_unit_price("0")[1]) == ["unit_price_not_positive"]
    assert codes(check_unit_price("Infinity")[1]) == ["unit_price_not_number"]


def test_a_remark_keeps_a_few_lines_and_drops_blank_ones() -> None:
    assert check_remark(" 合同号：HT-2024-001\r\n\r\n项目：某某 \n") == (
        "合同号：HT-2024-001\n项目：某某",
        [],
    )
    assert check_remark("") == ("", [])


def test_a_remark_with_too_many_lines_or_bytes_is_refused() -> None:
    assert codes(check_remark("\n".join("123456"))[1]) == ["remark_too_many_lines"]
    assert codes(check_remark("注" * 101)[1]) == ["remark_too_long"]
    assert codes(check_remark("注意👍")[1]) == ["text_not_gbk"]


# --- messages ----------------------------------------------------------------------------

TODAY = date(2025, 6, 1)


def every_issue_we_can_produce() -> list[Issue]:
    issues: list[Issue] = []
    for name in ["", "a\nb", "😀有限公司", "★有限公司", "长" * 60, "华为", "张伟"]:
        issues += check_buyer_name(name, buyer_kind="organisation")[1]
    issues += check_buyer_name("某某有限公司", buyer_kind="person")[1]
    for text in ["", "13800138000", "北京", "北" * 60 + "13800138000"]:
        issues += check_address_phone(text, required=True)[1]
    for text in ["", "123456789", "招商银行", "中国银行 12345", "工" * 50 + "银行 12345678"]:
        issues += check_bank_account(text, required=True)[1]
    for text in ["", "a\nb", "a*b", "礼品", "长" * 60]:
        issues += check_item_name(text)[1]
    for text in ["", "x", "0", "1.123456789", "1e13", "10000000000000"]:
        issues += check_quantity(text)[1] + check_unit_price(text)[1]
    issues += check_remark("\n".join("1234567"))[1] + check_remark("注" * 101)[1]
    for text in ["a\nb", "a*b", "长" * 30]:
        issues += check_spec(text)[1] + check_unit(text)[1]
    issues += check_unit("12")[1]
    issues += check_lines_for_invoice([exempt_line()], special=True, limit=Decimal("1000000"))
    for raw in ["", "123", "9111000060003IOZSV", "A1110000600037341L", "91110000600037341N"]:
        issues += check_org_tax_id(raw).issues
    issues += check_org_tax_id("91350211M0000XUF46", accept_unverified_checksum=True).issues
    issues += check_org_tax_id("9144030019220382B6").issues
    issues += check_org_tax_id("11010519491231002X").issues
    issues += (
        check_org_tax_id("110108000000016").issues + check_org_tax_id("91350100M000100Y4.").issues
    )
    for raw in ["", "123", "11O105194912310O2X", "T60426199101010078", "360426199113010079"]:
        issues += check_person_id(raw, today=TODAY).issues
    for raw in [
        "990426199112010074",
        "110105203001010010",
        "610104620927690",
        "36042619910102009X",
    ]:
        issues += check_person_id(raw, today=TODAY).issues
    issues += check_buyer_tax_id("91350100M000100Y43", buyer_kind="person", today=TODAY).issues
    issues += check_org_tax_id("华为技术有限公司").issues
    issues += check_buyer_tax_id("张三的身份证", buyer_kind="person", today=TODAY).issues
    issues += check_bank_account("招商银行深圳分行营业部 75591234561080A", required=True)[1]
    issues += check_address_phone("深圳市<b>南山</b> 0755-28780808", required=True)[1]
    issues += check_bank_account("招商银行`深圳分行` 755900000000001", required=True)[1]
    issues += check_item_name("=1+1")[1] + check_remark("合同 **加粗**")[1]
    return issues


def test_the_corpus_of_mistakes_produces_every_message_of_the_catalogue() -> None:
    produced = {issue.code for issue in every_issue_we_can_produce()}
    assert produced == set(RULE_MESSAGES)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_issue_has_a_message_with_all_its_placeholders_filled(lang: str) -> None:
    for issue in every_issue_we_can_produce():
        assert issue.code in RULE_MESSAGES, issue.code
        text = issue.message(lang)
        assert text != issue.code and not re.search(r"\{\w+\}", text), (issue, text)
        assert all(isinstance(value, str) for value in issue.params.values())


def test_every_message_exists_in_chinese_and_english() -> None:
    for code, texts in RULE_MESSAGES.items():
        assert set(texts) == {"zh", "en"}, code
        assert re.search(r"[\u4e00-\u9fff]", texts["zh"]), code
        assert placeholders(texts["zh"]) == placeholders(texts["en"]), code


def placeholders(template: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", template))


def exempt_line() -> Line:
    return Line(name="养老服务", category="现代服务", quantity=Decimal(1), unit_price=Decimal(100),
                tax_rate="exempt", amount=Decimal("100.00"), tax=Decimal("0.00"))
