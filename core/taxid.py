"""Buyer tax IDs: unified social credit codes, old 15-character numbers, resident ID numbers.

Policies (the reference vectors in shared/reference/id_test_vectors.csv show where sources differ):
- Early pilot-region credit codes were really issued yet fail the GB 32100 checksum. A failing
  checksum is therefore an error (`tax_id_checksum`) that asks the person to copy the code from
  the business licence; if they confirm it is exactly as printed, the caller checks again with
  `accept_unverified_checksum=True` and it becomes the warning `tax_id_checksum_unverified`.
  Letters that the code's alphabet never uses (I O Z S V) stay errors even then.
- Resident ID numbers: the GB 11643 check digit and a real birth date (not in the future, at most
  150 years ago) are required. The area code must start with a province-level code of GB/T 2260
  (81/82/83 included: Hong Kong, Macao and Taiwan residence permits); the 6-digit code itself is
  not looked up, because codes are kept from the time of issue and area tables (python-stdnum's
  included) are incomplete or tied to the birth year, so a correct number would be refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field
from stdnum.cn import ric, uscc

from core.errors import Issue

BuyerKind = Literal["organisation", "person"]

USCC_LENGTH = 18
LEGACY_LENGTH = 15
ALLOWED_LENGTHS = "18/15"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Letters the credit code never uses (I O Z S V), and the digit each looks like: only the four
# look-alikes of invoice-rules.md are ever suggested (V looks like no digit: it is only named).
EXCLUDED_LETTERS = frozenset("IOZSV")
LOOKALIKE_DIGITS = {"O": "0", "I": "1", "Z": "2", "S": "5"}
# Look-alikes that are both in the credit code's alphabet, tried to find a one-tap fix when the
# checksum fails. Kept to 8<->B on purpose: every extra pair adds candidates, and each wrong code
# has a 1 in 31 chance per candidate of a valid-looking but wrong "fix" (with 0<->D/Q, 6<->G and
# 1<->L the real pilot-region code 91350100M0001TGQXM got one).
SWAPS = {"8": "B", "B": "8"}
# Province-level codes of GB/T 2260, with 83 for Taiwan residents' residence permits.
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"}
    | {"65", "71", "81", "82", "83"}
)
MAX_AGE_YEARS = 150
_DROPPED = set("-‐‑‒–—―_")


class TaxIdCheck(BaseModel):
    """A normalised ID, what is wrong with it, and a one-tap fix when one is certain."""

    value: str
    issues: list[Issue] = Field(default_factory=list)
    fix: str | None = None

    @property
    def ok(self) -> bool:
        return not any(issue.is_error for issue in self.issues)


def normalise_id(raw: str) -> str:
    """Full-width to half-width, no spaces, line breaks or hyphens, upper-case."""
    text = unicodedata.normalize("NFKC", raw or "")
    kept = (
        char
        for char in text
        if not char.isspace() and char not in _DROPPED and unicodedata.category(char) != "Cf"
    )
    return "".join(kept).upper()


# --- organisations ------------------------------------------------------------------------


def has_words(value: str) -> bool:
    """Letters of another script (Chinese characters): a name or a question, never an ID,
    whose characters must not be counted as if it were one."""
    return any(char.isalpha() and not char.isascii() for char in value)


def _not_an_id(value: str, field: str, code: str) -> TaxIdCheck:
    return TaxIdCheck(value=value, issues=[Issue(field=field, code=code,
                                                 params={"text": value[:30]})])


def check_org_tax_id(
    raw: str, *, field: str = "buyer_tax_id", accept_unverified_checksum: bool = False
) -> TaxIdCheck:
    """An organisation's tax ID: an 18-character credit code, or an old 15-character number."""
    value = normalise_id(raw)
    if not value:
        return TaxIdCheck(value=value, issues=[Issue(field=field, code="tax_id_required")])
    if has_words(value):
        return _not_an_id(value, field, "tax_id_not_an_id")
    if len(value) == LEGACY_LENGTH:
        return _check_legacy(value, field)
    if len(value) != USCC_LENGTH:
        params = {"length": str(len(value)), "allowed": ALLOWED_LENGTHS}
        return TaxIdCheck(
            value=value, issues=[Issue(field=field, code="tax_id_length", params=params)]
        )
    return _check_credit_code(value, field, accept_unverified_checksum)


def _check_legacy(value: str, field: str) -> TaxIdCheck:
    issues = [
        Issue(field=field, code="tax_id_bad_char", params={"position": str(i), "char": char})
        for i, char in enumerate(value, start=1)
        if not (char.isdigit() if i <= 6 else char.isalnum() and char.isascii())
    ]
    if not issues:
        issues = [Issue(field=field, code="tax_id_legacy_15", severity="warning")]
    return TaxIdCheck(value=value, issues=issues)


def _check_credit_code(value: str, field: str, accept_unverified: bool) -> TaxIdCheck:
    char_issues = _credit_code_char_issues(value, field)
    if char_issues:
        return _with_fix(value, char_issues, _lookalike_fix(value))
    if uscc.is_valid(value):
        return TaxIdCheck(value=value)
    if is_resident_id(value):
        return TaxIdCheck(value=value, issues=[Issue(field=field, code="tax_id_is_person_id")])
    fix = _unique_valid(_swapped(value))
    return TaxIdCheck(
        value=value, issues=_checksum_issues(value, fix, field, accept_unverified), fix=fix
    )


def _credit_code_char_issues(value: str, field: str) -> list[Issue]:
    issues = []
    for position, char in enumerate(value, start=1):
        must_be_digit = position <= 8  # registration authority, entity type and region code
        if (char.isdigit() and char.isascii()) or (char in USCC_ALPHABET and not must_be_digit):
            continue
        lookalike = LOOKALIKE_DIGITS.get(char)
        params = {"position": str(position), "char": char}
        if lookalike:
            issues.append(
                Issue(
                    field=field,
                    code="tax_id_lookalike_letter",
                    params={**params, "lookalike": lookalike},
                )
            )
        elif must_be_digit and char.isalpha():
            issues.append(Issue(field=field, code="tax_id_digit_expected", params=params))
        elif char in EXCLUDED_LETTERS:
            issues.append(Issue(field=field, code="tax_id_excluded_letter", params=params))
        else:
            issues.append(Issue(field=field, code="tax_id_bad_char", params=params))
    return issues


def _lookalike_fix(value: str) -> str | None:
    """Replace every out-of-alphabet letter by its look-alike; a valid result is the fix."""
    candidate = "".join(LOOKALIKE_DIGITS.get(char, char) for char in value)
    return candidate if uscc.is_valid(candidate) else None


def _with_fix(value: str, issues: list[Issue], fix: str | None) -> TaxIdCheck:
    """The issues about look-alike characters all carry the same one-tap fix."""
    return TaxIdCheck(
        value=value, issues=[issue.model_copy(update={"fix": fix}) for issue in issues], fix=fix
    )


def _swapped(value: str) -> Iterator[str]:
    """Every code that differs from `value` by one look-alike character."""
    for index, char in enumerate(value):
        for other in SWAPS.get(char, ""):
            yield value[:index] + other + value[index + 1 :]


def _unique_valid(candidates: Iterator[str]) -> str | None:
    valid = {candidate for candidate in candidates if uscc.is_valid(candidate)}
    return valid.pop() if len(valid) == 1 else None


def _checksum_issues(
    value: str, fix: str | None, field: str, accept_unverified: bool
) -> list[Issue]:
    """The checksum verdict, plus a look-alike suggestion with its one-tap fix if there is one."""
    if accept_unverified:
        issues = [Issue(field=field, code="tax_id_checksum_unverified", severity="warning")]
    else:
        issues = [Issue(field=field, code="tax_id_checksum")]
    if fix is not None:
        position = next(i for i, (a, b) in enumerate(zip(value, fix, strict=True)) if a != b)
        params = {
            "position": str(position + 1),
            "char": value[position],
            "lookalike": fix[position],
        }
        params["fix"] = fix
        issues.append(
            Issue(
                field=field, code="tax_id_lookalike_fix", severity="warning", params=params, fix=fix
            )
        )
    return issues


# --- persons ------------------------------------------------------------------------------


def is_resident_id(value: str) -> bool:
    """Whether `value` (normalised) has the shape, check digit, birth date and province of one."""
    return (
        re.fullmatch(r"\d{17}[\dX]", value) is not None
        and ric.calc_check_digit(value) == value[-1]
        and _birth_date(value) is not None
        and value[:2] in PROVINCE_CODES
    )


def check_person_id(raw: str, *, today: date, field: str = "buyer_tax_id") -> TaxIdCheck:
    """An 18-digit resident ID number (GB 11643): check digit, birth date, province."""
    value = normalise_id(raw)
    if not value:
        return TaxIdCheck(value=value, issues=[Issue(field=field, code="person_id_required")])
    if has_words(value):
        return _not_an_id(value, field, "person_id_not_an_id")
    if len(value) == LEGACY_LENGTH and value.isdigit():
        return _first_generation_id(value, field, today)
    if len(value) != USCC_LENGTH:
        params = {"length": str(len(value))}
        return TaxIdCheck(
            value=value, issues=[Issue(field=field, code="person_id_length", params=params)]
        )
    char_issues = _person_char_issues(value, field)
    if char_issues:
        return _with_fix(value, char_issues, _person_lookalike_fix(value, today))
    return TaxIdCheck(value=value, issues=_person_id_issues(value, field, today))


def _person_lookalike_fix(value: str, today: date) -> str | None:
    fixed = "".join(LOOKALIKE_DIGITS.get(c, c) if i < 17 else c for i, c in enumerate(value))
    if is_resident_id(fixed) and not _person_id_issues(fixed, "", today):
        return fixed
    return None


def _person_char_issues(value: str, field: str) -> list[Issue]:
    issues = []
    for position, char in enumerate(value, start=1):
        if char.isascii() and (char.isdigit() or (position == USCC_LENGTH and char == "X")):
            continue
        params = {"position": str(position), "char": char}
        lookalike = LOOKALIKE_DIGITS.get(char)
        if lookalike and position < USCC_LENGTH:
            issues.append(
                Issue(
                    field=field,
                    code="person_id_lookalike_letter",
                    params={**params, "lookalike": lookalike},
                )
            )
        else:
            issues.append(Issue(field=field, code="person_id_bad_char", params=params))
    return issues


def _person_id_issues(value: str, field: str, today: date) -> list[Issue]:
    issues = []
    birth = _birth_date(value)
    if birth is None or birth.year < today.year - MAX_AGE_YEARS:
        issues.append(
            Issue(field=field, code="person_id_birth_date", params={"digits": value[6:14]})
        )
    elif birth > today:
        issues.append(
            Issue(field=field, code="person_id_birth_future", params={"date": birth.isoformat()})
        )
    if value[:2] not in PROVINCE_CODES:
        issues.append(Issue(field=field, code="person_id_area", params={"code": value[:6]}))
    if ric.calc_check_digit(value) != value[-1]:
        issues.append(Issue(field=field, code="person_id_checksum"))
    return issues


def _birth_date(value: str) -> date | None:
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    return birth if birth.year >= 1800 else None


def _first_generation_id(value: str, field: str, today: date) -> TaxIdCheck:
    """A 15-digit first-generation ID card number: no longer valid; offer its 18-digit form."""
    body = value[:6] + "19" + value[6:]
    upgraded = body + ric.calc_check_digit(body + "0")
    if _person_id_issues(upgraded, field, today):
        issue = Issue(field=field, code="person_id_length", params={"length": str(len(value))})
        return TaxIdCheck(value=value, issues=[issue])
    issue = Issue(
        field=field, code="person_id_legacy_15", params={"upgraded": upgraded}, fix=upgraded
    )
    return TaxIdCheck(value=value, issues=[issue], fix=upgraded)


# --- the buyer ----------------------------------------------------------------------------


def check_buyer_tax_id(
    raw: str, *, buyer_kind: BuyerKind, today: date, accept_unverified_checksum: bool = False
) -> TaxIdCheck:
    """Organisation: required. Person: optional; an ID number, or (with a warning) an org code."""
    if buyer_kind == "organisation":
        return check_org_tax_id(raw, accept_unverified_checksum=accept_unverified_checksum)
    value = normalise_id(raw)
    if not value:
        return TaxIdCheck(value=value)
    if has_words(value):  # neither an ID number nor a credit code: say what a person gives
        return _not_an_id(value, "buyer_tax_id", "person_id_not_an_id")
    person = check_person_id(value, today=today)
    if person.ok or person.fix:
        return person
    org = check_org_tax_id(value, accept_unverified_checksum=accept_unverified_checksum)
    if org.ok:
        warning = Issue(
            field="buyer_tax_id", code="buyer_tax_id_org_for_person", severity="warning"
        )
        return org.model_copy(update={"issues": [*org.issues, warning]})
    looks_like_person = re.fullmatch(r"\d+X?", value) is not None  # no letters but a final X
    return person if looks_like_person else org
