"""Neutral replies -> Block Kit messages, and doing them with slack_sdk, retried.

A reply becomes "actions" (plain JSON, so they can wait in the database): a message (plain-text
sections, then its buttons in actions blocks), a file, or an update of the message whose button
was pressed. Text is plain_text, never mrkdwn: what a person typed ("<!channel>", "*") is shown
as typed, never turned into a mention or formatting. Rate limits (429 Retry-After), server
errors and dropped connections are retried by the client's retry handlers; when they give up,
`DeliveryFailed` makes the ledger try the action again later. A refusal no retry can fix (a
channel the bot is not in, a deleted message) is logged and skipped.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.handlers.events import Choice, Reply
from bot.platform.ledger import Action, Chat, Remember, button_data
from bot.platform.sender import DeliveryFailed
from bot.platform.text import split_text

logger = logging.getLogger(__name__)

SECTION_LIMIT = 3000  # Block Kit: a section's text
BLOCKS_PER_MESSAGE = 50
BUTTONS_PER_BLOCK = 25
MAX_BUTTONS = 100  # a message keeps room for its text; no reply of ours comes near this
LABEL_LIMIT = 75  # a button's text
VALUE_LIMIT = 2000  # a button's value
ACTION_PREFIX = "sif-"  # action_id of our buttons: sif-0, sif-1, ... (unique in a message)
TRANSIENT = {"ratelimited", "internal_error", "fatal_error", "service_unavailable",
             "request_timeout", "team_added_to_org"}


# -- blocks -------------------------------------------------------------------------------
def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def choice_blocks(choices: list[Choice], remember: Remember) -> list[dict[str, Any]]:
    """Answers first, navigation (nav:*) in a row of its own, at most 25 buttons a block."""
    if len(choices) > MAX_BUTTONS:
        logger.warning("a reply offers %d choices; the first %d are shown", len(choices),
                       MAX_BUTTONS)
        choices = choices[:MAX_BUTTONS]
    answers = [c for c in choices if not c.id.startswith("nav:")]
    navigation = [c for c in choices if c.id.startswith("nav:")]
    blocks: list[dict[str, Any]] = []
    number = 0
    for group, name in ((answers, "choices"), (navigation, "nav")):
        for start in range(0, len(group), BUTTONS_PER_BLOCK):
            elements = []
            for choice in group[start:start + BUTTONS_PER_BLOCK]:
                elements.append({"type": "button", "action_id": f"{ACTION_PREFIX}{number}",
                                 "text": _plain(choice.label[:LABEL_LIMIT] or "…"),
                                 "value": button_data(choice.id, VALUE_LIMIT, remember)})
                number += 1
            blocks.append({"type": "actions", "block_id": f"{name}-{start}",
                           "elements": elements})
    return blocks


def reply_actions(replies: list[Reply], remember: Remember) -> list[Action]:
    """Each reply: one message (more only for a very long text) with its buttons on the last,
    then its files."""
    actions: list[Action] = []
    for reply in replies:
        pieces = split_text(reply.text, SECTION_LIMIT) or (["…"] if reply.choices else [])
        buttons = choice_blocks(reply.choices, remember) if reply.choices else []
        room = BLOCKS_PER_MESSAGE - len(buttons)
        messages = [pieces[i:i + room] for i in range(0, len(pieces), room)]
        for n, sections in enumerate(messages):
            blocks = [{"type": "section", "text": _plain(piece)} for piece in sections]
            if n == len(messages) - 1:
                blocks += buttons
            actions.append({"op": "post", "text": sections[0], "blocks": blocks})
        actions.extend({"op": "file", "path": path} for path in reply.files)
    return actions


def pressed_update(message: dict[str, Any], channel: str, label: str, chosen: str) -> Action:
    """Take the buttons off a pressed message and say under it what was chosen."""
    kept = [block for block in message.get("blocks") or [] if block.get("type") != "actions"]
    kept.append({"type": "context", "elements": [_plain(chosen)]})
    return {"op": "update", "channel": channel, "ts": message.get("ts", ""),
            "text": message.get("text") or label, "blocks": kept[:BLOCKS_PER_MESSAGE]}


def pressed_label(message: dict[str, Any], action_id: str) -> str:
    """The text of the button `action_id` in `message` ("" when it is not there)."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str((element.get("text") or {}).get("text", ""))
    return ""


# -- calling Slack ------------------------------------------------------------------------
class SlackOut:
    """Plays actions with one AsyncWebClient; remembers each person's DM channel."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._dm: dict[str, str] = {}

    async def perform(self, chat: Chat, action: Action) -> None:
        """One action; a permanent refusal is logged and skipped, anything else retried later."""
        op = action["op"]
        try:
            if op == "post":
                await self.client.chat_postMessage(channel=str(chat), text=action["text"],
                                                   blocks=action["blocks"])
            elif op == "file":
                await self._upload(str(chat), Path(action["path"]))
            elif op == "update":
                await self.client.chat_update(channel=action["channel"], ts=action["ts"],
                                              text=action["text"], blocks=action["blocks"])
            elif op == "ephemeral":
                await self.client.chat_postEphemeral(channel=action["channel"],
                                                     user=str(chat), text=action["text"])
        except SlackApiError as error:
            code = str(error.response.get("error", "")) if error.response else ""
            status = error.response.status_code if error.response else 0
            if code in TRANSIENT or status >= 500:
                raise DeliveryFailed(f"{op}: {code or status}") from error
            logger.warning("Slack refused %s for %s: %s", op, chat, code or status)
        except (TimeoutError, SlackClientError, ClientError, OSError) as error:
            raise DeliveryFailed(f"{op}: {type(error).__name__}") from error

    async def dm_channel(self, chat: str) -> str:
        """A user id ("U…") -> their direct-message channel; a channel id stays as it is."""
        if not chat.startswith(("U", "W")):
            return chat
        if chat not in self._dm:
            opened = await self.client.conversations_open(users=chat)
            self._dm[chat] = str(opened["channel"]["id"])
        return self._dm[chat]

    async def _upload(self, chat: str, path: Path) -> None:
        if not path.is_file():
            logger.warning("file to send is gone: %s", path.name)
            return
        channel = await self.dm_channel(chat)
        await self.client.files_upload_v2(channel=channel, file=str(path), filename=path.name,
                                          title=path.name)
