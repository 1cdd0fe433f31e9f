"""Background tasks run by the huey worker (``emulation worker``).

Each task opens its own database connection (or uses the caller's when run in-process).
"""
from __future__ import annotations

import threading

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


@huey.periodic_task(crontab(minute="*"))
def resume_results_refreshes(older_than_seconds: int = 120) -> int:
    """Every minute: queue again the refreshes asked for and never done; returns how many.

    A refresh request lives in the queue; a worker killed while running it (or before)
    loses it, and the pages would say "đang cập nhật" for ever. The request is also in the
    database (``results_requested_at`` later than ``results_computed_at``, or never
    computed), so it is queued again: at a worker's start for every such campaign, every
    minute for the requests older than ``older_than_seconds`` (younger ones are most likely
    queued or running), and never for a campaign whose refresh is waiting in the queue. A
    refresh that turns out to be covered already returns at once.
    """
    import datetime as dt

    from .models import Campaign, utcnow
    with connected():
        stale = Campaign.results_requested_at.is_null(False) & (
            Campaign.results_computed_at.is_null() | (Campaign.results_requested_at > Campaign.results_computed_at))
        if older_than_seconds:
            stale &= Campaign.results_requested_at <= utcnow() - dt.timedelta(seconds=older_than_seconds)
        ids = [c.id for c in Campaign.select(Campaign.id).where(stale).order_by(Campaign.id)]
    name = refresh_campaign_results.task_class.__name__
    queued = {task.args[0] for task in huey.pending() if task.name == name and task.args}
    ids = [i for i in ids if i not in queued]
    for campaign_id in ids:
        refresh_campaign_results(campaign_id)
    return len(ids)


@huey.task()
def run_certificate_batch(batch_id: int) -> int:
    """Render what is left of a certificate batch (``services.issuing_worker``); returns the
    chunks this run recorded. Any number of these may run at once, on any workers."""
    from .services.issuing_worker import run_batch
    with connected():
        return run_batch(batch_id)


@huey.periodic_task(crontab(minute="*"))
def resume_certificate_batches() -> int:
    """Every minute: queue again the unfinished batches no live worker is working on."""
    from .services.issuing import resume_unfinished
    with connected():
        return resume_unfinished()


@huey.on_startup()
def _resume_on_startup() -> None:
    """A worker starting (e.g. after a kill -9) takes up the unfinished batches and the lost
    results refreshes at once."""
    if huey.immediate:
        return
    resume_certificate_batches.call_local()
    with _startup_lock:     # the hook runs in every worker thread; one queue of the lost refreshes is enough
        first = not _refreshes_resumed.is_set()
        _refreshes_resumed.set()
    if first:
        resume_results_refreshes.call_local(older_than_seconds=0)


_startup_lock = threading.Lock()
_refreshes_resumed = threading.Event()


@huey.on_shutdown()
def _close_render_process() -> None:
    """A worker thread stopping (Ctrl-C, SIGTERM) ends its render process with it."""
    from .services.render_process import close_render_process
    close_render_process()
