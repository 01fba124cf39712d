"""Asking for a person as people type it: the whole message is the request, in zh or en."""

from __future__ import annotations

import pytest

from bot.handlers.flows.ticket import asks_for_person

ASKS = ["人工", "转人工", "能不能转人工？", "我要找真人客服", "联系客服", "找个真人", "人工服务",
        "我想找人工客服聊聊", "有没有人工", "客服！", "麻烦帮我转接一下人工", "talk to a human please",
        "Can I speak to a real person?", "how do I reach a real person?",
        "how do i contact a human", "Human please", "agent", "get me a human",
        "connect me to support", "I’d like to talk to someone", "live chat",
        "I want to speak with customer service", "Hi, can I talk to a human?", "/ticket",
        "轉人工", "請幫我轉接人工", "聯繫客服"]
# Questions about support, or about something else that mentions a person: the knowledge base's.
NOT_ASKS = ["人工客服几点上班", "客服电话多少", "客服邮箱是什么", "how do I contact support by email?",
            "how do i contact support", "你是真人吗", "are you a human?", "我要投诉客服态度差",
            "人工费能开发票吗", "what is the agent fee", "human resources invoice",
            "customer service hours", "专票怎么开", "人工客服幾點上班",
            "talk to a human about my red invoice that was rejected twice by the tax office"]


@pytest.mark.parametrize("text", ASKS)
def test_a_request_for_a_person_is_recognised(text: str) -> None:
    assert asks_for_person(text)


@pytest.mark.parametrize("text", NOT_ASKS)
def test_a_question_about_support_is_not_a_request(text: str) -> None:
    assert not asks_for_person(text)


@pytest.mark.parametrize("text", ["人工服务", "客服", "agent", "live chat", "Person"])
def test_a_bare_noun_is_an_answer_while_a_form_waits(text: str) -> None:
    assert asks_for_person(text) and not asks_for_person(text, mid_form=True)


@pytest.mark.parametrize("text", ["人工", "转人工", "能帮我转人工吗", "我要找真人客服",
                                  "talk to a human", "human"])
def test_a_request_with_a_verb_interrupts_a_form(text: str) -> None:
    assert asks_for_person(text, mid_form=True)


def test_an_oversized_message_is_not_a_request() -> None:
    assert not asks_for_person("转人工" + "！" * 5 + "我" * 80)
