"""Inputs that make a turn fail today (found by test_engine_fuzz): each one must get an ordinary
answer at the same step, not the engine's catch-all "something went wrong"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

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


@pytest.mark.xfail(strict=True, reason="bug: bot/handlers/flows/items.py:157-169,210 a line of "
                   "separators only ('，', '、、') or an empty value ('items:' typed or pressed) "
                   "splits into no parts and _complete_line raises KeyError 'name' — fix: in "
                   "_accept_line_text, report item_name_required/line_format when split_parts() "
                   "returns [] (and a line whose first part is empty, '，1，100，6%')")
def test_a_line_of_only_separators_is_refused_at_the_items_step(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    fill_special_buyer(bot)
    bot.press("items:gross")
    for text in ("，", "、、", "items:"):
        refused_at(bot.send(check=False, text=text), "items")
    refused_at(bot.send(check=False, choice="items:"), "items")


@pytest.mark.xfail(strict=True, reason="bug: bot/handlers/flows/invoice.py:114 "
                   "(InvoiceFlow.handle) takes value.split(':', 2)[2] of anything starting 'fix:', "
                   "so typing 'fix:' or 'fix:x' (or a malformed fix button) raises IndexError — "
                   "fix: parts = value.split(':', 2); answer input.stale_choice unless len(parts) "
                   "== 3 and parts[1] == the current step")
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
