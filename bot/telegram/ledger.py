"""What the Telegram front end keeps in the database, so that a crash loses nothing.

- `tg_update`: update ids already handled (a redelivered update is answered from here, not
  processed again);
- `tg_send`: what is still to be sent to a chat (a turn's replies, notifications), written in
  the same transaction as the update's mark and deleted once Telegram has it all;
- `tg_pressed`: messages whose buttons were used (a second press is refused);
- `tg_cb`: button ids longer than callback_data allows, by their short token.

Every method here runs where the engine runs (see `EngineThread`), one call at a time.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from bot.handlers.events import Reply
from bot.telegram.outgoing import Action, reply_actions
from core.storage.base import Repository

UPDATE_KIND = "tg_update"
SEND_KIND = "tg_send"
PRESSED_KIND = "tg_pressed"
TOKEN_KIND = "tg_cb"
KEEP_MARKS = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours

T = TypeVar("T")


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
    def __init__(self, repo: Repository, clock: Callable[[], datetime]) -> None:
        self.repo = repo
        self.clock = clock
        self._seq = itertools.count()

    # -- updates -----------------------------------------------------------------------
    def seen(self, update_id: int) -> bool:
        return self.repo.get_doc(UPDATE_KIND, str(update_id)) is not None

    def pressed(self, chat_id: int, message_id: int) -> bool:
        return self.repo.get_doc(PRESSED_KIND, f"{chat_id}:{message_id}") is not None

    def resolve(self, data: str) -> str:
        """callback_data -> the button id (a token is looked up; an unknown one stays as is)."""
        doc = self.repo.get_doc(TOKEN_KIND, data)
        return str(doc["id"]) if doc else data

    def commit_turn(self, update_id: int, chat_id: int, replies: list[Reply],
                    first: list[Action] | None = None,
                    pressed: int | None = None) -> tuple[str, dict[str, Any]] | None:
        """Mark the update handled and queue what to send, in one transaction."""
        with self.repo.transaction():
            at = self._stamp(self.clock())
            self.repo.put_doc(UPDATE_KIND, str(update_id), {"at": at})
            if pressed is not None:
                self.repo.put_doc(PRESSED_KIND, f"{chat_id}:{pressed}", {"at": at})
            return self._queue(chat_id, [*(first or []), *reply_actions(replies, self._remember)])

    def queue(self, chat_id: int, replies: list[Reply]) -> tuple[str, dict[str, Any]] | None:
        with self.repo.transaction():
            return self._queue(chat_id, reply_actions(replies, self._remember))

    def _queue(self, chat_id: int, actions: list[Action]) -> tuple[str, dict[str, Any]] | None:
        if not actions:
            return None
        key = f"{time.time_ns():020d}-{next(self._seq):06d}"
        doc = {"chat_id": chat_id, "actions": actions, "done": 0, "attempts": 0,
               "not_before": 0.0}
        self.repo.put_doc(SEND_KIND, key, doc)
        return key, doc

    def _remember(self, token: str, choice_id: str) -> None:
        if self.repo.get_doc(TOKEN_KIND, token) is None:
            self.repo.put_doc(TOKEN_KIND, token, {"id": choice_id})

    # -- sending -----------------------------------------------------------------------
    def progress(self, key: str, doc: dict[str, Any]) -> None:
        self.repo.put_doc(SEND_KIND, key, doc)

    def sent(self, keys: list[str]) -> None:
        with self.repo.transaction():
            for key in keys:
                self.repo.delete_doc(SEND_KIND, key)

    def waiting(self) -> list[tuple[str, dict[str, Any]]]:
        """Sends not finished yet whose time has come, oldest first."""
        now = time.time()
        due = [(key, doc) for key, doc in self.repo.docs(SEND_KIND)
               if doc.get("not_before", 0) <= now]
        return sorted(due, key=lambda item: item[0])

    # -- housekeeping ------------------------------------------------------------------
    @staticmethod
    def _stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).isoformat()  # UTC text compares chronologically

    def prune(self) -> int:
        """Forget update marks and pressed buttons older than Telegram could redeliver."""
        cutoff = self._stamp(self.clock() - KEEP_MARKS)
        dropped = 0
        with self.repo.transaction():
            for kind in (UPDATE_KIND, PRESSED_KIND):
                for key, doc in list(self.repo.docs(kind)):
                    if str(doc.get("at", "")) < cutoff:
                        self.repo.delete_doc(kind, key)
                        dropped += 1
        return dropped
