"""What a question asks for (how long, where, how …) lifts the entries people ask that of."""

from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge.intent import KINDS, question_kind
from knowledge.kb import Answer, Entry
from knowledge.matcher import Matcher, Weights


@pytest.mark.parametrize(("text", "kind"), [
    ("工单多久有人处理", "time"), ("红字信息表几个工作日审核完？", "time"),
    ("How long does approval take?", "time"), ("发票在哪下载", "where"),
    ("Where do I find the invoice list?", "where"), ("为什么下载失败", "why"),
    ("什么是红字发票", "what_is"), ("What is a red-letter invoice?", "what_is"),
    ("什么叫普通发票", "what_is"), ("普票的定义", "what_is"),
    ("报销要附哪些材料", "which"), ("抬头错了怎么办", "what_now"), ("怎么提交工单", "how"),
    ("How do I open a ticket?", "how"), ("專票能不能抵扣", "whether"),
    ("Can I deduct an e-invoice?", "whether"), ("红冲", None), ("invoice title", None),
    ("What's a red-letter fapiao and when do I need one?", None),  # two things asked
    ("红字发票是什么，要多久审核", None), ("抬头错了怎么办，怎么重开", "what_now"),
])
def test_the_kind_of_question_is_read_from_its_question_words(text: str, kind: str | None) -> None:
    found = question_kind(text)
    assert (KINDS[found] if found is not None else None) == kind


def entry(entry_id: str, *questions: str) -> Entry:
    return Entry(id=entry_id, questions=list(questions),
                 answer=Answer(zh=f"{entry_id} 的回答", en=f"answer of {entry_id}"))


TICKETS = [
    entry("ticket-time", "工单多久有人处理", "工单多长时间回复", "工单几天能解决", "工单响应时间"),
    entry("ticket-how", "怎么提交工单", "工单怎么提", "如何新建工单", "工单 提交 截图"),
]


def test_an_entry_people_ask_how_long_of_wins_a_how_long_question() -> None:
    lifted = Matcher(TICKETS).rank("工单要等多久", limit=2)
    flat = Matcher(TICKETS, weights=replace(Weights(), intent=0.0)).rank("工单要等多久", limit=2)
    assert TICKETS[lifted[0].index].id == "ticket-time"
    assert lifted[0].score - lifted[1].score > flat[0].score - flat[1].score  # the kind's lift


def test_a_question_that_says_no_kind_is_scored_as_before() -> None:
    lifted = Matcher(TICKETS).rank("工单 截图", limit=2)
    flat = Matcher(TICKETS, weights=replace(Weights(), intent=0.0)).rank("工单 截图", limit=2)
    assert [(c.index, c.score) for c in lifted] == [(c.index, c.score) for c in flat]
