"""Logins: argon2, throttling without account enumeration, sessions that really end."""
from __future__ import annotations

import datetime as dt

import pytest

from emulation.models import AuditEvent, LoginAttempt, LoginSession, User
from emulation.services import accounts
from tests.helpers import csrf_from, login, post

PASSWORD = "mat-khau-demo-2026"


def test_passwords_are_argon2(make):
    user = make.user("committee")
    assert User.get_by_id(user.id).password_hash.startswith("$argon2id$")


def test_login_lands_on_role_home_and_is_audited(client, make):
    user = make.user("committee")
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/committee")
    assert AuditEvent.select().where(AuditEvent.action == "login").count() == 1


def test_wrong_password_and_unknown_user_get_the_same_answer(client, make):
    user = make.user("committee")
    wrong = login(client, user.username, "sai-mat-khau-123")
    unknown = login(client, "khong-ton-tai", "sai-mat-khau-123")
    assert wrong.status_code == unknown.status_code == 401
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


@pytest.mark.parametrize("known", [True, False])
def test_throttle_after_repeated_failures(app, client, make, known):
    user = make.user("committee")
    name = user.username if known else "nguoi-la"
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login(client, name, "sai-mat-khau-123").status_code == 401
    throttled = login(client, name, PASSWORD if known else "sai-mat-khau-123")
    assert throttled.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in throttled.get_data(as_text=True)
    if known:  # even the right password is refused while throttled
        assert client.get("/committee").status_code == 302


def test_throttle_expires(app, make):
    user = make.user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        accounts.authenticate(user.username, "x", "1.2.3.4", max_failures=5, window_seconds=900)
    assert accounts.authenticate(user.username, PASSWORD, "1.2.3.4", max_failures=5,
                                 window_seconds=900).throttled
    for attempt in LoginAttempt.select():  # time passes
        attempt.at -= dt.timedelta(minutes=16)
        attempt.save()
    assert accounts.authenticate(user.username, PASSWORD, "1.2.3.4", max_failures=5,
                                 window_seconds=900).user is not None


def _session_cookie(app, client) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


def _replay(app, cookie_value: str):
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie_value)
    return thief.get("/committee")


def test_cookie_copied_before_logout_is_dead_after(app, client, make):
    user = make.user("committee")
    login(client, user.username, PASSWORD)
    stolen = _session_cookie(app, client)
    assert _replay(app, stolen).status_code == 200
    page = client.get("/committee").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_from(page)}).status_code == 302
    replay = _replay(app, stolen)
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]
    assert LoginSession.select().where(LoginSession.ended_at.is_null()).count() == 0


def test_logout_needs_post_with_csrf(app, client, make):
    user = make.user("committee")
    login(client, user.username, PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/committee").status_code == 200


def test_password_change_ends_other_sessions_but_keeps_this_one(app, make):
    user = make.user("committee")
    mine, other = app.test_client(), app.test_client()
    login(mine, user.username, PASSWORD)
    login(other, user.username, PASSWORD)
    old_cookie = _session_cookie(app, mine)
    response = post(mine, "/account/password", {"current": PASSWORD, "password": "mat-khau-moi-2026",
                                                 "confirm": "mat-khau-moi-2026"})
    assert response.status_code == 302
    assert mine.get("/committee").status_code == 200
    assert other.get("/committee").status_code == 302
    assert _replay(app, old_cookie).status_code == 302
    assert login(app.test_client(), user.username, "mat-khau-moi-2026").status_code == 302


def test_password_change_refusals_in_vietnamese(client, make):
    user = make.user("committee")
    login(client, user.username, PASSWORD)
    short = post(client, "/account/password", {"current": PASSWORD, "password": "ngan", "confirm": "ngan"})
    assert "Mật khẩu cần ít nhất 10 ký tự." in short.get_data(as_text=True)
    wrong = post(client, "/account/password", {"current": "sai", "password": "mat-khau-moi-2026",
                                               "confirm": "mat-khau-moi-2026"})
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    mismatch = post(client, "/account/password", {"current": PASSWORD, "password": "mat-khau-moi-2026",
                                                  "confirm": "mat-khau-khac-2026"})
    assert "Hai mật khẩu mới không khớp nhau." in mismatch.get_data(as_text=True)


def test_deactivation_and_reset_end_sessions(app, make):
    admin, target = make.user("committee"), make.user("committee")
    admin_client, target_client = app.test_client(), app.test_client()
    login(admin_client, admin.username, PASSWORD)
    login(target_client, target.username, PASSWORD)
    assert post(admin_client, f"/users/{target.id}/active", page=f"/users/{target.id}").status_code == 302
    assert target_client.get("/committee").status_code == 302
    assert login(app.test_client(), target.username, PASSWORD).status_code == 401
    post(admin_client, f"/users/{target.id}/active", page=f"/users/{target.id}")  # reactivate
    login(target_client, target.username, PASSWORD)
    assert post(admin_client, f"/users/{target.id}/password", {"password": "mat-khau-reset-2026"},
                page=f"/users/{target.id}").status_code == 302
    assert target_client.get("/committee").status_code == 302


def test_session_cookie_flags_and_security_headers(app, client, make):
    user = make.user("committee")
    login(client, user.username, PASSWORD)
    response = client.get("/committee")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie.http_only and cookie.same_site == "Lax"


def test_production_cookies_are_secure(app_config):
    from emulation.config import build_config
    config = build_config(dict(app_config, ENV="production"), environ={})
    assert config["SESSION_COOKIE_SECURE"] is True


def test_open_redirect_after_login_is_refused(client, make):
    user = make.user("committee")
    response = post(client, "/login?next=//evil.example/x", {"username": user.username, "password": PASSWORD},
                    page="/login")
    assert response.headers["Location"] == "/"


def test_csrf_missing_or_wrong_is_refused_with_vietnamese_page(client, make):
    user = make.user("committee")
    missing = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert missing.status_code == 400
    assert "mã bảo vệ (CSRF)" in missing.get_data(as_text=True)
    wrong = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                        "csrf_token": "gia-mao"})
    assert wrong.status_code == 400
    assert client.get("/committee").status_code == 302  # not logged in


def test_csrf_refusal_changes_nothing(app, client, make):
    admin, target = make.user("committee"), make.user("committee")
    login(client, admin.username, PASSWORD)
    assert client.post(f"/users/{target.id}/active").status_code == 400
    assert User.get_by_id(target.id).active is True


def test_language_switch(client):
    response = post(client, "/lang", {"lang": "en", "next": "/login"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/login").get_data(as_text=True)
    assert post(client, "/lang", {"lang": "xx"}).status_code == 400


def test_error_pages_are_vietnamese(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)
