"""Personal numbers never reach logs or other people's screens unmasked."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest

from core.privacy import MaskingFilter, mask_account, mask_tax_id, mask_text


def test_a_tax_id_keeps_only_its_first_two_and_last_three_characters() -> None:
    assert mask_tax_id("914403001922038216") == "91*************216"


def test_a_bank_account_keeps_only_its_first_and_last_four_digits() -> None:
    assert mask_account("755900000000001") == "7559*******0001"


@pytest.mark.parametrize(("text", "secret"), [
    ("税号 914403001922038216 有误", "914403001922038216"),
    ("身份证 11010519491231002X", "11010519491231002X"),
    ("招商银行深圳分行营业部 755900000000001", "755900000000001"),
    ("电话 13800138000", "13800138000"),
    ("深圳 0755-28780808", "28780808"),
    ("mail finance@huawei.example.com now", "finance@huawei.example.com"),
])
def test_free_text_is_masked_wherever_the_number_stands(text: str, secret: str) -> None:
    masked = mask_text(text)
    assert secret not in masked
    assert "*" in masked


REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "id_test_vectors.csv"


def test_every_valid_reference_code_is_masked_in_a_sentence() -> None:
    if not REFERENCE.exists():
        pytest.skip(f"reference vectors not found at {REFERENCE}")
    with REFERENCE.open(encoding="utf-8") as handle:
        codes = [row["value"].replace(" ", "") for row in csv.DictReader(handle)
                 if row["expected_by_source"].startswith("valid")
                 and row["kind"] in ("uscc", "ric18", "ric15")]
    assert len(codes) >= 20
    for code in codes:
        for typed in (code, code.lower()):
            masked = mask_text(f"我们的税号是{typed}，开票失败了")
            assert typed not in masked and "*" in masked, (typed, masked)
            assert typed[-3:] in masked or typed[-4:] in masked  # enough left to tell them apart


@pytest.mark.parametrize("text", ["INVOICE NUMBER CONFIDENTIALITY", "订单 SO-1001 草稿 D-13F9C1F63C",
                                  "pdf2026 report", "T-1001"])
def test_words_and_short_codes_are_left_alone(text: str) -> None:
    assert mask_text(text) == text


def test_amounts_and_dates_are_left_alone() -> None:
    text = "价税合计 ¥11499.49 于 2026-03-02 开具，发票号码前缀 261110"
    assert mask_text(text) == text


def test_the_log_filter_masks_arguments_and_exception_text(
        caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("sifbot.test.privacy")
    logger.addFilter(MaskingFilter())
    try:
        with caplog.at_level(logging.INFO, logger="sifbot.test.privacy"):
            logger.info("buyer %s account %s", "914403001922038216", "755900000000001")
            try:
                raise ValueError("bad phone 13800138000")
            except ValueError:
                logger.exception("failed")
    finally:
        logger.filters.clear()
    assert "914403001922038216" not in caplog.text
    assert "755900000000001" not in caplog.text
    assert "13800138000" not in caplog.text
