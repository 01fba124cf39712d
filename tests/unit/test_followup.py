"""Follow-ups that lean on the previous question: "纸质发票怎么申请？" … "那电子发票呢？"."""

from __future__ import annotations

import pytest

from knowledge.followup import follow_up_core, rewrite


@pytest.mark.parametrize(("text", "core"), [
    ("那普票呢", "普票"), ("那电子发票呢？", "电子发票"), ("如果是个人呢", "个人"),
    ("那跨月的呢", "跨月的"), ("要是是小规模呢？", "小规模"), ("那专票?", "专票"),
    ("报销呢", "报销"), ("what about a paper one?", "a paper one"),
    ("And for individuals?", "individuals"), ("how about red-letter ones", "red-letter ones"),
])
def test_a_follow_up_is_read_for_what_it_asks_about(text: str, core: str) -> None:
    assert follow_up_core(text) == core


@pytest.mark.parametrize("text", [
    "专票和普票有什么区别呢",  # a question of its own
    "那怎么办", "发票抬头写错了怎么办", "电子发票怎么下载？", "谢谢", "",
    "那这张从上个月一直拖到现在还没有开出来的专票到底怎么处理呢",  # too long to be a follow-up
    "How do I get a paper invoice?",
])
def test_a_question_of_its_own_is_no_follow_up(text: str) -> None:
    assert follow_up_core(text) is None


def test_a_sibling_term_is_swapped_into_the_previous_question() -> None:
    assert rewrite("专票能抵扣吗", "普票") == "普票能抵扣"
    assert rewrite("怎么申请纸质发票", "电子的") == "怎么申请电子发票"  # not "电子"
    assert "跨月" in rewrite("当月开的发票怎么作废", "跨月的") and "当月" not in rewrite(
        "当月开的发票怎么作废", "跨月的")
    assert rewrite("增值税专用发票能开给小规模纳税人吗", "一般纳税人") == "专票能开给一般纳税人"


def test_without_a_sibling_the_follow_up_is_added_to_the_previous_question() -> None:
    assert rewrite("发票丢了怎么办", "电子发票") == "发票丢失 电子发票"
    assert rewrite("专票能抵扣吗", "专票") == "专票能抵扣 专票"  # nothing to swap: added
