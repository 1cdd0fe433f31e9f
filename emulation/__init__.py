"""Emulation (thi đua) scoring and awards platform.

``create_app(overrides)`` builds the Flask application: configuration
(defaults ← ``EMULATION_*`` environment ← overrides), database, extensions,
blueprints, the route policy and the CLI.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from .config import PROJECT_ROOT, build_config


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    config = build_config(overrides)
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
        instance_path=config["INSTANCE_PATH"],
    )
    app.config.update(config)

    from .database import init_database
    from .extensions import configure_huey
    from .storage import configure_store
    from .web import init_web

    from .services.accounts import configure_hasher

    init_database(config)
    configure_hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"])
    configure_huey(config)
    configure_store(config["UPLOAD_DIR"])
    from .services.issuing import configure_issuing
    configure_issuing(config)
    init_web(app)
    from .commands import register_commands

    register_commands(app.cli)
    from . import tasks  # noqa: F401  registers the background tasks on the queue
    return app
