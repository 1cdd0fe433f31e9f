"""Accounts: argon2 passwords, login sessions that really end, throttled logins, roles."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext as _

from ..database import db
from ..models import Campaign, LoginAttempt, LoginSession, RoleGrant, Unit, User, utcnow
from . import ServiceError
from .audit import record

hasher = PasswordHasher()
_DUMMY_HASH = hasher.hash("not-a-real-password")


def configure_hasher(time_cost: int, memory_kib: int) -> None:
    """Set the argon2id cost (lower only in tests); existing hashes are upgraded at login."""
    global hasher, _DUMMY_HASH
    if (hasher.time_cost, hasher.memory_cost) != (time_cost, memory_kib):
        hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        _DUMMY_HASH = hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_rules(username: str, password: str, min_length: int) -> None:
    """A password has at least ``min_length`` characters and is not the user name."""
    if len(password) < min_length:
        raise ServiceError(_("Mật khẩu cần ít nhất %(n)d ký tự.", n=min_length), field="password")
    if password.strip().lower() == username.strip().lower():
        raise ServiceError(_("Mật khẩu không được trùng tên đăng nhập."), field="password")


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    throttled: bool = False


def authenticate(username: str, password: str, ip: str, *, max_failures: int,
                 window_seconds: int) -> LoginResult:
    """Check a login, throttled per user name and per address.

    After ``max_failures`` failures within ``window_seconds`` for the same user
    name (known or not) or the same address, every attempt is refused without
    checking the password, so the answer never tells whether an account exists.
    Unknown names are verified against a dummy hash to take the same time.
    """
    key = username.strip().lower()[:80]
    since = utcnow() - dt.timedelta(seconds=window_seconds)
    failures = (LoginAttempt.select()
                .where(LoginAttempt.at >= since, LoginAttempt.success == False,  # noqa: E712
                       (LoginAttempt.username_key == key) | (LoginAttempt.ip == ip)))
    by_name = failures.where(LoginAttempt.username_key == key).count()
    by_ip = failures.where(LoginAttempt.ip == ip).count()
    if by_name >= max_failures or by_ip >= max_failures * 4:
        LoginAttempt.create(username_key=key, ip=ip, success=False)
        return LoginResult(None, throttled=True)
    user = User.get_or_none(User.username == key)
    ok = _verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    if ok and user is not None and not user.active:
        ok = False
    LoginAttempt.create(username_key=key, ip=ip, success=ok)
    if ok and user is not None and hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        user.save(only=[User.password_hash])
    return LoginResult(user if ok else None)


def _verify(stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def start_session(user: User, ip: str, user_agent: str) -> str:
    """Open a login session; returns the token the cookie will carry."""
    token = secrets.token_urlsafe(32)
    LoginSession.create(user=user, token_hash=_token_hash(token), ip=ip[:64],
                        user_agent=user_agent[:255])
    record(user, "login", user)
    return token


def load_session(token: str, idle_minutes: int) -> User | None:
    """The user of a live session, or None when it ended, idled out or the user is inactive."""
    row = (LoginSession.select(LoginSession, User).join(User)
           .where(LoginSession.token_hash == _token_hash(token), LoginSession.ended_at.is_null())
           .first())
    if row is None or not row.user.active:
        return None
    now = utcnow()
    if now - row.last_seen_at > dt.timedelta(minutes=idle_minutes):
        LoginSession.update(ended_at=now).where(LoginSession.id == row.id).execute()
        return None
    if now - row.last_seen_at > dt.timedelta(seconds=60):
        LoginSession.update(last_seen_at=now).where(LoginSession.id == row.id).execute()
    user = row.user
    user.session_token = token
    return user


def end_session(token: str) -> None:
    LoginSession.update(ended_at=utcnow()).where(
        LoginSession.token_hash == _token_hash(token), LoginSession.ended_at.is_null()).execute()


def end_all_sessions(user: User) -> int:
    return (LoginSession.update(ended_at=utcnow())
            .where(LoginSession.user == user, LoginSession.ended_at.is_null()).execute())


def create_user(actor: User | None, *, username: str, full_name: str, password: str,
                email: str = "", min_length: int = 10) -> User:
    username = username.strip().lower()
    if not username or not all(c.isalnum() or c in "._-" for c in username):
        raise ServiceError(_("Tên đăng nhập chỉ gồm chữ, số và các dấu . _ -"), field="username")
    if User.select().where(User.username == username).exists():
        raise ServiceError(_("Tên đăng nhập «%(u)s» đã có người dùng.", u=username), field="username")
    check_password_rules(username, password, min_length)
    with db.atomic():
        user = User.create(username=username, full_name=full_name.strip(), email=email.strip(),
                           password_hash=hash_password(password))
        record(actor, "user.create", user, new={"username": username, "full_name": full_name})
    return user


def change_password(user: User, current: str, new: str, min_length: int) -> None:
    """Change one's own password; every session of the user ends."""
    if not _verify(user.password_hash, current):
        raise ServiceError(_("Mật khẩu hiện tại không đúng."), field="current")
    set_password(user, user, new, min_length)


def set_password(actor: User, user: User, new: str, min_length: int) -> None:
    """Set a password (own change or committee reset); ends every session of the user."""
    check_password_rules(user.username, new, min_length)
    with db.atomic():
        user.password_hash = hash_password(new)
        user.password_changed_at = utcnow()
        user.save(only=[User.password_hash, User.password_changed_at])
        end_all_sessions(user)
        record(actor, "user.password" if actor.id == user.id else "user.password_reset", user)


def set_active(actor: User, user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivation ends every session."""
    if actor.id == user.id and not active:
        raise ServiceError(_("Không thể tự khóa tài khoản của chính mình."))
    with db.atomic():
        old = user.active
        user.active = active
        user.save(only=[User.active])
        if not active:
            end_all_sessions(user)
        record(actor, "user.activate" if active else "user.deactivate", user,
               old={"active": old}, new={"active": active})


def grant_role(actor: User | None, user: User, role: str, *, unit: Unit | None = None,
               campaign: Campaign | None = None) -> RoleGrant:
    """Give a role: ``officer`` needs a unit, ``peer``/``leader`` a campaign, others neither."""
    if role == "officer" and unit is None:
        raise ServiceError(_("Cán bộ thi đua phải gắn với một đơn vị."), field="unit")
    if role in ("peer", "leader") and campaign is None:
        raise ServiceError(_("Vai trò người chấm phải gắn với một phong trào."), field="campaign")
    unit = unit if role == "officer" else None
    campaign = campaign if role in ("peer", "leader") else None
    existing = RoleGrant.get_or_none(RoleGrant.user == user, RoleGrant.role == role,
                                     RoleGrant.unit == unit, RoleGrant.campaign == campaign)
    if existing is not None:
        return existing
    with db.atomic():
        grant = RoleGrant.create(user=user, role=role, unit=unit, campaign=campaign)
        record(actor, "role.grant", user, new={"role": role, "unit": unit and unit.id,
                                               "campaign": campaign and campaign.id})
    return grant


def revoke_role(actor: User, grant: RoleGrant) -> None:
    if grant.role == "committee" and grant.user_id == actor.id:
        raise ServiceError(_("Không thể tự bỏ vai trò Ban Thi đua – Khen thưởng của chính mình."))
    with db.atomic():
        record(actor, "role.revoke", grant.user, old={"role": grant.role, "unit": grant.unit_id,
                                                      "campaign": grant.campaign_id})
        grant.delete_instance()
