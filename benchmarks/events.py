"""What one simulated person says in the platform benchmarks (telegram.py, slack.py): the
invoice form up to the delivery step, then a knowledge-base question; and the baseline both
print beside their figures: the same events straight into the engine. Not a benchmark itself."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bot.bootstrap import PACKAGE_KB, build_services
from bot.handlers.events import Inbound
from bot.handlers.registry import build_engine
from core.settings import Settings

SCRIPT: list[tuple[str, str]] = [  # ("text" | "press", value)
    ("text", "开发票"),
    ("press", "invoice_type:special"),
    ("text", "华为技术有限公司"),
    ("text", "914403001922038216"),
    ("text", "深圳市龙岗区坂田华为基地 0755-28780808"),
    ("text", "招商银行深圳分行营业部 755900000000001"),
    ("press", "items:gross"),
    ("text", "软件开发服务，1，10600，6%"),
    ("press", "items:done"),
    ("press", "nav:skip"),
    ("text", "专票和普票有什么区别？"),
]


def engine_run(users: int, tmp: Path, platform: str, role: str = "customer",
               user_id: Any = str) -> tuple[float, int]:
    """(seconds, events) for every person's SCRIPT through `Engine.handle` + `deliver_pending`
    on a fresh database, as the front end of `platform` would send them."""
    services = build_services(Settings(), tmp / "engine.db", PACKAGE_KB, files_dir=tmp / "g")
    engine = build_engine(services)
    events = [(user, kind, value) for kind, value in SCRIPT for user in range(1, users + 1)]
    start = time.perf_counter()
    for user, kind, value in events:
        event = {"text": value} if kind == "text" else {"choice": value}
        inbound = Inbound(platform=platform, user=user_id(user), role=role,
                          **event)  # type: ignore[arg-type]
        engine.handle(inbound)
        engine.deliver_pending(inbound.user_key)
    seconds = time.perf_counter() - start
    services.repo.close()  # type: ignore[attr-defined]
    return seconds, len(events)
