"""``emulation campaign export SLUG FILE`` and ``emulation campaign import FILE``: the campaign archive.

One self-contained JSON file per campaign (format: ``docs/archive.md``); evidence files
travel by SHA-256 in an optional folder beside it (``--files``). An import is checked
whole first: on any problem the command prints one line per problem, exits 1 and
writes nothing.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..database import db
from ..services import ServiceError
from ..services.archive import copy_files, export_campaign, import_campaign
from .reviews import _campaign, _refused

group = AppGroup("campaign", help="Phong trào: lưu trữ hồ sơ (xuất, nhập tệp lưu trữ).")
FOLDER = click.Path(file_okay=False, path_type=Path)
FILES_HELP = "Thư mục tệp minh chứng đặt cạnh tệp lưu trữ, mỗi tệp mang tên là mã SHA-256 của nó."


@group.command("export")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--files", "files_dir", type=FOLDER, default=None, help=FILES_HELP)
def export_archive(slug: str, file: Path, files_dir: Path | None) -> None:
    """Ghi toàn bộ hồ sơ của phong trào SLUG vào tệp lưu trữ FILE (JSON)."""
    with db.connection_context():
        campaign = _campaign(slug)
        text = export_campaign(campaign)
        copied, missing = copy_files(text, files_dir) if files_dir is not None else (0, [])
    file.write_bytes(text.encode("utf-8"))
    click.echo(f"Đã ghi tệp lưu trữ phong trào «{campaign.slug}»: {file} ({len(text.encode('utf-8'))} byte).")
    if files_dir is not None:
        click.echo(f"Đã chép {copied} tệp minh chứng vào {files_dir}.")
        _warn_missing(missing, "không có trong kho tệp của hệ thống này nên không chép được")


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--files", "files_dir", type=FOLDER, default=None, help=FILES_HELP)
def import_archive(file: Path, files_dir: Path | None) -> None:
    """Nhập phong trào từ tệp lưu trữ FILE; kiểm tra toàn bộ trước, có lỗi thì không ghi gì."""
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"Tệp «{file}» không phải văn bản UTF-8 (byte lỗi ở vị trí {error.start}).")
    with db.connection_context():
        try:
            report = import_campaign(text, files_dir)
        except ServiceError as error:
            _refused(error)
        slug = report.campaign.slug
    click.echo(f"Đã nhập phong trào «{slug}» từ {file}; đã chép {report.files_restored} tệp minh chứng vào kho.")
    for line in report.reused:
        click.echo(f"Dùng lại dữ liệu sẵn có, giống hệt tệp lưu trữ – {line}")
    _warn_missing(report.files_missing, "chưa có trong kho tệp: hồ sơ vẫn được nhập, nhưng các tệp này chưa mở "
                                        "được cho đến khi được đặt vào kho tệp (xem docs/archive.md)")
    if report.users_created:
        click.echo(f"{len(report.users_created)} tài khoản mới tạo chưa có mật khẩu và đang bị khóa "
                   f"({', '.join(report.users_created)}): đặt lại mật khẩu và mở khóa khi cần.")


def _warn_missing(missing: list[str] | tuple[str, ...], why: str) -> None:
    if missing:
        click.echo(f"Cảnh báo: {len(missing)} tệp minh chứng {why}:", err=True)
        for sha256 in missing:
            click.echo(f"  {sha256}", err=True)


COMMANDS = [group]
