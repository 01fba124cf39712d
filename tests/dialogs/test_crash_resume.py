"""The bot killed with SIGKILL mid-form: a new process goes on at the same step, draft intact."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.dialogs.conftest import HUAWEI, Chat, fill_special_buyer, start_special

ALICE = {"user": "console:alice", "role": "customer"}


@pytest.mark.bots(3)
def test_a_killed_bot_goes_on_at_the_same_step_in_a_new_process(
        chat: Callable[..., Chat], records: Callable[..., list[dict[str, Any]]]) -> None:
    bot = chat()
    start_special(bot, **ALICE)
    fill_special_buyer(bot)
    bot.press("items:gross")
    asked = bot.say("软件开发服务")  # half a line: the name, the quantity comes next
    assert asked.text == "“软件开发服务”的数量是多少？"
    draft_id = asked.refs["draft_id"]
    bot.kill()
    assert bot.proc.returncode == -9

    again = chat()
    same = again.say("帮助", **ALICE)
    assert same.flow == "invoice" and same.step == "items" and same.refs["draft_id"] == draft_id
    assert same.replies[-1]["text"] == "“软件开发服务”的数量是多少？"
    again.say("1")
    again.say("10600")
    line = again.say("6%")
    assert "1. 软件开发服务" in line.text and "10600.00" in line.text
    back = again.say("返回")
    assert back.step == "buyer_bank_account"
    assert f"（当前：{HUAWEI['buyer_bank_account']}）" in back.text
    [draft] = records(drafts=True)
    assert draft["id"] == draft_id and draft["buyer_name"] == HUAWEI["buyer_name"]

    again.say(HUAWEI["buyer_bank_account"])  # on to the preview, and killed there
    again.press("items:done")
    again.press("nav:skip")
    preview = again.press("delivery:download")
    confirm = preview.choice_starting("confirm:submit:")
    again.kill()

    third = chat()
    shown = third.say("帮助", **ALICE)
    assert shown.step == "confirm" and confirm in shown.choices
    assert "价税合计：¥10600.00" in shown.text
    first = third.press(confirm)
    second = third.say("确认")  # after the submit the form is over: no second request
    assert first.refs["invoice_id"] and second.refs["invoice_id"] in (None, first.refs["invoice_id"])
    assert [r["id"] for r in records()] == [first.refs["invoice_id"]]


@pytest.mark.bots(2)
def test_a_bot_killed_during_a_turn_leaves_the_turn_all_done_or_not_done(
        chat: Callable[..., Chat], workdir: Path) -> None:
    bot = chat()
    start_special(bot, **ALICE)
    before = bot.say(HUAWEI["buyer_name"])
    assert before.step == "buyer_tax_id"
    assert bot.proc.stdin is not None
    bot.proc.stdin.write(json.dumps({"text": HUAWEI["buyer_tax_id"]}) + "\n")
    bot.proc.stdin.flush()
    bot.kill()  # somewhere inside (or just before, or after) that turn

    with sqlite3.connect(workdir / "sifbot.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = chat()
    now = again.say("帮助", **ALICE)
    assert now.refs["draft_id"] == before.refs["draft_id"]
    assert now.step in ("buyer_tax_id", "buyer_address_phone"), now
    if now.step == "buyer_address_phone":  # the turn was stored, the tax ID with it
        now = again.say("返回")
        assert f"（当前：{HUAWEI['buyer_tax_id']}）" in now.text
    else:
        assert "（当前：" not in now.text
        assert again.say(HUAWEI["buyer_tax_id"]).step == "buyer_address_phone"
