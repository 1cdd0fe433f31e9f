"""``emulation criteria validate|import``: criteria sets as TOML files."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..database import db
from ..domain.criteria import CriteriaError, format_decimal_vi, load_criteria
from ..services import ServiceError
from ..services.criteria import import_criteria

group = AppGroup("criteria", help="Bộ tiêu chí (tệp TOML).")


@group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(paths: tuple[str, ...]) -> None:
    """Kiểm tra tệp tiêu chí: in tóm tắt, hoặc mỗi lỗi một dòng (thoát mã 1)."""
    failed = False
    for path in paths:
        try:
            cs = load_criteria(path)
        except CriteriaError as error:
            failed = True
            for problem in error.problems:
                click.echo(problem.line(path), err=True)
            continue
        kinds = {k: sum(1 for c in cs.criteria if c.kind.value == k) for k in ("score", "bonus", "penalty")}
        click.echo(f"{path}: hợp lệ – «{cs.title}» ({cs.id} v{cs.version}, "
                   f"{'tập thể' if cs.target == 'collective' else 'cá nhân'})")
        click.echo(f"  {len(cs.groups)} nhóm, {len(cs.criteria)} tiêu chí "
                   f"({kinds['score']} chấm điểm, {kinds['bonus']} điểm thưởng, {kinds['penalty']} điểm trừ); "
                   f"điểm tối đa {format_decimal_vi(cs.max_total)}")
        for g in cs.groups:
            click.echo(f"  {g.code}. {g.title}: {len(g.criteria)} tiêu chí, tối đa {format_decimal_vi(g.max_total)}")
    if failed:
        sys.exit(1)


@group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def import_(paths: tuple[str, ...]) -> None:
    """Nhập tệp tiêu chí thành một phiên bản trong cơ sở dữ liệu."""
    failed = False
    labels = {"created": "đã nhập", "unchanged": "không đổi (đã có)", "replaced": "đã thay thế"}
    with db.connection_context():
        for path in paths:
            try:
                outcome = import_criteria(None, Path(path).read_text(encoding="utf-8"), path)
            except (ServiceError, UnicodeDecodeError) as error:
                failed = True
                click.echo(getattr(error, "message", f"{path}: tệp không phải UTF-8"), err=True)
                for line in getattr(error, "problems", []):
                    click.echo(line, err=True)
                continue
            cs = outcome.criteria_set
            click.echo(f"{path}: {labels[outcome.status]} – {cs.code} v{cs.version}")
    if failed:
        sys.exit(1)


COMMANDS = [group]
