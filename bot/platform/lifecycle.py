"""What runs beside every platform front end, and how one starts and stops: the outbox loop,
the SLA sweep (warnings and breaches go out exactly once even when several front ends sweep:
the core claims each event), SIGTERM/SIGINT, and a shutdown that loses no send."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress

from bot.handlers.services import Services
from bot.platform.ledger import EngineThread
from bot.platform.sender import Notifier, Sender

logger = logging.getLogger(__name__)

SLA_SWEEP_SECONDS = 60.0
SHUTDOWN_GRACE = 5.0  # seconds for sends under way at SIGTERM


def run_until_signalled(serve: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """The process's main loop: `serve(stop)` until SIGTERM or SIGINT sets `stop`."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve(stop)

    asyncio.run(main())


@asynccontextmanager
async def loops_beside(notifier: Notifier, sender: Sender, thread: EngineThread,
                       services: Services | None, stop: asyncio.Event) -> AsyncIterator[None]:
    """The outbox loop and the SLA sweep while the front end receives; on the way out they
    stop, sends under way get SHUTDOWN_GRACE, and what was sent is forgotten (else a restart
    would send it again). Anything still queued waits in the database for the next start."""
    tasks = [asyncio.create_task(notifier.run(stop)),
             asyncio.create_task(sweep_sla(services, thread, stop))]
    try:
        yield
    finally:
        stop.set()
        with suppress(asyncio.CancelledError):
            for task in tasks:
                await task
        await notifier.drain(SHUTDOWN_GRACE)
        await sender.flush()


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
