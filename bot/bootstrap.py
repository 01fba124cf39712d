"""Build the object graph from settings: nothing connects to anything at import time."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from bot.handlers.engine import Engine
from bot.handlers.notify import Outbox
from bot.handlers.registry import build_engine
from bot.handlers.services import Services
from core.clock import system_clock
from core.issuance import Issuance
from core.models import Invoice
from core.settings import Settings, load_settings, settings_path
from core.storage import open_repository

logger = logging.getLogger(__name__)
PACKAGE_KB = Path(__file__).resolve().parent.parent / "knowledge" / "faq"


def db_path(explicit: str | None) -> Path:
    return Path(explicit or os.environ.get("SIFBOT_DB") or "sifbot.db")


def kb_path(explicit: str | None) -> Path:
    return Path(explicit) if explicit else PACKAGE_KB


def load(config: str | None) -> Settings:
    return load_settings(settings_path(config))


def build_services(settings: Settings, db: Path, kb: Path | None,
                   files_dir: Path | None = None) -> Services:
    repo = open_repository(db)
    knowledge = None
    if kb is not None:
        from knowledge.questions_log import SqliteQuestionLog
        from knowledge.service import KnowledgeBase

        knowledge = KnowledgeBase(kb, log=SqliteQuestionLog(db, database=repo.db))
    files = files_dir or db.resolve().parent / "sifbot-files"
    services = Services(
        settings=settings, repo=repo, issuance=Issuance(repo, settings, system_clock),
        clock=system_clock, notifier=Outbox(repo), files_dir=files, kb=knowledge,
    )
    services.mail_sender = _mailer(settings)
    return services


def _mailer(settings: Settings):  # type: ignore[no-untyped-def]
    def send(*, to: str, invoice: Invoice, pdf: str) -> None:
        from core.mailer import send_invoice_email

        subject = f"发票 Invoice {invoice.number}"
        body = (f"您好，附件是发票 {invoice.number} 的 PDF。\n"
                f"Please find attached the PDF of invoice {invoice.number}.")
        send_invoice_email(settings.smtp, to=to, subject=subject, body=body,
                           attachment=Path(pdf))
    return send


def build(config: str | None, db: str | None, kb: str | None) -> tuple[Services, Engine]:
    services = build_services(load(config), db_path(db), kb_path(kb))
    return services, build_engine(services)
