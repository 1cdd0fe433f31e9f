"""Committee tools: the audit log and the background worker's health."""
from __future__ import annotations

from peewee import JOIN
from flask import Blueprint, current_app, render_template, request

from ..extensions import huey
from ..models import AuditEvent, User
from ..tasks import ping

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


@bp.route("/audit")
def audit():
    page = max(request.args.get("page", 1, type=int), 1)
    query = (AuditEvent.select(AuditEvent, User).join(User, join_type=JOIN.LEFT_OUTER)
             .order_by(AuditEvent.id.desc()))
    events = list(query.paginate(page, PAGE_SIZE))
    return render_template("admin/audit.html", events=events, page=page,
                           has_next=len(events) == PAGE_SIZE)


@bp.route("/system", methods=["GET", "POST"])
def system():
    """Shows the queue and, on POST, round-trips a task through the worker (waits ≤ 5 s)."""
    result = None
    if request.method == "POST":
        try:
            result = ping().get(blocking=True, timeout=5)
        except Exception:  # huey raises its own timeout/result errors
            result = None
        result = result or "timeout"
    return render_template("admin/system.html", result=result, pending=huey.pending_count(),
                           storage=type(huey.storage).__name__,
                           database=current_app.config["DATABASE_URL"].split("://")[0])
