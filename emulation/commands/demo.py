"""``emulation demo``: seed the demo campaigns (idempotent) and print the logins."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..database import db


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Tạo dữ liệu mẫu (chạy lại nhiều lần không tạo trùng) và in các tài khoản demo."""
    from ..services.demo import DEMO_PASSWORD, seed_demo

    with db.connection_context():
        logins = seed_demo(certificates=True)
    click.echo("Tài khoản demo (mật khẩu chung: %s):" % DEMO_PASSWORD)
    for username, role, who in logins:
        click.echo(f"  {username:<14} {role:<34} {who}")


COMMANDS = [demo]
