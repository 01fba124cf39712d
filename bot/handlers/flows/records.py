"""Everyone's invoices: list, status (also old 10/12-digit codes), PDF, void or red-letter."""

from __future__ import annotations

import re

from bot.handlers.context import Ctx
from bot.handlers.delivery import (
    email_invoice,
    invoice_pdf,
    red_letter_message,
    tell_requester,
    voided_message,
)
from bot.handlers.engine import Command
from bot.handlers.events import Choice, Reply
from bot.handlers.flows.invoice import CONFIRM, InvoiceFlow
from bot.handlers.messages import t
from core.lifecycle import cancellation_path
from core.models import Invoice, Status

REF = r"(R-[0-9A-Fa-f]{10}|\d{20})"


def list_mine(ctx: Ctx, _: re.Match[str]) -> None:
    invoices = ctx.services.issuance.visible(ctx.actor)[-20:]
    if not invoices:
        ctx.say(ctx.t("records.none"))
        return
    rows = [ctx.t("records.row", id=i.id, number=i.number or "-", buyer=i.data.buyer.name[:20],
                  total=f"{i.data.total:.2f}", status=ctx.t(f"status.{i.status}"))
            for i in invoices]
    ctx.say(ctx.t("records.list", count=len(invoices)) + "\n" + "\n".join(rows),
            [ctx.choice(f"records:show:{i.id}", "choice.review.open", id=i.id,
                        total=f"{i.data.total:.2f}") for i in invoices[-5:]])


def status_text(ctx: Ctx, invoice: Invoice) -> str:
    number = f"，{invoice.number}" if invoice.number else ""
    text = ctx.t("records.status", id=invoice.id, status=ctx.t(f"status.{invoice.status}"),
                 number=number, buyer=invoice.data.buyer.name, total=f"{invoice.data.total:.2f}")
    if invoice.reject_reason:
        text += "\n" + ctx.t("records.reject_reason", reason=invoice.reject_reason)
    return text


def can_reissue(invoice: Invoice, user: str) -> bool:
    """The requester may start again from a rejected or cancelled request, once."""
    return (invoice.requester == user and invoice.replaced_by is None
            and invoice.status in (Status.REJECTED, Status.VOIDED, Status.RED_FLUSHED))


def show(ctx: Ctx, ref: str) -> None:
    invoice = ctx.services.issuance.find(ref, ctx.actor)
    ctx.out.refs["invoice_id"] = invoice.id
    choices = []
    if invoice.status == Status.ISSUED:
        choices.append(ctx.choice(f"records:pdf:{invoice.id}", "choice.records.pdf"))
        if invoice.kind == "blue":
            choices.append(ctx.choice(f"records:cancel:{invoice.id}", "choice.records.cancel"))
    if can_reissue(invoice, ctx.actor.user):
        choices.append(ctx.choice(f"records:reissue:{invoice.id}", "choice.records.reissue"))
    ctx.say(status_text(ctx, invoice), choices)


def reissue(ctx: Ctx, ref: str) -> None:
    """重开: a new draft with everything the old request had, straight to its preview, where
    the person corrects what was wrong (修改 …) and submits again."""
    invoice = ctx.services.issuance.find(ref, ctx.actor)
    ctx.out.refs["invoice_id"] = invoice.id
    if not can_reissue(invoice, ctx.actor.user):
        ctx.say(ctx.t("records.no_reissue", id=invoice.id, status=ctx.t(f"status.{invoice.status}")))
        return
    issuance = ctx.services.issuance
    started = [d for d in issuance.open_drafts(ctx.actor)
               if d.remark_parts.get("_reissue_of") == invoice.id]
    draft = started[-1] if started else issuance.reissue_draft(invoice.id, ctx.actor)
    ctx.state.flow, ctx.state.draft_id, ctx.state.sub = InvoiceFlow.name, draft.id, {}
    ctx.state.step = CONFIRM
    ctx.say(ctx.t("records.reissued", id=invoice.id))
    InvoiceFlow().ask(ctx, draft)


def send_pdf(ctx: Ctx, ref: str) -> None:
    invoice = ctx.services.issuance.find(ref, ctx.actor)
    ctx.out.refs["invoice_id"] = invoice.id
    if invoice.number is None:
        ctx.say(ctx.t("records.no_pdf", id=invoice.id))
        return
    cancelled = invoice.status in (Status.VOIDED, Status.RED_FLUSHED)  # its copy is stamped so
    text = ctx.t(f"pdf_{invoice.status}" if cancelled else "records.pdf", number=invoice.number)
    ctx.say(text, files=[invoice_pdf(ctx.services, invoice)])


def request_cancel(ctx: Ctx, ref: str, reason: str = "") -> None:
    """The core decides void or red-letter. Finance voids at once, or is shown how to
    red-letter; anyone else's request is recorded with its reason and finance is told."""
    invoice = ctx.services.issuance.find(ref, ctx.actor)
    ctx.out.refs["invoice_id"] = invoice.id
    path = cancellation_path(invoice, ctx.services.clock())
    if is_finance(ctx) and path == "void":
        voided = ctx.services.issuance.void(invoice.id, ctx.actor, reason)
        ctx.say(ctx.t("records.voided", number=voided.number))
        tell_requester(ctx.services, ctx.actor.user, voided, voided_message(ctx.services, voided))
        return
    if is_finance(ctx):
        ctx.say(ctx.t("records.red_needed", number=invoice.number) + "\n"
                + ctx.t("records.red_usage"))
        return
    if not reason.strip():
        ctx.say(ctx.t("records.cancel_reason", id=invoice.id))
        return
    if not ctx.services.issuance.request_cancel(invoice.id, ctx.actor, reason):
        ctx.say(ctx.t("records.cancel_pending", number=invoice.number))
        return
    ctx.say(ctx.t(f"records.cancel_path.{path}", number=invoice.number) + "\n"
            + ctx.t("records.cancel_sent"))
    for user in ctx.services.users_with_role("finance"):
        lang = ctx.services.lang_of(user)
        text = t("notify.cancel_request", lang, user=ctx.actor.user, number=invoice.number,
                 id=invoice.id, reason=reason.strip(), path=t(f"path.{path}", lang))
        ctx.services.notifier.notify(user, [Reply(text=text, choices=[Choice(
            id=f"records:show:{invoice.id}", label=t("choice.records.open", lang))])])


def is_finance(ctx: Ctx) -> bool:
    return ctx.actor.role in ("finance", "admin")


def red_letter(ctx: Ctx, match: re.Match[str]) -> None:
    """Finance: 红冲 REF FORM_NO REASON. Anyone else asks finance for it (the rest is the
    reason); finance without the form number and reason is shown how to type it."""
    ref, rest = match.group(1), (match.group(2) or "").strip()
    if not is_finance(ctx):
        request_cancel(ctx, ref, rest)
        return
    form_no, _, reason = rest.partition(" ")
    if not reason.strip():
        invoice = ctx.services.issuance.find(ref, ctx.actor)
        ctx.out.refs["invoice_id"] = invoice.id
        ctx.say(ctx.t("records.red_usage"))
        return
    red = ctx.services.issuance.red_letter(ref, ctx.actor, form_no, reason)
    ctx.out.refs["invoice_id"] = red.id
    original = ctx.services.issuance.find(str(red.original_id), ctx.actor)
    ctx.say(ctx.t("records.red_issued", number=red.number, original=original.number),
            files=[invoice_pdf(ctx.services, red)])
    tell_requester(ctx.services, ctx.actor.user, original,
                   red_letter_message(ctx.services, original, red, reason))


def resend_email(ctx: Ctx, ref: str) -> None:
    """重发邮件: the issued invoice's PDF again, to the address the request gave."""
    invoice = ctx.services.issuance.find(ref, ctx.actor)
    ctx.out.refs["invoice_id"] = invoice.id
    if invoice.number is None:
        ctx.say(ctx.t("records.no_pdf", id=invoice.id))
    elif invoice.data.delivery.method != "email":
        ctx.say(ctx.t("mail.no_address", id=invoice.id))
    else:
        ctx.say(email_invoice(ctx.services, invoice, invoice_pdf(ctx.services, invoice),
                              ctx.lang)[1])


def legacy_code(ctx: Ctx, match: re.Match[str]) -> None:
    ctx.say(ctx.t("records.legacy_code", digits=len(match.group(1))))


def on_choice(ctx: Ctx, rest: str) -> None:
    action, _, ref = rest.partition(":")
    {"show": show, "pdf": send_pdf, "cancel": request_cancel,
     "reissue": reissue}.get(action, show)(ctx, ref)


COMMANDS = [
    # "我的发票", and as people also type it: "查一下我的发票", "我的发票呢？", "show my invoices"
    Command(re.compile(r"^(?:查一下|查查|查看|看看|看一下|列出|显示|顯示|show(?: me)?|list)?\s*"
                       r"(?:我的[发發]票|我的[开開]票|我的票|[发發]票列表|my invoices?|invoices|/invoices)"
                       r"\s*(?:呢|吧|啊|列表|都有哪些|有哪些)?\s*[?？!！。.]*$", re.I),
            list_mine),
    Command(re.compile(rf"^(?:查询|状态|查|status|show)?\s*{REF}$", re.I),
            lambda ctx, m: show(ctx, m.group(1))),
    Command(re.compile(rf"^(?:pdf|下载|重发|发票pdf)\s*{REF}$", re.I),
            lambda ctx, m: send_pdf(ctx, m.group(1))),
    Command(re.compile(rf"^(?:重发邮件|重新发送邮件|再发一次邮件|发送邮件|发邮件|resend(?: e-?mail)?|"
                       rf"send e-?mail|e-?mail)\s*{REF}$", re.I),
            lambda ctx, m: resend_email(ctx, m.group(1))),
    Command(re.compile(rf"^(?:作废|void|cancel invoice|撤销)\s*{REF}\s*(.*)$", re.I),
            lambda ctx, m: request_cancel(ctx, m.group(1), m.group(2))),
    Command(re.compile(rf"^(?:红冲|红字|red-letter|red letter)\s*{REF}\s*(.*)$", re.I | re.S),
            red_letter),
    Command(re.compile(r"^(?:查询|状态|查|status)?\s*(\d{10}|\d{12})\s*[ ,，/]?\s*\d{8}$", re.I),
            legacy_code),
]
