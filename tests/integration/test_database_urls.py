"""Every accepted DATABASE_URL spelling puts app data, checkpoints and the queue in one place."""

from __future__ import annotations

import uuid

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from sqlalchemy.engine import make_url

from api.app import create_app
from api.migrate import setup_in_subprocess
from tests.conftest import POSTGRES_ADMIN_URL
from tools.db.url import backend_of, is_postgres, libpq_conninfo, sqlalchemy_url
from tools.settings import Settings


@pytest.fixture
def empty_postgres():
    """A new, empty PostgreSQL database name, dropped afterwards."""
    admin = make_url(POSTGRES_ADMIN_URL)
    name = f"lingograph_u_{uuid.uuid4().hex[:10]}"
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield admin.set(database=name)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def one_web_turn(settings: Settings) -> FastAPI:
    """Start the app on `settings`, have one learner say hello, and stop it again."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://lingograph.test") as client,
    ):
        app.state.locks_enabled = app.state.runner.thread_locks.enabled
        response = await client.post("/v1/web/messages", json={"user": "u1", "text": "hola"})
        assert response.status_code == 200, response.text
    return app


def _rows(conninfo: str, sql: str) -> list[tuple]:
    with psycopg.connect(conninfo) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
async def test_each_postgres_spelling_keeps_everything_in_postgres(
    scheme, empty_postgres, tmp_path, monkeypatch
):
    url = empty_postgres.set(drivername=scheme).render_as_string(hide_password=False)
    monkeypatch.chdir(tmp_path)  # a SQLite file named after the database would land here
    setup_in_subprocess(url, cwd=tmp_path)
    settings = Settings(database_url=url, lingograph_model=None)
    assert settings.is_postgres and settings.queue_backend == "procrastinate"

    app = await one_web_turn(settings)
    assert isinstance(app.state.checkpointer, AsyncPostgresSaver)
    assert app.state.locks_enabled

    conninfo = libpq_conninfo(url)
    assert _rows(conninfo, "SELECT count(*) FROM checkpoints")[0][0] >= 1
    assert _rows(conninfo, "SELECT count(*) FROM learners")[0][0] == 1
    assert _rows(conninfo, "SELECT to_regclass('procrastinate_jobs') IS NOT NULL")[0][0]
    assert list(tmp_path.iterdir()) == []


async def test_a_sqlite_url_keeps_everything_in_its_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "db" / "tutor.db"
    url = f"sqlite:///{path}"
    setup_in_subprocess(url, cwd=tmp_path)
    settings = Settings(database_url=url, lingograph_model=None)
    assert not settings.is_postgres and settings.queue_backend == "inline"
    await one_web_turn(settings)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db"]
    assert path.exists()


def test_data_dir_places_the_embedded_database_and_chroma(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CHROMA_PATH", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "state"))
    settings = Settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'state' / 'lingograph.db'}"
    assert settings.chroma_path == tmp_path / "state" / "chroma"


@pytest.mark.parametrize(
    ("url", "backend", "driver"),
    [
        ("sqlite:///data/x.db", "sqlite", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///data/x.db", "sqlite", "sqlite+aiosqlite"),
        ("postgres://u@h/db", "postgresql", "postgresql+psycopg"),
        ("postgresql://u@h/db", "postgresql", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql", "postgresql+psycopg"),
    ],
)
def test_one_rule_reads_every_accepted_spelling(url, backend, driver):
    assert backend_of(url) == backend
    assert is_postgres(url) == (backend == "postgresql")
    assert sqlalchemy_url(url).startswith(f"{driver}://")


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql+asyncpg://u@h/db", "not a url"])
def test_other_urls_are_refused_naming_the_accepted_spellings(url):
    with pytest.raises(ValueError, match="postgresql://"):
        Settings(database_url=url)
