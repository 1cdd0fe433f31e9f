"""Background tasks run by the huey worker (``emulation worker``).

Each task opens its own database connection (or uses the caller's when run in-process).
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


@huey.task()
def refresh_campaign_results(campaign_id: int) -> int:
    """Rebuild one campaign's results table (scores, ranks, award outcomes); returns the rows written.

    Queued refreshes coalesce: a run records the instant it STARTED reading as
    ``results_computed_at``, so a queued task whose request came strictly before that
    instant is already covered and returns 0 without work. Forty reviews submitted while
    one refresh runs cost one more refresh, not forty.
    """
    from .models import Campaign
    from .services.results_refresh import refresh_results
    with connected():
        campaign = Campaign.get_or_none(Campaign.id == campaign_id)
        if campaign is None:
            return 0
        requested, computed = campaign.results_requested_at, campaign.results_computed_at
        if requested is not None and computed is not None and requested < computed:
            return 0
        return refresh_results(campaign).rows
