"""Proof under load: the platform served as ``make run`` serves it, under a realistic mix of users.

    python bench/load.py [--users 50] [--spawn-rate 10] [--duration 3m] [--think 1,3] [--csv DIR]

1. A temporary instance folder (SQLite): ``emulation db upgrade``, ``emulation demo``, then
   ``emulation serve --bind 127.0.0.1:<free port>`` (gunicorn, 2 sync workers, + the huey worker)
   with only ``EMULATION_INSTANCE_PATH`` set, as ``make run`` does. The demo's certificates are
   issued by that worker; their verification codes are read from the database once it is done.
2. locust, headless, in a subprocess (this file is also the locustfile), ``--users`` simulated
   users, each signing in once (real argon2, not counted in the totals), then, with a think time
   of ``--think`` seconds between tasks:

   - unit officers (``txbac``, ``hadinh``; weight 4): open the self-assessment form and save the
     draft with the CSRF token and the version (4 in 5), or upload a small real PDF as evidence
     (1 in 5; the oldest files are deleted again past 6 so that the form stays the same size);
   - reviewers (``chamcheo`` peer, ``hoidong`` leader; weight 3): open a scoring form of the
     campaign in its review window and save it (a changed comment; saving a submitted review
     queues a results refresh in the worker, as in real use);
   - the public (weight 2): ``/verify/<code>`` of a demo certificate, each simulated phone from its
     own loopback address (127.1.x.y) and at most one look-up per 2.2 s, below the look-up throttle
     (30 a minute per address);
   - the committee and the secretary (``btdkt``, ``thuky``; weight 1): ranking pages.

   Many simulated users share few demo accounts (sessions are rows). A 409 with the stale-form
   notice (two users saving the same form at once) is expected: it is counted apart, the form is
   read again and the save retried once. Every 5xx, connection error, unexpected status, or body
   holding "database is locked" is an error.
3. The same scenario shape (same users, weights, think times and requests per task) against
   ``bench/load_ceiling.py`` (a hello GET and a tiny POST) under the same gunicorn settings.

Prints per endpoint: requests, requests/s, p50/p95/p99 ms, errors, stale 409s (sign-ins apart: real
argon2, ~0.25 s of CPU each, so 50 users starting at 10/s are a burst the two workers queue behind);
TOTAL over the whole run and STEADY from the moment the last user had signed in; the server's CPU
seconds (web, worker) and its CPU per steady request (sampled each second with psutil: the figure
least moved by other load on the machine); the "database is locked" count (bodies and the server's
logs); and as last line, from the STEADY figures (errors and locked over the whole run)::

    load_rps=… ceiling_rps=… ratio=… p95_ms=… errors=… locked=…

Targets: 0 errors, 0 locked, p95 ≤ 300 ms. With think times the users are a closed loop, so
``ratio`` is 1 while the platform keeps up and falls below 1 as its latency grows. Everything
listens on 127.0.0.1 only; every process started here runs in its own process group and is stopped
at the end, also on failure, Ctrl-C or SIGTERM (the temporary folder is then kept for its logs).
"""
from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from html.parser import HTMLParser
from itertools import count

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCKED = "database is locked"
CONFLICT = "problems conflict"      # the stale-form notice of both the self-assessment and scoring forms


# ---------------------------------------------------------------- shared helpers (both sides)

class _Form(HTMLParser):
    """The fields of the first form whose action ends with ``action``: name → value (as a browser posts)."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.done = action, False, False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and (a.get("action") or "").split("?")[0].endswith(self.action):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") in ("text", "hidden", "number"):
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value") or "", "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, sel in self._options if sel] or [v for v, _ in self._options[:1]]
            self.fields.append((self._select, chosen[0] if chosen else ""))
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html: str, action: str) -> dict[str, str]:
    parser = _Form(action)
    parser.feed(html)
    return dict(parser.fields)


def tiny_pdf(n: int) -> bytes:
    """A real one-page PDF (catalog, page tree, page, font, content stream, xref), unique per ``n``."""
    text = f"Minh chung so {n}".encode()
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
               b"/Contents 5 0 R >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ---------------------------------------------------------------- the locustfile part

_TARGET = os.environ.get("LOAD_TARGET")
if _TARGET:  # imported by locust (the subprocess started by main())
    import requests
    from locust import HttpUser, between, events, task
    from requests.adapters import HTTPAdapter

    CONFIG = json.load(open(os.environ["LOAD_CONFIG"], encoding="utf-8"))
    THINK = between(*CONFIG["think"])
    SAMPLES: list[tuple] = []   # (endpoint, ms, "ok" | "stale" | "error" | "setup" | "setup-error", unix time)
    FAILURES: dict[str, int] = {}
    LOCKED_BODIES = [0]
    _serial = count(1)
    _addresses = count(0)
    _timespan: dict[str, float] = {}

    @events.test_start.add_listener
    def _started(**_kw):
        _timespan["start"] = time.time()

    @events.user_error.add_listener
    def _task_failed(user_instance, exception, tb, **_kw):
        what = f"task {type(user_instance).__name__}: {type(exception).__name__}: {exception}"[:200]
        FAILURES[what] = FAILURES.get(what, 0) + 1
        SAMPLES.append(("(task exception)", 0.0, "error", time.time()))

    @events.test_stop.add_listener
    def _stopped(**_kw):
        _timespan["stop"] = time.time()
        with open(os.environ["LOAD_SAMPLES"], "w", encoding="utf-8") as f:
            json.dump({"samples": SAMPLES, "failures": FAILURES, "locked": LOCKED_BODIES[0],
                       "start": _timespan.get("start"), "stop": _timespan["stop"]}, f)

    class Base(HttpUser):
        abstract = True
        wait_time = THINK

        def call(self, method: str, url: str, name: str, expect: tuple[int, ...], *, setup: bool = False,
                 stale_ok: bool = False, **kwargs):
            """One request, timed and classified; returns the response, or None on a connection error."""
            start = time.perf_counter()
            with self.client.request(method, url, name=name, catch_response=True, allow_redirects=False,
                                     **kwargs) as response:
                ms = (time.perf_counter() - start) * 1000
                body = response.text if response.content else ""
                status = response.status_code
                if LOCKED in body:
                    LOCKED_BODIES[0] += 1
                if status == 0:
                    kind, why = "error", f"connection {type(response.error).__name__}"
                elif LOCKED in body:
                    kind, why = "error", "database is locked"
                elif status in expect:
                    kind, why = "ok", ""
                elif status == 409 and stale_ok and CONFLICT in body:
                    kind, why = "stale", ""
                elif status == 404 and stale_ok and name.endswith("/delete"):
                    kind, why = "stale", ""   # another simulated user of the account deleted it first
                else:
                    kind, why = "error", f"{status}"
                if kind == "error":
                    response.failure(why)
                    FAILURES[f"{method} {name}: {why}"] = FAILURES.get(f"{method} {name}: {why}", 0) + 1
                else:
                    response.success()
                if setup:
                    kind = "setup" if kind == "ok" else "setup-error"
                SAMPLES.append((f"{method} {name}", ms, kind, time.time()))
            return None if status == 0 else response

    # ---------------- the platform

    class Platform(Base):
        abstract = True
        accounts: tuple[str, ...] = ()

        def on_start(self):
            self.username = self.accounts[next(_serial) % len(self.accounts)]
            page = self.call("GET", "/login", "/login", (200,), setup=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text if page is not None else "")
            fields = {"csrf_token": token.group(1) if token else "", "username": self.username,
                      "password": CONFIG["password"]}
            done = self.call("POST", "/login", "/login", (302,), setup=True, data=fields)
            if done is None or done.status_code != 302 or "/login" in done.headers.get("Location", ""):
                raise RuntimeError(f"login {self.username} failed")

        def save(self, url: str, name: str, change, files=None, redirect_name: str | None = None) -> None:
            """GET the form, POST it changed (version and CSRF token as loaded), follow the redirect;
            on a stale 409, read the form again and retry once."""
            for attempt in range(2):
                page = self.call("GET", url, name, (200,))
                if page is None or page.status_code != 200:
                    return
                fields = form_fields(page.text, url)
                if "version" not in fields:
                    self.call_missing(name)
                    return
                change(fields)
                fields["action"] = "save"
                done = self.call("POST", url, name, (302,), stale_ok=True, data=fields,
                                 files=files if attempt == 0 else None)
                if done is None or done.status_code != 409:
                    break
            if done is not None and done.status_code == 302:
                self.call("GET", done.headers["Location"], redirect_name or name, (200,))

        def call_missing(self, name: str) -> None:
            FAILURES[f"GET {name}: form not editable"] = FAILURES.get(f"GET {name}: form not editable", 0) + 1
            SAMPLES.append((f"GET {name}", 0.0, "error", time.time()))

    def _explain(fields: dict[str, str], prefix: str) -> None:
        keys = [k for k in fields if k.startswith(prefix)]
        if keys:
            fields[random.choice(keys)] = f"Cập nhật lần {next(_serial)} lúc {time.strftime('%H:%M:%S')}."

    class Officer(Platform):
        weight = 4
        accounts = ("txbac", "hadinh")

        @property
        def url(self) -> str:
            return f"/submissions/{CONFIG['submissions'][self.username]}"

        @task(4)
        def save_draft(self):
            self.save(self.url, "/submissions/[id]", lambda f: _explain(f, "explain-"))

        @task(1)
        def upload_evidence(self):
            page = self.call("GET", self.url, "/submissions/[id]", (200,))
            if page is None or page.status_code != 200:
                return
            codes = re.findall(r'name="files-([^"]+)"', page.text)
            if not codes:
                return self.call_missing("/submissions/[id]")
            n = next(_serial)
            pdf = (f"Biên bản họp số {n}.pdf", tiny_pdf(n), "application/pdf")
            files = {f"files-{random.choice(codes)}": pdf}
            fields = form_fields(page.text, self.url)
            fields["action"] = "save"
            done = self.call("POST", self.url, "/submissions/[id] (evidence)", (302,), stale_ok=True,
                             data=fields, files=files)
            if done is None or done.status_code not in (302, 409):
                return
            page = self.call("GET", self.url, "/submissions/[id]", (200,))
            if page is None or page.status_code != 200:
                return
            stored = re.findall(r'id="del-(\d+)"', page.text)
            if len(stored) > 6:   # keep the form the same size: drop one of the oldest files
                oldest = sorted(stored, key=int)[:len(stored) - 6]
                token = form_fields(page.text, self.url).get("csrf_token", "")
                self.call("POST", f"/evidence/{random.choice(oldest)}/delete", "/evidence/[id]/delete", (302,),
                          stale_ok=True, data={"csrf_token": token})

    class Reviewer(Platform):
        weight = 3
        accounts = ("chamcheo", "hoidong")

        @task
        def save_scores(self):
            assignment = random.choice(CONFIG["assignments"][self.username])
            self.save(f"/assignments/{assignment}", "/assignments/[id]", lambda f: _explain(f, "comment-"))

    class _SourceAddress(HTTPAdapter):
        def __init__(self, address: str):
            self.address = address
            super().__init__()

        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (self.address, 0)
            super().init_poolmanager(*args, **kwargs)

    class Public(Base):
        weight = 2
        wait_time = between(max(CONFIG["think"][0], 2.2), max(CONFIG["think"][1], 4.0))

        def on_start(self):
            i = next(_addresses)
            self.client.mount("http://", _SourceAddress(f"127.1.{i // 250}.{i % 250 + 1}"))

        @task
        def verify(self):
            self.call("GET", f"/verify/{random.choice(CONFIG['codes'])}", "/verify/[code]", (200,))

    class Committee(Platform):
        weight = 1
        accounts = ("btdkt", "thuky")

        @task
        def ranking(self):
            campaign = CONFIG["ranking_campaign"]
            choice = random.random()
            if choice < 0.5:
                self.call("GET", f"/campaigns/{campaign}/ranking", "/campaigns/[id]/ranking", (200,))
            elif choice < 0.75:
                self.call("GET", f"/campaigns/{campaign}/ranking?target=individual",
                          "/campaigns/[id]/ranking?target=individual", (200,))
            else:
                self.call("GET", f"/campaigns/{campaign}/ranking?cluster={random.choice(CONFIG['clusters'])}",
                          "/campaigns/[id]/ranking?cluster=[id]", (200,))

    if _TARGET == "ceiling":
        # the same shape: classes, weights, think times, requests per task (GETs → /hello, POSTs → /echo)
        def _ceiling_call(self, method, url, name, expect, **kwargs):
            real = "/hello" if method == "GET" else "/echo"
            return Base.call(self, method, real, name, (200,), **{k: v for k, v in kwargs.items()
                                                                   if k in ("data", "files", "setup")})

        class _Ceiling(Base):
            abstract = True
            call = _ceiling_call

            def on_start(self):
                self.call("GET", "/login", "/login", (200,), setup=True)
                self.call("POST", "/login", "/login", (302,), setup=True, data={"username": "x", "password": "y"})

            def form_cycle(self, name: str, files=None):
                self.call("GET", "", name, (200,))
                self.call("POST", "", name, (302,), data={"csrf_token": "x" * 40, "version": "3",
                                                          "explain-1": "Cập nhật"}, files=files)
                self.call("GET", "", name, (200,))

        class OfficerC(_Ceiling):
            weight = 4

            @task(4)
            def save_draft(self):
                self.form_cycle("/submissions/[id]")

            @task(1)
            def upload_evidence(self):
                n = next(_serial)
                self.call("GET", "", "/submissions/[id]", (200,))
                self.call("POST", "", "/submissions/[id] (evidence)", (302,), data={"version": "3"},
                          files={"files-1": (f"Biên bản {n}.pdf", tiny_pdf(n), "application/pdf")})
                self.call("GET", "", "/submissions/[id]", (200,))

        class ReviewerC(_Ceiling):
            weight = 3

            @task
            def save_scores(self):
                self.form_cycle("/assignments/[id]")

        class PublicC(Base):
            weight = 2
            wait_time = Public.wait_time
            call = _ceiling_call

            @task
            def verify(self):
                self.call("GET", "", "/verify/[code]", (200,))

        class CommitteeC(_Ceiling):
            weight = 1

            @task
            def ranking(self):
                self.call("GET", "", "/campaigns/[id]/ranking", (200,))

        del Officer, Reviewer, Public, Committee   # locust runs the User classes the module holds


# ---------------------------------------------------------------- the driver

def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_health(base: str, process, seconds: float = 90) -> None:
    import urllib.request
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {base}/health")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{base}/health did not answer within {seconds} s")


def _stop(process, sig) -> None:
    """Stop a process group we started: ``sig`` (Ctrl-C / TERM), then KILL after 30 s."""
    import signal
    if process is None:
        return
    try:
        if process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except Exception:
                pass
        os.killpg(process.pid, signal.SIGKILL)   # leftovers of the group (gunicorn workers, renderers)
    except ProcessLookupError:
        pass
    process.wait()


def _read_demo(db_path: str, seconds: float = 300) -> dict:
    """What the scenario needs from the demo, read once the worker has issued the certificates."""
    import sqlite3
    deadline = time.monotonic() + seconds
    while True:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
        try:
            batches = [s for (s,) in con.execute("SELECT state FROM certificate_batch")]
            codes = [c for (c,) in con.execute("SELECT verify_code FROM certificate ORDER BY id")]
            if batches and all(s in ("done", "failed") for s in batches) and codes:
                break
        finally:
            con.close()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not issue the demo certificates in {seconds} s: {batches}")
        time.sleep(1)
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        submissions = dict(con.execute(
            "SELECT u.username, MIN(s.id) FROM user u JOIN role_grant g ON g.user_id = u.id AND g.role = 'officer' "
            "JOIN submission s ON s.unit_id = g.unit_id JOIN campaign c ON c.id = s.campaign_id "
            "WHERE u.username IN ('txbac', 'hadinh') AND s.state IN ('draft', 'returned') AND c.slug = ? "
            "GROUP BY u.username", ("van-hoa-cong-so-2026",)))
        assignments: dict[str, list[int]] = {}
        for username, assignment in con.execute(
                "SELECT u.username, a.id FROM assignment a JOIN user u ON u.id = a.reviewer_id "
                "JOIN submission s ON s.id = a.submission_id JOIN campaign c ON c.id = s.campaign_id "
                "WHERE u.username IN ('chamcheo', 'hoidong') AND c.slug = ? ORDER BY a.id",
                ("chinh-quyen-than-thien-2026",)):
            assignments.setdefault(username, []).append(assignment)
        ranking = con.execute("SELECT campaign_id FROM result GROUP BY campaign_id "
                              "ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
        clusters = [c for (c,) in con.execute("SELECT DISTINCT cluster_id FROM result WHERE campaign_id = ? "
                                              "AND cluster_id IS NOT NULL", (ranking,))]
        batches = [tuple(r) for r in con.execute("SELECT state, total, rendered FROM certificate_batch")]
    finally:
        con.close()
    assert set(submissions) == {"txbac", "hadinh"}, submissions
    assert set(assignments) == {"chamcheo", "hoidong"}, assignments
    return {"submissions": submissions, "assignments": assignments, "codes": codes,
            "ranking_campaign": ranking, "clusters": clusters, "batches": batches}


def _cpu(process) -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system, plus reaped children: render processes) of ``process`` and its descendants."""
    import psutil
    found = {}
    try:
        root = psutil.Process(process.pid)
        for p in [root] + root.children(recursive=True):
            try:
                t = p.cpu_times()
                line = " ".join(p.cmdline())
            except psutil.Error:
                continue
            label = "web" if "gunicorn" in line else "worker" if line.endswith(" worker") else "serve"
            found[p.pid] = (label, t.user + t.system + t.children_user + t.children_system)
    except psutil.Error:
        pass
    return found


def _run_locust(target: str, host: str, args, config_path: str, work: str, csv_dir: str | None,
                server) -> dict:
    import subprocess
    import signal
    samples = os.path.join(work, f"{target}-samples.json")
    env = dict(os.environ, LOAD_TARGET=target, LOAD_CONFIG=config_path, LOAD_SAMPLES=samples)
    command = [sys.executable, "-m", "locust", "-f", os.path.abspath(__file__), "--headless",
               "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.duration, "--host", host,
               "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
               "--csv", os.path.join(csv_dir or work, target)]
    log = open(os.path.join(work, f"{target}-locust.log"), "w")
    before = _cpu(server)
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    timeline = []   # (unix time, server CPU seconds since `before`), once a second
    try:
        deadline = time.monotonic() + _seconds(args.duration) + 180
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(1)
            now = _cpu(server)
            timeline.append((time.time(), sum(v - before.get(pid, (label, 0.0))[1]
                                              for pid, (label, v) in now.items())))
        after = _cpu(server)
    finally:
        if process.poll() is None:
            _stop(process, signal.SIGINT)
        log.close()
    if not os.path.exists(samples):
        sys.stderr.write(open(log.name, encoding="utf-8", errors="replace").read()[-4000:])
        raise RuntimeError(f"locust ({target}) wrote no samples (exit {process.returncode})")
    with open(samples, encoding="utf-8") as f:
        result = json.load(f)
    cpu: dict[str, float] = {}
    for pid, (label, seconds) in after.items():
        cpu[label] = cpu.get(label, 0.0) + seconds - before.get(pid, (label, 0.0))[1]
    cpu["total"] = sum(cpu.values())
    result["cpu"], result["cpu_timeline"] = cpu, timeline
    return result


def _seconds(duration: str) -> int:
    total = 0
    for number, unit in re.findall(r"(\d+)\s*([hms]?)", duration):
        total += int(number) * {"h": 3600, "m": 60, "s": 1, "": 1}[unit]
    return total


def _pct(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, max(0, int(round(p / 100 * len(sorted_ms) + 0.5)) - 1))]


def _summary(result: dict) -> dict:
    """Per endpoint over the whole run; totals over the whole run and over the steady part
    (from the moment the last simulated user finished signing in, to the end)."""
    start, stop = result["start"] or 0, result["stop"] or 0
    span = max(stop - start, 1e-9)
    signed_in = max([at for _n, _ms, kind, at in result["samples"] if kind.startswith("setup")] + [start])
    rows: dict[str, dict] = {}
    for name, ms, kind, _at in result["samples"]:
        row = rows.setdefault(name, {"ms": [], "ok": 0, "stale": 0, "error": 0, "setup": 0, "setup_ms": []})
        if kind in ("setup", "setup-error"):
            row["setup"] += 1
            row["setup_ms"].append(ms)
            row["error"] += kind == "setup-error"
            continue
        row[kind] += 1
        if kind != "error" or ms:
            row["ms"].append(ms)
    measured = sorted(ms for name, ms, kind, at in result["samples"] if kind in ("ok", "stale"))
    steady = sorted(ms for name, ms, kind, at in result["samples"] if kind in ("ok", "stale") and at > signed_in)
    steady_errors = sum(1 for name, ms, kind, at in result["samples"] if kind == "error" and at > signed_in)
    steady_span = max(stop - signed_in, 1e-9)
    timeline = result.get("cpu_timeline") or [(start, 0.0)]
    cpu_at = [c for t, c in timeline if t <= signed_in + 0.5] or [0.0]
    cpu_end = [c for t, c in timeline if t <= stop + 1.5] or [0.0]
    steady_cpu = cpu_end[-1] - cpu_at[-1]
    total = sum(r["ok"] + r["stale"] + r["error"] for r in rows.values())
    return {"rows": rows, "span": span, "total": total, "rps": total / span, "p50": _pct(measured, 50),
            "p95": _pct(measured, 95), "p99": _pct(measured, 99), "steady_span": steady_span,
            "steady_n": len(steady) + steady_errors, "steady_rps": (len(steady) + steady_errors) / steady_span,
            "steady_p50": _pct(steady, 50), "steady_p95": _pct(steady, 95), "steady_p99": _pct(steady, 99),
            "steady_errors": steady_errors, "steady_cpu": steady_cpu, "signed_in_after": signed_in - start,
            "cpu": result.get("cpu", {}),
            "errors": sum(r["error"] for r in rows.values()), "stale": sum(r["stale"] for r in rows.values()),
            "setup": sum(r["setup"] for r in rows.values())}


def _print_table(title: str, s: dict) -> None:
    print(f"\n{title} ({s['span']:.0f} s)")
    width = max([len(n) + 26 * (s["rows"][n]["setup"] > 0) for n in s["rows"]] + [10])
    print(f"{'endpoint':<{width}}  {'requests':>8}  {'req/s':>7}  {'p50 ms':>7}  {'p95 ms':>7}  {'p99 ms':>7}"
          f"  {'errors':>6}  {'stale409':>8}")
    for name in sorted(s["rows"]):
        r = s["rows"][name]
        n = r["ok"] + r["stale"] + r["error"]
        ms = sorted(r["ms"])
        if n:
            print(f"{name:<{width}}  {n:>8}  {n / s['span']:>7.2f}  {_pct(ms, 50):>7.1f}  {_pct(ms, 95):>7.1f}"
                  f"  {_pct(ms, 99):>7.1f}  {r['error']:>6}  {r['stale']:>8}")
        if r["setup"]:
            ms = sorted(r["setup_ms"])
            print(f"{name + ' (sign-in, not in totals)':<{width}}  {r['setup']:>8}  {'':>7}  {_pct(ms, 50):>7.1f}"
                  f"  {_pct(ms, 95):>7.1f}  {_pct(ms, 99):>7.1f}  {r['error'] if not n else '':>6}")
    print(f"{'TOTAL':<{width}}  {s['total']:>8}  {s['rps']:>7.2f}  {s['p50']:>7.1f}  {s['p95']:>7.1f}"
          f"  {s['p99']:>7.1f}  {s['errors']:>6}  {s['stale']:>8}")
    print(f"{'STEADY':<{width}}  {s['steady_n']:>8}  {s['steady_rps']:>7.2f}  {s['steady_p50']:>7.1f}"
          f"  {s['steady_p95']:>7.1f}  {s['steady_p99']:>7.1f}  {s['steady_errors']:>6}"
          f"   (the last {s['steady_span']:.0f} s: every user signed in after {s['signed_in_after']:.0f} s)")
    if s["cpu"]:
        per = 1000 * s["steady_cpu"] / s["steady_n"] if s["steady_n"] else 0
        print("server CPU over the whole run: " + ", ".join(f"{k} {v:.1f} s" for k, v in s["cpu"].items())
              + f"; steady: {s['steady_cpu']:.1f} s, {per:.1f} ms of server CPU per request "
              "(all server processes, sampled each second; independent of think time and of CPU contention)")


def main() -> None:
    import argparse
    import shutil
    import signal
    import subprocess
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", default="3m", help="locust's -t: 3m, 20s, 1m30s")
    parser.add_argument("--think", default="1,3", help="think time between a user's tasks, seconds: MIN,MAX")
    parser.add_argument("--csv", default=None, help="keep locust's CSV files (platform_*, ceiling_*) in this folder")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (instance, logs)")
    args = parser.parse_args()

    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGINT, interrupted)    # also when started in the background (SIGINT ignored there)
    signal.signal(signal.SIGTERM, interrupted)
    think = [float(x) for x in args.think.split(",")]
    if args.csv:
        os.makedirs(args.csv, exist_ok=True)

    work = tempfile.mkdtemp(prefix="emulation-load-")
    instance = os.path.join(work, "instance")
    os.makedirs(instance)
    # as `make run`: the instance folder and nothing else of ours
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMULATION_", "LOAD_")) and k != "DATABASE_URL"}
    env["EMULATION_INSTANCE_PATH"] = instance
    server = ceiling = None
    server_out = open(os.path.join(work, "serve.stdout.log"), "w")
    server_err = open(os.path.join(work, "serve.stderr.log"), "w")
    ceiling_log = open(os.path.join(work, "ceiling.log"), "w")
    try:
        for step in (["db", "upgrade"], ["demo"]):
            done = subprocess.run([sys.executable, "-m", "emulation.cli", *step], env=env, cwd=ROOT,
                                  capture_output=True, text=True, timeout=300)
            if done.returncode:
                raise RuntimeError(f"emulation {' '.join(step)} failed:\n{done.stdout}\n{done.stderr}")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "emulation.cli", "serve", "--bind", f"127.0.0.1:{port}"],
                                  env=env, cwd=ROOT, stdout=server_out, stderr=server_err, start_new_session=True)
        _wait_health(base, server)
        print(f"Platform at {base} (instance {instance}); waiting for the worker to issue the demo certificates…",
              file=sys.stderr)
        demo = _read_demo(os.path.join(instance, "emulation.db"))
        from emulation.services.demo import DEMO_PASSWORD
        config = dict(demo, password=DEMO_PASSWORD, think=think)
        config_path = os.path.join(work, "scenario.json")
        with open(config_path, "w", encoding="utf-8") as f:
            json.dump(config, f)
        print(f"{len(demo['codes'])} certificates {demo['batches']}; locust: {args.users} users, "
              f"{args.spawn_rate}/s, {args.duration} against the platform…", file=sys.stderr)
        platform = _run_locust("platform", base, args, config_path, work, args.csv, server)
        _stop(server, signal.SIGINT)          # Ctrl-C, as at the terminal
        server = None

        cport = _free_port()
        ceiling = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
                                    f"127.0.0.1:{cport}", "--access-logfile", "-", "--graceful-timeout", "10",
                                    "load_ceiling:app"], cwd=os.path.join(ROOT, "bench"), env=env,
                                   stdout=ceiling_log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_health(f"http://127.0.0.1:{cport}", ceiling)
        print(f"… and against the ceiling (minimal Flask app, same gunicorn settings)…", file=sys.stderr)
        top = _run_locust("ceiling", f"http://127.0.0.1:{cport}", args, config_path, work, args.csv,
                          ceiling)
    except BaseException:
        print(f"stopped; instance and logs kept in {work}", file=sys.stderr)
        raise
    finally:
        _stop(server, signal.SIGINT)
        _stop(ceiling, signal.SIGTERM)
        for f in (server_out, server_err, ceiling_log):
            f.close()

    logs = {}
    for name in ("serve.stdout.log", "serve.stderr.log"):
        with open(os.path.join(work, name), encoding="utf-8", errors="replace") as f:
            logs[name] = f.read()
    locked_log = sum(text.count(LOCKED) for text in logs.values())
    server_5xx = len(re.findall(r'" 5\d\d ', logs["serve.stdout.log"]))
    tracebacks = logs["serve.stderr.log"].count("Traceback")

    p, c = _summary(platform), _summary(top)
    _print_table("Platform (emulation serve: gunicorn ×2 + worker)", p)
    _print_table("Ceiling (minimal Flask app, gunicorn ×2)", c)
    if platform["failures"]:
        print("\nErrors (platform):")
        for what, n in sorted(platform["failures"].items(), key=lambda x: -x[1]):
            print(f"  {n:>6}  {what}")
    if top["failures"]:
        print("\nErrors (ceiling):")
        for what, n in sorted(top["failures"].items(), key=lambda x: -x[1]):
            print(f"  {n:>6}  {what}")
    locked = platform["locked"] + locked_log
    print(f"\n\"{LOCKED}\": {platform['locked']} in response bodies, {locked_log} in the server's logs; "
          f"server log: {server_5xx} responses 5xx, {tracebacks} tracebacks; "
          f"stale 409 (expected, retried once): {p['stale']}")
    print(f"targets: errors 0 → {p['errors']}, locked 0 → {locked}, p95 ≤ 300 ms → {p['steady_p95']:.1f} ms "
          f"(steady; whole run incl. the sign-in burst: {p['p95']:.1f} ms)")
    if args.keep:
        print(f"kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    ratio = p["steady_rps"] / c["steady_rps"] if c["steady_rps"] else 0.0
    print(f"load_rps={p['steady_rps']:.2f} ceiling_rps={c['steady_rps']:.2f} ratio={ratio:.2f} "
          f"p95_ms={p['steady_p95']:.1f} "
          f"errors={p['errors']} locked={locked}")


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    main()
