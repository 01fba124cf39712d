"""E-mail delivery of an issued invoice: one message with the PDF attached, over SMTP.

Addresses are personal data: logs and error parameters carry them masked (a***@example.com).
The message is 7-bit throughout (base64 text, RFC 2047 headers): no server has to offer
8BITMIME. Its Date is the product's clock, so `SIFBOT_NOW` fixes it like every other "now".
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import unicodedata
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from core.clock import system_clock
from core.errors import SifError
from core.settings import SmtpSettings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,63}}")


class EmailInvalid(SifError):
    """The address cannot be an e-mail address: the person retypes it."""

    code = "email_invalid"


class MailFailed(SifError):
    """The server could not be reached or refused the message: not the person's fault."""

    code = "mail_failed"
    user_error = False


def normalise_address(text: str) -> str:
    """The address as typed, trimmed, full-width forms (＠, ．) made half-width; or EmailInvalid."""
    address = unicodedata.normalize("NFKC", text or "").strip()
    if len(address) > 254 or not _ADDRESS.fullmatch(address):
        raise EmailInvalid()
    return address


def mask_email(address: str) -> str:
    """a***@example.com: enough to recognise in a log, not enough to write to."""
    local, at, domain = address.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else f"{address[:1]}***"


def build_message(
    sender: str, to: str, subject: str, body: str, attachment: Path, *, now: datetime
) -> EmailMessage:
    """A UTF-8 text message dated `now` (aware) with the invoice PDF attached as application/pdf."""
    if now.tzinfo is None:
        raise ValueError("the Date header needs an aware time")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = " ".join(subject.split())  # no line breaks may reach a header
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # base64, not 8bit: RFC 6152 allows 8-bit data only over a declared BODY=8BITMIME
    message.set_content(body, charset="utf-8", cte="base64")
    message.add_attachment(
        attachment.read_bytes(), maintype="application", subtype="pdf", filename=attachment.name
    )
    return message


def send_invoice_email(
    smtp: SmtpSettings,
    *,
    to: str,
    subject: str,
    body: str,
    attachment: Path,
    now: datetime | None = None,
) -> None:
    """Send the invoice; EmailInvalid for a bad address, MailFailed when delivery fails.

    `now` dates the message; without it, the product's clock (`SIFBOT_NOW` or the wall clock).
    """
    address = normalise_address(to)
    moment = now if now is not None else system_clock()
    message = build_message(smtp.sender, address, subject, body, attachment, now=moment)
    try:
        _deliver(smtp, message)
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("invoice mail to %s failed: %s", mask_email(address), type(exc).__name__)
        raise MailFailed(to=mask_email(address), reason=type(exc).__name__) from exc
    logger.info("invoice mail sent to %s", mask_email(address))


def _deliver(smtp: SmtpSettings, message: EmailMessage) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS) as client:
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        if smtp.username:
            client.login(smtp.username, smtp.password)
        refused = client.send_message(message)
    if refused:  # only some recipients refused; with one recipient smtplib raises instead
        raise smtplib.SMTPRecipientsRefused(refused)
