"""Home pages: each role lands on its own."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ..models import (Campaign, CampaignUnit, Cluster, CriteriaSet, Nomination, Person, ReturnNote, Submission,
                      Objection, Unit, User)
from ..services import campaigns as campaign_service
from ..services import explain, results, submissions
from ..services.publication import can_object

bp = Blueprint("home", __name__)

HOME_BY_ROLE = (("committee", "home.committee"), ("secretary", "home.secretary"),
                ("leader", "home.reviewer"), ("peer", "home.reviewer"), ("officer", "home.officer"))


@bp.route("/")
def index():
    roles = current_user.roles()
    for role, endpoint in HOME_BY_ROLE:
        if role in roles:
            return redirect(url_for(endpoint))
    return render_template("home/no_role.html")


@bp.route("/committee")
def committee():
    counts = {
        "campaigns": Campaign.select().count(), "criteria": CriteriaSet.select().count(),
        "units": Unit.select().where(Unit.active == True).count(),  # noqa: E712
        "clusters": Cluster.select().count(), "people": Person.select().count(),
        "users": User.select().count(),
    }
    return render_template("home/committee.html", counts=counts,
                           campaigns=campaign_service.overview())


@bp.route("/secretary")
def secretary():
    return render_template("home/secretary.html", campaigns=campaign_service.overview())


@bp.route("/unit")
def officer():
    unit_ids = current_user.officer_unit_ids()
    units = list(Unit.select().where(Unit.id.in_(unit_ids)).order_by(Unit.name))
    rows = (CampaignUnit.select(CampaignUnit, Campaign).join(Campaign)
            .where(CampaignUnit.unit.in_(unit_ids)).order_by(Campaign.submission_closes))
    campaigns = []
    for r in rows:
        row = campaign_service.describe(r.campaign)
        submission = Submission.get_or_none(Submission.campaign == r.campaign,
                                            Submission.subject_key == f"unit:{r.unit_id}")
        row["unit_id"] = r.unit_id
        row["submission"] = submission
        row["nominations"] = list(
            Nomination.select(Nomination, Person, Submission).join(Person).switch(Nomination).join(Submission)
            .where(Nomination.campaign == r.campaign, Nomination.unit == r.unit_id).order_by(Nomination.id))
        if submission is not None:
            row["state"] = submissions.effective_state(submission)
            row["progress"] = submissions.progress(submission)
            row["results"] = results.unit_comparison(submission)
            row["can_object"] = can_object(r.campaign)
            row["explainable"] = explain.available(current_user, submission)
            row["objections"] = list(Objection.select().where(Objection.submission == submission))
            row["open_notes"] = list(ReturnNote.select().where(ReturnNote.submission == submission,
                                                               ReturnNote.resolved_at.is_null()))
        campaigns.append(row)
    return render_template("home/officer.html", units=units, campaigns=campaigns)


@bp.route("/review")
def reviewer():
    ids = current_user.reviewer_campaign_ids("peer") | current_user.reviewer_campaign_ids("leader")
    campaigns = [campaign_service.describe(c) for c in
                 Campaign.select().where(Campaign.id.in_(ids)).order_by(Campaign.review_closes)]
    roles = {cid: [r for r in ("peer", "leader") if cid in current_user.reviewer_campaign_ids(r)]
             for cid in ids}
    return render_template("home/reviewer.html", campaigns=campaigns, roles=roles)
