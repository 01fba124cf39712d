"""One symbol policy for what prints on the invoice (report #16) and one message for an invoice
issued at once (report #17): markup is refused where it is typed, in chat and in a batch file,
the punctuation of real addresses and remarks is not, and the printed remark is checked whole."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from core.catalog import category_named
from core.errors import ValidationFailed
from core.lines import build_line
from core.models import Actor, BuyerKind, InvoiceType
from tests.dialogs.conftest import (
    HUAWEI,
    Chat,
    EngineChat,
    Talk,
    Turn,
    fill_special_buyer,
    special_to_preview,
    start_special,
)

NUMBER = re.compile(r"\b\d{20}\b")
EMPLOYEE = {"user": "console:emp", "role": "employee"}
MARKUP_REMARK = "合同 HT-1 **加粗** <b>x</b>"
REAL_REMARK = "合同号：HT-2024/001，项目（一期）、#3 楼 (A座) - 已验收"
REAL_ADDRESS = "深圳市南山区科技园路1号A栋#3-101（东门）/北区、二层 0755-28780808"
FORBIDDEN = {"zh": "不能有符号", "en": "cannot contain"}
STARTS = {"zh": "不能以", "en": "cannot start with"}


def to_remark(bot: Talk, **who: str) -> Turn:
    """A special invoice for Huawei with one line: now at the remark."""
    start_special(bot, **who)
    for value in HUAWEI.values():
        assert not bot.say(value, **who).errors
    bot.press("items:gross", **who)
    bot.say("软件开发服务，1，10600，6%", **who)
    turn = bot.press("items:done", **who)
    assert turn.step == "remark", turn
    return turn


def refused(turn: Turn, step: str, code: str, lang: str, *chars: str) -> None:
    """The step is asked again, with one error naming every offending character."""
    assert turn.step == step, turn
    [error] = [e for e in turn.errors if e["code"] == code]
    said = STARTS if code.endswith("_formula") else FORBIDDEN
    assert said[lang] in error["message"], error
    for char in chars:
        assert char in error["message"], (char, error)


# -- the remark --------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markup_in_the_remark_is_refused_and_a_real_remark_is_kept(
        engine_chat: Callable[..., EngineChat], lang: str) -> None:
    bot = engine_chat(lang=lang)
    to_remark(bot)
    refused(bot.say(MARKUP_REMARK), "remark", "remark_symbol", lang, "*", "<", ">")
    refused(bot.say("见 `附件`"), "remark", "remark_symbol", lang, "`")
    refused(bot.say("合同＊全角"), "remark", "remark_symbol", lang, "＊")  # full width too
    kept = bot.say(REAL_REMARK)
    assert kept.step == "delivery" and not kept.errors, kept
    preview = bot.press("delivery:download")
    assert REAL_REMARK in preview.text


def test_markup_in_the_remark_is_refused_by_the_chat_process(chat: Callable[..., Chat]) -> None:
    for bot, lang in ((chat(), "zh"), (chat("--lang", "en"), "en")):
        who = {"user": f"console:{lang}"}
        to_remark(bot, **who)
        refused(bot.say(MARKUP_REMARK, **who), "remark", "remark_symbol", lang, "*", "<", ">")
        assert bot.say(REAL_REMARK, **who).step == "delivery"


# -- buyer address and bank ------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markup_in_the_address_and_the_bank_is_refused_and_real_punctuation_is_not(
        engine_chat: Callable[..., EngineChat], lang: str) -> None:
    bot = engine_chat(lang=lang)
    start_special(bot)
    bot.say(HUAWEI["buyer_name"])
    assert bot.say(HUAWEI["buyer_tax_id"]).step == "buyer_address_phone"
    refused(bot.say("深圳市<b>南山</b> 0755-28780808"), "buyer_address_phone",
            "address_phone_symbol", lang, "< >")
    accepted = bot.say(REAL_ADDRESS)
    assert accepted.step == "buyer_bank_account" and not accepted.errors, accepted
    refused(bot.say("招商银行`深圳分行`营业部 755900000000001"), "buyer_bank_account",
            "bank_account_symbol", lang, "`")
    accepted = bot.say("招商银行深圳分行（科技园）营业部 755900000000001")
    assert accepted.step == "items" and not accepted.errors, accepted


# -- lines -----------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markup_and_formulas_in_item_name_spec_and_unit_are_refused(
        engine_chat: Callable[..., EngineChat], lang: str) -> None:
    bot = engine_chat(lang=lang)
    start_special(bot)
    fill_special_buyer(bot)
    bot.press("items:gross")
    refused(bot.say("<img src=x>，1，100，6%"), "items", "item_name_symbol", lang, "< >")
    refused(bot.say("<img src=x>"), "items", "item_name_symbol", lang, "< >")  # name alone
    for formula in ("=1+1", "+cmd", "@SUM(A1)", "-2+3"):
        refused(bot.say(f"{formula}，1，100，6%"), "items", "item_name_formula", lang,
                formula[0])
    refused(bot.say("服务器，R740<b>，台，2，35000，13%"), "items", "spec_symbol", lang, "< >")
    refused(bot.say("服务器，R740，`台`，2，35000，13%"), "items", "unit_symbol", lang, "`")
    kept = bot.say("服务器，R740-2U (含导轨)/黑，台，2，35000，13%")
    assert not kept.errors and kept.step == "items", kept
    assert "R740-2U (含导轨)/黑" in kept.text


# -- the whole printed remark: batch rows and drafts that never went through the chat step -----
def test_a_batch_file_with_markup_is_reported_row_by_row_and_nothing_of_it_is_stored(
        engine_chat: Callable[..., EngineChat], records: Callable[..., list[dict[str, Any]]],
        tmp_path: Path) -> None:
    bot = engine_chat()
    template = Path(bot.say("批量开票").files[0])
    book = load_workbook(template)
    sheet = book.active
    assert sheet is not None
    good = [cell.value for cell in sheet[2]]
    column = {cell.value: index for index, cell in enumerate(sheet[1])}

    def row(heading: str, value: str) -> list[Any]:
        changed = list(good)
        changed[column[heading]] = value
        return changed

    sheet.append(row("备注", MARKUP_REMARK))  # row 3
    sheet.append(row("项目名称", "+1+1服务"))  # row 4 ("=…" would be a formula cell)
    sheet.append(row("地址电话", "深圳市<b>南山</b> 0755-28780808"))  # row 5
    sheet.append(row("规格型号", "<i>R740</i>"))  # row 6
    sheet.append(row("备注", REAL_REMARK))  # row 7
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    result = bot.send(files=[str(filled)])
    assert "已导入 2 张" in result.text, result
    for number, code in ((3, "remark_symbol"), (4, "item_name_formula"),
                         (5, "address_phone_symbol"), (6, "spec_symbol")):
        assert f"第 {number} 行" in result.text and code in result.codes, (number, code, result)
    assert len(records()) == 2  # the template's own row and the real remark


def test_a_draft_whose_remark_never_went_through_the_chat_step_is_refused_at_submit(
        engine_chat: Callable[..., EngineChat]) -> None:
    issuance = engine_chat().services.issuance
    actor = Actor(user="console:emp", role="employee")
    line = build_line({"name": "软件开发服务", "quantity": "1", "unit_price": "10600",
                       "tax_rate": "6%"}, includes_tax=True, category=category_named("信息技术服务"))
    draft = issuance.new_draft(  # as a reissue makes it: the remark copied, no chat step
        actor, invoice_type=InvoiceType.ORDINARY, buyer_kind=BuyerKind.ORGANISATION,
        buyer_name=HUAWEI["buyer_name"], buyer_tax_id=HUAWEI["buyer_tax_id"], lines=[line],
        prices_include_tax=True, remark="原发票 <b>加急</b>")
    with pytest.raises(ValidationFailed) as failed:
        issuance.submit(draft.id, f"submit:{draft.id}", actor)
    assert [(i.field, i.code, i.params["char"]) for i in failed.value.issues] == [
        ("remark", "remark_symbol", "< >")]


# -- report #17: an employee's invoice issued at once is one message ---------------------------
@pytest.mark.parametrize(("lang", "issued", "approved"), [
    ("zh", "发票已开具", "已通过"), ("en", "Invoice issued", "approved")])
def test_an_invoice_issued_at_once_is_one_message_with_the_number_and_the_pdf(
        engine_chat: Callable[..., EngineChat], lang: str, issued: str, approved: str) -> None:
    bot = engine_chat(lang=lang, **EMPLOYEE)
    preview = special_to_preview(bot)
    done = bot.press(preview.choice_starting("confirm:submit:"))
    [reply] = done.replies
    assert issued in reply["text"] and approved not in reply["text"], done
    assert NUMBER.search(reply["text"]) and done.refs["invoice_id"] in reply["text"]
    assert len(done.files) == 1 and Path(done.files[0]).is_file()


def test_an_invoice_issued_at_once_by_the_chat_process_is_one_message_with_the_paper_note(
        chat: Callable[..., Chat]) -> None:
    bot = chat()
    start_special(bot, **EMPLOYEE)
    for value in HUAWEI.values():
        assert not bot.say(value, **EMPLOYEE).errors
    bot.press("items:gross", **EMPLOYEE)
    bot.say("软件开发服务，1，10600，6%", **EMPLOYEE)
    bot.press("items:done", **EMPLOYEE)
    bot.press("nav:skip", **EMPLOYEE)
    bot.press("delivery:paper", **EMPLOYEE)
    preview = bot.say("北京市海淀区中关村大街1号 #3-101 张三 13800138000", **EMPLOYEE)
    assert preview.step == "confirm", preview
    done = bot.press(preview.choice_starting("confirm:submit:"), **EMPLOYEE)
    [reply] = done.replies
    assert "发票已开具" in reply["text"] and "已通过" not in reply["text"], done
    assert NUMBER.search(reply["text"]) and "EMS" in reply["text"] and done.files
