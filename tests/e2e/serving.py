"""What the Telegram and Slack harnesses share: the services on a test database, and starting a
front end's `serve` until it is listening."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.bootstrap import PACKAGE_KB, build_services
from bot.handlers.engine import Engine
from bot.handlers.registry import build_engine
from bot.handlers.services import Services
from core.settings import Settings

START_TIMEOUT = 20


def services_on(db: Path, files: Path, settings: dict[str, Any]) -> tuple[Services, Engine]:
    services = build_services(Settings.model_validate(settings), db, PACKAGE_KB, files_dir=files)
    return services, build_engine(services)


async def listening(task: asyncio.Task[None], ready: asyncio.Future[int]) -> int:
    """The port `serve` reports through `ready`; what `serve` raised if it ended first."""
    waiting: set[asyncio.Future[Any]] = {task, ready}
    done, _ = await asyncio.wait(waiting, timeout=START_TIMEOUT,
                                 return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()
    if ready not in done:
        raise TimeoutError(f"the front end was not listening after {START_TIMEOUT} s")
    return ready.result()
