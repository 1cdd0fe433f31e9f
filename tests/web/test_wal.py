"""A large write's log is copied into the database beside it, not inside its commit (``emulation.wal``)."""
from __future__ import annotations

import os

import pytest
from peewee import SqliteDatabase

from emulation import wal
from emulation.database import db

FILLER = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
          "INSERT INTO filler SELECT hex(randomblob(1000)) FROM n")     # ≈ 6 MB: some 1,500 pages


@pytest.fixture
def sqlite_file(app):
    if not isinstance(db.obj, SqliteDatabase):
        pytest.skip("SQLite's write-ahead log")
    db.connect(reuse_if_open=True)
    db.execute_sql("CREATE TABLE filler (t TEXT)")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    yield db.obj.database
    db.execute_sql("DROP TABLE filler")


def _write() -> None:
    with db.atomic():
        db.execute_sql(FILLER)


def test_a_commit_checkpoints_by_itself_otherwise(sqlite_file):
    before = os.path.getsize(sqlite_file)
    _write()
    assert os.path.getsize(sqlite_file) > before + 5_000_000


def test_held_checkpoints_leave_the_file_as_it_was_until_the_thread_copies_the_log(sqlite_file):
    before, ended = os.path.getsize(sqlite_file), wal.ended()
    with wal.checkpoints_held():
        _write()
        assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        assert os.path.getsize(sqlite_file) == before, "the commit checkpointed"
        wal.checkpoint_beside()
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == wal.AUTOCHECKPOINT
    wal.settle()
    assert os.path.getsize(sqlite_file) > before + 5_000_000
    assert wal.ended() == ended + 1
    assert db.execute_sql("SELECT COUNT(*) FROM filler").fetchone()[0] == 3000


def test_a_failed_write_restores_the_automatic_checkpoint(sqlite_file):
    with pytest.raises(RuntimeError):
        with wal.checkpoints_held():
            raise RuntimeError("refused")
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == wal.AUTOCHECKPOINT
