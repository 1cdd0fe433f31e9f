"""Decisions: the committee drafts and approves; the decision's file shows its list, changes and objections."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField

from ..models import AwardRule, Campaign, CouncilChange, Decision, Objection, Submission, Unit, User, utcnow
from ..services import ServiceError
from ..services import decisions as service
from ..services.council import final_states
from .forms import REQUIRED, apply_service_error, length

bp = Blueprint("decisions", __name__)


class DecisionForm(FlaskForm):
    number = StringField(_l("Số quyết định"), validators=[REQUIRED, length(40)])
    signed_on = DateField(_l("Ngày ký"), validators=[REQUIRED])
    authority = StringField(_l("Cơ quan ban hành"), validators=[REQUIRED, length(200)])
    signer_title = StringField(_l("Chức vụ người ký"), validators=[REQUIRED, length(200)])
    signer_name = StringField(_l("Họ tên người ký"), validators=[REQUIRED, length(200)])
    basis = TextAreaField(_l("Căn cứ (mỗi dòng một căn cứ)"))


def _defaults(campaign: Campaign) -> dict:
    return {"authority": campaign.authority, "signer_title": campaign.signer_title,
            "signer_name": campaign.signer_name,
            "basis": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\n"
                     "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết "
                     "thi hành một số điều của Luật Thi đua, khen thưởng;\n"
                     f"Xét đề nghị của Hội đồng Thi đua – Khen thưởng về kết quả phong trào «{campaign.title}»."}


@bp.route("/campaigns/<int:campaign_id>/decisions", methods=["GET", "POST"])
def index(campaign_id: int):
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)
    form = DecisionForm(data=_defaults(campaign))
    if current_user.has_role("committee") and form.validate_on_submit():
        try:
            decision = service.draft_decision(current_user, campaign, form.data)
        except ServiceError as error:
            if not apply_service_error(form, error):
                flash(error.message, "error")
        else:
            flash(_("Đã tạo dự thảo quyết định %(n)s.", n=decision.number), "success")
            return redirect(url_for("decisions.view", decision_id=decision.id))
    decisions = list(Decision.select().where(Decision.campaign == campaign).order_by(Decision.id.desc()))
    return render_template("decisions/index.html", campaign=campaign, decisions=decisions, form=form,
                           has_draft=any(d.state == "draft" for d in decisions)), 422 if form.errors else 200


@bp.route("/decisions/<int:decision_id>", methods=["GET", "POST"])
def view(decision_id: int):
    decision = Decision.get_or_none(Decision.id == decision_id) or abort(404)
    campaign = decision.campaign
    form = DecisionForm(obj=decision)
    if decision.state == "draft" and current_user.has_role("committee") and form.validate_on_submit():
        try:
            service.update_draft(current_user, decision, form.data)
        except ServiceError as error:
            if not apply_service_error(form, error):
                flash(error.message, "error")
        else:
            flash(_("Đã lưu dự thảo."), "success")
            return redirect(url_for("decisions.view", decision_id=decision.id))
    rules = {r.id: r.title for r in AwardRule.select().where(AwardRule.campaign == campaign)}
    changes = list(CouncilChange.select(CouncilChange, User, Submission, Unit).join(User).switch(CouncilChange)
                   .join(Submission).join(Unit).where(CouncilChange.campaign == campaign).order_by(CouncilChange.id))
    objections = list(Objection.select(Objection, Submission, Unit).join(Submission).join(Unit)
                      .where(Objection.campaign == campaign).order_by(Objection.id))
    finals = final_states(campaign) if decision.state == "draft" else None
    problems = service.approval_problems(decision, utcnow(), finals) if finals is not None else []
    return render_template("decisions/view.html", decision=decision, campaign=campaign, form=form,
                           lines=service.lines_of(decision, finals), rules=rules, changes=changes, objections=objections,
                           problems=problems), 422 if form.errors else 200


@bp.route("/decisions/<int:decision_id>/approve", methods=["POST"])
def approve(decision_id: int):
    decision = Decision.get_or_none(Decision.id == decision_id) or abort(404)
    try:
        service.approve(current_user, decision)
    except ServiceError as error:
        flash(error.message + " " + "; ".join(error.problems), "error")
    else:
        flash(_("Đã phê duyệt Quyết định số %(n)s; danh sách khen thưởng đã được chốt.", n=decision.number),
              "success")
    return redirect(url_for("decisions.view", decision_id=decision.id))


@bp.route("/decisions/<int:decision_id>/document.pdf")
def document_pdf(decision_id: int):
    """The decision and its annex as PDF (a draft is marked "DỰ THẢO")."""
    decision = Decision.get_or_none(Decision.id == decision_id) or abort(404)
    from ..services.decision_pdf import render_decision  # loads WeasyPrint: only when a PDF is asked for
    return send_file(BytesIO(render_decision(decision)), mimetype="application/pdf", as_attachment=False,
                     download_name=f"quyet-dinh-{decision.id}.pdf")
