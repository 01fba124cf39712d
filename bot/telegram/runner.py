"""Fetching updates: long polling (default) or a webhook with a secret token; clean shutdown.

We fetch updates ourselves instead of PTB's Updater because the Updater confirms a batch to
Telegram (the next getUpdates offset) as soon as it is queued in memory, before any handler
ran: a crash then loses the whole batch. Here the offset moves past an update only after its
turn is stored, and the webhook answers 200 only after that, so Telegram redelivers whatever a
crash interrupted; the ledger's marks make the redelivery harmless.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from telegram import BotCommand, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.platform.lifecycle import loops_beside, run_until_signalled, sleep_unless_stopped
from bot.platform.sender import DeliveryFailed
from bot.telegram.app import TelegramBot
from bot.telegram.messages import COMMANDS, tg_text
from bot.telegram.outgoing import retry_after_seconds, with_retries

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class StartFailed(Exception):
    """Telegram refused the token or could not be reached at start (one line, exit 1)."""


@dataclass(frozen=True)
class WebhookOptions:
    url: str
    port: int
    secret: str | None = None
    host: str = "127.0.0.1"

    @property
    def path(self) -> str:
        path = urlsplit(self.url).path
        return path if path not in ("", "/") else "/telegram"


async def serve(bot: TelegramBot, stop: asyncio.Event,
                webhook: WebhookOptions | None = None,
                ready: asyncio.Future[int] | None = None) -> None:
    """Run until `stop` is set: fetch, handle, notify; then finish what is under way and close."""
    app = bot.app
    try:  # getMe: a wrong token or no way to Telegram fails here, before anything else
        await with_retries(app.initialize, "getMe")
    except (InvalidToken, DeliveryFailed) as error:
        bot.thread.close()
        raise StartFailed(f"cannot start the Telegram bot: {error or type(error).__name__}") \
            from error
    try:
        async with loops_beside(bot.notifier, bot.sender, bot.thread, bot.services, stop):
            await _set_commands(bot)
            if webhook is None:
                await _poll(bot, stop, ready)
            else:
                await _webhook(bot, stop, webhook, ready)
    finally:
        await app.shutdown()
        bot.thread.close()


def run_blocking(bot: TelegramBot, webhook: WebhookOptions | None = None) -> None:
    """The process's main loop: SIGTERM and SIGINT stop it cleanly."""
    run_until_signalled(lambda stop: serve(bot, stop, webhook))


# -- long polling -------------------------------------------------------------------------
async def _poll(bot: TelegramBot, stop: asyncio.Event, ready: asyncio.Future[int] | None) -> None:
    tg = bot.app.bot
    await with_retries(lambda: tg.delete_webhook(), "deleteWebhook")
    if ready is not None and not ready.done():
        ready.set_result(0)
    logger.info("polling Telegram as @%s", tg.username)
    offset: int | None = None
    delay = 1.0
    while not stop.is_set():
        fetch = asyncio.create_task(tg.get_updates(
            offset=offset, timeout=bot.config.poll_timeout, allowed_updates=ALLOWED_UPDATES))
        halt = asyncio.create_task(stop.wait())
        await asyncio.wait({fetch, halt}, return_when=asyncio.FIRST_COMPLETED)
        halt.cancel()
        if not fetch.done():  # stopping: nothing fetched yet, so nothing is lost
            fetch.cancel()
            with suppress(asyncio.CancelledError, TelegramError):
                await fetch
            break
        try:
            updates = fetch.result()
        except RetryAfter as error:
            await sleep_unless_stopped(stop, retry_after_seconds(error))
            continue
        except InvalidToken:
            raise
        except Conflict as error:  # another process polls with this token, or a webhook is set
            logger.error("getUpdates conflict: %s", error)
            await sleep_unless_stopped(stop, 5.0)
            continue
        except NetworkError as error:
            logger.warning("getUpdates failed: %s; again in %.0f s", error, delay)
            await sleep_unless_stopped(stop, delay)
            delay = min(delay * 2, 30.0)
            continue
        delay = 1.0
        if updates:
            await handle_batch(bot, updates)  # finished even when stop is set meanwhile
            offset = updates[-1].update_id + 1
    if offset is not None:  # confirm what was handled, so a restart does not see it again
        with suppress(TelegramError):
            await tg.get_updates(offset=offset, timeout=0, limit=1,
                                 allowed_updates=ALLOWED_UPDATES)


async def handle_batch(bot: TelegramBot, updates: list[Update] | tuple[Update, ...]) -> None:
    """Chats in parallel, each chat's updates in order (the front end's per-chat lanes)."""
    results = await asyncio.gather(*(bot.front.process(bot.app, u) for u in updates),
                                   return_exceptions=True)
    for update, result in zip(updates, results, strict=True):
        if isinstance(result, BaseException):
            logger.error("update %s failed", update.update_id, exc_info=result)


# -- webhook ------------------------------------------------------------------------------
async def _webhook(bot: TelegramBot, stop: asyncio.Event, options: WebhookOptions,
                   ready: asyncio.Future[int] | None) -> None:
    secret = options.secret or secrets.token_urlsafe(32)  # never an open endpoint

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), bot.app.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        await bot.front.process(bot.app, update)  # stored before Telegram hears 200
        return web.Response(status=200)

    server = web.Application(client_max_size=2 * 1024 * 1024)
    server.router.add_post(options.path, receive)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, options.host, options.port)
    await site.start()
    port = runner.addresses[0][1] if runner.addresses else options.port
    try:
        await with_retries(lambda: bot.app.bot.set_webhook(
            options.url, secret_token=secret, allowed_updates=ALLOWED_UPDATES), "setWebhook")
        logger.info("webhook on %s:%s%s for %s", options.host, port, options.path, options.url)
        if ready is not None and not ready.done():
            ready.set_result(port)
        await stop.wait()
    finally:
        await runner.cleanup()  # finishes requests under way, then closes


async def _set_commands(bot: TelegramBot) -> None:
    """The command menu in zh (default) and en; a failure here is not worth stopping for."""
    tg = bot.app.bot
    try:
        for lang in ("zh", "en"):
            commands = [BotCommand(name, tg_text(f"cmd.{name}", lang)) for name in COMMANDS]
            await tg.set_my_commands(commands, language_code=None if lang == "zh" else lang)
    except TelegramError as error:
        logger.warning("setMyCommands failed: %s", error)
