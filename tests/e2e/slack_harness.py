"""The real Slack front end (slack_bolt's AsyncApp, slack_sdk's client) against FakeSlack.

`running_slack()` builds the whole object graph on a temp database and runs `serve()` in the
test's event loop, in Socket Mode or HTTP mode; `say/press` push an event to the fake and wait
until Slack got its answer (the turn is stored then) and everything the turn queued is sent,
returning the Web API calls the turn made.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.handlers.engine import Engine
from bot.handlers.services import Services
from bot.handlers.state import load_state
from bot.slack.app import KINDS, SlackBot, SlackConfig, assemble
from bot.slack.runner import HttpOptions, serve
from tests.e2e.fake_slack import Call, FakeSlack
from tests.e2e.serving import listening, services_on

ROOT = Path(__file__).resolve().parents[2]
EMPLOYEE, FINANCE, AGENT, ENGLISH = "U0EMP0001", "U0FIN0001", "U0AGT0001", "U0ENG0001"
SUPPORT = "C0SUPPORT1"
ROLES = {f"slack:{FINANCE}": "finance", f"slack:{AGENT}": "agent", "shell:agent": "agent"}
SETTINGS = {"roles": ROLES, "support": {"channel": SUPPORT},
            "issuance": {"employee_requires_review": True}}
QUIET_METHODS = ("users.info", "auth.test", "apps.connections.open")


@dataclass
class SlackHarness:
    fake: FakeSlack
    services: Services
    engine: Engine
    bot: SlackBot
    db: Path

    # -- talking -----------------------------------------------------------------------
    async def turn(self, push: Callable[[], str], timeout: float = 30.0) -> list[Call]:
        """Push one event; wait until Slack has its answer and all it queued is sent; the
        calls the bot made meanwhile (look-ups left out)."""
        before = len(self.fake.calls)
        key = push()
        status = await asyncio.to_thread(self.fake.wait_delivered, key, timeout)
        assert status == 200, f"Slack got {status} for {key}"
        await self.quiet(timeout)
        return [c for c in self.fake.calls[before:] if c.method not in QUIET_METHODS]

    async def say(self, text: str, user: str = EMPLOYEE) -> list[Call]:
        return await self.turn(lambda: self.fake.push_message(user, text))

    async def press(self, choice_id: str, user: str = EMPLOYEE) -> list[Call]:
        """Press the button carrying `choice_id` on the latest message to `user` that has it."""
        call, action_id = self.button(choice_id, user)
        return await self.turn(lambda: self.fake.push_action(user, call, action_id))

    def button(self, choice_id: str, user: str = EMPLOYEE) -> tuple[Call, str]:
        for call in reversed(self.fake.of("chat.postMessage")):
            if call["channel"] not in (user, self.fake.dm_channel(user)):
                continue
            for _label, action_id, value in call.buttons:
                if value == choice_id:
                    return call, action_id
        raise AssertionError(f"no message to {user} offers {choice_id!r}")

    async def quiet(self, timeout: float = 30.0) -> None:
        """Wait until nothing is queued or being sent (the notifier's deliveries included)."""
        deadline = time.monotonic() + timeout
        while await asyncio.to_thread(self._busy):
            if time.monotonic() > deadline:
                raise AssertionError("sends still queued")
            await asyncio.sleep(0.02)

    def _busy(self) -> bool:
        return bool(list(self.services.repo.docs(KINDS.send)) or self.bot.sender._inflight)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 15.0,
                       where: Callable[[Call], bool] | None = None) -> list[Call]:
        """FakeSlack.wait_for off the event loop (the bot runs on it meanwhile)."""
        return await asyncio.to_thread(self.fake.wait_for, method, count, timeout, where)

    # -- looking -----------------------------------------------------------------------
    def history(self, user: str = EMPLOYEE) -> list[dict[str, str]]:
        return load_state(self.services.repo, f"slack:{user}").history

    def step(self, user: str = EMPLOYEE) -> str | None:
        return load_state(self.services.repo, f"slack:{user}").step


def slack_sifbot_env(fake: FakeSlack, tmp: Path) -> dict[str, str]:
    """The environment of `sifbot` run as a process: the fake's Slack variables, the same
    roles and support channel as the in-process bot, a database in `tmp`."""
    config = tmp / "sifbot.toml"
    config.write_text("[roles]\n" + "".join(f'"{u}" = "{r}"\n' for u, r in ROLES.items())
                      + f'[support]\nchannel = "{SUPPORT}"\n'
                      + "[issuance]\nemployee_requires_review = true\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "SIFBOT_", "SLACK_"))}
    return {**env, **fake.env(), "SIFBOT_DB": str(tmp / "sifbot.db"),
            "SIFBOT_CONFIG": str(config), "PYTHONPATH": str(ROOT)}


def posted(calls: list[Call], to: str | None = None) -> list[str]:
    """What people read in the messages the bot posted (to one person or channel)."""
    return [c.block_text for c in calls if c.method == "chat.postMessage"
            and (to is None or c["channel"] == to)]



@asynccontextmanager
async def running_slack(fake: FakeSlack, tmp: Path, **config: Any) -> AsyncIterator[SlackHarness]:
    for user, locale in ((EMPLOYEE, "zh-CN"), (FINANCE, "zh-CN"), (AGENT, "zh-CN"),
                         (ENGLISH, "en-US")):
        fake.add_user(user, locale=locale)
    db = tmp / "sifbot.db"
    services, engine = services_on(db, tmp / "files", SETTINGS)
    http = fake.mode == "http"
    bot = assemble(services, engine, SlackConfig.from_env(
        http, fake.env(), **{"notify_interval": 0.2, **config}))
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(bot, stop, HttpOptions(port=0) if http else None, ready))
    port = await listening(task, ready)
    if http:
        fake.request_url = f"http://127.0.0.1:{port}/slack/events"
    try:
        yield SlackHarness(fake, services, engine, bot, db)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=20)
        services.repo.close()  # type: ignore[attr-defined]
