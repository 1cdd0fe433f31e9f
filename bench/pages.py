"""Page latency of the committee's main pages, against the platform's own floor.

Builds a temporary SQLite installation (demo + 300 units + 6,000 people), signs in as
the committee through the real login form (CSRF on) and times each page through the
test client. The baseline, measured in the same run, is ``/health``: the same stack
(policy hook, database connection, security headers) doing one ``SELECT 1``.

    python bench/pages.py [--requests 200]

Last line: ``pages_median_ms=… health_median_ms=… ratio=…`` (the slowest page's median).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = ["/committee", "/campaigns/1", "/criteria/1", "/org/units", "/org/people", "/users/",
         "/admin/audit"]


def build(instance: Path):
    from emulation import create_app
    from emulation.database import db
    from emulation.migrations import upgrade
    from emulation.models import Cluster, Person, Unit
    from emulation.services.demo import seed_demo

    app = create_app({"INSTANCE_PATH": str(instance), "HUEY_IMMEDIATE": True,
                      "SECRET_KEY": "bench-secret-key-0123456789abcdefghijkl"})
    with db.connection_context():
        upgrade(db.obj)
        seed_demo()
        cluster = Cluster.get(Cluster.code == "TX")
        with db.atomic():
            Unit.insert_many([{"code": f"B{i:04d}", "name": f"Phường Thử Nghiệm {i}", "kind": "phường",
                               "cluster": cluster.id} for i in range(300)]).execute()
            unit_ids = [u.id for u in Unit.select(Unit.id)]
            Person.insert_many([{"staff_code": f"BP{i:05d}", "full_name": f"Nguyễn Thị Thử {i}",
                                 "gender": "F", "position": "Công chức", "unit": unit_ids[i % len(unit_ids)]}
                                for i in range(6000)]).execute()
    return app


def timed(client, url: str, n: int) -> float:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        response.close()
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    from tests.helpers import login

    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        client = app.test_client()
        assert login(client, "btdkt", "ThiDua@2026").status_code == 302
        for url in PAGES + ["/health"]:
            timed(client, url, 5)  # warm up templates and caches
        results = {}
        with click.progressbar(PAGES + ["/health"], label="Đo thời gian trang",
                               file=sys.stderr) as bar:
            for url in bar:
                results[url] = timed(client, url, args.requests)
    health = results.pop("/health")
    width = max(len(u) for u in results)
    for url, ms in results.items():
        print(f"{url:<{width}}  median {ms:7.2f} ms  ({ms / health:5.1f}× /health)")
    slowest = max(results.values())
    print(f"pages_median_ms={slowest:.2f} health_median_ms={health:.2f} ratio={slowest / health:.2f}")


if __name__ == "__main__":
    main()
