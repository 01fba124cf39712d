"""What a platform front end keeps in the database, so that a crash loses nothing.

Each platform has its own kinds of document (`Kinds.of("tg")`: tg_update, tg_send, ...):
- `*_update`: events already handled (a redelivered one is answered from here, not processed
  again);
- `*_send`: what is still to be sent to a chat (a turn's replies, notifications), written in
  the same transaction as the event's mark and deleted once the platform has it all;
- `*_pressed`: messages whose buttons were used (a second press is refused);
- `*_cb`: button ids longer than the platform allows, by their short token.

A chat is whatever the platform addresses a message to (Telegram's chat id, a Slack user or
channel id); an action is plain JSON that the platform's own `perform` understands.
Every method here runs where the engine runs (see `EngineThread`), one call at a time.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from bot.handlers.events import Reply
from core.storage.base import Repository

KEEP_MARKS = timedelta(days=2)  # Telegram keeps an unconfirmed update 24 hours, Slack less

T = TypeVar("T")
Action = dict[str, Any]
Chat = int | str
Remember = Callable[[str, str], None]  # (token, button id): keep a long id behind a token
ToActions = Callable[[list[Reply], Remember], list[Action]]


TOKEN_PREFIX = "~"  # button data starting with this is a stored token, not a button id


def button_data(choice_id: str, limit: int, remember: Remember) -> str:
    """What a button carries: the id itself when it fits `limit` bytes, else a short token
    (same id, same token) that `remember(token, id)` stores and `Ledger.resolve` looks up."""
    if len(choice_id.encode()) <= limit and not choice_id.startswith(TOKEN_PREFIX):
        return choice_id
    digest = hashlib.sha256(choice_id.encode()).digest()
    token = TOKEN_PREFIX + base64.urlsafe_b64encode(digest).decode()[:24]
    remember(token, choice_id)
    return token


@dataclass(frozen=True)
class Kinds:
    """The document kinds of one platform's ledger."""

    update: str
    send: str
    pressed: str
    token: str

    @classmethod
    def of(cls, platform: str) -> Kinds:
        return cls(f"{platform}_update", f"{platform}_send", f"{platform}_pressed",
                   f"{platform}_cb")


class EngineThread:
    """Where the synchronous engine and every database call run: one at a time, in order.

    Inline on the event loop by default. Measured (benchmarks/telegram.py, 2 cores): on a worker
    thread a turn took ~5 ms instead of ~0.5 ms, because each SQLite statement releases the GIL
    and getting it back from a loop busy with HTTP costs up to the switch interval; inline, a
    turn blocks the loop for its half millisecond and nothing waits on the GIL. A turn that
    renders a PDF blocks the loop for its ~100 ms, which only delays other chats' sends that
    long. `threaded=True` moves the work to one worker thread instead (one, not a pool: SQLite
    has one writer and the repository serialises transactions anyway).
    """

    def __init__(self, threaded: bool = False) -> None:
        self._pool = (ThreadPoolExecutor(max_workers=1, thread_name_prefix="sifbot-engine")
                      if threaded else None)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._pool is None:
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


class Ledger:
    def __init__(self, repo: Repository, clock: Callable[[], datetime], kinds: Kinds,
                 to_actions: ToActions) -> None:
        self.repo = repo
        self.clock = clock
        self.kinds = kinds
        self.to_actions = to_actions
        self._seq = itertools.count()

    # -- updates -----------------------------------------------------------------------
    def seen(self, update_id: int | str) -> bool:
        return self.repo.get_doc(self.kinds.update, str(update_id)) is not None

    def pressed(self, message: str) -> bool:
        """Whether the buttons of `message` ("chat:message id") were used already."""
        return self.repo.get_doc(self.kinds.pressed, message) is not None

    def resolve(self, data: str) -> str:
        """callback_data -> the button id (a token is looked up; an unknown one stays as is)."""
        doc = self.repo.get_doc(self.kinds.token, data)
        return str(doc["id"]) if doc else data

    def commit_turn(self, update_id: int | str, chat_id: Chat, replies: list[Reply],
                    first: list[Action] | None = None,
                    pressed: str | None = None) -> tuple[str, dict[str, Any]] | None:
        """Mark the update handled and queue what to send, in one transaction; `pressed` is
        the message ("chat:message id") whose buttons are now used up."""
        with self.repo.transaction():
            at = self._stamp(self.clock())
            self.repo.put_doc(self.kinds.update, str(update_id), {"at": at})
            if pressed is not None:
                self.repo.put_doc(self.kinds.pressed, pressed, {"at": at})
            return self._queue(chat_id, [*(first or []), *self.to_actions(replies,
                                                                           self._remember)])

    def queue(self, chat_id: Chat, replies: list[Reply]) -> tuple[str, dict[str, Any]] | None:
        with self.repo.transaction():
            return self._queue(chat_id, self.to_actions(replies, self._remember))

    def _queue(self, chat_id: Chat, actions: list[Action]) -> tuple[str, dict[str, Any]] | None:
        if not actions:
            return None
        key = f"{time.time_ns():020d}-{next(self._seq):06d}"
        doc = {"chat_id": chat_id, "actions": actions, "done": 0, "attempts": 0,
               "not_before": 0.0}
        self.repo.put_doc(self.kinds.send, key, doc)
        return key, doc

    def _remember(self, token: str, choice_id: str) -> None:
        if self.repo.get_doc(self.kinds.token, token) is None:
            self.repo.put_doc(self.kinds.token, token, {"id": choice_id})

    # -- sending -----------------------------------------------------------------------
    def progress(self, key: str, doc: dict[str, Any]) -> None:
        self.repo.put_doc(self.kinds.send, key, doc)

    def sent(self, keys: list[str]) -> None:
        with self.repo.transaction():
            for key in keys:
                self.repo.delete_doc(self.kinds.send, key)

    def waiting(self) -> list[tuple[str, dict[str, Any]]]:
        """Sends not finished yet whose time has come, oldest first."""
        now = time.time()
        due = [(key, doc) for key, doc in self.repo.docs(self.kinds.send)
               if doc.get("not_before", 0) <= now]
        return sorted(due, key=lambda item: item[0])

    # -- housekeeping ------------------------------------------------------------------
    @staticmethod
    def _stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).isoformat()  # UTC text compares chronologically

    def prune(self) -> int:
        """Forget update marks and pressed buttons older than the platform could redeliver."""
        cutoff = self._stamp(self.clock() - KEEP_MARKS)
        dropped = 0
        with self.repo.transaction():
            for kind in (self.kinds.update, self.kinds.pressed):
                for key, doc in list(self.repo.docs(kind)):
                    if str(doc.get("at", "")) < cutoff:
                        self.repo.delete_doc(kind, key)
                        dropped += 1
        return dropped
