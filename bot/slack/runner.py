"""Receiving Slack's events: Socket Mode (default) or HTTP (`/slack/events`); clean shutdown.

Both run Bolt with `process_before_response`: Slack's event is answered (HTTP 200, or the
socket envelope's ack) only after its turn is stored, so whatever a crash interrupted is
redelivered by Slack, and the ledger's marks make a redelivery harmless.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiohttp import ClientError, ClientSession, web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.platform.lifecycle import loops_beside, run_until_signalled
from bot.slack.app import SlackBot

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class StartFailed(Exception):
    """Slack refused the token or could not be reached at start (one line, exit 1)."""


@dataclass(frozen=True)
class HttpOptions:
    port: int
    host: str = "127.0.0.1"


async def serve(bot: SlackBot, stop: asyncio.Event, http: HttpOptions | None = None,
                ready: asyncio.Future[int] | None = None) -> None:
    """Run until `stop` is set: receive, handle, notify; then finish what is under way."""
    session = ClientSession()  # one for every call (slack_sdk opens one per call without it)
    bot.client.session = session
    try:
        try:  # auth.test: a wrong token or no way to Slack fails here, before anything else
            me = await bot.identity.me()
        except (SlackApiError, SlackClientError, ClientError, OSError, TimeoutError) as error:
            raise StartFailed(f"cannot start the Slack app: {_reason(error)}") from error
        bot.front.bot_user = me.get("user_id")
        async with loops_beside(bot.notifier, bot.sender, bot.thread, bot.services, stop):
            if http is None:
                await _socket_mode(bot, stop, ready)
            else:
                await _http(bot, stop, http, ready)
    finally:
        bot.thread.close()
        await session.close()


def run_blocking(bot: SlackBot, http: HttpOptions | None = None) -> None:
    """The process's main loop: SIGTERM and SIGINT stop it cleanly."""
    run_until_signalled(lambda stop: serve(bot, stop, http))


async def _socket_mode(bot: SlackBot, stop: asyncio.Event,
                       ready: asyncio.Future[int] | None) -> None:
    handler = AsyncSocketModeHandler(bot.app, bot.config.app_token, web_client=bot.client)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
    except (SlackApiError, SlackClientError, ClientError, OSError, TimeoutError) as error:
        raise StartFailed(f"cannot open a Socket Mode connection: {_reason(error)}") from error
    logger.info("connected to Slack in Socket Mode")
    if ready is not None and not ready.done():
        ready.set_result(0)
    try:
        await stop.wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


async def _http(bot: SlackBot, stop: asyncio.Event, options: HttpOptions,
                ready: asyncio.Future[int] | None) -> None:
    runner = web.AppRunner(bot.app.web_app(path=EVENTS_PATH), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, options.host, options.port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise StartFailed(f"cannot listen on {options.host}:{options.port}: {error}") from error
    port = runner.addresses[0][1] if runner.addresses else options.port
    logger.info("Slack events on http://%s:%s%s", options.host, port, EVENTS_PATH)
    if ready is not None and not ready.done():
        ready.set_result(port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()  # finishes requests under way, then closes


def _reason(error: Exception) -> str:
    if isinstance(error, SlackApiError) and error.response is not None:
        return str(error.response.get("error") or error.response.status_code)
    return str(error) or type(error).__name__
