"""The one symbol policy of printed free-text fields (core.rules.printed_symbol_issues)."""

from __future__ import annotations

import pytest

from core import rules


@pytest.mark.parametrize("text", [
    "深圳市南山区科技园路1号A栋#3-101（东门）/北区、二层",
    "合同号：HT-2024/001，项目(一期); 1~3月 {0} 50% [附件]",
])
def test_the_punctuation_of_real_addresses_and_remarks_is_allowed(text: str) -> None:
    assert rules.printed_symbol_issues(text, "remark") == []


@pytest.mark.parametrize(("text", "named"), [
    ("**加粗** <b>x</b>", "* < >"), ("`code`", "`"), ("全角＜＞", "＜ ＞"),
    ("响铃\x07", "U+0007"),
])
def test_markup_and_control_characters_are_named_in_one_error(text: str, named: str) -> None:
    [issue] = rules.printed_symbol_issues(text, "remark")
    assert (issue.code, issue.params["char"]) == ("remark_symbol", named)


def test_an_item_name_may_start_with_its_category_but_not_like_a_formula() -> None:
    assert rules.check_item_name("*信息技术服务*软件开发服务")[1] == []
    assert [i.code for i in rules.check_item_name("*信息技术服务*=1+1")[1]] == [
        "item_name_formula"]
    assert [i.code for i in rules.check_item_name("＝SUM(A1)")[1]] == ["item_name_formula"]
    assert rules.check_item_name("软件-开发+维护@现场")[1] == []  # only the start counts


def test_a_remark_that_never_prints_keeps_its_symbols() -> None:
    assert rules.check_remark("北京市<海淀区>中关村1号", printed=False)[1] == []
