"""Downloads of a campaign's score sheet (bảng tổng hợp điểm) as .csv, .json or .xlsx.

``GET /campaigns/<id>/ranking/export.<csv|json|xlsx>?target=collective|individual&cluster=<id>``
(the cluster by id, as the ranking page links it). Who: the committee, the secretary and
the campaign's council members (``web.access.sees_ranking``); anyone else, an unknown
format, target or cluster: 404.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from ..models import Campaign, Cluster
from ..services import ranking_export as service
from .access import sees_ranking

bp = Blueprint("exports", __name__)


@bp.route("/campaigns/<int:campaign_id>/ranking/export.<fmt>")
def ranking(campaign_id: int, fmt: str):
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)
    if fmt not in service.FORMATS or not sees_ranking(current_user, campaign):
        abort(404)
    target = request.args.get("target", "collective")
    if target not in service.TARGETS:
        abort(404)
    cluster_id = request.args.get("cluster", type=int)
    cluster = (Cluster.get_or_none(Cluster.id == cluster_id) or abort(404)) if cluster_id else None
    sheet = service.score_sheet(campaign, target, cluster)
    return Response(service.render(sheet, fmt), mimetype=service.MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{service.filename(sheet, fmt)}"'})
