"""The one rule for DATABASE_URL: which backend it names, and the URL each client needs."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

Backend = Literal["sqlite", "postgresql"]

# Every spelling accepted, and the backend it names. Other drivers are refused, not guessed at.
SCHEMES: dict[str, Backend] = {
    "sqlite": "sqlite",
    "sqlite+aiosqlite": "sqlite",
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "postgresql+psycopg": "postgresql",
}
ACCEPTED = "sqlite:///path/to/file.db, postgres://…, postgresql://… or postgresql+psycopg://…"


@lru_cache(maxsize=64)
def _parse(database_url: str) -> tuple[Backend, URL]:
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise ValueError(f"DATABASE_URL {database_url!r} is not a URL; use {ACCEPTED}") from None
    backend = SCHEMES.get(url.drivername)
    if backend is None:
        raise ValueError(f"DATABASE_URL scheme {url.drivername!r} is not supported; use {ACCEPTED}")
    return backend, url


def backend_of(database_url: str) -> Backend:
    """ "sqlite" or "postgresql"; a ValueError naming the accepted spellings otherwise."""
    return _parse(database_url)[0]


def is_postgres(database_url: str) -> bool:
    """Whether the URL names a PostgreSQL database (in any accepted spelling)."""
    return backend_of(database_url) == "postgresql"


def sqlalchemy_url(database_url: str) -> str:
    """The async SQLAlchemy URL: sqlite+aiosqlite or postgresql+psycopg."""
    backend, url = _parse(database_url)
    driver = "sqlite+aiosqlite" if backend == "sqlite" else "postgresql+psycopg"
    return url.set(drivername=driver).render_as_string(hide_password=False)


def libpq_conninfo(database_url: str) -> str:
    """A libpq connection string (psycopg, its pools, procrastinate) for a PostgreSQL URL."""
    backend, url = _parse(database_url)
    if backend != "postgresql":
        raise ValueError(f"{masked(database_url)} is not a PostgreSQL URL")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def sqlite_file(database_url: str, *, create_folder: bool = False) -> Path:
    """The file a SQLite URL points at; `create_folder` makes its folder (SQLite will not)."""
    backend, url = _parse(database_url)
    if backend != "sqlite":
        raise ValueError(f"{masked(database_url)} is not a SQLite URL")
    if not url.database or url.database == ":memory:":
        raise ValueError("SQLite needs a file, e.g. sqlite:///data/lingograph.db")
    path = Path(url.database)
    if create_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    return path


def masked(database_url: str) -> str:
    """The URL with its password hidden, for logs and messages."""
    try:
        return make_url(database_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable DATABASE_URL>"
