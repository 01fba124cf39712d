"""The object graph the conversation works with, built once by bot.bootstrap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.handlers.notify import Outbox
from core.clock import Clock
from core.i18n import Lang, normalise_lang
from core.issuance import Issuance
from core.models import Invoice
from core.settings import Settings
from core.storage.base import Repository

PROFILE_KIND = "profile"
MailSender = Callable[..., None]


@dataclass
class Services:
    settings: Settings
    repo: Repository
    issuance: Issuance
    clock: Clock
    notifier: Outbox
    files_dir: Path
    kb: Any = None  # knowledge.service.KnowledgeBase, when the knowledge base is loaded
    mail_sender: MailSender | None = None

    def users_with_role(self, role: str) -> list[str]:
        return [user for user, user_role in self.settings.roles.items() if user_role == role]

    def lang_of(self, user_key: str) -> Lang:
        profile = self.repo.get_doc(PROFILE_KIND, user_key) or {}
        return normalise_lang(profile.get("lang"))

    def remember_lang(self, user_key: str, lang: Lang) -> None:
        profile = self.repo.get_doc(PROFILE_KIND, user_key) or {}
        if profile.get("lang") != lang:
            self.repo.put_doc(PROFILE_KIND, user_key, {**profile, "lang": lang})

    def send_mail(self, *, to: str, invoice: Invoice, pdf: str) -> None:
        if self.mail_sender is None:
            from core.errors import SifError

            raise SifError("mail_failed")
        self.mail_sender(to=to, invoice=invoice, pdf=pdf)

    def placeholders(self, lang: Lang) -> dict[str, str]:
        return contact_placeholders(self.settings, lang)


def contact_placeholders(settings: Settings, lang: str) -> dict[str, str]:
    """Contact details for knowledge-base answers, in `lang`: the settings' own, else the
    knowledge base's plain "(support e-mail not configured yet)"."""
    from knowledge.service import default_placeholders

    support = settings.support
    values = {
        "support_email": support.support_email, "urgent_email": support.urgent_email,
        "complaint_email": support.complaint_email, "hotline": support.hotline,
        "overseas_hotline": support.overseas_hotline, "site_url": support.site_url,
    }
    defaults = default_placeholders(lang)
    return {key: value or defaults[key] for key, value in values.items()}
