"""The database: one deferred proxy that every model uses, bound by ``init_database``.

SQLite is the embedded default: WAL journal, foreign keys on, a busy timeout, and
``atomic()`` blocks that begin ``IMMEDIATE`` so two writers queue instead of
failing half-way with "database is locked". PostgreSQL runs the same code through
a connection pool when ``DATABASE_URL`` says ``postgresql://…``.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, islice, repeat
from pathlib import Path
from typing import Any, Callable, TypeVar

from peewee import Database, DatabaseProxy, SqliteDatabase
from playhouse.db_url import parse
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

db = DatabaseProxy()
T = TypeVar("T")


def make_database(url: str, *, pool_size: int = 16, busy_timeout_ms: int = 15000) -> Database:
    """A peewee database for ``url`` (``sqlite:///path`` or ``postgresql://…``)."""
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1] if "sqlite:///" in url else ":memory:"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Pooled: the pragmas run once per connection, not once per request.
        return PooledSqliteDatabase(
            path,
            max_connections=pool_size,
            stale_timeout=600,
            timeout=30,  # waiting for a free pooled connection; SQLite's own wait is busy_timeout
            lock_type="IMMEDIATE",
            check_same_thread=False,  # a pooled connection serves one thread at a time, not always the same
            pragmas={
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": busy_timeout_ms,
                "synchronous": "normal",
                "cache_size": -32000,
            },
        )
    if url.startswith(("postgres://", "postgresql://")):
        params = parse(url)
        return PooledPostgresqlDatabase(
            params.pop("database"), max_connections=pool_size, stale_timeout=300,
            timeout=30, **params)
    raise ValueError(f"DATABASE_URL không được hỗ trợ: {url!r} (dùng sqlite:/// hoặc postgresql://)")


def init_database(config: dict[str, Any]) -> Database:
    """Bind the global proxy to the database the configuration names."""
    database = make_database(config["DATABASE_URL"], pool_size=config["DB_POOL_SIZE"],
                             busy_timeout_ms=config["SQLITE_BUSY_TIMEOUT_MS"])
    current = db.obj
    if current is not None:
        if not current.is_closed():
            current.close()
        current.close_all()
    db.initialize(database)
    return database


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


def in_transaction(fn: Callable[..., T]) -> Callable[..., T]:
    """Decorator: run ``fn`` in one write transaction (IMMEDIATE on SQLite)."""
    from functools import wraps

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with db.atomic():
            return fn(*args, **kwargs)

    return wrapper


class connected:
    """Context manager: use the open connection, or open one and close it after.

    Unlike ``db.connection_context()`` it never closes a connection it did not open,
    so a task run in-process inside a request leaves the request's connection alone.
    """

    def __enter__(self) -> "connected":
        self.opened = db.is_closed()
        if self.opened:
            db.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.opened and not db.is_closed():
            db.close()


PARAMETERS = 4000  # values bound per INSERT of many rows (SQLite allows 32,766; PostgreSQL 65,535)


def insert_rows(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]], count: int) -> None:
    """Insert ``count`` rows (values as stored) into ``table``, many rows per statement.

    One ``INSERT … VALUES (…), (…), …`` of some hundreds of rows runs the statement's setup
    (opening the table, its indexes and the foreign keys' parents) once for all of them;
    ``executemany`` runs it once per row: inserting 1.5 M scores took 8–11 s that way, 4–5 s so.
    """
    database = db.obj
    q = database.quote
    head = f"INSERT INTO {q[0]}{table}{q[1]} ({', '.join(q[0] + c + q[1] for c in columns)}) VALUES "
    row = f"({', '.join([database.param] * len(columns))})"
    per = max(1, PARAMETERS // len(columns))
    cursor, rows = database.cursor(), iter(rows)
    while count > 0:
        n = min(per, count)
        cursor.execute(head + ", ".join([row] * n), list(chain.from_iterable(islice(rows, n))))
        count -= n


def bulk_insert(model: Any, fields: list[Any], rows: list[tuple[Any, ...]]) -> int:
    """Insert many rows with few statements (``insert_rows``); returns the row count.

    peewee's ``insert_many`` builds the SQL text of every row in Python, which dominates an
    import of tens of thousands of rows. Here the columns are worked out once: the given
    ``fields``, plus every other field with a Python default (evaluated once for the whole
    call, so rows share a timestamp); each value goes through its field's ``db_value``, so
    scaled decimals and dates are stored as ``insert`` would store them. No ids are returned.
    """
    if not rows:
        return 0
    given = {f.name for f in fields}
    defaults = [f for f in model._meta.sorted_fields
                if f.name not in given and not f.primary_key and f.default is not None]
    extra = tuple(f.db_value(f.default() if callable(f.default) else f.default) for f in defaults)
    columns = [*fields, *defaults]
    converters = [f.db_value for f in fields]
    insert_rows(model._meta.table_name, [f.column_name for f in columns],
                (tuple(convert(v) for convert, v in zip(converters, row)) + extra for row in rows), len(rows))
    return len(rows)


@contextmanager
def temporary_ids(name: str, ids: Any) -> Iterator[str]:
    """A temporary table ``name`` (one integer column ``id``, the primary key) holding ``ids``, for
    statements about many rows at once (``… IN (SELECT id FROM <name>)``, ``UPDATE … FROM``);
    yields its quoted name and drops it on exit. Use it inside a transaction: the table
    belongs to the connection."""
    database = db.obj
    quoted = database.quote[0] + name + database.quote[1]
    database.execute_sql(f"DROP TABLE IF EXISTS {quoted}")
    database.execute_sql(f"CREATE TEMPORARY TABLE {quoted} (id INTEGER NOT NULL PRIMARY KEY)")
    unique = sorted(set(ids))
    insert_rows(name, ["id"], ((i,) for i in unique), len(unique))
    try:
        yield quoted
    finally:
        database.execute_sql(f"DROP TABLE IF EXISTS {quoted}")


class Shared:
    """One value for every row of ``bulk_insert_columns`` (converted once)."""
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class Stored:
    """A column of ``bulk_insert_columns`` whose values are already as the database stores them
    (ids, scaled integers, texts): written without a ``db_value`` call per row."""
    __slots__ = ("values",)

    def __init__(self, values: Any) -> None:
        self.values = values


def bulk_insert_columns(model: Any, columns: dict[Any, Any], count: int) -> int:
    """``bulk_insert`` of ``count`` rows given column by column: each field maps to a list of
    values (one per row), to a ``Shared`` value, converted once rather than once per row, or to
    ``Stored`` values. Every field with a Python default must be given (no default is filled
    in); no ids are returned."""
    if not count:
        return 0
    missing = [f.name for f in model._meta.sorted_fields
               if f not in columns and not f.primary_key and f.default is not None]
    if missing:
        raise ValueError(f"bulk_insert_columns: give {', '.join(missing)}")
    cells = [repeat(field.db_value(values.value), count) if isinstance(values, Shared)
             else values.values if isinstance(values, Stored)
             else map(field.db_value, values) for field, values in columns.items()]
    insert_rows(model._meta.table_name, [f.column_name for f in columns], zip(*cells), count)
    return count
