"""The SLA sweep that runs beside every platform front end: warnings and breaches go out
exactly once even when several front ends sweep (the core claims each event)."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from bot.handlers.services import Services
from bot.platform.ledger import EngineThread

logger = logging.getLogger(__name__)

SLA_SWEEP_SECONDS = 60.0


async def sweep_sla(services: Services | None, thread: EngineThread, stop: asyncio.Event,
                    every: float = SLA_SWEEP_SECONDS) -> None:
    """Every minute until `stop`: one sweep on the engine's thread; a failure is retried."""
    if services is None:
        return
    from bot.handlers.flows.ticket_desk import ticket_service

    tickets = ticket_service(services)
    while not stop.is_set():
        try:
            await thread.run(tickets.sweep)
        except Exception:  # a failed sweep is retried next minute; the bot goes on
            logger.exception("SLA sweep failed")
        await sleep_unless_stopped(stop, every)


async def sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
