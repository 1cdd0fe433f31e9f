"""The read-only JSON API, version 1.

``GET /api/v1/campaigns/<slug>/ranking?target=collective|individual&cluster=<code>`` gives
the score sheet's JSON (``services.ranking_export.as_json``: the same document as the
JSON export). Who: the committee, the secretary and the campaign's council members
always (``web.access.sees_ranking``); everyone, signed in or not, once the campaign's
results are published (``results_published_at`` set). Otherwise, and for an unknown
campaign, cluster or target: 404 with a JSON error body, so that unpublished campaigns
cannot be told from missing ones. GET only, no cookies needed, nothing written.
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..models import Campaign, Cluster
from ..services import ranking_export as service
from .access import sees_ranking

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _not_found():
    response = jsonify(error="not_found", message=_("Không tìm thấy kết quả này hoặc kết quả chưa được công khai."))
    response.status_code = 404
    return response


@bp.route("/campaigns/<slug>/ranking")
def ranking(slug: str):
    campaign = Campaign.get_or_none(Campaign.slug == slug)
    if campaign is None or (campaign.results_published_at is None and not sees_ranking(current_user, campaign)):
        return _not_found()
    target = request.args.get("target", "collective")
    code = request.args.get("cluster", "").strip()
    cluster = Cluster.get_or_none(Cluster.code == code) if code else None
    if target not in service.TARGETS or (code and cluster is None):
        return _not_found()
    return Response(service.to_json(service.score_sheet(campaign, target, cluster)), mimetype="application/json")
