"""The notifier port: tell someone something outside their own conversation turn.

The outbox keeps notifications in the database (in the same transaction as the change that
caused them); each front end delivers a person's outbox on its own platform.
"""

from __future__ import annotations

from typing import Protocol

from bot.handlers.events import Reply
from core.storage.base import Repository

OUTBOX_KIND = "outbox"


class Notifier(Protocol):
    def notify(self, user_key: str, replies: list[Reply]) -> None: ...


class Outbox:
    """A durable notifier: queued per person, drained by whichever front end serves them."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def notify(self, user_key: str, replies: list[Reply]) -> None:
        with self.repo.transaction():
            queued = self.repo.get_doc(OUTBOX_KIND, user_key) or {"replies": []}
            queued["replies"].extend(reply.model_dump() for reply in replies)
            self.repo.put_doc(OUTBOX_KIND, user_key, queued)

    def drain(self, user_key: str) -> list[Reply]:
        if self.repo.get_doc(OUTBOX_KIND, user_key) is None:
            return []  # the usual case: no write lock taken
        with self.repo.transaction():
            queued = self.repo.get_doc(OUTBOX_KIND, user_key)
            if not queued:
                return []
            self.repo.delete_doc(OUTBOX_KIND, user_key)
        return [Reply.model_validate(item) for item in queued["replies"]]

    def pending_users(self) -> list[str]:
        return [key for key, _ in self.repo.docs(OUTBOX_KIND)]
