"""Phone and bank numbers are masked however people type them: grouped with spaces or dashes,
in full-width digits (Chinese IMEs), or both."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.privacy import mask_text

FULL_WIDTH = {ord(d): ord(d) + 0xFEE0 for d in "0123456789"}
SEPARATORS = st.sampled_from(["", " ", "-", "\u3000", "\uff0d", " - ", "\u2014"])
PREFIXES = st.sampled_from(["", "手机", "电话：", "银行卡 ", "account ", "账号"])
SUFFIXES = st.sampled_from(["", "，谢谢", " thanks", "。"])

mobiles = st.builds(lambda second, rest: "1" + second + rest,
                    st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))
accounts = st.text("0123456789", min_size=12, max_size=25)


@st.composite
def typed(draw: st.DrawFn, digits: st.SearchStrategy[str]) -> tuple[str, str]:
    """(the number's digits, the number as someone typed it)."""
    number = draw(digits)
    cuts = sorted(draw(st.sets(st.integers(1, len(number) - 1), max_size=6)))
    parts = [number[a:b] for a, b in zip([0, *cuts], [*cuts, len(number)], strict=True)]
    text = parts[0]
    for part in parts[1:]:
        text += draw(SEPARATORS) + part
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return number, text


def visible_digits(masked: str) -> str:
    return re.sub(r"\D", "", masked.translate({v: k for k, v in FULL_WIDTH.items()}))


@given(typed(mobiles), PREFIXES, SUFFIXES)
def test_a_mobile_number_is_masked_however_it_is_typed(number: tuple[str, str], prefix: str,
                                                       suffix: str) -> None:
    digits, written = number
    masked = mask_text(prefix + written + suffix)
    assert "*" in masked
    assert visible_digits(masked) == digits[:3] + digits[-4:]


@given(typed(accounts), PREFIXES, SUFFIXES)
def test_a_bank_account_is_masked_however_it_is_typed(number: tuple[str, str], prefix: str,
                                                      suffix: str) -> None:
    digits, written = number
    masked = mask_text(prefix + written + suffix)
    assert visible_digits(masked) == digits[:4] + digits[-4:]


@pytest.mark.parametrize(("text", "secret"), [
    ("银行卡 6222 0202 0011 2233 445", "0202 0011 2233"),
    ("手机 138-0013-8000", "0013"),
    ("备用 139 1234 5678", "1234"),
    ("手机１３８００１３８０００", "００１３"),
    ("电话 ０７５５－２８７８ ０８０８", "２８７８"),
])
def test_the_auditors_formats_are_masked(text: str, secret: str) -> None:
    assert secret not in mask_text(text)


def test_a_full_width_tax_id_is_masked() -> None:
    masked = mask_text("税号９１３５０１００Ｍ０００１００Ｙ４３")
    assert "０１００Ｍ０００" not in masked and masked.endswith("Ｙ４３")


@pytest.mark.parametrize("text", ["于 2026-03-02 10:30 开具", "数量 2 单价 100.00", "T-1001 第 3 次",
                                  "２０２６年３月２日"])
def test_dates_times_and_small_numbers_are_left_alone(text: str) -> None:
    assert mask_text(text) == text
