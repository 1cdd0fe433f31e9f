"""Schema migrations, run by peewee's ``playhouse.migrations.Runner``.

Files ``NNNN_name.py`` define ``up(migrator, db)`` (and ``down``). New tables are
frozen copies of the models at the time, so old migrations never change meaning.
``emulation db upgrade`` applies what is pending; ``emulation db status`` lists them.
"""
from __future__ import annotations

from pathlib import Path

from peewee import Database
from playhouse.migrations import Runner

DIRECTORY = Path(__file__).resolve().parent


def runner(database: Database) -> Runner:
    return Runner(database, directory=str(DIRECTORY), table_name="schema_migration")


def upgrade(database: Database) -> list[str]:
    """Apply every pending migration in order; returns the names applied."""
    return runner(database).up()


def pending(database: Database) -> list[str]:
    return [m.name for m in runner(database).status() if not m.applied]
