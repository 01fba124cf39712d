"""The invoice form's steps other than the item lines (audit s7): a form left open in an earlier
session, start and command words mid-form, expiry, questions and 修改 at any step, keeping a
value after going back, the tax ID's hints, and the words errors use."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from tests.dialogs.conftest import (
    CUSTOMER,
    FINANCE,
    HUAWEI,
    Chat,
    EngineChat,
    email_from_preview,
    fill_special_buyer,
    run_sifbot,
    special_to_preview,
    special_to_remark,
    start_special,
)

ALICE = {"user": CUSTOMER, "role": "customer"}
FIN = {"user": FINANCE, "role": "finance"}
OFFER = ["resume:continue", "resume:new"]


def drafts(records: Callable[..., list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [r for r in records(drafts=True) if r["status"] == "draft"]


def to_step(bot: EngineChat | Chat, step: str) -> Any:
    """A special invoice for Huawei filled up to `step` (one of the buyer's text fields)."""
    turn = start_special(bot)
    for field, value in HUAWEI.items():
        if field == step:
            break
        turn = bot.say(value)
        assert not turn.errors, turn
    assert turn.step == step, turn
    return turn


# -- #2: a form left open in an earlier session ------------------------------------------------
def test_a_new_session_offers_the_open_form_and_stores_no_start_or_command_word(
        engine_chat: Callable[..., EngineChat],
        records: Callable[..., list[dict[str, Any]]]) -> None:
    first = engine_chat(user=CUSTOMER)
    at_name = start_special(first)
    draft_id = at_name.refs["draft_id"]
    later = engine_chat(user=CUSTOMER)  # the console quit, and a new session began
    offer = later.say("开发票")
    assert (offer.flow, offer.step, offer.errors) == ("invoice", "buyer_name", [])
    assert offer.choices == OFFER and "未完成的发票草稿" in offer.text and draft_id in offer.text
    mine = later.say("我的发票")  # a command: done, and the offer stands
    assert "您还没有发票申请" in mine.text and mine.choices == OFFER and not mine.errors
    assert [d["buyer_name"] for d in drafts(records)] == [""]
    typed = later.say(HUAWEI["buyer_name"])  # not taken before the person says go on
    assert typed.codes == ["choose_one"] and typed.step == "buyer_name"
    assert [d["buyer_name"] for d in drafts(records)] == [""]
    resumed = later.press("resume:continue")
    assert resumed.step == "buyer_name" and "请输入购买方名称" in resumed.text
    assert later.say(HUAWEI["buyer_name"]).step == "buyer_tax_id"
    assert [(d["id"], d["buyer_name"]) for d in drafts(records)] == [(draft_id, HUAWEI["buyer_name"])]


def test_start_and_command_words_mid_form_are_never_stored_as_a_value(
        engine_chat: Callable[..., EngineChat],
        records: Callable[..., list[dict[str, Any]]]) -> None:
    bot = engine_chat()
    start_special(bot)
    again = bot.say("开发票")  # the same session: go on or start again?
    assert again.step == "buyer_name" and again.choices == OFFER and not again.errors
    assert bot.press("resume:continue").step == "buyer_name"
    listed = bot.say("我的发票")
    assert listed.step == "buyer_name" and "您还没有发票申请" in listed.text
    assert listed.replies[-1]["text"].startswith("请输入购买方名称")
    bot.say(HUAWEI["buyer_name"])
    english = bot.exchange({"text": "new invoice", "lang": "en"})
    assert english.step == "buyer_tax_id" and english.choices == OFFER
    assert "unfinished invoice draft" in english.text
    restarted = bot.press("resume:new")
    assert restarted.step == "invoice_type"
    assert [d["buyer_name"] for d in drafts(records)] == [""]  # the new one, nothing in it


def test_the_console_says_at_its_start_that_a_form_is_open(
        engine_chat: Callable[..., EngineChat]) -> None:
    from bot.console import Speaker, run_interactive

    bot = engine_chat(user=CUSTOMER)
    to_step(bot, "buyer_tax_id")
    out = io.StringIO()
    run_interactive(bot.engine, Speaker(CUSTOMER, "customer", "zh"), io.StringIO("1\n"), out)
    shown = out.getvalue()
    before_input = shown.split("> ")[0]
    assert "您有一张未完成的发票草稿" in before_input and "停在“纳税人识别号”" in before_input
    assert "[1] 继续填写" in before_input and "[2] 重新开始" in before_input
    assert "请输入购买方纳税人识别号" in shown.split("> ")[1]  # "1" pressed: go on

    english = io.StringIO()
    run_interactive(bot.engine, Speaker(CUSTOMER, "customer", "en"), io.StringIO(""), english)
    assert "You have an unfinished invoice draft" in english.getvalue()
    nobody = io.StringIO()
    run_interactive(bot.engine, Speaker("console:carol", "customer", "zh"), io.StringIO(""), nobody)
    assert "草稿" not in nobody.getvalue()


def test_two_processes_on_one_database_offer_the_form_left_open(
        chat: Callable[..., Chat], records: Callable[..., list[dict[str, Any]]]) -> None:
    first = chat()
    at_name = start_special(first, **ALICE)
    assert first.close() == 0
    second = chat()
    offer = second.say("开发票", **ALICE)
    assert offer.step == "buyer_name" and offer.choices == OFFER, offer
    assert offer.refs["draft_id"] == at_name.refs["draft_id"]
    assert "您还没有发票申请" in second.say("我的发票").text
    assert [d["buyer_name"] for d in drafts(records)] == [""]
    assert second.press("resume:continue").step == "buyer_name"
    assert second.say(HUAWEI["buyer_name"]).step == "buyer_tax_id"
    question = second.say("税号在哪里找？")  # #8 through the process as well
    assert question.step == "buyer_tax_id" and not question.errors
    assert question.replies[-1]["text"].startswith("请输入购买方纳税人识别号")


# -- #4: expiry ---------------------------------------------------------------------------------
def test_a_draft_is_warned_about_inside_the_window_and_after_expiry_is_gone(
        engine_chat: Callable[..., EngineChat], monkeypatch: pytest.MonkeyPatch,
        records: Callable[..., list[dict[str, Any]]]) -> None:
    bot = engine_chat(user=CUSTOMER)
    draft_id = to_step(bot, "buyer_tax_id").refs["draft_id"]  # kept 30 days: to 2026-04-01
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-20T10:00:00+08:00")  # 12 days left: no warning
    early = engine_chat(user=CUSTOMER).say("你好")
    assert early.choices == OFFER and "过期" not in early.text
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-30T10:00:00+08:00")  # 2 days left, window is 3
    warned = engine_chat(user=CUSTOMER).say("你好")
    assert warned.choices == OFFER, warned
    assert f"提醒：草稿 {draft_id} 将于 2026-04-01 过期" in warned.text
    english = engine_chat(user=CUSTOMER, lang="en").say("hello")
    assert f"draft {draft_id} expires on 2026-04-01" in english.text

    monkeypatch.setenv("SIFBOT_NOW", "2026-04-05T10:00:00+08:00")  # past it
    late = engine_chat(user=CUSTOMER)
    gone = late.say(HUAWEI["buyer_tax_id"])
    assert f"草稿 {draft_id} 已于 2026-04-01 过期" in gone.text and "将于" not in gone.text
    assert gone.step == "invoice_type" and gone.refs["draft_id"] != draft_id and not gone.errors
    assert draft_id not in [d["id"] for d in drafts(records)]
    assert draft_id not in late.say("开发票").text  # never offered again


def test_a_saved_draft_that_expired_is_reported_once_and_a_fresh_form_begins(
        engine_chat: Callable[..., EngineChat], monkeypatch: pytest.MonkeyPatch,
        records: Callable[..., list[dict[str, Any]]]) -> None:
    bot = engine_chat(lang="en")
    start_special(bot)
    saved = bot.say("save")
    draft_id = saved.refs["draft_id"]
    monkeypatch.setenv("SIFBOT_NOW", "2026-05-01T10:00:00+08:00")
    fresh = bot.say("invoice")
    assert f"Your unfinished invoice draft {draft_id} expired on 2026-04-01" in fresh.text
    assert fresh.step == "invoice_type" and fresh.choices[:2] == [
        "invoice_type:special", "invoice_type:ordinary"]
    assert draft_id not in [d["id"] for d in drafts(records)]
    bot.say("cancel")
    assert "expired" not in bot.say("invoice").text


# -- #3: the bank account -----------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "typed", "char", "words"), [
    ("zh", "招商银行深圳分行营业部 75591234561080A", "A", "账号只能是数字"),
    ("en", "招商银行深圳分行营业部 755912345610801x", "x", "an account has digits only"),
])
def test_a_letter_in_the_bank_account_is_refused_by_name_and_nothing_is_moved(
        engine_chat: Callable[..., EngineChat], lang: str, typed: str, char: str,
        words: str) -> None:
    bot = engine_chat(lang=lang)
    to_step(bot, "buyer_bank_account")
    refused = bot.say(typed)
    assert refused.step == "buyer_bank_account" and refused.codes == ["bank_account_bad_char"]
    assert char in refused.errors[0]["message"] and words in refused.text
    back = bot.say(HUAWEI["buyer_bank_account"])
    assert back.step == "items" and not back.errors


# -- #8: questions and 修改 at any step -----------------------------------------------------------
def test_a_question_or_a_company_name_at_the_tax_id_step_is_not_read_as_a_tax_id(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    asked = to_step(bot, "buyer_tax_id")
    for question in ("税号在哪里找？", "税号在哪里找", "Where do I find the tax ID?"):
        answered = bot.say(question)
        assert answered.step == "buyer_tax_id" and not answered.errors, (question, answered)
        assert "税号有" not in answered.text
        assert answered.replies[-1]["text"] == asked.replies[-1]["text"]
    named = bot.say("华为技术有限公司")
    assert named.codes == ["tax_id_not_an_id"]
    assert "不是税号" in named.text and "税号有" not in named.text and "漏输" not in named.text


def test_an_unknown_field_after_edit_lists_the_fields_at_any_step_and_at_confirm(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    to_step(bot, "buyer_tax_id")
    unknown = bot.say("修改 金额")
    assert unknown.step == "buyer_tax_id" and unknown.codes == ["edit_unknown_field"]
    assert "可以修改的字段：发票类型、购买方名称、纳税人识别号" in unknown.text
    bot.say(HUAWEI["buyer_tax_id"])
    bot.say(HUAWEI["buyer_address_phone"])
    bot.say(HUAWEI["buyer_bank_account"])
    bot.press("items:gross")
    bot.say("软件开发服务，1，10600，6%")
    at_items = bot.say("修改 1")  # a line number at the items step is still the line's edit
    assert at_items.step == "items" and not at_items.errors and "第 1 行" in at_items.text
    bot.press("items:list")
    bot.press("items:done")
    bot.press("nav:skip")
    bot.press("delivery:download")
    english = bot.exchange({"text": "edit amount", "lang": "en"})
    assert english.step == "confirm" and english.codes == ["edit_unknown_field"]
    assert "You can edit: invoice type, buyer name, tax ID" in english.text
    assert english.choice_starting("confirm:submit:")  # and the preview again
    to_tax_id = bot.say("edit tax_id")
    assert to_tax_id.step == "buyer_tax_id"


def test_a_remark_that_starts_with_edit_words_is_still_the_remark(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    special_to_remark(bot)
    remark = bot.say("修改 合同 HT-1 后的尾款")
    assert remark.step == "delivery" and not remark.errors, remark


# -- #9: keeping the value after going back ------------------------------------------------------
def test_after_going_back_the_current_value_is_kept_with_one_tap(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    fill_special_buyer(bot)
    back = bot.say("返回")
    assert back.step == "buyer_bank_account" and back.choices[0] == "keep:buyer_bank_account"
    assert next(c["label"] for r in back.replies for c in r["choices"]) == "保留当前值"
    kept = bot.press("keep:buyer_bank_account")
    assert kept.step == "items" and not kept.errors
    bot.say("返回")
    bot.say("返回")
    assert bot.say("保留").step == "buyer_bank_account"  # typed, at the address step
    english = bot.exchange({"text": "back", "lang": "en"})
    assert ("keep:buyer_address_phone", "Keep") in [
        (c["id"], c["label"]) for r in english.replies for c in r["choices"]]
    [draft] = bot.services.repo.drafts_of("console:local")
    assert draft.buyer_bank_account == HUAWEI["buyer_bank_account"]
    assert draft.buyer_address_phone == HUAWEI["buyer_address_phone"]


def test_keep_after_edit_from_the_preview_returns_to_the_preview(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    special_to_preview(bot)
    editing = bot.say("修改 税号")
    assert editing.step == "buyer_tax_id" and "keep:buyer_tax_id" in editing.choices
    kept = bot.press("keep:buyer_tax_id")
    assert kept.step == "confirm" and HUAWEI["buyer_tax_id"] in kept.text
    nothing = bot.say("修改 备注")
    assert "keep:remark" not in nothing.choices  # no remark yet: nothing to keep


# -- #14: the tax ID's hints ------------------------------------------------------------------------
def test_the_tax_id_hints_say_what_their_buttons_do(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    to_step(bot, "buyer_tax_id")
    checksum = bot.say("91440300192203821X")  # fails the check, no single fix
    assert checksum.codes == ["tax_id_checksum"]
    assert "可以一键改正" not in checksum.text and "确认一字不差时，请点确认" in checksum.text
    assert [c for c in checksum.choices if c.startswith("fix:")] == [
        "fix:buyer_tax_id:!confirm:91440300192203821X"]
    with_fix = bot.say(HUAWEI["buyer_tax_id"][:14] + "B" + HUAWEI["buyer_tax_id"][15:])
    assert "可以一键改正" in with_fix.text
    assert f"fix:buyer_tax_id:{HUAWEI['buyer_tax_id']}" in with_fix.choices
    v_letter = bot.say("9111000060003IOZSV")
    assert "“V”" in v_letter.text and "多半应为“U”" not in v_letter.text
    assert "多半应为“0”" in v_letter.text  # O, I, Z, S: the spec's look-alikes
    english = bot.exchange({"text": "91440300192203821X", "lang": "en"})
    assert "One tap to fix it" not in english.text and "matches exactly? Confirm it" in english.text


# -- #12: the words of lifecycle errors ---------------------------------------------------------------
def test_review_errors_use_translated_status_and_action_names(
        engine_chat: Callable[..., EngineChat], workdir: Any) -> None:
    bot = engine_chat()
    preview = special_to_preview(bot, **ALICE)
    request_id = bot.press(preview.choice_starting("confirm:submit:")).refs["invoice_id"]
    denied = bot.say(f"通过 {request_id}", **ALICE)
    assert "您没有权限审核通过" in denied.text and "approve" not in denied.text
    bot.say(f"通过 {request_id}", **FIN)
    twice = bot.say(f"通过 {request_id}", **FIN)
    assert f"发票 {request_id} 已经开具，不能审核通过。" in twice.text
    assert "issued" not in twice.text and "approve" not in twice.text
    english = bot.exchange({"text": f"approve {request_id}", "lang": "en", **FIN})
    assert f"Invoice {request_id} is already issued, so you cannot approve it." in english.text
    code, _out, err = run_sifbot(workdir, "invoices", "approve", request_id, "--as", "bob")
    assert code != 0 and "bob 没有财务权限" in err and "(no finance role" not in err


# -- #17: smaller defects ----------------------------------------------------------------------------
def test_typing_submit_again_after_submitting_says_it_was_already_submitted(
        chat: Callable[..., Chat]) -> None:
    bot = chat()
    preview = special_to_preview(bot, **ALICE)
    submitted = bot.say("确认提交")
    request_id = submitted.refs["invoice_id"]
    assert request_id and submitted.flow is None
    again = bot.say("确认提交")
    assert "已经提交过了" in again.text and request_id in again.text and "待审核" in again.text
    assert again.refs["invoice_id"] == request_id and again.flow is None
    english = bot.exchange({"text": "submit", "lang": "en"})
    assert "already submitted" in english.text and request_id in english.text
    assert preview.refs["draft_id"] == again.refs["draft_id"] or again.refs["draft_id"] is None


def test_a_wrong_e_mail_address_is_called_invalid_in_plain_words(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    preview = special_to_preview(bot)
    assert preview.step == "confirm"
    wrong = email_from_preview(bot, "finance.huawei.com")
    assert wrong.codes == ["delivery_email_invalid"]
    assert "“finance.huawei.com”不是有效的邮箱地址" in wrong.text and " 加 " not in wrong.text
    english = bot.exchange({"text": "finance at huawei", "lang": "en"})
    assert "'finance at huawei' is not a valid e-mail address" in english.text


def test_the_review_card_names_the_buyer_once(engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    preview = special_to_preview(bot, **ALICE)
    request_id = bot.press(preview.choice_starting("confirm:submit:")).refs["invoice_id"]
    queue = bot.say("待审核", **FIN)
    card = bot.press(queue.choice_starting("review:open:"), **FIN)
    assert card.text.count("购买方") == 1 and card.text.count("价税合计") == 1
    assert f"{request_id}：待审核（申请人：{CUSTOMER}）" in card.text
