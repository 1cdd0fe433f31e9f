"""``emulation certificates issue DECISION [--mode full|blank]``: issue a decision's certificates.

The batch is recorded and queued for the background workers; this command then works on
it as one more worker (sharing the chunks through their claims) and shows a progress bar
of the whole batch, so it finishes whether or not a worker is running.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..database import db
from ..models import PRINT_MODES, CertificateBatch, Decision
from ..services import ServiceError, issuing
from ..services.issuing_worker import run_batch

certificates = AppGroup("certificates", help="Bằng khen, giấy khen: cấp theo quyết định đã phê duyệt.")


def _decision(key: str) -> Decision:
    decision = Decision.get_or_none(Decision.number == key)
    if decision is None and key.isdigit():
        decision = Decision.get_or_none(Decision.id == int(key))
    if decision is None:
        raise click.ClickException(f"Không có quyết định «{key}». Ghi số quyết định (ví dụ 2468/QĐ-UBND) "
                                   "hoặc số hiệu.")
    return decision


@certificates.command("issue")
@click.argument("decision")
@click.option("--mode", type=click.Choice(PRINT_MODES), default="full", show_default=True,
              help="full: bản đầy đủ (khung, quốc huy); blank: chỉ chữ, in trên phôi.")
def issue(decision: str, mode: str) -> None:
    """Cấp và kết xuất bằng khen, giấy khen của quyết định DECISION."""
    with db.connection_context():
        found = _decision(decision)
        try:
            batch = issuing.issue(None, found, mode) if found.state == "approved" else None
        except ServiceError as error:
            raise click.ClickException(error.message) from None
        if batch is None:
            raise click.ClickException("Chỉ cấp bằng, giấy khen theo quyết định đã được phê duyệt.")
        with click.progressbar(length=max(batch.total, 1), label=f"Kết xuất bằng ({mode})") as bar:
            def progress(rendered: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(rendered - bar.pos)
            run_batch(batch.id, progress=progress)
            batch = CertificateBatch.get_by_id(batch.id)
            bar.length = max(batch.total, 1)
            bar.update(batch.rendered - bar.pos)
    if batch.state == "failed":
        raise click.ClickException(f"Đợt in bị lỗi: {batch.error}")
    if batch.state != "done":
        click.echo(f"Đã kết xuất {batch.rendered}/{batch.total}; phần còn lại do tiến trình nền đang làm.")
        return
    click.echo(f"Đã cấp {batch.total} bằng khen, giấy khen theo Quyết định số {found.number} ({mode}).")


COMMANDS = [certificates]
