"""The terminal front end: interactive chat and the JSONL protocol. Both only translate."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from typing import IO, Any

from pydantic import ValidationError

from bot.handlers.engine import Engine
from bot.handlers.events import FileRef, Inbound, Outcome, Reply
from bot.handlers.flows.invoice_session import open_session
from core.i18n import Lang
from core.settings import ROLES, Role

MAX_LINE = 100_000


def split_user(user: str) -> tuple[str, str]:
    """"tg:42" -> ("tg", "42"); a bare id is a console user."""
    platform, sep, rest = user.partition(":")
    return (platform, rest) if sep and platform and rest else ("console", user)


class Speaker:
    """Who is talking now (one process may play a customer, then an agent); `roles` is the
    settings' [roles], where the role of someone a JSONL line switches to is looked up."""

    def __init__(self, user: str, role: Role, lang: Lang,
                 roles: Mapping[str, Role] | None = None) -> None:
        self.platform, self.user = split_user(user)
        self.role, self.lang = role, lang
        self.roles: Mapping[str, Role] = roles or {}

    def inbound(self, **event: Any) -> Inbound:
        return Inbound(platform=self.platform, user=self.user, role=self.role, lang=self.lang,
                       **event)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user}"


def run_jsonl(engine: Engine, speaker: Speaker, stdin: IO[str], stdout: IO[str]) -> int:
    for line in stdin:
        stdout.write(json.dumps(jsonl_turn(engine, speaker, line), ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def jsonl_turn(engine: Engine, speaker: Speaker, line: str) -> dict[str, Any]:
    """One input line -> exactly one output object."""
    try:
        event = _parse_line(line)
        _switch(speaker, event)
        inbound = speaker.inbound(text=event.get("text"), choice=event.get("choice"),
                                  files=[FileRef(path=str(p)) for p in event.get("files", [])])
    except (ValueError, TypeError, ValidationError) as exc:
        return {"error": {"code": "bad_input", "message": _short(exc)}}
    outcome = engine.handle(inbound)
    out = outcome.protocol_dict()
    notes = engine.deliver_pending(speaker.key)
    if notes:
        out["notifications"] = [note.model_dump() for note in notes]
    return out


def _parse_line(line: str) -> dict[str, Any]:
    if len(line) > MAX_LINE:
        raise ValueError(f"line longer than {MAX_LINE} characters")
    event = json.loads(line)
    if not isinstance(event, dict):
        raise ValueError("each line must be a JSON object")
    for key in ("text", "choice", "user", "role", "lang"):
        if key in event and not isinstance(event[key], str):
            raise ValueError(f"'{key}' must be a string")
    if "text" not in event and "choice" not in event and "files" not in event:
        raise ValueError("a line needs 'text', 'choice' or 'files'")
    files = event.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ValueError("'files' must be a list of paths")
    return event


def _switch(speaker: Speaker, event: dict[str, Any]) -> None:
    if "user" in event:  # someone else: the role [roles] gives them, unless the line says one
        before = speaker.key
        speaker.platform, speaker.user = split_user(event["user"][:100])
        if speaker.key != before:
            speaker.role = speaker.roles.get(speaker.key, "customer")
    if "role" in event:
        if event["role"] not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        speaker.role = event["role"]
    if "lang" in event:
        if event["lang"] not in ("zh", "en"):
            raise ValueError("lang must be zh or en")
        speaker.lang = event["lang"]


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200]


# -- interactive -------------------------------------------------------------------------
def run_interactive(engine: Engine, speaker: Speaker, stdin: IO[str], stdout: IO[str]) -> int:
    """Buttons are shown as numbered choices; typing the number presses it."""
    hello = "输入“开发票”开始，或直接提问；Ctrl-D 退出。" if speaker.lang == "zh" else \
        "Type 'invoice' to start, or ask a question; Ctrl-D quits."
    stdout.write(hello + "\n")
    choices = _print(open_session(engine.services, speaker.inbound()), stdout)
    while True:
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return 0
        text = line.rstrip("\n")
        if text.strip().isdigit() and 1 <= int(text) <= len(choices):
            inbound = speaker.inbound(choice=choices[int(text) - 1])
        else:
            inbound = speaker.inbound(text=text)
        outcome = engine.handle(inbound)
        choices = _print(outcome.replies + engine.deliver_pending(speaker.key), stdout)
        _ = outcome


def _print(replies: Iterable[Reply], stdout: IO[str]) -> list[str]:
    numbered: list[str] = []
    for reply in replies:
        stdout.write(reply.text + "\n")
        for path in reply.files:
            stdout.write(f"  📎 {path}\n")
        for choice in reply.choices:
            numbered.append(choice.id)
            stdout.write(f"  [{len(numbered)}] {choice.label}\n")
    return numbered


def print_outcome(outcome: Outcome) -> None:  # pragma: no cover - debugging aid
    sys.stdout.write(json.dumps(outcome.protocol_dict(), ensure_ascii=False) + "\n")
