"""``emulation scores import|template`` and ``emulation assignments import|template``.

For councils that score on paper: print the sheet (one row per assignment × criterion),
type the values in, import it. Every row is checked first; on any problem the command
prints one line per problem and exits 1 without writing anything.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..database import db
from ..models import Campaign
from ..services import ServiceError
from ..services import review_import

scores = AppGroup("scores", help="Điểm chấm: nhập từ bảng tính chấm trên giấy.")
assignments = AppGroup("assignments", help="Phân công chấm: nhập từ bảng tính.")
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
OUTFILE = click.Path(dir_okay=False, writable=True, path_type=Path)


def _campaign(key: str) -> Campaign:
    campaign = Campaign.get_or_none(Campaign.slug == key)
    if campaign is None and key.isdigit():
        campaign = Campaign.get_or_none(Campaign.id == int(key))
    if campaign is None:
        raise click.ClickException(f"Không có phong trào «{key}». Ghi mã phong trào (slug) hoặc số hiệu.")
    return campaign


def _refused(error: ServiceError) -> None:
    click.echo(error.message, err=True)
    for line in error.problems:
        click.echo(f"  {line}", err=True)
    raise SystemExit(1)


@scores.command("import")
@click.argument("campaign")
@click.argument("file", type=FILE)
def import_scores(campaign: str, file: Path) -> None:
    """Nhập điểm chấm của CAMPAIGN từ FILE (.xlsx/.csv; mỗi dòng: hồ sơ × người chấm × tiêu chí)."""
    with db.connection_context():
        target = _campaign(campaign)
        data = file.read_bytes()
        with click.progressbar(length=1, label="Ghi phiếu chấm") as bar:
            def progress(done: int) -> None:
                bar.length = max(bar.length or 1, done)
                bar.update(done - bar.pos)
            try:
                report = review_import.import_scores(None, target, file.name, data, progress=progress)
            except ServiceError as error:
                _refused(error)
    click.echo(f"Đã nhập {report.rows} dòng: {report.reviews} phiếu chấm, {report.changed} điểm thêm mới "
               f"hoặc thay đổi; {report.submitted} phiếu đã đủ mọi tiêu chí (đã nộp).")
    if report.reviews > report.submitted:
        click.echo(f"{report.reviews - report.submitted} phiếu còn thiếu tiêu chí nên chưa nộp: cần chấm tiếp.")


@scores.command("template")
@click.argument("campaign")
@click.argument("outfile", type=OUTFILE)
def score_template(campaign: str, outfile: Path) -> None:
    """Ghi bảng tính chấm điểm của CAMPAIGN (mỗi lượt phân công × tiêu chí một dòng)."""
    with db.connection_context():
        outfile.write_bytes(review_import.score_template(_campaign(campaign)))
    click.echo(f"Đã ghi bảng tính chấm điểm: {outfile}")


@assignments.command("import")
@click.argument("campaign")
@click.argument("file", type=FILE)
def import_assignments(campaign: str, file: Path) -> None:
    """Nhập phân công chấm của CAMPAIGN từ FILE (.xlsx/.csv; mỗi dòng: hồ sơ × người chấm)."""
    with db.connection_context():
        try:
            report = review_import.import_assignments(None, _campaign(campaign), file.name, file.read_bytes())
        except ServiceError as error:
            _refused(error)
    click.echo(f"Đã nhập {report.rows} dòng: {report.created} lượt phân công mới, "
               f"{report.kept} đã có từ trước.")


@assignments.command("template")
@click.argument("campaign")
@click.argument("outfile", type=OUTFILE)
def assignment_template(campaign: str, outfile: Path) -> None:
    """Ghi bảng tính phân công chấm của CAMPAIGN (các lượt đã phân công, để bổ sung)."""
    with db.connection_context():
        outfile.write_bytes(review_import.assignment_template(_campaign(campaign)))
    click.echo(f"Đã ghi bảng tính phân công: {outfile}")


COMMANDS = [scores, assignments]
