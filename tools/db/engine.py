"""Async engines and sessions, one engine per database URL per process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from tools.db.url import is_postgres, sqlalchemy_url

_engines: dict[str, AsyncEngine] = {}
_sessionmakers: dict[str, async_sessionmaker[AsyncSession]] = {}


def _enable_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the checkpointer and the app write the same file without blocking readers.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def get_engine(database_url: str) -> AsyncEngine:
    """The process's engine for a database URL, created on first use."""
    if database_url not in _engines:
        url = sqlalchemy_url(database_url)
        if not is_postgres(database_url):
            # One connection: SQLite has a single writer anyway, and queueing in the pool is
            # far cheaper than connections sleeping in SQLite's busy handler.
            engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=60)
            event.listen(engine.sync_engine, "connect", _enable_sqlite_pragmas)
        else:
            engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
        _engines[database_url] = engine
    return _engines[database_url]


def sessionmaker(database_url: str) -> async_sessionmaker[AsyncSession]:
    """The session factory bound to a database URL's engine."""
    if database_url not in _sessionmakers:
        _sessionmakers[database_url] = async_sessionmaker(
            get_engine(database_url), expire_on_commit=False
        )
    return _sessionmakers[database_url]


@asynccontextmanager
async def session_scope(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    async with sessionmaker(database_url)() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def dispose_engines() -> None:
    """Close every pooled connection (at shutdown, or before the event loop ends)."""
    for engine in _engines.values():
        await engine.dispose()
    _engines.clear()
    _sessionmakers.clear()
