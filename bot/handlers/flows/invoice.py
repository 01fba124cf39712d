"""The invoice request flow: walks the form, previews, submits once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.handlers.context import Ctx, typed_word
from bot.handlers.delivery import after_issue, notify_finance
from bot.handlers.flows.invoice_steps import INVOICE_FORM
from bot.handlers.form import Form
from bot.handlers.preview import preview_text, render_pdf
from core.errors import Issue, NotFound, ValidationFailed
from core.models import Draft, Status
from core.validation import build_invoice_data, validate_invoice_data

CONFIRM = "confirm"
OFFER = "offer_resume"  # in state.sub: the step is where we would go on; first ask whether to
IDLE_AFTER = timedelta(minutes=30)


class InvoiceFlow:
    name = "invoice"
    form: Form = INVOICE_FORM
    steps: Sequence[str] = (*INVOICE_FORM.names(), CONFIRM)
    start_words: Sequence[str] = ("开发票", "开票", "申请发票", "我要开发票", "开张发票", "invoice",
                                  "/invoice", "new invoice", "request an invoice",
                                  "i need an invoice")
    choice_prefixes = ("invoice_type", "buyer_kind", "items", "delivery", "fix", "confirm",
                       "resume", "edit")


    # -- entry -------------------------------------------------------------------------
    def start(self, ctx: Ctx) -> None:
        drafts = ctx.services.issuance.open_drafts(ctx.actor)
        if drafts:
            draft = drafts[-1]
            step = self._resume_step(ctx, draft)
            ctx.state.flow, ctx.state.step, ctx.state.draft_id = self.name, step, draft.id
            ctx.state.sub = {OFFER: True}
            self.ask(ctx, draft)
            return
        self._begin(ctx)

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
            if draft.expires_at - ctx.services.clock() < timedelta(
                    days=ctx.services.settings.issuance.draft_warning_days):
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
        draft = self.draft(ctx)
        if draft is None:
            ctx.state.reset_flow()
            self._begin(ctx)
            return
        step = ctx.state.step
        if not value:  # only a file: no step of this form takes one
            ctx.say(ctx.t("input.files_ignored"))
            self.ask(ctx, draft)
            return
        if not ctx.state.sub.get(OFFER) and self._idle(ctx) and not ctx.inbound.choice:
            ctx.state.sub = {OFFER: True}  # welcome back: offer to go on, lose nothing
            self.ask(ctx, draft)
            return
        if ctx.state.sub.get(OFFER):
            self._resume(ctx, draft, value)
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
        if value in ("resume:new", "重新开始", "start again", "new"):
            ctx.services.issuance.discard_draft(draft.id, ctx.actor)
            self._begin(ctx)
            return
        if value not in ("resume:continue", "继续", "继续填写", "continue", "go on"):
            ctx.report([Issue(field="resume", code="choose_one")])
            self.ask(ctx, draft)
            return
        ctx.state.sub = {}
        self.ask(ctx, draft)

    # -- navigation --------------------------------------------------------------------
    def reprompt(self, ctx: Ctx) -> None:
        draft = self.draft(ctx)
        if draft is None:
            ctx.state.reset_flow()
            return
        self.ask(ctx, draft)

    def navigate(self, ctx: Ctx, word: str, arg: str) -> None:
        """back / skip / edit FIELD / save / cancel / help, from text or a nav: button."""
        draft = self.draft(ctx)
        if word == "cancel" or draft is None:
            self.cancel(ctx, draft)
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
            fields = "、".join(ctx.t(f"field.{n}") for n in self.form.names()
                              if self.form.by_name[n].applies(draft))
            ctx.say(ctx.t("nav.unknown_field", field=field, fields=fields))
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

    def _fix_first(self, ctx: Ctx, issues: list[Issue]) -> None:
        ctx.say(ctx.t("preview.fix_first"))
        ctx.report(issues)
        fields = list(dict.fromkeys(i.field for i in issues if i.field in self.form.by_name))
        ctx.say(ctx.t("choice.edit", field=""), [
            ctx.choice(f"edit:{f}", "choice.edit", field=ctx.t(f"field.{f}")) for f in fields
        ])

    def _confirm(self, ctx: Ctx, draft: Draft, value: str) -> None:
        if value.startswith("confirm:submit") or typed_word(value) in (
                "确认", "确认提交", "提交", "submit", "confirm", "yes", "是"):
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
    else:
        ctx.say(ctx.t("submit.issued", id=invoice.id, number=invoice.number))
        after_issue(ctx, invoice, to_requester=False)
