"""Web layer: blueprints, the route policy hook, security headers, errors, i18n."""
from __future__ import annotations

from flask import Flask, abort, g, redirect, request, url_for
from flask_login import current_user

from ..database import db
from ..extensions import csrf, login_manager
from .policy import POLICY


def init_web(app: Flask) -> None:
    from . import (assignments, auth, campaigns, criteria, errors, home, i18n, nominations, org, progress, public,
                   ranking, review_import, reviews, submissions, system, users)

    csrf.init_app(app)
    auth.init_login(app)
    i18n.init_i18n(app)
    errors.init_errors(app)
    for module in (public, auth, home, campaigns, criteria, org, users, system, submissions, nominations, reviews,
                   assignments, progress, review_import, ranking):
        app.register_blueprint(module.bp)
    from . import results
    app.register_blueprint(results.bp)
    from . import award_rules, certificates, council, decisions, objections
    for module in (award_rules, council, objections, decisions, certificates):
        app.register_blueprint(module.bp)
    from . import api, exports
    for module in (exports, api):
        app.register_blueprint(module.bp)
    from . import honour, verify
    for module in (verify, honour):
        app.register_blueprint(module.bp)

    @app.before_request
    def _connect() -> None:
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc: BaseException | None) -> None:
        if not db.is_closed():
            db.close()

    app.before_request(enforce_policy)
    app.after_request(security_headers)


def enforce_policy():
    """Deny by default: the endpoint must be in POLICY and the user must hold a role it names."""
    if request.endpoint is None:
        return None  # 404/405 follow
    rule = POLICY.get(request.endpoint)
    if rule is None:
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        if request.method == "GET":
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    g.roles = current_user.roles()
    if not rule.allows(g.roles):
        abort(403)
    return None


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_user and getattr(current_user, "is_authenticated", False):
        response.headers["Cache-Control"] = "no-store"
    return response
