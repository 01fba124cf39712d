"""The conversation engine: one inbound event in, replies out, state stored after every step.

It knows no platform and no flow in particular: flows, commands and the FAQ responder are
registered with it (bot.handlers.registry), so adding one touches no engine code.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.handlers.context import Ctx, typed_word
from bot.handlers.events import ErrorOut, Inbound, Outcome, Reply
from bot.handlers.messages import FIELD_ALIASES, FIELD_LABELS, t
from bot.handlers.services import Services
from bot.handlers.state import load_state, save_state
from core.errors import SifError
from core.models import Actor

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# Half of a UTF-16 pair, or a byte a terminal in another encoding (GBK) sent, kept by Python
# as a lone surrogate: it cannot be stored or printed, so the person is asked to type it again.
UNREADABLE = re.compile(r"[\ud800-\udfff]")
NAV_WORDS: dict[str, tuple[str, ...]] = {  # in traditional script too where it differs
    "back": ("返回", "上一步", "back", "/back"),
    "skip": ("跳过", "跳過", "不填", "skip", "/skip"),
    "save": ("暂存", "暫存", "保存", "save", "/save", "save draft"),
    "cancel": ("取消", "退出", "cancel", "/cancel", "quit"),
    "help": ("帮助", "幫助", "help", "/help"),
}
EDIT = re.compile(r"^(?:修改|更改|改|edit|change)\s*[:：]?\s*(.+)$", re.IGNORECASE)


class Flow(Protocol):
    name: str
    steps: Sequence[str]
    start_words: Sequence[str]

    def start(self, ctx: Ctx) -> None: ...
    def handle(self, ctx: Ctx, value: str) -> None: ...
    def navigate(self, ctx: Ctx, word: str, arg: str) -> None: ...
    def reprompt(self, ctx: Ctx) -> None: ...


@dataclass(frozen=True)
class Command:
    """Free text outside a flow that does something (我的发票, 待审核, 查询 X ...)."""

    pattern: re.Pattern[str]
    run: Callable[[Ctx, re.Match[str]], None]


ChoiceHandler = Callable[[Ctx, str], None]  # gets the rest of the id after "prefix:"
FileHandler = Callable[[Ctx], bool]  # True when it took the files


class Responder(Protocol):
    """Answers free text no flow or command took (the knowledge base)."""

    def answer(self, ctx: Ctx, text: str) -> None: ...
    def answers_mid_form(self, ctx: Ctx, text: str) -> bool: ...


class Engine:
    def __init__(self, services: Services, flows: list[Flow], commands: list[Command],
                 choices: dict[str, ChoiceHandler], responder: Responder,
                 file_handlers: Sequence[FileHandler] = ()) -> None:
        self.services = services
        self.file_handlers = list(file_handlers)
        self.flows = {flow.name: flow for flow in flows}
        self.commands = commands
        self.choices = choices
        self.responder = responder

    def handle(self, inbound: Inbound,
               on_commit: Callable[[Outcome], None] | None = None) -> Outcome:
        """Handle one event atomically: on any failure nothing of this turn is stored.

        `on_commit` runs inside the turn's transaction (a front end records the platform's
        update id and queues the replies there, so a crash can neither lose nor repeat a turn);
        after a failed turn it runs on its own with the apology."""
        repo = self.services.repo
        try:
            with repo.transaction():
                outcome = self._handle(inbound)
                if on_commit is not None:
                    on_commit(outcome)
                return outcome
        except Exception:
            ref = secrets.token_hex(4)
            logger.exception("turn failed (ref %s, platform %s)", ref, inbound.platform)
            outcome = Outcome()
            outcome.replies.append(Reply(text=t("internal_error", inbound.lang, ref=ref)))
            state = load_state(repo, inbound.user_key)
            outcome.flow, outcome.step = state.flow, state.step
            if on_commit is not None:
                on_commit(outcome)
            return outcome

    def deliver_pending(self, user_key: str) -> list[Reply]:
        """Notifications waiting for this person (approvals, replies ...), oldest first."""
        return self.services.notifier.drain(user_key)

    def _handle(self, inbound: Inbound) -> Outcome:
        state = load_state(self.services.repo, inbound.user_key)
        actor = Actor(user=inbound.user_key, role=inbound.role, platform=inbound.platform)
        ctx = Ctx(services=self.services, inbound=inbound, actor=actor, state=state)
        self.services.remember_lang(inbound.user_key, inbound.lang)
        value = self._value(ctx)
        numbered: list[str] = []
        if value is not None:
            numbered, state.numbered_choices = state.numbered_choices, []  # this message's only
            state.remember("user", value)
            try:
                self._dispatch(ctx, value, numbered)
            except SifError as error:
                message = error.message(ctx.lang)
                ctx.out.errors.append(ErrorOut(field=str(ctx.state.step or ""), code=error.code,
                                               message=message))
                ctx.say("❌ " + message)
                self._reprompt(ctx)
        if ctx.out.replies:
            state.remember("bot", ctx.out.replies[-1].text)
        state.last_choices = [c.id for r in ctx.out.replies for c in r.choices]
        state.updated_at = self.services.clock()
        save_state(self.services.repo, inbound.user_key, state)
        ctx.out.flow, ctx.out.step = state.flow, state.step
        if state.draft_id and ctx.out.refs.get("draft_id") is None:
            ctx.out.refs["draft_id"] = state.draft_id
        return ctx.out

    def _value(self, ctx: Ctx) -> str | None:
        """The cleaned text or button id, or None after telling the person what is wrong."""
        choice = ctx.inbound.choice
        if choice and not UNREADABLE.search(choice):
            return choice.strip()[:200]
        raw = choice or CONTROL.sub("", ANSI.sub("", ctx.text)).strip()
        if not raw and ctx.inbound.files:
            return ""  # a file alone: flows read ctx.inbound.files
        if UNREADABLE.search(raw):
            ctx.report_code("input", "input_unreadable")
        elif len(raw) > MAX_TEXT:
            ctx.report_code("input", "input_too_long", length=str(len(raw)), max=str(MAX_TEXT))
        elif not raw:
            ctx.report_code("input", "input_empty")
        else:
            return raw
        self._reprompt(ctx)
        return None

    def _dispatch(self, ctx: Ctx, value: str, numbered: Sequence[str] = ()) -> None:
        flow = self.flows.get(ctx.state.flow or "")
        nav = _navigation(value)
        taker = self._interrupting(flow, value) if not ctx.inbound.choice else None
        if taker is not None:  # "人工" mid-form: the other flow takes over, the draft is kept
            taker.start(ctx)
            return
        if flow is not None and ctx.state.step is not None:
            if ctx.inbound.choice and not _still_valid(value, ctx.state.last_choices):
                ctx.report_code(str(ctx.state.step), "stale_choice")
                flow.reprompt(ctx)
            elif nav:
                flow.navigate(ctx, *nav)
            elif ctx.inbound.choice and self._owned_elsewhere(value):
                self._choice(ctx, value)
            elif (not ctx.inbound.choice
                  and ctx.state.step not in getattr(flow, "free_text_steps", ())
                  and self.responder.answers_mid_form(ctx, value)):
                self.responder.answer(ctx, value)  # a question mid-form: reply, ask again
                ctx.say(ctx.t("form.back_to_step"))
                flow.reprompt(ctx)
            else:
                flow.handle(ctx, value)
            return
        if ctx.inbound.choice:
            self._choice(ctx, value)
            return
        if not value and ctx.inbound.files:
            self._files(ctx)
            return
        number = picked_number(value) if numbered else None
        if number is not None:  # "2" after "did you mean: 1. … 2. …"
            if number <= len(numbered):
                self._choice(ctx, numbered[number - 1])
            else:
                ctx.report_code("input", "pick_out_of_range", number=str(number),
                                count=str(len(numbered)))
                ctx.state.numbered_choices = list(numbered)  # still on offer
            return
        self._free_text(ctx, value)

    def _files(self, ctx: Ctx) -> None:
        """Files sent outside a flow: the first handler that wants them takes them."""
        for handler in self.file_handlers:
            if handler(ctx):
                return
        ctx.say(ctx.t("input.files_ignored"))

    def _interrupting(self, current: Flow | None, value: str) -> Flow | None:
        """A flow that takes over while another one is active (its `interrupts(text)` says so)."""
        if current is None:
            return None
        for flow in self.flows.values():
            interrupts = getattr(flow, "interrupts", None)
            if flow is not current and interrupts is not None and interrupts(value):
                return flow
        return None

    def _owned_elsewhere(self, value: str) -> bool:
        prefix = value.split(":", 1)[0]
        return prefix in self.choices

    def _choice(self, ctx: Ctx, value: str) -> None:
        prefix, _, rest = value.partition(":")
        handler = self.choices.get(prefix)
        if handler is not None:
            handler(ctx, rest)
            return
        for flow in self.flows.values():
            if prefix in getattr(flow, "choice_prefixes", ()) and ctx.state.flow == flow.name:
                flow.handle(ctx, value)
                return
        ctx.say(ctx.t("input.stale_choice"))
        self._reprompt(ctx)

    def _free_text(self, ctx: Ctx, value: str) -> None:
        lowered = typed_word(value)  # "開發票" starts the form as "开发票" does
        for flow in self.flows.values():
            if lowered in flow.start_words or _wants(flow, value):
                flow.start(ctx)
                return
        for command in self.commands:
            match = command.pattern.match(value)
            if match:
                command.run(ctx, match)
                return
        self.responder.answer(ctx, value)

    def _reprompt(self, ctx: Ctx) -> None:
        flow = self.flows.get(ctx.state.flow or "")
        if flow is not None and ctx.state.step is not None:
            flow.reprompt(ctx)


def _wants(flow: Flow, text: str) -> bool:
    """A flow's own test for free text that starts it (beyond its exact `start_words`)."""
    wants = getattr(flow, "wants", None)
    return wants is not None and bool(wants(text))


def _still_valid(choice: str, offered: list[str]) -> bool:
    """A pressed button counts if it was on the last reply; nav and submit always count
    (submit is idempotent, and nav words can also be typed)."""
    return choice in offered or choice.startswith(("nav:", "confirm:submit:"))


_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_PICK = re.compile(
    r"^(?:(?:选择?|选第?|第|no\.?|number|option|#)\s*)?"
    r"(?P<n>[1-9]|[一二三四五六七八九]|[\u2460-\u2468]|first|second|third|fourth|fifth)"
    r"\s*(?:个|条|项|种|号|st|nd|rd|th|one)?\s*[.。、)）]?$",
    re.IGNORECASE,
)


def picked_number(text: str) -> int | None:
    """The number a person typed to pick from a numbered list: "2", "2.", "第二个", "②",
    "选2", "#2", "the second one"; None for anything else ("2张", "200")."""
    cleaned = text.strip().lower().removeprefix("the ").strip()
    match = _PICK.match(cleaned)
    if match is None:
        return None
    n = match.group("n")
    if n.isascii() and n.isdigit():  # "①".isdigit() is True as well
        return int(n)
    if "\u2460" <= n <= "\u2468":  # ① … ⑨
        return ord(n) - 0x2460 + 1
    return _DIGITS.get(n) or _ORDINALS[n]


def _navigation(value: str) -> tuple[str, str] | None:
    """("back", "") for 返回/back/nav:back; ("edit", field) for 修改 税号 / edit:buyer_tax_id."""
    lowered = value.lower().strip()
    if lowered.startswith("nav:"):
        lowered = lowered[4:]
    for word, spellings in NAV_WORDS.items():
        if lowered == word or lowered in spellings:
            return word, ""
    if lowered.startswith("edit:"):
        return "edit", _field_name(value[5:])
    match = EDIT.match(value.strip())
    if match and (field := _field_name(match.group(1))):
        return "edit", field
    return None


def _field_name(text: str) -> str:
    """A step name from what people call the field (its label, an alias or the name itself)."""
    wanted = text.strip().lower()
    for field, labels in FIELD_LABELS.items():
        names = {field, labels["zh"], labels["en"], *FIELD_ALIASES.get(field, ())}
        if wanted in {name.lower() for name in names}:
            return field
    return ""

