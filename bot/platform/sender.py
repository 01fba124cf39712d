"""Getting queued sends to a platform: one chat at a time in order, a failed send tried again.

`Sender` plays a `*_send` document (see ledger.py) through the platform's `perform` and deletes
it when the platform has it all; `Notifier` is the loop that moves the durable outbox of the
platform's people (approvals, rejections, PDFs, ticket replies, staff notices) into sends, and
retries sends left over by a failure or a crash.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Hashable
from contextlib import asynccontextmanager, suppress
from typing import Any

from bot.handlers.engine import Engine
from bot.platform.ledger import Action, Chat, EngineThread, Ledger

logger = logging.getLogger(__name__)

PRUNE_EVERY = 600.0  # seconds
RETRY_CAP = 300.0  # seconds: the longest wait before a failed send is tried again
FINISHED_MEMORY = 10_000  # sent keys remembered, so a sweep that read one late skips it
# Actions after which progress is not worth a write: doing them again is harmless (Telegram's
# "edit" and Slack's "update" of a pressed message).
QUIET_OPS = ("edit", "update")

Perform = Callable[[Chat, Action], Awaitable[None]]  # one action, retried; DeliveryFailed if not
ChatOf = Callable[[str], Chat | None]  # the platform-local part of a person's key -> a chat


class DeliveryFailed(Exception):
    """The platform could not be reached after every retry: try the whole action again later."""


class KeyedLocks:
    """One asyncio lock per key (a chat), forgotten when nobody holds or waits for it.

    Waiters are served first come, first served, so a chat's events keep their order."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, list[int]]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[key]


class Sender:
    def __init__(self, perform: Perform, thread: EngineThread, ledger: Ledger) -> None:
        self.perform = perform
        self.thread = thread
        self.ledger = ledger
        self.chats = KeyedLocks()
        self._inflight: set[str] = set()
        self._finished: dict[str, None] = {}  # recent keys sent in full (insertion ordered)
        self._to_forget: list[str] = []
        self._forgetting: asyncio.Task[None] | None = None

    def busy(self, key: str) -> bool:
        """Being sent now, or sent already (a sweep may have read it just before)."""
        return key in self._inflight or key in self._finished

    async def deliver(self, key: str, doc: dict[str, Any]) -> None:
        """Send what is left of one queued document, in order; forget it once all is sent."""
        if self.busy(key):
            return
        self._inflight.add(key)
        try:
            async with self.chats.hold(doc["chat_id"]):
                await self._play(key, doc)
        finally:
            self._inflight.discard(key)

    async def _play(self, key: str, doc: dict[str, Any]) -> None:
        actions: list[dict[str, Any]] = doc["actions"]
        while doc["done"] < len(actions):
            try:
                await self.perform(doc["chat_id"], actions[doc["done"]])
            except DeliveryFailed as error:
                doc["attempts"] = int(doc.get("attempts", 0)) + 1
                wait = min(2.0 ** doc["attempts"], RETRY_CAP)
                doc["not_before"] = time.time() + wait
                logger.warning("could not deliver to chat %s (%s); again in %.0f s",
                               doc["chat_id"], error, wait)
                await self.thread.run(self.ledger.progress, key, doc)
                return
            doc["done"] += 1
            if doc["done"] < len(actions) and actions[doc["done"] - 1]["op"] not in QUIET_OPS:
                await self.thread.run(self.ledger.progress, key, doc)  # a crash resends the rest
        self._finished[key] = None
        while len(self._finished) > FINISHED_MEMORY:
            del self._finished[next(iter(self._finished))]
        self._forget(key)

    def _forget(self, key: str) -> None:
        """Delete sent documents in batches: one trip to the engine thread for many sends."""
        self._to_forget.append(key)
        if self._forgetting is None or self._forgetting.done():
            self._forgetting = asyncio.create_task(self._forget_all())

    async def _forget_all(self) -> None:
        while self._to_forget:
            keys, self._to_forget = self._to_forget, []
            await self.thread.run(self.ledger.sent, keys)

    async def flush(self) -> None:
        """At shutdown: the deletions still pending (else a restart would send them again)."""
        if self._forgetting is not None:
            await self._forgetting


class Notifier:
    """Every `interval` seconds, or at once when kicked (after each update), deliver outboxes:
    those of people whose key starts with `prefix` ("tg:"), to the chat `chat_of` names."""

    def __init__(self, engine: Engine, ledger: Ledger, thread: EngineThread, sender: Sender,
                 prefix: str, chat_of: ChatOf, interval: float = 1.0) -> None:
        self.engine = engine
        self.prefix = prefix
        self.chat_of = chat_of
        self.ledger = ledger
        self.thread = thread
        self.sender = sender
        self.interval = interval
        self._kicked = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    def kick(self) -> None:
        self._kicked.set()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Run a send in the background, tracked so that shutdown waits for it briefly."""
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    async def run(self, stop: asyncio.Event) -> None:
        pruned = swept = 0.0
        while not stop.is_set():
            self._kicked.clear()
            try:
                leftovers = time.monotonic() - swept >= self.interval
                await self.sweep(leftovers)
                swept = time.monotonic() if leftovers else swept
                if time.monotonic() - pruned > PRUNE_EVERY:
                    dropped = await self.thread.run(self.ledger.prune)
                    pruned = time.monotonic()
                    logger.debug("pruned %d old update marks", dropped)
            except Exception:  # the loop must outlive one bad sweep
                logger.exception("notifier sweep failed")
            await _first_of(self._kicked, stop, timeout=self.interval)

    async def sweep(self, leftovers: bool = True) -> None:
        """Outboxes into sends and out; with `leftovers`, also sends that failed or were cut
        short by a crash (not on every kick: a turn's own sends are under way already)."""
        for key, doc in await self.thread.run(self._collect, leftovers):
            if not self.sender.busy(key):
                self.spawn(self.sender.deliver(key, doc))

    def _collect(self, leftovers: bool) -> list[tuple[str, dict[str, Any]]]:
        """On the engine thread: each waiting outbox of this platform becomes a send,
        atomically."""
        repo = self.ledger.repo
        fresh: list[tuple[str, dict[str, Any]]] = []
        for user_key in self.engine.services.notifier.pending_users():
            if not user_key.startswith(self.prefix):
                continue
            chat = self.chat_of(user_key.removeprefix(self.prefix))
            if chat is None:
                continue
            with repo.transaction():
                queued = self.ledger.queue(chat, self.engine.deliver_pending(user_key))
            if queued is not None and not leftovers:
                fresh.append(queued)
        return self.ledger.waiting() if leftovers else fresh

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("delivery failed", exc_info=task.exception())

    async def drain(self, timeout: float) -> None:
        """At shutdown: let sends under way finish for a moment, then leave them queued."""
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in pending:
                task.cancel()
            with suppress(asyncio.CancelledError):
                await asyncio.gather(*pending, return_exceptions=True)


async def _first_of(event: asyncio.Event, stop: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.create_task(event.wait()), asyncio.create_task(stop.wait())]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
