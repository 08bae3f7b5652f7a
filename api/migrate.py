"""Schema migrations (Alembic), checkpoint tables and the starter course."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from api.checkpointer import setup_checkpointer
from api.dispatch.jobs import apply_queue_schema
from knowledge.seed import SeedReport, seed_course
from tools.db import dispose_engines, session_scope
from tools.db.url import is_postgres
from tools.resources import packaged


def alembic_config(database_url: str) -> Config:
    """The Alembic config shipped in tools/db, pointed at a database URL."""
    config = Config(str(packaged("tools.db", "alembic.ini")))
    config.set_main_option("script_location", str(packaged("tools.db", "migrations")))
    config.attributes["database_url"] = database_url
    return config


def migrate(database_url: str) -> None:
    """Bring the app schema and the checkpoint tables up to date (idempotent)."""
    command.upgrade(alembic_config(database_url), "head")
    asyncio.run(setup_checkpointer(database_url))
    if is_postgres(database_url):
        asyncio.run(apply_queue_schema(database_url))


async def seed(database_url: str) -> SeedReport:
    """Load or update the starter course (idempotent)."""
    try:
        async with session_scope(database_url) as session:
            return await seed_course(session)
    finally:
        await dispose_engines()


def setup_in_subprocess(database_url: str, cwd: Path | None = None) -> None:
    """Run `lingograph setup` for a database in a fresh process (its own event loop)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "-m", "api.cli", "setup"],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
