"""Self-assessment speed: saving a full form, and storing evidence, each against its floor.

    python bench/submissions.py [--saves 100] [--mb 10]

(a) Save: POST of the whole collective form (20 criteria, values and explanations) through
    the test client, signed in as an officer (CSRF on), against ``/health`` in the same run.
(b) Evidence: ``store_evidence`` of an N MB PDF (content check, quota query, content-addressed
    write, database row, audit), against the floor of hashing the same bytes with SHA-256 and
    writing them to a file with fsync.

Last line: ``save_median_ms=… health_median_ms=… evidence_mb_s=… floor_mb_s=… evidence_ratio=…``.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--mb", type=int, default=10)
    args = parser.parse_args()
    from emulation import create_app
    from emulation.database import db
    from emulation.migrations import upgrade
    from emulation.models import Submission, Unit, User
    from emulation.services.demo import seed_demo
    from emulation.services.evidence import store_evidence
    from emulation.services.submissions import criteria_of, open_collective
    from tests.helpers import csrf_from, login

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "HUEY_IMMEDIATE": True, "ARGON2_TIME_COST": 1,
                          "ARGON2_MEMORY_KIB": 8192, "SECRET_KEY": "bench-secret-key-0123456789abcdefghijkl",
                          "MAX_CONTENT_LENGTH": 256 * 1024 * 1024})
        with db.connection_context():
            upgrade(db.obj)
            seed_demo()
            unit = Unit.get(Unit.code == "KGI")
            from emulation.services import accounts
            officer = accounts.create_user(None, username="bench", full_name="Bench", password="bench-password-1")
            accounts.grant_role(None, officer, "officer", unit=unit)
            from emulation.models import Campaign
            submission = open_collective(Campaign.get(), unit)
            cs, rows = criteria_of(submission)
        client = app.test_client()
        login(client, "bench", "bench-password-1")
        url = f"/submissions/{submission.id}"
        save_ms, health_ms = [], []
        for i in range(args.saves):
            html = client.get(url).get_data(as_text=True)
            version = re.search(r'name="version" value="(\d+)"', html).group(1)
            data = {"csrf_token": csrf_from(html), "version": version, "action": "save"}
            for c in cs.criteria:
                data[f"value-{c.code}"] = "0" if c.kind.value == "penalty" else str(c.max - (i % 2) * c.step)
                data[f"explain-{c.code}"] = f"Giải trình lần {i}"
            start = time.perf_counter()
            response = client.post(url, data=data)
            save_ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 302, response.status_code
            start = time.perf_counter()
            client.get("/health").close()
            health_ms.append((time.perf_counter() - start) * 1000)

        payload = b"%PDF-1.4\n" + os.urandom(args.mb * 1024 * 1024) + b"\n%%EOF\n"
        with db.connection_context():
            submission = Submission.get_by_id(submission.id)
            code = cs.criteria[0].code
            campaign = submission.campaign
            campaign.max_file_mb, campaign.unit_quota_mb = 1024, 100000
            campaign.save()
            submission = Submission.get_by_id(submission.id)
            runs, floor = [], []
            for i in range(5):
                data = payload + str(i).encode()
                start = time.perf_counter()
                store_evidence(User.get(User.username == "bench"), submission, rows[code], f"tệp {i}.pdf", data)
                runs.append(time.perf_counter() - start)
                start = time.perf_counter()
                digest = hashlib.sha256(data).hexdigest()
                with open(Path(tmp) / f"floor-{digest}", "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                floor.append(time.perf_counter() - start)
    size_mb = len(payload) / (1024 * 1024)
    save, health = statistics.median(save_ms), statistics.median(health_ms)
    ev, fl = size_mb / statistics.median(runs), size_mb / statistics.median(floor)
    print(f"save full form (20 criteria): median {save:.2f} ms ({save / health:.1f}× /health)")
    print(f"store {size_mb:.0f} MB PDF: {ev:.0f} MB/s (floor sha256+write+fsync {fl:.0f} MB/s)")
    print(f"save_median_ms={save:.2f} health_median_ms={health:.2f} evidence_mb_s={ev:.0f} "
          f"floor_mb_s={fl:.0f} evidence_ratio={fl / ev:.2f}")


if __name__ == "__main__":
    main()
