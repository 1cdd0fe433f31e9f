"""Real-browser fixtures: the app served on a free port with the demo seeded, headless
Debian Chromium driven by Playwright (sync API), console-error capture and screenshots.

The whole directory is skipped, with the reason, when Playwright or ``/usr/bin/chromium``
is missing. Every test here carries the ``browser`` marker.
"""
from __future__ import annotations

import importlib.util
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
TIMEOUT_MS = 10_000


def _skip_reason() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium) – browser tests skipped"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


def shot(page, name: str) -> Path:
    """Save a full-page PNG as ``test-artifacts/screenshots/<name>.png``; returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def _seeded_sqlite(tmp_path_factory) -> dict:
    """Where the first test's freshly seeded SQLite file is kept for the next tests."""
    return {"dir": tmp_path_factory.mktemp("seeded"), "path": None}


def _closed_before_sending(app):
    """Wrap ``app`` so every response body is read whole and closed inside the app call.

    werkzeug's development server closes the response only after draining the socket, and
    that drain (``rfile.read`` in ``serving.py``'s ``execute``) raises when Chromium resets a
    connection it no longer wants (a favicon during a navigation). The static file is then
    left open, and the suite's ``filterwarnings = error`` turns the later ``ResourceWarning``
    into a failure of whichever test is running. The app streams nothing, so buffering is
    harmless here.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture
def live_server(app_config, _seeded_sqlite):
    """The app with the demo seeded, served by a threaded werkzeug server; yields its base URL.

    Seeding hashes six passwords (~2 s), so on SQLite the first test's seeded database is
    kept and later tests start from a copy of it; ``seed_demo()`` still runs every time
    (idempotent: it then only looks the rows up). PostgreSQL seeds each fresh database.
    """
    from werkzeug.serving import make_server

    from emulation import create_app
    from emulation.database import db
    from emulation.services.demo import seed_demo

    url = app_config["DATABASE_URL"]
    sqlite_file = Path(url.split("sqlite:///", 1)[1]) if url.startswith("sqlite:///") else None
    cached = _seeded_sqlite["path"]
    if sqlite_file is not None and cached is not None:
        shutil.copy(cached, sqlite_file)
    app = create_app(app_config)
    with app.app_context():
        db.connect(reuse_if_open=True)
        try:
            seed_demo()
            if sqlite_file is not None:
                db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
    if sqlite_file is not None and cached is None:
        _seeded_sqlite["path"] = shutil.copy(sqlite_file, _seeded_sqlite["dir"] / "seeded.db")
    server = make_server("127.0.0.1", 0, _closed_before_sending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        if not db.is_closed():
            db.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors (CSP violations included) and uncaught page errors seen by ``page``."""
    return []


@pytest.fixture
def page(browser, console_errors):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda msg: console_errors.append(
        f"console: {msg.text} @ {msg.location.get('url', '')}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(f"pageerror: {exc}"))
    try:
        yield page
    finally:
        context.close()
