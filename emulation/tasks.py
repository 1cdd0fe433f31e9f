"""Background tasks run by the huey worker (``emulation worker``).

Each task opens its own database connection; later issues add certificate batches
and ranking refreshes here.
"""
from __future__ import annotations

from .database import connected, db
from .extensions import huey


@huey.task()
def ping() -> str:
    """Round trip through the queue and the database: proves a worker is alive."""
    with connected():
        db.execute_sql("SELECT 1")
    return "pong"
