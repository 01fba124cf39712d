"""E-mail delivery of an issued invoice: one message with the PDF attached, over SMTP.

Addresses are personal data: logs and error parameters carry them masked (a***@example.com).
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import unicodedata
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

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


def build_message(sender: str, to: str, subject: str, body: str, attachment: Path) -> EmailMessage:
    """A UTF-8 text message with the invoice PDF attached as application/pdf."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = " ".join(subject.split())  # no line breaks may reach a header
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body, charset="utf-8")
    message.add_attachment(
        attachment.read_bytes(), maintype="application", subtype="pdf", filename=attachment.name
    )
    return message


def send_invoice_email(
    smtp: SmtpSettings, *, to: str, subject: str, body: str, attachment: Path
) -> None:
    """Send the invoice; EmailInvalid for a bad address, MailFailed when delivery fails."""
    address = normalise_address(to)
    message = build_message(smtp.sender, address, subject, body, attachment)
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
