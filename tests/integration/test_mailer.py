"""E-mail delivery against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from core.clock import CHINA
from core.mailer import EmailInvalid, MailFailed, mask_email, send_invoice_email
from core.models import Buyer, BuyerKind, InvoiceData, InvoiceType, Line
from core.pdf import render_invoice_pdf
from core.settings import SellerSettings, SmtpSettings

NUMBER = "26112000000000000042"
SUBJECT = f"您的电子发票（增值税专用发票）{NUMBER} — 华为技术有限公司"
BODY = "您好，附件是您申请的电子发票，请查收。\nSif 开票服务"


class RecordingHandler:
    """Accepts every message and keeps its envelope; refuses recipients in `refuse`."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.envelopes: list[Envelope] = []
        self.refuse = refuse

    async def handle_RCPT(
        self,
        server: Any,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class LoopbackController(Controller):
    """aiosmtpd's Controller on port 0: learns the port it got before its start-up probe."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class Credentials:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(
        self, server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.seen.append((login, password))
        return AuthResult(success=(login, password) == ("invoices", "s3cret"), handled=False)


def start(handler: RecordingHandler, **smtp_options: Any) -> LoopbackController:
    controller = LoopbackController(handler, hostname="127.0.0.1", port=0, **smtp_options)
    controller.start()
    return controller


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler(refuse=("gone@example.com",))


@pytest.fixture
def server(handler: RecordingHandler) -> Iterator[LoopbackController]:
    controller = start(handler)
    yield controller
    controller.stop()


@pytest.fixture(scope="module")
def invoice_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    line = Line(
        name="软件开发服务",
        category="信息技术服务",
        unit="项",
        quantity=Decimal(1),
        unit_price=Decimal("10600"),
        tax_rate="6%",
        amount=Decimal("10000.00"),
        tax=Decimal("600.00"),
    )
    data = InvoiceData(
        invoice_type=InvoiceType.SPECIAL,
        prices_include_tax=True,
        lines=[line],
        buyer=Buyer(
            kind=BuyerKind.ORGANISATION, name="华为技术有限公司", tax_id="914403001922038216"
        ),
    )
    path = tmp_path_factory.mktemp("mail") / f"发票{NUMBER}.pdf"
    return render_invoice_pdf(
        data,
        SellerSettings(),
        number=NUMBER,
        issued_at=datetime(2026, 3, 2, 10, 30, tzinfo=CHINA),
        kind="blue",
        preview=False,
        path=path,
    )


def settings_for(controller: LoopbackController, **overrides: Any) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1", port=controller.port, sender="invoices@sif.example", **overrides
    )


def send(
    smtp: SmtpSettings,
    attachment: Path,
    to: str = "li.na@example.com",
    now: datetime | None = None,
) -> None:
    send_invoice_email(smtp, to=to, subject=SUBJECT, body=BODY, attachment=attachment, now=now)


def received(handler: RecordingHandler) -> EmailMessage:
    assert len(handler.envelopes) == 1
    content = handler.envelopes[0].original_content or b""
    message = message_from_bytes(content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


# --- delivery -------------------------------------------------------------------------------


def test_invoice_mail_reaches_the_recipient_with_subject_body_and_pdf(
    server: LoopbackController, handler: RecordingHandler, invoice_pdf: Path
) -> None:
    send(settings_for(server), invoice_pdf)
    envelope = handler.envelopes[0] if handler.envelopes else None
    assert envelope is not None
    assert envelope.rcpt_tos == ["li.na@example.com"]
    assert envelope.mail_from == "invoices@sif.example"
    message = received(handler)
    assert message["Subject"] == SUBJECT
    assert message["To"] == "li.na@example.com"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content().replace("\r\n", "\n").strip() == BODY
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    pdf = attachments[0]
    assert isinstance(pdf, EmailMessage)
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == invoice_pdf.name
    assert pdf.get_content() == invoice_pdf.read_bytes()


def test_subject_header_is_utf8_encoded_on_the_wire(
    server: LoopbackController, handler: RecordingHandler, invoice_pdf: Path
) -> None:
    send(settings_for(server), invoice_pdf)
    raw = handler.envelopes[0].original_content or b""
    header = next(line for line in raw.split(b"\r\n") if line.startswith(b"Subject:"))
    assert b"=?utf-8?" in header.lower()


def test_the_message_is_seven_bit_so_the_server_need_not_offer_8bitmime(
    server: LoopbackController, handler: RecordingHandler, invoice_pdf: Path
) -> None:
    send(settings_for(server), invoice_pdf)
    envelope = handler.envelopes[0]
    raw = envelope.original_content or b""
    assert max(raw) < 128, "8-bit data on the wire"
    assert not any(option.upper().startswith("BODY=") for option in envelope.mail_options)
    body = received(handler).get_body(preferencelist=("plain",))
    assert body is not None
    assert body["Content-Transfer-Encoding"] in ("base64", "quoted-printable")
    assert body.get_content().replace("\r\n", "\n").strip() == BODY


def test_the_date_header_is_the_products_clock_under_sifbot_now(
    server: LoopbackController,
    handler: RecordingHandler,
    invoice_pdf: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SIFBOT_NOW", "2026-03-02T10:05:00+08:00")
    send(settings_for(server), invoice_pdf)
    sent = parsedate_to_datetime(received(handler)["Date"])
    assert sent == datetime(2026, 3, 2, 10, 5, tzinfo=CHINA)


def test_the_date_header_is_the_instant_given(
    server: LoopbackController, handler: RecordingHandler, invoice_pdf: Path
) -> None:
    now = datetime(2026, 4, 10, 9, 0, tzinfo=CHINA)
    send(settings_for(server), invoice_pdf, now=now)
    assert parsedate_to_datetime(received(handler)["Date"]) == now


def test_full_width_address_typed_in_chinese_is_normalised(
    server: LoopbackController, handler: RecordingHandler, invoice_pdf: Path
) -> None:
    send(settings_for(server), invoice_pdf, to=" li.na＠example．com ")
    assert handler.envelopes[0].rcpt_tos == ["li.na@example.com"]


def test_login_is_used_when_a_username_is_configured(invoice_pdf: Path) -> None:
    handler, credentials = RecordingHandler(), Credentials()
    controller = start(handler, authenticator=credentials, auth_require_tls=False)
    try:
        send(settings_for(controller, username="invoices", password="s3cret"), invoice_pdf)
    finally:
        controller.stop()
    assert credentials.seen == [("invoices", "s3cret")]
    assert len(handler.envelopes) == 1


# --- failures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "",
        "li.na",
        "li.na@",
        "@example.com",
        "li na@example.com",
        "li.na@example",
        "li.na@example.com\r\nBcc: x@evil.com",
    ],
)
def test_an_invalid_address_is_refused_before_connecting(address: str, invoice_pdf: Path) -> None:
    with pytest.raises(EmailInvalid) as raised:
        send(SmtpSettings(host="127.0.0.1", port=1), invoice_pdf, to=address)
    assert raised.value.code == "email_invalid" and raised.value.user_error


def test_a_refused_recipient_raises_mail_failed(
    server: LoopbackController, handler: RecordingHandler, invoice_pdf: Path
) -> None:
    with pytest.raises(MailFailed) as raised:
        send(settings_for(server), invoice_pdf, to="gone@example.com")
    assert raised.value.code == "mail_failed" and not raised.value.user_error
    assert handler.envelopes == []


def test_an_unreachable_server_raises_mail_failed(invoice_pdf: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(MailFailed) as raised:
        send(SmtpSettings(host="127.0.0.1", port=port), invoice_pdf)
    assert raised.value.code == "mail_failed"


def test_starttls_on_a_server_without_it_raises_mail_failed(
    server: LoopbackController, handler: RecordingHandler, invoice_pdf: Path
) -> None:
    with pytest.raises(MailFailed):
        send(settings_for(server, starttls=True), invoice_pdf)
    assert handler.envelopes == []


def test_wrong_credentials_raise_mail_failed(invoice_pdf: Path) -> None:
    controller = start(RecordingHandler(), authenticator=Credentials(), auth_require_tls=False)
    try:
        with pytest.raises(MailFailed):
            send(settings_for(controller, username="invoices", password="wrong"), invoice_pdf)
    finally:
        controller.stop()


# --- privacy --------------------------------------------------------------------------------


def test_logs_and_errors_carry_the_address_masked(
    server: LoopbackController, invoice_pdf: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="core.mailer")
    send(settings_for(server), invoice_pdf)
    with pytest.raises(MailFailed) as raised:
        send(settings_for(server), invoice_pdf, to="gone@example.com")
    assert "l***@example.com" in caplog.text and "g***@example.com" in caplog.text
    assert "li.na@" not in caplog.text and "gone@" not in caplog.text
    assert "gone@" not in str(raised.value)


def test_mask_email_keeps_the_first_letter_and_the_domain() -> None:
    assert mask_email("li.na@example.com") == "l***@example.com"
    assert mask_email("nonsense") == "n***"
