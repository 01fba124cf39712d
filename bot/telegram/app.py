"""Build the Telegram front end from the environment and the services: nothing runs on import.

`TELEGRAM_BOT_TOKEN` is required; `TELEGRAM_API_BASE` (python-telegram-bot's `base_url`, ending
in `/bot`) points the real library at another server, and file downloads then go to the same
host under `/file/bot` — never to the real Telegram.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.ext import Application, ApplicationBuilder

from bot.handlers.engine import Engine
from bot.handlers.services import Services
from bot.platform.ledger import EngineThread, Kinds, Ledger
from bot.platform.limits import RateLimiter
from bot.platform.sender import Notifier, Sender
from bot.telegram.handlers import PLATFORM, TelegramFrontEnd
from bot.telegram.outgoing import perform, reply_actions
from bot.telegram.transport import AiohttpRequest

CONCURRENT_CALLS = 8  # requests to Telegram in flight at once; the others wait their turn
TOKEN_SHAPE = re.compile(r"^\d+:[\w-]+$")
PTBApplication = Application[Any, Any, Any, Any, Any, Any]
KINDS = Kinds.of(PLATFORM)  # tg_update, tg_send, tg_pressed, tg_cb


class TelegramConfigError(ValueError):
    """The environment does not describe a usable bot (exit 2, one line)."""


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    api_base: str | None = None
    poll_timeout: int = 25  # seconds a getUpdates long poll may wait
    notify_interval: float = 1.0  # seconds between outbox sweeps
    rate_burst: int = 12
    rate_per_second: float = 1.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> TelegramConfig:
        env = os.environ if env is None else env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise TelegramConfigError("TELEGRAM_BOT_TOKEN is not set (the token from @BotFather)")
        if not TOKEN_SHAPE.match(token):
            raise TelegramConfigError("TELEGRAM_BOT_TOKEN does not look like 123456:ABC-...")
        base = env.get("TELEGRAM_API_BASE", "").strip() or None
        if base is not None:
            file_base_url(base)  # refuse a malformed base at start, not at the first photo
        return cls(token=token, api_base=base, **overrides)

    @property
    def file_base(self) -> str | None:
        return file_base_url(self.api_base) if self.api_base else None


def file_base_url(api_base: str) -> str:
    """http://host:8081/bot -> http://host:8081/file/bot (where the Bot API serves files)."""
    base = api_base.rstrip("/")
    if not re.match(r"^https?://[^/]+(/.*)?/bot$", base):
        raise TelegramConfigError(
            f"TELEGRAM_API_BASE must be an http(s) URL ending in /bot, got {api_base!r}")
    return base[: -len("/bot")] + "/file/bot"


def build_application(config: TelegramConfig) -> PTBApplication:
    """The real python-telegram-bot Application; updates are fetched by our runner (runner.py)."""
    builder = (ApplicationBuilder().token(config.token).updater(None)
               .request(AiohttpRequest(connections=CONCURRENT_CALLS))
               .get_updates_request(AiohttpRequest(connections=1, read_timeout=10.0)))
    if config.api_base:
        builder = builder.base_url(config.api_base).base_file_url(config.file_base or "")
    return builder.build()


@dataclass
class TelegramBot:
    """Everything the front end is made of, wired once."""

    app: PTBApplication
    front: TelegramFrontEnd
    notifier: Notifier
    sender: Sender
    ledger: Ledger
    thread: EngineThread
    config: TelegramConfig
    services: Services | None = None  # for the SLA sweep that runs beside the bot


def assemble(services: Services, engine: Engine, config: TelegramConfig,
             files_dir: Path | None = None) -> TelegramBot:
    app = build_application(config)
    thread = EngineThread()
    ledger = Ledger(services.repo, services.clock, KINDS, reply_actions)
    sender = Sender(lambda chat, action: perform(app.bot, int(chat), action), thread, ledger)
    notifier = Notifier(engine, ledger, thread, sender, f"{PLATFORM}:", _chat_of,
                        interval=config.notify_interval)
    limiter = RateLimiter(burst=config.rate_burst, per_second=config.rate_per_second)
    front = TelegramFrontEnd(app.bot, engine, ledger, thread, sender, notifier, limiter,
                             files_dir or services.files_dir)
    front.register(app)
    return TelegramBot(app, front, notifier, sender, ledger, thread, config, services)


def _chat_of(user: str) -> int | None:
    """A Telegram person's chat is their numeric id."""
    return int(user) if user.lstrip("-").isdigit() else None
