"""`emulation serve` (what `make run` starts): gunicorn + worker on a real port.

The Vietnamese login page answers, every demo login reaches its home page over
HTTP, and SIGINT (Ctrl-C) stops the web server and the worker together.
"""
from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from emulation.services.demo import DEMO_PASSWORD, LOGINS
from tests.helpers import csrf_from

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOMES = {"committee": "/committee", "secretary": "/secretary", "officer": "/unit",
         "peer": "/review", "leader": "/review"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "emulation.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, **kwargs)


@pytest.fixture
def served(app_config, tmp_path):
    port = _free_port()
    env = dict(os.environ, EMULATION_INSTANCE_PATH=app_config["INSTANCE_PATH"],
               EMULATION_DATABASE_URL=app_config["DATABASE_URL"], EMULATION_HUEY_URL=str(tmp_path / "q.db"),
               EMULATION_SECRET_KEY=app_config["SECRET_KEY"], EMULATION_ARGON2_TIME_COST="1",
               EMULATION_ARGON2_MEMORY_KIB="8192")
    env.pop("DATABASE_URL", None)
    assert _cli(env, "db", "upgrade").returncode == 0
    demo = _cli(env, "demo")
    assert demo.returncode == 0 and "btdkt" in demo.stdout
    server = subprocess.Popen([sys.executable, "-m", "emulation.cli", "serve", "--bind", f"127.0.0.1:{port}"],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail(server.stdout.read().decode())
    yield base, server
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    server.stdout.close()


def _opener():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def test_login_page_and_every_demo_login_over_http(served):
    base, _ = served
    for username, _name, role, _unit, _label in LOGINS:
        opener = _opener()
        with opener.open(f"{base}/login") as r:
            page = r.read().decode()
        assert 'lang="vi"' in page and "Đăng nhập" in page
        form = urllib.parse.urlencode({"csrf_token": csrf_from(page), "username": username,
                                       "password": DEMO_PASSWORD}).encode()
        with opener.open(f"{base}/login", data=form) as r:
            assert r.status == 200
            assert urllib.parse.urlsplit(r.url).path == HOMES[role], (username, r.url)


def test_ctrl_c_stops_web_and_worker(served):
    base, server = served
    children = subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True).stdout.split()
    assert len(children) >= 4  # serve, gunicorn master + 2 workers, worker
    os.killpg(server.pid, signal.SIGINT)
    assert server.wait(timeout=30) == 0
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True).stdout.split()
    assert left == []
    output = server.stdout.read().decode()
    assert "Đã dừng." in output
