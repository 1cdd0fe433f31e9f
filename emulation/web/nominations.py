"""Unit officers nominate exemplary staff; each nomination opens an individual self-assessment."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from ..models import Campaign, CampaignUnit, Nomination, Person, Unit
from ..services import ServiceError
from ..services import nominations as service
from .forms import REQUIRED, apply_service_error, choices, length

bp = Blueprint("nominations", __name__)


class NominationForm(FlaskForm):
    person = SelectField(_l("Cán bộ được đề nghị"), coerce=int)
    position = StringField(_l("Chức vụ"), validators=[REQUIRED, length(200)])
    achievements = TextAreaField(_l("Tóm tắt thành tích"), validators=[REQUIRED, length(10000)],
                                 render_kw={"rows": 8})


def _unit_for(campaign: Campaign) -> Unit:
    wanted = request.args.get("unit", type=int)
    ids = current_user.officer_unit_ids()
    query = CampaignUnit.select().where(CampaignUnit.campaign == campaign, CampaignUnit.unit.in_(ids or {0}))
    if wanted is not None:
        query = query.where(CampaignUnit.unit == wanted)
    row = query.first()
    if row is None:
        abort(404)
    return row.unit


def _nomination(nomination_id: int) -> Nomination:
    nomination = Nomination.get_or_none(Nomination.id == nomination_id)
    if nomination is None or not (nomination.unit_id in current_user.officer_unit_ids()
                                  or current_user.has_role("committee", "secretary")):
        abort(404)
    return nomination


@bp.route("/campaigns/<int:campaign_id>/nominations/new", methods=["GET", "POST"])
def new(campaign_id: int):
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)
    unit = _unit_for(campaign)
    form = NominationForm()
    people = list(Person.select().where(Person.unit == unit, Person.active == True)  # noqa: E712
                  .order_by(Person.full_name))
    form.person.choices = [SelectChoice(0, _l("— Chọn cán bộ —"))] + [
        SelectChoice(p.id, f"{p.full_name} – {p.position}", render_kw={"data-position": p.position})
        for p in people]
    if form.validate_on_submit():
        person = Person.get_or_none(Person.id == form.person.data, Person.unit == unit)
        if person is None:
            form.person.errors = [_("Chọn một cán bộ của đơn vị.")]
        else:
            try:
                nomination = service.nominate(current_user, campaign, unit, person, form.position.data,
                                              form.achievements.data)
            except ServiceError as error:
                if not apply_service_error(form, error):
                    flash(error.message, "error")
            else:
                flash(_("Đã tạo đề nghị. Tiếp theo: cá nhân tự đánh giá theo bộ tiêu chí và tải minh chứng."),
                      "success")
                return redirect(url_for("submissions.view", submission_id=nomination.submission_id))
    used = Nomination.select().where(Nomination.campaign == campaign, Nomination.unit == unit).count()
    return render_template("nominations/form.html", form=form, campaign=campaign, unit=unit, nomination=None,
                           used=used), 422 if form.errors else 200


@bp.route("/nominations/<int:nomination_id>", methods=["GET", "POST"])
def edit(nomination_id: int):
    nomination = _nomination(nomination_id)
    form = NominationForm(obj=nomination if request.method == "GET" else None)
    form.person.choices = choices([(nomination.person_id, nomination.person.full_name)])
    form.person.data = nomination.person_id
    if request.method == "POST":
        if nomination.unit_id not in current_user.officer_unit_ids():
            abort(404)
        if form.validate_on_submit():
            try:
                service.update_nomination(current_user, nomination, form.position.data, form.achievements.data)
            except ServiceError as error:
                if not apply_service_error(form, error):
                    flash(error.message, "error")
            else:
                flash(_("Đã lưu đề nghị."), "success")
                return redirect(url_for("submissions.view", submission_id=nomination.submission_id))
    return render_template("nominations/form.html", form=form, campaign=nomination.campaign, unit=nomination.unit,
                           nomination=nomination, used=None), 422 if form.errors else 200


@bp.route("/nominations/<int:nomination_id>/withdraw", methods=["POST"])
def withdraw(nomination_id: int):
    nomination = _nomination(nomination_id)
    if nomination.unit_id not in current_user.officer_unit_ids():
        abort(404)
    try:
        service.withdraw(current_user, nomination)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("nominations.edit", nomination_id=nomination.id))
    flash(_("Đã rút đề nghị."), "success")
    return redirect(url_for("home.officer"))
