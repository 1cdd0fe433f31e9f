"""Public endpoints: language switch and health check."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, request, session
from flask_login import current_user

from ..database import db
from ..models import User
from .auth import _safe_next
from .i18n import languages

bp = Blueprint("public", __name__)


@bp.route("/lang", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang not in languages():
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        User.update(locale=lang).where(User.id == current_user.id).execute()
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/health")
def health():
    db.execute_sql("SELECT 1")
    return jsonify(status="ok")
