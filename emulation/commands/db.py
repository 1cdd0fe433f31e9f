"""``emulation db upgrade|status``: schema migrations."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..database import db as database
from ..migrations import runner, upgrade as apply

group = AppGroup("db", help="Cơ sở dữ liệu: nâng cấp cấu trúc (migration).")


@group.command("upgrade")
def upgrade() -> None:
    """Áp dụng các migration còn thiếu."""
    with database.connection_context():
        applied = apply(database.obj)
    for name in applied:
        click.echo(f"đã áp dụng: {name}")
    if not applied:
        click.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


@group.command("status")
def status() -> None:
    """Liệt kê migration: [x] đã áp dụng, [ ] còn chờ. Thoát mã 1 khi còn chờ."""
    with database.connection_context():
        rows = runner(database.obj).status()
    for m in rows:
        click.echo(f"[{'x' if m.applied else ' '}] {m.name}")
    if any(not m.applied for m in rows):
        raise SystemExit(1)


COMMANDS = [group]
