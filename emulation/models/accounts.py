"""Accounts: users, their roles, login sessions and login attempts."""
from __future__ import annotations

from peewee import BooleanField, CharField, Check, DateTimeField, ForeignKeyField

from .base import BaseModel, utcnow
from .campaign import Campaign
from .org import Unit

ROLES = ("committee", "secretary", "officer", "peer", "leader")
CAMPAIGN_ROLES = ("peer", "leader")


class User(BaseModel):
    username = CharField(max_length=80, unique=True)
    full_name = CharField(max_length=200)
    email = CharField(max_length=200, default="")
    password_hash = CharField(max_length=255)
    active = BooleanField(default=True)
    locale = CharField(max_length=8, default="vi")
    created_at = DateTimeField(default=utcnow)
    password_changed_at = DateTimeField(default=utcnow)

    # Flask-Login protocol. The session id, not the user id, identifies the login,
    # so ending the LoginSession row ends every copy of the cookie.
    session_token: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    def grants(self) -> list["RoleGrant"]:
        cached = getattr(self, "_grants", None)
        if cached is None:
            cached = list(RoleGrant.select().where(RoleGrant.user == self))
            self._grants = cached
        return cached

    def roles(self) -> set[str]:
        return {g.role for g in self.grants()}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))

    def officer_unit_ids(self) -> set[int]:
        return {g.unit_id for g in self.grants() if g.role == "officer"}

    def reviewer_campaign_ids(self, role: str) -> set[int]:
        return {g.campaign_id for g in self.grants() if g.role == role}


class RoleGrant(BaseModel):
    """A role held by a user: officers are bound to a unit, reviewers to a campaign."""
    user = ForeignKeyField(User, backref="role_grants", on_delete="CASCADE")
    role = CharField(max_length=20, constraints=[
        Check("role IN ('committee', 'secretary', 'officer', 'peer', 'leader')")])
    unit = ForeignKeyField(Unit, null=True, on_delete="CASCADE")
    campaign = ForeignKeyField(Campaign, null=True, on_delete="CASCADE")
    granted_at = DateTimeField(default=utcnow)

    class Meta:
        constraints = [
            Check("(role = 'officer') = (unit_id IS NOT NULL)"),
            Check("(role IN ('peer', 'leader')) = (campaign_id IS NOT NULL)"),
        ]
        indexes = ((("user", "role", "unit", "campaign"), True),)


class LoginSession(BaseModel):
    """One login. The cookie carries a random token whose hash is stored here."""
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    ended_at = DateTimeField(null=True)
    ip = CharField(max_length=64, default="")
    user_agent = CharField(max_length=255, default="")


class LoginAttempt(BaseModel):
    """A login attempt, kept to throttle guessing (by user name and by address)."""
    username_key = CharField(max_length=80, index=True)
    ip = CharField(max_length=64, index=True)
    at = DateTimeField(default=utcnow, index=True)
    success = BooleanField(default=False)
