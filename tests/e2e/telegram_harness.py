"""The real Telegram front end (python-telegram-bot's Application) against FakeTelegram.

`running_bot()` builds the whole object graph on a temp database and runs `serve()` in the
test's event loop; `say/press/send_photo` push an update to the fake and wait until the bot has
stored it and sent everything it queued, returning the calls that turn made.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.handlers.engine import Engine
from bot.handlers.services import Services
from bot.handlers.state import load_state
from bot.telegram.app import KINDS, TelegramBot, TelegramConfig, assemble
from bot.telegram.runner import WebhookOptions, serve
from tests.e2e.fake_telegram import Call, FakeTelegram
from tests.e2e.serving import listening, services_on

ROOT = Path(__file__).resolve().parents[2]
CUSTOMER, FINANCE = 42, 99
ROLES = {f"tg:{FINANCE}": "finance", "shell:fin": "finance", "shell:agent": "agent"}
CONFIG_TOML = "[roles]\n" + "".join(f'"{user}" = "{role}"\n' for user, role in ROLES.items())


@dataclass
class Harness:
    fake: FakeTelegram
    services: Services
    engine: Engine
    bot: TelegramBot
    db: Path
    port: int = 0

    # -- talking -----------------------------------------------------------------------
    async def turn(self, push: Callable[[], int], timeout: float = 30.0) -> list[Call]:
        """Push one update; wait until it is stored and all it queued is sent; the calls the
        bot made meanwhile (polls left out)."""
        before = len(self.fake.calls)
        update_id = push()
        await self.settled(update_id, timeout)
        return [c for c in self.fake.calls[before:] if c.method != "getUpdates"]

    async def say(self, text: str, user: int = CUSTOMER, lang: str = "zh") -> list[Call]:
        return await self.turn(lambda: self.fake.push_text(user, text, lang))

    async def press(self, data: str, user: int = CUSTOMER, lang: str = "zh") -> list[Call]:
        """Press the button `data` on the latest message to `user` that shows it."""
        message = self.message_with(data, user)
        return await self.turn(lambda: self.fake.push_button(user, message, data, lang))

    def message_with(self, data: str, user: int = CUSTOMER) -> dict[str, Any]:
        for call in reversed(self.fake.of("sendMessage")):
            if call["chat_id"] == user and any(d == data for _, d in call.buttons):
                return self.fake.sent_message(call)
        raise AssertionError(f"no message to {user} offers {data!r}")

    async def settled(self, update_id: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not await asyncio.to_thread(self._settled, update_id):
            if time.monotonic() > deadline:
                raise AssertionError(f"update {update_id} not handled in {timeout}s")
            await asyncio.sleep(0.02)

    def _settled(self, update_id: int) -> bool:
        repo = self.services.repo
        return (self.bot.ledger.seen(update_id) and not list(repo.docs(KINDS.send))
                and not self.bot.sender._inflight)

    async def quiet(self, timeout: float = 30.0) -> None:
        """Wait until nothing is queued to send (the notifier's deliveries included)."""
        deadline = time.monotonic() + timeout
        while list(await asyncio.to_thread(lambda: list(self.services.repo.docs(KINDS.send)))):
            if time.monotonic() > deadline:
                raise AssertionError("sends still queued")
            await asyncio.sleep(0.02)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 15.0,
                       where: Callable[[Call], bool] | None = None) -> list[Call]:
        """FakeTelegram.wait_for off the event loop (the bot runs on it meanwhile)."""
        return await asyncio.to_thread(self.fake.wait_for, method, count, timeout, where)

    # -- looking -----------------------------------------------------------------------
    def history(self, user: int = CUSTOMER) -> list[dict[str, str]]:
        return load_state(self.services.repo, f"tg:{user}").history

    def step(self, user: int = CUSTOMER) -> str | None:
        return load_state(self.services.repo, f"tg:{user}").step


def texts(calls: list[Call], user: int | None = None) -> list[str]:
    return [c["text"] for c in calls if c.method == "sendMessage"
            and (user is None or c["chat_id"] == user)]



@asynccontextmanager
async def running_bot(fake: FakeTelegram, tmp: Path, webhook: WebhookOptions | None = None,
                      settings: dict[str, Any] | None = None,
                      **config: Any) -> AsyncIterator[Harness]:
    db = tmp / "sifbot.db"
    services, engine = services_on(db, tmp / "files", settings or {"roles": ROLES})
    options = {"poll_timeout": 1, "notify_interval": 0.2, **config}
    bot = assemble(services, engine, TelegramConfig.from_env(fake.env, **options))
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(bot, stop, webhook, ready))
    port = await listening(task, ready)
    harness = Harness(fake, services, engine, bot, db, port=port)
    try:
        yield harness
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=20)
        services.repo.close()  # type: ignore[attr-defined]


# -- the command in a process of its own ---------------------------------------------------
def sifbot_env(fake: FakeTelegram, tmp: Path) -> dict[str, str]:
    config = tmp / "sifbot.toml"
    config.write_text(CONFIG_TOML, encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "SIFBOT_", "SLACK_"))}
    return {**env, **fake.env, "SIFBOT_DB": str(tmp / "sifbot.db"),
            "SIFBOT_CONFIG": str(config), "PYTHONPATH": str(ROOT)}


# What the `sifbot` console script runs (not `-m bot.cli`: that makes a second bot.cli module).
SIFBOT = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def start_sifbot(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([*SIFBOT, *args], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run_sifbot(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SIFBOT, *args], cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
