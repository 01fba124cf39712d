"""Bad input at every text step: refused at the same step with a coded error, nothing crashes,
and what was filled in before is kept."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.dialogs.conftest import (
    HUAWEI,
    Chat,
    EngineChat,
    Talk,
    Turn,
    email_from_preview,
    fill_special_buyer,
    special_to_remark,
    start_special,
)

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

SQL = "'; DROP TABLE invoices; --"
HTML = "<script>alert(1)</script>"
SHELL = "$(rm -rf /) `id` && echo pwned | sh"
FORMAT = "{0} {name} {__class__} %s %(x)s %n"
HOSTILE = {"sql": SQL, "html": HTML, "shell": SHELL, "format": FORMAT}
HUGE = "发" * 10_000
EMOJI = "😀🧾"


@dataclass(frozen=True)
class TextStep:
    step: str
    edit: str  # what a person types to come back to it from the preview
    valid: str
    malformed: tuple[str, ...]
    accepts_free_text: bool = False  # hostile strings may be stored verbatim (a remark)
    takes_item_names: bool = False  # a lone word is the name of a new line (items)
    shows_current: bool = True  # the re-ask says "（当前：...）"


STEPS = [
    TextStep("buyer_name", "修改 购买方名称", HUAWEI["buyer_name"],
             ("华为技术有限公司；税号 914403001922038216", "华为技术\n有限公司")),
    TextStep("buyer_tax_id", "修改 税号", HUAWEI["buyer_tax_id"],
             ("91440300192203821X", "9144030019220382", "914403001922O38216")),
    TextStep("buyer_address_phone", "修改 地址电话", HUAWEI["buyer_address_phone"],
             ("深圳市龙岗区坂田华为基地", "0755-28780808")),
    TextStep("buyer_bank_account", "修改 开户行及账号", HUAWEI["buyer_bank_account"],
             ("招商银行深圳分行营业部", "招商银行深圳分行 12")),
    TextStep("items", "修改 明细", "items:done",
             ("软件开发服务，一，10600，6%", "软件开发服务，1，10600，7%", "软件开发服务，1，-5，6%",
              "a，1，2，3，4，5"), takes_item_names=True, shows_current=False),
    TextStep("remark", "修改 备注", "合同编号 HT-2026-001",
             ("备" * 150, "1\n2\n3\n4\n5\n6"), accepts_free_text=True, shows_current=False),
    TextStep("delivery", "修改 交付方式", "finance@huawei.example.com",
             ("finance@@huawei", "finance@huawei", "财务 finance@huawei.com"),
             shows_current=False),
]


def control_variants(valid: str) -> dict[str, str]:
    """The valid value with control characters in it: refused, or stored without them."""
    middle = len(valid) // 2
    return {
        "nul": valid[:middle] + "\x00" + valid[middle:],
        "bell+escape": "\x07\x1b" + valid,
        "rtl_override": valid[:middle] + "\u202e" + valid[middle:],
        "zero_width": valid[:middle] + "\u200b" + valid[middle:],
    }


class Walk:
    """Comes back to one step from the preview, tries one input, puts the valid value back."""

    def __init__(self, bot: Talk, preview: Turn) -> None:
        self.bot = bot
        self.preview_text = preview_body(preview)
        self.problems: list[str] = []

    def goto(self, spec: TextStep) -> Turn:
        turn = self.bot.say(spec.edit)
        if spec.step == "delivery":
            turn = self.bot.press("delivery:email")
        assert turn.step == spec.step, turn
        return turn

    def restore(self, spec: TextStep, turn: Turn) -> None:
        if turn.step != "confirm":
            turn = self.bot.say(spec.valid) if spec.step != "items" else self.bot.press("items:done")
        if turn.step != "confirm":  # an input was taken half-way (a delivery method ...)
            self.goto(spec)
            turn = self.bot.say(spec.valid) if spec.step != "items" else self.bot.press("items:done")
        assert turn.step == "confirm", turn

    def problem(self, spec: TextStep, kind: str, text: str, message: str, turn: Turn) -> None:
        self.problems.append(f"{spec.step} / {kind} {text[:40]!r}: {message}\n    {turn!r}")

    def try_refused(self, spec: TextStep, kind: str, text: str) -> None:
        """Must stay at the step with coded errors, the earlier value kept."""
        self.goto(spec)
        turn = self.bot.say(text)
        if spec.accepts_free_text and kind in HOSTILE and turn.step == "confirm":
            if text not in turn.text:  # a remark may say anything printable, but verbatim
                self.problem(spec, kind, text, "not stored verbatim", turn)
        elif turn.step != spec.step:
            self.problem(spec, kind, text, f"left the step for {turn.step}", turn)
        elif not turn.errors:
            if not (spec.takes_item_names and kind in HOSTILE and _asks_quantity(turn, text)):
                self.problem(spec, kind, text, "no error", turn)
        elif spec.shows_current and f"（当前：{spec.valid}）" not in turn.text:
            self.problem(spec, kind, text, "the earlier value is not shown", turn)
        elif spec.step == "items" and "1. 软件开发服务" not in turn.text:
            self.problem(spec, kind, text, "the lines so far are not shown", turn)
        self.restore(spec, turn)

    def try_cleaned(self, spec: TextStep, kind: str, text: str) -> None:
        """Refused at the step, or taken with the control characters removed."""
        self.goto(spec)
        turn = self.bot.say(text)
        if turn.step == spec.step:
            if not turn.errors and not spec.takes_item_names:
                self.problem(spec, kind, text, "neither refused nor taken", turn)
        elif turn.step == "confirm":
            if CONTROL.search(turn.text) or "\x1b" in json.dumps(turn.raw):
                self.problem(spec, kind, text, "control character stored", turn)
        else:
            self.problem(spec, kind, text, f"went to {turn.step}", turn)
        self.restore(spec, turn)


def _asks_quantity(turn: Turn, name: str) -> bool:
    """A lone word at the items step starts a line of that name: echoed literally."""
    return f"“{name}”的数量是多少？" in turn.text


def preview_body(turn: Turn) -> str:
    return str(next(r["text"] for r in turn.replies if r["files"]))


def full_preview(bot: Talk) -> Turn:
    """A complete special invoice with a remark and e-mail delivery, at the preview."""
    special_to_remark(bot)
    bot.say("合同编号 HT-2026-001")
    bot.press("delivery:email")
    preview = bot.say("finance@huawei.example.com")
    assert preview.step == "confirm", preview
    return preview


def test_bad_input_at_every_text_step_is_refused_and_the_draft_is_kept(
        chat: Callable[..., Chat]) -> None:
    bot = chat()
    walk = Walk(bot, full_preview(bot))
    for spec in STEPS:
        for n, text in enumerate(spec.malformed):
            walk.try_refused(spec, f"malformed{n}", text)
        for kind, text in HOSTILE.items():
            walk.try_refused(spec, kind, text)
        walk.try_refused(spec, "10000_chars", HUGE)
        walk.try_refused(spec, "emoji", EMOJI + spec.valid if spec.step != "items" else EMOJI)
        if spec.step != "items":
            for kind, text in control_variants(spec.valid).items():
                walk.try_cleaned(spec, kind, text)
    assert not walk.problems, "\n".join(walk.problems)

    final = bot.say("返回")  # confirm -> delivery
    final = bot.press("delivery:email")
    final = bot.say("finance@huawei.example.com")
    assert preview_body(final) == walk.preview_text  # nothing of the draft was lost or changed


def test_errors_name_the_field_and_say_how_to_fix_it(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    bot.say(HUAWEI["buyer_name"])
    wrong = bot.say("91440300192203821X")
    assert wrong.step == "buyer_tax_id"
    assert [(e["field"], e["code"]) for e in wrong.errors] == [("buyer_tax_id", "tax_id_checksum")]
    assert "营业执照" in wrong.errors[0]["message"]
    assert wrong.choice_starting("fix:buyer_tax_id:")  # one tap to confirm or fix
    too_long = bot.say("9" * 2001)
    assert too_long.codes == ["input_too_long"] and "2000" in too_long.errors[0]["message"]


def test_hostile_text_in_a_remark_is_stored_as_plain_text_and_the_tables_survive(
        engine_chat: Callable[..., EngineChat], records: Callable[..., list[dict[str, Any]]],
        show_invoice: Callable[[str], dict[str, Any]]) -> None:
    bot = engine_chat()
    special_to_remark(bot)
    remark = f"{SQL} {FORMAT}"
    assert bot.say(remark).step == "delivery"
    preview = bot.press("delivery:download")
    assert f"备注：{remark}" in preview.text
    done = bot.press(preview.choice_starting("confirm:submit:"))
    assert show_invoice(done.refs["invoice_id"])["remark"] == remark
    assert [r["id"] for r in records()] == [done.refs["invoice_id"]]


def test_a_format_string_as_an_item_name_is_echoed_literally(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    fill_special_buyer(bot)
    bot.press("items:gross")
    asked = bot.say("{0}{line}%s服务")
    assert asked.text == "“{0}{line}%s服务”的数量是多少？", asked


def test_unparseable_lines_get_bad_input_and_the_session_goes_on(chat: Callable[..., Chat]) -> None:
    bot = chat()
    start_special(bot)
    for line in ("not json", "[1, 2]", "{}", '{"text": null}', '{"choice": 7}',
                 '{"text": "x", "role": "root"}', '{"text": "x", "files": "/etc/passwd"}',
                 json.dumps({"text": "x" * 100_001})):
        out = bot.send_line(line)
        assert set(out) == {"error"} and out["error"]["code"] == "bad_input", (line[:40], out)
        assert out["error"]["message"]
    still = bot.say(HUAWEI["buyer_name"])
    assert still.step == "buyer_tax_id" and not still.errors
    assert bot.say("取消").flow is None
    stale = bot.press("items:delete:1")  # a button of a form that is gone
    assert stale.flow is None and "失效" in stale.text
    gone = bot.press("confirm:submit:D-0000000000")
    assert gone.flow is None and gone.refs["invoice_id"] is None


def test_an_ansi_colour_code_leaves_no_residue_in_the_buyer_name(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    turn = bot.say("\x1b[31m华为技术有限公司\x1b[0m")
    if turn.step == "buyer_tax_id":
        back = bot.say("返回")
        assert "（当前：华为技术有限公司）" in back.text, back


def test_empty_input_is_refused_with_an_error_code(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    start_special(bot)
    turn = bot.say("\x00\u200b  ")
    assert turn.step == "buyer_name"
    assert turn.codes == ["input_empty"], turn


def test_a_double_tapped_done_button_does_not_become_the_remark(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    special_to_remark(bot)
    again = bot.press("items:done")
    assert again.step == "remark", again  # still asking for the remark, nothing stored
    preview = (bot.press("nav:skip"), bot.press("delivery:download"))[1]
    assert "备注" not in preview.text, preview


def test_an_emoji_in_the_delivery_address_is_refused(
        engine_chat: Callable[..., EngineChat]) -> None:
    bot = engine_chat()
    preview = full_preview(bot)
    assert preview.step == "confirm"
    turn = email_from_preview(bot, "😀🧾finance@huawei.example.com")
    assert turn.step == "delivery" and turn.codes == ["delivery_email_invalid"], turn
