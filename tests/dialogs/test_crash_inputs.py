"""Inputs that make a turn fail today (found by test_engine_fuzz): each one must get an ordinary
answer at the same step, not the engine's catch-all "something went wrong"."""

from __future__ import annotations

from collections.abc import Callable

from tests.dialogs.conftest import (
    INTERNAL_ERROR_MARKERS,
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
