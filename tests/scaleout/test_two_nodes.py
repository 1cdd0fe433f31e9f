"""Scale-out: two app servers (gunicorn) and two workers (``emulation worker``) sharing one
PostgreSQL database, one Redis queue, one secret key and one instance folder ("shared storage").

- Sessions: every reviewer logs in on one server and works on the other; the committee's
  session made on one server asks for the refresh on the other.
- Reviews: the demo's review campaign is finished by its reviewers concurrently, their
  requests alternating between the servers (each submit queues a refresh); the committee
  then asks both servers for a refresh at once, a few rounds, so that both workers refresh
  the same campaign at the same moment. No worker task may fail, and the ``result`` rows
  equal those the same data gives on one node (``refresh_results`` in this process, afterwards).
- Certificates: a 60-award decision issued through the web, in chunks of 2, is rendered by
  BOTH workers (each chunk's claim, ``claimed_by`` = host:pid:thread, is watched while the
  batch runs: a claim is held by exactly the worker that renders and records that chunk, so
  seeing claims with each worker's pid proves each rendered), with numbers 1..n gapless and
  unique and every chunk file matching its recorded SHA-256; the whole PDF, assembled by the
  other server from the shared folder, has n pages.

Runs only with ``DATABASE_URL=postgresql://…`` and ``EMULATION_TEST_REDIS_URL=redis://…/<db>``
(that Redis database is flushed first).
"""
from __future__ import annotations

import hashlib
import http.cookiejar
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import USE_PG
from tests.helpers import csrf_from

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("EMULATION_TEST_REDIS_URL", "")
AWARDS = 60
CHUNK = 2
REFRESH_ROUNDS = 5

pytestmark = [
    pytest.mark.scaleout,
    pytest.mark.skipif(not (USE_PG and REDIS_URL.startswith("redis://")),
                       reason="needs DATABASE_URL=postgresql://… and EMULATION_TEST_REDIS_URL=redis://…"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """One started process (its own process group) and its log file."""

    def __init__(self, name: str, args: list[str], env: dict, log: Path) -> None:
        self.name, self.log = name, log
        self._out = open(log, "wb")
        self.proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=self._out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return f"--- {self.name} (pid {self.pid}, exit {self.proc.poll()}) ---\n" + "\n".join(text[-lines:])

    def stop(self) -> None:
        """SIGTERM to the group, SIGKILL to whatever is left (render processes, gunicorn workers)."""
        try:
            if self.proc.poll() is None:
                os.killpg(self.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    pass
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.wait(timeout=15)
            self._out.close()


class Browser:
    """One user: a cookie jar used against any of the servers."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, url: str, data: dict | None = None) -> tuple[int, str, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=60) as r:
                return r.status, urllib.parse.urlsplit(r.url).path, r.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, urllib.parse.urlsplit(error.url).path, error.read()

    def page(self, url: str) -> str:
        status, path, body = self.open(url)
        assert status == 200, (url, status, path)
        return body.decode()

    def login(self, base: str, username: str, password: str) -> str:
        form = {"csrf_token": csrf_from(self.page(f"{base}/login")), "username": username, "password": password}
        status, path, _body = self.open(f"{base}/login", form)
        assert status == 200 and path != "/login", (username, base, status, path)
        return path


@pytest.fixture
def two_nodes(app_config, tmp_path):
    """Two app servers and two workers on the test database, the Redis queue and a shared folder."""
    import redis
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    finally:
        client.close()
    shared = Path(app_config["INSTANCE_PATH"])            # the shared storage of every process
    shared.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, EMULATION_INSTANCE_PATH=str(shared), EMULATION_DATABASE_URL=app_config["DATABASE_URL"],
               EMULATION_HUEY_URL=REDIS_URL, EMULATION_SECRET_KEY=app_config["SECRET_KEY"],
               EMULATION_ARGON2_TIME_COST="1", EMULATION_ARGON2_MEMORY_KIB="8192",
               EMULATION_CERTIFICATE_CHUNK=str(CHUNK), EMULATION_CERTIFICATE_TASKS="4",
               EMULATION_DB_POOL_SIZE="8")
    env.pop("DATABASE_URL", None)
    env.pop("EMULATION_HUEY_IMMEDIATE", None)
    demo = subprocess.run([sys.executable, "-m", "emulation.cli", "demo"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0 and "btdkt" in demo.stdout, demo.stdout + demo.stderr

    nodes: list[Node] = []
    try:
        bases = []
        for i in (1, 2):
            port = _free_port()
            nodes.append(Node(f"web{i}", [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
                                          f"127.0.0.1:{port}", "--graceful-timeout", "5", "wsgi:app"],
                              env, tmp_path / f"web{i}.log"))
            bases.append(f"http://127.0.0.1:{port}")
        workers = [Node(f"worker{i}", [sys.executable, "-m", "emulation.cli", "worker", "--workers", "1"],
                        env, tmp_path / f"worker{i}.log") for i in (1, 2)]
        nodes.extend(workers)
        for base, node in zip(bases, nodes):
            _wait_healthy(base, node)
        yield bases, workers, nodes
    finally:
        for node in nodes:
            node.stop()


def _wait_healthy(base: str, node: Node, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert node.proc.poll() is None, node.tail()
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{base} not healthy\n{node.tail()}")


def _diagnostics(nodes: list[Node]) -> str:
    return "\n".join(node.tail() for node in nodes)


def _in_parallel(jobs: list) -> None:
    """Run the callables in threads at once; re-raise the first failure."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(job) -> None:
        try:
            start.wait(timeout=30)
            job()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a client thread hung"
    if errors:
        raise errors[0]


def _queued() -> int:
    """Tasks waiting in the Redis queue (huey's list for the app named "emulation")."""
    import redis
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return client.llen("huey.redis.emulation")
    finally:
        client.close()


def _wait_refreshed(campaign_id: int, nodes: list[Node], timeout: float = 90) -> None:
    """Until the campaign's last refresh request is served and no task is left in the queue.

    Timestamps have whole seconds: a refresh that started in the second of the request
    leaves ``results_computed_at == results_requested_at`` and the request's own task runs
    again, so "not refreshing" alone is not the end; an empty queue, twice, is.
    """
    from emulation.models import Campaign
    from emulation.services.results_refresh import refreshing
    deadline = time.monotonic() + timeout
    settled = 0
    while settled < 2:
        fresh = Campaign.get_by_id(campaign_id)
        settled = settled + 1 if fresh.results_computed_at and not refreshing(fresh) and not _queued() else 0
        assert time.monotonic() < deadline, (
            f"the refresh never finished: requested {fresh.results_requested_at}, computed "
            f"{fresh.results_computed_at}, {_queued()} task(s) queued\n" + _diagnostics(nodes))
        time.sleep(0.5)


def _assert_no_task_failed(workers: list[Node]) -> None:
    """huey logs a task's exception (to stderr, with no logging set up): there must be none."""
    for worker in workers:
        text = worker.log.read_text(errors="replace")
        assert "Traceback" not in text and "Unhandled exception" not in text, worker.tail(60)


def _result_rows(campaign) -> list[tuple]:
    from emulation.models import Result
    names = [f.name for f in Result._meta.sorted_fields if f.name not in ("id", "computed_at")]
    return [tuple(r.__data__.get(name) for name in names)
            for r in Result.select().where(Result.campaign == campaign).order_by(Result.submission)]


def test_two_app_servers_and_two_workers(two_nodes, app_config):
    from emulation import create_app
    from emulation.models import (Assignment, Campaign, Certificate, CertificateBatch, CertificateChunk, Result,
                                  Review, Submission)
    from emulation.services.demo import CAMPAIGN_SLUG, DEMO_PASSWORD
    from emulation.services.demo_reviews import SLUG, _review_entries
    from emulation.services.issuing_worker import batch_folder
    from emulation.services.results_refresh import refresh_results
    from emulation.services.reviews import review_of
    from emulation.services.submissions import criteria_of
    from tests.factories import Factory

    bases, workers, nodes = two_nodes
    create_app(dict(app_config, CERTIFICATE_CHUNK=CHUNK))   # this process reads the same database
    timings: dict[str, float] = {}

    # --- 1. reviewers finish the review campaign concurrently, across both servers ---------------
    campaign = Campaign.get(Campaign.slug == SLUG)
    assignments = list(Assignment.select().join(Submission).where(Submission.campaign == campaign)
                       .order_by(Assignment.id))
    cs = criteria_of(assignments[0].submission)[0]
    work: dict[str, list[tuple[int, dict]]] = {}
    for a in assignments:
        review = review_of(a)
        if review.id is not None and review.state == "submitted":
            continue
        form = {"action": "submit"}
        for code, entry in _review_entries(a, cs, draft=False).items():
            form.update({f"value-{code}": entry.raw, f"comment-{code}": entry.comment,
                         f"verdict-{code}": entry.verdict})
        work.setdefault(a.reviewer.username, []).append((a.id, form))
    assert len(work) >= 4 and sum(map(len, work.values())) >= 8, work.keys()   # a real concurrent load

    def reviewer(i: int, username: str, forms: list[tuple[int, dict]]):
        def job() -> None:
            browser = Browser()
            here, there = bases[i % 2], bases[(i + 1) % 2]
            browser.login(here, username, DEMO_PASSWORD)
            status, path, _ = browser.open(f"{there}/review/queue")      # the session works on the other server
            assert (status, path) == (200, "/review/queue"), (username, status, path)
            for j, (assignment_id, form) in enumerate(forms):
                read, write = (here, there) if j % 2 else (there, here)
                page = browser.page(f"{read}/assignments/{assignment_id}")
                version = re.search(r'name="version" value="(-?\d+)"', page).group(1)
                status, path, body = browser.open(f"{write}/assignments/{assignment_id}",
                                                  dict(form, csrf_token=csrf_from(page), version=version))
                assert (status, path) == (200, f"/assignments/{assignment_id}"), (username, status, body[-2000:])
                assert "Đã nộp phiếu chấm." in body.decode(), (username, assignment_id)
        return job

    started = time.monotonic()
    _in_parallel([reviewer(i, name, forms) for i, (name, forms) in enumerate(sorted(work.items()))])
    timings["reviews"] = time.monotonic() - started
    submitted = Review.select().join(Assignment).join(Submission).where(
        Submission.campaign == campaign, Review.state == "submitted").count()
    assert submitted == len(assignments)

    # --- 2. the committee (session made on server 2) asks both servers at once for a refresh, a few
    # times: the two workers then refresh the same campaign at the same moment ----------------------
    committee = Browser()
    committee.login(bases[1], "btdkt", DEMO_PASSWORD)
    page = committee.page(f"{bases[0]}/campaigns/{campaign.id}/ranking")

    def ask(base: str):
        def job() -> None:
            status, path, _ = committee.open(f"{base}/campaigns/{campaign.id}/ranking/refresh",
                                             {"csrf_token": csrf_from(page), "target": "collective"})
            assert (status, path) == (200, f"/campaigns/{campaign.id}/ranking"), (base, status, path)
        return job

    started = time.monotonic()
    for _round in range(REFRESH_ROUNDS):
        _in_parallel([ask(base) for base in bases])
        _wait_refreshed(campaign.id, nodes)
    timings["refresh"] = (time.monotonic() - started) / REFRESH_ROUNDS
    _assert_no_task_failed(workers)
    by_workers = _result_rows(campaign)
    assert len(by_workers) == Submission.select().where(Submission.campaign == campaign).count()
    assert Result.select().where(Result.campaign == campaign, Result.rank_overall.is_null(False)).count() >= 5
    refresh_results(Campaign.get_by_id(campaign.id))                # the same data, on one node
    assert _result_rows(campaign) == by_workers
    for base in bases:                                              # both servers show the ranking
        assert "Phường" in committee.page(f"{base}/campaigns/{campaign.id}/ranking")

    # --- 3. a 60-award decision issued on server 1, rendered by both workers --------------------
    make = Factory()
    criteria_set_id = Campaign.get(Campaign.slug == CAMPAIGN_SLUG).collective_set_id    # the demo's, imported
    decision = make.approved_decision(AWARDS, campaign=make.campaign(collective_set_id=criteria_set_id))
    page = committee.page(f"{bases[0]}/decisions/{decision.id}/certificates")
    started = time.monotonic()
    status, path, _ = committee.open(f"{bases[0]}/decisions/{decision.id}/certificates/issue",
                                     {"csrf_token": csrf_from(page), "mode": "full"})
    assert (status, path) == (200, f"/decisions/{decision.id}/certificates")
    batch = CertificateBatch.get(CertificateBatch.decision == decision, CertificateBatch.mode == "full")
    claims: dict[int, set[str]] = {}        # chunk seq -> the claims seen on it while the batch ran
    deadline = started + 240
    while True:
        for seq, claimed_by in (CertificateChunk.select(CertificateChunk.seq, CertificateChunk.claimed_by)
                                .where(CertificateChunk.batch == batch, CertificateChunk.claimed_by != "").tuples()):
            claims.setdefault(seq, set()).add(claimed_by)
        state = CertificateBatch.get_by_id(batch.id)
        if state.state in ("done", "failed"):
            break
        assert time.monotonic() < deadline, f"batch stuck at {state.rendered}/{state.total}\n" + _diagnostics(nodes)
        time.sleep(0.005)
    timings["certificates"] = time.monotonic() - started
    assert state.state == "done", state.error

    # every claim names a worker process (host:pid:thread); each of the two workers held claims
    pids = {int(c.split(":")[-2]) for seen in claims.values() for c in seen}
    assert pids <= {w.pid for w in workers}, (pids, [w.pid for w in workers])
    assert pids == {w.pid for w in workers}, (
        f"only {pids} rendered; claims {claims}\n" + _diagnostics(nodes))
    per_worker = {w.name: sorted(seq for seq, seen in claims.items()
                                 if any(int(c.split(":")[-2]) == w.pid for c in seen)) for w in workers}

    certificates = list(Certificate.select().where(Certificate.decision == decision).order_by(Certificate.number))
    assert [c.number for c in certificates] == list(range(1, AWARDS + 1))
    assert len({c.golden_book_no for c in certificates}) == AWARDS
    assert len({c.verify_code for c in certificates}) == AWARDS
    assert all(c.pdf_sha256 for c in certificates)
    chunks = list(CertificateChunk.select().where(CertificateChunk.batch == batch).order_by(CertificateChunk.seq))
    assert len(chunks) == AWARDS // CHUNK
    assert [(c.first, c.last) for c in chunks] == [(n, n + CHUNK - 1) for n in range(1, AWARDS + 1, CHUNK)]
    folder = batch_folder(state)
    for c in chunks:
        assert c.sha256 and hashlib.sha256((folder / c.file).read_bytes()).hexdigest() == c.sha256, c.seq
    assert sorted(p.name for p in folder.iterdir()) == sorted(c.file for c in chunks)
    assert state.rendered == state.total == AWARDS

    # the other server reports it done and assembles the whole PDF from the shared folder
    status, _, body = committee.open(f"{bases[1]}/decisions/{decision.id}/certificates/progress")
    assert status == 200 and b'"state":"done"' in body.replace(b" ", b"")
    status, _, body = committee.open(f"{bases[1]}/decisions/{decision.id}/certificates/full.pdf")
    assert status == 200 and body.startswith(b"%PDF")
    from pypdf import PdfReader
    assert len(PdfReader(io.BytesIO(body)).pages) == AWARDS

    # logout on one server ends the session on the other
    page = committee.page(f"{bases[1]}/committee")
    committee.open(f"{bases[1]}/logout", {"csrf_token": csrf_from(page)})
    status, path, _ = committee.open(f"{bases[0]}/committee")
    assert path == "/login", (status, path)

    for node in nodes:
        assert node.proc.poll() is None, node.tail()
    _assert_no_task_failed(workers)
    print(f"\nscale-out timings: {', '.join(f'{k} {v:.1f}s' for k, v in timings.items())}; "
          f"chunks claimed per worker: {per_worker}")
