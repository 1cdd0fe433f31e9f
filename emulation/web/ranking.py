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
from .access import sees_ranking

bp = Blueprint("ranking", __name__)
TARGETS = ("collective", "individual")
PAGE_SIZE = 100
# The columns the page reads (the template and ``index``): a field left out reads as None, so
# add it here when the page shows more.
SHOWN = (Result.id, Result.submission, Result.cluster, Result.S, Result.P, Result.L, Result.F, Result.pending,
         Result.flags, Result.band, Result.rank_overall, Result.rank_cluster, Result.proposal,
         Submission.id, Submission.unit, Submission.person, Unit.id, Unit.name, Person.id, Person.full_name,
         Cluster.id, Cluster.code)


class _Reason:
    """A stored award outcome, translatable like a domain message."""

    def __init__(self, outcome: dict) -> None:
        self.template, self.params = outcome["template"], tuple(outcome["params"].items())


def _campaign(campaign_id: int) -> Campaign:
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)
    if not sees_ranking(current_user, campaign):
        abort(404)
    return campaign


@bp.route("/campaigns/<int:campaign_id>/ranking")
def index(campaign_id: int):
    campaign = _campaign(campaign_id)
    target = request.args.get("target", "collective")
    if target not in TARGETS:
        abort(404)
    cluster_id = request.args.get("cluster", type=int)
    scope = (Result.campaign == campaign) & (Result.target == target)
    if cluster_id:
        scope &= Result.cluster == cluster_id
    rank_field = Result.rank_cluster if cluster_id else Result.rank_overall
    page = max(request.args.get("page", 1, type=int), 1)
    rows = _page(scope, rank_field, page)
    titles = {r.id: r.title for r in AwardRule.select(AwardRule.id, AwardRule.title)
              .where(AwardRule.campaign == campaign)}
    awards = {}
    for r in rows:
        outcomes = [o for o in json.loads(r.proposal or "[]") if o["status"] in ("proposed", "council_decides")]
        awards[r.id] = [(titles.get(o["rule"], ""), o["status"], translate(_Reason(o))) for o in outcomes]
    # one probe of the result_cluster_id index per cluster, not a pass over every result
    clusters = list(Cluster.select().where(fn.EXISTS(Result.select(Result.id).where(
        Result.cluster == Cluster.id, Result.campaign == campaign))).order_by(Cluster.code))
    return render_template("ranking/index.html", campaign=campaign, target=target, cluster_id=cluster_id,
                           rows=rows, rank_field=rank_field.name, awards=awards, clusters=clusters,
                           refreshing=refreshing(campaign), page=page, has_next=len(rows) == PAGE_SIZE)


def _page(scope, rank_field, page: int) -> list[Result]:
    """One page of the ranking: ranked rows by rank, then name and submission; then pending rows by name.

    Read as two queries so that the ranked part walks the (campaign, target, rank) index and
    stops after a page, instead of sorting every result of the campaign.
    """
    offset = (page - 1) * PAGE_SIZE
    name = fn.COALESCE(Person.full_name, Unit.name)
    query = (Result.select(*SHOWN).join(Submission).join(Unit)
             .switch(Submission).join(Person, JOIN.LEFT_OUTER).switch(Result).join(Cluster, JOIN.LEFT_OUTER))
    ranked = rank_field.is_null(False)
    rows = list(query.where(scope, ranked).order_by(rank_field, name, Result.submission)
                .limit(PAGE_SIZE).offset(offset))
    if rows or not offset:
        ranked_count = offset + len(rows)     # exact unless this page was full (then no pending row shows)
    else:                                     # a page past the ranked rows
        ranked_count = Result.select(fn.COUNT(Result.id)).where(scope, ranked).scalar()
    rows.extend(query.where(scope, rank_field.is_null()).order_by(name, Result.submission)
                .limit(PAGE_SIZE - len(rows)).offset(max(offset - ranked_count, 0)))
    return rows


@bp.route("/campaigns/<int:campaign_id>/ranking/refresh", methods=["POST"])
def refresh(campaign_id: int):
    campaign = _campaign(campaign_id)
    request_refresh(campaign)
    flash(_("Đã yêu cầu tính lại kết quả; trang sẽ cập nhật khi tính xong."), "success")
    return redirect(url_for("ranking.index", campaign_id=campaign.id, target=request.form.get("target", "collective")))
