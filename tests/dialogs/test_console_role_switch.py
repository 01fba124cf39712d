"""A JSONL line that switches to another person takes that person's role from [roles]
(else customer); a line that names a role still sets it. README: the `sifbot chat --jsonl` row."""

from __future__ import annotations

from collections.abc import Callable

from tests.dialogs.conftest import CUSTOMER, FINANCE, Chat, EngineChat

DENIED_ZH = "您没有权限"


def test_switching_to_a_finance_user_without_a_role_gives_them_their_finance_role(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat(user=CUSTOMER)
    assert DENIED_ZH in bot.say("待审核").text  # alice is a customer
    queue = bot.say("待审核", user=FINANCE)  # console:fin is finance in [roles]
    assert DENIED_ZH not in queue.text and "permission_denied" not in queue.codes


def test_switching_back_to_someone_not_in_roles_makes_them_a_customer_again(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat(user=FINANCE, role="finance")
    assert DENIED_ZH not in bot.say("待审核").text
    again = bot.say("待审核", user=CUSTOMER)  # not finance just because the last one was
    assert "permission_denied" in again.codes


def test_a_line_with_a_role_still_sets_it_over_roles(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat(user=CUSTOMER)
    assert "permission_denied" in bot.say("待审核", user=FINANCE, role="customer").codes
    assert "permission_denied" not in bot.say("待审核", user=CUSTOMER, role="finance").codes


def test_the_same_user_named_again_keeps_the_role_given_at_start(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat(user=CUSTOMER, role="finance")  # as --role finance
    assert "permission_denied" not in bot.say("待审核", user=CUSTOMER).codes


def test_sifbot_chat_looks_the_switched_user_up_in_roles(chat: Callable[..., Chat]) -> None:
    bot = chat("--user", "alice")  # console:alice: a customer
    assert "permission_denied" in bot.say("待审核").codes
    assert "permission_denied" not in bot.say("pending", user=FINANCE, lang="en").codes
