"""Login, logout and password change."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from ..extensions import login_manager
from ..services import ServiceError, accounts
from .forms import REQUIRED, apply_service_error, length

bp = Blueprint("auth", __name__)


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):
        return accounts.load_session(token, current_app.config["SESSION_IDLE_MINUTES"])


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[REQUIRED, length(80)])
    password = PasswordField(_l("Mật khẩu"), validators=[REQUIRED, length(200)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[REQUIRED])
    password = PasswordField(_l("Mật khẩu mới"), validators=[REQUIRED, length(200)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[REQUIRED])


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


def client_ip() -> str:
    return request.remote_addr or ""


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        cfg = current_app.config
        result = accounts.authenticate(form.username.data, form.password.data, client_ip(),
                                       max_failures=cfg["LOGIN_MAX_FAILURES"],
                                       window_seconds=cfg["LOGIN_WINDOW_SECONDS"])
        if result.user is not None:
            next_url = _safe_next(request.args.get("next"))
            lang = session.get("lang")
            session.clear()  # a new session at login: nothing carried over but the language
            if lang:
                session["lang"] = lang
            user = result.user
            user.session_token = accounts.start_session(
                user, client_ip(), request.headers.get("User-Agent", ""))
            login_user(user)
            return redirect(next_url)
        if result.throttled:
            minutes = cfg["LOGIN_WINDOW_SECONDS"] // 60
            flash(_("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(m)d phút.", m=minutes), "error")
        else:
            flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
        return render_template("auth/login.html", form=form), 401 if not result.throttled else 429
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    token = current_user.session_token
    if token:
        accounts.end_session(token)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        if form.password.data != form.confirm.data:
            form.confirm.errors = [_("Hai mật khẩu mới không khớp nhau.")]
        else:
            try:
                accounts.change_password(current_user, form.current.data, form.password.data,
                                         current_app.config["PASSWORD_MIN_LENGTH"])
            except ServiceError as error:
                if not apply_service_error(form, error):
                    flash(error.message, "error")
            else:
                # Every session ended with the change; this one continues under a new token.
                user = current_user._get_current_object()  # not the proxy: login_user stores it
                user.session_token = accounts.start_session(
                    user, client_ip(), request.headers.get("User-Agent", ""))
                login_user(user)
                flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."), "success")
                return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
