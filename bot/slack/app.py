"""Build the Slack front end from the environment and the services: nothing runs on import.

`SLACK_BOT_TOKEN` (xoxb-) is always needed; Socket Mode (the default) needs `SLACK_APP_TOKEN`
(xapp-), HTTP mode `SLACK_SIGNING_SECRET`. `SLACK_API_BASE` (slack_sdk's `base_url`, e.g.
`http://127.0.0.1:8082/api/`) points the real client libraries at another server, and files
people send are then fetched from that host only — never from the real Slack.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.handlers.engine import Engine
from bot.handlers.services import Services
from bot.platform.ledger import EngineThread, Kinds, Ledger
from bot.platform.limits import RateLimiter
from bot.platform.sender import Notifier, Sender
from bot.slack.handlers import PLATFORM, SlackFrontEnd
from bot.slack.outgoing import SlackOut, reply_actions
from bot.slack.people import People

KINDS = Kinds.of(PLATFORM)  # slack_update, slack_send, slack_pressed, slack_cb
SLACK_FILE_HOSTS = ("files.slack.com",)
SLACK_ID = re.compile(r"^[UWCGD][A-Z0-9]{2,20}$")


class SlackConfigError(ValueError):
    """The environment does not describe a usable Slack app (exit 2, one line)."""


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str
    app_token: str | None = None  # Socket Mode
    signing_secret: str | None = None  # HTTP mode
    api_base: str | None = None
    notify_interval: float = 1.0  # seconds between outbox sweeps
    rate_burst: int = 12
    rate_per_second: float = 1.0

    @classmethod
    def from_env(cls, http: bool, env: Mapping[str, str] | None = None,
                 **overrides: Any) -> SlackConfig:
        env = os.environ if env is None else env
        bot_token = env.get("SLACK_BOT_TOKEN", "").strip()
        if not bot_token:
            raise SlackConfigError("SLACK_BOT_TOKEN is not set (the app's Bot User OAuth Token)")
        if not bot_token.startswith("xoxb-"):
            raise SlackConfigError("SLACK_BOT_TOKEN must be a bot token (xoxb-...)")
        app_token = env.get("SLACK_APP_TOKEN", "").strip() or None
        secret = env.get("SLACK_SIGNING_SECRET", "").strip() or None
        if http and not secret:
            raise SlackConfigError("--http needs SLACK_SIGNING_SECRET (Basic Information > "
                                   "App Credentials)")
        if not http and not app_token:
            raise SlackConfigError("Socket Mode needs SLACK_APP_TOKEN (xapp-...); or run with "
                                   "--http and SLACK_SIGNING_SECRET")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise SlackConfigError("SLACK_APP_TOKEN must be an app-level token (xapp-...)")
        base = env.get("SLACK_API_BASE", "").strip() or None
        if base is not None:
            if not re.match(r"^https?://[^/]+/", base + ("/" if not base.endswith("/") else "")):
                raise SlackConfigError(f"SLACK_API_BASE must be an http(s) URL, got {base!r}")
            base = base if base.endswith("/") else base + "/"
            if not urlsplit(base).hostname:
                raise SlackConfigError(f"SLACK_API_BASE has no host: {base!r}")
        return cls(bot_token=bot_token, app_token=app_token if not http else None,
                   signing_secret=secret if http else None, api_base=base, **overrides)

    @property
    def file_hosts(self) -> tuple[str, ...]:
        """Where files people send may be fetched from (with the bot token)."""
        if self.api_base:
            return (urlsplit(self.api_base).hostname or "",)
        return SLACK_FILE_HOSTS


def build_client(config: SlackConfig, token: str | None) -> AsyncWebClient:
    """The real slack_sdk client, retrying 429s (after Retry-After), 5xx and lost connections.
    Its HTTP session is set by the runner (one for every call, not one per call)."""
    kwargs: dict[str, Any] = {"base_url": config.api_base} if config.api_base else {}
    return AsyncWebClient(token=token, timeout=30, retry_handlers=[
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ], **kwargs)


class Identity:
    """Who the bot is (auth.test), asked once: the start-up check and Bolt's authorization of
    every request share the answer, so a burst of first events makes one call, not one each."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._me: dict[str, Any] | None = None
        self._lock = asyncio.Lock()

    async def me(self) -> dict[str, Any]:
        async with self._lock:
            if self._me is None:
                self._me = dict((await self.client.auth_test()).data)  # type: ignore[arg-type]
            return self._me

    def authorizer(self) -> Callable[..., Awaitable[AuthorizeResult]]:
        """Bolt's `authorize` (a plain function: Bolt passes arguments by their names)."""
        async def authorize(enterprise_id: str | None = None,
                            team_id: str | None = None) -> AuthorizeResult:
            me = await self.me()
            return AuthorizeResult(enterprise_id=enterprise_id,
                                   team_id=me.get("team_id") or team_id,
                                   bot_user_id=me.get("user_id"), bot_id=me.get("bot_id"),
                                   bot_token=self.client.token)
        return authorize


@dataclass
class SlackBot:
    """Everything the front end is made of, wired once."""

    app: AsyncApp
    client: AsyncWebClient
    identity: Identity
    front: SlackFrontEnd
    notifier: Notifier
    sender: Sender
    ledger: Ledger
    thread: EngineThread
    config: SlackConfig
    services: Services | None = None  # for the SLA sweep that runs beside the bot


def assemble(services: Services, engine: Engine, config: SlackConfig,
             files_dir: Path | None = None) -> SlackBot:
    client = build_client(config, config.bot_token)
    identity = Identity(client)
    # process_before_response: Slack hears 200 only once the turn is stored, so an event cut
    # short by a crash is redelivered (and the ledger makes the redelivery harmless).
    # Socket Mode has no signatures to check (the socket is the app token's own). Bolt's own
    # client has no token: `identity.authorizer()` gives it the bot's for each request.
    app = AsyncApp(client=build_client(config, None), authorize=identity.authorizer(),
                   signing_secret=config.signing_secret or "", process_before_response=True,
                   request_verification_enabled=config.signing_secret is not None)
    thread = EngineThread()
    ledger = Ledger(services.repo, services.clock, KINDS, reply_actions)
    out = SlackOut(client)
    sender = Sender(out.perform, thread, ledger)
    notifier = Notifier(engine, ledger, thread, sender, f"{PLATFORM}:", _chat_of,
                        interval=config.notify_interval)
    limiter = RateLimiter(burst=config.rate_burst, per_second=config.rate_per_second)
    front = SlackFrontEnd(engine, ledger, thread, sender, notifier, limiter, out,
                          People(client), files_dir or services.files_dir, config.bot_token,
                          config.file_hosts)
    front.register(app)
    return SlackBot(app, client, identity, front, notifier, sender, ledger, thread, config,
                    services)


def _chat_of(person: str) -> str | None:
    """A Slack person or channel (the support channel) is addressed by its id."""
    return person if SLACK_ID.match(person) else None
