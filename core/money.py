"""Money on an invoice: tax rates, parsing typed figures, splitting lines, upper-case totals.

Money is always `Decimal`, rounded half-up to the cent (0.01).

Upper-case amount policy (see shared/reference/rmb_uppercase_rules.md, where the PBOC rules and
会计基础工作规范 leave choices open):
- The integer part is written as `cn2an` writes it (standard reading: no 零 for an empty 万 place
  before a non-zero 仟, which PBOC rule 三.3 allows), except that an entirely empty 万 section
  between 亿 and a non-zero 仟 keeps its 零 (壹亿零壹仟圆整), as the language requires.
- When the 圆 digit is 0 but 角 is not, we write 零 after 圆 (1680.32 -> 壹仟陆佰捌拾圆零叁角贰分,
  107000.53 -> 壹拾万柒仟圆零伍角叁分): variant A of PBOC rule 三.3, the tamper-proof choice.
- 整 follows 圆 and 角 (PBOC allows it after 角, 会计基础工作规范 asks for it); never after 分.
- 圆 rather than 元, as printed on VAT invoices; red-letter (negative) amounts start with 负.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

import cn2an

CENT = Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 12  # amounts and prices must stay below this
MONEY_PLACES = 2

TAX_RATES: dict[str, Decimal] = {
    "13%": Decimal("0.13"),
    "9%": Decimal("0.09"),
    "6%": Decimal("0.06"),
    "5%": Decimal("0.05"),
    "3%": Decimal("0.03"),
    "1%": Decimal("0.01"),
    "0%": Decimal("0"),
    "exempt": Decimal("0"),
}

_EXEMPT_WORDS = {"免税", "免征", "exempt", "tax-free", "taxfree", "tax free", "tax exempt", "tax-exempt"}
_ZERO_WORDS = {"零税率", "zero", "zero-rated", "zero rated"}
_PERCENT_TO_KEY = {TAX_RATES[key] * 100: key for key in TAX_RATES if key != "exempt"}


def parse_rate(text: str) -> str | None:
    """The TAX_RATES key for what a person typed ("6%", "6", "0.06", "６％", "免税"), or None."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().lower()
    if cleaned in _EXEMPT_WORDS:
        return "exempt"
    if cleaned in _ZERO_WORDS:
        return "0%"
    has_percent = cleaned.endswith("%")
    number = cleaned.removesuffix("%").strip()
    if not re.fullmatch(r"\d{1,2}(\.\d{1,4})?|0?\.\d{1,4}", number):
        return None
    value = Decimal(number)
    if not has_percent and value < 1 and value * 100 in _PERCENT_TO_KEY and value != 0:
        return _PERCENT_TO_KEY[value * 100]
    return _PERCENT_TO_KEY.get(value)


def cents(x: Decimal) -> Decimal:
    """Round half-up to the cent."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


DecimalProblem = Literal["format", "places", "size"]

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")
_CURRENCY = ("￥", "¥", "rmb", "cny", "人民币")


def read_decimal(
    text: str, *, max_places: int = MONEY_PLACES
) -> tuple[Decimal | None, DecimalProblem | None]:
    """Read a typed figure; on failure say why: "format", "places" (too many decimals), "size"."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().lower()
    if len(cleaned) > 40:
        return None, "format"
    for symbol in _CURRENCY:
        cleaned = cleaned.removeprefix(symbol).strip()
    cleaned = cleaned.removesuffix("元").removesuffix("圆").strip()
    if "," in cleaned:
        if not _GROUPED.fullmatch(cleaned):
            return None, "format"  # "10,60" may be a decimal comma: refuse rather than guess
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.fullmatch(cleaned):
        return None, "format"  # also refuses NaN, Infinity, 1e3 and other tricks
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above already excludes these
        return None, "format"
    if abs(value) >= MONEY_LIMIT:
        return None, "size"
    quantum = Decimal(1).scaleb(-max_places)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > max_places:
        if value != value.quantize(quantum):
            return None, "places"
        value = value.quantize(quantum)  # only trailing zeros were dropped: "3.500" -> 3.50
    return value, None


def parse_decimal(text: str, *, max_places: int = MONEY_PLACES) -> Decimal | None:
    """A typed figure ("10,600", "￥10600.00", "１２") as Decimal, or None when it is not one."""
    value, _problem = read_decimal(text, max_places=max_places)
    return value


def split_line(
    quantity: Decimal, unit_price: Decimal, rate_key: str, *, includes_tax: bool
) -> tuple[Decimal, Decimal]:
    """(amount, tax) of a line; with prices including tax the line ties exactly to the gross."""
    rate = TAX_RATES[rate_key]
    if not includes_tax:
        amount = cents(quantity * unit_price)
        return amount, cents(amount * rate)
    gross = cents(quantity * unit_price)
    amount = cents(gross / (1 + rate))
    return amount, gross - amount


# --- upper-case amounts -------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def rmb_upper(amount: Decimal) -> str:
    """The upper-case amount as printed on a VAT invoice, e.g. 壹仟贰佰伍拾圆整."""
    value = cents(amount)
    if abs(value) >= MONEY_LIMIT:
        raise ValueError(f"amount out of range: {amount}")
    sign = "负" if value < 0 else ""
    value = abs(value)
    integer, fraction = f"{value:.2f}".split(".")
    text = cn2an.an2cn(f"{value:.2f}", "rmb").replace("元", "圆")
    text = _keep_zero_for_empty_wan_section(text, integer)
    if int(integer) > 0 and integer[-1] == "0" and fraction[0] != "0":
        text = text.replace("圆", "圆零", 1)
    if fraction[0] != "0" and fraction[1] == "0":
        text += "整"
    return sign + text


def _keep_zero_for_empty_wan_section(text: str, integer: str) -> str:
    """cn2an writes 壹亿壹仟 for 100001000; the empty 万 section needs its 零: 壹亿零壹仟."""
    if len(integer) > 8 and integer[-8:-4] == "0000" and integer[-4] != "0":
        head, _, tail = text.partition("亿")
        if not tail.startswith("零"):
            return f"{head}亿零{tail}"
    return text


def parse_rmb_upper(text: str) -> Decimal:
    """Read an upper-case amount (人民币 and ⊗ prefixes, 元 or 圆, 整 or 正 allowed) back."""
    rest = text.strip().removeprefix("⊗").removeprefix("人民币").strip()
    negative = rest.startswith("负")
    rest = rest.removeprefix("负").removesuffix("整").removesuffix("正").replace("元", "圆")
    integer_text, sep, fraction_text = rest.rpartition("圆")
    if not sep:
        integer_text, fraction_text = "", rest
    value = _parse_upper_integer(integer_text) + _parse_upper_fraction(fraction_text)
    if not rest or (integer_text == "" and sep):
        raise ValueError(f"not an upper-case amount: {text!r}")
    return cents(-value if negative else value)


def _parse_upper_integer(text: str) -> Decimal:
    total = 0
    for big_unit, factor in (("亿", 10**8), ("万", 10**4)):
        if big_unit in text:
            head, text = text.split(big_unit, 1)
            total += _parse_upper_section(head) * factor
    return Decimal(total + _parse_upper_section(text))


def _parse_upper_section(text: str) -> int:
    """A number below 10 000 written with 仟佰拾 (零 fillers allowed); "" means 0."""
    total, digit, last_unit = 0, None, 10_000
    for char in text:
        if char in _DIGITS[1:]:
            if digit is not None:
                raise ValueError(f"two digits in a row: {text!r}")
            digit = _DIGITS.index(char)
        elif char in _SMALL_UNITS:
            unit = _SMALL_UNITS[char]
            if unit >= last_unit:
                raise ValueError(f"units out of order: {text!r}")
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        elif char != "零":
            raise ValueError(f"unexpected character {char!r} in {text!r}")
    return total + (digit or 0)


def _parse_upper_fraction(text: str) -> Decimal:
    match = re.fullmatch(r"零?(?:([壹贰叁肆伍陆柒捌玖])角)?零?(?:([壹贰叁肆伍陆柒捌玖])分)?", text)
    if match is None:
        raise ValueError(f"not a 角/分 part: {text!r}")
    jiao, fen = (_DIGITS.index(part) if part else 0 for part in match.groups())
    return Decimal(jiao * 10 + fen) / 100
