"""Slack events -> neutral inbound events -> the engine -> queued sends. Only translation.

A person's conversation lives in their direct messages with the bot: a message there, a
mention in a channel or `/sif` all run a turn whose replies go to the DM, so invoice and ticket
details never land in a channel. The support channel gets the staff notices (masked by the
core); its buttons stay for every agent, and what they open goes to the presser's DM.

Each event runs once (bot.platform.turns): Slack redelivers an event it got no answer for, and
the mark stored with the turn makes that harmless. A button's message in a DM loses its buttons
once pressed, so the same choice cannot be sent twice.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.handlers.engine import Engine
from bot.handlers.events import FileRef, Inbound, Reply
from bot.platform.ledger import Action, EngineThread, Ledger
from bot.platform.limits import RateLimiter
from bot.platform.sender import KeyedLocks, Notifier, Sender
from bot.platform.turns import DONE, received_file_path, run_turn
from bot.slack.messages import slack_text
from bot.slack.outgoing import (
    ACTION_PREFIX,
    SlackOut,
    pressed_label,
    pressed_update,
    reply_actions,
)
from bot.slack.people import People
from core.i18n import Lang
from core.settings import Role

logger = logging.getLogger(__name__)

PLATFORM = "slack"
DEFAULT_ROLE: Role = "employee"  # a Slack workspace is the company's own: its people are staff
FILE_LIMIT_MB = 20
FILES_PER_MESSAGE = 5
TAKEN_SUBTYPES = (None, "file_share")  # edits, joins, bot posts ... are not a person talking
LINK = re.compile(r"<(?P<target>[^<>|]+)(?:\|(?P<label>[^<>]*))?>")


class SlackFrontEnd:
    def __init__(self, engine: Engine, ledger: Ledger, thread: EngineThread, sender: Sender,
                 notifier: Notifier, limiter: RateLimiter, out: SlackOut, people: People,
                 files_dir: Path, token: str, file_hosts: tuple[str, ...]) -> None:
        self.engine = engine
        self.ledger = ledger
        self.thread = thread
        self.sender = sender
        self.notifier = notifier
        self.limiter = limiter
        self.out = out
        self.people = people
        self.files_dir = files_dir
        self.token = token
        self.file_hosts = file_hosts
        self.bot_user: str | None = None  # learnt from auth.test at start
        self.lanes = KeyedLocks()

    def register(self, app: AsyncApp) -> None:
        app.event("message")(self.on_message)
        app.event("app_mention")(self.on_mention)
        app.action(re.compile(rf"^{ACTION_PREFIX}\d+$"))(self.on_button)
        app.command("/sif")(self.on_command)
        app.error(self.on_error)

    # -- listeners -----------------------------------------------------------------------
    async def on_message(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """A direct message (text and files); messages in channels are not for us."""
        user = event.get("user")
        if (not user or event.get("bot_id") or user == self.bot_user
                or event.get("subtype") not in TAKEN_SUBTYPES
                or event.get("channel_type") != "im"):
            return
        await self._text_turn(str(body.get("event_id") or event.get("ts")), user, event)

    async def on_mention(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """@Sif in a channel: answered in the person's DM, and told so where they asked."""
        user = event.get("user")
        if not user or event.get("bot_id") or user == self.bot_user:
            return
        said = await self._text_turn(str(body.get("event_id") or event.get("ts")), user, event)
        channel = str(event.get("channel", ""))
        if said and not channel.startswith("D"):
            await self._say_now(user, {"op": "ephemeral", "channel": channel,
                                       "text": slack_text("in_private",
                                                          await self.people.lang(user))})

    async def on_command(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        """/sif TEXT: TEXT is said in the DM; the command itself only gets a pointer there."""
        user = str(command.get("user_id", ""))
        lang = await self.people.lang(user)
        text = str(command.get("text") or "").strip()
        if not user or not text:
            await ack(text=slack_text("command_help", lang))
            return
        channel = str(command.get("channel_id") or "")
        if channel.startswith("D"):
            await ack()  # typed in the DM itself: the answer comes right there
        else:
            await ack(text=slack_text("in_private", lang))
        event = {"text": text, "channel": channel}
        await self._text_turn(f"command:{command.get('trigger_id') or user}", user, event)

    async def on_button(self, ack: AsyncAck, body: dict[str, Any],
                        action: dict[str, Any]) -> None:
        await ack()
        user = str((body.get("user") or {}).get("id", ""))
        container = body.get("container") or {}
        channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id", ""))
        message = body.get("message") or {}
        if not user:
            return
        async with self.lanes.hold(user):
            if not self._allowed(user, await self.people.lang(user), channel):
                return
            inbound = await self._inbound(user)
            in_dm = channel.startswith("D")
            label = pressed_label(message, str(action.get("action_id", "")))
            edit = (pressed_update(message, channel, label,
                                   slack_text("chosen", inbound.lang, label=label))
                    if in_dm and message.get("ts") else None)
            update_id = f"action:{channel}:{message.get('ts', '')}:{action.get('action_ts', '')}"
            result = await self.thread.run(self._press, update_id, inbound,
                                           str(action.get("value", "")), edit)
            if result == "pressed":
                await self._say_now(user, {"op": "ephemeral", "channel": channel,
                                           "text": slack_text("already_chosen", inbound.lang)})
                return
            self._finish(result)
        self.notifier.kick()

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        logger.error("Slack event failed (%s)", body.get("type"), exc_info=error)

    # -- on the engine thread ------------------------------------------------------------
    def _press(self, update_id: str, inbound: Inbound, value: str, edit: Action | None) -> Any:
        if self.ledger.seen(update_id):
            return DONE
        pressed = f"{edit['channel']}:{edit['ts']}" if edit is not None else None
        if pressed is not None and self.ledger.pressed(pressed):
            return "pressed"
        choice = inbound.model_copy(update={"choice": self.ledger.resolve(value)})
        return run_turn(self.engine, self.ledger, update_id, choice, inbound.user,
                        [edit] if edit else None, pressed)

    def _local_turn(self, update_id: str, user: str, replies: list[Reply]) -> Any:
        if self.ledger.seen(update_id):
            return DONE
        return self.ledger.commit_turn(update_id, user, replies)

    # -- helpers -------------------------------------------------------------------------
    async def _text_turn(self, update_id: str, user: str, event: dict[str, Any]) -> bool:
        """One person's words (and files) through the engine; False when refused here."""
        async with self.lanes.hold(user):
            lang = await self.people.lang(user)
            if not self._allowed(user, lang, str(event.get("channel", ""))):
                return False
            files: list[FileRef] = []
            problem = await self._download(user, event.get("files") or [], files)
            if problem:
                self._finish(await self.thread.run(
                    self._local_turn, update_id, user,
                    [Reply(text=slack_text(problem, lang, limit=FILE_LIMIT_MB))]))
                return True
            text = plain_text(str(event.get("text") or ""), self.bot_user)
            inbound = await self._inbound(user, text=text or None, files=files)
            self._finish(await self.thread.run(run_turn, self.engine, self.ledger, update_id,
                                               inbound, user))
        self.notifier.kick()  # this turn may have queued news for someone else
        return True

    def _finish(self, result: Any) -> None:
        """Send what the turn queued, in the background, in order for this person."""
        if result is not None and result != DONE:
            key, doc = result
            self.notifier.spawn(self.sender.deliver(key, doc))

    def _allowed(self, user: str, lang: Lang, channel: str) -> bool:
        """The per-person flood limit: the first refusal says so politely, later ones are quiet."""
        if self.limiter.allow(_key(user)):
            return True
        wait = self.limiter.notice_due(_key(user))
        if wait:
            text = slack_text("rate_limited", lang, seconds=wait)
            in_channel = bool(channel) and not channel.startswith("D")
            action = ({"op": "ephemeral", "channel": channel, "text": text} if in_channel
                      else reply_actions([Reply(text=text)], _no_tokens)[0])
            self.notifier.spawn(self._say_now(user, action))
        return False

    async def _say_now(self, user: str, action: Action) -> None:
        """Something the front end says outside a turn (not stored: losing it costs little)."""
        try:
            await self.out.perform(user, action)
        except Exception as error:  # a failed courtesy message is not worth more
            logger.info("could not tell %s: %s", user, type(error).__name__)

    async def _inbound(self, user: str, **event: Any) -> Inbound:
        settings = self.engine.services.settings
        return Inbound(platform=PLATFORM, user=user, lang=await self.people.lang(user),
                       role=settings.role_of(_key(user), DEFAULT_ROLE), **event)

    async def _download(self, user: str, files: list[dict[str, Any]],
                        into: list[FileRef]) -> str | None:
        """Fetch the files of a message (url_private, with the bot token) into the files folder;
        only from Slack's own file hosts, never from a URL a message merely names."""
        for item in files[:FILES_PER_MESSAGE]:
            url = str(item.get("url_private_download") or item.get("url_private") or "")
            if int(item.get("size") or 0) > FILE_LIMIT_MB * 1024 * 1024:
                return "file_too_big"
            if urlsplit(url).hostname not in self.file_hosts:
                logger.warning("file from %s on an unknown host refused", _key(user))
                return "file_failed"
            name = str(item.get("name") or item.get("title") or "file")
            target = received_file_path(self.files_dir, PLATFORM, user, str(item.get("id", "")),
                                        name)
            try:
                await _fetch(url, self.token, target, FILE_LIMIT_MB * 1024 * 1024)
            except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as error:
                logger.warning("file from %s not fetched: %s", _key(user), type(error).__name__)
                return "file_failed"
            into.append(FileRef(path=str(target), name=name, mime=str(item.get("mimetype", ""))))
        return None


async def _fetch(url: str, token: str, target: Path, limit: int) -> None:
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session, session.get(
            url, headers={"Authorization": f"Bearer {token}"}, allow_redirects=False) as answer:
        answer.raise_for_status()
        if answer.content_type == "text/html":  # Slack's sign-in page: the token was refused
            raise ValueError("a web page instead of the file")
        data = await answer.content.read(limit + 1)
        if len(data) > limit:
            raise ValueError("file over the limit")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def plain_text(text: str, bot_user: str | None) -> str:
    """Slack's message markup -> what the person typed: links to their label or address,
    the bot's own mention dropped, other mentions kept readable, &amp; &lt; &gt; undone."""
    def readable(match: re.Match[str]) -> str:
        target, label = match.group("target"), match.group("label")
        if target.startswith("#"):  # <#C123|general>
            return f"#{label}" if label else target
        if label:
            return label
        if target.startswith("!"):  # <!channel>, <!here>: said, not shouted
            return "@" + target[1:].split("^")[0]
        return target.removeprefix("mailto:")

    if bot_user:
        text = re.sub(rf"<@{re.escape(bot_user)}(?:\|[^<>]*)?>[ \t]*", "", text)
    return html.unescape(LINK.sub(readable, text)).strip()


def _no_tokens(token: str, choice_id: str) -> None:
    """A front-end notice has no buttons, so no button id needs a token."""


def _key(user: str) -> str:
    return f"{PLATFORM}:{user}"
