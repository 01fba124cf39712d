"""One message that asks two or three things is split into its questions."""

from __future__ import annotations

import pytest

from bot.handlers.faq import question_parts


@pytest.mark.parametrize(("text", "parts"), [
    ("专票怎么开？红冲怎么弄？", ["专票怎么开？", "红冲怎么弄？"]),
    ("电子发票怎么下载，另外抬头写错了怎么办", ["电子发票怎么下载", "抬头写错了怎么办"]),
    ("电子发票怎么下载？顺便问一下，红字信息表要审核多久？",
     ["电子发票怎么下载？", "红字信息表要审核多久？"]),
    ("How do I download an e-invoice? How long is a red-letter form reviewed?",
     ["How do I download an e-invoice?", "How long is a red-letter form reviewed?"]),
])
def test_several_questions_are_told_apart(text: str, parts: list[str]) -> None:
    assert question_parts(text) == parts


@pytest.mark.parametrize("text", [
    "发票抬头写错了怎么办？", "还有别的办法吗", "我们公司每个月要开很多发票。有没有办法批量导入？",
    "a? b? c? d? e?", "发票？", "专票？普票？红冲？作废？",
])
def test_one_question_or_a_story_stays_whole(text: str) -> None:
    assert question_parts(text) == [text]
