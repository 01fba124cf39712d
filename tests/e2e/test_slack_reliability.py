"""Slack under bad conditions and across platforms: files, the slash command, flood limits,
Slack refusing sends, a Telegram customer answered by a Slack agent, and `sifbot run slack` as
a process of its own. Real libraries against the local fakes; nothing reaches the internet."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.handlers.state import load_state
from bot.slack.app import KINDS
from core.storage.sqlite import open_repository
from tests.e2e.fake_slack import TOKEN, FakeSlack, signature
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.slack_harness import (
    AGENT,
    EMPLOYEE,
    SETTINGS,
    SUPPORT,
    posted,
    running_slack,
    slack_sifbot_env,
)
from tests.e2e.telegram_harness import CUSTOMER, run_sifbot, running_bot, start_sifbot, texts

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack("http") as server:
        yield server


async def test_a_file_sent_in_the_dm_is_fetched_with_the_token_and_goes_with_the_ticket(
        fake: FakeSlack, tmp_path: Path) -> None:
    screenshot = b"\x89PNG\r\n\x1a\n a screenshot of the error " * 20
    async with running_slack(fake, tmp_path) as sl:
        calls = await sl.say("转人工")
        category = next(v for c in calls for _, _, v in c.buttons if v.startswith("ticket_cat:"))
        await sl.press(category)
        await sl.say("开票时系统报错，截图附上。")
        shared = fake.add_file(screenshot, "报错截图.png", "image/png")
        await sl.turn(lambda: fake.push_message(EMPLOYEE, "", files=[shared]))
        [download] = fake.of("download")
        assert download.headers.get("Authorization") == f"Bearer {TOKEN}"
        stored = list((tmp_path / "files" / "slack" / EMPLOYEE).iterdir())
        assert [p.read_bytes() for p in stored] == [screenshot]
        assert sl.step() == "attachments"
        await sl.press("ticket_files:done")
        await sl.press("ticket_confirm:submit")
        [ticket] = json.loads((await asyncio.to_thread(
            run_sifbot, ["tickets", "list", "--json"], slack_sifbot_env(fake, tmp_path))).stdout)
        shown = await asyncio.to_thread(run_sifbot, ["tickets", "show", ticket["id"], "--json"],
                                        slack_sifbot_env(fake, tmp_path))
        assert "报错截图.png" in shown.stdout


async def test_a_file_on_a_host_that_is_not_slacks_is_never_fetched(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        shared = fake.add_file(b"%PDF-1.4", "invoice.pdf", "application/pdf")
        shared["url_private"] = shared["url_private_download"] = "http://10.0.0.1/steal.pdf"
        calls = await sl.turn(lambda: fake.push_message(EMPLOYEE, "看看这个", files=[shared]))
        assert not fake.of("download")
        assert posted(calls, EMPLOYEE) == ["文件没有收到，请再发一次。"]


async def test_the_slash_command_talks_in_the_dm_and_points_there(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        keys: list[str] = []

        def push(text: str, channel: str = "C0GENERAL1") -> str:
            body = urlencode({"command": "/sif", "text": text, "user_id": EMPLOYEE,
                              "channel_id": channel, "team_id": "T0TEST01",
                              "trigger_id": f"trig-{text}-{channel}",
                              "response_url": "http://x/y"}).encode()
            stamp = str(int(time.time()))
            keys.append(fake.push_raw(body, {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature(stamp, body)}))
            return keys[-1]

        calls = await sl.turn(lambda: push("专票和普票有什么区别"))
        [answer] = posted(calls, EMPLOYEE)
        assert "专票" in answer and not posted(calls, "C0GENERAL1")
        assert "私信" in fake.answers[keys[-1]].decode()  # the pointer, seen only by them
        await sl.turn(lambda: push("我的工单", fake.dm_channel(EMPLOYEE)))
        assert fake.answers[keys[-1]] == b""  # already in the DM: no pointer to it
        await sl.turn(lambda: push(""))  # no words: only the usage, no turn
        assert "/sif" in fake.answers[keys[-1]].decode()
        said = [h["text"] for h in sl.history() if h["who"] == "user"]
        assert said == ["专票和普票有什么区别", "我的工单"]


async def test_a_person_who_floods_is_told_politely_once(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path, rate_burst=3, rate_per_second=0.01) as sl:
        for n in range(6):
            await sl.say(f"你好 {n}")
        await sl.wait_for("chat.postMessage", where=lambda c: "有点快" in c.block_text)
        await asyncio.sleep(0.5)  # room for a second notice, were one (wrongly) coming
        notices = [t for t in posted(fake.of("chat.postMessage"), EMPLOYEE) if "有点快" in t]
        handled = [h for h in sl.history() if h["who"] == "user"]
    assert len(handled) == 3 and len(notices) == 1


async def test_a_send_slack_keeps_refusing_is_kept_and_delivered_later(
        fake: FakeSlack, tmp_path: Path) -> None:
    async with running_slack(fake, tmp_path) as sl:
        for _ in range(3):  # the client's own retries (2) give up: the ledger keeps it
            fake.fail_next("chat.postMessage", 502)
        key = fake.push_message(EMPLOYEE, "专票和普票有什么区别")
        assert await asyncio.to_thread(fake.wait_delivered, key) == 200
        [kept] = await asyncio.to_thread(lambda: list(sl.services.repo.docs(KINDS.send)))
        await sl.quiet(timeout=30)
        tries = fake.of("chat.postMessage")
    assert len(tries) == 4 and "专票" in tries[-1].block_text
    assert kept[1]["chat_id"] == EMPLOYEE


async def test_a_telegram_customer_gets_the_reply_a_slack_agent_writes(
        fake: FakeSlack, tmp_path: Path) -> None:
    with FakeTelegram() as telegram:
        async with (running_bot(telegram, tmp_path, settings=SETTINGS) as tg,
                    running_slack(fake, tmp_path) as sl):
            calls = await tg.say("/ticket")
            category = next(d for c in calls for _, d in c.buttons if d.startswith("ticket_cat:"))
            await tg.press(category)
            await tg.say("发票一直没收到，手机号 13800138000。")
            await tg.press("ticket_files:done")
            await tg.press("ticket_confirm:submit")
            [notice] = await sl.wait_for("chat.postMessage",
                                         where=lambda c: c["channel"] == SUPPORT)
            assert "13800138000" not in notice.block_text
            ref = next(v for _, _, v in notice.buttons if v.startswith("ticket:show:"))
            ticket_id = ref.removeprefix("ticket:show:")
            await sl.turn(lambda: fake.push_action(AGENT, notice, notice.buttons[0][1]))
            await sl.press(f"ticket:reply:{ticket_id}", AGENT)
            await sl.say("已补发到您的邮箱，请查收。", AGENT)
            [reply] = await tg.wait_for("sendMessage", where=lambda c: c["chat_id"] == CUSTOMER
                                        and "已补发到您的邮箱" in c["text"])
            assert ticket_id in reply["text"]
            assert not [c for c in fake.of("chat.postMessage") if "已补发" in c.block_text
                        and c["channel"] != AGENT]  # Slack never posts the customer's news
            assert texts(telegram.of("sendMessage"), CUSTOMER)


def test_sifbot_run_slack_serves_http_mode_and_stops_cleanly_on_sigterm(
        fake: FakeSlack, tmp_path: Path) -> None:
    fake.add_user(EMPLOYEE)
    process = _serve(slack_sifbot_env(fake, tmp_path), fake)
    try:
        key = fake.push_message(EMPLOYEE, "专票和普票有什么区别")
        assert fake.wait_delivered(key, 30) == 200
        [answer] = fake.wait_for("chat.postMessage", timeout=30)
        assert "专票" in answer.block_text
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def _serve(env: dict[str, str], fake: FakeSlack) -> subprocess.Popen[str]:
    """`sifbot run slack --http` as a process; returns once it takes events."""
    port = _free_port()
    process = start_sifbot(["run", "slack", "--http", "--port", str(port)], env)
    fake.request_url = f"http://127.0.0.1:{port}/slack/events"
    deadline = time.monotonic() + 60
    while True:
        probe = fake.push_raw(b"{}", {"Content-Type": "application/json"})  # unsigned: 401
        if fake.wait_delivered(probe, 30) == 401 or time.monotonic() > deadline:
            return process
        time.sleep(0.2)


def test_a_kill_after_the_turn_is_stored_loses_nothing_and_repeats_nothing(
        fake: FakeSlack, tmp_path: Path) -> None:
    fake.add_user(EMPLOYEE)
    env = slack_sifbot_env(fake, tmp_path)
    fake.fail_next("chat.postMessage", "hold")  # Slack never answers the first reply
    first = _serve(env, fake)
    try:
        event_id = fake.push_message(EMPLOYEE, "开发票")
        assert fake.wait_delivered(event_id, 30) == 200  # stored: Slack heard 200
        fake.wait_for("chat.postMessage")
        first.kill()  # kill -9 while the reply is on its way
        first.communicate(timeout=30)
    finally:
        first.kill()
    fake.release()
    second = _serve(env, fake)
    try:  # Slack redelivers the event too, as it does when it doubts the first answer
        event = {"type": "message", "user": EMPLOYEE, "text": "开发票", "ts": "1.0009",
                 "channel": fake.dm_channel(EMPLOYEE), "channel_type": "im"}
        again = fake.push_event(event, event_id=event_id, retry_num=1)
        assert fake.wait_delivered(again, 30) == 200
        fake.wait_for("chat.postMessage", count=2, timeout=60)
        time.sleep(1.0)  # room for a third, were the turn (wrongly) run again
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=30)
    finally:
        second.kill()
    assert [c.block_text for c in fake.of("chat.postMessage")] == ["请选择发票类型："] * 2
    repo = open_repository(tmp_path / "sifbot.db")
    history = load_state(repo, f"slack:{EMPLOYEE}").history
    assert [h["text"] for h in history if h["who"] == "user"] == ["开发票"]


@pytest.mark.parametrize(("args", "drop", "words"), [
    (["run", "slack"], "SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN"),
    (["run", "slack"], "SLACK_APP_TOKEN", "SLACK_APP_TOKEN"),
    (["run", "slack", "--http", "--port", "0"], "SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET"),
    (["run", "slack", "--port", "8080"], "", "--port needs --http"),
    (["run", "slack", "--http"], "", "--http needs --port"),
])
def test_run_slack_without_what_it_needs_is_a_one_line_usage_error(
        tmp_path: Path, args: list[str], drop: str, words: str) -> None:
    with FakeSlack("socket") as socket_fake, FakeSlack("http") as http_fake:
        env = {**slack_sifbot_env(socket_fake, tmp_path), **http_fake.env(),
               "SLACK_APP_TOKEN": socket_fake.env()["SLACK_APP_TOKEN"]}
        env.pop(drop, None)
        result = run_sifbot(args, env)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr


def test_run_slack_with_a_token_slack_refuses_fails_in_one_line(tmp_path: Path) -> None:
    with FakeSlack("socket") as fake:
        env = {**slack_sifbot_env(fake, tmp_path), "SLACK_BOT_TOKEN": "xoxb-revoked"}
        result = run_sifbot(["run", "slack"], env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "sifbot run slack: cannot start the Slack app: invalid_auth")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_malformed_hostile_and_oversized_events_neither_crash_nor_store_anything(
        fake: FakeSlack, tmp_path: Path) -> None:
    dm = fake.dm_channel(EMPLOYEE)
    async with running_slack(fake, tmp_path) as sl:
        ignored = [
            {"type": "message", "text": "no one said this", "channel": dm, "channel_type": "im"},
            {"type": "message", "user": EMPLOYEE, "subtype": "message_changed", "channel": dm,
             "channel_type": "im", "message": {"text": "edited"}},
            {"type": "message", "user": "UBOT0001", "bot_id": "B0BOT001", "text": "echo",
             "channel": dm, "channel_type": "im"},
            {"type": "message", "user": EMPLOYEE, "text": "开发票", "channel": "C0GENERAL1",
             "channel_type": "channel"},
        ]
        for event in ignored:
            await sl.turn(lambda event=event: fake.push_event(event))
        assert sl.history() == [] and not fake.of("chat.postMessage")
        huge = "发票" * 20_000  # Slack lets a message carry 40,000 characters
        calls = await sl.say(huge)
        [reply] = posted(calls, EMPLOYEE)
        assert reply and len(reply) < 3000
        await sl.say("开发票")
        call, action_id = sl.button("invoice_type:special")
        blocks = json.loads(json.dumps(call["blocks"]))
        blocks[-1]["elements"][0]["value"] = "invoice_type:<script>alert(1)</script>"
        fake.set_blocks(call.result["channel"], call.result["ts"], blocks)
        calls = await sl.turn(lambda: fake.push_action(EMPLOYEE, call, action_id))
        assert sl.step() == "invoice_type"  # an unknown choice changes nothing
        assert posted(calls, EMPLOYEE)  # and the person is told what to do
        assert not await asyncio.to_thread(lambda: list(sl.services.repo.docs(KINDS.send)))
