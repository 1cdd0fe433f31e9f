"""Sample renders of the certificate designs and the decision, and the renderer's speed.

    python bench/render_samples.py            # PNGs into docs/certificates/ (pdftoppm -png -r 60)
    python bench/render_samples.py --bench    # ms per page: Renderer.pdf vs bare WeasyPrint

Samples use the demo's wording (Bà Lê Trà My, Phường Thanh Xuân Bắc, Quyết định số
2468/QĐ-UBND of 05/12/2025, signed "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH" Nguyễn Mạnh Quyền); the
decision is the demo's approved decision, rendered from a temporary demo database with its
signing date shown as 05/12/2025.

The benchmark renders N certificates (default 1,000) through ``Renderer.pdf`` in chunks of
50 pages, and the same HTML with bare WeasyPrint (100 pages per document, one shared
FontConfiguration, the design's stylesheet parsed once); last line:
``renderer_ms_per_page=… bare_ms_per_page=… ratio=…``.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emulation.domain import certificate_text as wording  # noqa: E402
from emulation.domain.certificate_text import CertificateText  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "certificates"
DAY = dt.date(2025, 12, 5)
CAMPAIGN = "Thi đua thực hiện văn hóa công sở và “nụ cười công sở” năm 2025"


def sample(form: str = "bang-khen", number: int = 7, person: bool = True) -> CertificateText:
    """The demo's certificate for Bà Lê Trà My (or, ``person=False``, for Phường Thanh Xuân Bắc)."""
    code = "mZ4q7Kx2Vb9Tn3Lw8Pc5Rj6Hs1Df0Ga"
    return CertificateText(
        form=form, number=number, issuer_title="CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
        heading=wording.heading(form),
        award_title=("Bằng khen" if form == "bang-khen" else "Giấy khen") + " của Chủ tịch UBND Thành phố",
        recipient="Bà Lê Trà My" if person else "Phường Thanh Xuân Bắc",
        recipient_detail="Bí thư Đoàn thanh niên phường Thanh Xuân Bắc, Phường Thanh Xuân Bắc" if person else "",
        achievement=wording.achievement_line(CAMPAIGN), place_date=wording.long_date("Hà Nội", DAY),
        signer_title="KT. CHỦ TỊCH – PHÓ CHỦ TỊCH", signer_name="Nguyễn Mạnh Quyền",
        decision_line=wording.decision_line("2468/QĐ-UBND", DAY), golden_book="Sổ vàng số 125",
        verify_code=code, verify_url=f"http://127.0.0.1:5000/verify/{code}")


def png(pdf: bytes, name: str, pages: tuple[int, ...] = (1,)) -> list[Path]:
    """Page(s) of ``pdf`` as docs/certificates/<name>[-<page>].png at 60 dpi."""
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        for page in pages:
            target = OUT / (name if len(pages) == 1 else f"{name}-{page}")
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                            str(source), str(target)], check=True)
            written.append(target.with_suffix(".png"))
    return written


def certificates() -> list[Path]:
    from emulation.services.certificate_render import Renderer
    written = []
    for design in ("bang-khen", "giay-khen"):
        for mode in ("full", "blank"):
            pdf = Renderer(design, mode).pdf([sample(design)])
            written += png(pdf, f"{design}-{mode}")
        written += png(Renderer(design, "full").pdf([sample(design, 8, person=False)]), f"{design}-collective")
    return written


def decision() -> list[Path]:
    from bench.common import bench_app
    from emulation.database import db
    from emulation.migrations import upgrade
    from emulation.models import Decision
    from emulation.services.decision_pdf import render_decision
    from emulation.services.demo import seed_demo
    with tempfile.TemporaryDirectory() as instance:
        app = bench_app(instance)
        with app.app_context(), db.connection_context():
            upgrade(db.obj)
            seed_demo()
            row = Decision.get(Decision.number == "2468/QĐ-UBND")
            row.signed_on = DAY                     # shown as in the samples; not saved
            pdf = render_decision(row)
    from pypdf import PdfReader
    import io
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return png(pdf, "quyet-dinh", (1, pages))


def bench(count: int, design: str, mode: str) -> None:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from emulation.services.certificate_render import Renderer, page_css
    texts = [dataclasses.replace(sample(design, i, person=i % 3 != 0),
                                 verify_url=f"http://127.0.0.1:5000/verify/{i:032d}") for i in range(1, count + 1)]
    renderer = Renderer(design, mode)
    renderer.pdf(texts[:2])                                   # warm-up (fonts, images)
    start = time.perf_counter()
    for i in range(0, count, 50):
        renderer.pdf(texts[i:i + 50])
    ours = (time.perf_counter() - start) * 1000 / count

    folder = renderer.folder.folder
    html = [renderer.html(texts[i:i + 100]) for i in range(0, count, 100)]
    fonts = FontConfiguration()
    sheets = [CSS(filename=str(folder / renderer.design.stylesheet), font_config=fonts),
              CSS(string=page_css(renderer.design, mode), font_config=fonts)]
    HTML(string=html[0], base_url=str(folder) + "/").write_pdf(stylesheets=sheets, font_config=fonts)
    start = time.perf_counter()
    for document in html:
        HTML(string=document, base_url=str(folder) + "/").write_pdf(stylesheets=sheets, font_config=fonts)
    bare = (time.perf_counter() - start) * 1000 / count
    print(f"{design} {mode}: renderer_ms_per_page={ours:.1f} bare_ms_per_page={bare:.1f} ratio={ours / bare:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", action="store_true", help="time the renderer instead of writing PNGs")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--design", default="bang-khen")
    parser.add_argument("--mode", default="full")
    args = parser.parse_args()
    if args.bench:
        bench(args.count, args.design, args.mode)
        return
    for path in certificates() + decision():
        print(path.relative_to(OUT.parent.parent))


if __name__ == "__main__":
    main()
