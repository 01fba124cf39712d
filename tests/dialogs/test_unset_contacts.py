"""An answer that names a contact the operator has not set (report #13) does not send people
there: it says what works instead, and the chat offers it — a complaint ticket for the
complaints e-mail, a ticket for any other contact. Set contacts are shown as they are."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.dialogs.conftest import (
    CUSTOMER,
    EngineChat,
    run_sifbot,
    shared_knowledge_base,
    write_config,
)

COMPLAINT = "ticket:complaint"


def test_how_to_complain_offers_a_complaint_ticket_not_an_unset_address_zh(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat(user=CUSTOMER)
    answer = bot.say("如何投诉")
    assert "发送投诉至 （投诉邮箱尚未配置）" not in answer.text
    assert "投诉邮箱尚未配置" in answer.text and "我要投诉" in answer.text
    assert COMPLAINT in answer.choices
    assert answer.replies[0]["choices"][0] == {"id": COMPLAINT, "label": "提交投诉工单"}


def test_how_to_complain_offers_a_complaint_ticket_not_an_unset_address_en(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat(user=CUSTOMER, lang="en")
    answer = bot.say("How do I make a complaint?")
    assert "send a complaint to (complaints e-mail not configured yet);" not in answer.text
    assert "I want to complain" in answer.text
    assert {"id": COMPLAINT, "label": "File a complaint"} in answer.replies[0]["choices"]


def test_the_complaint_button_files_a_ticket_of_category_complaint(
        engine_chat: Callable[..., EngineChat], workdir: Path) -> None:
    bot = engine_chat(user=CUSTOMER)
    bot.say("如何投诉")
    started = bot.press(COMPLAINT)
    assert (started.flow, started.step) == ("ticket", "description")  # no category asked
    bot.say("客服答应今天回电，结果一直没有人联系我，问题也没解决")
    bot.press("ticket_files:done")
    filed = bot.press("ticket_confirm:submit")
    ticket_id = filed.refs["ticket_id"]
    assert ticket_id
    code, out, err = run_sifbot(workdir, "tickets", "show", ticket_id, "--json")
    assert code == 0, err
    assert json.loads(out)["category"] == "complaint"


@pytest.mark.parametrize(("question", "lang", "label"), [
    ("客服邮箱是多少", "zh", "提交工单（转人工）"),
    ("What is the support email address?", "en", "Open a ticket (talk to a person)"),
])
def test_another_unset_contact_offers_a_ticket(
        engine_chat: Callable[..., EngineChat], question: str, lang: str, label: str) -> None:
    answer = engine_chat(user=CUSTOMER, lang=lang).say(question)
    assert answer.text.startswith(("标准客服邮箱", "The standard support email")), answer.text
    assert {"id": "ticket:new", "label": label} in answer.replies[0]["choices"]
    assert COMPLAINT not in answer.choices


def test_the_complaint_answer_opened_from_see_also_offers_the_complaint_ticket_too(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat(user=CUSTOMER)
    first = bot.say("客服邮箱是多少")
    assert "faq:support-complaint" in first.choices
    assert COMPLAINT in bot.press("faq:support-complaint").choices


def test_set_contacts_are_shown_and_no_ticket_is_pushed_instead(
        workdir: Path, engine_chat: Callable[..., EngineChat]) -> None:
    write_config(workdir, extra='[support]\ncomplaint_email = "complain@sif.example"\n'
                                'support_email = "help@sif.example"')
    bot = engine_chat(user=CUSTOMER)
    complaint = bot.say("如何投诉")
    assert "complain@sif.example" in complaint.text and "尚未配置" not in complaint.text
    assert COMPLAINT not in complaint.choices and "ticket:new" not in complaint.choices
    email = bot.say("客服邮箱是多少")
    assert "help@sif.example" in email.text and "ticket:new" not in email.choices


@pytest.mark.parametrize(("question", "lang", "instead"), [
    ("如何投诉", "zh", "我要投诉"),
    ("How do I make a complaint?", "en", "I want to complain"),
    ("客服邮箱是多少", "zh", "提交工单"),
    ("What is the support email address?", "en", "file a ticket"),
])
def test_sifbot_ask_says_what_works_instead_of_an_unset_contact(
        question: str, lang: str, instead: str) -> None:
    result = shared_knowledge_base().ask(question, lang)
    assert result.decision == "answer" and instead in result.answer
    assert result.unset_contacts
    assert "unset_contacts" not in result.model_dump()  # not part of `ask --json`


@pytest.mark.parametrize(("words", "category_asked"), [
    ("我要投诉", False), ("I want to complain", False), ("提交工单", True), ("file a ticket", True),
])
def test_the_words_an_unset_contact_suggests_do_start_that_ticket(
        engine_chat: Callable[..., EngineChat], words: str, category_asked: bool) -> None:
    turn = engine_chat(user=CUSTOMER).say(words)
    assert (turn.flow, turn.step) == ("ticket", "category" if category_asked else "description")
