"""Masking of tax IDs, bank accounts, phone numbers and e-mail addresses.

Used for anything that people other than the owner see (a support channel) and, through
`MaskingFilter`, for every log record the product writes.
"""

from __future__ import annotations

import logging
import re

# A code of 15-20 characters with letters in it (a credit code "91120222MA06DG3067", an ID
# number ending in X); one of digits only is masked as an account below, as it may be either.
TAX_ID = re.compile(r"(?<![0-9A-Z])(?=[0-9A-Z]{0,19}[A-Z])(?=[0-9A-Z]{0,19}[0-9])"
                    r"[0-9A-Z]{15,20}(?![0-9A-Z])", re.IGNORECASE)
ACCOUNT = re.compile(r"(?<!\d)(\d{4})\d{4,22}(\d{4})(?!\d)")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)")
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


def mask_text(text: str) -> str:
    """Every tax ID, account, phone number and e-mail address in free text, masked."""
    text = EMAIL.sub(r"\1***\2", text)
    text = MOBILE.sub(r"\1****\2", text)
    text = TAX_ID.sub(lambda m: mask_tax_id(m.group(0)), text)
    text = ACCOUNT.sub(lambda m: mask_account(m.group(0)), text)
    return LANDLINE.sub(r"\1****\2", text)


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
