"""After an invoice is issued: its PDF, the e-mail, and telling the people concerned."""

from __future__ import annotations

import logging

from bot.handlers.context import Ctx
from bot.handlers.events import Choice, Reply
from bot.handlers.messages import t
from bot.handlers.services import Services
from core.errors import SifError
from core.models import Invoice

logger = logging.getLogger(__name__)


def invoice_pdf(services: Services, invoice: Invoice) -> str:
    """The invoice's PDF as its status stands: a voided or red-flushed one is stamped so."""
    from core.pdf import cached_invoice_pdf  # reportlab is loaded only when a PDF is wanted

    return str(cached_invoice_pdf(services.files_dir, f"{invoice.number or invoice.id}",
                                  invoice.data, services.settings.seller, number=invoice.number,
                                  issued_at=invoice.issued_at, kind=invoice.kind,
                                  status=invoice.status))


def issued_message(services: Services, invoice: Invoice, lang: str) -> Reply:
    """The invoice's number and PDF (and what happened to the e-mail or the paper copy)."""
    return _issued(services, invoice, lang)[0]


def _issued(services: Services, invoice: Invoice, lang: str, *,
            headline: str = "notify.approved") -> tuple[Reply, bool | None]:
    """The requester's notice, and whether the e-mail went (None: not sent by e-mail)."""
    pdf = invoice_pdf(services, invoice)
    text = t(headline, lang, id=invoice.id, number=invoice.number)
    mailed, notes = None, []
    if invoice.data.delivery.method == "email":
        mailed, note = email_invoice(services, invoice, pdf, lang)
        notes.append(note)
    if invoice.data.delivery.method == "paper":
        notes.append(t("paper.note", lang))
    return Reply(text="\n".join([text, *notes]), files=[pdf]), mailed


def after_issue(ctx: Ctx, invoice: Invoice, *, to_requester: bool) -> None:
    """Send the PDF in chat (to the requester when someone else issued it) and by e-mail;
    whoever issued it hears when the e-mail failed. Issued at once on the requester's own
    submit, it is one message: "issued", not "your request was approved" (no review took
    place)."""
    headline = "notify.approved" if to_requester else "submit.issued"
    message, mailed = _issued(ctx.services, invoice, ctx.services.lang_of(invoice.requester),
                              headline=headline)
    if to_requester:
        ctx.services.notifier.notify(invoice.requester, [message])
        if mailed is False:
            ctx.say(ctx.t("mail.failed_staff", id=invoice.id))
    else:
        ctx.say(message.text, files=message.files)


def rejected_message(services: Services, invoice: Invoice) -> Reply:
    lang = services.lang_of(invoice.requester)
    return Reply(text=t("notify.rejected", lang, id=invoice.id, reason=invoice.reject_reason),
                 choices=[Choice(id=f"records:reissue:{invoice.id}",
                                 label=t("choice.records.reissue", lang))])


def voided_message(services: Services, invoice: Invoice) -> Reply:
    lang = services.lang_of(invoice.requester)
    return Reply(text=t("notify.voided", lang, id=invoice.id, number=invoice.number,
                        reason=invoice.void_reason or "-"))


def red_letter_message(services: Services, original: Invoice, red: Invoice,
                       reason: str) -> Reply:
    """The red-letter invoice goes where the original went: in chat, and by e-mail if the
    original was e-mailed (the guide: resend it and tell the buyer)."""
    lang = services.lang_of(original.requester)
    pdf = invoice_pdf(services, red)
    text = t("notify.red_lettered", lang, id=original.id, original=original.number,
             number=red.number, reason=reason.strip())
    notes = ([email_invoice(services, red, pdf, lang)[1]]
             if red.data.delivery.method == "email" else [])
    return Reply(text="\n".join([text, *notes]), files=[pdf])


def tell_requester(services: Services, actor_user: str, invoice: Invoice, message: Reply) -> None:
    """A notice to the requester on their own platform, unless they did it themselves."""
    if invoice.requester != actor_user:
        services.notifier.notify(invoice.requester, [message])


def email_invoice(services: Services, invoice: Invoice, pdf: str, lang: str) -> tuple[bool, str]:
    """Send the PDF to the request's e-mail address: whether it went, and what to tell."""
    address = invoice.data.delivery.email
    try:
        services.send_mail(to=address, invoice=invoice, pdf=pdf)
    except SifError:
        logger.warning("invoice e-mail for %s failed", invoice.id)
        return False, t("mail.failed", lang, id=invoice.id)
    return True, t("mail.sent", lang, email=address)


def notify_finance(ctx: Ctx, invoice: Invoice) -> None:
    for user in ctx.services.users_with_role("finance"):
        lang = ctx.services.lang_of(user)
        text = t("notify.finance_new", lang, id=invoice.id, buyer=invoice.data.buyer.name,
                 total=f"{invoice.data.total:.2f}")
        ctx.services.notifier.notify(user, [Reply(text=text, choices=[])])
