"""Submitting once, finance reviewing in the same chat, the customer told, and nobody seeing
somebody else's invoice."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.dialogs.conftest import (
    CUSTOMER,
    FINANCE,
    OTHER_CUSTOMER,
    Chat,
    EngineChat,
    Talk,
    email_from_preview,
    run_sifbot,
    special_to_preview,
    write_config,
)
from tests.integration.test_mailer import RecordingHandler

ALICE = {"user": CUSTOMER, "role": "customer"}
BOB = {"user": OTHER_CUSTOMER, "role": "customer"}
FIN = {"user": FINANCE, "role": "finance"}
NUMBER = re.compile(r"\b\d{20}\b")


def submit_as_alice(bot: Talk) -> str:
    preview = special_to_preview(bot, **ALICE)
    submitted = bot.press(preview.choice_starting("confirm:submit:"))
    assert submitted.flow is None and "待审核" in submitted.text, submitted
    return str(submitted.refs["invoice_id"])


@pytest.mark.bots(2)
def test_confirming_twice_gives_one_invoice(
        chat: Callable[..., Chat], records: Callable[..., list[dict[str, Any]]]) -> None:
    bot = chat()
    preview = special_to_preview(bot, **ALICE)
    confirm = preview.choice_starting("confirm:submit:")
    first = bot.press(confirm)
    second = bot.press(confirm)
    assert first.refs["invoice_id"] and first.refs["invoice_id"] == second.refs["invoice_id"]
    assert second.refs["draft_id"] == first.refs["draft_id"] == preview.refs["draft_id"]
    assert "已经提交过" in second.text and first.refs["invoice_id"] in second.text
    listed = records()
    assert [r["id"] for r in listed] == [first.refs["invoice_id"]]
    assert listed[0]["status"] == "pending_review" and listed[0]["requester"] == CUSTOMER

    retry = chat()  # the same tap retried by another process (a restarted front end)
    third = retry.press(confirm, **ALICE)
    assert third.refs["invoice_id"] == first.refs["invoice_id"]
    assert len(records()) == 1

    # an employee's request is issued at once: a double tap still allocates one number
    preview = special_to_preview(bot, user="console:emp", role="employee")
    confirm = preview.choice_starting("confirm:submit:")
    issued = bot.press(confirm)
    again = bot.press(confirm)
    number = NUMBER.search(issued.text)
    assert number and issued.files and Path(issued.files[0]).is_file()
    assert again.refs["invoice_id"] == issued.refs["invoice_id"] and "已开具" in again.text
    mine = [r for r in records() if r["requester"] == "console:emp"]
    assert [(r["status"], r["number"]) for r in mine] == [("issued", number.group())]


def test_finance_approves_in_chat_and_the_customer_gets_the_number_and_the_pdf(
        chat: Callable[..., Chat], show_invoice: Callable[[str], dict[str, Any]]) -> None:
    bot = chat()
    request_id = submit_as_alice(bot)

    queue = bot.say("待审核", **FIN)
    assert queue.flow is None and not queue.errors
    assert "待审核" in queue.text and queue.choices == [f"review:open:{request_id}"]
    [told] = queue.notifications  # finance hears of the new request on their next turn
    assert request_id in told["text"] and "10600.00" in told["text"]
    opened = bot.press(f"review:open:{request_id}")
    assert "待审核" in opened.text and "华为技术有限公司" in opened.text
    assert opened.choices == [f"review:approve:{request_id}", f"review:reject:{request_id}"]
    approved = bot.press(opened.choices[0])
    number = NUMBER.search(approved.text)
    assert number, approved
    assert approved.refs["invoice_id"] == request_id

    back = bot.say("你好", **ALICE)
    [note] = back.notifications
    assert request_id in note["text"] and number.group() in note["text"]
    [pdf] = note["files"]
    assert Path(pdf).is_file() and Path(pdf).read_bytes()[:5] == b"%PDF-"
    assert number.group() in Path(pdf).name
    assert bot.say("你好").notifications == []  # delivered once
    record = show_invoice(request_id)
    assert record["status"] == "issued" and record["number"] == number.group()
    assert record["reviewer"] == FINANCE
    assert [h["action"] for h in record["history"]][-1] == "issue"


def test_finance_rejects_with_a_reason_and_the_customer_is_told_why(
        chat: Callable[..., Chat], show_invoice: Callable[[str], dict[str, Any]]) -> None:
    bot = chat()
    request_id = submit_as_alice(bot)
    asked = bot.press(f"review:reject:{request_id}", **FIN)
    assert asked.flow == "review" and request_id in asked.text
    empty = bot.say("   ")
    assert empty.flow == "review"  # still waiting for a reason
    rejected = bot.say("税号与营业执照不一致，请核对")
    assert rejected.flow is None and not rejected.errors and request_id in rejected.text

    told = bot.say("我的发票", **ALICE)
    [note] = told.notifications
    assert request_id in note["text"] and "税号与营业执照不一致，请核对" in note["text"]
    assert "已退回" in told.text
    record = show_invoice(request_id)
    assert record["status"] == "rejected"
    assert record["reject_reason"] == "税号与营业执照不一致，请核对"


def test_backing_out_of_a_rejection_does_not_claim_a_draft_was_deleted(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    request_id = submit_as_alice(bot)
    bot.press(f"review:reject:{request_id}", **FIN)
    backed_out = bot.say("返回")
    assert backed_out.flow is None
    assert "草稿" not in backed_out.text, backed_out


def test_a_customer_cannot_see_or_act_on_another_customers_invoice(
        chat: Callable[..., Chat], show_invoice: Callable[[str], dict[str, Any]]) -> None:
    bot = chat()
    preview = special_to_preview(bot, **ALICE)
    confirm = preview.choice_starting("confirm:submit:")
    request_id = bot.press(confirm).refs["invoice_id"]

    for attempt in (f"查询 {request_id}", request_id, f"pdf {request_id}",
                    f"作废 {request_id} 不要了"):
        refused = bot.say(attempt, **BOB)
        assert "找不到" in refused.text and request_id in refused.text, (attempt, refused)
        assert "华为" not in refused.text and refused.refs["invoice_id"] is None
    for button in (f"records:show:{request_id}", f"records:pdf:{request_id}",
                   f"review:open:{request_id}", f"review:approve:{request_id}", confirm):
        refused = bot.press(button, **BOB)
        assert "华为" not in refused.text and refused.refs["invoice_id"] is None, (button, refused)
        assert not refused.files
    mine = bot.say("我的发票", **BOB)
    assert request_id not in mine.text and "还没有" in mine.text
    assert show_invoice(request_id)["status"] == "pending_review"  # nothing happened to it

    own = bot.say(f"查询 {request_id}", **ALICE)
    assert own.refs["invoice_id"] == request_id and "待审核" in own.text


def test_a_refused_query_carries_a_coded_error(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    refused = bot.say("查询 R-0123456789", **BOB)
    assert refused.codes == ["not_found"], refused
    assert "invoice" not in refused.errors[0]["message"]


def issued_for_alice(bot: Talk) -> tuple[str, str]:
    request_id = submit_as_alice(bot)
    approved = bot.press(f"review:approve:{request_id}", **FIN)
    number = NUMBER.search(approved.text)
    assert number, approved
    bot.say("你好", **ALICE)  # the approval notice, read and done with
    return request_id, number.group()


def test_a_void_in_chat_tells_the_requester_why(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    request_id, number = issued_for_alice(bot)
    voided = bot.say(f"作废 {request_id} 抬头少了分公司", **FIN)
    assert number in voided.text and not voided.errors, voided
    [note] = bot.say("你好", **ALICE).notifications
    assert number in note["text"] and "已作废" in note["text"], note
    assert "抬头少了分公司" in note["text"]


@pytest.mark.bots(2)
def test_a_red_letter_invoice_reaches_the_requester_with_its_pdf(
        chat: Callable[..., Chat], show_invoice: Callable[[str], dict[str, Any]]) -> None:
    request_id, number = issued_for_alice(chat())
    later = chat(now="2026-04-10T10:00:00+08:00")  # past the month: red-letter, not void
    red = later.say(f"红冲 {request_id} 4403012600000123 销售退回", **FIN)
    red_number = NUMBER.search(red.text.replace(number, ""))
    assert red_number and red.files, red
    [note] = later.say("你好", **ALICE).notifications
    assert number in note["text"] and red_number.group() in note["text"], note
    assert "销售退回" in note["text"]
    [pdf] = note["files"]
    assert red_number.group() in Path(pdf).name and Path(pdf).read_bytes()[:5] == b"%PDF-"
    assert show_invoice(request_id)["status"] == "red_flushed"


def test_void_from_the_shell_tells_the_requester_in_english(
        engine_chat: Callable[..., EngineChat], workdir: Path) -> None:
    bot = engine_chat()
    request_id, number = issued_for_alice(bot)
    bot.say("hello", lang="en", **ALICE)  # Alice now reads English
    code, _out, err = run_sifbot(workdir, "invoices", "void", request_id, "--as", FINANCE,
                                 "--reason", "wrong buyer name")
    assert code == 0, err
    [note] = bot.say("hi", lang="en", **ALICE).notifications
    assert number in note["text"] and "voided" in note["text"], note
    assert "wrong buyer name" in note["text"]


def test_a_rejected_request_is_corrected_and_submitted_again_from_its_notice(
        engine_chat: Callable[..., EngineChat], workdir: Path) -> None:
    bot = engine_chat()
    request_id = submit_as_alice(bot)
    bot.press(f"review:reject:{request_id}", **FIN)
    bot.say("备注请写上合同编号", **FIN)
    told = bot.say("你好", **ALICE)
    [note] = told.notifications
    assert note["choices"] == [{"id": f"records:reissue:{request_id}",
                                "label": "修改后重新申请"}], note
    shown = bot.say(f"查询 {request_id}", **ALICE)
    assert "退回原因：备注请写上合同编号" in shown.text, shown
    assert f"records:reissue:{request_id}" in shown.choices

    preview = bot.press(f"records:reissue:{request_id}", **ALICE)
    assert preview.flow == "invoice" and preview.step == "confirm", preview
    assert "华为技术有限公司" in preview.text and "10600.00" in preview.text
    assert bot.press(f"records:reissue:{request_id}", **ALICE).refs["draft_id"] == \
        preview.refs["draft_id"]  # pressed twice: still the one draft
    bot.say("修改 备注", **ALICE)
    corrected = bot.say("合同编号 HT-2026-001", **ALICE)
    submitted = bot.press(corrected.choice_starting("confirm:submit:"), **ALICE)
    new_id = submitted.refs["invoice_id"]
    assert new_id and new_id != request_id and "待审核" in submitted.text, submitted

    code, out, err = run_sifbot(workdir, "invoices", "show", new_id, "--json")
    assert code == 0, err
    assert json.loads(out)["reissue_of"] == request_id
    again = bot.say(f"查询 {request_id}", **ALICE)
    assert not any(c.startswith("records:reissue:") for c in again.choices)  # once only
    refused = bot.press(f"records:reissue:{request_id}", **ALICE)
    assert refused.flow is None and "不能再从它重新申请" in refused.text


def test_someone_else_cannot_reissue_a_rejected_request(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    request_id = submit_as_alice(bot)
    bot.press(f"review:reject:{request_id}", **FIN)
    bot.say("税号不对", **FIN)
    refused = bot.press(f"records:reissue:{request_id}", **BOB)
    assert refused.flow is None and "找不到" in refused.text and "华为" not in refused.text


def test_a_customers_void_request_needs_a_reason_is_recorded_and_reaches_finance(
        engine_chat: Callable[..., EngineChat], workdir: Path) -> None:
    bot = engine_chat()
    request_id, number = issued_for_alice(bot)
    asked = bot.say(f"作废 {request_id}", **ALICE)
    assert "请说明原因" in asked.text and request_id in asked.text, asked
    sent = bot.say(f"作废 {request_id} 抬头少了分公司", **ALICE)
    assert "作废期内" in sent.text and "转给财务" in sent.text, sent
    again = bot.say(f"作废 {request_id} 抬头少了分公司", **ALICE)
    assert "已经申请过" in again.text, again

    told = bot.say("待审核", **FIN)
    [notice] = [n for n in told.notifications if "抬头少了分公司" in n["text"]]
    assert number in notice["text"] and "作废" in notice["text"]
    assert [c["id"] for c in notice["choices"]] == [f"records:show:{request_id}"]
    opened = bot.press(f"records:show:{request_id}", **FIN)
    assert f"records:cancel:{request_id}" in opened.choices
    code, out, err = run_sifbot(workdir, "invoices", "show", request_id, "--json")
    assert code == 0, err
    [asked_for] = [h for h in json.loads(out)["history"] if h["action"] == "cancel_requested"]
    assert asked_for["actor"] == CUSTOMER and asked_for["changes"]["reason"] == "抬头少了分公司"


@pytest.mark.bots(2)
def test_red_letter_typed_by_a_customer_asks_finance_and_by_finance_without_a_form_shows_how(
        chat: Callable[..., Chat]) -> None:
    request_id, number = issued_for_alice(chat())
    later = chat(now="2026-04-10T10:00:00+08:00")
    asked = later.say(f"红冲 {request_id} 货退回来了", **ALICE)
    assert number in asked.text and "红字发票" in asked.text and "转给财务" in asked.text, asked
    assert not asked.errors
    usage = later.say(f"红冲 {request_id}", **FIN)
    assert "红冲 发票号 信息表编号 原因" in usage.text, usage
    voiding = later.say(f"作废 {request_id} 退货", **FIN)
    assert "不能作废" in voiding.text and "转给财务" not in voiding.text, voiding


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_failed_invoice_email_is_reported_to_finance_and_can_be_resent(
        engine_chat: Callable[..., EngineChat], workdir: Path) -> None:
    port = free_port()  # nothing listens there yet: the first e-mail fails
    write_config(workdir, extra=f"[smtp]\nport = {port}")
    bot = engine_chat()
    preview = special_to_preview(bot, **ALICE)
    preview = email_from_preview(bot, "finance@huawei.example.com", **ALICE)
    request_id = bot.press(preview.choice_starting("confirm:submit:"), **ALICE).refs["invoice_id"]

    approved = bot.press(f"review:approve:{request_id}", **FIN)
    assert "邮件没有发出去" in approved.text and f"重发邮件 {request_id}" in approved.text
    [note] = bot.say("你好", **ALICE).notifications
    assert "邮件暂时发送失败" in note["text"] and note["files"], note

    sink = RecordingHandler()
    server = Controller(sink, hostname="127.0.0.1", port=port)
    server.start()
    try:
        resent = bot.say(f"重发邮件 {request_id}", **ALICE)
    finally:
        server.stop()
    assert "已发送至 finance@huawei.example.com" in resent.text, resent
    [envelope] = sink.envelopes
    assert envelope.rcpt_tos == ["finance@huawei.example.com"]
    download_only = bot.say(f"email {submit_as_alice(bot)}", **ALICE)
    assert "还没有开具" in download_only.text, download_only


def test_invoices_show_reads_as_text_not_python(
        engine_chat: Callable[..., EngineChat], workdir: Path) -> None:
    request_id, number = issued_for_alice(engine_chat())
    code, out, err = run_sifbot(workdir, "invoices", "show", request_id)
    assert code == 0, err
    assert f"number: {number}" in out and "prices_include_tax: yes" in out
    assert "delivery: download" in out and "  - *信息技术服务*软件开发服务  1 x" in out, out
    assert "None" not in out and "{'" not in out and "True" not in out, out
    assert out.splitlines()[-2:] == [f"  2026-03-02T10:00:00+08:00  {action}  {actor}"
                                     for action, actor in (("submit", CUSTOMER),
                                                           ("issue", FINANCE))]


@pytest.mark.bots(2)
def test_the_terminal_takes_a_users_role_from_the_settings_unless_role_is_given(
        chat: Callable[..., Chat]) -> None:
    queue = chat("--user", FINANCE).say("待审核")  # "console:fin" is finance in [roles]
    assert not queue.errors and "待审核" in queue.text, queue
    refused = chat("--user", FINANCE, "--role", "customer").say("待审核")
    assert refused.codes == ["permission_denied"], refused
