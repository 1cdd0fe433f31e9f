"""Objections to published results: the officer lodges, the secretary answers, everyone concerned reads."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField

from ..models import Campaign, Objection, Submission, Unit, User
from ..services import ServiceError
from ..services import publication as service
from ..storage import evidence_store
from .forms import REQUIRED, apply_service_error

bp = Blueprint("objections", __name__)


class ObjectionForm(FlaskForm):
    reason = TextAreaField(_l("Nội dung phản hồi"), validators=[REQUIRED])
    file = FileField(_l("Minh chứng kèm theo (không bắt buộc)"))


def _own_submission(submission_id: int) -> Submission:
    submission = Submission.get_or_none(Submission.id == submission_id) or abort(404)
    if submission.unit_id not in current_user.officer_unit_ids():
        abort(404)
    return submission


@bp.route("/submissions/<int:submission_id>/objection", methods=["GET", "POST"])
def new(submission_id: int):
    submission = _own_submission(submission_id)
    form = ObjectionForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            service.lodge_objection(current_user, submission, form.reason.data or "",
                                    getattr(upload, "filename", "") or "", upload.read() if upload else b"")
        except ServiceError as error:
            if not apply_service_error(form, error):
                flash(error.message, "error")
        else:
            flash(_("Đã gửi ý kiến phản hồi; thư ký Hội đồng sẽ trả lời trên hệ thống."), "success")
            return redirect(url_for("home.officer"))
    status = 422 if request.method == "POST" else 200
    mine = list(Objection.select().where(Objection.submission == submission).order_by(Objection.id))
    return render_template("objections/new.html", form=form, submission=submission, mine=mine,
                           campaign=submission.campaign, open=service.can_object(submission.campaign)), status


@bp.route("/campaigns/<int:campaign_id>/objections")
def index(campaign_id: int, kept: dict | None = None, status: int = 200):
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)
    rows = list(Objection.select(Objection, Submission, Unit, User).join(Submission).join(Unit)
                .switch(Objection).join(User, on=(Objection.lodged_by == User.id))
                .where(Objection.campaign == campaign).order_by(Objection.answered_at.is_null(False), Objection.id))
    return render_template("objections/index.html", campaign=campaign, rows=rows, kept=kept or {},
                           may_answer=current_user.has_role("secretary")), status


@bp.route("/objections/<int:objection_id>/answer", methods=["POST"])
def answer(objection_id: int):
    objection = Objection.get_or_none(Objection.id == objection_id) or abort(404)
    text = request.form.get("answer", "")
    try:
        service.answer_objection(current_user, objection, text, request.form.get("version", type=int, default=-1))
    except ServiceError as error:
        flash(error.message, "error")
        return index(objection.campaign_id, kept={objection.id: text}, status=409)
    flash(_("Đã ghi câu trả lời; đơn vị xem được trên trang của mình."), "success")
    return redirect(url_for("objections.index", campaign_id=objection.campaign_id, _anchor=f"o{objection.id}"))


@bp.route("/objections/<int:objection_id>/evidence")
def evidence(objection_id: int):
    """The attached file: for the unit's officers, the committee and the secretary."""
    objection = Objection.get_or_none(Objection.id == objection_id) or abort(404)
    if not objection.evidence_sha256:
        abort(404)
    if not current_user.has_role("committee", "secretary") \
            and objection.submission.unit_id not in current_user.officer_unit_ids():
        abort(404)
    return send_file(evidence_store.path(objection.evidence_sha256), mimetype=objection.evidence_type,
                     as_attachment=True, download_name=objection.evidence_name)
