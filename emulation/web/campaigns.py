"""Committee: campaigns (create, view, edit)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peewee import JOIN

from ..models import Campaign, CampaignUnit, Cluster, Unit
from ..services import ServiceError
from ..services import campaigns as service
from .campaign_form import CampaignForm

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


def _get(campaign_id: int) -> Campaign:
    campaign = Campaign.get_or_none(Campaign.id == campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _unit_ids(form: CampaignForm) -> list[int]:
    if not form.clusters.data:
        return []
    return [u.id for u in Unit.select(Unit.id).where(Unit.cluster.in_(form.clusters.data),
                                                    Unit.active == True)]  # noqa: E712


def _save(form: CampaignForm, campaign: Campaign | None):
    data = form.to_input(_unit_ids(form))
    if data is None:
        return None
    try:
        if campaign is None:
            return service.create_campaign(current_user, data)
        return service.update_campaign(current_user, campaign, data)
    except ServiceError as error:
        for line in error.problems or [error.message]:
            name, sep, message = line.partition(": ")
            field = getattr(form, name, None) if sep else None
            if field is not None:  # the form's banner points at the marked fields
                field.errors = list(field.errors) + [message]
            else:
                flash(line, "error")
        return None


@bp.route("/")
def index():
    return render_template("campaigns/index.html", campaigns=service.overview())


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = CampaignForm()
    form.load_choices()
    if request.method == "GET":
        form.fill_defaults()
    if form.validate_on_submit():
        campaign = _save(form, None)
        if campaign is not None:
            flash(_("Đã tạo phong trào «%(t)s».", t=campaign.title), "success")
            return redirect(url_for("campaigns.view", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=None), 200 if not form.errors else 422


@bp.route("/<int:campaign_id>")
def view(campaign_id: int):
    campaign = _get(campaign_id)
    units = (Unit.select(Unit, Cluster).join(Cluster, join_type=JOIN.LEFT_OUTER)
             .join_from(Unit, CampaignUnit).where(CampaignUnit.campaign == campaign)
             .order_by(Cluster.code, Unit.name))
    return render_template("campaigns/view.html", info=service.describe(campaign),
                           campaign=campaign, policy=campaign.policy, units=list(units))


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
def edit(campaign_id: int):
    campaign = _get(campaign_id)
    form = CampaignForm()
    form.load_choices()
    if request.method == "GET":
        form.fill_from(campaign)
        form.clusters.data = sorted({u.cluster_id for u in Unit.select(Unit.cluster).join(CampaignUnit)
                                     .where(CampaignUnit.campaign == campaign) if u.cluster_id})
    if form.validate_on_submit():
        if _save(form, campaign) is not None:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("campaigns.view", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign), 200 if not form.errors else 422
