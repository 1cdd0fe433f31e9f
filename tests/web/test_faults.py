"""Faults: the platform under contention, a killed worker, a full disk and a database outage.

- Writers queue, they do not fail: 8 threads × 50 read-then-write saves of one submission
  give no "database is locked", and every save that succeeded is counted exactly once (the
  version and the audit log agree).
- A results refresh replaces the rows in one transaction: killing its worker (kill -9) leaves
  the previous table whole; a worker started again finds the request in the database
  (``results_requested_at`` later than ``results_computed_at``) and completes it.
- An evidence file that cannot be written (full disk, store path unusable) is refused with a
  Vietnamese message, leaves no row, and the draft typed on the same form is saved.
- The database unreachable for a moment: a friendly 503 with ``Retry-After``, nothing written,
  and the next requests are served again without restarting anything.
"""
from __future__ import annotations

import errno
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from emulation.clock import clock
from emulation.database import db
from emulation.models import AuditEvent, CampaignUnit, Campaign, Evidence, Result, SelfScore, Submission
from emulation.services import submissions as service
from emulation.services.submissions import Entry, StaleSave
from emulation.storage import evidence_store
from tests.conftest import USE_PG
from tests.helpers import csrf_from

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
THREADS, SAVES = 8, 50
SUBMISSIONS = 3000


@pytest.fixture
def world(app, make):
    campaign = make.campaign()
    unit = make.unit()
    CampaignUnit.get_or_create(campaign=campaign, unit=unit)
    officer = make.user("officer", unit=unit)
    submission = service.open_collective(campaign, unit)
    cs, rows = service.criteria_of(submission)
    return {"campaign": campaign, "officer": officer, "submission": submission, "cs": cs, "rows": rows}


# ---------------------------------------------------------------- 1. contention

def test_concurrent_read_then_write_saves_queue_and_count_exactly(app, world):
    submission, officer = world["submission"], world["officer"]
    code = world["cs"].criteria[0].code
    errors: list[str] = []
    stale = [0] * THREADS

    def work(t: int) -> None:
        with app.app_context(), db.connection_context():
            for i in range(SAVES):
                while True:     # as a user would: reload the form, save again
                    fresh = Submission.get_by_id(submission.id)
                    try:
                        service.save_draft(officer, fresh, {code: Entry("", f"luồng {t} lần {i}")}, fresh.version)
                        break
                    except StaleSave:
                        stale[t] += 1
                    except Exception as error:  # "database is locked" or anything else: the test fails
                        errors.append(repr(error))
                        return

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert Submission.get_by_id(submission.id).version == 1 + THREADS * SAVES
    events = AuditEvent.select().where(AuditEvent.action == "submission.save",
                                       AuditEvent.object_id == submission.id)
    assert events.count() == THREADS * SAVES
    explained = {re.search(r"luồng \d+ lần \d+", e.new).group(0) for e in events}
    assert len(explained) == THREADS * SAVES         # every save once, none lost, none twice
    assert SelfScore.select().where(SelfScore.submission == submission).count() == 1


# ---------------------------------------------------------------- 2. worker killed mid-refresh

def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "emulation.cli", "worker", "--workers", "1"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def _table(campaign_id: int) -> list[tuple]:
    return [tuple(r) for r in Result.select(Result.submission, Result.S, Result.F, Result.rank_overall,
                                            Result.band, Result.computed_at)
            .where(Result.campaign == campaign_id).order_by(Result.submission).tuples()]


def _until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def _writing(database_url: str):
    """A probe: is a transaction writing the database right now? (SQLite: the write lock is
    held; PostgreSQL: a statement on the result table is running.)"""
    if USE_PG:
        from tests.conftest import _admin_connection
        conn, name = _admin_connection(database_url), database_url.rpartition("/")[2]

        def probe() -> bool:
            return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                                "AND query ILIKE '%%INSERT INTO \"result\"%%'", (name,)).fetchone()[0] > 0
        probe.close = conn.close
        return probe
    import sqlite3
    conn = sqlite3.connect(database_url.split("sqlite:///", 1)[1], timeout=0, isolation_level=None)

    def probe() -> bool:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        conn.execute("ROLLBACK")
        return False
    probe.close = conn.close
    return probe


def _queued_refreshes() -> int:
    """Refresh tasks waiting in the queue (a worker's scheduler may have queued periodic ones too)."""
    from emulation.extensions import huey
    return sum(task.name == "refresh_campaign_results" for task in huey.pending())


def test_worker_killed_mid_refresh_keeps_the_old_table_and_a_new_worker_completes(app_config, tmp_path):
    from bench.ranking import build
    from emulation import create_app
    from emulation.services.results_refresh import refresh_results, refreshing, request_refresh
    queue = str(tmp_path / "queue.db")
    env = dict(os.environ, EMULATION_INSTANCE_PATH=app_config["INSTANCE_PATH"],
               EMULATION_DATABASE_URL=app_config["DATABASE_URL"], EMULATION_SECRET_KEY=app_config["SECRET_KEY"],
               EMULATION_HUEY_URL=queue)
    env.pop("DATABASE_URL", None)
    create_app(dict(app_config, HUEY_IMMEDIATE=False, HUEY_URL=queue))
    with db.atomic():
        campaign, _secretary = build(SUBMISSIONS, 30, 5)
    clock.frozen = None
    refresh_results(campaign)
    old = _table(campaign.id)
    assert len(old) == SUBMISSIONS
    # a tenth of the submissions go back to draft: the next table has fewer rows
    every_tenth = [s.id for s in Submission.select(Submission.id).where(Submission.campaign == campaign)
                   .order_by(Submission.id)][::10]
    Submission.update(state="draft").where(Submission.id.in_(every_tenth)).execute()
    scored = Submission.select().where(Submission.campaign == campaign, Submission.state == "submitted").count()
    writing = _writing(app_config["DATABASE_URL"])

    def complete(table: list[tuple]) -> bool:
        return len(table) == scored and len({row[-1] for row in table}) == 1 and table[0][-1] > old[0][-1]

    # (a) killed while it writes the table: the table is the old one or the whole new one, never a mix
    request_refresh(Campaign.get_by_id(campaign.id))         # a review submitted: the refresh is queued
    worker = _worker(env)
    try:
        _until(writing, 120, "the refresh never started writing")
    finally:
        _kill(worker)
        writing.close()
    table = _table(campaign.id)
    assert table == old or (complete(table) and not refreshing(Campaign.get_by_id(campaign.id)))
    # (b) killed while it reads: the request is lost with the worker, the table stays as it was
    before = table
    request_refresh(Campaign.get_by_id(campaign.id))
    assert _queued_refreshes() == 1
    worker = _worker(env)
    try:
        _until(lambda: _queued_refreshes() == 0, 60, "the worker never took the refresh")
    finally:
        _kill(worker)
    assert refreshing(Campaign.get_by_id(campaign.id)), "the refresh finished before the kill"
    assert _table(campaign.id) == before and _queued_refreshes() == 0

    worker = _worker(env)                                     # a new worker takes it up from the database
    try:
        _until(lambda: not refreshing(Campaign.get_by_id(campaign.id)), 120, "the refresh was never completed")
    finally:
        _kill(worker)
    new = _table(campaign.id)
    assert complete(new) and new[0][-1] > before[0][-1]
    assert len(new) == SUBMISSIONS - SUBMISSIONS // 10


# ---------------------------------------------------------------- 3. evidence store unwritable

def _form(client, sub_id: int) -> dict:
    html = client.get(f"/submissions/{sub_id}").get_data(as_text=True)
    return {"csrf_token": csrf_from(html), "version": re.search(r'name="version" value="(\d+)"', html).group(1)}


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("fault", ["full disk", "store is a file"])
def test_unwritable_evidence_store_refuses_the_file_and_keeps_the_draft(client, world, login, monkeypatch,
                                                                        tmp_path, fault):
    if fault == "store is a file":
        blocker = tmp_path / "uploads-is-a-file"
        blocker.write_text("x")
        monkeypatch.setattr(evidence_store, "root", blocker)
    login(world["officer"])
    sub_id = world["submission"].id
    data = _form(client, sub_id)
    if fault == "full disk":
        monkeypatch.setattr(os, "fsync", _no_space)       # the bytes cannot reach the disk
    code = world["cs"].criteria[0].code
    data.update({"action": "save", f"value-{code}": "4,5", f"explain-{code}": "Đã ban hành quy chế",
                 f"files-{code}": (io.BytesIO(PDF), "Quyết định số 12.pdf")})
    response = client.post(f"/submissions/{sub_id}", data=data, content_type="multipart/form-data")
    monkeypatch.undo()
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Không lưu được tệp «Quyết định số 12.pdf»" in page and "Đã lưu nháp." in page
    assert Evidence.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "evidence.upload").count() == 0
    assert SelfScore.get().explanation == "Đã ban hành quy chế"       # the draft is kept
    leftovers = [p for p in Path(evidence_store.root).rglob("*") if p.is_file()] \
        if Path(evidence_store.root).is_dir() else []
    assert leftovers == []


# ---------------------------------------------------------------- 4. database unavailable

def _outage_sqlite(app_config):
    """Swap the database file for one that is not a database; give it back on exit."""
    path = Path(app_config["DATABASE_URL"].split("sqlite:///", 1)[1])
    away = path.with_name(path.name + ".away")

    class Outage:
        def __enter__(self):
            if not db.is_closed():
                db.close()
            db.obj.close_idle()            # connections opened before keep the old file: recycle them
            path.rename(away)
            path.write_bytes(b"Day khong phai co so du lieu. " * 200)
            return self

        def __exit__(self, *exc):
            db.obj.close_idle()
            path.unlink()
            away.rename(path)
    return Outage()


def _terminate_pg(database_url: str) -> None:
    from tests.conftest import _admin_connection
    name = database_url.rpartition("/")[2]
    with _admin_connection(database_url) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))


def _assert_friendly_503(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    html = response.get_data(as_text=True)
    assert "Cơ sở dữ liệu tạm thời không sẵn sàng" in html and "Traceback" not in html


def test_database_outage_answers_503_then_service_resumes(app, app_config, client, world, login):
    login(world["officer"])
    sub_id = world["submission"].id
    code = world["cs"].criteria[0].code
    assert client.get(f"/submissions/{sub_id}").status_code == 200
    data = _form(client, sub_id)
    data.update({"action": "save", f"value-{code}": "4,5", f"explain-{code}": "Trong lúc mất kết nối"})
    if USE_PG:
        _terminate_pg(app_config["DATABASE_URL"])
        first = client.get(f"/submissions/{sub_id}")
        assert first.status_code in (200, 503)
        if first.status_code == 503:
            _assert_friendly_503(first)
    else:
        with _outage_sqlite(app_config):
            _assert_friendly_503(client.get(f"/submissions/{sub_id}"))
            _assert_friendly_503(client.post(f"/submissions/{sub_id}", data=data))
    assert SelfScore.select().count() == 0                             # nothing half-written
    assert client.get(f"/submissions/{sub_id}").status_code == 200      # back, same session, no restart
    assert client.post(f"/submissions/{sub_id}", data=data).status_code == 302
    assert SelfScore.get().explanation == "Trong lúc mất kết nối"
