"""``emulation users create|grant|password``: accounts from the command line."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..database import db
from ..models import ROLES, Campaign, Unit, User
from ..services import ServiceError, accounts

group = AppGroup("users", help="Tài khoản người dùng và vai trò.")


def _fail(error: ServiceError) -> None:
    click.echo(error.message, err=True)
    sys.exit(1)


@group.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Họ và tên")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), multiple=True)
@click.option("--unit", "unit_code", help="Mã đơn vị (vai trò officer)")
@click.option("--campaign", "campaign_slug", help="Mã phong trào (vai trò peer/leader)")
def create(username, full_name, password, role, unit_code, campaign_slug) -> None:
    """Tạo tài khoản và gán vai trò (tất cả hoặc không gì cả)."""
    with db.connection_context():
        unit = Unit.get_or_none(Unit.code == unit_code) if unit_code else None
        campaign = Campaign.get_or_none(Campaign.slug == campaign_slug) if campaign_slug else None
        if unit_code and unit is None:
            _fail(ServiceError(f"Không có đơn vị mã «{unit_code}»."))
        if campaign_slug and campaign is None:
            _fail(ServiceError(f"Không có phong trào mã «{campaign_slug}»."))
        try:
            with db.atomic():  # a refused role must not leave an account without it behind
                user = accounts.create_user(None, username=username, full_name=full_name, password=password,
                                            min_length=current_app.config["PASSWORD_MIN_LENGTH"])
                for r in role:
                    accounts.grant_role(None, user, r, unit=unit, campaign=campaign)
        except ServiceError as error:
            _fail(error)
    click.echo(f"Đã tạo tài khoản {user.username}.")


@group.command("password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def password(username, password) -> None:
    """Đặt lại mật khẩu (mọi phiên đăng nhập của người dùng kết thúc)."""
    with db.connection_context():
        user = User.get_or_none(User.username == username.lower())
        if user is None:
            click.echo(f"Không có tài khoản «{username}».", err=True)
            sys.exit(1)
        try:
            accounts.set_password(user, user, password, current_app.config["PASSWORD_MIN_LENGTH"])
        except ServiceError as error:
            _fail(error)
    click.echo("Đã đặt lại mật khẩu.")


COMMANDS = [group]
