"""Per-thread locks that hold across processes, so two API servers never run one thread at once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tools.db.url import is_postgres, libpq_conninfo

# Keeps these advisory-lock keys apart from any other user of pg_advisory_lock.
KEY_PREFIX = "lingograph:thread:"


class ThreadLocks:
    """PostgreSQL advisory locks keyed by thread id; on SQLite (one process) a no-op."""

    def __init__(self, database_url: str, *, max_size: int = 20) -> None:
        self.database_url = database_url
        self.max_size = max_size
        self._pool = None

    async def open(self) -> None:
        """Open the lock connections (PostgreSQL only)."""
        if self._pool is not None or not self.database_url or not is_postgres(self.database_url):
            return
        from psycopg_pool import AsyncConnectionPool

        # Its own pool: a turn holds its lock connection while its nodes use the app's pool.
        self._pool = AsyncConnectionPool(
            libpq_conninfo(self.database_url),
            min_size=1,
            max_size=self.max_size,
            open=False,
            kwargs={"autocommit": True},
        )
        await self._pool.open(wait=True, timeout=10)

    async def close(self) -> None:
        """Close the lock connections."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @property
    def enabled(self) -> bool:
        """Whether turns are locked across processes (an open PostgreSQL lock pool)."""
        return self._pool is not None

    async def __aenter__(self) -> ThreadLocks:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @contextlib.asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        """Wait for, then hold, the thread's lock for the duration of the block."""
        if not self.enabled:
            yield
            return
        key = KEY_PREFIX + thread_id
        async with self._pool.connection() as conn:
            try:
                await conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (key,))
            except BaseException:
                # A wait given up (cancelled, timed out) could still be granted the lock later
                # on this connection; closing it hands the lock back for sure.
                await conn.close()
                raise
            try:
                yield
            finally:
                # A dropped connection releases the lock too; unlock only a live one.
                if not conn.closed:
                    await conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
