"""Filling in the invoice form from start to preview and submit, in Chinese and in English."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.dialogs.conftest import (
    HUAWEI,
    INVOICE_STEPS,
    Chat,
    EngineChat,
    fill_special_buyer,
    start_special,
)

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def assert_pdf(path: str) -> None:
    pdf = Path(path)
    assert pdf.is_file(), path
    assert pdf.read_bytes()[:5] == b"%PDF-", path
    assert pdf.stat().st_size > 1000


def test_special_invoice_with_two_lines_and_a_discount_previews_the_right_totals(
        chat: Callable[..., Chat], show_invoice: Callable[[str], dict[str, Any]]) -> None:
    bot = chat()
    start_special(bot)
    fill_special_buyer(bot)
    mode = bot.press("items:gross")
    assert mode.step == "items" and not mode.errors

    first = bot.say("软件开发服务，1，10600，6%")
    assert first.choices[:2] == ["items:done", "items:discount"]
    assert "10600.00" in first.text
    asked = bot.press("items:discount")
    assert asked.step == "items" and "第 1 行" in asked.text
    discounted = bot.say("100.50")
    assert not discounted.errors, discounted
    assert "10499.50" in discounted.text  # running total with tax after the discount
    second = bot.say("技术咨询服务，3，333.33，6%")
    assert not second.errors, second
    assert "11499.49" in second.text

    assert bot.press("items:done").step == "remark"
    assert bot.say("合同编号 HT-2026-001").step == "delivery"
    preview = bot.press("delivery:download")

    assert preview.step == "confirm" and not preview.errors, preview
    text = preview.text
    for value in HUAWEI.values():
        assert value in text
    assert "增值税专用发票" in text
    # Prices include 6% tax; each line's net = gross / 1.06 to the cent, tax = the rest:
    # 10600.00 -> 10000.00 + 600.00; discount -100.50 -> -94.81 + -5.69;
    # 3 x 333.33 = 999.99 -> 943.39 + 56.60. Totals 10848.58 + 650.91 = 11499.49.
    assert "*信息技术服务*软件开发服务 × 1  6%  ¥10000.00 + ¥600.00" in text
    assert "（折扣）  6%  ¥-94.81 + ¥-5.69" in text
    assert "技术咨询服务 × 3  6%  ¥943.39 + ¥56.60" in text
    assert "合计金额：¥10848.58" in text and "合计税额：¥650.91" in text
    assert "价税合计：¥11499.49（壹万壹仟肆佰玖拾玖圆肆角玖分）" in text
    assert "备注：合同编号 HT-2026-001" in text
    assert len(preview.files) == 1 and preview.files[0].endswith("-preview.pdf")
    assert_pdf(preview.files[0])
    assert preview.refs["draft_id"] in preview.files[0]

    assert "buyer_kind" not in [t.step for t in bot.turns]  # a special invoice is never a person's
    submitted = bot.press(preview.choice_starting("confirm:submit:"))
    assert submitted.flow is None and not submitted.errors
    invoice = show_invoice(submitted.refs["invoice_id"])
    assert invoice["status"] == "pending_review"
    assert (invoice["total_amount"], invoice["total_tax"], invoice["total"]) == (
        "10848.58", "650.91", "11499.49")
    assert [line["discount"] for line in invoice["lines"]] == [False, True, False]
    assert invoice["remark"] == "合同编号 HT-2026-001"


def test_ordinary_invoice_for_a_person_never_asks_for_a_bank_and_skips_the_id(
        chat: Callable[..., Chat], show_invoice: Callable[[str], dict[str, Any]]) -> None:
    bot = chat()
    assert bot.say("开发票").step == "invoice_type"
    assert bot.press("invoice_type:ordinary").step == "buyer_kind"
    asked_name = bot.press("buyer_kind:person")
    assert asked_name.step == "buyer_name" and "姓名" in asked_name.text
    asked_id = bot.say("张三")
    assert asked_id.step == "buyer_tax_id" and not asked_id.errors
    asked_address = bot.say("跳过")
    assert asked_address.step == "buyer_address_phone" and not asked_address.errors
    at_items = bot.say("跳过")
    assert at_items.step == "items"  # straight past buyer_bank_account
    bot.press("items:net")
    bot.say("咨询服务费，2，50，6%")
    bot.press("items:done")
    bot.say("跳过")
    bot.press("delivery:email")
    preview = bot.say("zhangsan@example.com")

    assert preview.step == "confirm", preview
    steps = [turn.step for turn in bot.turns]
    assert "buyer_bank_account" not in steps
    assert [s for s in INVOICE_STEPS if s in steps] == [
        "invoice_type", "buyer_kind", "buyer_name", "buyer_tax_id", "buyer_address_phone",
        "items", "remark", "delivery", "confirm"]
    assert "普通发票" in preview.text and "购买方：张三" in preview.text
    assert "纳税人识别号" not in preview.text and "开户行" not in preview.text
    assert "价税合计：¥106.00（壹佰零陆圆整）" in preview.text  # net 2 x 50 + 6% tax
    assert "zhangsan@example.com" in preview.text

    submitted = bot.press(preview.choice_starting("confirm:submit:"))
    invoice = show_invoice(submitted.refs["invoice_id"])
    assert invoice["buyer_kind"] == "person" and not invoice["buyer_tax_id"]
    assert not invoice["buyer_bank_account"] and invoice["invoice_type"] == "ordinary"


@pytest.mark.bot_args("--lang", "en")
def test_english_session_asks_in_english(chat: Callable[..., Chat]) -> None:
    bot = chat()
    started = bot.say("invoice")
    assert started.text == "Which type of invoice?"
    assert [c["label"] for c in started.replies[0]["choices"]] == [
        "Special VAT invoice", "Ordinary invoice"]
    bot.press("invoice_type:ordinary")
    bot.press("buyer_kind:person")
    bot.say("John Smith")
    bot.say("skip")
    bot.say("skip")
    bot.press("items:net")
    wrong = bot.say("Consulting, one, 100, 6%")
    assert wrong.codes and wrong.step == "items"
    bot.say("Consulting, 1, 100, 6%")
    bot.press("items:done")
    bot.say("skip")
    bad_mail = (bot.press("delivery:email"), bot.say("not an address"))[1]
    assert bad_mail.codes == ["delivery_email_invalid"]
    preview = bot.say("john@example.com")

    assert preview.step == "confirm"
    assert "Please check the invoice" in preview.text and "Submit it?" in preview.text
    asked = [t for t in bot.turns if t.step != "confirm"]
    for turn in asked:  # prompts, buttons and error messages: no Chinese anywhere
        assert not CJK.search(turn.text), turn
        assert not any(CJK.search(e["message"]) for e in turn.errors), turn
    done = bot.say("submit")
    assert done.text.startswith("Submitted as R-")


def test_english_preview_uses_english_punctuation(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat(lang="en")
    for event in ({"text": "invoice"}, {"choice": "invoice_type:ordinary"},
                  {"choice": "buyer_kind:person"}, {"text": "John Smith"}, {"text": "skip"},
                  {"text": "skip"}, {"choice": "items:net"}, {"text": "Consulting, 1, 100, 6%"},
                  {"choice": "items:done"}, {"text": "skip"}):
        bot.exchange(event)
    preview = bot.press("delivery:download")
    assert preview.step == "confirm"
    # Printed as on the invoice, in Chinese: the line's *category* and the upper-case total,
    # which English text puts in ASCII brackets.
    assert "*现代服务*Consulting" in preview.text
    assert "Total: ¥106.00 (壹佰零陆圆整)" in preview.text
    outside_printed_chinese = re.sub(r"\*[^*]+\*| \([^)]*\)", "", preview.text)
    assert not CJK.search(outside_printed_chinese), preview.text
