"""Committee: user accounts, roles, password resets, (de)activation."""
from __future__ import annotations

from peewee import JOIN
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import Optional, Regexp

from ..models import Campaign, RoleGrant, Unit, User
from ..services import ServiceError, accounts
from .forms import REQUIRED, apply_service_error, choices, length

bp = Blueprint("users", __name__, url_prefix="/users")

ROLE_LABELS = {
    "committee": _l("Ban Thi đua – Khen thưởng"),
    "secretary": _l("Thư ký hội đồng"),
    "officer": _l("Cán bộ thi đua đơn vị"),
    "peer": _l("Người chấm chéo"),
    "leader": _l("Thành viên hội đồng"),
}


class UserForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[REQUIRED, length(80)])
    full_name = StringField(_l("Họ và tên"), validators=[REQUIRED, length(200)])
    email = StringField(_l("Thư điện tử"), validators=[Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Thư điện tử không hợp lệ.")),
                                                     length(200)])
    password = PasswordField(_l("Mật khẩu ban đầu"), validators=[REQUIRED, length(200)])


class GrantForm(FlaskForm):
    role = SelectField(_l("Vai trò"), choices=choices(ROLE_LABELS.items()))
    unit = SelectField(_l("Đơn vị (cho cán bộ thi đua)"), coerce=int)
    campaign = SelectField(_l("Phong trào (cho người chấm)"), coerce=int)

    def load_choices(self) -> None:
        self.unit.choices = choices([(0, "—")] + [(u.id, f"{u.code} – {u.name}")
                                                  for u in Unit.select().where(Unit.active == True)  # noqa: E712
                                                  .order_by(Unit.name)])
        self.campaign.choices = choices([(0, "—")] + [(c.id, c.title)
                                                      for c in Campaign.select().order_by(Campaign.title)])


class ResetForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[REQUIRED, length(200)])


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""


def _user(user_id: int) -> User:
    return User.get_or_none(User.id == user_id) or abort(404)


@bp.route("/")
def index():
    users = list(User.select().order_by(User.username))
    grants: dict[int, list[RoleGrant]] = {}
    for g in RoleGrant.select(RoleGrant, Unit).join(Unit, join_type=JOIN.LEFT_OUTER):
        grants.setdefault(g.user_id, []).append(g)
    return render_template("users/index.html", users=users, grants=grants, labels=ROLE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(current_user, username=form.username.data,
                                        full_name=form.full_name.data, email=form.email.data or "",
                                        password=form.password.data,
                                        min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        except ServiceError as error:
            if not apply_service_error(form, error):
                flash(error.message, "error")
        else:
            flash(_("Đã tạo tài khoản. Hãy gán vai trò cho người dùng."), "success")
            return redirect(url_for("users.view", user_id=user.id))
    return render_template("users/new.html", form=form), 422 if form.errors else 200


def _view(user: User, grant_form=None, reset_form=None, status: int = 200):
    grant_form = grant_form or GrantForm()
    grant_form.load_choices()
    grants = list(RoleGrant.select().where(RoleGrant.user == user).order_by(RoleGrant.role))
    return render_template("users/view.html", user=user, grants=grants, labels=ROLE_LABELS,
                           grant_form=grant_form, reset_form=reset_form or ResetForm(),
                           confirm=ConfirmForm()), status


@bp.route("/<int:user_id>")
def view(user_id: int):
    return _view(_user(user_id))


@bp.route("/<int:user_id>/grant", methods=["POST"])
def grant(user_id: int):
    user = _user(user_id)
    form = GrantForm()
    form.load_choices()
    if form.validate_on_submit():
        unit = Unit.get_or_none(Unit.id == form.unit.data)
        campaign = Campaign.get_or_none(Campaign.id == form.campaign.data)
        try:
            accounts.grant_role(current_user, user, form.role.data, unit=unit, campaign=campaign)
        except ServiceError as error:
            flash(error.message, "error")
            return _view(user, grant_form=form, status=422)
        flash(_("Đã gán vai trò."), "success")
        return redirect(url_for("users.view", user_id=user.id))
    return _view(user, grant_form=form, status=422)


@bp.route("/<int:user_id>/revoke/<int:grant_id>", methods=["POST"])
def revoke(user_id: int, grant_id: int):
    user = _user(user_id)
    grant = RoleGrant.get_or_none(RoleGrant.id == grant_id, RoleGrant.user == user) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            accounts.revoke_role(current_user, grant)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("Đã bỏ vai trò."), "success")
    return redirect(url_for("users.view", user_id=user.id))


@bp.route("/<int:user_id>/password", methods=["POST"])
def reset_password(user_id: int):
    user = _user(user_id)
    form = ResetForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(current_user, user, form.password.data,
                                  current_app.config["PASSWORD_MIN_LENGTH"])
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(_("Đã đặt lại mật khẩu; mọi phiên đăng nhập của người dùng đã kết thúc."), "success")
            return redirect(url_for("users.view", user_id=user.id))
    return _view(user, reset_form=form, status=422)


@bp.route("/<int:user_id>/active", methods=["POST"])
def set_active(user_id: int):
    user = _user(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            accounts.set_active(current_user, user, not user.active)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("Đã mở khóa tài khoản.") if user.active else _("Đã khóa tài khoản."), "success")
    return redirect(url_for("users.view", user_id=user.id))
