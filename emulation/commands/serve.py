"""``emulation worker`` runs the background worker; ``emulation serve`` runs web + worker.

``serve`` is what ``make run`` uses: gunicorn (2 workers) and the huey consumer as
two child processes; Ctrl-C (SIGINT) or SIGTERM stops both and waits for them.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import huey


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Số luồng xử lý")
@with_appcontext
def worker(workers: int) -> None:
    """Chạy tiến trình xử lý nền (huey)."""
    from huey.consumer import Consumer
    from .. import tasks  # noqa: F401

    if huey.immediate:
        click.echo("HUEY_IMMEDIATE đang bật: không cần tiến trình xử lý nền.", err=True)
        sys.exit(1)
    click.echo(f"Tiến trình xử lý nền: {type(huey.storage).__name__}, {workers} luồng.")
    Consumer(huey, workers=workers, worker_type="thread", periodic=True).run()


@click.command("serve")
@click.option("--bind", default="127.0.0.1:5000", show_default=True)
@click.option("--web-workers", default=2, show_default=True)
@with_appcontext
def serve(bind: str, web_workers: int) -> None:
    """Chạy máy chủ web (gunicorn) và tiến trình xử lý nền cùng lúc."""
    env = dict(os.environ, EMULATION_INSTANCE_PATH=current_app.config["INSTANCE_PATH"])
    python = sys.executable
    children = [
        subprocess.Popen([python, "-m", "gunicorn", "--workers", str(web_workers), "--bind", bind,
                          "--access-logfile", "-", "--graceful-timeout", "10", "wsgi:app"], env=env),
        subprocess.Popen([python, "-m", "emulation.cli", "worker"], env=env),
    ]
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        click.echo("\nĐang dừng máy chủ web và tiến trình nền…")
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM if child is children[0] else signal.SIGINT)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    click.echo(f"Nền tảng thi đua đang chạy tại http://{bind} (Ctrl-C để dừng).")
    while any(child.poll() is None for child in children):
        for child in children:
            try:
                child.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
            if child.poll() is not None and not stopping:
                stop(None, None)
    click.echo("Đã dừng.")


COMMANDS = [worker, serve]
