"""Rankings (bảng xếp hạng) read from the precomputed results table, and the on-demand refresh."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN, fn

from ..models import AwardRule, Campaign, Cluster, Person, Result, Submission, Unit
from ..services import translate
from ..services.results_refresh import refreshing, request_refresh

bp = Blueprint("ranking", __name__)
TARGETS = ("collective", "individual")
PAGE_SIZE = 100


class _Reason:
    """A stored award outcome, translatable like a domain message."""

    def __init__(self, outcome: dict) -> None:
        self.template, self.params = outcome["template"], tuple(outcome["params"].items())


def _campaign(campaign_id: int) -> Campaign:
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)
    if not current_user.has_role("committee", "secretary") \
            and campaign.id not in current_user.reviewer_campaign_ids("leader"):
        abort(404)
    return campaign


@bp.route("/campaigns/<int:campaign_id>/ranking")
def index(campaign_id: int):
    campaign = _campaign(campaign_id)
    target = request.args.get("target", "collective")
    if target not in TARGETS:
        abort(404)
    cluster_id = request.args.get("cluster", type=int)
    query = (Result.select(Result, Submission, Unit, Person, Cluster).join(Submission).join(Unit)
             .switch(Submission).join(Person, JOIN.LEFT_OUTER).switch(Result).join(Cluster, JOIN.LEFT_OUTER)
             .where(Result.campaign == campaign, Result.target == target))
    if cluster_id:
        query = query.where(Result.cluster == cluster_id)
    rank_field = Result.rank_cluster if cluster_id else Result.rank_overall
    page = max(request.args.get("page", 1, type=int), 1)
    name = fn.COALESCE(Person.full_name, Unit.name)
    rows = list(query.order_by(rank_field.is_null(), rank_field, name, Result.submission)
                .paginate(page, PAGE_SIZE))
    titles = {r.id: r.title for r in AwardRule.select(AwardRule.id, AwardRule.title)
              .where(AwardRule.campaign == campaign)}
    awards = {}
    for r in rows:
        outcomes = [o for o in json.loads(r.proposal or "[]") if o["status"] in ("proposed", "council_decides")]
        awards[r.id] = [(titles.get(o["rule"], ""), o["status"], translate(_Reason(o))) for o in outcomes]
    clusters = list(Cluster.select().where(Cluster.id.in_(
        Result.select(Result.cluster).where(Result.campaign == campaign))).order_by(Cluster.code))
    return render_template("ranking/index.html", campaign=campaign, target=target, cluster_id=cluster_id,
                           rows=rows, rank_field=rank_field.name, awards=awards, clusters=clusters,
                           refreshing=refreshing(campaign), page=page, has_next=len(rows) == PAGE_SIZE)


@bp.route("/campaigns/<int:campaign_id>/ranking/refresh", methods=["POST"])
def refresh(campaign_id: int):
    campaign = _campaign(campaign_id)
    request_refresh(campaign)
    flash(_("Đã yêu cầu tính lại kết quả; trang sẽ cập nhật khi tính xong."), "success")
    return redirect(url_for("ranking.index", campaign_id=campaign.id, target=request.form.get("target", "collective")))
