"""``emulation ranking export CAMPAIGN --format csv|json|xlsx [--target …] [--cluster CODE] [-o FILE]``.

For operators (no permission check: whoever runs the command holds the database). The
score sheet is :mod:`emulation.services.ranking_export`'s; CSV and JSON go to standard
output when no file is given, .xlsx needs ``-o``.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..database import db
from ..services import ServiceError
from ..services import ranking_export as service
from .reviews import OUTFILE, _campaign

ranking = AppGroup("ranking", help="Bảng xếp hạng: xuất bảng tổng hợp điểm.")


@ranking.command("export")
@click.argument("campaign")
@click.option("--format", "fmt", type=click.Choice(service.FORMATS), default="csv", show_default=True,
              help="Định dạng tệp.")
@click.option("--target", type=click.Choice(service.TARGETS), default="collective", show_default=True,
              help="Tập thể (collective) hoặc cá nhân (individual).")
@click.option("--cluster", "cluster_code", default=None, help="Chỉ một cụm thi đua (mã cụm).")
@click.option("-o", "--output", type=OUTFILE, default=None, help="Ghi vào tệp thay vì in ra màn hình.")
def export(campaign: str, fmt: str, target: str, cluster_code: str | None, output: Path | None) -> None:
    """Xuất bảng tổng hợp điểm của CAMPAIGN (mã phong trào hoặc số hiệu)."""
    if fmt == "xlsx" and output is None:
        raise click.UsageError(_("Tệp .xlsx cần tên tệp để ghi: thêm -o TÊN_TỆP.xlsx."))
    with db.connection_context():
        try:
            cluster = service.find_cluster(cluster_code) if cluster_code else None
            sheet = service.score_sheet(_campaign(campaign), target, cluster)
        except ServiceError as error:
            raise click.ClickException(error.message) from error
        data = service.render(sheet, fmt)
    if output is None:
        click.echo(data, nl=False)       # the bytes as they are (CSV keeps its BOM)
        return
    output.write_bytes(data)
    click.echo(_("Đã ghi bảng tổng hợp điểm (%(n)d hồ sơ): %(f)s", n=len(sheet.rows), f=str(output)))


COMMANDS = [ranking]
