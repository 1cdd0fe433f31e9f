"""The council screen (xét đề nghị khen thưởng): proposals with reasons, changes, tie groups, publication."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN

from ..domain import council as rules
from ..models import AwardRule, Campaign, Cluster, CouncilChange, Objection, Person, Result, Submission, Unit, User
from ..services import ServiceError, translate
from ..services import council as service
from ..services.publication import can_object, publish_results, when
from .access import sees_ranking
from .ranking import _Reason

bp = Blueprint("council", __name__)
CANDIDATES = 20     # unawarded ranked entries offered for an "add" per target


def council_campaign(campaign_id: int) -> Campaign:
    """The campaign, for whoever sees its full ranking (``access.sees_ranking``; 404 otherwise)."""
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)
    if not sees_ranking(current_user, campaign):
        abort(404)
    return campaign


def _rows(campaign: Campaign, finals: dict) -> dict[str, list]:
    """Per target: the awarded, undecided and removed rows first, then the best CANDIDATES others."""
    interesting = [sid for sid, f in finals.items() if f.status != rules.NONE or f.source]
    query = (Result.select(Result, Submission, Unit, Person, Cluster).join(Submission).join(Unit)
             .switch(Submission).join(Person, JOIN.LEFT_OUTER).switch(Result).join(Cluster, JOIN.LEFT_OUTER)
             .where(Result.campaign == campaign))
    rows = list(query.where(Result.submission.in_(interesting))) if interesting else []
    for target in ("collective", "individual"):
        rows += list(query.where(Result.target == target, Result.rank_overall.is_null(False),
                                 Result.submission.not_in(interesting or [0]))
                     .order_by(Result.rank_overall, Result.submission).limit(CANDIDATES))
    by_target: dict[str, list] = {"collective": [], "individual": []}
    for r in sorted(rows, key=lambda r: (r.rank_overall is None, r.rank_overall or 0, r.submission_id)):
        r.outcomes = [(o, translate(_Reason(o))) for o in json.loads(r.proposal or "[]")]
        r.final = finals.get(r.submission_id) or rules.Final(r.submission_id, rules.NONE)
        by_target[r.target].append(r)
    return by_target


@bp.route("/campaigns/<int:campaign_id>/council")
def index(campaign_id: int, kept: dict | None = None, status: int = 200):
    campaign = council_campaign(campaign_id)
    book = service.ledger(campaign)
    finals = book.final
    rule_rows = list(AwardRule.select().where(AwardRule.campaign == campaign).order_by(AwardRule.precedence))
    history = list(CouncilChange.select(CouncilChange, User).join(User)
                   .where(CouncilChange.campaign == campaign).order_by(CouncilChange.id.desc()).limit(50))
    groups = service.open_groups(campaign, book)
    members = [o.submission_id for g in groups for o in g.members]
    group_rows = {r.submission_id: r for r in (
        Result.select(Result, Submission, Unit, Person).join(Submission).join(Unit).switch(Submission)
        .join(Person, JOIN.LEFT_OUTER).where(Result.submission.in_(members or [0])))}
    return render_template(
        "council/index.html", group_rows=group_rows, campaign=campaign, rows=_rows(campaign, finals), rules=rule_rows,
        titles={r.id: r.title for r in rule_rows}, groups=groups, history=history,
        frozen_by=service.frozen_by(campaign), kept=kept or {}, objections_open=can_object(campaign),
        objection_count=Objection.select().where(Objection.campaign == campaign).count(),
        may_change=current_user.has_role("committee", "secretary"),
        awarded=sum(1 for f in finals.values() if f.status == rules.AWARDED),
        undecided=sum(1 for f in finals.values() if f.status == rules.UNDECIDED)), status


def _refused(campaign: Campaign, error: ServiceError, kept: dict):
    flash(error.message, "error")
    return index(campaign.id, kept=kept, status=422)


@bp.route("/campaigns/<int:campaign_id>/council/change", methods=["POST"])
def change(campaign_id: int):
    campaign = council_campaign(campaign_id)
    submission = Submission.get_or_none(Submission.id == request.form.get("submission", type=int),
                                        Submission.campaign == campaign) or abort(404)
    rule = AwardRule.get_or_none(AwardRule.id == request.form.get("rule", type=int),
                                 AwardRule.campaign == campaign) or abort(404)
    action = request.form.get("action", "")
    reason = request.form.get("reason", "")
    try:
        service.change_award(current_user, campaign, submission, rule, action, reason)
    except ServiceError as error:
        return _refused(campaign, error, {"change": submission.id, "reason": reason, "rule": rule.id})
    flash(_("Đã ghi: %(what)s «%(title)s» cho %(name)s.",
            what=_("bổ sung đề nghị") if action == "add" else _("bỏ đề nghị"), title=rule.title,
            name=submission.person.full_name if submission.person_id else submission.unit.name), "success")
    return redirect(url_for("council.index", campaign_id=campaign.id, _anchor=f"s{submission.id}"))


@bp.route("/campaigns/<int:campaign_id>/council/resolve", methods=["POST"])
def resolve(campaign_id: int):
    campaign = council_campaign(campaign_id)
    key = request.form.get("group", "")
    chosen = {int(v) for v in request.form.getlist("chosen") if v.isdigit()}
    reason = request.form.get("reason", "")
    try:
        made = service.resolve(current_user, campaign, key, chosen, reason)
    except ServiceError as error:
        return _refused(campaign, error, {"group": key, "reason": reason, "chosen": chosen})
    flash(_("Đã giải quyết nhóm đồng hạng: %(a)d hồ sơ được đề nghị, %(b)d không.",
            a=sum(1 for c in made if c.action == "add"), b=sum(1 for c in made if c.action == "remove")), "success")
    return redirect(url_for("council.index", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/publish", methods=["POST"])
def publish(campaign_id: int):
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)
    try:
        publish_results(current_user, campaign)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Đã công khai kết quả; các đơn vị gửi ý kiến phản hồi đến %(d)s.",
                d=when(campaign.publication_closes, campaign)), "success")
    return redirect(url_for("council.index", campaign_id=campaign.id))

