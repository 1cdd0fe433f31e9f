"""Committee administration of accounts and roles (web), and the `users` CLI."""
from __future__ import annotations

import html
import json

import pytest

from emulation.models import AuditEvent, RoleGrant, User
from emulation.services import accounts
from tests.helpers import login as login_as
from tests.helpers import post

PASSWORD = "mat-khau-demo-2026"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


@pytest.fixture
def admin(make, login):
    user = make.user("committee", username="btdkt")
    login(user)
    return user


# --- creating accounts -------------------------------------------------------------------------

def test_committee_creates_a_user(app, client, admin):
    response = post(client, "/users/new", {"username": "Nguyen.Van-A", "full_name": "Nguyễn Văn A",
                                           "email": "a@example.vn", "password": "mat-khau-ban-dau-1"})
    user = User.get(User.username == "nguyen.van-a")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/users/{user.id}")
    assert "Đã tạo tài khoản. Hãy gán vai trò cho người dùng." in text(client.get(response.headers["Location"]))
    (event,) = events("user.create")[1:]  # the first is the admin's, made by the factory
    assert (event.actor_id, event.object_id) == (admin.id, user.id)
    assert login_as(app.test_client(), "nguyen.van-a", "mat-khau-ban-dau-1").status_code == 302


CREATE_ERRORS = [
    # (case id, changes, field, message)
    ("password too short", {"password": "ngan-9chr"}, "password", "Mật khẩu cần ít nhất 10 ký tự."),
    ("password equal to user name", {"username": "tranvanbinh", "password": "TranVanBinh"}, "password",
     "Mật khẩu không được trùng tên đăng nhập."),
    ("duplicate user name", {"username": "BTDKT"}, "username", "Tên đăng nhập «btdkt» đã có người dùng."),
    ("space in user name", {"username": "tran van binh"}, "username",
     "Tên đăng nhập chỉ gồm chữ, số và các dấu . _ -"),
    ("bad email", {"email": "binh@"}, "email", "Thư điện tử không hợp lệ."),
    ("no password", {"password": ""}, "password", "Vui lòng nhập thông tin này."),
]


@pytest.mark.parametrize("changes, field, message", [c[1:] for c in CREATE_ERRORS],
                         ids=[c[0] for c in CREATE_ERRORS])
def test_create_user_refusals(client, admin, changes, field, message):
    data = {"username": "binh.tv", "full_name": "Trần Văn Bình", "email": "binh@example.vn",
            "password": "mat-khau-ban-dau-1", **changes}
    response = post(client, "/users/new", data)
    body = text(response)
    assert response.status_code == 422
    assert f'<p class="error" id="{field}-err">{message}</p>' in body
    assert 'value="Trần Văn Bình"' in body
    assert f'value="{data["password"]}"' not in body or not data["password"]  # never echoed back
    assert User.select().count() == 1


# --- roles -------------------------------------------------------------------------------------

GRANTS = [
    # (role, attach unit, attach campaign, stored unit, stored campaign)
    ("committee", False, False, False, False),
    ("secretary", True, True, False, False),
    ("officer", True, True, True, False),
    ("peer", True, True, False, True),
    ("leader", False, True, False, True),
]


@pytest.mark.parametrize("role, with_unit, with_campaign, has_unit, has_campaign", GRANTS)
def test_grant_each_role(client, make, admin, role, with_unit, with_campaign, has_unit, has_campaign):
    target, unit, campaign = make.user(), make.unit(), make.campaign()
    response = post(client, f"/users/{target.id}/grant", {
        "role": role, "unit": unit.id if with_unit else 0, "campaign": campaign.id if with_campaign else 0},
        page=f"/users/{target.id}")
    assert response.status_code == 302
    grant = RoleGrant.get(RoleGrant.user == target)
    assert (grant.role, grant.unit_id, grant.campaign_id) == (
        role, unit.id if has_unit else None, campaign.id if has_campaign else None)
    (event,) = [e for e in events("role.grant") if e.object_id == target.id]
    assert event.actor_id == admin.id and json.loads(event.new)["role"] == role
    assert role in User.get_by_id(target.id).roles()


@pytest.mark.parametrize("role, message", [
    ("officer", "Cán bộ thi đua phải gắn với một đơn vị."),
    ("peer", "Vai trò người chấm phải gắn với một phong trào."),
    ("leader", "Vai trò người chấm phải gắn với một phong trào."),
])
def test_grant_without_its_unit_or_campaign_is_refused(client, make, admin, role, message):
    target = make.user()
    response = post(client, f"/users/{target.id}/grant", {"role": role, "unit": 0, "campaign": 0},
                    page=f"/users/{target.id}")
    assert response.status_code == 422 and message in text(response)
    assert RoleGrant.select().where(RoleGrant.user == target).count() == 0


def test_granting_twice_is_idempotent(client, make, admin):
    target, unit = make.user(), make.unit()
    for _ in range(2):
        response = post(client, f"/users/{target.id}/grant", {"role": "officer", "unit": unit.id, "campaign": 0},
                        page=f"/users/{target.id}")
        assert response.status_code == 302
    assert RoleGrant.select().where(RoleGrant.user == target).count() == 1
    assert len([e for e in events("role.grant") if e.object_id == target.id]) == 1


def test_revoke_is_audited(client, make, admin):
    unit = make.unit()
    target = make.user("officer", unit=unit)
    grant = RoleGrant.get(RoleGrant.user == target)
    response = post(client, f"/users/{target.id}/revoke/{grant.id}", page=f"/users/{target.id}")
    assert response.status_code == 302
    assert "Đã bỏ vai trò." in text(client.get(response.headers["Location"]))
    assert RoleGrant.select().where(RoleGrant.user == target).count() == 0
    (event,) = events("role.revoke")
    assert (event.actor_id, event.object_id) == (admin.id, target.id)
    assert json.loads(event.old) == {"role": "officer", "unit": unit.id, "campaign": None}


def test_revoke_of_another_users_grant_through_this_user_is_404(client, make, admin):
    other = make.user("secretary")
    grant = RoleGrant.get(RoleGrant.user == other)
    response = post(client, f"/users/{admin.id}/revoke/{grant.id}", page=f"/users/{admin.id}")
    assert response.status_code == 404 and RoleGrant.get_or_none(RoleGrant.id == grant.id) is not None


def test_committee_member_cannot_remove_own_committee_role_or_lock_self(client, make, admin):
    own = RoleGrant.get(RoleGrant.user == admin, RoleGrant.role == "committee")
    response = post(client, f"/users/{admin.id}/revoke/{own.id}", page=f"/users/{admin.id}")
    assert "Không thể tự bỏ vai trò Ban Thi đua – Khen thưởng của chính mình." in text(
        client.get(response.headers["Location"]))
    assert RoleGrant.get_or_none(RoleGrant.id == own.id) is not None
    response = post(client, f"/users/{admin.id}/active", page=f"/users/{admin.id}")
    assert "Không thể tự khóa tài khoản của chính mình." in text(client.get(response.headers["Location"]))
    assert User.get_by_id(admin.id).active is True
    assert client.get("/committee").status_code == 200
    assert events("role.revoke") == [] and events("user.deactivate") == []


def test_own_other_roles_and_other_members_committee_role_can_go(client, make, admin):
    accounts.grant_role(None, admin, "secretary")
    mine = RoleGrant.get(RoleGrant.user == admin, RoleGrant.role == "secretary")
    assert post(client, f"/users/{admin.id}/revoke/{mine.id}", page=f"/users/{admin.id}").status_code == 302
    colleague = make.user("committee")
    theirs = RoleGrant.get(RoleGrant.user == colleague)
    assert post(client, f"/users/{colleague.id}/revoke/{theirs.id}", page=f"/users/{colleague.id}").status_code == 302
    assert RoleGrant.select().where(RoleGrant.role == "committee").count() == 1
    assert [json.loads(e.old)["role"] for e in events("role.revoke")] == ["secretary", "committee"]


@pytest.mark.parametrize("role", ["secretary", "officer"])
def test_only_the_committee_manages_accounts(client, make, login, role):
    target = make.user()
    login(make.user(role))
    assert client.get("/users/").status_code == 403
    assert client.get(f"/users/{target.id}").status_code == 403
    response = post(client, f"/users/{target.id}/grant", {"role": "committee", "unit": 0, "campaign": 0},
                    page="/account/password")
    assert response.status_code == 403 and RoleGrant.select().where(RoleGrant.user == target).count() == 0


# --- CLI ---------------------------------------------------------------------------------------

def test_cli_creates_an_officer(app, runner, make):
    unit = make.unit(code="TXB")
    result = runner.invoke(args=["users", "create", "canbo.txb", "--name", "Phạm Thị Thu Hà",
                                 "--password", "mat-khau-cli-2026", "--role", "officer", "--unit", "TXB"])
    assert result.exit_code == 0, result.output
    assert "Đã tạo tài khoản canbo.txb." in result.stdout
    user = User.get(User.username == "canbo.txb")
    assert [(g.role, g.unit_id) for g in RoleGrant.select().where(RoleGrant.user == user)] == [("officer", unit.id)]
    assert login_as(app.test_client(), "canbo.txb", "mat-khau-cli-2026").status_code == 302


def test_cli_creates_a_reviewer_with_several_roles(runner, make):
    campaign = make.campaign(slug="dot-1")
    result = runner.invoke(args=["users", "create", "hoidong", "--name", "Lê Quang Minh", "--password",
                                 "mat-khau-cli-2026", "--role", "leader", "--role", "secretary",
                                 "--campaign", "dot-1"])
    assert result.exit_code == 0, result.output
    grants = RoleGrant.select().where(RoleGrant.user == User.get(User.username == "hoidong"))
    assert sorted((g.role, g.campaign_id) for g in grants) == [("leader", campaign.id), ("secretary", None)]


@pytest.mark.parametrize("args, message", [
    (["--password", "ngan"], "Mật khẩu cần ít nhất 10 ký tự."),
    (["--password", "mat-khau-cli-2026", "--role", "officer"], "Cán bộ thi đua phải gắn với một đơn vị."),
    (["--password", "mat-khau-cli-2026", "--role", "officer", "--unit", "KHONG-CO"],
     "Không có đơn vị mã «KHONG-CO»."),
    (["--password", "mat-khau-cli-2026", "--role", "peer", "--campaign", "khong-co"],
     "Không có phong trào mã «khong-co»."),
    (["--password", "mat-khau-cli-2026", "--role", "peer"], "Vai trò người chấm phải gắn với một phong trào."),
])
def test_cli_create_refusals_leave_no_account(app, runner, args, message):
    result = runner.invoke(args=["users", "create", "nguoimoi", "--name", "Người Mới", *args])
    assert result.exit_code == 1 and message in result.stderr
    assert User.get_or_none(User.username == "nguoimoi") is None


def test_cli_password_reset(app, runner, make):
    user = make.user(username="thuky")
    other = app.test_client()
    assert login_as(other, "thuky", PASSWORD).status_code == 302
    result = runner.invoke(args=["users", "password", "ThuKy", "--password", "mat-khau-moi-2026"])
    assert result.exit_code == 0 and "Đã đặt lại mật khẩu." in result.stdout
    assert other.get("/account/password").status_code == 302  # the old session ended
    assert login_as(app.test_client(), "thuky", PASSWORD).status_code == 401
    assert login_as(app.test_client(), "thuky", "mat-khau-moi-2026").status_code == 302
    assert events("user.password")[0].object_id == user.id


@pytest.mark.parametrize("username, password, message", [
    ("khongco", "mat-khau-moi-2026", "Không có tài khoản «khongco»."),
    ("thuky.hoidong", "ngan", "Mật khẩu cần ít nhất 10 ký tự."),
    ("thuky.hoidong", "THUKY.HOIDONG", "Mật khẩu không được trùng tên đăng nhập."),
])
def test_cli_password_refusals(runner, make, username, password, message):
    make.user(username="thuky.hoidong")
    result = runner.invoke(args=["users", "password", username, "--password", password])
    assert result.exit_code == 1 and message in result.stderr
