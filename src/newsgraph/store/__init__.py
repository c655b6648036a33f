"""The SQLite store: one file holds articles, their sources, errors and (later) all annotations."""

from .db import SearchHit, Store
from .migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SearchHit", "Store"]
