"""What every benchmark shares: an app on a temporary instance, migrated, with cheap password hashing."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def bench_app(instance: str, **overrides):
    """The app on ``instance`` (SQLite), tasks run in-process, argon2 at its cheapest (logins are not measured)."""
    from emulation import create_app
    return create_app({"INSTANCE_PATH": instance, "HUEY_IMMEDIATE": True, "ARGON2_TIME_COST": 1,
                       "ARGON2_MEMORY_KIB": 8192, "SECRET_KEY": "bench-secret-key-0123456789abcdefghijkl",
                       **overrides})


def migrated() -> None:
    """Apply every migration to the bound database."""
    from emulation.database import db
    from emulation.migrations import upgrade
    upgrade(db.obj)
