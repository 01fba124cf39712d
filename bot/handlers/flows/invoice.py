"""The invoice request flow: walks the form, previews, submits once."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import timedelta

from bot.handlers.context import Ctx, typed_word
from bot.handlers.delivery import after_issue, notify_finance
from bot.handlers.faq import FaqResponder, looks_like_question
from bot.handlers.flows.invoice_steps import INVOICE_FORM, KEEP
from bot.handlers.flows.items import leave_sub_prompt
from bot.handlers.form import Form
from bot.handlers.preview import preview_text, render_pdf
from core import rules
from core.errors import Issue, NotFound, ValidationFailed
from core.models import Draft, Status
from core.validation import build_invoice_data, validate_invoice_data

CONFIRM = "confirm"
OFFER = "offer_resume"  # in state.sub: the step is where we would go on; first ask whether to
KEPT = "kept"  # in state.sub during the offer: the step's own progress, given back on "go on"
IDLE_AFTER = timedelta(minutes=30)
CONTINUE_WORDS = ("resume:continue", "继续", "继续填写", "continue", "go on")
RESTART_WORDS = ("resume:new", "重新开始", "start again", "restart", "new")
SUBMIT_WORDS = ("确认", "确认提交", "提交", "submit", "confirm")
KEEP_WORDS = ("保留", "保留当前值", "不变", "不改", "继续", "keep", "keep it", "unchanged",
              "continue")
# 修改 X / edit X that names no field (the engine takes the ones that do): strict enough that a
# buyer's name is never read as one.
EDIT_OTHER = re.compile(r"^(?:(?:修改|更改)\s*[:：]?\s*|edit\s*[:：]\s*|edit\s+)(?P<field>\S.{0,11})$",
                        re.IGNORECASE)


class InvoiceFlow:
    name = "invoice"
    form: Form = INVOICE_FORM
    steps: Sequence[str] = (*INVOICE_FORM.names(), CONFIRM)
    start_words: Sequence[str] = ("开发票", "开票", "申请发票", "我要开发票", "开张发票", "invoice",
                                  "/invoice", "new invoice", "request an invoice",
                                  "i need an invoice")
    choice_prefixes = ("invoice_type", "buyer_kind", "items", "delivery", "fix", "confirm",
                       "resume", "edit", KEEP)

    # -- entry -------------------------------------------------------------------------
    def wants(self, text: str) -> bool:
        """确认提交 typed again once the form is over (it ended with the submit)."""
        return typed_word(text) in SUBMIT_WORDS

    def start(self, ctx: Ctx) -> None:
        if not ctx.inbound.choice and typed_word(ctx.text) in SUBMIT_WORDS:
            self._submitted_already(ctx)
            return
        self._tell_expired(ctx, ctx.services.issuance.expire_drafts(ctx.actor))
        drafts = ctx.services.issuance.open_drafts(ctx.actor)
        if drafts:
            self.offer_resume(ctx, drafts[-1], self._resume_step(ctx, drafts[-1]))
            self.ask(ctx, drafts[-1])
            return
        self._begin(ctx)

    def _submitted_already(self, ctx: Ctx) -> None:
        """The request this person submitted in the last half hour, as the submit button says
        it again; with none, the words are a question for the knowledge base."""
        now = ctx.services.clock()
        recent = [i for i in ctx.services.issuance.visible(ctx.actor)
                  if i.requester == ctx.actor.user and now - i.created_at <= IDLE_AFTER]
        if not recent:
            FaqResponder().answer(ctx, ctx.text)
            return
        invoice = max(recent, key=lambda i: i.created_at)
        ctx.out.refs["invoice_id"] = invoice.id
        ctx.say(ctx.t("submit.again", id=invoice.id, status=ctx.t(f"status.{invoice.status}")))

    def offer_resume(self, ctx: Ctx, draft: Draft, step: str) -> None:
        """Stand at `step` of `draft`, but ask first whether to go on or start again; what the
        step had in progress (half a line, the delivery stage) is kept for "go on"."""
        sub = ctx.state.sub if ctx.state.draft_id == draft.id else {}
        kept = {k: v for k, v in sub.get(KEPT, sub).items() if k not in (OFFER, KEPT, "resume_step")}
        ctx.state.flow, ctx.state.step, ctx.state.draft_id = self.name, step, draft.id
        ctx.state.sub = {OFFER: True, KEPT: kept}

    def _tell_expired(self, ctx: Ctx, expired: list[Draft]) -> None:
        days = ctx.services.settings.issuance.draft_ttl_days
        for draft in expired:
            ctx.say(ctx.t("resume.expired", draft=draft.id, date=f"{draft.expires_at:%Y-%m-%d}",
                          days=days))

    def live_draft(self, ctx: Ctx) -> Draft | None:
        """The form's draft; gone or expired (told so), a fresh form begins and None is returned."""
        draft = self.draft(ctx)
        if draft is not None and not ctx.services.issuance.is_expired(draft):
            return draft
        ctx.state.reset_flow()
        if draft is not None:
            self._tell_expired(ctx, ctx.services.issuance.expire_drafts(ctx.actor))
            ctx.say(ctx.t("resume.fresh"))
        self._begin(ctx)
        return None

    def _begin(self, ctx: Ctx) -> None:
        draft = ctx.services.issuance.new_draft(ctx.actor)
        ctx.state.flow, ctx.state.draft_id, ctx.state.sub = self.name, draft.id, {}
        ctx.state.step = self.form.first(draft)
        self.ask(ctx, draft)

    def draft(self, ctx: Ctx) -> Draft | None:
        if not ctx.state.draft_id:
            return None
        try:
            return ctx.services.issuance.get_draft(ctx.state.draft_id, ctx.actor)
        except NotFound:
            return None

    # -- asking ------------------------------------------------------------------------
    def ask(self, ctx: Ctx, draft: Draft) -> None:
        step = ctx.state.step
        ctx.out.refs["draft_id"] = draft.id
        if ctx.state.sub.get(OFFER):
            text = ctx.t("resume.offer", draft=draft.id, step=ctx.t(f"field.{step}"))
            left = draft.expires_at - ctx.services.clock()
            warn = timedelta(days=ctx.services.settings.issuance.draft_warning_days)
            if timedelta(0) < left <= warn:  # §6.3: a warning before the draft expires
                text += "\n" + ctx.t("resume.expiring", draft=draft.id,
                                     date=f"{draft.expires_at:%Y-%m-%d}")
            ctx.say(text, [ctx.choice("resume:continue", "choice.resume.continue"),
                           ctx.choice("resume:new", "choice.resume.new")])
        elif step == CONFIRM:
            self._preview(ctx, draft)
        elif step is not None:
            spec = self.form.by_name[step]
            spec.ask(ctx, draft)
            last = ctx.out.replies[-1]
            if spec.optional(draft) and not any(c.id == "nav:skip" for c in last.choices):
                last.choices.append(ctx.choice("nav:skip", "nav.skip"))

    @staticmethod
    def _idle(ctx: Ctx) -> bool:
        last = ctx.state.updated_at
        return last is not None and ctx.services.clock() - last > IDLE_AFTER

    def _resume_step(self, ctx: Ctx, draft: Draft) -> str:
        saved = ctx.state.sub.get("resume_step")
        return str(saved) if saved in self.steps else self._first_unfilled(draft)

    def _first_unfilled(self, draft: Draft) -> str:
        for name in self.form.names():
            spec = self.form.by_name[name]
            if not spec.applies(draft):
                continue
            value = draft.lines if name == "items" else getattr(draft, name, None)
            if value in (None, [], "") and not spec.optional(draft):
                return name
        return CONFIRM

    # -- answering ---------------------------------------------------------------------
    def handle(self, ctx: Ctx, value: str) -> None:
        draft = self.live_draft(ctx)
        if draft is None:
            return
        step = ctx.state.step
        if not value:  # only a file: no step of this form takes one
            ctx.say(ctx.t("input.files_ignored"))
            self.ask(ctx, draft)
            return
        if not ctx.state.sub.get(OFFER) and self._idle(ctx) and not ctx.inbound.choice:
            self.offer_resume(ctx, draft, str(step))  # welcome back: offer to go on, lose nothing
            self.ask(ctx, draft)
            return
        if not ctx.inbound.choice and self._aside(ctx, draft, value):
            return
        if ctx.state.sub.get(OFFER):
            self._resume(ctx, draft, value)
        elif value.startswith(f"{KEEP}:") or (
                not ctx.inbound.choice and typed_word(value) in KEEP_WORDS
                and getattr(draft, str(step), None)):
            self._keep(ctx, draft, value)
        elif value.startswith("edit:"):
            self.edit(ctx, draft, value.removeprefix("edit:"))
        elif step == CONFIRM:
            self._confirm(ctx, draft, value)
        elif value.startswith("fix:"):
            field, _, fixed = value.removeprefix("fix:").partition(":")
            if field != step or not fixed:
                ctx.report([Issue(field=str(step), code="stale_choice")])
                self.ask(ctx, draft)
                return
            self._answer(ctx, draft, fixed)
        else:
            self._answer(ctx, draft, value)

    def _aside(self, ctx: Ctx, draft: Draft, value: str) -> bool:
        """Typed text that is not the step's answer, handled and never stored: a start word
        (开发票: go on or start again?), 修改 with no such field, a command (我的发票), or a
        question where the step can take none (税号在哪里找？)."""
        step = str(ctx.state.step)
        spec = self.form.by_name.get(step)
        if typed_word(value) in self.start_words:
            self.offer_resume(ctx, draft, step)
            self.ask(ctx, draft)
            return True
        edit = EDIT_OTHER.match(value.strip()) if not self._free_text(ctx) else None
        if edit and not (step == "items" and edit.group("field").strip().isdigit()):
            self.edit(ctx, draft, _field_or_text(edit.group("field")))
            return True
        command = _command_in(value)
        question = spec is not None and spec.never_an_answer(value) and looks_like_question(value)
        if command is None and not question:
            return False
        if command is not None:
            command(ctx)
        else:
            FaqResponder().answer(ctx, value)
        ctx.say(ctx.t("form.back_to_step"))
        self.reprompt(ctx)
        return True

    @staticmethod
    def _free_text(ctx: Ctx) -> bool:
        """A remark or a mailing address: "修改后的合同" there is what the person means."""
        return ctx.state.step == "remark" or ctx.state.sub.get("delivery") == "paper"

    def _keep(self, ctx: Ctx, draft: Draft, value: str) -> None:
        """保留当前值: the value the step has stays, and the form goes on."""
        step = str(ctx.state.step)
        field = value.removeprefix(f"{KEEP}:") if value.startswith(f"{KEEP}:") else step
        if field != step:
            ctx.report([Issue(field=step, code="stale_choice")])
        elif not getattr(draft, step, None):
            ctx.report([Issue(field=step, code="nothing_to_keep")])
        else:
            self.advance(ctx, draft)
            return
        self.ask(ctx, draft)

    def _answer(self, ctx: Ctx, draft: Draft, value: str) -> None:
        step = self.form.by_name[str(ctx.state.step)]
        accepted = step.accept(ctx, draft, value.removeprefix(f"{step.name}:"))
        if accepted is None:
            self.ask(ctx, draft)  # the same step again; the earlier value is kept
            return
        draft = ctx.services.issuance.save_draft(accepted.draft)
        if accepted.done:
            self.advance(ctx, draft)
        else:
            self.ask(ctx, draft)

    def advance(self, ctx: Ctx, draft: Draft) -> None:
        current = str(ctx.state.step)
        ctx.state.sub = {}
        if ctx.state.return_to_confirm:
            ctx.state.step = self._first_unfilled(draft)
            ctx.state.return_to_confirm = ctx.state.step != CONFIRM
        else:
            ctx.state.step = self.form.next_after(current, draft) or CONFIRM
        self.ask(ctx, draft)

    def _resume(self, ctx: Ctx, draft: Draft, value: str) -> None:
        word = typed_word(value)
        if word in RESTART_WORDS:
            ctx.services.issuance.discard_draft(draft.id, ctx.actor)
            self._begin(ctx)
            return
        if word in CONTINUE_WORDS:
            ctx.state.sub = dict(ctx.state.sub.get(KEPT) or {})
            self.ask(ctx, draft)
            return
        if word not in self.start_words:  # 开发票 again: the offer is the answer to it
            ctx.report([Issue(field=str(ctx.state.step), code="choose_one")])
        self.ask(ctx, draft)

    # -- navigation --------------------------------------------------------------------
    def reprompt(self, ctx: Ctx) -> None:
        draft = self.draft(ctx)
        if draft is None:
            ctx.state.reset_flow()
            return
        if ctx.services.issuance.is_expired(draft):
            self.live_draft(ctx)
            return
        if not ctx.state.sub.get(OFFER) and self._idle(ctx):
            self.offer_resume(ctx, draft, str(ctx.state.step))
        self.ask(ctx, draft)

    def navigate(self, ctx: Ctx, word: str, arg: str) -> None:
        """back / skip / edit FIELD / save / cancel / help, from text or a nav: button."""
        draft = self.draft(ctx)
        if (draft is not None and word in ("back", "cancel") and ctx.state.step == "items"
                and leave_sub_prompt(ctx)):
            self.ask(ctx, draft)  # 返回/取消 under a line's sub-question: back to the lines
            return
        if word == "cancel" or draft is None:
            self.cancel(ctx, draft)
            return
        if ctx.services.issuance.is_expired(draft):
            self.live_draft(ctx)
            return
        actions = {"back": self.back, "skip": self.skip, "save": self.save, "help": self.help}
        if word == "edit":
            self.edit(ctx, draft, arg)
        else:
            actions[word](ctx, draft)

    def back(self, ctx: Ctx, draft: Draft) -> None:
        step = str(ctx.state.step)
        ctx.state.sub = {}
        previous = self.form.names()[-1] if step == CONFIRM else self.form.previous(step, draft)
        if previous is None:
            ctx.say(ctx.t("nav.no_back"))
        else:
            ctx.state.step = previous
        self.ask(ctx, draft)

    def skip(self, ctx: Ctx, draft: Draft) -> None:
        step = ctx.state.step
        spec = self.form.by_name.get(str(step))
        if spec is None or not spec.optional(draft):
            ctx.report([Issue(field=str(step), code="skip_not_allowed")])
            self.ask(ctx, draft)
            return
        draft = ctx.services.issuance.save_draft(spec.on_skip(draft))
        self.advance(ctx, draft)

    def edit(self, ctx: Ctx, draft: Draft, field: str) -> None:
        spec = self.form.by_name.get(field)
        if spec is None or not spec.applies(draft):
            fields = ctx.t("nav.field_separator").join(
                ctx.t(f"field.{n}") for n in self.form.names() if self.form.by_name[n].applies(draft))
            ctx.report([Issue(field=str(ctx.state.step), code="edit_unknown_field",
                              params={"field": field, "fields": fields})])
            self.ask(ctx, draft)
            return
        ctx.state.return_to_confirm = ctx.state.step == CONFIRM or ctx.state.return_to_confirm
        ctx.state.step, ctx.state.sub = field, {}
        self.ask(ctx, draft)

    def save(self, ctx: Ctx, draft: Draft) -> None:
        ctx.state.sub["resume_step"] = ctx.state.step
        days = ctx.services.settings.issuance.draft_ttl_days
        ctx.say(ctx.t("nav.saved", draft=draft.id, days=days))
        ctx.state.flow, ctx.state.step = None, None

    def cancel(self, ctx: Ctx, draft: Draft | None) -> None:
        if draft is not None and draft.submitted_as is None:
            ctx.services.issuance.discard_draft(draft.id, ctx.actor)
        ctx.state.reset_flow()
        ctx.say(ctx.t("nav.cancelled"))

    def help(self, ctx: Ctx, draft: Draft) -> None:
        ctx.say(ctx.t("nav.help_text", step=ctx.t(f"field.{ctx.state.step}")))
        self.ask(ctx, draft)

    # -- preview and submit ------------------------------------------------------------
    def _preview(self, ctx: Ctx, draft: Draft) -> None:
        try:
            data = build_invoice_data(draft)
        except ValidationFailed as failed:
            self._fix_first(ctx, failed.issues)
            return
        issues = validate_invoice_data(data, ctx.services.settings)
        errors = [i for i in issues if i.is_error]
        if errors:
            self._fix_first(ctx, errors)
            return
        pdf = render_pdf(ctx.services, data, f"{draft.id}-preview", preview=True)
        ctx.say(ctx.t("preview.title") + "\n" + preview_text(ctx, data), files=[pdf])
        ctx.report([i for i in issues if not i.is_error])
        ctx.say(ctx.t("preview.confirm_question"), [
            ctx.choice(f"confirm:submit:{draft.id}", "choice.confirm.submit"),
            ctx.choice("nav:back", "nav.back"), ctx.choice("nav:save", "nav.save"),
            ctx.choice("nav:cancel", "nav.cancel"),
        ])

    @staticmethod
    def _blocking(ctx: Ctx, draft: Draft) -> list[Issue]:
        try:
            data = build_invoice_data(draft)
        except ValidationFailed as failed:
            return failed.issues
        return [i for i in validate_invoice_data(data, ctx.services.settings) if i.is_error]

    def _fix_first(self, ctx: Ctx, issues: list[Issue]) -> None:
        ctx.say(ctx.t("preview.fix_first"))
        ctx.report(issues)
        fields = list(dict.fromkeys(field for issue in issues
                                    for field in rules.fields_to_fix(issue)
                                    if field in self.form.by_name))
        ctx.say(ctx.t("preview.fix_pick"), [
            ctx.choice(f"edit:{f}", "choice.edit", field=ctx.t(f"field.{f}")) for f in fields
        ])

    def _confirm(self, ctx: Ctx, draft: Draft, value: str) -> None:
        if value.startswith("confirm:submit") or typed_word(value) in (*SUBMIT_WORDS, "yes", "是"):
            errors = self._blocking(ctx, draft)
            if errors:  # what the preview said must be fixed first, with the same buttons
                self._fix_first(ctx, errors)
                return
            submit(ctx, draft.id)
            return
        ctx.report([Issue(field="confirm", code="choose_one")])
        self.ask(ctx, draft)


def submit(ctx: Ctx, draft_id: str) -> None:
    """Submit once; a repeated confirm (double tap, retry) answers with the same request."""
    issuance = ctx.services.issuance
    try:
        draft = issuance.get_draft(draft_id, ctx.actor)
    except NotFound:
        ctx.report([Issue(field="confirm", code="draft_gone")])
        return
    already = draft.submitted_as is not None
    try:
        invoice = issuance.submit(draft_id, f"submit:{draft_id}", ctx.actor)
    except ValidationFailed as failed:
        ctx.report(failed.issues)
        return
    ctx.out.refs.update(draft_id=draft_id, invoice_id=invoice.id)
    if ctx.state.draft_id == draft_id:
        ctx.state.reset_flow()
    if already:
        ctx.say(ctx.t("submit.again", id=invoice.id, status=ctx.t(f"status.{invoice.status}")))
        return
    if invoice.status == Status.PENDING_REVIEW:
        ctx.say(ctx.t("submit.pending", id=invoice.id))
        notify_finance(ctx, invoice)
    else:  # one message: the number, the PDF, and the e-mail or paper note
        after_issue(ctx, invoice, to_requester=False)


def _field_or_text(typed: str) -> str:
    """A step name for what followed 修改/edit ("tax_id" is buyer_tax_id), else the text."""
    wanted = typed.strip().lower()
    return f"buyer_{wanted}" if f"buyer_{wanted}" in INVOICE_FORM.by_name else typed.strip()


def _command_in(value: str) -> Callable[[Ctx], None] | None:
    """A command typed in the middle of the form (我的发票, 批量开票, 查询 R-…): run, not stored.
    Digits alone are the form's data (an account number is no invoice number)."""
    if not re.search(r"[^\d\s-]", value):
        return None
    from bot.handlers.flows import batch, records, review  # they import this module

    for command in (*records.COMMANDS, *batch.COMMANDS, *review.COMMANDS):
        match = command.pattern.match(value)
        if match is not None:
            return _bound(command.run, match)
    return None


def _bound(run: Callable[[Ctx, re.Match[str]], None], match: re.Match[str]) -> Callable[[Ctx], None]:
    return lambda ctx: run(ctx, match)

