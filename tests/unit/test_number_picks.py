"""A number typed back after a numbered list ("did you mean: 1. … 2. …") picks that choice."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.handlers.engine import picked_number


@pytest.mark.parametrize(("text", "number"), [
    ("1", 1), (" 2 ", 2), ("2.", 2), ("3。", 3), ("2、", 2), ("3)", 3), ("第二个", 2),
    ("第2条", 2), ("第三", 3), ("选2", 2), ("选 3", 3), ("选择1", 1), ("②", 2), ("#2", 2),
    ("No. 3", 3), ("option 1", 1), ("the second one", 2), ("second", 2), ("1st", 1),
])
def test_the_ways_people_type_a_number_back(text: str, number: int) -> None:
    assert picked_number(text) == number


@pytest.mark.parametrize("text", [
    "2张", "200", "12", "1.5", "0", "二维码", "一下", "两个", "三张专票", "first invoice",
    "1 2", "", "第", "选",
])
def test_amounts_words_and_questions_are_not_picks(text: str) -> None:
    assert picked_number(text) is None


@given(st.integers(min_value=10, max_value=10**9))
def test_a_number_of_two_digits_or_more_is_never_a_pick(number: int) -> None:
    assert picked_number(str(number)) is None
