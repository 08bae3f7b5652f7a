"""Checkpoint savers: SQLite by default, PostgreSQL (over a psycopg pool) for postgres URLs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from langgraph.checkpoint.base import BaseCheckpointSaver

from tools.db.url import is_postgres, libpq_conninfo, sqlite_file


@asynccontextmanager
async def open_checkpointer(
    database_url: str, *, max_size: int = 10
) -> AsyncIterator[BaseCheckpointSaver]:
    """A saver for the database URL, open for the duration of the block."""
    if is_postgres(database_url):
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import AsyncConnectionPool

        pool = AsyncConnectionPool(
            libpq_conninfo(database_url),
            min_size=1,
            max_size=max_size,
            open=False,
            kwargs={"autocommit": True, "row_factory": dict_row, "prepare_threshold": 0},
        )
        await pool.open(wait=True, timeout=10)
        try:
            yield AsyncPostgresSaver(pool)
        finally:
            await pool.close()
    else:
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        path = sqlite_file(database_url, create_folder=True)
        async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
            await saver.conn.execute("PRAGMA journal_mode=WAL")
            await saver.conn.execute("PRAGMA busy_timeout=10000")
            yield saver


async def setup_checkpointer(database_url: str) -> None:
    """Create or migrate the checkpoint tables (run once, at migrate time)."""
    async with open_checkpointer(database_url, max_size=1) as saver:
        await saver.setup()


async def ping_checkpointer(saver: BaseCheckpointSaver) -> None:
    """Raise if the saver's database cannot be reached."""
    await saver.aget_tuple({"configurable": {"thread_id": "__health__", "checkpoint_ns": ""}})


_SQLITE_PRUNE = [
    """DELETE FROM writes WHERE thread_id = ? AND (checkpoint_ns, checkpoint_id) NOT IN
       (SELECT checkpoint_ns, MAX(checkpoint_id) FROM checkpoints WHERE thread_id = ?
        GROUP BY checkpoint_ns)""",
    """DELETE FROM checkpoints WHERE thread_id = ? AND (checkpoint_ns, checkpoint_id) NOT IN
       (SELECT checkpoint_ns, MAX(checkpoint_id) FROM checkpoints WHERE thread_id = ?
        GROUP BY checkpoint_ns)""",
]


async def prune_thread(saver: BaseCheckpointSaver, thread_id: str) -> None:
    """Keep only a thread's latest checkpoint: stock savers keep every one, forever."""
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    if isinstance(saver, AsyncPostgresSaver):
        await saver.aprune([thread_id], strategy="keep_latest")
    elif isinstance(saver, AsyncSqliteSaver):
        async with saver.lock:
            for statement in _SQLITE_PRUNE:
                await saver.conn.execute(statement, (thread_id, thread_id))
            await saver.conn.commit()
