"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from tools.db.models import Base


def sync_url(database_url: str) -> str:
    return database_url.replace("postgresql://", "postgresql+psycopg://", 1)


def ours(obj, name, type_, reflected, compare_to) -> bool:
    """Only our tables: the checkpointer and the job queue own theirs."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in Base.metadata.tables


def test_migrated_schema_matches_the_models(database_url):
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_object": ours})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diffs == [], "write a migration for these model changes"
