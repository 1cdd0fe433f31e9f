"""The ``emulation`` command: a FlaskGroup carrying every CLI command."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from . import create_app


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_default_commands=True,
             add_version_option=False)
def cli() -> None:
    """Nền tảng thi đua – khen thưởng (emulation)."""


if __name__ == "__main__":  # python -m emulation.cli …
    cli()
