"""SQLite's write-ahead log copied into the database beside a large write, not inside its commit.

In WAL mode the connection whose commit leaves the log above 1,000 pages
(``wal_autocheckpoint``) copies the log into the database file before its commit returns.
After a score import of 1.5 M rows (a 300 MB log) that is ≈ 2 s of the import, with the
secretary waiting for it. PostgreSQL leaves this work to its checkpointer process; these two
helpers do the same for one large write on SQLite:

- inside ``checkpoints_held()`` the connection does not checkpoint when it commits;
- ``checkpoint_beside()``, called once the write has committed, starts a thread that checkpoints
  with a connection of its own, PASSIVE: it never waits for readers or writers, and a
  connection committing meanwhile finds the checkpoint lock taken and skips its own attempt.

The log's content is durable at the commit either way (``synchronous=normal`` in WAL mode);
only the copy into the database file moves. Nothing changes for PostgreSQL or an in-memory
database. The thread is not a daemon, so a command waits for it before it exits; ``settle()``
waits for every checkpoint started (tests, benchmarks).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from peewee import SqliteDatabase

from .database import db

log = logging.getLogger(__name__)
AUTOCHECKPOINT = 1000       # pages: SQLite's default, restored after ``checkpoints_held``
_started: list[threading.Thread] = []
durations: deque[float] = deque(maxlen=100)     # seconds the last checkpoints took, in the order they ended
_ended = [0]      # checkpoints ended in this process
_lock = threading.Lock()


def _file() -> str | None:
    """The path of the bound SQLite database file; None for PostgreSQL or an in-memory database."""
    database = db.obj
    if not isinstance(database, SqliteDatabase):
        return None
    path = database.database
    return None if path in ("", ":memory:") or path.startswith("file::memory:") else path


@contextmanager
def checkpoints_held() -> Iterator[None]:
    """Inside the block this connection's commits leave the log as it is (no automatic checkpoint)."""
    if _file() is None:
        yield
        return
    db.execute_sql("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT}")


def checkpoint_beside() -> None:
    """Copy the log into the database file in a thread of its own (PASSIVE checkpoint)."""
    path = _file()
    if path is None:
        return
    thread = threading.Thread(target=_checkpoint, args=(path,), name="wal-checkpoint")
    _started[:] = [t for t in _started if t.is_alive()]
    _started.append(thread)
    thread.start()


def _checkpoint(path: str) -> None:
    start = time.perf_counter()
    try:
        connection = sqlite3.connect(path, timeout=30)
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:       # harmless: the log stays, and the next automatic checkpoint copies it
        log.warning("WAL checkpoint of %s failed", path, exc_info=True)
        return
    with _lock:
        durations.append(time.perf_counter() - start)
        _ended[0] += 1


def ended() -> int:
    """How many checkpoints have ended in this process."""
    return _ended[0]


def settle() -> None:
    """Wait for every checkpoint started so far."""
    while _started:
        _started.pop().join()
