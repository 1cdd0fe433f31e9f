"""``emulation org import|template``: clusters, units and people from spreadsheets."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..database import db
from ..services import ServiceError
from ..services.org_import import KINDS, import_org_sheet, template_workbook

group = AppGroup("org", help="Đơn vị, cụm thi đua và cán bộ.")


@group.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(kind: str, file: Path) -> None:
    """Nhập KIND (clusters, units, people) từ tệp .xlsx hoặc .csv: mọi dòng hoặc không dòng nào."""
    try:
        with db.connection_context():
            report = import_org_sheet(None, kind, file.name, file.read_bytes())
    except ServiceError as error:
        click.echo(error.message, err=True)
        for line in error.problems:
            click.echo(f"  {line}", err=True)
        raise SystemExit(1) from None
    line = (f"Đã nhập {report.rows} dòng: {report.created} thêm mới, "
            f"{report.updated} cập nhật.")
    if report.unchanged:
        line += f" {report.unchanged} dòng không thay đổi."
    click.echo(line)


@group.command("template")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("outfile", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def template(kind: str, outfile: Path) -> None:
    """Ghi tệp mẫu .xlsx để điền KIND (clusters, units, people)."""
    outfile.write_bytes(template_workbook(kind))
    click.echo(f"Đã ghi tệp mẫu: {outfile}")


COMMANDS = [group]
