"""Tickets in chat: what the tickets/SLA audit found (nothing typed or sent is dropped, staff see
personal numbers masked however they are typed, complaints are answered as fast as anything)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.dialogs.conftest import CUSTOMER, EngineChat, Talk, Turn, run_sifbot, write_config

AGENT_USER = "console:agent"
CAROL = "console:carol"
ALICE = {"user": CUSTOMER, "role": "customer"}
AGENT = {"user": AGENT_USER, "role": "agent"}


@pytest.fixture
def bot(workdir: Path, engine_chat: Callable[..., EngineChat]) -> EngineChat:
    write_config(workdir, roles={AGENT_USER: "agent", CAROL: "agent"})
    return engine_chat()


def file_ticket(bot: Talk, description: str = "开票时一直提示税号校验失败",
                category: str = "invoice", **who: str) -> Turn:
    bot.say("人工", **(who or ALICE))
    bot.press(f"ticket_cat:{category}")
    bot.say(description)
    bot.press("ticket_files:done")
    done = bot.press("ticket_confirm:submit")
    assert done.refs["ticket_id"], done
    return done


def show_json(folder: Path, ticket_id: str) -> dict[str, Any]:
    code, out, err = run_sifbot(folder, "tickets", "show", ticket_id, "--json")
    assert code == 0, err
    return dict(json.loads(out))


# -- 1: masking in what staff see -----------------------------------------------------------
def test_grouped_and_full_width_numbers_are_masked_in_the_agents_queue_and_view(
        bot: EngineChat, workdir: Path) -> None:
    text = "扣款未到账。银行卡 6222 0202 0011 2233 445，手机 138-0013-8000，备用１３９１２３４５６７８"
    ticket_id = file_ticket(bot, text, "payment").refs["ticket_id"]
    queue = bot.say("工单队列", **AGENT)
    view = bot.press(f"ticket:show:{ticket_id}")
    listing = run_sifbot(workdir, "tickets", "list")[1]
    shown = run_sifbot(workdir, "tickets", "show", ticket_id)[1]
    for seen in (queue.text, view.text, listing, shown):
        for secret in ("0202 0011 2233", "0013", "２３４５"):
            assert secret not in seen, (secret, seen)


# -- 5: attachments over the limit ----------------------------------------------------------
def test_files_over_the_limit_are_refused_by_name_not_dropped_in_silence(
        bot: EngineChat, workdir: Path) -> None:
    paths = []
    for n in range(1, 13):
        path = workdir / f"f{n}.log"
        path.write_text(f"log {n}", encoding="utf-8")
        paths.append(str(path))
    bot.say("人工", **ALICE)
    bot.press("ticket_cat:technical")
    bot.say("上传发票时报错 E1234")
    first = bot.send(text="", files=paths[:8])
    assert not first.errors and "共 8 个" in first.text
    more = bot.send(text="", files=paths[8:])
    assert more.step == "attachments"
    assert more.codes == ["ticket_too_many_attachments"]
    assert "f11.log" in more.errors[0]["message"] and "f12.log" in more.errors[0]["message"]
    assert "f9.log, f10.log（共 10 个）" in more.text
    assert "f11.log, f12.log" not in more.text.split("❌")[0]  # not among the received
    bot.say("完成")
    ticket_id = bot.press("ticket_confirm:submit").refs["ticket_id"]
    names = [a["name"] for a in show_json(workdir, ticket_id)["attachments"]]
    assert names == [f"f{n}.log" for n in range(1, 11)]


# -- 6: adding information to a closed ticket -------------------------------------------------
def close_ticket(bot: EngineChat, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    ticket_id = str(file_ticket(bot, "付款扣了没到账", "payment").refs["ticket_id"])
    assert run_sifbot(workdir, "tickets", "solve", ticket_id, "已退款", "--as", AGENT_USER)[0] == 0
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-06T12:00:00+08:00")
    code, out, _ = run_sifbot(workdir, "tickets", "sweep")
    assert code == 0 and "closed 1" in out
    return ticket_id


def test_add_information_to_a_closed_ticket_is_refused_before_asking_and_offers_a_new_one(
        bot: EngineChat, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ticket_id = close_ticket(bot, workdir, monkeypatch)
    refused = bot.press(f"ticket:add:{ticket_id}", **ALICE)
    assert refused.flow is None and "已关闭" in refused.text and "请输入" not in refused.text
    assert f"ticket:new:{ticket_id}" in refused.choices
    assert bot.press(f"ticket:new:{ticket_id}").step == "category"
    bot.press("ticket_cat:payment")
    bot.say("还是没到账，交易号 20260302001")
    bot.press("ticket_files:done")
    new_id = bot.press("ticket_confirm:submit").refs["ticket_id"]
    assert new_id != ticket_id
    assert ticket_id in show_json(workdir, new_id)["description"]


def test_text_typed_for_a_ticket_that_closed_meanwhile_becomes_a_new_ticket_to_confirm(
        bot: EngineChat, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ticket_id = str(file_ticket(bot, "付款扣了没到账", "payment").refs["ticket_id"])
    asked = bot.press(f"ticket:add:{ticket_id}", **ALICE)
    assert asked.step == "add_info"
    assert run_sifbot(workdir, "tickets", "solve", ticket_id, "已退款",
                      "--as", AGENT_USER)[0] == 0
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-06T12:00:00+08:00")
    assert "closed 1" in run_sifbot(workdir, "tickets", "sweep")[1]
    kept = bot.say("还是没到账！交易号 20260302001，请再查一下")
    assert (kept.flow, kept.step) == ("ticket", "confirm") and not kept.errors
    assert "20260302001" in kept.text and "没有丢" in kept.text
    new_id = bot.press("ticket_confirm:submit").refs["ticket_id"]
    record = show_json(workdir, new_id)
    assert "20260302001" in record["description"] and ticket_id in record["description"]
    assert record["category"] == "payment"


# -- 9: claim in chat ---------------------------------------------------------------------------
def test_an_agent_cannot_claim_a_ticket_another_agent_owns(bot: EngineChat, workdir: Path) -> None:
    ticket_id = file_ticket(bot).refs["ticket_id"]
    assert AGENT_USER in bot.say(f"认领 {ticket_id}", **AGENT).text
    again = bot.say(f"认领 {ticket_id}")
    assert AGENT_USER in again.text and not again.errors
    stolen = bot.say(f"认领 {ticket_id}", user=CAROL, role="agent")
    assert f"已由 {AGENT_USER} 认领" in stolen.text and "分配" in stolen.text
    record = show_json(workdir, ticket_id)
    assert record["assignee"] == AGENT_USER
    assert [e["action"] for e in record["history"]] == ["create", "assign"]


# -- 14: an agent's command without its text asks for it --------------------------------------
@pytest.mark.parametrize(("typed", "step", "asks"), [
    ("升级 {id}", "reason", "原因"), ("escalate {id}", "reason", "原因"),
    ("回复 {id}", "reply", "回复"), ("备注 {id}", "note", "备注")])
def test_an_agent_command_without_its_text_asks_for_it(
        bot: EngineChat, workdir: Path, typed: str, step: str, asks: str) -> None:
    ticket_id = file_ticket(bot).refs["ticket_id"]
    asked = bot.say(typed.format(id=ticket_id), **AGENT)
    assert (asked.flow, asked.step) == ("ticket", step) and asks in asked.text, asked
    assert ticket_id in asked.text
    done = bot.say("需要二线查看日志")
    assert done.flow is None and ticket_id in done.text
    assert show_json(workdir, ticket_id)["history"][-1]["text"] == "需要二线查看日志"


def test_cancelling_an_agents_reply_says_nothing_was_sent(bot: EngineChat) -> None:
    ticket_id = file_ticket(bot).refs["ticket_id"]
    bot.press(f"ticket:reply:{ticket_id}", **AGENT)
    cancelled = bot.say("取消")
    assert cancelled.flow is None and "草稿" not in cancelled.text and "没有发送" in cancelled.text


# -- 16: no internal names in messages --------------------------------------------------------
def test_a_customer_refused_the_queue_is_not_shown_the_actions_internal_name(
        bot: EngineChat) -> None:
    refused = bot.say("工单队列", **ALICE)
    assert "queue" not in refused.text and "（" not in refused.text.split("权限")[-1]


# -- 12: the confirm step takes its buttons' own labels, and 修改 字段 / edit FIELD -------------
def at_confirm(bot: EngineChat) -> None:
    bot.say("人工", **ALICE)
    bot.press("ticket_cat:invoice")
    bot.say("开票时一直提示税号校验失败")
    assert bot.press("ticket_files:done").step == "confirm"


@pytest.mark.parametrize(("typed", "step"), [
    ("修改描述", "description"), ("修改 描述", "description"), ("修改类别", "category"),
    ("Edit description", "description"), ("edit category", "category"), ("改：描述", "description")])
def test_typing_an_edit_buttons_label_at_confirm_edits_that_field(
        bot: EngineChat, typed: str, step: str) -> None:
    at_confirm(bot)
    edit = bot.say(typed)
    assert edit.step == step and not edit.errors, edit
    answer = bot.press("ticket_cat:payment") if step == "category" else bot.say("付款后无法开票")
    assert answer.step == "confirm"


@pytest.mark.parametrize("typed", ["提交工单", "Submit"])
def test_typing_the_submit_buttons_label_files_the_ticket(bot: EngineChat, typed: str) -> None:
    at_confirm(bot)
    done = bot.say(typed)
    assert done.refs["ticket_id"] and not done.errors


# -- 13: asking for a ticket in plain words starts one; a complaint is a complaint ticket -------
@pytest.mark.parametrize("typed", ["我要提工单", "提交工单", "I want to file a ticket",
                                   "open a ticket please", "I need a human"])
def test_asking_for_a_ticket_in_plain_words_starts_one(bot: EngineChat, typed: str) -> None:
    start = bot.say(typed, **ALICE)
    assert (start.flow, start.step) == ("ticket", "category"), start


@pytest.mark.parametrize("typed", ["我要投诉", "投诉", "I want to make a complaint"])
def test_a_complaint_is_offered_as_a_complaint_ticket(
        bot: EngineChat, workdir: Path, typed: str) -> None:
    start = bot.say(typed, **ALICE)
    assert (start.flow, start.step) == ("ticket", "description"), start
    assert "邮箱" not in start.text
    bot.say("客服态度很差，问题拖了一周")
    bot.press("ticket_files:done")
    ticket_id = bot.press("ticket_confirm:submit").refs["ticket_id"]
    assert show_json(workdir, ticket_id)["category"] == "complaint"


@pytest.mark.parametrize("typed", ["工单提交后多久有人处理？", "我要投诉客服态度差"])
def test_questions_about_tickets_stay_with_the_knowledge_base(bot: EngineChat, typed: str) -> None:
    assert bot.say(typed, **ALICE).step != "category"


# -- 7/8: a complaint in support hours --------------------------------------------------------
def test_a_complaint_filed_in_support_hours_is_answered_in_two_hours_without_an_off_hours_note(
        bot: EngineChat, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIFBOT_NOW", "2026-02-13T18:00:00+08:00")  # a Friday, support open
    done = file_ticket(bot, "客服态度差，要求处理", "complaint")
    assert "非服务时间" not in done.text
    assert "2026-02-13 20:00" in done.text  # the 2 h first response of every ticket


# -- 17: files that are not there are refused, saying why -------------------------------------
def test_a_missing_path_or_a_folder_is_not_taken_as_an_attachment(
        bot: EngineChat, workdir: Path) -> None:
    real = workdir / "real.log"
    real.write_text("E1234", encoding="utf-8")
    folder = workdir / "a-folder"
    folder.mkdir()
    bot.say("人工", **ALICE)
    bot.press("ticket_cat:technical")
    bot.say("上传发票时报错 E1234")
    sent = bot.send(text="", files=[str(workdir / "no-such-file.png"), str(folder), str(real)])
    assert sent.step == "attachments" and sent.codes == ["ticket_file_unusable"]
    message = sent.errors[0]["message"]
    assert "no-such-file.png（文件不存在）" in message and "a-folder（不是文件）" in message
    assert "real.log（共 1 个）" in sent.text
    bot.say("完成")
    ticket_id = bot.press("ticket_confirm:submit").refs["ticket_id"]
    assert [a["name"] for a in show_json(workdir, ticket_id)["attachments"]] == ["real.log"]
