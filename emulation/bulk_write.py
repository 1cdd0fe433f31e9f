"""One large write on a SQLite file (a score import of a million rows): its connection's settings.

``large_write()``, around the write and what it starts:

- the page cache is raised from 32 MB to 256 MB (``LARGE_CACHE_KIB``). A transaction that
  changes more pages than the cache holds spills them into the log before its commit, and a
  page changed again after its spill is written again: updating 1.3 M scores, grouped by new
  value, visits each page of ``score`` once per group. Set back afterwards (SQLite frees the
  pages above the smaller size).
- the log is not checkpointed at the commit but beside it (``wal.checkpoints_held``).

``foreign_keys_off()``, around the write's transaction: foreign keys are not checked row by
row (``PRAGMA foreign_keys = 0``). Sound because the caller writes only ids it has read, or
created, in that transaction, and the transaction holds the write lock from its first
statement (``BEGIN IMMEDIATE``): no parent can go in between. Checking 1.5 M new scores
against their review and criterion took 1.1–1.3 s (measured alone). SQLite ignores the pragma
inside a transaction: a caller already in one keeps the checks (slower, as correct).

Nothing changes for PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from peewee import SqliteDatabase

from . import wal
from .database import db

LARGE_CACHE_KIB = 262_144       # 256 MiB; negative in the pragma: KiB, not pages


@contextmanager
def large_write() -> Iterator[None]:
    """A larger page cache and held log checkpoints for the block (module rules)."""
    if not isinstance(db.obj, SqliteDatabase):
        yield
        return
    previous = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    db.execute_sql(f"PRAGMA cache_size = -{LARGE_CACHE_KIB}")
    try:
        with wal.checkpoints_held():
            yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {previous}")


@contextmanager
def foreign_keys_off() -> Iterator[None]:
    """Foreign keys not checked row by row for the block, which must write only ids it read or
    created under the write lock of its own transaction (module rules)."""
    if not isinstance(db.obj, SqliteDatabase) or not db.execute_sql("PRAGMA foreign_keys").fetchone()[0]:
        yield
        return
    db.execute_sql("PRAGMA foreign_keys = 0")
    try:
        yield
    finally:
        db.execute_sql("PRAGMA foreign_keys = 1")
