"""A small fake of the Telegram Bot API on 127.0.0.1 (port 0), for the real python-telegram-bot.

It runs aiohttp in a thread of its own, records every request (method, fields, uploaded files),
serves queued updates through getUpdates the way Telegram does (an update comes back until a
later offset confirms it; an empty poll waits up to `timeout`, capped short), remembers the
messages it "sent" so that edits and button presses refer to real ones, serves files under
/file/bot<token>/..., and on demand answers the next call of a method with 429 retry_after,
a 502, or not at all (held until released).

    with FakeTelegram() as fake:
        env = {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE": fake.api_base}
        fake.push_text(42, "我要开发票")
        [call] = fake.wait_for("sendMessage")
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-fake-token"
JSON_FIELDS = ("reply_markup", "allowed_updates", "commands", "entities", "scope",
               "link_preview_options", "reply_parameters")
INT_FIELDS = ("chat_id", "message_id", "offset", "limit", "timeout")
LONG_POLL_CAP = 1.0  # seconds: an empty getUpdates waits at most this long
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Sif", "username": "sif_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard, row by row."""
        markup = self.params.get("reply_markup") or {}
        return [(b["text"], b["callback_data"])
                for row in markup.get("inline_keyboard", []) for b in row]


class FakeTelegram:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.port = 0
        self._cond = threading.Condition()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(500)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._files: dict[str, tuple[str, bytes]] = {}
        self._faults: dict[str, list[str | int]] = {}
        self._loop = asyncio.new_event_loop()
        self._arrived: asyncio.Event | None = None
        self._released: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="fake-telegram")

    # -- life --------------------------------------------------------------------------
    def __enter__(self) -> FakeTelegram:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._released is not None:
            self._loop.call_soon_threadsafe(self._released.set)
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _start(self) -> None:
        self._arrived, self._released = asyncio.Event(), asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def env(self) -> dict[str, str]:
        return {"TELEGRAM_BOT_TOKEN": self.token, "TELEGRAM_API_BASE": self.api_base}

    # -- what the test does ------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queue an update as is (pushing the same one twice is a redelivery)."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        with self._cond:
            self._updates.append(update)
        self._loop.call_soon_threadsafe(self._wake)
        return int(update["update_id"])

    def message_update(self, user_id: int, lang: str = "zh", **content: Any) -> dict[str, Any]:
        sender = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}",
                  "language_code": lang}
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": user_id, "type": "private", "first_name": sender["first_name"]},
                   "from": sender, **content}
        return {"update_id": next(self._update_ids), "message": message}

    def push_text(self, user_id: int, text: str, lang: str = "zh") -> int:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(command)}]
        return self.push(self.message_update(user_id, lang, **content))

    def push_photo(self, user_id: int, content: bytes, caption: str | None = None,
                   lang: str = "zh") -> int:
        file_id = self.add_file(content, "photos/file_{n}.jpg")
        sizes = [{"file_id": file_id + suffix, "file_unique_id": f"u{file_id}{suffix}",
                  "width": w, "height": w, "file_size": len(content)}
                 for suffix, w in (("-small", 90), ("", 800))]
        self._files[file_id + "-small"] = self._files[file_id]
        extra = {"caption": caption} if caption else {}
        return self.push(self.message_update(user_id, lang, photo=sizes, **extra))

    def push_document(self, user_id: int, content: bytes, file_name: str,
                      mime: str = "application/pdf", lang: str = "zh") -> int:
        file_id = self.add_file(content, "documents/file_{n}" + file_name[file_name.rfind("."):])
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                    "file_name": file_name, "mime_type": mime, "file_size": len(content)}
        return self.push(self.message_update(user_id, lang, document=document))

    def push_button(self, user_id: int, message: dict[str, Any], data: str,
                    lang: str = "zh") -> int:
        """Press the button with `data` on a message the bot sent (from `sent_message`)."""
        sender = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}",
                  "language_code": lang}
        query = {"id": f"q{next(self._update_ids)}", "from": sender, "chat_instance": "ci",
                 "data": data, "message": message}
        return self.push({"callback_query": query})

    def bot_message(self, chat_id: int, text: str, buttons: list[tuple[str, str]]) -> dict[str, Any]:
        """A message "the bot sent earlier" with these buttons (to press without a send)."""
        markup = {"inline_keyboard": [[{"text": label, "callback_data": data}]
                                      for label, data in buttons]}
        call = Call("sendMessage", {"chat_id": chat_id, "text": text, "reply_markup": markup})
        return self._store(call, text=text)

    def add_file(self, content: bytes, path_pattern: str) -> str:
        n = len(self._files) + 1
        file_id = f"F{n:04d}"
        self._files[file_id] = (path_pattern.format(n=n), content)
        return file_id

    def sent_message(self, call: Call) -> dict[str, Any]:
        """The message as Telegram holds it now (edits included) for a recorded send."""
        key = (int(call["chat_id"]), int(call.params["_message_id"]))
        return dict(self._messages[key])

    def fail_next(self, method: str, how: str | int = 429) -> None:
        """The next `method` call gets a 429 (retry_after 1), a 502 ("bad_gateway"), or is
        held unanswered until `release()` ("hold")."""
        with self._cond:
            self._faults.setdefault(method, []).append(how)

    def release(self) -> None:
        self._loop.call_soon_threadsafe(self._released.set)  # type: ignore[union-attr]

    # -- what the test looks at --------------------------------------------------------
    def of(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0,
                 where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Wait until at least `count` calls of `method` (matching `where`) arrived."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls
                         if c.method == method and (where is None or where(c))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls][-20:]
                    raise AssertionError(f"{count} x {method} not seen in {timeout}s; "
                                         f"found {len(found)}; last calls {seen}")
                self._cond.wait(left)

    def pending_updates(self) -> int:
        with self._cond:
            return len(self._updates)

    # -- the server --------------------------------------------------------------------
    def _wake(self) -> None:
        if self._arrived is not None:
            self._arrived.set()

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await _fields(request)
        call = Call(method, params, files)
        with self._cond:
            self.calls.append(call)
            fault = self._faults.get(method, []).pop(0) if self._faults.get(method) else None
            self._cond.notify_all()
        if fault == 429:
            return _error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        if fault == "bad_gateway":
            return _error(502, "Bad Gateway")
        if fault == "hold":
            await self._released.wait()  # type: ignore[union-attr]
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _ok(True)
        result = handler(call)
        with self._cond:
            self._cond.notify_all()
        return result if isinstance(result, web.Response) else _ok(result)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        while True:
            with self._cond:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = self._updates[:limit]
            left = deadline - time.monotonic()
            if ready or left <= 0:
                return ready
            self._arrived.clear()  # type: ignore[union-attr]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)  # type: ignore[union-attr]

    async def _file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        with self._cond:
            self.calls.append(Call("download", {"path": path}))
            self._cond.notify_all()
        for stored_path, content in self._files.values():
            if stored_path == path and request.match_info["token"] == self.token:
                return web.Response(body=content)
        return web.Response(status=404)

    def _m_getMe(self, call: Call) -> dict[str, Any]:
        return {**BOT_USER, "can_join_groups": False, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    def _m_getFile(self, call: Call) -> dict[str, Any] | web.Response:
        stored = self._files.get(str(call.get("file_id")))
        if stored is None:
            return _error(400, "Bad Request: invalid file_id")
        return {"file_id": call["file_id"], "file_unique_id": f"u{call['file_id']}",
                "file_size": len(stored[1]), "file_path": stored[0]}

    def _m_sendMessage(self, call: Call) -> dict[str, Any]:
        return self._store(call, text=call["text"])

    def _m_sendDocument(self, call: Call) -> dict[str, Any]:
        name, content = call.files.get("document", ("file", b""))
        doc = {"file_id": f"D{len(self.calls)}", "file_unique_id": f"uD{len(self.calls)}",
               "file_name": name, "file_size": len(content)}
        return self._store(call, document=doc)

    def _m_sendPhoto(self, call: Call) -> dict[str, Any]:
        size = {"file_id": f"P{len(self.calls)}", "file_unique_id": f"uP{len(self.calls)}",
                "width": 100, "height": 100}
        return self._store(call, photo=[size])

    def _m_editMessageText(self, call: Call) -> dict[str, Any] | web.Response:
        return self._edit(call, text=call["text"])

    def _m_editMessageReplyMarkup(self, call: Call) -> dict[str, Any] | web.Response:
        return self._edit(call)

    def _store(self, call: Call, **content: Any) -> dict[str, Any]:
        chat_id = int(call["chat_id"])
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER, **content}
        if call.get("reply_markup"):
            message["reply_markup"] = call["reply_markup"]
        call.params["_message_id"] = message["message_id"]
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, call: Call, **content: Any) -> dict[str, Any] | web.Response:
        key = (int(call["chat_id"]), int(call["message_id"]))
        message = self._messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        message.update(content)
        message.pop("reply_markup", None)
        if call.get("reply_markup"):
            message["reply_markup"] = call["reply_markup"]
        return dict(message)


async def _fields(request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    if request.method == "POST" and request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = (value.filename, value.file.read())
            else:
                params[key] = _decode(key, str(value))
    params.update({k: _decode(k, v) for k, v in request.query.items()})
    return params, files


def _decode(key: str, value: str) -> Any:
    if key in JSON_FIELDS:
        return json.loads(value)
    if key in INT_FIELDS and value.lstrip("-").isdigit():
        return int(value)
    return value


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)
