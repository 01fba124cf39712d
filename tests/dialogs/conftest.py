"""Whole conversations through `sifbot chat --jsonl` in a subprocess.

`chat(...)` starts one bot process per scenario (with a fixed SIFBOT_NOW and a TOML written here),
`Chat.say/press/send` write one line and read exactly one line back with a timeout. `sifbot(...)`
runs another sub-command (`invoices list --json`, ...) on the same database.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.handlers.messages import BOT_MESSAGES

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-03-02T10:00:00+08:00"  # a Monday, 10:00 Beijing time
READ_TIMEOUT = 20.0  # seconds for one reply (a cold PDF render included)
START_TIMEOUT = 30.0

INVOICE_STEPS = ("invoice_type", "buyer_kind", "buyer_name", "buyer_tax_id",
                 "buyer_address_phone", "buyer_bank_account", "items", "remark", "delivery",
                 "confirm")

# The resume offer answers with step "resume", which interfaces.md does not list: tolerated here
# so that other scenarios can pass through it; test_navigation pins it as a known bug.
UNLISTED_INVOICE_STEPS = ("resume",)

# The start of the engine's catch-all reply ("something went wrong ... error {ref}").
INTERNAL_ERROR_MARKERS = tuple(text.split("{")[0]
                               for text in BOT_MESSAGES["internal_error"].values())

FINANCE = "console:fin"
CUSTOMER = "console:alice"
OTHER_CUSTOMER = "console:bob"

HUAWEI = {
    "buyer_name": "华为技术有限公司",
    "buyer_tax_id": "914403001922038216",
    "buyer_address_phone": "深圳市龙岗区坂田华为基地 0755-28780808",
    "buyer_bank_account": "招商银行深圳分行营业部 755900000000001",
}


@dataclass
class Turn:
    """One output line of the JSONL protocol, with readers for what tests look at."""

    raw: dict[str, Any]

    @property
    def flow(self) -> str | None:
        return self.raw.get("flow")

    @property
    def step(self) -> str | None:
        return self.raw.get("step")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.raw.get("errors") or [])

    @property
    def codes(self) -> list[str]:
        return [e["code"] for e in self.errors]

    @property
    def replies(self) -> list[dict[str, Any]]:
        return list(self.raw.get("replies") or [])

    @property
    def text(self) -> str:
        return "\n".join(r["text"] for r in self.replies)

    @property
    def choices(self) -> list[str]:
        return [c["id"] for r in self.replies for c in r.get("choices", [])]

    @property
    def files(self) -> list[str]:
        return [f for r in self.replies for f in r.get("files", [])]

    @property
    def refs(self) -> dict[str, Any]:
        return dict(self.raw.get("refs") or {})

    @property
    def notifications(self) -> list[dict[str, Any]]:
        return list(self.raw.get("notifications") or [])

    def choice_starting(self, prefix: str) -> str:
        found = [c for c in self.choices if c.startswith(prefix)]
        assert found, f"no choice starting {prefix!r} in {self.choices}: {self.text}"
        return found[0]

    def __repr__(self) -> str:  # readable assertion failures
        return f"Turn({json.dumps(self.raw, ensure_ascii=False)[:1500]})"


def check_protocol(turn: Turn) -> None:
    """What every output object must satisfy (interfaces.md)."""
    raw = turn.raw
    assert set(raw) >= {"replies", "flow", "step", "errors", "refs"}, raw
    assert raw["flow"] in (None, "invoice", "ticket", "review"), raw
    if raw["flow"] == "invoice":
        assert raw["step"] in (*INVOICE_STEPS, *UNLISTED_INVOICE_STEPS), raw
    if raw["flow"] is None:
        assert raw["step"] is None, raw
    for error in turn.errors:
        assert error["code"] and error["message"], error
        assert error["message"] != error["code"], f"no message for the code: {error}"
        assert error["code"] != "internal_error", error
    assert "Traceback" not in turn.text
    assert not any(marker in turn.text for marker in INTERNAL_ERROR_MARKERS), raw
    for reply in turn.replies:
        assert isinstance(reply["text"], str)
        assert all(c["id"] and c["label"] for c in reply.get("choices", [])), reply
    assert set(turn.refs) >= {"draft_id", "invoice_id", "ticket_id"}, raw


def write_config(folder: Path, roles: dict[str, str] | None = None, extra: str = "") -> Path:
    roles = {FINANCE: "finance", **(roles or {})}
    lines = ["[roles]", *(f'"{user}" = "{role}"' for user, role in roles.items()), extra]
    path = folder / "sifbot.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bot_env(folder: Path, now: str = NOW) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIFBOT_")}
    env.update(SIFBOT_NOW=now, SIFBOT_CONFIG=str(folder / "sifbot.toml"),
               PYTHONIOENCODING="utf-8", PYTHONPATH=str(ROOT))
    return env


class Chat:
    """One `sifbot chat --jsonl` process; every line written gets exactly one line back."""

    def __init__(self, folder: Path, *args: str, now: str = NOW) -> None:
        self.folder = folder
        self.db = folder / "sifbot.db"
        command = [sys.executable, "-m", "bot.cli", "chat", "--jsonl", "--db", str(self.db), *args]
        self.proc = subprocess.Popen(
            command, cwd=folder, env=bot_env(folder, now), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
            bufsize=1,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr: list[str] = []
        self.turns: list[Turn] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put),
                         daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr.append),
                         daemon=True).start()

    @staticmethod
    def _pump(stream: Any, sink: Callable[[Any], None]) -> None:
        for line in stream:
            sink(line)
        sink(None)

    # -- talking ---------------------------------------------------------------------------
    def send_line(self, line: str, timeout: float = READ_TIMEOUT) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        try:
            out = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no reply within {timeout}s to {line[:200]!r}; "
                                 f"stderr: {''.join(s for s in self.stderr if s)[-2000:]}")
        if out is None:
            raise AssertionError(f"the bot exited (rc={self.proc.poll()}) after {line[:200]!r}; "
                                 f"stderr: {''.join(s for s in self.stderr if s)[-2000:]}")
        return json.loads(out)

    def send(self, check: bool = True, **event: Any) -> Turn:
        turn = Turn(self.send_line(json.dumps(event, ensure_ascii=False)))
        self.turns.append(turn)
        if check:
            check_protocol(turn)
        return turn

    def say(self, text: str, **who: str) -> Turn:
        return self.send(text=text, **who)

    def press(self, choice: str, **who: str) -> Turn:
        return self.send(choice=choice, **who)

    def as_user(self, user: str, role: str = "customer") -> dict[str, str]:
        return {"user": user, "role": role}

    # -- ending ----------------------------------------------------------------------------
    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)

    def close(self) -> int:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            if not self.proc.stdin.closed:
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    @property
    def stderr_text(self) -> str:
        return "".join(s for s in self.stderr if s)


class Spares:
    """Boots the next scenarios' bots while the current one runs.

    A bot process spends ~2 s of CPU indexing the knowledge base before its first reply;
    booting the next PREFETCH scenarios' processes in the background (with the arguments of
    their `bot_args` mark) keeps the folder within its time budget.
    """

    PREFETCH = 2

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.ready: dict[str, tuple[tuple[str, ...], Path, Chat]] = {}

    def take(self, item: pytest.Item) -> tuple[Path, Chat]:
        args = bot_args(item)
        slot = self.ready.pop(item.nodeid, None)
        if slot is None or slot[0] != args:
            slot = (args, *self._boot(args))
        for following in self._upcoming(item):
            if following.nodeid not in self.ready:
                wanted = bot_args(following)
                self.ready[following.nodeid] = (wanted, *self._boot(wanted))
        return slot[1], slot[2]

    def _upcoming(self, item: pytest.Item) -> list[pytest.Item]:
        items = item.session.items
        index = items.index(item) if item in items else len(items)
        after = [i for i in items[index + 1:] if "booted" in getattr(i, "fixturenames", ())]
        return after[:self.PREFETCH]

    def _boot(self, args: tuple[str, ...]) -> tuple[Path, Chat]:
        folder = self.factory.mktemp("dialog")
        write_config(folder)
        return folder, Chat(folder, *args)

    def close(self) -> None:
        for _args, _folder, bot in self.ready.values():
            bot.close()
        self.ready.clear()


def bot_args(item: pytest.Item) -> tuple[str, ...]:
    mark = item.get_closest_marker("bot_args")
    return tuple(mark.args) if mark else ()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bot_args(*args): extra `sifbot chat` arguments of the "
                                       "scenario's first bot process")


@pytest.fixture(scope="session")
def spares(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Spares]:
    pool = Spares(tmp_path_factory)
    yield pool
    pool.close()


@pytest.fixture
def booted(spares: Spares, request: pytest.FixtureRequest) -> tuple[Path, Chat]:
    return spares.take(request.node)


@pytest.fixture
def workdir(booted: tuple[Path, Chat]) -> Path:
    """This scenario's folder: sifbot.toml (roles: console:fin is finance), the db, the files."""
    return booted[0]


@pytest.fixture
def chat(booted: tuple[Path, Chat]) -> Iterator[Callable[..., Chat]]:
    """`chat()` gives this scenario's bot (started with the test's `bot_args` mark);
    `chat("--lang", "en")` or a second call starts another process on the same database."""
    folder, first = booted
    started: list[Chat] = []
    spare: list[Chat] = [first]

    def start(*args: str, now: str = NOW) -> Chat:
        if spare and not args and now == NOW:
            bot = spare.pop()
        else:
            bot = Chat(folder, *args, now=now)
        started.append(bot)
        return bot

    yield start
    for bot in [*spare, *started]:
        if bot.proc.poll() is None and bot.proc.stdin is not None:
            bot.proc.stdin.close()  # let them all wind down at once
    for bot in spare:
        bot.close()
    for bot in started:
        killed = bot.proc.returncode is not None and bot.proc.returncode < 0
        code = bot.close()
        if killed:
            continue
        assert code == 0, f"the bot exited with {code}: {bot.stderr_text[-2000:]}"
        assert "turn failed" not in bot.stderr_text, bot.stderr_text[-4000:]


def run_sifbot(folder: Path, *args: str) -> tuple[int, str, str]:
    """`sifbot ARGS --db folder/sifbot.db --config folder/sifbot.toml`, in this process."""
    from bot.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = [*args, "--db", str(folder / "sifbot.db"), "--config", str(folder / "sifbot.toml")]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def records(workdir: Path) -> Callable[..., list[dict[str, Any]]]:
    """`records(drafts=True)`: what `sifbot invoices list --json [--drafts]` prints."""
    def listing(drafts: bool = False) -> list[dict[str, Any]]:
        code, out, err = run_sifbot(workdir, "invoices", "list", "--json",
                                    *(["--drafts"] if drafts else []))
        assert code == 0, err
        return list(json.loads(out))
    return listing


@pytest.fixture
def show_invoice(workdir: Path) -> Callable[[str], dict[str, Any]]:
    """What `sifbot invoices show ID --json` prints."""
    def show(ref: str) -> dict[str, Any]:
        code, out, err = run_sifbot(workdir, "invoices", "show", ref, "--json")
        assert code == 0, err
        return dict(json.loads(out))
    return show


# -- scripted parts of the invoice form ---------------------------------------------------------
def start_special(bot: Chat, **who: str) -> Turn:
    """开发票 -> 专票: now at buyer_name."""
    first = bot.say("开发票", **who)
    assert first.step == "invoice_type", first
    turn = bot.press("invoice_type:special")
    assert turn.step == "buyer_name", turn
    return turn


def fill_special_buyer(bot: Chat) -> Turn:
    """From buyer_name through the bank account: now at items (price mode)."""
    for step, value in HUAWEI.items():
        turn = bot.say(value)
        assert not turn.errors, (step, turn)
    assert turn.step == "items", turn
    return turn


def one_line_to_delivery(bot: Chat, line: str = "软件开发服务，1，10600，6%") -> Turn:
    """At items (price mode): gross prices, one line, done, no remark -> delivery."""
    bot.press("items:gross")
    turn = bot.say(line)
    assert not turn.errors, turn
    bot.press("items:done")
    turn = bot.press("nav:skip")
    assert turn.step == "delivery", turn
    return turn


def special_to_preview(bot: Chat, **who: str) -> Turn:
    """A complete special invoice for Huawei, delivered as a download: now at confirm."""
    start_special(bot, **who)
    fill_special_buyer(bot)
    one_line_to_delivery(bot)
    turn = bot.press("delivery:download")
    assert turn.step == "confirm", turn
    return turn
