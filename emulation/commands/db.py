"""``emulation db upgrade|status|backup|restore``: schema migrations, backups."""
from __future__ import annotations

from pathlib import Path

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


@group.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Sao lưu cơ sở dữ liệu vào FILE khi hệ thống đang chạy (SQLite: bản chụp nhất quán; PostgreSQL: pg_dump)."""
    from ..services.backup import backup as run
    with database.connection_context():
        run(file)
    click.echo(f"Đã sao lưu cơ sở dữ liệu vào {file} ({file.stat().st_size:,} byte).".replace(",", "."))


@group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="Khôi phục sẽ thay toàn bộ dữ liệu hiện có. Đã dừng web và tiến trình nền chưa?")
def restore(file: Path) -> None:
    """Khôi phục cơ sở dữ liệu từ bản sao lưu FILE (dừng web và tiến trình nền trước)."""
    from ..services.backup import restore as run
    run(file)
    click.echo(f"Đã khôi phục cơ sở dữ liệu từ {file}. Khởi động lại web và tiến trình nền.")


COMMANDS = [group]
