"""Employees and support staff on Slack, end to end: the real slack_bolt AsyncApp and slack_sdk
client over HTTP and WebSocket to a local fake of Slack (tests/e2e/fake_slack.py), in Socket
Mode and in HTTP mode. Nothing here reaches the internet."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.models import Status
from core.storage.tickets import SqliteTicketStore
from tests.e2e.fake_slack import FakeSlack, signature
from tests.e2e.slack_harness import (
    AGENT,
    EMPLOYEE,
    ENGLISH,
    FINANCE,
    SUPPORT,
    SlackHarness,
    posted,
    running_slack,
)

pytestmark = pytest.mark.timeout(180)

HUAWEI = ("华为技术有限公司", "914403001922038216", "深圳市龙岗区坂田华为基地 0755-28780808",
          "招商银行深圳分行营业部 755900000000001")


@pytest.fixture(params=["socket", "http"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeSlack]:
    with FakeSlack(request.param) as server:
        yield server


@pytest.fixture
def http_fake() -> Iterator[FakeSlack]:
    with FakeSlack("http") as server:
        yield server


async def request_special_invoice(sl: SlackHarness, user: str = EMPLOYEE) -> str:
    """The whole invoice form with buttons and typed answers, up to the submit; the invoice id."""
    calls = await sl.say("开发票", user)
    assert any(value == "invoice_type:special" for c in calls for _, _, value in c.buttons)
    await sl.press("invoice_type:special", user)
    for answer in HUAWEI:
        await sl.say(answer, user)
    await sl.press("items:gross", user)
    calls = await sl.say("软件开发服务，1，10600，6%", user)
    assert "10600.00" in posted(calls)[-1]
    await sl.press("items:done", user)
    await sl.press("nav:skip", user)
    calls = await sl.press("delivery:download", user)
    assert sl.fake.uploads and sl.fake.uploads[-1]["content"].startswith(b"%PDF")
    confirm = next(v for c in calls for _, _, v in c.buttons if v.startswith("confirm:submit:"))
    assert sl.step(user) == "confirm"
    calls = await sl.press(confirm, user)
    [invoice] = sl.services.repo.list_invoices(requester=f"slack:{user}")
    assert any(invoice.id in text for text in posted(calls))
    return invoice.id


async def test_an_employee_requests_an_invoice_through_the_form_with_buttons(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        invoice_id = await request_special_invoice(sl)
        [invoice] = sl.services.repo.list_invoices(requester=f"slack:{EMPLOYEE}")
        assert invoice.id == invoice_id and invoice.status == Status.PENDING_REVIEW
        # every pressed message lost its buttons and says what was chosen
        updates = fake.of("chat.update")
        assert len(updates) >= 6
        assert all(not c.buttons for c in updates)
        assert any("已选择：增值税专用发票" in c.block_text for c in updates)
        # the PDF preview went into the person's own DM, never a channel
        assert {u["channel"] for u in fake.uploads} == {fake.dm_channel(EMPLOYEE)}


async def test_finance_approves_in_slack_and_the_employee_gets_the_number_and_pdf(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        invoice_id = await request_special_invoice(sl)
        uploads = len(fake.uploads)
        [news] = await sl.wait_for("chat.postMessage", where=lambda c: c["channel"] == FINANCE)
        assert invoice_id in news.block_text
        await sl.say("待审核", FINANCE)
        await sl.press(f"review:open:{invoice_id}", FINANCE)
        await sl.press(f"review:approve:{invoice_id}", FINANCE)
        [invoice] = sl.services.repo.list_invoices(requester=f"slack:{EMPLOYEE}")
        assert invoice.status == Status.ISSUED and invoice.number
        [note] = await sl.wait_for("chat.postMessage", where=lambda c: c["channel"] == EMPLOYEE
                                   and str(invoice.number) in c.block_text)
        assert invoice_id in note.block_text
        await sl.quiet()
        assert len(fake.uploads) > uploads  # the issued invoice's PDF followed the notice


async def test_a_question_is_answered_in_the_persons_slack_language(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        [zh] = posted(await sl.say("专票和普票有什么区别"))
        [en] = posted(await sl.say("what is the difference between a special and an ordinary "
                                   "invoice", ENGLISH))
    assert "专票" in zh and "抵扣" in zh
    assert "special" in en.lower() and "deduct" in en.lower()


async def test_a_button_pressed_twice_before_its_message_changes_counts_once(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        await sl.say("开发票")
        call, action_id = sl.button("invoice_type:special")
        fake.fail_next("chat.update", "hold")  # the buttons are still there for a second press
        first = fake.push_action(EMPLOYEE, call, action_id)
        assert await asyncio.to_thread(fake.wait_delivered, first) == 200
        second = fake.push_action(EMPLOYEE, call, action_id)
        assert await asyncio.to_thread(fake.wait_delivered, second) == 200
        [refusal] = await sl.wait_for("chat.postEphemeral")
        fake.release()
        await sl.quiet()
        assert sl.step() == "buyer_name"
        assert refusal["text"] == "这个按钮已经按过了。"
        assert [h["text"] for h in sl.history() if h["who"] == "user"].count(
            "增值税专用发票（专票）") <= 1
        assert len([c for c in fake.of("chat.postMessage")
                    if "购买方" in c.block_text]) == 1


async def test_an_event_slack_delivers_twice_is_handled_once(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        event_id = fake.push_message(EMPLOYEE, "开发票")
        assert await asyncio.to_thread(fake.wait_delivered, event_id) == 200
        await sl.quiet()
        event = {"type": "message", "user": EMPLOYEE, "text": "开发票", "ts": "1.000200",
                 "channel": fake.dm_channel(EMPLOYEE), "channel_type": "im"}
        again = fake.push_event(event, event_id=event_id, retry_num=1)
        assert await asyncio.to_thread(fake.wait_delivered, again) == 200
        await sl.quiet()
        asked = [h for h in sl.history() if h["who"] == "user"]
    assert [h["text"] for h in asked] == ["开发票"]
    assert len(posted(fake.of("chat.postMessage"), EMPLOYEE)) == 1


async def test_a_ticket_reaches_the_support_channel_masked_and_the_agent_answers_from_slack(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        calls = await sl.say("转人工")
        category = next(v for c in calls for _, _, v in c.buttons if v.startswith("ticket_cat:"))
        await sl.press(category)
        await sl.say("开票时提示税号 914403001922038216 错误，电话 13800138000，请帮忙看看")
        await sl.press("ticket_files:done")
        await sl.press("ticket_confirm:submit")
        [notice] = await sl.wait_for("chat.postMessage", where=lambda c: c["channel"] == SUPPORT)
        text = notice.block_text
        assert "T-" in text and "914403001922038216" not in text and "13800138000" not in text
        ticket_id = next(v for _, _, v in notice.buttons if v.startswith("ticket:show:"))
        # an agent opens it from the channel: the channel's buttons stay for the other agents
        opened = await sl.turn(lambda: fake.push_action(AGENT, notice, notice.buttons[0][1]))
        assert not [c for c in opened if c.method == "chat.update"]
        assert any(ticket_id.split(":")[-1] in t for t in posted(opened, AGENT))
        ref = ticket_id.split(":")[-1]
        claim = next(a for _, a, v in notice.buttons if v == f"ticket:claim:{ref}")
        await sl.turn(lambda: fake.push_action(AGENT, notice, claim))  # right in the channel
        ticket = SqliteTicketStore(sl.services.repo).get_ticket(ref)  # type: ignore[arg-type]
        assert ticket is not None and ticket.assignee == f"slack:{AGENT}"
        await sl.press(f"ticket:reply:{ref}", AGENT)
        await sl.say("已为您修正税号，请重新提交。", AGENT)
        [reply] = await sl.wait_for("chat.postMessage", where=lambda c: c["channel"] == EMPLOYEE
                                    and "已为您修正税号" in c.block_text)
        assert ref in reply.block_text


async def test_a_mention_in_a_channel_is_answered_in_private(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        calls = await sl.turn(lambda: fake.push_mention(EMPLOYEE, "C0GENERAL1", "专票和普票有什么区别"))
    [answer] = posted(calls, EMPLOYEE)
    assert "专票" in answer
    assert not posted(calls, "C0GENERAL1")
    [pointer] = [c for c in calls if c.method == "chat.postEphemeral"]
    assert pointer["channel"] == "C0GENERAL1" and pointer["user"] == EMPLOYEE


async def test_what_a_person_types_reaches_the_engine_as_typed_and_replies_stay_plain(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        await sl.say("开发票")
        await sl.press("invoice_type:special")
        # Slack escapes < > & and marks up mentions and links; the engine gets the plain words
        calls = await sl.say("&lt;华为&gt; &amp; <!channel> <https://evil.example|官网> *粗体*")
        [typed] = [h["text"] for h in sl.history() if h["who"] == "user"][-1:]
        sections = [b for c in calls if c.method == "chat.postMessage"
                    for b in c["blocks"] if b["type"] == "section"]
    assert typed == "<华为> & @channel 官网 *粗体*"
    assert sections and all(b["text"]["type"] == "plain_text" for b in sections)


async def test_a_429_from_slack_is_retried_after_the_time_slack_asks_for(
        http_fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(http_fake, tmp_path) as sl:
        http_fake.fail_next("chat.postMessage", 429)
        started = time.monotonic()
        calls = await sl.say("专票和普票有什么区别")
    tries = [c for c in calls if c.method == "chat.postMessage"]
    assert len(tries) == 2 and tries[1].at - tries[0].at >= 0.9
    assert time.monotonic() - started >= 0.9


async def test_a_request_with_a_bad_signature_is_refused(
        http_fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(http_fake, tmp_path) as sl:
        body = json.dumps({"type": "event_callback", "event_id": "EvBAD", "event": {
            "type": "message", "user": EMPLOYEE, "text": "开发票", "channel_type": "im",
            "channel": http_fake.dm_channel(EMPLOYEE), "ts": "1.1"}}).encode()
        stamp = str(int(time.time()))
        forged = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp,
                  "X-Slack-Signature": signature(stamp, body + b" ")}
        key = http_fake.push_raw(body, forged)
        assert await asyncio.to_thread(http_fake.wait_delivered, key) == 401
        await sl.quiet()
        assert sl.history() == []
        assert not http_fake.of("chat.postMessage")
