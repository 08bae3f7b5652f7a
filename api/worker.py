"""`lingograph worker`: run queued channel jobs until stopped."""

from __future__ import annotations

import asyncio
import logging
import signal

from api.services import open_services
from tools.settings import Settings

log = logging.getLogger(__name__)


async def run_worker(settings: Settings) -> None:
    """Process jobs from the queue until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with open_services(settings, run_worker=True) as services:
        log.info("worker ready (concurrency %d)", settings.worker_concurrency)
        work = services.background[0]
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if work.done() and not work.cancelled() and work.exception():
            raise work.exception()
    log.info("worker stopped")
