"""One event through the engine, exactly once, with its sends stored in the same transaction.

"Seen already?", then the engine's turn, whose own transaction also records the event's mark
and what to send (ledger.commit_turn, via the engine's on_commit). Only then is anything sent:
a crash before the commit leaves no trace and the platform's redelivery runs the turn again;
a crash after it sends the stored replies on restart, never the turn twice. Runs where the
engine runs (EngineThread)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.handlers.engine import Engine
from bot.handlers.events import Inbound, Outcome
from bot.platform.ledger import Action, Chat, Ledger

DONE = "done"  # what a turn returns when nothing is left to send
SAFE_NAME = re.compile(r"[^\w.\-]+")


def run_turn(engine: Engine, ledger: Ledger, update_id: int | str, inbound: Inbound,
             chat: Chat, first: list[Action] | None = None, pressed: str | None = None) -> Any:
    """The turn's queued send (key, doc), None when it said nothing, DONE when seen before."""
    if ledger.seen(update_id):
        return DONE
    committed: list[Any] = []

    def record(outcome: Outcome) -> None:  # inside the turn's own transaction
        replies = [*outcome.replies, *engine.deliver_pending(inbound.user_key)]
        committed.append(ledger.commit_turn(update_id, chat, replies, first, pressed))

    engine.handle(inbound, on_commit=record)
    return committed[0]


def received_file_path(files_dir: Path, platform: str, user: str, file_id: str,
                       name: str) -> Path:
    """Where a file a person sent is kept: per platform and person, its name made safe."""
    safe = SAFE_NAME.sub("_", Path(name).name).strip("._")[:80] or "file"
    return files_dir / platform / SAFE_NAME.sub("_", user) / f"{SAFE_NAME.sub('_', file_id)}-{safe}"
