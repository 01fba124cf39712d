"""Batch requests in chat: the template is sent as a file, a filled workbook is imported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.dialogs.conftest import EngineChat


def test_the_template_comes_as_a_file_and_a_filled_one_is_imported_row_by_row(
        engine_chat: Callable[..., EngineChat], records: Callable[..., list[dict[str, Any]]],
        tmp_path: Path) -> None:
    bot = engine_chat()
    turn = bot.say("批量开票")
    template = Path(turn.files[0])
    assert template.suffix == ".xlsx" and template.exists()
    book = load_workbook(template)
    sheet = book.active
    assert sheet is not None
    good = [cell.value for cell in sheet[2]]
    bad = list(good)
    bad[3] = "9144030019220382"  # a dropped digit
    sheet.append(bad)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    result = bot.send(files=[str(filled)])
    assert "已导入 1 张" in result.text, result
    assert "第 3 行" in result.text and "tax_id_length" in result.codes
    assert len(records()) == 1


def test_a_file_sent_mid_form_is_ignored_and_the_step_asked_again(
        engine_chat: Callable[..., EngineChat], tmp_path: Path) -> None:
    bot = engine_chat()
    bot.say("开发票")
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n")
    turn = bot.send(files=[str(picture)])
    assert turn.step == "invoice_type" and "忽略" in turn.text
