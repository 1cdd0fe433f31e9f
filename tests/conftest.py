"""Shared fixtures: a fresh migrated database per test (SQLite file copy, or a
PostgreSQL database cloned from a migrated template when ``DATABASE_URL`` names
one), the app with CSRF on, a client, a CLI runner and the factories."""
from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest

from emulation import create_app
from emulation.database import db, make_database
from emulation.migrations import upgrade

PG_URL = os.environ.get("DATABASE_URL", "")
USE_PG = PG_URL.startswith("postgres")
_counter = itertools.count()


def _admin_connection(url: str):
    import psycopg
    from playhouse.db_url import parse
    params = parse(url)
    params["dbname"] = "postgres"
    params.pop("database", None)
    return psycopg.connect(autocommit=True, **params)


def _pg_url_for(name: str) -> str:
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """Migrate once; each test starts from a copy."""
    if USE_PG:
        name = f"emulation_tpl_{os.getpid()}"
        with _admin_connection(PG_URL) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        database = make_database(_pg_url_for(name))
        database.connect()
        upgrade(database)
        database.close()
        database.close_all()
        yield name
        with _admin_connection(PG_URL) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        path = tmp_path_factory.mktemp("tpl") / "template.db"
        database = make_database(f"sqlite:///{path}")
        database.connect()
        upgrade(database)
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
        yield path


@pytest.fixture
def database_url(template_database, tmp_path):
    if USE_PG:
        name = f"emulation_t{os.getpid()}_{next(_counter)}"
        with _admin_connection(PG_URL) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        yield _pg_url_for(name)
        if db.obj is not None:
            db.obj.close_all() if hasattr(db.obj, "close_all") else db.obj.close()
        with _admin_connection(PG_URL) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        target = tmp_path / "instance" / "emulation.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(template_database, target)
        yield f"sqlite:///{target}"


@pytest.fixture(autouse=True)
def _thaw_clock():
    """Tests may freeze the platform clock; every test ends with it running again."""
    from emulation.clock import clock
    yield
    clock.frozen = None


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-0123456789abcdef-0123456789",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "HUEY_IMMEDIATE": True,
        "PASSWORD_MIN_LENGTH": 10,
        "ARGON2_TIME_COST": 1,          # still argon2id, cheaper: tests create many users
        "ARGON2_MEMORY_KIB": 8192,
    }


@pytest.fixture
def app(app_config):
    """The application. No app context is held open: Flask would reuse it for every
    request, sharing ``g`` (and the logged-in user) between test clients."""
    app = create_app(app_config)
    yield app
    from emulation import wal
    wal.settle()        # a checkpoint a large write started beside it ends before the files go
    if not db.is_closed():
        db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    from tests.factories import Factory
    return Factory()


@pytest.fixture
def login(client):
    from tests.helpers import login as do_login

    def _login(user, password: str = "mat-khau-demo-2026", c=None):
        return do_login(c or client, user.username, password)
    return _login


ROOT = Path(__file__).resolve().parent.parent
