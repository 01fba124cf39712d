"""The Telegram front end when things go wrong: redelivered updates, flood control, network
errors, double presses, a flooding person, SIGTERM, kill -9 between storing and sending, and the
webhook's secret. The real python-telegram-bot against tests/e2e/fake_telegram.py, offline."""

from __future__ import annotations

import asyncio
import json
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.handlers.state import load_state
from bot.telegram.runner import SECRET_HEADER, WebhookOptions
from core.storage import open_repository
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import (
    CUSTOMER,
    run_sifbot,
    running_bot,
    sifbot_env,
    start_sifbot,
    texts,
)

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def fake() -> FakeTelegram:
    with FakeTelegram() as server:
        yield server  # type: ignore[misc]


async def test_an_update_delivered_twice_is_processed_once(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        update = fake.message_update(CUSTOMER, text="开发票")
        fake.push(update)
        fake.push(update)  # the same update_id again, in the same batch
        await tg.settled(update["update_id"])
        await tg.turn(lambda: fake.push(update))  # and again later, as after a crash
        await tg.quiet()
        assert [h["text"] for h in tg.history() if h["who"] == "user"] == ["开发票"]
        assert len(fake.of("sendMessage")) == 1
        assert len(tg.services.repo.drafts_of(f"tg:{CUSTOMER}")) == 1


async def test_a_429_is_retried_after_the_time_telegram_asks_for(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        fake.fail_next("sendMessage", 429)
        await tg.say("开发票")
        first, second = fake.of("sendMessage")
        assert second.at - first.at >= 0.95  # retry_after is 1 second
        assert first["text"] == second["text"] == "请选择发票类型："


async def test_network_errors_are_retried_with_backoff(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        fake.fail_next("getUpdates", "bad_gateway")
        fake.fail_next("sendMessage", "bad_gateway")
        fake.fail_next("sendMessage", "bad_gateway")
        calls = await tg.say("开发票")
        assert texts(calls) == ["请选择发票类型："] * 3
        assert tg.step() == "invoice_type"


async def test_a_pressed_button_cannot_be_pressed_again(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as tg:
        await tg.say("开发票")
        message = tg.message_with("invoice_type:special")
        await tg.turn(lambda: fake.push_button(CUSTOMER, message, "invoice_type:special"))
        assert tg.step() == "buyer_name"
        before = len(fake.of("sendMessage"))
        fake.push_button(CUSTOMER, message, "invoice_type:ordinary")  # an old keyboard
        [answer] = (await tg.wait_for("answerCallbackQuery", count=2))[1:]
        assert answer["text"] == "这个按钮已经按过了。"
        assert len(fake.of("sendMessage")) == before and tg.step() == "buyer_name"
        [edit] = fake.of("editMessageText")
        assert edit["message_id"] == message["message_id"] and "reply_markup" not in edit.params


async def test_a_person_who_floods_is_told_politely_once(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, rate_burst=3, rate_per_second=0.2) as tg:
        ids = [fake.push_text(CUSTOMER, f"第{n}条 开发票是什么？") for n in range(6)]
        await tg.wait_for("sendMessage", where=lambda c: "有点快" in c["text"])
        await tg.settled(ids[2])
        await tg.quiet()
        notices = [t for t in texts(fake.calls) if "有点快" in t]
        assert len(notices) == 1 and "秒后再发" in notices[0]
        asked = [h for h in tg.history() if h["who"] == "user"]
        assert len(asked) == 3
        other = 7
        assert texts(await tg.say("开发票", user=other)) == ["请选择发票类型："]


async def test_the_webhook_needs_its_secret_and_answers_after_storing(
        fake: FakeTelegram, tmp_path: Path) -> None:
    options = WebhookOptions(url="https://bot.example.invalid/tg/hook", port=0,
                             secret="s3cret-token")
    async with running_bot(fake, tmp_path, webhook=options) as tg:
        [hook] = fake.of("setWebhook")
        assert hook["url"] == options.url and hook["secret_token"] == "s3cret-token"
        update = fake.message_update(CUSTOMER, text="开发票")
        url = f"http://127.0.0.1:{tg.port}/tg/hook"
        assert await asyncio.to_thread(_post, url, update, "wrong") == 403
        assert await asyncio.to_thread(_post, url, update, "s3cret-token") == 200
        assert tg.bot.ledger.seen(update["update_id"])  # stored before the 200
        assert await asyncio.to_thread(_post, url, update, "s3cret-token") == 200
        await tg.quiet()
        assert texts(fake.calls) == ["请选择发票类型："]
        assert not fake.of("getUpdates")


def _post(url: str, update: dict[str, object], secret: str) -> int:
    request = urllib.request.Request(url, data=json.dumps(update).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              SECRET_HEADER: secret})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_sigterm_stops_the_bot_cleanly_and_confirms_what_it_handled(
        fake: FakeTelegram, tmp_path: Path) -> None:
    process = start_sifbot(["run", "telegram", "--poll-timeout", "1"],
                           sifbot_env(fake, tmp_path))
    try:
        fake.wait_for("getUpdates", timeout=60)
        update_id = fake.push_text(CUSTOMER, "开发票")
        fake.wait_for("sendMessage")
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    last_poll = fake.of("getUpdates")[-1]
    assert last_poll["offset"] == update_id + 1  # confirmed: a restart will not see it again


def test_a_kill_after_the_turn_is_stored_loses_nothing_and_repeats_nothing(
        fake: FakeTelegram, tmp_path: Path) -> None:
    env = sifbot_env(fake, tmp_path)
    fake.fail_next("sendMessage", "hold")  # Telegram never answers the first reply
    first = start_sifbot(["run", "telegram", "--poll-timeout", "1"], env)
    try:
        fake.wait_for("getUpdates", timeout=60)
        update = fake.message_update(CUSTOMER, text="开发票")
        fake.push(update)
        fake.wait_for("sendMessage")
        first.kill()  # kill -9 while the reply is on its way
        first.communicate(timeout=30)
    finally:
        first.kill()
    # The turn and its reply were stored, so the update may be confirmed; resend it anyway,
    # as Telegram does when a crash came before the confirmation.
    fake.push(update)
    second = start_sifbot(["run", "telegram", "--poll-timeout", "1"], env)
    try:
        fake.wait_for("sendMessage", count=2, timeout=60)
        deadline = time.monotonic() + 30
        while fake.pending_updates() and time.monotonic() < deadline:
            time.sleep(0.05)
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=30)
    finally:
        second.kill()
    assert texts(fake.calls) == ["请选择发票类型："] * 2  # resent, not run again
    repo = open_repository(tmp_path / "sifbot.db")
    history = load_state(repo, f"tg:{CUSTOMER}").history
    assert [h["text"] for h in history if h["who"] == "user"] == ["开发票"]
    assert len(repo.drafts_of(f"tg:{CUSTOMER}")) == 1


def test_run_telegram_without_a_token_is_a_usage_error(tmp_path: Path) -> None:
    with FakeTelegram() as fake:
        env = {k: v for k, v in sifbot_env(fake, tmp_path).items() if k != "TELEGRAM_BOT_TOKEN"}
        result = run_sifbot(["run", "telegram"], env)
        bad_base = {**sifbot_env(fake, tmp_path), "TELEGRAM_API_BASE": "http://127.0.0.1:1/x"}
        bad = run_sifbot(["run", "telegram"], bad_base)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert bad.returncode == 2 and "ending in /bot" in bad.stderr
