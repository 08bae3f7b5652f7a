"""Shared fixtures: a migrated, seeded SQLite file per test and a real PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from api.migrate import setup_in_subprocess
from tests.fake_provider import FakeProvider
from tools.db import dispose_engines

ROOT = Path(__file__).resolve().parent.parent
# Every test process shares one Chroma folder holding the shipped knowledge bases; syncing it
# is idempotent, so only a fresh clone pays for the embedding.
TEST_CHROMA = ROOT / "data" / "test-chroma"
os.environ["CHROMA_PATH"] = str(TEST_CHROMA)
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://lingograph@127.0.0.1:5432/lingograph_test"
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded SQLite file that tests copy."""
    path = tmp_path_factory.mktemp("template") / "lingograph.db"
    setup_in_subprocess(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated and seeded SQLite database for one test."""
    path = tmp_path / "lingograph.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session", autouse=True)
def grammar_knowledge_base() -> Path:
    """The shipped knowledge bases, ingested as `make run` does (tenant "default")."""
    from knowledge.ingest import seed_knowledge
    from knowledge.store import get_store

    seed_knowledge(get_store(str(TEST_CHROMA), None, "e5-small"))
    return TEST_CHROMA


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A new PostgreSQL database, migrated and seeded, dropped after the session."""
    admin = make_url(POSTGRES_ADMIN_URL)
    name = f"lingograph_t_{uuid.uuid4().hex[:10]}"
    admin_dsn = admin.render_as_string(hide_password=False)
    try:
        connection = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is required for these tests (run `make postgres`): {exc}")
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name).render_as_string(hide_password=False)
    setup_in_subprocess(url)
    yield url
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each backend in turn: a test using this runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(autouse=True)
async def _close_engines() -> AsyncIterator[None]:
    yield
    await dispose_engines()


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    """A fake Twilio / Cloud API / Telegram / Messenger server on 127.0.0.1."""
    with FakeProvider() as provider:
        yield provider
