"""CLI commands, one module per group, all registered on the ``emulation`` FlaskGroup."""
from __future__ import annotations

import click


def register_commands(cli: click.Group) -> None:
    from . import archive, certificates, criteria, db, demo, org, ranking, reviews, serve, users

    for module in (db, criteria, org, users, reviews, ranking, demo, serve, archive, certificates):
        for command in module.COMMANDS:
            cli.add_command(command)
