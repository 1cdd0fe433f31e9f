"""Issuing certificates at city scale, against bare WeasyPrint.

    python bench/certificates.py [--certificates 1000] [--rss-certificates 5000]

In one run, on a temporary SQLite instance:

(a) the platform's own path: an approved decision awarding ``--certificates`` collectives a
    bằng khen is issued with ``issuing.issue`` — numbering, golden book, chunks of
    ``CERTIFICATE_CHUNK`` pages rendered in the limited render process, files written,
    flushed and recorded with their SHA-256 (tasks run in-process, so the call returns when
    the batch is done);
(b) the floor: the same certificates' HTML (made beforehand, not timed) rendered by bare
    WeasyPrint, one shared FontConfiguration, the stylesheets parsed once, one document per
    100 pages, PDFs kept in memory;
(c) peak memory: a second decision of ``--rss-certificates`` issued the same way; the render
    process's peak resident set (VmHWM) is read before it is closed.

Last line: ``app_ms_per_cert=… floor_ms_per_cert=… ratio=… peak_rss_mb=…``.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _vm_hwm_mb(pid: int) -> float:
    """A process's peak resident set (VmHWM) in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _issue(make, committee, n: int):
    from emulation.models import CertificateBatch
    from emulation.services import issuing
    decision = make.approved_decision(n)
    start = time.perf_counter()
    batch = issuing.issue(committee, decision)
    seconds = time.perf_counter() - start
    batch = CertificateBatch.get_by_id(batch.id)
    assert batch.state == "done" and batch.rendered == n, (batch.state, batch.error)
    return decision, seconds


def _floor(decision, n: int) -> float:
    """Bare WeasyPrint on the same HTML: one FontConfiguration, CSS parsed once, 100 pages per document."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from emulation.services import issuing
    from emulation.services.certificate_render import Renderer, page_css
    shape = Renderer("bang-khen", "full")
    folder, base = shape.folder.folder, shape.folder.base_url
    documents = [shape.html(issuing.texts(decision, first, min(first + 99, n))) for first in range(1, n + 1, 100)]
    fonts = FontConfiguration()
    start = time.perf_counter()
    styles = [CSS(filename=str(folder / shape.design.stylesheet), font_config=fonts),
              CSS(string=page_css(shape.design, "full"), base_url=base, font_config=fonts)]
    pages = 0
    for html in documents:
        document = HTML(string=html, base_url=base).render(stylesheets=styles, font_config=fonts)
        pages += len(document.pages)
        document.write_pdf()
    seconds = time.perf_counter() - start
    assert pages == n
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--rss-certificates", type=int, default=5000)
    args = parser.parse_args()
    from common import bench_app, migrated
    from emulation.database import db
    from emulation.services.render_process import render_process
    from tests.factories import Factory

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp, CERTIFICATE_TASKS=1)
        with app.app_context(), db.connection_context():
            migrated()
            make = Factory()
            committee = make.user("committee")
            decision, app_s = _issue(make, committee, args.certificates)
            floor_s = _floor(decision, args.certificates)
            peak = 0.0
            if args.rss_certificates:
                process = render_process()
                process.close()                        # a fresh render process for the memory reading
                _decision, big_s = _issue(make, committee, args.rss_certificates)
                pid = process.child.pid
                peak = _vm_hwm_mb(pid)
                print(f"{args.rss_certificates:,} certificates issued in {big_s:.1f} s "
                      f"({1000 * big_s / args.rss_certificates:.1f} ms each); render process peak RSS "
                      f"{peak:.0f} MB, this process {_vm_hwm_mb(os.getpid()):.0f} MB")
                process.close()
    n = args.certificates
    app_ms, floor_ms = 1000 * app_s / n, 1000 * floor_s / n
    print(f"{n:,} certificates: platform {app_s:.1f} s, bare WeasyPrint {floor_s:.1f} s")
    print(f"app_ms_per_cert={app_ms:.1f} floor_ms_per_cert={floor_ms:.1f} ratio={app_ms / floor_ms:.2f} "
          f"peak_rss_mb={peak:.0f}")


if __name__ == "__main__":
    main()
