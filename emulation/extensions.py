"""Flask extensions and the task queue, created once and bound by ``init_app``.

Importing this module imports nothing of the application, so every other module
can import it.
"""
from __future__ import annotations

from typing import Any

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
huey = Huey("emulation", storage_class=SqliteStorage, filename=":memory:", immediate=True)


def configure_huey(config: dict[str, Any]) -> Huey:
    """Point the queue at SQLite (a file path) or Redis (``redis://…``).

    With ``HUEY_IMMEDIATE`` tasks run in the calling process (tests, one-off CLI use).
    """
    url = config["HUEY_URL"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": url}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": url}
    huey._immediate = bool(config["HUEY_IMMEDIATE"])
    huey.storage = huey.create_storage()
    return huey
