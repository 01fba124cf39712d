"""Moving around the form: back, edit a field from the preview, cancel, save and resume, help,
and a question asked in the middle of the form."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.dialogs.conftest import (
    HUAWEI,
    INVOICE_STEPS,
    Chat,
    EngineChat,
    fill_special_buyer,
    one_line_to_delivery,
    run_sifbot,
    special_to_preview,
    start_special,
)

OTHER_TAX_ID = "9144030071526726XG"  # a second checksum-valid code

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def drafts_in(records: Callable[..., list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [r for r in records(drafts=True) if r["status"] == "draft"]


def test_back_and_edit_keep_what_was_entered_and_edit_returns_to_the_preview(
        chat: Callable[..., Chat]) -> None:
    bot = chat()
    first = bot.say("开发票")
    at_first = bot.say("返回")
    assert at_first.step == "invoice_type" and "第一步" in at_first.text
    assert bot.press("invoice_type:special").step == "buyer_name"
    bot.say(HUAWEI["buyer_name"])
    bot.say(HUAWEI["buyer_tax_id"])
    back = bot.say("返回")
    assert back.step == "buyer_tax_id" and f"（当前：{HUAWEI['buyer_tax_id']}）" in back.text
    back = bot.press("nav:back")
    assert back.step == "buyer_name" and f"（当前：{HUAWEI['buyer_name']}）" in back.text
    refused = bot.say("跳过")
    assert refused.step == "buyer_name" and refused.codes == ["skip_not_allowed"]
    helped = bot.say("帮助")
    assert helped.step == "buyer_name" and "返回" in helped.text and "暂存" in helped.text
    back = bot.say("back")
    assert back.step == "invoice_type"  # buyer_kind does not apply to a special invoice
    assert first.refs["draft_id"] == back.refs["draft_id"]
    assert bot.press("invoice_type:special").step == "buyer_name"
    assert bot.say(HUAWEI["buyer_name"]).step == "buyer_tax_id"  # and on we go, values kept
    for value in list(HUAWEI.values())[1:]:
        bot.say(value)
    one_line_to_delivery(bot)
    preview = bot.press("delivery:download")
    assert preview.step == "confirm"
    draft_id = preview.refs["draft_id"]

    editing = bot.say("修改 税号")
    assert editing.step == "buyer_tax_id"
    assert f"（当前：{HUAWEI['buyer_tax_id']}）" in editing.text
    wrong = bot.say("91440300715267260G")
    assert wrong.step == "buyer_tax_id" and wrong.codes == ["tax_id_checksum"]
    fixed = bot.say(OTHER_TAX_ID)
    assert fixed.step == "confirm" and not fixed.errors, fixed
    assert f"纳税人识别号：{OTHER_TAX_ID}" in fixed.text
    assert HUAWEI["buyer_tax_id"] not in fixed.text
    assert fixed.refs["draft_id"] == draft_id

    again = bot.say("edit tax id")  # the English spelling works in a Chinese session too
    assert again.step == "buyer_tax_id"
    assert bot.press("nav:back").step == "buyer_name"
    assert bot.say(HUAWEI["buyer_name"]).step == "confirm"  # still on its way to the preview
    items = bot.say("修改 明细")
    assert items.step == "items" and "1. 软件开发服务" in items.text
    assert bot.press("items:done").step == "confirm"

    steps = [bot.say("返回").step for _ in range(4)]  # back from the preview: the form backwards
    assert steps == ["delivery", "remark", "items", "buyer_bank_account"]
    assert all(s in INVOICE_STEPS for s in steps)


def test_cancel_deletes_the_draft_and_the_next_request_starts_afresh(
        chat: Callable[..., Chat], records: Callable[..., list[dict[str, Any]]]) -> None:
    bot = chat()
    start_special(bot)
    bot.say(HUAWEI["buyer_name"])
    assert [d["buyer_name"] for d in drafts_in(records)] == [HUAWEI["buyer_name"]]
    cancelled = bot.say("取消")
    assert cancelled.flow is None and cancelled.step is None and not cancelled.errors
    assert "草稿已删除" in cancelled.text
    assert drafts_in(records) == []
    fresh = bot.say("开发票")
    assert fresh.step == "invoice_type"  # no resume offer: nothing left to resume
    assert bot.press("nav:cancel").flow is None
    assert drafts_in(records) == []


def test_form_words_with_no_form_open_say_so_and_show_what_the_bot_can_do(
        chat: Callable[..., Chat]) -> None:
    bot = chat()
    for word in ("取消", "cancel", "返回", "nav:skip", "暂存"):
        idle = bot.say(word)
        assert idle.flow is None and not idle.errors
        assert "没有正在填写的表单" in idle.text and "开发票" in idle.text, word
        assert "订单" not in idle.text  # not the knowledge base's entry on cancelling an order
        assert idle.choices == ["start:invoice", "ticket:new"]
    for asked in ("你能做什么", "what can you do?"):  # the same list as help, with its buttons
        able = bot.say(asked)
        assert "我的发票" in able.text and able.choices == ["start:invoice", "ticket:new"], asked
    assert "机器人" in bot.say("你是谁").text
    helped = bot.say("帮助")
    assert "没有正在填写" not in helped.text and "我的发票" in helped.text
    assert "待审核" not in helped.text and "工单队列" not in helped.text  # a customer's list
    finance = bot.say("help", role="finance")
    assert "待审核" in finance.text and "工单队列" not in finance.text
    agent = bot.say("/help", role="agent")
    assert "工单队列" in agent.text
    assert bot.press("start:invoice").step == "invoice_type"
    inside = bot.say("帮助")  # inside the form, help is the form's own
    assert inside.step == "invoice_type" and "正在填写" in inside.text


def test_emoji_codes_and_addresses_get_a_reply_in_the_persons_language(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    assert "发票助手" in bot.say("你好").text
    thumbs = bot.say("👍")
    assert thumbs.text.startswith("好的") and not thumbs.choices  # no "I'm not sure" + ticket
    assert "我可以帮您" in bot.say("？？").text  # the help list, as for "你能做什么"
    for text in ("91440300192203821X", "https://www.sif.com/invoice/123", "ok"):
        reply = bot.say(text)
        assert CHINESE.search(reply.text) and "Sorry" not in reply.text, (text, reply)
    english = bot.exchange({"text": "thanks 👍", "lang": "en"})
    assert "welcome" in english.text


def test_form_words_in_traditional_characters_work_like_simplified_ones(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    bot.say(HUAWEI["buyer_name"])
    bot.say(HUAWEI["buyer_tax_id"])
    skipped = bot.say("跳過")  # a special invoice needs the address: refused as a skip
    assert skipped.step == "buyer_address_phone" and skipped.codes == ["skip_not_allowed"]
    saved = bot.say("暫存")
    assert saved.flow is None and saved.refs["draft_id"]
    again = bot.say("開發票")  # starts the form as 开发票 does (and offers the saved draft)
    assert again.flow == "invoice", again
    bot.say("取消")
    mine = bot.say("我的工單")  # the list, not a new ticket
    assert mine.flow is None and "没有工单" in mine.text, mine
    fresh = engine_chat(user="console:tw")
    fresh.say("開發票")
    assert fresh.say("普通發票").step == "buyer_kind"  # a word for a button, traditional too
    assert fresh.say("個人").step == "buyer_name"
    assert fresh.say("轉人工").step == "category"
    assert fresh.say("發票").step == "description"
    fresh.say("發票抬頭要寫全稱嗎，我不確定")
    assert fresh.say("沒有").step == "confirm"
    filed = fresh.say("確認")
    assert filed.flow is None and filed.refs["ticket_id"], filed


def test_asking_how_to_issue_an_invoice_offers_to_do_it_here(chat: Callable[..., Chat]) -> None:
    bot = chat()
    for question, step, label in (
            ("发票怎么开", "预览", "在这里开（我带您填）"),
            ("how do I issue an invoice", "Preview", "Request one here (I'll guide you)")):
        answer = bot.say(question)
        assert answer.flow is None and step in answer.text and "发票管理" in answer.text
        first = answer.replies[-1]["choices"][0]
        assert (first["id"], first["label"]) == ("start:invoice", label)
    other = bot.say("电子发票怎么下载")  # any other answer has no such button
    assert "start:invoice" not in other.choices
    assert bot.press("start:invoice").step == "invoice_type"


def test_a_number_typed_after_did_you_mean_picks_that_choice(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    unsure = bot.say("电子发票 查询 输入哪些")  # the download steps or the verification fields
    offered = [c for c in unsure.choices if c.startswith("faq:")]
    assert "1. " in unsure.text and "2. " in unsure.text and len(offered) >= 2, unsure
    second = bot.say("2")
    assert second.choices[-1] == f"faq_fb:down:{offered[1][4:]}" and "不太确定" not in second.text
    assert "不太确定" in bot.say("2").text  # the list was for one message: now "2" is a question
    bot.say("电子发票 查询 输入哪些")
    missing = bot.say("第7个")
    assert missing.codes == ["pick_out_of_range"] and "1–3" in missing.text
    first = bot.say("①")  # still on offer after a number out of range
    assert first.choices[-1] == f"faq_fb:down:{offered[0][4:]}"
    english = bot.say("invoice rejected by finance, why")  # many reasons: which one?
    picks = [c for c in english.choices if c.startswith("faq:")]
    assert "not sure which" in english.text and picks[0].endswith("@en"), english
    picked = bot.say("the first one")  # the choice answers in the language it was offered in
    assert picked.choices[-1] == f"faq_fb:down:{picks[0][4:-3]}" and "Not helpful" in str(
        picked.replies[-1]["choices"])


def test_a_follow_up_is_read_against_the_previous_question_and_says_how(
        engine_chat: Callable[..., EngineChat], monkeypatch: pytest.MonkeyPatch) -> None:
    bot = engine_chat()
    bot.say("专票能抵扣吗")
    followed = bot.say("那普票呢？")  # alone: "did you mean" among every 普票 entry
    assert "接着您上一个问题" in followed.text and "普票" in followed.text, followed
    assert "不能抵扣" in followed.text and followed.choices[-1].startswith("faq_fb:down:")
    alone = engine_chat(user="bob").say("那普票呢？")  # nobody else's context
    assert "接着" not in alone.text
    bot.say("纸质发票怎么申请")
    same = bot.say("那电子发票呢？")  # the paper steps again would be no reading: not offered
    assert "接着" not in same.text and "纸质发票申领" not in same.text, same
    bot.say("专票能抵扣吗")
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T10:45:00+08:00")  # 45 minutes later
    later = bot.say("那普票呢？")
    assert "接着" not in later.text, later


def test_not_helpful_offers_what_else_the_question_was_near_and_a_person(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    answer = bot.say("发票抬头写错了咋办")
    shown = answer.choices[-1].removeprefix("faq_fb:down:")
    assert answer.choices[-1].startswith("faq_fb:down:")
    sorry = bot.press(answer.choices[-1])
    near = [c for c in sorry.choices if c.startswith("faq:")]
    assert "抱歉没帮上忙" in sorry.text and "1. " in sorry.text and sorry.choices[-1] == "ticket:new"
    assert near and f"faq:{shown}" not in near  # never the answer that did not help
    picked = bot.say("1")
    assert picked.choices[-1] == f"faq_fb:down:{near[0][4:]}"
    assert "谢谢反馈！" in bot.press(picked.choices[-2]).text  # helpful: thanks, nothing more


def test_typing_that_an_answer_was_wrong_is_the_same_as_not_helpful(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    nothing_yet = bot.say("不对")  # no answer to refer to: ask again in other words, or a person
    assert "换个说法" in nothing_yet.text and nothing_yet.choices == ["ticket:new"]
    answer = bot.say("发票抬头写错了咋办")
    shown = answer.choices[-1].removeprefix("faq_fb:down:")
    for typed in ("不对", "我问的不是这个", "that's not what I asked", "不對"):
        sorry = bot.say(typed)
        assert "抱歉没帮上忙" in sorry.text and "1. " in sorry.text, typed
        assert f"faq:{shown}" not in sorry.choices and sorry.choices[-1] == "ticket:new"


def test_a_thumb_typed_under_an_answer_is_the_same_as_helpful(chat: Callable[..., Chat]) -> None:
    from knowledge.questions_log import SqliteQuestionLog

    bot = chat()
    assert bot.say("👍").text.startswith("好的")  # nothing answered yet: just small talk
    answer = bot.say("发票抬头写错了咋办")
    shown = answer.choices[-1].removeprefix("faq_fb:down:")
    assert "谢谢反馈" in bot.say("👍").text
    assert "谢谢反馈" in bot.say("有用！").text
    log = SqliteQuestionLog(bot.folder / "sifbot.db")
    assert log.feedback_counts() == {shown: (2, 0)}


def test_my_invoices_as_people_type_it(engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    listed = bot.say("我的发票").text
    for typed in ("我的发票呢？", "查一下我的发票", "show my invoices", "我的發票"):
        assert bot.say(typed).text == listed, typed


def test_two_questions_in_one_message_are_answered_in_turn(chat: Callable[..., Chat]) -> None:
    bot = chat()
    both = bot.say("电子发票怎么下载，另外抬头写错了怎么办")
    assert [r["text"].split("\n")[0] for r in both.replies] == [
        "关于“电子发票怎么下载”：", "关于“抬头写错了怎么办”："]
    assert both.replies[1]["choices"][-1]["id"] == "faq_fb:down:fields-title-wrong"
    one_unsure = bot.say("电子发票怎么下载？火星上能开发票吗？")
    assert "火星上能开发票吗" in one_unsure.replies[-1]["text"] and "单独问" in one_unsure.text
    code, out, err = run_sifbot(bot.folder, "kb", "gaps", "--json")
    assert code == 0, err
    assert [g["example"] for g in json.loads(out)] == ["火星上能开发票吗？"]  # the part, alone
    whole = bot.say("发票抬头写错了？怎么办？")  # 怎么办 is no question of its own
    assert len(whole.replies) == 1 and "关于" not in whole.text


def test_a_number_mid_form_is_the_form_s_answer_not_a_pick(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    bot.say("电子发票 查询 输入哪些")
    assert bot.press("start:invoice").step == "invoice_type"
    typed = bot.say("1")  # the form reads it (or says what it expects): no answer pops up
    assert typed.flow == "invoice" and "faq_fb" not in " ".join(typed.choices)


def test_a_saved_draft_is_offered_again_and_goes_on_where_it_stopped(
        chat: Callable[..., Chat], records: Callable[..., list[dict[str, Any]]]) -> None:
    bot = chat()
    start_special(bot)
    fill_special_buyer(bot)
    bot.press("items:gross")
    at_items = bot.say("软件开发服务，1，10600，6%")
    draft_id = at_items.refs["draft_id"]
    saved = bot.say("暂存")
    assert saved.flow is None and draft_id in saved.text and "30" in saved.text
    [draft] = drafts_in(records)
    assert draft["id"] == draft_id and draft["buyer_name"] == HUAWEI["buyer_name"]

    assert bot.say("你好").flow is None
    offer = bot.say("开发票")
    assert offer.flow == "invoice" and offer.refs["draft_id"] == draft_id
    assert "项目明细" in offer.text  # where it stopped
    assert offer.choices == ["resume:continue", "resume:new"]
    resumed = bot.press("resume:continue")
    assert resumed.step == "items" and "1. 软件开发服务" in resumed.text
    assert resumed.refs["draft_id"] == draft_id
    bot.press("items:done")
    bot.press("nav:skip")
    preview = bot.press("delivery:download")
    assert preview.step == "confirm" and HUAWEI["buyer_bank_account"] in preview.text

    assert bot.press("nav:save").flow is None  # saved at the preview this time
    assert "确认提交" in bot.say("开发票").text
    new = bot.press("resume:new")  # start again instead: the saved draft goes
    assert new.step == "invoice_type" and new.refs["draft_id"] != draft_id
    assert [d["id"] for d in drafts_in(records)] == [new.refs["draft_id"]]


def test_small_talk_and_a_detail_the_guide_leaves_open_mid_form_keep_the_step(
        chat: Callable[..., Chat]) -> None:
    bot = chat()
    asked = bot.say("开发票")
    assert asked.step == "invoice_type"
    fee = bot.say("开专票要收费吗？")
    assert (fee.flow, fee.step, fee.errors) == ("invoice", "invoice_type", []), fee
    first = fee.replies[0]
    assert "指南里没有写" in first["text"]
    assert "ticket:new" in [choice["id"] for choice in first["choices"]]
    assert fee.replies[-1]["text"] == asked.replies[-1]["text"]  # and the step again
    thanks = bot.say("谢谢")
    assert (thanks.step, thanks.errors) == ("invoice_type", []) and "不客气" in thanks.text
    assert bot.say("专票").step == "buyer_name"


def test_a_question_mid_form_is_answered_and_the_same_step_asked_again(
        chat: Callable[..., Chat]) -> None:
    bot = chat()
    asked = start_special(bot)
    answered = bot.say("红字发票怎么开？")
    assert answered.step == "buyer_name" and answered.flow == "invoice" and not answered.errors
    texts = [r["text"] for r in answered.replies]
    assert "红字" in texts[0]  # the knowledge base's answer first
    assert texts[-1] == asked.replies[-1]["text"]  # then the very same question again
    assert answered.refs["draft_id"] == asked.refs["draft_id"]

    at_tax_id = bot.say(HUAWEI["buyer_name"])
    assert at_tax_id.step == "buyer_tax_id"
    english = bot.send(text="How fast is a ticket answered?", lang="en")
    assert english.step == "buyer_tax_id" and "2 hours" in english.text
    assert "tax ID" in english.replies[-1]["text"]
    back = bot.send(text="返回", lang="zh")
    assert back.step == "buyer_name" and f"（当前：{HUAWEI['buyer_name']}）" in back.text

    bot.say(HUAWEI["buyer_name"])
    for value in list(HUAWEI.values())[1:]:
        bot.say(value)
    one_line_to_delivery(bot)
    at_buttons = bot.say("工单提交后多久有人处理？")  # a button step takes questions too
    assert at_buttons.step == "delivery" and not at_buttons.errors
    assert at_buttons.choices[-3:] == ["delivery:download", "delivery:email", "delivery:paper"]
    preview = bot.press("delivery:download")
    assert preview.step == "confirm" and HUAWEI["buyer_name"] in preview.text


def test_the_resume_offer_reports_a_step_of_the_contract(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    bot.say("暂存")
    offer = bot.say("开发票")
    assert offer.flow == "invoice" and offer.step in INVOICE_STEPS, offer


def test_special_to_preview_helper_reaches_the_preview_in_process(
        engine_chat: Callable[..., EngineChat]) -> None:
    """The in-process harness speaks the same protocol as the subprocess (a guard for it)."""
    bot = engine_chat()
    preview = special_to_preview(bot)
    assert preview.files and preview.choice_starting("confirm:submit:")


def test_switching_the_buyer_to_a_person_rechecks_the_name_and_tax_id(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    special_to_preview(bot)
    bot.say("修改 发票类型")
    assert bot.press("invoice_type:ordinary").step == "confirm"
    bot.say("修改 购买方类型")
    turn = bot.press("buyer_kind:person")
    codes = {w["code"] for w in turn.raw.get("warnings", [])} | set(turn.codes)
    assert turn.step in ("buyer_name", "buyer_tax_id") or codes & {
        "buyer_name_looks_like_org", "buyer_tax_id_org_for_person"}, turn
