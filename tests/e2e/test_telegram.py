"""Customers on Telegram, end to end: the real python-telegram-bot Application over HTTP to a
local fake of the Bot API (tests/e2e/fake_telegram.py). Nothing here reaches the internet."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.handlers.events import Choice, Reply
from core.models import Status
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import (
    CUSTOMER,
    FINANCE,
    Harness,
    run_sifbot,
    running_bot,
    sifbot_env,
    texts,
)

pytestmark = pytest.mark.timeout(180)

HUAWEI = ("华为技术有限公司", "914403001922038216", "深圳市龙岗区坂田华为基地 0755-28780808",
          "招商银行深圳分行营业部 755900000000001")


@pytest.fixture
def fake() -> FakeTelegram:
    with FakeTelegram() as server:
        yield server  # type: ignore[misc]


async def request_special_invoice(tg: Harness) -> str:
    """/invoice through the whole form with buttons, up to the confirm; returns the request id."""
    calls = await tg.say("/invoice")
    assert ("增值税专用发票（专票）", "invoice_type:special") in calls[-1].buttons
    await tg.press("invoice_type:special")
    for answer in HUAWEI:
        await tg.say(answer)
    await tg.press("items:gross")
    calls = await tg.say("软件开发服务，1，10600，6%")
    assert "10600.00" in texts(calls)[-1]
    await tg.press("items:done")
    await tg.press("nav:skip")
    calls = await tg.press("delivery:download")
    [document] = [c for c in calls if c.method == "sendDocument"]
    name, content = document.files["document"]
    assert name.endswith(".pdf") and content.startswith(b"%PDF")
    confirm = next(d for c in calls for _, d in c.buttons if d.startswith("confirm:submit:"))
    assert tg.step() == "confirm"
    calls = await tg.press(confirm)
    [invoice] = tg.services.repo.list_invoices(requester=f"tg:{CUSTOMER}")
    assert invoice.status == Status.PENDING_REVIEW
    assert any(invoice.id in text for text in texts(calls))
    return invoice.id


async def test_a_customer_requests_a_special_invoice_through_the_form_with_buttons(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        await request_special_invoice(tg)
        edits = fake.of("editMessageText")
        assert edits and all("reply_markup" not in e.params for e in edits)
        assert "已选择：增值税专用发票（专票）" in edits[0]["text"]
        assert len(fake.of("answerCallbackQuery")) == len(edits)
        for call in fake.of("sendMessage"):
            assert all(len(data.encode()) <= 64 for _, data in call.buttons)
    methods = {c.method for c in fake.calls}
    assert {"getMe", "deleteWebhook", "getUpdates", "setMyCommands"} <= methods


async def test_finance_approves_in_telegram_and_the_customer_gets_the_number_and_pdf(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        request_id = await request_special_invoice(tg)
        finance_news = await tg.wait_for("sendMessage", where=lambda c: c["chat_id"] == FINANCE)
        assert request_id in finance_news[0]["text"]
        await tg.say("待审核", user=FINANCE)
        await tg.press(f"review:open:{request_id}", user=FINANCE)
        await tg.press(f"review:approve:{request_id}", user=FINANCE)
        await tg.quiet()
        invoice = tg.services.repo.get_invoice(request_id)
        assert invoice is not None and invoice.number
        told = [c for c in fake.of("sendMessage") if c["chat_id"] == CUSTOMER
                and invoice.number in c["text"]]
        pdfs = [c for c in fake.of("sendDocument") if c["chat_id"] == CUSTOMER]
        assert told and pdfs[-1].files["document"][0].endswith(".pdf")
        assert pdfs[-1].at >= told[-1].at  # the text, then its PDF


async def test_an_approval_from_the_shell_reaches_the_customer_in_telegram(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        request_id = await request_special_invoice(tg)
        result = await asyncio.to_thread(
            run_sifbot, ["invoices", "approve", request_id, "--as", "fin"],
            sifbot_env(fake, tmp_path))
        assert result.returncode == 0, result.stderr
        invoice = tg.services.repo.get_invoice(request_id)
        assert invoice is not None and invoice.number
        number = invoice.number
        await tg.wait_for("sendMessage", timeout=5, where=lambda c: c["chat_id"] == CUSTOMER
                          and number in c["text"])
        await tg.wait_for("sendDocument", count=2)  # the preview, then the issued invoice


async def test_a_question_is_answered_from_the_knowledge_base(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        calls = await tg.say("How fast is a ticket answered?", lang="en")
        [answer] = [c for c in calls if c.method == "sendMessage"]
        assert "2 hours" in answer["text"]
        assert ("👍 Helpful", "faq_fb:up:support-ticket-sla") in answer.buttons
        calls = await tg.press("faq_fb:up:support-ticket-sla", lang="en")
        assert texts(calls) == ["Thanks for the feedback!"]


async def test_did_you_mean_shows_numbered_buttons_and_a_typed_number_picks_one(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        calls = await tg.say("电子发票 查询 输入哪些")  # the download steps or the verification
        [unsure] = [c for c in calls if c.method == "sendMessage"]
        offered = [data for _, data in unsure.buttons if data.startswith("faq:")]
        assert "1. " in unsure["text"] and len(offered) >= 2
        assert ("提交工单（转人工）", "ticket:new") in unsure.buttons
        calls = await tg.say("2")
        [answer] = [c for c in calls if c.method == "sendMessage"]
        assert ("👎 没帮助", f"faq_fb:down:{offered[1][4:]}") in answer.buttons
        calls = await tg.press(f"faq_fb:down:{offered[1][4:]}")  # not helpful: what else, a person
        [sorry] = [c for c in calls if c.method == "sendMessage"]
        assert "抱歉没帮上忙" in sorry["text"] and sorry.buttons[-1][1] == "ticket:new"


async def test_a_photo_and_a_document_are_fetched_through_getfile(
        fake: FakeTelegram, tmp_path: Path) -> None:
    photo, pdf = b"\xff\xd8\xff\xe0 a jpeg " * 50, b"%PDF-1.4 an old invoice"
    async with running_bot(fake, tmp_path) as tg:
        await tg.turn(lambda: fake.push_photo(CUSTOMER, photo, caption="发票截图"))
        [get_file] = fake.of("getFile")
        assert get_file["file_id"] == "F0001"  # the largest size, not the thumbnail
        stored = list((tmp_path / "files" / "telegram" / str(CUSTOMER)).iterdir())
        assert [p.read_bytes() for p in stored] == [photo]
        await tg.turn(lambda: fake.push_document(CUSTOMER, pdf, "旧发票.pdf"))
        assert len(fake.of("download")) == 2
        names = sorted(p.name for p in (tmp_path / "files" / "telegram" / "42").iterdir())
        assert any(name.endswith("旧发票.pdf") for name in names)
        assert "发票截图" in [h["text"] for h in tg.history() if h["who"] == "user"]


async def test_commands_map_to_the_engine_and_follow_the_language(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        [welcome] = texts(await tg.say("/start", lang="en"))
        assert welcome.startswith("Hello!")
        assert texts(await tg.say("/cancel", lang="en"))[0].startswith("There is nothing")
        assert texts(await tg.say("/faq"))[0].startswith("请直接输入您的问题")
        calls = await tg.say("/invoice@sif_test_bot", lang="en")
        assert texts(calls) == ["Which type of invoice?"] and tg.step() == "invoice_type"
        assert texts(await tg.say("/help", lang="en"))[0].startswith("Now filling in")
        await tg.say("/cancel", lang="en")
        assert tg.step() is None


async def test_start_with_the_invoice_form_left_open_offers_to_go_on_or_start_again(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        await tg.say("/invoice")
        await tg.press("invoice_type:special")
        calls = await tg.say("/start")  # a new session, days later: the form is still open
        [offer] = [c for c in calls if c.method == "sendMessage"]
        assert "未完成的发票草稿" in offer["text"] and "购买方名称" in offer["text"]
        assert [d for _, d in offer.buttons] == ["resume:continue", "resume:new"]
        assert tg.step() == "buyer_name"
        calls = await tg.say("/start", lang="en")
        assert "unfinished invoice draft" in texts(calls)[-1]
        calls = await tg.press("resume:continue")
        assert texts(calls)[-1].startswith("请输入购买方名称") and tg.step() == "buyer_name"


async def test_a_long_notification_is_split_at_line_breaks_with_the_keyboard_last(
        fake: FakeTelegram, tmp_path: Path) -> None:
    lines = [f"第 {n} 行：" + "发票信息" * 30 for n in range(120)]  # ~14,500 characters
    long_id = "faq:" + "x" * 90  # longer than callback_data allows
    async with running_bot(fake, tmp_path) as tg:
        reply = Reply(text="\n".join(lines), choices=[Choice(id=long_id, label="更多")])
        tg.services.notifier.notify(f"tg:{CUSTOMER}", [reply])
        await tg.wait_for("sendMessage", where=lambda c: bool(c.buttons))
        await tg.quiet()
        sent = fake.of("sendMessage")
        assert len(sent) >= 4 and all(len(c["text"]) <= 4096 for c in sent)
        assert "\n".join(c["text"] for c in sent) == reply.text  # nothing lost, cut at lines
        assert [bool(c.buttons) for c in sent] == [False] * (len(sent) - 1) + [True]
        [(_label, data)] = sent[-1].buttons
        assert data.startswith("~") and len(data.encode()) <= 64
        await tg.press(data)
        assert long_id in [h["text"] for h in tg.history()]  # the engine got the real id


async def test_a_customer_files_a_ticket_with_a_photo_and_gets_the_agents_reply(
        fake: FakeTelegram, tmp_path: Path) -> None:
    screenshot = b"\x89PNG\r\n\x1a\n a screenshot of the error " * 20
    async with running_bot(fake, tmp_path) as tg:
        calls = await tg.say("/ticket")
        category = next(d for c in calls for _, d in c.buttons if d.startswith("ticket_cat:"))
        await tg.press(category)
        await tg.say("开票时系统提示税号错误，无法提交，截图附上。")
        calls = await tg.turn(lambda: fake.push_photo(CUSTOMER, screenshot))
        assert fake.of("getFile") and fake.of("download")
        assert tg.step() == "attachments"
        await tg.press("ticket_files:done")
        calls = await tg.press("ticket_confirm:submit")
        tickets = await asyncio.to_thread(
            run_sifbot, ["tickets", "list", "--json"], sifbot_env(fake, tmp_path))
        [ticket] = json.loads(tickets.stdout)
        assert any(ticket["id"] in text for text in texts(calls))
        attached = (await asyncio.to_thread(run_sifbot, ["tickets", "show", ticket["id"],
                                                         "--json"], sifbot_env(fake, tmp_path)))
        assert "photo-" in attached.stdout  # the downloaded screenshot went with the ticket
        result = await asyncio.to_thread(
            run_sifbot, ["tickets", "reply", ticket["id"], "已为您处理，请重新提交。",
                         "--as", "agent"], sifbot_env(fake, tmp_path))
        assert result.returncode == 0, result.stderr
        [note] = await tg.wait_for("sendMessage", where=lambda c: c["chat_id"] == CUSTOMER
                                   and "已为您处理" in c["text"])
        assert ticket["id"] in note["text"]
