"""Hình thức khen thưởng: the campaign's award rules (committee edits; the secretary reads)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField

from ..domain.award_rules import RuleDraft
from ..models import AwardRule, Campaign
from ..services import ServiceError
from ..services import award_rules as service
from .forms import choices, length

bp = Blueprint("awards", __name__)


class RuleForm(FlaskForm):
    precedence = StringField(_l("Thứ tự xét (1: xét trước nhất)"), validators=[length(6)])
    title = StringField(_l("Tên hình thức khen thưởng (in trên bằng khen, giấy khen)"), validators=[length(300)])
    form = SelectField(_l("Mẫu"), choices=choices([("bang-khen", _l("Bằng khen")), ("giay-khen", _l("Giấy khen"))]))
    target = SelectField(_l("Đối tượng"), choices=choices([("collective", _l("Tập thể")), ("individual", _l("Cá nhân"))]))
    min_band = SelectField(_l("Xếp loại tối thiểu"))
    min_score = StringField(_l("Điểm tối thiểu (F)"), validators=[length(12)])
    quota_kind = SelectField(_l("Chỉ tiêu tính theo"), choices=choices([
        ("count", _l("Số lượng")), ("percent", _l("Tỷ lệ % số hồ sơ được xếp hạng"))]))
    quota_value = StringField(_l("Chỉ tiêu"), validators=[length(6)])
    per_cluster = BooleanField(_l("Chỉ tiêu riêng cho từng cụm thi đua"))

    def load_choices(self, campaign: Campaign) -> None:
        self.min_band.choices = choices([("", _l("— Mọi mức —"))] + [(b, b) for b in campaign.policy.band_names()])

    def draft(self) -> RuleDraft:
        return RuleDraft(title=self.title.data or "", form=self.form.data, target=self.target.data,
                         min_band=self.min_band.data or "", min_score=self.min_score.data or "",
                         quota_kind=self.quota_kind.data, quota_value=_whole(self.quota_value.data),
                         per_cluster=bool(self.per_cluster.data), precedence=_whole(self.precedence.data))


def _whole(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 6 else None


def _campaign(campaign_id: int) -> Campaign:
    return Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)


def _rule(rule_id: int) -> AwardRule:
    return AwardRule.get_or_none(AwardRule.id == rule_id) or abort(404)


def _page(campaign: Campaign, form: RuleForm, rule: AwardRule | None = None, status: int = 200):
    return render_template("awards/index.html", campaign=campaign, rules=service.ordered(campaign), form=form,
                           editing=rule, locked=service.locked(campaign)), status


def _save(campaign: Campaign, form: RuleForm, rule: AwardRule | None):
    form.load_choices(campaign)
    if form.validate_on_submit():
        try:
            saved = service.save_rule(current_user, campaign, form.draft(), rule)
        except service.RuleErrors as error:
            for name, message in error.errors.items():
                getattr(form, name).errors = list(getattr(form, name).errors) + [message]
            flash(error.message, "error")
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("Đã lưu hình thức «%(t)s»; kết quả đề nghị khen thưởng đang được tính lại.", t=saved.title),
                  "success")
            return redirect(url_for("awards.index", campaign_id=campaign.id))
    elif form.errors:
        flash(_("Chưa lưu: có thông tin cần sửa."), "error")
    return _page(campaign, form, rule, 422)


@bp.route("/campaigns/<int:campaign_id>/awards")
def index(campaign_id: int):
    campaign = _campaign(campaign_id)
    form = RuleForm(data={"precedence": str(service.next_precedence(campaign)), "quota_value": "",
                          "min_score": "0"})
    form.load_choices(campaign)
    return _page(campaign, form)


@bp.route("/campaigns/<int:campaign_id>/awards/new", methods=["POST"])
def new(campaign_id: int):
    return _save(_campaign(campaign_id), RuleForm(), None)


@bp.route("/awards/<int:rule_id>", methods=["GET", "POST"])
def edit(rule_id: int):
    rule = _rule(rule_id)
    campaign = rule.campaign
    if request.method == "POST":
        return _save(campaign, RuleForm(), rule)
    form = RuleForm(data={"precedence": str(rule.precedence), "title": rule.title, "form": rule.form,
                          "target": rule.target, "min_band": rule.min_band,
                          "min_score": f"{rule.min_score.normalize():f}".replace(".", ","),
                          "quota_kind": rule.quota_kind, "quota_value": str(rule.quota_value),
                          "per_cluster": rule.per_cluster})
    form.load_choices(campaign)
    return _page(campaign, form, rule)


@bp.route("/awards/<int:rule_id>/delete", methods=["POST"])
def delete(rule_id: int):
    rule = _rule(rule_id)
    campaign = rule.campaign
    title = rule.title
    try:
        service.delete_rule(current_user, campaign, rule)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Đã xóa hình thức «%(t)s».", t=title), "success")
    return redirect(url_for("awards.index", campaign_id=campaign.id))
