"""Background tasks run by the huey worker (``emulation worker``).

Each task opens its own database connection; later issues add certificate batches
and ranking refreshes here.
"""
from __future__ import annotations

from huey import crontab

from .database import connected, db
from .extensions import huey


@huey.task()
def ping() -> str:
    """Round trip through the queue and the database: proves a worker is alive."""
    with connected():
        db.execute_sql("SELECT 1")
    return "pong"


@huey.periodic_task(crontab(minute="*"))
def lock_closed_submissions() -> int:
    """Every minute: lock the submissions of campaigns whose submission window has closed.

    Writes are refused after the deadline whether or not this has run; locking makes
    the state visible and final.
    """
    from .services.submissions import lock_due
    with connected():
        return lock_due()
