"""The PostgreSQL job queue (procrastinate): per-thread jobs any worker process can run."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Status

from tools.db.url import libpq_conninfo

log = logging.getLogger(__name__)

PROCESS_THREAD = "process_thread"
SEND_OUTBOX = "send_outbox"


def make_queue_app(database_url: str, dispatcher: Callable[[], object]) -> procrastinate.App:
    """A procrastinate app whose tasks call the dispatcher `dispatcher()` returns."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=libpq_conninfo(database_url), min_size=1, max_size=4
        )
    )

    @app.task(
        name=PROCESS_THREAD, retry=procrastinate.RetryStrategy(max_attempts=8, exponential_wait=1)
    )
    async def process_thread(thread_id: str) -> None:
        await dispatcher().process_thread(thread_id)

    @app.task(
        name=SEND_OUTBOX, retry=procrastinate.RetryStrategy(max_attempts=8, exponential_wait=1)
    )
    async def send_outbox(outbox_id: int) -> None:
        if not await dispatcher().send_one(outbox_id):
            raise RuntimeError(f"outbox {outbox_id} not sent yet; retrying")

    return app


async def apply_queue_schema(database_url: str) -> bool:
    """Create procrastinate's tables if they are missing; True when it created them."""
    app = make_queue_app(database_url, lambda: None)
    async with app.open_async():
        async with app.connector.pool.connection() as conn:
            exists = await (
                await conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            ).fetchone()
        if exists[0]:
            return False
        await app.schema_manager.apply_schema_async()
        return True


class ProcrastinateQueue:
    """Defers thread jobs to the queue: `lock` keeps one run per thread across all workers."""

    def __init__(self, app: procrastinate.App, *, concurrency: int, stalled_seconds: float) -> None:
        self.app = app
        self.concurrency = concurrency
        self.stalled_seconds = stalled_seconds

    async def schedule_thread(self, thread_id: str) -> None:
        """Queue a job for the thread unless one is already waiting (it will see new rows)."""
        deferrer = self.app.configure_task(PROCESS_THREAD, lock=thread_id, queueing_lock=thread_id)
        with contextlib.suppress(AlreadyEnqueued):
            await deferrer.defer_async(thread_id=thread_id)

    async def schedule_send(self, outbox_id: int) -> None:
        """Queue one send."""
        await self.app.configure_task(SEND_OUTBOX).defer_async(outbox_id=outbox_id)

    async def retry_stalled_jobs(self) -> int:
        """Put back jobs of workers that stopped sending heartbeats (killed, crashed)."""
        stalled = await self.app.job_manager.get_stalled_jobs(
            seconds_since_heartbeat=self.stalled_seconds
        )
        count = 0
        for job in stalled:
            try:
                await self.app.job_manager.retry_job(job)
            except UniqueViolation:
                # A newer job for the same thread is already queued and will do the work;
                # closing the dead one frees the thread's lock for it.
                await self.app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
            count += 1
        if count:
            log.warning("retried %d jobs of stalled workers", count)
        return count

    async def run_worker(self) -> None:
        """Run jobs until cancelled, retrying stalled jobs now and then."""

        async def watch_stalled() -> None:
            while True:
                try:
                    await self.retry_stalled_jobs()
                except Exception:
                    log.exception("checking for stalled jobs failed")
                await asyncio.sleep(max(1.0, self.stalled_seconds / 2))

        watcher = asyncio.create_task(watch_stalled())
        try:
            await self.app.run_worker_async(
                concurrency=self.concurrency,
                install_signal_handlers=False,
                update_heartbeat_interval=max(0.5, self.stalled_seconds / 3),
                stalled_worker_timeout=self.stalled_seconds,
                listen_notify=True,
                delete_jobs="successful",
            )
        finally:
            watcher.cancel()
