"""Backups of the database: an online, consistent copy, and its restore.

Rules:
- SQLite: the backup is made with SQLite's online backup API while the platform runs (a
  consistent snapshot, WAL included); restoring copies it over the database file (stop the
  web servers and the worker first).
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --no-owner --clean --if-exists``
  of the configured database (the client tools must match the server's major version).
- Evidence and certificate files are plain files (content-addressed or hash-recorded):
  they are copied with the instance folder, not by these commands.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from peewee import SqliteDatabase

from ..database import db


def _pg_url() -> str:
    from flask import current_app
    return current_app.config["DATABASE_URL"]


def backup(target: Path) -> Path:
    """Write a consistent copy of the running database to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(db.obj, SqliteDatabase):
        source = sqlite3.connect(db.obj.database)
        try:
            copy = sqlite3.connect(str(target))
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        return target
    subprocess.run(["pg_dump", "--format=custom", f"--file={target}", _pg_url()], check=True)
    return target


def restore(source: Path) -> None:
    """Put ``source`` (a backup made by :func:`backup`) in place of the database (platform stopped)."""
    if not source.is_file():
        raise FileNotFoundError(source)
    if isinstance(db.obj, SqliteDatabase):
        if not db.is_closed():
            db.close()
        db.obj.close_all()
        path = Path(db.obj.database)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, path)
        return
    db.obj.close_all()
    subprocess.run(["pg_restore", "--no-owner", "--clean", "--if-exists", f"--dbname={_pg_url()}", str(source)],
                   check=True)
