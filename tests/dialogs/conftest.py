"""Whole conversations in the JSONL protocol of `sifbot chat --jsonl`.

`chat()` gives the scenario's bot: a `sifbot chat --jsonl` subprocess (fixed SIFBOT_NOW, a TOML
written here); `say/press/send` write one line and read exactly one line back with a timeout.
`engine_chat()` speaks the same protocol to the same engine in this process (bot.console's
`jsonl_turn`, no subprocess): for the many short checks that need no process of their own.
`records()` / `show_invoice()` run `sifbot invoices list/show --json` on the scenario's database.
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
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.handlers.messages import BOT_MESSAGES

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-03-02T10:00:00+08:00"  # a Monday, 10:00 Beijing time
READ_TIMEOUT = 60.0  # seconds for one reply (a cold start and PDF render on a loaded CI box)

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


class Talk:
    """Writes protocol lines and reads the answers; subclasses say where the bot is."""

    turns: list[Turn]

    def send_line(self, line: str) -> dict[str, Any]:
        raise NotImplementedError

    def send(self, check: bool = True, **event: Any) -> Turn:
        """One protocol line from `event`; `check=False` skips the protocol checks."""
        return self.exchange(event, check)

    def exchange(self, event: dict[str, Any], check: bool = True) -> Turn:
        turn = Turn(self.send_line(json.dumps(event, ensure_ascii=False)))
        self.turns.append(turn)
        if check:
            check_protocol(turn)
        return turn

    def say(self, text: str, **who: str) -> Turn:
        return self.exchange({"text": text, **who})

    def press(self, choice: str, **who: str) -> Turn:
        return self.exchange({"choice": choice, **who})


class EngineChat(Talk):
    """The JSONL protocol in this process: bot.console.jsonl_turn on an engine built as
    `sifbot chat` builds it (settings from the TOML, the db in the folder, the shipped KB)."""

    def __init__(self, folder: Path, user: str = "local", role: str = "customer",
                 lang: str = "zh") -> None:
        from bot.bootstrap import build_services
        from bot.console import Speaker
        from bot.handlers.registry import build_engine
        from core.settings import load_settings

        self.services = build_services(load_settings(folder / "sifbot.toml"),
                                       folder / "sifbot.db", None)
        self.services.kb = shared_knowledge_base()
        self.engine = build_engine(self.services)
        self.speaker = Speaker(user, role, lang,  # type: ignore[arg-type]
                               self.services.settings.roles)
        self.turns = []

    def send_line(self, line: str) -> dict[str, Any]:
        from bot.console import jsonl_turn

        out = jsonl_turn(self.engine, self.speaker, line)
        return dict(json.loads(json.dumps(out, ensure_ascii=False)))

    def close(self) -> None:
        self.services.repo.close()  # type: ignore[attr-defined]


@cache
def shared_knowledge_base() -> Any:
    """The shipped knowledge base, indexed once a session (about 2 s)."""
    import atexit
    import shutil
    import tempfile

    from bot.bootstrap import PACKAGE_KB, build_services
    from core.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="sifbot-kb-"))
    atexit.register(shutil.rmtree, folder, True)
    return build_services(Settings(), folder / "kb.db", PACKAGE_KB, files_dir=folder).kb


class Chat(Talk):
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

    def send_line(self, line: str, timeout: float = READ_TIMEOUT) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        try:
            out = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no reply within {timeout}s to {line[:200]!r}; "
                                 f"stderr: {self.stderr_text[-2000:]}") from None
        if out is None:
            raise AssertionError(f"the bot exited (rc={self.proc.poll()}) after {line[:200]!r}; "
                                 f"stderr: {self.stderr_text[-2000:]}")
        return dict(json.loads(out))

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
    booting the processes of the next PREFETCH scenarios in the background (with the arguments
    of their `bot_args` mark, as many as their `bots` mark asks) keeps the folder in its budget.
    """

    PREFETCH = 2

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.ready: dict[str, tuple[Path, list[Chat]]] = {}

    def take(self, item: pytest.Item) -> tuple[Path, list[Chat]]:
        slot = self.ready.pop(item.nodeid, None) or self._boot(item)
        for following in self._upcoming(item):
            if following.nodeid not in self.ready:
                self.ready[following.nodeid] = self._boot(following)
        return slot

    def _upcoming(self, item: pytest.Item) -> list[pytest.Item]:
        items = item.session.items
        index = items.index(item) if item in items else len(items)
        after = [i for i in items[index + 1:] if "booted" in getattr(i, "fixturenames", ())]
        return after[:self.PREFETCH]

    def _boot(self, item: pytest.Item) -> tuple[Path, list[Chat]]:
        folder = self.factory.mktemp("dialog")
        write_config(folder)
        mark = item.get_closest_marker("bots")
        count = int(mark.args[0]) if mark else 1
        first = Chat(folder, *bot_args(item))
        return folder, [first, *(Chat(folder) for _ in range(count - 1))]

    def close(self) -> None:
        for _folder, bots in self.ready.values():
            for bot in bots:
                bot.close()
        self.ready.clear()


def bot_args(item: pytest.Item) -> tuple[str, ...]:
    mark = item.get_closest_marker("bot_args")
    return tuple(mark.args) if mark else ()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bot_args(*args): extra `sifbot chat` arguments of the "
                                       "scenario's first bot process")
    config.addinivalue_line("markers", "bots(n): the scenario uses n bot processes, one after "
                                       "the other, on the same database")


@pytest.fixture(scope="session")
def spares(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Spares]:
    pool = Spares(tmp_path_factory)
    yield pool
    pool.close()


@pytest.fixture
def booted(spares: Spares, request: pytest.FixtureRequest) -> tuple[Path, list[Chat]]:
    return spares.take(request.node)


@pytest.fixture
def workdir(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """This scenario's folder: sifbot.toml (roles: console:fin is finance), the db, the files."""
    if "booted" in request.fixturenames:
        return Path(request.getfixturevalue("booted")[0])
    write_config(tmp_path)
    return tmp_path


@pytest.fixture
def chat(booted: tuple[Path, list[Chat]]) -> Iterator[Callable[..., Chat]]:
    """`chat()` gives this scenario's next bot process (started with the test's `bot_args`
    mark, booted ahead of time); `chat("--lang", "en")` starts one more on the same database."""
    folder, waiting = booted
    spare = list(waiting)
    started: list[Chat] = []

    def start(*args: str, now: str = NOW) -> Chat:
        bot = spare.pop(0) if (spare and not args and now == NOW) else Chat(folder, *args, now=now)
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


@pytest.fixture
def engine_chat(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., EngineChat]]:
    """`engine_chat(user=..., role=..., lang=...)`: the protocol in this process, same clock."""
    monkeypatch.setenv("SIFBOT_NOW", NOW)
    made: list[EngineChat] = []

    def start(**speaker: str) -> EngineChat:
        bot = EngineChat(workdir, **speaker)
        made.append(bot)
        return bot

    yield start
    for bot in made:
        bot.close()


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
def start_special(bot: Talk, **who: str) -> Turn:
    """开发票 -> 专票: now at buyer_name."""
    first = bot.say("开发票", **who)
    assert first.step == "invoice_type", first
    turn = bot.press("invoice_type:special")
    assert turn.step == "buyer_name", turn
    return turn


def fill_special_buyer(bot: Talk) -> Turn:
    """From buyer_name through the bank account: now at items (price mode)."""
    for step, value in HUAWEI.items():
        turn = bot.say(value)
        assert not turn.errors, (step, turn)
    assert turn.step == "items", turn
    return turn


def one_line_to_delivery(bot: Talk, line: str = "软件开发服务，1，10600，6%") -> Turn:
    """At items (price mode): gross prices, one line, done, no remark -> delivery."""
    bot.press("items:gross")
    turn = bot.say(line)
    assert not turn.errors, turn
    bot.press("items:done")
    turn = bot.press("nav:skip")
    assert turn.step == "delivery", turn
    return turn


def special_to_remark(bot: Talk, **who: str) -> Turn:
    """A special invoice for Huawei with one line (gross prices): now at the remark."""
    start_special(bot, **who)
    fill_special_buyer(bot)
    bot.press("items:gross")
    bot.say("软件开发服务，1，10600，6%")
    turn = bot.press("items:done")
    assert turn.step == "remark", turn
    return turn


def email_from_preview(bot: Talk, address: str, **who: str) -> Turn:
    """At the preview: change the delivery to e-mail and type `address`."""
    bot.say("修改 交付方式", **who)
    bot.press("delivery:email", **who)
    return bot.say(address, **who)


def special_to_preview(bot: Talk, **who: str) -> Turn:
    """A complete special invoice for Huawei, delivered as a download: now at confirm."""
    start_special(bot, **who)
    fill_special_buyer(bot)
    one_line_to_delivery(bot)
    turn = bot.press("delivery:download")
    assert turn.step == "confirm", turn
    return turn
