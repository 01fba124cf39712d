"""Masking of tax IDs, bank accounts, phone numbers and e-mail addresses.

Used for anything that people other than the owner see (a support channel) and, through
`MaskingFilter`, for every log record the product writes.
"""

from __future__ import annotations

import logging
import re

# Full-width forms (U+FF01-FF5E, typed by Chinese IMEs) and the ideographic space, read as their
# ASCII twins. One character for one, so a match in the read copy masks the same characters of
# the original.
_HALF_WIDTH = {**{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}

# A code of 15-20 characters with letters in it (a credit code "91120222MA06DG3067", an ID
# number ending in X); one of digits only is masked as an account below, as it may be either.
TAX_ID = re.compile(r"(?<![0-9A-Z])(?=[0-9A-Z]{0,19}[A-Z])(?=[0-9A-Z]{0,19}[0-9])"
                    r"[0-9A-Z]{15,20}(?![0-9A-Z])", re.IGNORECASE)
# Digits as people group them: "6222 0202 0011 2233 445", "138-0013-8000", "0755 - 2878 0808".
DIGIT_RUN = re.compile(r"(?<![0-9])[0-9](?:[ \-\u2010-\u2015]{0,3}[0-9])*(?![0-9])")
MOBILE = re.compile(r"1[3-9][0-9]{9}")
EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_tax_id(value: str) -> str:
    """91440300192203821 6 -> 91*************216 (first 2 and last 3 kept)."""
    value = value.strip()
    if len(value) <= 5:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 5) + value[-3:]


def mask_account(value: str) -> str:
    """Bank account digits: first and last 4 kept."""
    digits = value.strip()
    if len(digits) <= 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def _kept_ends(digits: str) -> tuple[int, int] | None:
    """How many leading and trailing digits of a personal number stay readable; None: not one."""
    if len(digits) == 11 and MOBILE.fullmatch(digits):
        return 3, 4  # a mobile number: 138****8000
    if len(digits) >= 12:
        return 4, 4  # a bank account (or an ID number, a landline with its area code)
    if digits.startswith("0") and len(digits) >= 10:
        return 3, 4  # a landline with its area code: 010-****5678
    return None


def _mask_digits(chars: list[str], start: int, end: int, head: int, tail: int) -> None:
    """Star every digit of chars[start:end] but the first `head` and last `tail`; separators stay."""
    positions = [i for i in range(start, end) if chars[i].translate(_HALF_WIDTH).isdigit()]
    for i in positions[head:len(positions) - tail]:
        chars[i] = "*"


def mask_text(text: str) -> str:
    """Every tax ID, account, phone number and e-mail address in free text, masked.

    Numbers are found however they are typed: grouped with spaces or dashes, in full-width digits.
    """
    text = EMAIL.sub(r"\1***\2", text)
    chars = list(text)
    for match in TAX_ID.finditer(text.translate(_HALF_WIDTH)):
        for offset, shown in enumerate(mask_tax_id(match.group(0))):
            if shown == "*":
                chars[match.start() + offset] = "*"
    read = "".join(chars).translate(_HALF_WIDTH)
    for match in DIGIT_RUN.finditer(read):
        digits = re.sub(r"[^0-9]", "", match.group(0))
        ends = _kept_ends(digits)
        if ends:
            _mask_digits(chars, match.start(), match.end(), *ends)
    return "".join(chars)


class MaskingFilter(logging.Filter):
    """Masks personal numbers in every record: message, arguments and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        record.msg, record.args = mask_text(message), None
        return True


def install_log_masking(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of the root logger (call after logging is set up)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
