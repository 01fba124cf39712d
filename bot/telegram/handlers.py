"""Telegram updates -> neutral inbound events -> the engine -> queued sends. Only translation.

Each update runs once where the engine runs: "seen already?", then the engine's turn, whose own
transaction also records the update's mark and what to send (ledger.py, via on_commit). Only
then is anything sent: a crash before the commit leaves no trace and Telegram's redelivery runs
the turn again; a crash after it sends the stored replies on restart, never the turn twice.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from telegram import Bot, Message, Update, User
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.handlers.engine import Engine
from bot.handlers.events import Choice, FileRef, Inbound, Reply
from bot.handlers.state import load_state
from bot.platform.ledger import Action, EngineThread, Ledger
from bot.platform.limits import RateLimiter
from bot.platform.sender import DeliveryFailed, KeyedLocks, Notifier, Sender
from bot.platform.text import utf16_len
from bot.platform.turns import DONE, received_file_path, run_turn
from bot.telegram.messages import COMMANDS, tg_text
from bot.telegram.outgoing import TEXT_LIMIT, perform, with_retries
from core.i18n import Lang, normalise_lang

logger = logging.getLogger(__name__)

PLATFORM = "tg"
FILE_LIMIT_MB = 20  # the Bot API's getFile limit
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


class TelegramFrontEnd:
    def __init__(self, bot: Bot, engine: Engine, ledger: Ledger, thread: EngineThread,
                 sender: Sender, notifier: Notifier, limiter: RateLimiter,
                 files_dir: Path) -> None:
        self.bot = bot
        self.engine = engine
        self.ledger = ledger
        self.thread = thread
        self.sender = sender
        self.notifier = notifier
        self.limiter = limiter
        self.files_dir = files_dir
        self.lanes = KeyedLocks()

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        app.add_handler(CommandHandler(list(COMMANDS), self.on_command, filters=PRIVATE))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(MessageHandler(
            PRIVATE & (filters.TEXT | filters.PHOTO | filters.Document.ALL), self.on_message))
        app.add_handler(MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, self.on_other))
        app.add_error_handler(self.on_error)

    async def process(self, app: Application[Any, Any, Any, Any, Any, Any],
                      update: Update) -> None:
        """One update, after the ones before it from the same chat."""
        chat = update.effective_chat
        async with self.lanes.hold(chat.id if chat else update.update_id):
            await app.process_update(update)
        self.notifier.kick()  # this turn may have queued news for someone else

    # -- handlers ------------------------------------------------------------------------
    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not self._allowed(update, user):
            return
        files: list[FileRef] = []
        if message.photo or message.document:
            problem = await self._download(message, user, files)
            if problem:
                await self._local(update, [Reply(text=tg_text(problem, _lang(user),
                                                             limit=FILE_LIMIT_MB))])
                return
        inbound = self._inbound(user, text=message.text or message.caption, files=files)
        await self._finish(await self.thread.run(self._turn, update.update_id, inbound, None))

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not self._allowed(update, user):
            return
        command = (message.text or "/").split()[0][1:].split("@")[0].lower()
        inbound = self._inbound(user, text=None)
        await self._finish(await self.thread.run(self._command, update.update_id, inbound,
                                                 command))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        if not self.limiter.allow(_key(user)):
            self.notifier.spawn(self._answer(query.id, self._limited(user)))
            return
        message = query.message if isinstance(query.message, Message) else None
        edit = _pressed_edit(message, query.data or "", _lang(user)) if message else None
        inbound = self._inbound(user)
        result = await self.thread.run(self._press, update.update_id, inbound,
                                       query.data or "", edit)
        notice = tg_text("already_chosen", _lang(user)) if result == "pressed" else None
        self.notifier.spawn(self._answer(query.id, notice))  # first in line: stops the spinner
        await self._finish(result if result != "pressed" else DONE)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is not None and self._allowed(update, user):
            await self._local(update, [Reply(text=tg_text("unsupported", _lang(user)))])

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("update failed", exc_info=context.error)

    # -- on the engine thread ------------------------------------------------------------
    def _turn(self, update_id: int, inbound: Inbound,
              first: list[Action] | None, pressed: str | None = None) -> Any:
        return run_turn(self.engine, self.ledger, update_id, inbound, int(inbound.user), first,
                        pressed)

    def _press(self, update_id: int, inbound: Inbound, data: str,
               edit: Action | None) -> Any:
        if self.ledger.seen(update_id):
            return DONE
        pressed = f"{inbound.user}:{edit['message_id']}" if edit is not None else None
        if pressed is not None and self.ledger.pressed(pressed):
            return "pressed"
        choice = inbound.model_copy(update={"choice": self.ledger.resolve(data)})
        return self._turn(update_id, choice, [edit] if edit else None, pressed)

    def _command(self, update_id: int, inbound: Inbound, command: str) -> Any:
        """Commands become the engine's own words; outside a flow some are answered here."""
        if self.ledger.seen(update_id):
            return DONE
        ticket = self.engine.flows.get("ticket")
        if command == "ticket" and ticket is not None:  # asking for a person works mid-form
            word = "/ticket" if "/ticket" in ticket.start_words else ticket.start_words[0]
            return self._turn(update_id, inbound.model_copy(update={"text": word}), None)
        flow = load_state(self.engine.services.repo, inbound.user_key).flow
        in_flow = flow is not None
        if flow == "invoice" and command in ("start", "invoice"):  # the form was left open:
            # its start word mid-form offers to go on or start again (or says it expired)
            return self._turn(update_id, inbound.model_copy(update={"text": "/invoice"}), None)
        if in_flow:  # /cancel cancels; any other command says where the person is
            word = "cancel" if command == "cancel" else "help"
            return self._turn(update_id, inbound.model_copy(update={"text": word}), None)
        if command == "invoice":
            return self._turn(update_id, inbound.model_copy(update={"text": "/invoice"}), None)
        key = {"faq": "faq_prompt", "cancel": "nothing_to_cancel",
               "ticket": "ticket_unavailable"}.get(command, "welcome")
        choices = ([Choice(id="start:invoice", label=tg_text("cmd.invoice", inbound.lang))]
                   if key == "welcome" else [])
        reply = Reply(text=tg_text(key, inbound.lang), choices=choices)
        return self.ledger.commit_turn(update_id, int(inbound.user), [reply])

    def _local_turn(self, update_id: int, chat_id: int, replies: list[Reply]) -> Any:
        if self.ledger.seen(update_id):
            return DONE
        return self.ledger.commit_turn(update_id, chat_id, replies)

    # -- helpers -------------------------------------------------------------------------
    async def _finish(self, result: Any) -> None:
        """Send what the turn queued, in the background: the update is done once its turn and
        its sends are stored (the next update of this chat may start; sends keep their order)."""
        if result is not None and result != DONE:
            key, doc = result
            self.notifier.spawn(self.sender.deliver(key, doc))

    async def _local(self, update: Update, replies: list[Reply]) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self._finish(await self.thread.run(self._local_turn, update.update_id,
                                                     chat.id, replies))

    def _allowed(self, update: Update, user: User) -> bool:
        """The per-person flood limit: the first refusal says so politely, later ones are quiet."""
        if self.limiter.allow(_key(user)):
            return True
        notice = self._limited(user)
        chat = update.effective_chat
        if notice and chat is not None:
            self.notifier.spawn(self._say_now(chat.id, notice))
        return False

    def _limited(self, user: User) -> str | None:
        wait = self.limiter.notice_due(_key(user))
        return tg_text("rate_limited", _lang(user), seconds=wait) if wait else None

    async def _say_now(self, chat_id: int, text: str) -> None:
        try:
            await perform(self.bot, chat_id, {"op": "text", "text": text})
        except DeliveryFailed:
            logger.warning("could not tell chat %s about the flood limit", chat_id)

    async def _answer(self, query_id: str, text: str | None) -> None:
        """Stop the button's spinner; an expired query is not worth a retry."""
        try:
            await with_retries(lambda: self.bot.answer_callback_query(query_id, text=text),
                               "answerCallbackQuery", attempts=2)
        except (TelegramError, DeliveryFailed) as error:
            logger.info("answerCallbackQuery failed: %s", error)

    def _inbound(self, user: User, **event: Any) -> Inbound:
        settings = self.engine.services.settings
        return Inbound(platform=PLATFORM, user=str(user.id), lang=_lang(user),
                       role=settings.role_of(_key(user)), **event)

    async def _download(self, message: Message, user: User, into: list[FileRef]) -> str | None:
        """Fetch a photo (its largest size) or a document through getFile into the files folder."""
        if message.photo:
            item: Any = message.photo[-1]
            name, mime = f"photo-{item.file_unique_id}.jpg", "image/jpeg"
        else:
            item = message.document
            name = item.file_name or f"file-{item.file_unique_id}"
            mime = item.mime_type or ""
        if (item.file_size or 0) > FILE_LIMIT_MB * 1024 * 1024:
            return "file_too_big"
        target = received_file_path(self.files_dir, "telegram", str(user.id),
                                    item.file_unique_id, name)
        try:
            remote = await with_retries(lambda: item.get_file(), "getFile")
            target.parent.mkdir(parents=True, exist_ok=True)
            await with_retries(lambda: remote.download_to_drive(target), "download")
        except (TelegramError, DeliveryFailed, OSError) as error:
            logger.warning("file from %s not fetched: %s", _key(user), error)
            return "file_failed"
        into.append(FileRef(path=str(target), name=name, mime=mime))
        return None


def _pressed_edit(message: Message, data: str, lang: Lang) -> Action:
    """Edit the pressed button's message: keyboard off, and the chosen label under the text."""
    label = next((button.text for row in (message.reply_markup.inline_keyboard
                                          if message.reply_markup else ())
                  for button in row if button.callback_data == data), "")
    text = message.text
    if text and label:
        text = f"{text}\n\n{tg_text('chosen', lang, label=label)}"
    if not text or utf16_len(text) > TEXT_LIMIT:
        text = None
    return {"op": "edit", "message_id": message.message_id, "text": text}


def _lang(user: User) -> Lang:
    return normalise_lang(user.language_code)


def _key(user: User) -> str:
    return f"{PLATFORM}:{user.id}"
