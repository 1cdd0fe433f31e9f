"""Committee tools: the audit log and the background worker's health."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from ..domain import audit_labels, audit_view
from ..extensions import huey
from ..tasks import ping
from .audit_filters import page_query, read_filters

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


@bp.route("/audit")
def audit():
    """The log, newest first, filtered by the query string (``audit_filters``), old → new as lines."""
    page = max(request.args.get("page", 1, type=int), 1)
    filters = read_filters(request.args, current_app.config["TIMEZONE"])
    events = list(page_query(filters, page, PAGE_SIZE))
    rows = [(e, audit_view.action_name(e.action), audit_view.object_name(e.object_type),
             audit_view.change_lines(e.old, e.new)) for e in events]
    return render_template("admin/audit.html", rows=rows, page=page, has_next=len(events) == PAGE_SIZE,
                           filters=filters, actions=audit_labels.ACTION_LABELS,
                           action_groups=audit_labels.ACTION_GROUPS,
                           objects={code: audit_view.object_name(code) for code in audit_labels.OBJECT_LABELS})


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
