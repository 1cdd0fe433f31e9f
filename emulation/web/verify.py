"""Public certificate verification (the page a certificate's QR code opens) and revocation.

Verification pages are never cached, never indexed, and send no referrer (the code in the
URL must not leak to other sites). Look-ups are throttled per client address (429).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from ..services import ServiceError
from ..services import verification as service
from .auth import client_ip
from .forms import REQUIRED, apply_service_error, length

bp = Blueprint("verify", __name__)


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Lý do thu hồi"), validators=[REQUIRED, length(2000)])


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _answer(code: str):
    """Count the look-up, then show the certificate's state (or the throttling message)."""
    allowance = service.allow_lookup(client_ip(), limit=current_app.config.get("VERIFY_LOOKUP_LIMIT",
                                                                               service.LOOKUP_LIMIT))
    if not allowance.allowed:
        response = current_app.make_response((render_template("verify/check.html", code=code, throttled=True), 429))
        response.headers["Retry-After"] = str(allowance.retry_after)
        return response
    return render_template("verify/check.html", code=code, result=service.verify(code), looked_up=True)


@bp.route("/verify")
def lookup():
    code = "".join(request.args.get("code", "").split())   # a typed code may carry spaces
    if not code:
        return render_template("verify/check.html", code="")
    return _answer(code)


@bp.route("/verify/<code>")
def check(code: str):
    return _answer(code)


def _after_revoke(certificate) -> str:
    if "certificates.index" in current_app.view_functions:
        return url_for("certificates.index", decision_id=certificate.decision_id)
    return url_for("verify.check", code=certificate.verify_code)


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
def revoke(certificate_id: int):
    certificate = service.certificate_with_decision(certificate_id) or abort(404)
    form = RevokeForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            service.revoke(current_user, certificate, form.reason.data)
        except ServiceError as error:
            status = getattr(error, "status", 422)
            if not apply_service_error(form, error):
                flash(error.message, "error")
        else:
            flash(_("Đã thu hồi bằng khen/giấy khen số %(n)d của %(who)s.", n=certificate.number,
                    who=certificate.recipient_name), "success")
            return redirect(_after_revoke(certificate))
    return render_template("verify/revoke.html", certificate=certificate, form=form,
                           min_reason=service.MIN_REASON, back_url=_after_revoke(certificate)), status
