"""Finance in chat: the pending queue, open one, approve (number and PDF) or reject with a reason."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.handlers.context import Ctx
from bot.handlers.delivery import after_issue, rejected_message
from bot.handlers.engine import Command
from bot.handlers.preview import preview_text
from core.errors import Issue


def queue(ctx: Ctx, _: object = None) -> None:
    pending = ctx.services.issuance.pending_queue(ctx.actor)
    if not pending:
        ctx.say(ctx.t("review.empty"))
        return
    ctx.say(ctx.t("review.queue", count=len(pending)),
            [ctx.choice(f"review:open:{i.id}", "choice.review.open", id=i.id,
                        total=f"{i.data.total:.2f}") for i in pending[:20]])


def open_request(ctx: Ctx, ref: str) -> None:
    invoice = ctx.services.issuance.find(ref, ctx.actor)
    ctx.out.refs["invoice_id"] = invoice.id
    header = ctx.t("review.card", id=invoice.id, status=ctx.t(f"status.{invoice.status}"),
                   requester=invoice.requester)  # buyer and total: in the preview below
    ctx.say(header + "\n" + preview_text(ctx, invoice.data), [
        ctx.choice(f"review:approve:{invoice.id}", "choice.review.approve"),
        ctx.choice(f"review:reject:{invoice.id}", "choice.review.reject"),
    ])


def approve(ctx: Ctx, ref: str) -> None:
    invoice = ctx.services.issuance.approve(ref, ctx.actor)
    ctx.out.refs["invoice_id"] = invoice.id
    ctx.say(ctx.t("review.approved", id=invoice.id, number=invoice.number))
    after_issue(ctx, invoice, to_requester=True)


def on_choice(ctx: Ctx, rest: str) -> None:
    action, _, ref = rest.partition(":")
    if action == "approve":
        approve(ctx, ref)
    elif action == "reject":
        ReviewFlow().start_reject(ctx, ref)
    else:
        open_request(ctx, ref)


class ReviewFlow:
    """One step: the reason for a rejection."""

    name = "review"
    steps: Sequence[str] = ("reason",)
    start_words: Sequence[str] = ("待审核", "审核", "pending", "review", "/review")
    free_text_steps: Sequence[str] = ("reason",)

    def start(self, ctx: Ctx) -> None:
        queue(ctx)

    def start_reject(self, ctx: Ctx, ref: str) -> None:
        invoice = ctx.services.issuance.find(ref, ctx.actor)
        ctx.state.flow, ctx.state.step, ctx.state.sub = self.name, "reason", {"id": invoice.id}
        self.reprompt(ctx)

    def reprompt(self, ctx: Ctx) -> None:
        ctx.say(ctx.t("review.ask_reason", id=ctx.state.sub.get("id")),
                [ctx.choice("nav:cancel", "nav.cancel")])

    def handle(self, ctx: Ctx, value: str) -> None:
        if len(value) > 500:
            ctx.report([Issue(field="reason", code="input_too_long",
                              params={"length": str(len(value)), "max": "500"})])
            self.reprompt(ctx)
            return
        invoice = ctx.services.issuance.reject(str(ctx.state.sub["id"]), ctx.actor, value)
        ctx.state.reset_flow()
        ctx.out.refs["invoice_id"] = invoice.id
        ctx.say(ctx.t("review.rejected", id=invoice.id))
        ctx.services.notifier.notify(invoice.requester,
                                     [rejected_message(ctx.services, invoice)])

    def navigate(self, ctx: Ctx, word: str, arg: str) -> None:
        if word in ("cancel", "back"):
            ctx.say(ctx.t("review.reject_cancelled", id=ctx.state.sub.get("id")))
            ctx.state.reset_flow()
        else:
            self.reprompt(ctx)


COMMANDS: list[Command] = [
    Command(re.compile(r"^(?:通过|approve)\s+(R-[0-9A-Fa-f]{10})$", re.I),
            lambda ctx, m: approve(ctx, m.group(1))),
]
