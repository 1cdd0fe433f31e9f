"""The secretary imports assignments or paper scores from a sheet, and downloads the sheets to fill in."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from ..models import Campaign
from ..services import ServiceError
from ..services import review_import as service

bp = Blueprint("review_import", __name__)
KINDS = ("assignments", "scores")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetForm(FlaskForm):
    file = FileField(_l("Tệp .xlsx hoặc .csv"), validators=[FileRequired(_l("Chọn một tệp."))])


def _campaign(campaign_id: int, kind: str) -> Campaign:
    if kind not in KINDS:
        abort(404)
    return Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)


@bp.route("/campaigns/<int:campaign_id>/import/<kind>", methods=["GET", "POST"])
def page(campaign_id: int, kind: str):
    campaign = _campaign(campaign_id, kind)
    form = SheetForm()
    problems: list[str] = []
    if form.validate_on_submit():
        storage = form.file.data
        try:
            if kind == "scores":
                report = service.import_scores(current_user, campaign, storage.filename or "", storage.read())
                flash(_("Đã nhập %(n)d dòng: %(r)d phiếu chấm, %(c)d điểm thêm mới hoặc thay đổi; "
                        "%(s)d phiếu đủ mọi tiêu chí đã được nộp.", n=report.rows, r=report.reviews,
                        c=report.changed, s=report.submitted), "success")
                if report.reviews > report.submitted:
                    flash(_("%(n)d phiếu còn thiếu tiêu chí nên chưa nộp: cần chấm tiếp các tiêu chí còn trống.",
                            n=report.reviews - report.submitted), "info")
                return redirect(url_for("progress.board", campaign_id=campaign.id))
            report = service.import_assignments(current_user, campaign, storage.filename or "", storage.read())
            flash(_("Đã nhập %(n)d dòng: %(c)d lượt phân công mới, %(k)d đã có từ trước.",
                    n=report.rows, c=report.created, k=report.kept), "success")
            return redirect(url_for("assignments.index", campaign_id=campaign.id))
        except ServiceError as error:
            flash(error.message, "error")
            problems = error.problems
    status = 422 if problems or form.errors else 200
    return render_template("assignments/import.html", campaign=campaign, kind=kind, form=form,
                           problems=problems), status


@bp.route("/campaigns/<int:campaign_id>/import/<kind>/mau.xlsx")
def template(campaign_id: int, kind: str):
    campaign = _campaign(campaign_id, kind)
    data = service.score_template(campaign) if kind == "scores" else service.assignment_template(campaign)
    name = {"scores": "phieu-cham", "assignments": "phan-cong-cham"}[kind]
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"{name}-{campaign.slug}.xlsx",
                     mimetype=XLSX)
