"""A certificate batch survives kill -9 of its worker at any point: restarted, it completes
with no duplicate and no missing number, and every file matches its recorded SHA-256."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from emulation.models import Certificate, CertificateBatch, CertificateChunk
from emulation.services import issuing
from emulation.services.issuing_worker import batch_folder

ROOT = Path(__file__).resolve().parents[2]
N = 24


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "emulation.cli", "worker", "--workers", "2"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)          # the worker and its render processes, no goodbye
    worker.wait(timeout=30)


def _recorded_files_match(batch: CertificateBatch) -> int:
    folder = batch_folder(batch)
    recorded = [c for c in CertificateChunk.select().where(CertificateChunk.batch == batch) if c.sha256]
    for c in recorded:
        assert hashlib.sha256((folder / c.file).read_bytes()).hexdigest() == c.sha256
    return sum(c.last - c.first + 1 for c in recorded)


def _wait(batch_id: int, until, timeout: float = 90) -> CertificateBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = CertificateBatch.get_by_id(batch_id)
        if until(batch):
            return batch
        time.sleep(0.05)
    raise AssertionError(f"batch stuck at {batch.state} {batch.rendered}/{batch.total}")


def test_kill_9_at_any_point_then_restart_completes_exactly(app_config, tmp_path, make):
    settings = {"CERTIFICATE_CHUNK": 2, "CERTIFICATE_LEASE_SECONDS": 3, "CERTIFICATE_TASKS": 2,
                "HUEY_URL": str(tmp_path / "queue.db")}
    env = dict(os.environ, EMULATION_INSTANCE_PATH=app_config["INSTANCE_PATH"],
               EMULATION_DATABASE_URL=app_config["DATABASE_URL"], EMULATION_SECRET_KEY=app_config["SECRET_KEY"],
               **{f"EMULATION_{k}": str(v) for k, v in settings.items()})
    env.pop("DATABASE_URL", None)
    from emulation import create_app
    create_app(dict(app_config, HUEY_IMMEDIATE=False, **settings))
    committee = make.user("committee")
    decision = make.approved_decision(N)
    batch = issuing.issue(committee, decision)          # queued for the worker, nothing rendered here
    assert CertificateBatch.get_by_id(batch.id).state == "queued"

    # kill before planning, in the middle of chunks, and again after more progress
    kills = [lambda b: True, lambda b: b.rendered >= 4, lambda b: b.rendered >= 12]
    for i, ready in enumerate(kills):
        worker = _worker(env)
        try:
            time.sleep(0.2 if i == 0 else 0)
            _wait(batch.id, ready)
        finally:
            _kill(worker)
        _recorded_files_match(CertificateBatch.get_by_id(batch.id))
        numbers = [c.number for c in Certificate.select().where(Certificate.decision == decision)
                   .order_by(Certificate.number)]
        assert numbers in ([], list(range(1, N + 1)))        # numbering is all or nothing

    worker = _worker(env)
    try:
        done = _wait(batch.id, lambda b: b.state == "done", timeout=120)
    finally:
        _kill(worker)
    certificates = list(Certificate.select().where(Certificate.decision == decision).order_by(Certificate.number))
    assert [c.number for c in certificates] == list(range(1, N + 1))
    assert len({c.golden_book_no for c in certificates}) == N and len({c.verify_code for c in certificates}) == N
    assert done.rendered == done.total == N == _recorded_files_match(done)
    folder = batch_folder(done)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        c.file for c in CertificateChunk.select().where(CertificateChunk.batch == done))
    assert all(c.pdf_sha256 for c in certificates)
