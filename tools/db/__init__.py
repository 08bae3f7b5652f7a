"""The app database: models, engines and sessions (SQLite or PostgreSQL, one schema)."""

from tools.db.engine import dispose_engines, get_engine, session_scope
from tools.db.url import sqlalchemy_url

__all__ = ["dispose_engines", "get_engine", "session_scope", "sqlalchemy_url"]
