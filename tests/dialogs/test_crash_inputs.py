"""Inputs that make a turn fail today (found by test_engine_fuzz): each one must get an ordinary
answer at the same step, not the engine's catch-all "something went wrong"."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.dialogs.conftest import (
    INTERNAL_ERROR_MARKERS,
    NOW,
    ROOT,
    EngineChat,
    Turn,
    fill_special_buyer,
    start_special,
)


def refused_at(turn: Turn, step: str) -> None:
    assert not any(m in turn.text for m in INTERNAL_ERROR_MARKERS), turn
    assert turn.step == step and turn.errors, turn


def test_a_line_of_only_separators_is_refused_at_the_items_step(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    fill_special_buyer(bot)
    bot.press("items:gross")
    for text in ("，", "、、", "items:"):
        refused_at(bot.send(check=False, text=text), "items")
    refused_at(bot.send(check=False, choice="items:"), "items")


def test_text_starting_with_fix_is_not_a_crash(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    for text in ("fix:", "fix:x"):
        turn = bot.send(check=False, text=text)
        assert not any(m in turn.text for m in INTERNAL_ERROR_MARKERS), turn
        assert turn.step == "buyer_name", turn
    turn = bot.send(check=False, choice="fix:buyer_name")
    assert not any(m in turn.text for m in INTERNAL_ERROR_MARKERS), turn


def test_a_lone_surrogate_is_refused_and_the_form_goes_on(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    turn = bot.send(check=False, text="华为\ud800技术有限公司")
    refused_at(turn, "buyer_name")
    assert turn.codes == ["input_unreadable"], turn
    refused_at(bot.send(check=False, choice="invoice_type:\udcff"), "buyer_name")
    assert bot.say("华为技术有限公司").step == "buyer_tax_id"


def test_gbk_bytes_typed_at_the_terminal_are_refused_without_a_traceback(workdir: Path) -> None:
    typed = "开发票\n1\n".encode() + "华为技术有限公司\n".encode("gbk") + "华为技术有限公司\n".encode()
    env = {**os.environ, "SIFBOT_NOW": NOW, "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run([sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())",
                          "chat", "--db", str(workdir / "sifbot.db"),
                          "--config", str(workdir / "sifbot.toml")],
                         input=typed, capture_output=True, env=env, timeout=120, cwd=ROOT)
    out, err = run.stdout.decode(), run.stderr.decode()
    assert run.returncode == 0 and "Traceback" not in err + out, err[-2000:]
    assert "无法识别的字符" in out, out[-2000:]
    assert "请输入购买方纳税人识别号" in out, out[-2000:]  # the UTF-8 retry went through
