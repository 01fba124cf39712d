"""Neutral replies -> what Telegram is asked to do, and doing it with retries.

`DeliveryFailed` (bot.platform.sender) is raised when every retry failed.

A reply becomes "actions" (plain JSON, so they can wait in the database): a text message with
its inline keyboard, a file, or an edit of the message whose button was pressed. `Sender` plays
them in order with Telegram's flood control (429 retry_after) and network errors retried with
backoff; errors that a retry cannot fix (a blocked bot, a bad request) are logged and skipped.
"""

from __future__ import annotations

import asyncio
import logging
import random
import unicodedata
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.handlers.events import Choice, Reply
from bot.platform.ledger import Action, Remember, button_data
from bot.platform.sender import DeliveryFailed
from bot.platform.text import split_text

logger = logging.getLogger(__name__)

TEXT_LIMIT = 4096  # Bot API: message text, counted in UTF-16 code units
CALLBACK_LIMIT = 64  # Bot API: callback_data, in bytes
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
MAX_ATTEMPTS = 6
MAX_WAIT = 60.0  # seconds: the longest single wait before a retry

Keyboard = list[list[list[str]]]  # rows of [label, callback_data]
T = TypeVar("T")


# -- keyboards ----------------------------------------------------------------------------
def callback_data(choice_id: str, remember: Remember) -> str:
    return button_data(choice_id, CALLBACK_LIMIT, remember)


def _width(label: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in label)


def keyboard_rows(choices: list[Choice], remember: Callable[[str, str], None]) -> Keyboard:
    """Answers first (two a row when both are short), navigation (nav:*) together last."""
    answers = [c for c in choices if not c.id.startswith("nav:")]
    navigation = [c for c in choices if c.id.startswith("nav:")]
    rows: Keyboard = []
    for choice in answers:
        button = [choice.label[:64], callback_data(choice.id, remember)]
        last = rows[-1] if rows else None
        if (last is not None and len(last) == 1 and _width(last[0][0]) <= 16
                and _width(choice.label) <= 16):
            last.append(button)
        else:
            rows.append([button])
    for start in range(0, len(navigation), 3):
        rows.append([[c.label[:64], callback_data(c.id, remember)]
                     for c in navigation[start:start + 3]])
    return rows


def markup(rows: Keyboard | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in row] for row in rows])


def reply_actions(replies: list[Reply], remember: Callable[[str, str], None]) -> list[Action]:
    """Each reply: its text in pieces (the keyboard on the last piece), then its files."""
    actions: list[Action] = []
    for reply in replies:
        pieces = split_text(reply.text, TEXT_LIMIT) or (["…"] if reply.choices else [])
        rows = keyboard_rows(reply.choices, remember) if reply.choices else None
        for n, piece in enumerate(pieces):
            actions.append({"op": "text", "text": piece,
                            "keyboard": rows if n == len(pieces) - 1 else None})
        actions.extend({"op": "file", "path": path} for path in reply.files)
    return actions


# -- calling Telegram ---------------------------------------------------------------------
def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def with_retries(call: Callable[[], Awaitable[T]], what: str,
                       attempts: int = MAX_ATTEMPTS) -> T:
    """429: wait what Telegram says; network errors: back off 0.5 s, 1 s, 2 s ... with jitter."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as error:
            wait = min(retry_after_seconds(error), MAX_WAIT)
            logger.warning("%s: flood control, retrying in %.1f s", what, wait)
        except (BadRequest, Forbidden, InvalidToken):
            raise  # BadRequest is a NetworkError to PTB, but retrying cannot fix it
        except NetworkError as error:
            wait = delay * (1 + random.random() / 4)
            delay = min(delay * 2, MAX_WAIT / 2)
            logger.warning("%s: %s (attempt %d), retrying in %.1f s", what, error, attempt, wait)
        if attempt < attempts:
            await asyncio.sleep(wait)
    raise DeliveryFailed(what)


async def perform(bot: Bot, chat_id: int, action: Action) -> None:
    """One action, retried; a permanent refusal is logged and the action skipped."""
    op = action["op"]
    try:
        if op == "text":
            await with_retries(lambda: bot.send_message(
                chat_id, action["text"], reply_markup=markup(action.get("keyboard"))),
                "sendMessage")
        elif op == "file":
            await _send_file(bot, chat_id, Path(action["path"]))
        elif op == "edit":
            await _edit(bot, chat_id, action)
        elif op == "answer":
            await with_retries(lambda: bot.answer_callback_query(
                action["query_id"], text=action.get("text")), "answerCallbackQuery", attempts=2)
    except Forbidden as error:
        logger.warning("chat %s refuses messages (%s): %s dropped", chat_id, error, op)
    except BadRequest as error:
        logger.warning("Telegram refused %s for chat %s: %s", op, chat_id, error)


async def _send_file(bot: Bot, chat_id: int, path: Path) -> None:
    if not path.is_file():
        logger.warning("file to send is gone: %s", path.name)
        return
    data = path.read_bytes()
    if path.suffix.lower() in PHOTO_SUFFIXES:
        await with_retries(lambda: bot.send_photo(chat_id, data, filename=path.name),
                           "sendPhoto")
    else:
        await with_retries(lambda: bot.send_document(chat_id, data, filename=path.name),
                           "sendDocument")


async def _edit(bot: Bot, chat_id: int, action: Action) -> None:
    """Take the keyboard off a pressed button's message (and say what was chosen)."""
    message_id = action["message_id"]
    if action.get("text"):
        await with_retries(lambda: bot.edit_message_text(
            action["text"], chat_id=chat_id, message_id=message_id, reply_markup=None),
            "editMessageText", attempts=3)
    else:
        await with_retries(lambda: bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None),
            "editMessageReplyMarkup", attempts=3)
