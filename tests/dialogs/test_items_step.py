"""The items step: a line's category, spec and unit, the rules that block a line as it is
entered (tax-exempt on a special invoice, the invoice limit), and the discount question, in
Chinese and in English."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.dialogs.conftest import (
    Chat,
    EngineChat,
    Talk,
    Turn,
    fill_special_buyer,
    start_special,
)

CJK = re.compile(r"[\u3400-\u9fff]")
LINE = {"zh": "软件开发服务，2，100，6%", "en": "Software development, 2, 100, 6%"}


def special_at_lines(bot: Talk, lang: str = "zh", mode: str = "items:gross") -> Turn:
    """A special invoice for Huawei, at the first line (prices as `mode` says)."""
    bot.say("开发票" if lang == "zh" else "invoice")
    turn = bot.press("invoice_type:special")
    assert turn.step == "buyer_name", turn
    fill_special_buyer(bot)
    turn = bot.press(mode)
    assert turn.step == "items" and not turn.errors, turn
    return turn


def ordinary_at_lines(bot: Talk) -> Turn:
    """An ordinary invoice for Huawei (no address or bank), at the first line, net prices."""
    bot.say("开发票")
    bot.press("invoice_type:ordinary")
    bot.press("buyer_kind:organisation")
    bot.say("华为技术有限公司")
    bot.say("914403001922038216")
    bot.say("跳过")
    bot.say("跳过")
    turn = bot.press("items:net")
    assert turn.step == "items", turn
    return turn


def rows(turn: Turn) -> list[str]:
    """The numbered lines of the list the step shows."""
    return re.findall(r"^\d+\. .*$", turn.text, re.MULTILINE)


# -- issuance #5: rules of the lines together block the line as it is entered ---------------
@pytest.mark.parametrize(("lang", "words"), [("zh", ("免税", "普通发票")),
                                             ("en", ("tax-exempt", "ordinary invoice"))])
def test_a_tax_exempt_line_on_a_special_invoice_is_refused_as_it_is_entered(
        engine_chat: Callable[..., EngineChat], lang: str, words: tuple[str, str]) -> None:
    bot = engine_chat(lang=lang)
    special_at_lines(bot, lang, "items:net")
    refused = bot.say("软件开发服务，1，100，免税" if lang == "zh"
                      else "Software development, 1, 100, exempt")
    assert refused.step == "items" and refused.codes == ["line_exempt_on_special"], refused
    message = refused.errors[0]["message"]
    assert all(word in message for word in words), message
    assert "第 1 行" in message if lang == "zh" else "Line 1" in message
    assert rows(refused) == [] and "items:to_ordinary" in refused.choices
    if lang == "en":
        assert not CJK.search(refused.text.replace("软件开发服务", "")), refused.text
    taxable = bot.say(LINE[lang])
    assert not taxable.errors and len(rows(taxable)) == 1, taxable


def test_one_tap_makes_it_an_ordinary_invoice_and_keeps_the_refused_line(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    special_at_lines(bot, mode="items:net")
    bot.say("软件开发服务，1，100，免税")
    ordinary = bot.press("items:to_ordinary")
    assert ordinary.step == "items" and not ordinary.errors, ordinary
    assert "已改为普通发票" in ordinary.text
    assert rows(ordinary) == ["1. 软件开发服务（信息技术服务）  税率 免税  金额 100.00  税额 0.00"]
    bot.press("items:done")
    bot.press("nav:skip")
    preview = bot.press("delivery:download")
    assert preview.step == "confirm" and not preview.errors, preview
    assert "发票类型：普通发票" in preview.text and "*信息技术服务*软件开发服务" in preview.text


def test_the_line_that_takes_the_amount_over_the_invoice_limit_is_refused_as_it_is_entered(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    special_at_lines(bot, mode="items:net")
    first = bot.say("咨询服务，1，999999.99，6%")  # the limit is 1 000 000.00 without tax
    assert not first.errors, first
    over = bot.say("咨询服务，1，0.02，6%")
    assert over.step == "items" and over.codes == ["amount_over_limit"], over
    assert "1000000.01" in over.errors[0]["message"] and "拆分" in over.errors[0]["message"]
    assert len(rows(over)) == 1
    assert not bot.say("咨询服务，1，0.01，6%").errors  # exactly at the limit


def exempt_line_then_special(bot: Talk) -> Turn:
    """An ordinary invoice with a tax-exempt line, made special from the preview."""
    ordinary_at_lines(bot)
    assert not bot.say("软件开发服务，1，100，免税").errors  # fine on an ordinary invoice
    bot.press("items:done")
    bot.press("nav:skip")
    assert bot.press("delivery:download").step == "confirm"
    bot.say("修改 发票类型")
    turn = bot.press("invoice_type:special")
    for _ in range(4):  # special: the address and the bank become required
        if turn.step == "confirm":
            break
        value = {"buyer_address_phone": "深圳市龙岗区坂田华为基地 0755-28780808",
                 "buyer_bank_account": "招商银行深圳分行营业部 755900000000001"}.get(str(turn.step))
        assert value, turn
        turn = bot.say(value)
    return turn


def test_a_type_changed_to_special_later_is_caught_at_the_preview_and_at_done(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    turn = exempt_line_then_special(bot)
    assert turn.step == "confirm" and "special_no_exempt" in turn.codes, turn

    lines = bot.say("修改 明细")
    assert lines.step == "items" and "items:to_ordinary" in lines.choices, lines
    done = bot.press("items:done")
    assert done.step == "items" and done.codes == ["line_exempt_on_special"], done


def test_the_preview_offers_to_change_the_type_or_the_lines_for_a_tax_exempt_line(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    turn = exempt_line_then_special(bot)
    assert {"edit:items", "edit:invoice_type"} <= set(turn.choices), turn
    assert not any(reply["text"].strip() == "修改" for reply in turn.replies), turn
    typed = bot.say("确认提交")
    assert typed.step == "confirm" and "edit:invoice_type" in typed.choices, typed
    ordinary = (bot.press("edit:invoice_type"), bot.press("invoice_type:ordinary"))[1]
    assert ordinary.step != "confirm" or not ordinary.errors, ordinary


# -- issuance #6 / docs #6: every line has a category ---------------------------------------
@pytest.mark.parametrize(("lang", "line", "asked", "button_label"), [
    ("zh", "杂项服务费，1，10，6%", "税收分类", "现代服务"),
    ("en", "Misc fee, 1, 10, 6%", "tax category", "Consulting, design and other modern services"),
])
def test_a_line_the_catalog_cannot_classify_asks_for_its_category_first(
        engine_chat: Callable[..., EngineChat], lang: str, line: str, asked: str,
        button_label: str) -> None:
    bot = engine_chat(lang=lang)
    special_at_lines(bot, lang)
    question = bot.say(line)
    assert question.step == "items" and not question.errors, question
    assert asked in question.text and rows(question) == []
    labels = {c["id"]: c["label"] for r in question.replies for c in r["choices"]}
    assert labels["items:category:现代服务"] == button_label
    assert len([i for i in labels if i.startswith("items:category:")]) == 12
    assert "items:list" in labels
    if lang == "en":
        assert not CJK.search(" ".join(labels.values())), labels

    stored = bot.press("items:category:现代服务")
    assert not stored.errors and len(rows(stored)) == 1, stored
    assert ("（现代服务）" if lang == "zh" else f"({button_label})") in rows(stored)[0]


@pytest.mark.parametrize(("lang", "typed"), [("zh", "现代服务"), ("zh", "*现代服务*"),
                                             ("en", "consulting, design and other modern services")])
def test_a_typed_category_is_taken_when_it_names_one_and_refused_otherwise(
        engine_chat: Callable[..., EngineChat], lang: str, typed: str) -> None:
    bot = engine_chat(lang=lang)
    special_at_lines(bot, lang)
    bot.say("杂项服务费，1，10，6%")
    wrong = bot.say("杂项")
    assert wrong.codes == ["category_unknown"] and wrong.step == "items", wrong
    assert ("返回项目列表" if lang == "zh" else "Back to the lines") in wrong.errors[0]["message"]
    assert bot.say("完成" if lang == "zh" else "done").codes == ["line_unfinished"]
    taken = bot.say(typed)
    assert not taken.errors and len(rows(taken)) == 1, taken


def test_done_is_refused_while_a_line_waits_for_its_category(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    special_at_lines(bot)
    bot.say(LINE["zh"])
    bot.say("杂项服务费，1，10，6%")
    done = bot.say("完成")
    assert done.step == "items" and done.codes == ["line_unfinished"], done
    assert "杂项服务费" in done.errors[0]["message"]


def test_a_category_typed_before_the_name_needs_no_question_and_an_edit_keeps_it(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    special_at_lines(bot)
    typed = bot.say("*现代服务*杂项服务费，1，10，6%")
    assert not typed.errors and rows(typed)[0].startswith("1. 杂项服务费（现代服务）"), typed
    bot.say("杂项服务费，1，10，6%")
    bot.press("items:category:运输服务")
    edit = (bot.say("修改 2"), bot.say("杂项服务费，3，10，9%"))[1]
    assert not edit.errors and "2. 杂项服务费（运输服务）" in edit.text, edit


def test_a_line_named_part_by_part_is_asked_its_category_after_its_rate(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    special_at_lines(bot)
    answers = [bot.say(text) for text in ("杂项服务费", "1", "10", "6%")]
    assert "税收分类" in answers[-1].text and not answers[-1].errors, answers[-1]
    stored = bot.press("items:category:现代服务")
    assert rows(stored) == ["1. 杂项服务费（现代服务）  税率 6%  金额 9.43  税额 0.57"]


def test_a_line_with_no_classification_is_never_issued_without_a_category(
        chat: Callable[..., Chat], show_invoice: Callable[[str], dict[str, Any]]) -> None:
    bot = chat()
    start_special(bot)
    fill_special_buyer(bot)
    bot.press("items:net")
    question = bot.say("杂项服务费，1，10，6%")
    assert "items:category:现代服务" in question.choices, question
    bot.press("items:category:现代服务")
    bot.press("items:done")
    bot.press("nav:skip")
    preview = bot.press("delivery:download")
    assert "*现代服务*杂项服务费" in preview.text, preview
    submitted = bot.press(preview.choice_starting("confirm:submit:"))
    invoice = show_invoice(submitted.refs["invoice_id"])
    assert [line["category"] for line in invoice["lines"]] == ["现代服务"]


# -- docs #9: spec/model and unit -------------------------------------------------------------
def test_a_line_may_carry_a_unit_or_a_model_and_a_unit(
        engine_chat: Callable[..., EngineChat], show_invoice: Callable[[str], dict[str, Any]]
) -> None:
    bot = engine_chat()
    first = special_at_lines(bot, mode="items:net")
    assert "名称，规格型号，单位，数量，单价，税率" in first.text
    assert "名称，单位，数量，单价，税率" in first.text
    both = bot.say("服务器，R740，台，2，35000，13%")
    assert rows(both) == [
        "1. 服务器（计算机设备；规格 R740；单位 台）  税率 13%  金额 70000.00  税额 9100.00"]
    unit = bot.say("A4打印纸，箱，10，200，13%")
    assert rows(unit)[1].startswith("2. A4打印纸（办公用品；单位 箱）"), unit
    no_spec = bot.say("显示器，-，台，1，1000，13%")
    assert rows(no_spec)[2].startswith("3. 显示器（计算机设备；单位 台）"), no_spec
    bot.press("items:done")
    bot.press("nav:skip")
    preview = bot.press("delivery:download")
    submitted = bot.press(preview.choice_starting("confirm:submit:"))
    lines = show_invoice(submitted.refs["invoice_id"])["lines"]
    assert [(line["spec"], line["unit"]) for line in lines] == [("R740", "台"), ("", "箱"),
                                                                 ("", "台")]


@pytest.mark.parametrize(("lang", "text", "code"), [
    ("zh", "a，1，2，3，4，5", "unit_is_number"),
    ("zh", "服务器，" + "长" * 21 + "，台，1，100，13%", "spec_too_long"),
    ("en", "Server, R740, set*, 1, 100, 13%", "unit_symbol"),
])
def test_a_bad_spec_or_unit_is_refused_with_the_formats_that_work(
        engine_chat: Callable[..., EngineChat], lang: str, text: str, code: str) -> None:
    bot = engine_chat(lang=lang)
    special_at_lines(bot, lang)
    refused = bot.say(text)
    assert refused.step == "items" and refused.codes == [code], refused
    if lang == "en":
        assert not CJK.search(refused.errors[0]["message"]), refused


def test_the_english_line_prompt_explains_the_unit_and_model_formats(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat(lang="en")
    first = special_at_lines(bot, "en")
    assert "name, model, unit, quantity, price, rate" in first.text
    assert "name, unit, quantity, price, rate" in first.text
    stored = bot.say("Server, R740, set, 2, 35000, 13%")
    assert rows(stored)[0].startswith(
        "1. Server (Computer equipment; model R740; unit set)  rate 13%"), stored


# -- issuance #7: the discount question -------------------------------------------------------
def three_lines(bot: Talk, lang: str = "zh") -> Turn:
    special_at_lines(bot, lang)
    bot.say(LINE[lang])
    bot.say("办公用品，3，33.33，13%" if lang == "zh" else "Office supplies, 3, 33.33, 13%")
    turn = bot.say("咨询服务，7，0.01，13%" if lang == "zh" else "Consulting, 7, 0.01, 13%")
    assert len(rows(turn)) == 3, turn
    return turn


@pytest.mark.parametrize(("lang", "asked", "too_large"), [
    ("zh", "第 3 行（咨询服务，¥0.07）", "第 3 行折扣"),
    ("en", "discount on line 3 (Consulting, ¥0.07)", "discount on line 3"),
])
def test_the_discount_question_and_its_errors_name_the_line_being_discounted(
        engine_chat: Callable[..., EngineChat], lang: str, asked: str, too_large: str) -> None:
    bot = engine_chat(lang=lang)
    three_lines(bot, lang)
    question = bot.press("items:discount")
    assert asked in question.text and "items:list" in question.choices, question
    big = bot.say("1")
    assert big.codes == ["discount_too_large"] and too_large in big.errors[0]["message"], big
    assert "4" not in big.errors[0]["message"].replace("0.07", "")
    places = bot.say("0.005")
    assert places.codes == ["discount_too_many_places"], places
    assert ("最多两位小数" if lang == "zh" else "more than two decimals") in (
        places.errors[0]["message"])
    words = bot.say("合同 HT-1" if lang == "zh" else "contract HT-1")
    assert words.codes == ["discount_amount_expected"], words
    assert ("返回项目列表" if lang == "zh" else "Back to the lines") in words.errors[0]["message"]


def test_the_back_to_the_lines_button_leaves_the_discount_question_not_the_step(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    three_lines(bot)
    bot.press("items:discount")
    back = bot.press("items:list")
    assert back.step == "items" and not back.errors and len(rows(back)) == 3, back
    assert "items:done" in back.choices
    assert "折扣金额" not in back.text


@pytest.mark.parametrize("word", ["返回", "取消", "back"])
def test_typed_back_or_cancel_leaves_a_sub_question_for_the_list_of_lines(
        engine_chat: Callable[..., EngineChat], word: str) -> None:
    bot = engine_chat()
    three_lines(bot)
    bot.press("items:discount")
    back = bot.say(word)
    assert back.step == "items" and len(rows(back)) == 3, back
    bot.say("杂项服务费，1，10，6%")  # the category question
    back = bot.say(word)
    assert back.step == "items" and len(rows(back)) == 3, back


@pytest.mark.parametrize(("typed", "after"), [
    ("完成", "remark"), ("修改 1", "edit"), ("删除 2", "delete"), ("技术咨询，1，50，6%", "line"),
    ("折扣 1", "discount 1"),
])
def test_words_of_the_list_are_understood_under_the_discount_question(
        engine_chat: Callable[..., EngineChat], typed: str, after: str) -> None:
    bot = engine_chat()
    three_lines(bot)
    bot.press("items:discount")
    turn = bot.say(typed)
    assert not turn.errors, turn
    if after == "remark":
        assert turn.step == "remark"
    elif after == "edit":
        assert "请输入第 1 行的新内容" in turn.text
    elif after == "delete":
        assert len(rows(turn)) == 2 and "办公用品" not in turn.text
    elif after == "line":
        assert len(rows(turn)) == 4 and rows(turn)[3].startswith("4. 技术咨询")
    else:
        assert "第 1 行（软件开发服务，¥200.00）的折扣金额" in turn.text


def test_a_discount_can_go_on_an_earlier_line_and_lands_right_after_it(
        chat: Callable[..., Chat], show_invoice: Callable[[str], dict[str, Any]]) -> None:
    bot = chat()
    three_lines(bot)
    asked = bot.say("折扣 1")
    assert "第 1 行（软件开发服务，¥200.00）" in asked.text, asked
    stored = bot.say("20")
    assert [r.split("  ")[0] for r in rows(stored)] == [
        "1. 软件开发服务（信息技术服务）", "2. （折扣）", "3. 办公用品", "4. 咨询服务（现代服务）"]
    again = bot.say("折扣 1")
    assert again.codes == ["discount_exists"], again
    leave = (bot.press("items:discount"), bot.say("返回项目列表"))[1]
    assert leave.step == "items" and len(rows(leave)) == 4, leave
    bot.press("items:done")
    bot.press("nav:skip")
    preview = bot.press("delivery:download")
    submitted = bot.press(preview.choice_starting("confirm:submit:"))
    lines = show_invoice(submitted.refs["invoice_id"])["lines"]
    assert [line["discount"] for line in lines] == [False, True, False, False]
    assert lines[1]["amount"] == "-18.87" and lines[1]["tax"] == "-1.13"


# -- issuance #15: English text at the items step ---------------------------------------------
def test_english_rates_say_tax_exempt_and_never_show_chinese(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat(lang="en")
    special_at_lines(bot, "en")
    wrong = bot.say("Software development, 1, 100, 7%")
    assert wrong.codes == ["rate_invalid"], wrong
    assert "tax-exempt" in wrong.errors[0]["message"] and not CJK.search(wrong.text), wrong
    asked = (bot.say("Hosting"), bot.say("1"), bot.say("100"))[2]
    assert "tax-exempt" in asked.text and not CJK.search(asked.text), asked
    exempt = (bot.say("tax-exempt"), bot.press("items:to_ordinary"))[1]
    assert "1. Hosting (Information technology services)  rate tax-exempt" in exempt.text, exempt
    assert not CJK.search(exempt.text), exempt


def test_a_batch_row_without_a_category_is_listed_with_the_column_to_fill(
        engine_chat: Callable[..., EngineChat], tmp_path: Path) -> None:
    for lang, words in (("zh", "“税收分类”列"), ("en", "'税收分类' column")):
        bot = engine_chat(lang=lang, user=f"batch-{lang}")
        template = Path(bot.say("批量开票" if lang == "zh" else "batch").files[0])
        book = load_workbook(template)
        sheet = book.active
        assert sheet is not None
        header = [cell.value for cell in sheet[1]]
        row = [cell.value for cell in sheet[2]]
        row[header.index("项目名称")], row[header.index("税收分类")] = "杂项服务费", ""
        sheet.append(row)
        book.save(tmp_path / f"filled-{lang}.xlsx")
        result = bot.send(files=[str(tmp_path / f"filled-{lang}.xlsx")])
        assert result.codes == ["category_required_column"], result
        assert words in result.text and ("第 3 行" if lang == "zh" else "Row 3") in result.text


def test_the_preview_shows_each_lines_spec_and_unit(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    ordinary_at_lines(bot)
    bot.say("服务器，R740，台，2，35000，13%")
    bot.say("A4打印纸，箱，10，200，13%")
    bot.press("items:done")
    preview = (bot.press("nav:skip"), bot.press("delivery:download"))[1]
    assert preview.step == "confirm", preview
    assert "*计算机设备*服务器（R740） × 2 台  13%" in preview.text, preview.text
    assert "*办公用品*A4打印纸 × 10 箱  13%" in preview.text
    again = bot.exchange({"choice": "nav:back", "lang": "en"})
    shown = bot.exchange({"choice": "delivery:download", "lang": "en"})
    assert again.step == "delivery" and "服务器 (R740) × 2 台" in shown.text, shown.text
