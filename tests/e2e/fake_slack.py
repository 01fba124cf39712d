"""A small fake of Slack on 127.0.0.1 (port 0), for the real slack_bolt (AsyncApp) / slack_sdk.

It runs aiohttp in a thread of its own and plays both sides of Slack: the Web API the bot calls
(/api/<method>, every request recorded as a `Call`, form, query or JSON), the file hosts
(url_private downloads with the bot token, files_upload_v2 upload URLs, response_url), and the
delivery of events and button presses to the app: signed HTTP POSTs to `request_url` ("http"
mode) or envelopes over the Socket Mode websocket at /socket ("socket" mode), recording the HTTP
status / ack of each in `deliveries`. It remembers the messages it "posted" (and their updates),
so a button press carries the message as it is now; on demand it answers the next call of a
method with 429 (Retry-After: 1), a 502, or not at all (held until `release()`).

`push_*` never block (the fake's own loop delivers); `wait_for` / `wait_delivered` do, so a test
whose bot runs on its own event loop calls them as `await asyncio.to_thread(fake.wait_for, ...)`.

    with FakeSlack("socket") as fake:
        fake.add_user("U0CUST01", locale="zh-CN")
        env = fake.env()  # SLACK_BOT_TOKEN, SLACK_API_BASE, SLACK_APP_TOKEN (socket mode)
        ...start the bot with env (http mode: then set fake.request_url)...
        fake.push_message("U0CUST01", "我要开发票")
        [call] = await asyncio.to_thread(fake.wait_for, "chat.postMessage")
        action_ts = fake.push_action("U0CUST01", call, "confirm")
        assert await asyncio.to_thread(fake.wait_delivered, action_ts) == 200
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-token"
SIGNING_SECRET = "test-signing-secret"
VERIFICATION_TOKEN = "test-verification-token"  # the deprecated "token" field of payloads
BOT_USER_ID = "UBOT0001"
BOT_ID = "B0BOT001"
TEAM_ID = "T0TEST01"
APP_ID = "A0TEST"
JSON_FIELDS = ("blocks", "attachments", "files", "metadata")
SOCKET_WAIT = 15.0  # seconds a socket-mode push waits for a connected client
Json = dict[str, Any]
Answer = Callable[["Call"], "Json | web.Response"]


@dataclass
class Call:
    """One request the bot made: a Web API method, or "upload" / "download" / "response_url"."""

    method: str
    params: Json
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    result: Json | None = None  # the JSON the fake answered (None while held, or not JSON)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    @property
    def buttons(self) -> list[tuple[str, str, str]]:
        """(label, action_id, value) of every button in the "actions" blocks."""
        return [(b["text"]["text"], b.get("action_id", ""), b.get("value", ""))
                for _, b in _buttons(self.params.get("blocks"))]

    @property
    def block_text(self) -> str:
        """The text of the section/context/header blocks, one per line (what a person reads)."""
        parts: list[str] = []
        for block in self.params.get("blocks") or []:
            kind = block.get("type")
            if kind in ("section", "header") and block.get("text"):
                parts.append(block["text"]["text"])
            if kind == "section":
                parts += [f["text"] for f in block.get("fields", [])]
            if kind == "context":
                parts += [e["text"] for e in block.get("elements", []) if "text" in e]
        return "\n".join(parts)


class FakeSlack:
    def __init__(self, mode: str = "http") -> None:
        if mode not in ("http", "socket"):
            raise ValueError(f"mode must be 'http' or 'socket', not {mode!r}")
        self.mode, self.port = mode, 0
        self.request_url: str | None = None  # http mode: where the app listens
        self.calls: list[Call] = []
        self.deliveries: dict[str, int] = {}  # event_id / action_ts / push_raw key -> status
        self.answers: dict[str, bytes] = {}  # http mode: the body the app answered with
        self.uploads: list[Json] = []
        self.acks: list[str] = []  # socket mode: envelope ids the app acknowledged
        self.connections = 0  # socket mode: websocket connections accepted so far
        self._cond = threading.Condition()
        self._users: dict[str, Json] = {}
        self._messages: dict[tuple[str, str], Json] = {}
        self._files: dict[str, tuple[str, bytes]] = {}  # add_file: id -> (mimetype, content)
        self._pending: dict[str, Json] = {}  # getUploadURLExternal: id -> name (+ content)
        self._responses: dict[int, tuple[str, str]] = {}  # response_url n -> (channel, ts)
        self._envelopes: dict[str, str] = {}  # socket envelope_id -> delivery key
        self._faults: dict[str, list[int | str]] = {}
        self._ids, self._ts = itertools.count(1), itertools.count(100, 100)
        self._ws: web.WebSocketResponse | None = None  # where socket pushes go
        self._sockets: set[web.WebSocketResponse] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._released, self._closing = asyncio.Event(), False
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    # -- life --------------------------------------------------------------------------
    def __enter__(self) -> FakeSlack:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self._loop.close()

    async def _start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_route("*", "/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{file_id}/{name:.+}", self._download)
        app.router.add_post("/response/{n}", self._response)
        app.router.add_get("/socket", self._socket)
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def _stop(self) -> None:
        self._closing = True
        self._released.set()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for ws in list(self._sockets):
            await ws.close(code=aiohttp.WSCloseCode.GOING_AWAY, message=b"server shutdown")
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def env(self) -> dict[str, str]:
        extra = ({"SLACK_APP_TOKEN": APP_TOKEN} if self.mode == "socket"
                 else {"SLACK_SIGNING_SECRET": SIGNING_SECRET})
        return {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_BASE": self.api_base, **extra}

    # -- people ------------------------------------------------------------------------
    def add_user(self, user_id: str, locale: str = "zh-CN", name: str = "",
                 tz: str = "Asia/Shanghai") -> None:
        name = name or f"user-{user_id.lower()}"
        offset = datetime.now(ZoneInfo(tz)).utcoffset() or timedelta()
        self._users[user_id] = {
            "id": user_id, "team_id": TEAM_ID, "name": name, "deleted": False, "real_name": name,
            "tz": tz, "tz_label": tz, "tz_offset": int(offset.total_seconds()), "is_bot": False,
            "locale": locale, "profile": {"real_name": name, "display_name": name}}

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id[1:]

    # -- delivering to the app ---------------------------------------------------------
    def push_event(self, event: Json, *, event_id: str | None = None, retry_num: int = 0) -> str:
        """Deliver an Events API event_callback; returns its event_id (the deliveries key)."""
        event_id = event_id or f"Ev{next(self._ids):08d}"
        auth = {"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True,
                "is_enterprise_install": False}
        body = {"token": VERIFICATION_TOKEN, "team_id": TEAM_ID, "context_team_id": TEAM_ID,
                "context_enterprise_id": None, "api_app_id": APP_ID, "event": event,
                "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
                "authorizations": [auth], "is_ext_shared_channel": False,
                "event_context": f"4-{event_id}"}
        reason = "http_timeout" if retry_num else ""
        headers = {"Content-Type": "application/json"}
        if retry_num:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": reason}
        self._deliver(event_id, "events_api", body, json.dumps(body).encode(), headers,
                      {"retry_attempt": retry_num, "retry_reason": reason})
        return event_id

    def push_message(self, user_id: str, text: str, *, channel: str | None = None,
                     files: list[Json] | None = None, subtype: str | None = None,
                     thread_ts: str | None = None) -> str:
        """A person's "message" event (in the DM unless `channel`); returns the event_id."""
        channel = channel or self.dm_channel(user_id)
        ts = self._next_ts()
        event: Json = {"type": "message", "user": user_id, "text": text, "ts": ts,
                       "team": TEAM_ID, "channel": channel, "event_ts": ts,
                       "channel_type": _channel_type(channel), "client_msg_id": str(uuid.uuid4())}
        if thread_ts:
            event["thread_ts"] = thread_ts
        if files:
            event |= {"subtype": "file_share", "files": files, "upload": False}
        if subtype:
            event["subtype"] = subtype
        if event.get("subtype") in (None, "file_share"):
            with self._cond:
                self._messages[(channel, ts)] = {k: v for k, v in event.items() if k not in
                                                 ("channel", "event_ts", "channel_type")}
        return self.push_event(event)

    def push_mention(self, user_id: str, channel: str, text: str) -> str:
        ts = self._next_ts()
        event = {"type": "app_mention", "user": user_id, "text": f"<@{BOT_USER_ID}> {text}",
                 "ts": ts, "team": TEAM_ID, "channel": channel, "event_ts": ts,
                 "client_msg_id": str(uuid.uuid4())}
        with self._cond:
            self._messages[(channel, ts)] = {"type": "message", "user": user_id,
                                             "text": event["text"], "ts": ts}
        return self.push_event(event)

    def add_file(self, content: bytes, name: str, mimetype: str) -> Json:
        """Host a file a person shares; returns the Slack file object for push_message(files=)."""
        file_id = f"F{next(self._ids):08d}"
        self._files[file_id] = (mimetype, content)
        base = f"http://127.0.0.1:{self.port}/files-pri/{file_id}"
        filetype = name.rsplit(".", 1)[-1].lower() if "." in name else "binary"
        return {"id": file_id, "created": int(time.time()), "name": name, "title": name,
                "mimetype": mimetype, "filetype": filetype, "size": len(content),
                "mode": "hosted", "is_external": False, "is_public": False,
                "url_private": f"{base}/{name}", "url_private_download": f"{base}/download/{name}"}

    def push_action(self, user_id: str, message_call_or_ts: Call | tuple[str, str] | str,
                    action_id: str, *, channel: str | None = None) -> str:
        """Press button `action_id` on a message the bot posted (by the Call that posted or
        updated it, by (channel, ts), or by ts with `channel=`); returns the action_ts."""
        if isinstance(message_call_or_ts, Call):
            result = message_call_or_ts.result or {}
            channel, ts = result.get("channel"), result.get("ts")
        elif isinstance(message_call_or_ts, tuple):
            channel, ts = message_call_or_ts
        else:
            ts = message_call_or_ts
        with self._cond:
            message = copy.deepcopy(self._messages.get((str(channel), str(ts))))
        if message is None:
            raise KeyError(f"no message ({channel}, {ts}) in the fake")
        buttons = _buttons(message.get("blocks"))
        found = [(block_id, b) for block_id, b in buttons if b.get("action_id") == action_id]
        if not found:
            raise AssertionError(f"no button {action_id!r} on message {ts}; buttons "
                                 f"{[b.get('action_id') for _, b in buttons]}")
        (block_id, button), action_ts, n = found[0], self._next_ts(), next(self._ids)
        with self._cond:
            self._responses[n] = (str(channel), str(ts))
        name = self._users.get(user_id, {}).get("name", user_id)
        action = {"type": "button", "action_id": action_id, "block_id": block_id,
                  "text": button["text"], "action_ts": action_ts}
        action |= {k: button[k] for k in ("value", "style") if k in button}
        payload: Json = {
            "type": "block_actions", "api_app_id": APP_ID, "token": VERIFICATION_TOKEN,
            "user": {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID},
            "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                          "is_ephemeral": False},
            "trigger_id": f"{n}.{TEAM_ID}.{uuid.uuid4().hex}", "enterprise": None,
            "team": {"id": TEAM_ID, "domain": "fake"}, "is_enterprise_install": False,
            "channel": {"id": channel, "name": "directmessage"
                        if _channel_type(str(channel)) == "im" else str(channel)},
            "message": message, "state": {"values": {}},
            "response_url": f"http://127.0.0.1:{self.port}/response/{n}", "actions": [action]}
        self._deliver(action_ts, "interactive", payload,
                      urlencode({"payload": json.dumps(payload)}).encode(),
                      {"Content-Type": "application/x-www-form-urlencoded"}, {})
        return action_ts

    def set_blocks(self, channel: str, ts: str, blocks: list[Json]) -> None:
        """Change a stored message's blocks, as a forged or stale client would show them."""
        with self._cond:
            self._messages[(channel, ts)]["blocks"] = copy.deepcopy(blocks)

    def push_raw(self, body: bytes, headers: dict[str, str]) -> str:
        """http mode: POST exactly this to request_url (unsigned); returns the deliveries key."""
        if self.mode != "http":
            raise ValueError("push_raw is for http mode")
        key = f"raw-{next(self._ids)}"
        self._deliver(key, "", {}, body, headers, {}, sign=False)
        return key

    def disconnect_socket(self, reason: str = "refresh_requested") -> None:
        """socket mode: tell the client to reconnect, as Slack does (a "disconnect" message)."""
        self._spawn(self._disconnect(reason))

    def wait_delivered(self, key: str, timeout: float = 15.0) -> int:
        with self._cond:
            if not self._cond.wait_for(lambda: key in self.deliveries, timeout):
                raise AssertionError(f"{key} not delivered in {timeout}s; {self.deliveries}")
            return self.deliveries[key]

    # -- what the bot did --------------------------------------------------------------
    def of(self, method: str) -> list[Call]:
        return self._found(method, None)

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0,
                 where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Wait (blocking) until at least `count` calls of `method` (matching `where`) arrived."""
        with self._cond:
            if self._cond.wait_for(lambda: len(self._found(method, where)) >= count, timeout):
                return self._found(method, where)
            raise AssertionError(f"{count} x {method} not seen in {timeout}s; found "
                                 f"{len(self._found(method, where))}; last calls "
                                 f"{[c.method for c in self.calls][-20:]}")

    def messages(self, channel: str) -> list[Json]:
        """The messages now in `channel` (people's and the bot's, after updates), oldest first."""
        with self._cond:
            found = [copy.deepcopy(m) for (c, _), m in self._messages.items() if c == channel]
        return sorted(found, key=lambda m: tuple(int(p) for p in m["ts"].split(".")))

    def fail_next(self, method: str, how: int | str = 429) -> None:
        """The next `method` call gets a 429 (Retry-After: 1, "ratelimited"), a 502 with an empty
        body, or is held unanswered until `release()` ("hold")."""
        if how not in (429, 502, "hold"):
            raise ValueError(f"unknown fault {how!r}")
        with self._cond:
            self._faults.setdefault(method, []).append(how)

    def release(self) -> None:
        """Answer every call held so far."""
        self._loop.call_soon_threadsafe(self._release)

    # -- internals ---------------------------------------------------------------------
    def _next_ts(self) -> str:
        n = next(self._ts)
        return f"{1700000000 + n // 1_000_000}.{n % 1_000_000:06d}"

    def _release(self) -> None:
        self._released.set()
        self._released = asyncio.Event()

    def _found(self, method: str, where: Callable[[Call], bool] | None) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method and (where is None or where(c))]

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        def start() -> None:
            task = self._loop.create_task(coro)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._loop.call_soon_threadsafe(start)

    def _deliver(self, key: str, kind: str, payload: Json, body: bytes, headers: dict[str, str],
                 extra: Json, sign: bool = True) -> None:
        with self._cond:
            self.deliveries.pop(key, None)  # a redelivery: wait for its own answer
        if self.mode == "socket":
            self._spawn(self._send_envelope(key, kind, payload, extra))
            return
        if self.request_url is None:
            raise RuntimeError("set fake.request_url to the app's endpoint before pushing")
        if sign:
            stamp = str(int(time.time()))
            headers = {**headers, "X-Slack-Request-Timestamp": stamp,
                       "X-Slack-Signature": signature(stamp, body)}
        self._spawn(self._post(key, self.request_url, body, headers))

    def _delivered(self, key: str, status: int) -> None:
        with self._cond:
            self.deliveries[key] = status
            self._cond.notify_all()

    async def _post(self, key: str, url: str, body: bytes, headers: dict[str, str]) -> None:
        assert self._session is not None
        headers = {"User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)", **headers}
        try:
            async with self._session.post(url, data=body, headers=headers) as resp:
                with self._cond:
                    self.answers[key] = await resp.read()
                self._delivered(key, resp.status)
        except (aiohttp.ClientError, TimeoutError):
            self._delivered(key, 0)  # the app could not be reached or did not answer

    async def _send_envelope(self, key: str, kind: str, payload: Json, extra: Json) -> None:
        deadline = time.monotonic() + SOCKET_WAIT
        while self._ws is None or self._ws.closed:
            if time.monotonic() > deadline or self._closing:
                self._delivered(key, 0)  # no client connected
                return
            await asyncio.sleep(0.02)
        envelope_id = str(uuid.uuid4())
        with self._cond:
            self._envelopes[envelope_id] = key
        await self._ws.send_json({"envelope_id": envelope_id, "payload": payload, "type": kind,
                                  "accepts_response_payload": False, **extra})

    async def _disconnect(self, reason: str) -> None:
        ws, self._ws = self._ws, None  # pushes wait for the new connection
        if ws is not None and not ws.closed:
            await ws.send_json({"type": "disconnect", "reason": reason,
                                "debug_info": {"host": "applink-fake"}})

    # -- the server --------------------------------------------------------------------
    async def _serve(self, call: Call, answer: Answer) -> web.StreamResponse:
        """Record the call, apply a pending fault, answer (under the lock)."""
        def run() -> Json | web.Response:
            reply = answer(call)
            call.result = reply if isinstance(reply, dict) else None
            return reply

        with self._cond:
            queue = self._faults.get(call.method)
            fault = queue.pop(0) if queue else None
            reply = run() if fault is None else None
            if fault == 429:
                call.result = {"ok": False, "error": "ratelimited"}
            self.calls.append(call)
            self._cond.notify_all()
        if fault == 429:
            return web.json_response(call.result, status=429, headers={"Retry-After": "1"})
        if fault == 502:
            return web.Response(status=502)
        if reply is None:  # held
            if not self._closing:
                await self._released.wait()
            with self._cond:
                reply = run()
                self._cond.notify_all()
        return reply if isinstance(reply, web.Response) else web.json_response(reply)

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        token = APP_TOKEN if method == "apps.connections.open" else TOKEN
        authorized = request.headers.get("Authorization") == f"Bearer {token}"
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)

        def answer(call: Call) -> Json:
            if not authorized:
                return {"ok": False, "error": "invalid_auth"}
            return handler(call) if handler else {"ok": False, "error": "unknown_method"}
        return await self._serve(Call(method, await _params(request), dict(request.headers)),
                                 answer)

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        file_id, body = request.match_info["file_id"], await request.read()

        def answer(call: Call) -> web.Response:
            if file_id not in self._pending:
                return web.Response(status=404, text="file_not_found")
            self._pending[file_id]["content"] = body
            return web.Response(text=f"OK - {len(body)}")  # text/plain, as files.slack.com
        call = Call("upload", {"file_id": file_id, "length": len(body)}, dict(request.headers))
        return await self._serve(call, answer)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]

        def answer(call: Call) -> web.Response:
            if request.headers.get("Authorization") != f"Bearer {TOKEN}":
                return web.Response(status=403, text="forbidden")
            if file_id not in self._files:
                return web.Response(status=404, text="not found")
            mimetype, content = self._files[file_id]
            return web.Response(body=content, content_type=mimetype)
        call = Call("download", {"file_id": file_id, "path": request.path}, dict(request.headers))
        return await self._serve(call, answer)

    async def _response(self, request: web.Request) -> web.StreamResponse:
        n = int(request.match_info["n"])
        body = await request.json() if request.can_read_body else {}

        def answer(call: Call) -> Json:
            key = self._responses.get(n)
            if key is not None and call.get("delete_original") in (True, "true"):
                self._messages.pop(key, None)
            elif key in self._messages and call.get("replace_original") in (True, "true"):
                message = self._messages[key]
                message |= {k: call[k] for k in ("text", "blocks") if k in call.params}
                message["blocks"] = _with_block_ids(message.get("blocks"))
            return {"ok": True}
        call = Call("response_url", body if isinstance(body, dict) else {}, dict(request.headers))
        return await self._serve(call, answer)

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        if self._closing:
            return web.Response(status=503)
        ws = web.WebSocketResponse(autoping=True)  # answers the client's pings
        await ws.prepare(request)
        self._sockets.add(ws)
        self._ws = ws  # the newest connection gets the pushes
        with self._cond:
            self.connections += 1
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "applink-fake", "build_number": 1,
                                           "approximate_connection_time": 18060},
                            "connection_info": {"app_id": APP_ID}})
        try:
            async for msg in ws:
                envelope_id = (json.loads(msg.data).get("envelope_id")
                               if msg.type == aiohttp.WSMsgType.TEXT else None)
                if envelope_id:
                    with self._cond:
                        self.acks.append(envelope_id)
                        key = self._envelopes.pop(envelope_id, envelope_id)
                    self._delivered(key, 200)
        finally:
            self._sockets.discard(ws)
            if self._ws is ws:
                self._ws = None
        return ws

    # -- Web API methods (called under the lock) -----------------------------------------
    def _chan(self, channel: Any) -> str:
        channel = str(channel or "")
        return self.dm_channel(channel) if channel[:1] in ("U", "W") else channel

    def _m_auth_test(self, call: Call) -> Json:
        return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake Team",
                "user": "sifbot", "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID,
                "is_enterprise_install": False}

    def _m_apps_connections_open(self, call: Call) -> Json:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    def _m_chat_postMessage(self, call: Call) -> Json:
        channel = self._chan(call.get("channel"))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not (call.get("text") or call.get("blocks") or call.get("attachments")):
            return {"ok": False, "error": "no_text"}
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID,
                   "team": TEAM_ID, "text": call.get("text", ""), "ts": self._next_ts(),
                   "blocks": _with_block_ids(call.get("blocks"))}
        if call.get("thread_ts"):
            message["thread_ts"] = call["thread_ts"]
        self._messages[(channel, message["ts"])] = message
        return {"ok": True, "channel": channel, "ts": message["ts"],
                "message": copy.deepcopy(message)}

    def _m_chat_update(self, call: Call) -> Json:
        channel, ts = self._chan(call.get("channel")), str(call.get("ts"))
        message = self._messages.get((channel, ts))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message |= {k: call[k] for k in ("text", "blocks") if k in call.params}  # else kept
        message["blocks"] = _with_block_ids(message.get("blocks"))
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"],
                "message": copy.deepcopy(message)}

    def _m_chat_postEphemeral(self, call: Call) -> Json:
        if not call.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_conversations_open(self, call: Call) -> Json:
        users = [u for u in str(call.get("users") or "").split(",") if u]
        if len(users) != 1:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "no_op": True, "already_open": True,
                "channel": {"id": self.dm_channel(users[0])}}

    def _m_users_info(self, call: Call) -> Json:
        user = copy.deepcopy(self._users.get(str(call.get("user"))))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        if str(call.get("include_locale")).lower() not in ("1", "true"):
            user.pop("locale")
        return {"ok": True, "user": user}

    def _m_files_getUploadURLExternal(self, call: Call) -> Json:
        if not call.get("filename") or not str(call.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        self._pending[file_id] = {"name": call["filename"]}
        return {"ok": True, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
                "file_id": file_id}

    def _m_files_completeUploadExternal(self, call: Call) -> Json:
        items = call.get("files") or []
        if not items or any("content" not in self._pending.get(f.get("id"), {}) for f in items):
            return {"ok": False, "error": "file_not_found" if items else "invalid_arguments"}
        channel = self._chan(call.get("channel_id") or str(call.get("channels") or "").split(",")[0])
        shared: list[Json] = []
        for item in items:
            pending = self._pending.pop(item["id"])
            name, content = pending["name"], pending["content"]
            title = item.get("title") or name
            self.uploads.append({"channel": channel or None, "title": title, "name": name,
                                 "content": content, "initial_comment": call.get("initial_comment"),
                                 "thread_ts": call.get("thread_ts"), "file_id": item["id"]})
            shared.append({"id": item["id"], "title": title, "name": name, "size": len(content)})
        if channel:  # the bot's file-share message
            ts = self._next_ts()
            self._messages[(channel, ts)] = {
                "type": "message", "subtype": "file_share", "user": BOT_USER_ID, "bot_id": BOT_ID,
                "text": call.get("initial_comment") or "", "ts": ts, "files": shared}
        return {"ok": True, "files": shared}


def signature(timestamp: str, body: bytes) -> str:
    """The X-Slack-Signature of `body` sent at `timestamp` (epoch seconds, as a string)."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


def _buttons(blocks: Any) -> list[tuple[str, Json]]:
    """(block_id, button) of every button in the "actions" blocks."""
    return [(block.get("block_id", ""), element) for block in blocks or []
            if block.get("type") == "actions"
            for element in block.get("elements", []) if element.get("type") == "button"]


def _with_block_ids(blocks: Any) -> list[Json]:
    """A copy of the blocks, each with a block_id (Slack assigns one where it is missing)."""
    blocks = copy.deepcopy(blocks or [])
    for block in blocks:
        block.setdefault("block_id", uuid.uuid4().hex[:5])
    return list(blocks)


def _channel_type(channel: str) -> str:
    return {"D": "im", "G": "group"}.get(channel[:1], "channel")


async def _params(request: web.Request) -> Json:
    """Query string and form or JSON body merged; JSON-valued fields (blocks, files) decoded."""
    params: Json = dict(request.query)
    if request.can_read_body and request.content_type == "application/json":
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif request.can_read_body:
        form = await request.post()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key in JSON_FIELDS:
        if isinstance(params.get(key), str) and params[key][:1] in ("[", "{"):
            params[key] = json.loads(params[key])
    return params

