"""Storage behind a small repository interface (SQLite today, another database later)."""

from core.storage.base import Repository
from core.storage.sqlite import SqliteRepository, open_repository

__all__ = ["Repository", "SqliteRepository", "open_repository"]
