"""A large write's connection settings on SQLite (``emulation.bulk_write``), set and always set back."""
from __future__ import annotations

import pytest
from peewee import IntegrityError, SqliteDatabase

from emulation.bulk_write import LARGE_CACHE_KIB, foreign_keys_off, large_write
from emulation.database import db


@pytest.fixture
def sqlite(app):
    if not isinstance(db.obj, SqliteDatabase):
        pytest.skip("SQLite's connection pragmas")
    db.connect(reuse_if_open=True)


def pragma(name: str) -> int:
    return db.execute_sql(f"PRAGMA {name}").fetchone()[0]


def test_the_cache_is_larger_inside_and_as_it_was_after(sqlite):
    before = pragma("cache_size")
    with large_write():
        assert pragma("cache_size") == -LARGE_CACHE_KIB
        assert pragma("wal_autocheckpoint") == 0
    assert pragma("cache_size") == before
    with pytest.raises(RuntimeError):
        with large_write():
            raise RuntimeError("refused")
    assert pragma("cache_size") == before


def test_foreign_keys_are_off_inside_and_on_again_after_even_on_error(sqlite):
    with foreign_keys_off():
        assert pragma("foreign_keys") == 0
    assert pragma("foreign_keys") == 1
    with pytest.raises(RuntimeError):
        with foreign_keys_off():
            raise RuntimeError("refused")
    assert pragma("foreign_keys") == 1


def test_inside_a_transaction_the_checks_stay(sqlite):
    """SQLite ignores the pragma in a transaction: a caller already in one keeps the checks."""
    with db.atomic():
        with foreign_keys_off():
            assert pragma("foreign_keys") == 1
            with pytest.raises(IntegrityError):
                db.execute_sql("INSERT INTO score (review_id, criterion_id, value, comment, evidence_verdict) "
                               "VALUES (987654, 987654, 1, '', '')")
    assert pragma("foreign_keys") == 1
