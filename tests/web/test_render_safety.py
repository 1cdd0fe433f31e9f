"""Hostile text cannot reach a URL: names, achievements and decision texts made of markup are
printed literally, the PDF carries no attachment, and a real loopback server counts no request.
The URL fetcher serves its design folder and nothing else — even to a hostile design."""
from __future__ import annotations

import http.server
import io
import shutil
import threading

import pytest
from pypdf import PdfReader

from emulation.services.certificate_render import DESIGNS_DIR, Renderer
from emulation.services.fetcher import FolderFetcher
from tests.web.test_certificate_render import flat, pages_text, sample


@pytest.fixture
def server():
    """A loopback HTTP server on a free port; ``server.requests`` lists the paths asked."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"root:x:0:0")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.requests = requests
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def hostile(port: int) -> list[str]:
    base = f"http://127.0.0.1:{port}"
    return ["<link rel=attachment href=file:///etc/passwd>",
            f"<img src={base}/x>",
            f"@import url({base}/y);",
            f'<svg><image href="{base}/z"/></svg>',
            f"<style>body {{ background: url({base}/s) }}</style>",
            f'"><link rel="stylesheet" href="{base}/q.css"><object data="{base}/o">']


def attachments(pdf: bytes) -> list[str]:
    """Embedded files (the name tree) and file-attachment annotations of a PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("EmbeddedFiles")
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                found.append("FileAttachment")
    return found


def test_the_attachment_check_sees_a_real_attachment(tmp_path):
    """Control: a design that does attach its own file is seen by :func:`attachments`."""
    design = tmp_path / "bang-khen"
    shutil.copytree(DESIGNS_DIR / "bang-khen", design)
    template = design / "certificate.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "<head>", '<head><link rel="attachment" href="meta.toml">'), encoding="utf-8")
    assert attachments(Renderer("bang-khen", designs_dir=tmp_path).pdf([sample()])) == ["EmbeddedFiles"]


@pytest.mark.parametrize("design", ["bang-khen", "giay-khen"])
@pytest.mark.parametrize("mode", ["full", "blank"])
def test_hostile_certificate_text_is_printed_as_text(server, design, mode):
    port = server.server_address[1]
    texts = [sample(design, number=n, recipient=bad, recipient_detail=bad, achievement=bad, issuer_title=bad,
                    signer_name=bad, golden_book=bad, decision_line=bad, place_date=bad, verify_code=bad[:40],
                    verify_url=f"http://127.0.0.1:{port}/qr")
             for n, bad in enumerate(hostile(port), 1)]
    r = Renderer(design, mode)
    html = r.html(texts)
    assert "<link rel=attachment" not in html and "<img src=" not in html and "<style>" not in html
    pdf = r.pdf(texts)
    assert attachments(pdf) == [] and server.requests == []
    for bad, page in zip(hostile(port), pages_text(pdf)):
        assert flat(bad) in flat(page)
    assert all(url.startswith((DESIGNS_DIR / design).as_uri() + "/") for url in r.folder.fetcher.fetched)


def test_even_a_hostile_design_reaches_nothing_outside_its_folder(server, tmp_path, monkeypatch):
    """The fetcher, not only the escaping: a design asking for the network, data: URLs and
    system files gets none of them, and no attachment."""
    port = server.server_address[1]
    design = tmp_path / "bang-khen"
    shutil.copytree(DESIGNS_DIR / "bang-khen", design)
    (tmp_path / "secret.css").write_text("body { color: red }", encoding="utf-8")
    (design / "link.css").symlink_to(tmp_path / "secret.css")
    style = design / "style.css"
    style.write_text(f"@import url(http://127.0.0.1:{port}/import.css);\n@import url(link.css);\n"
                     f"@import url(../secret.css);\n" + style.read_text(encoding="utf-8"), encoding="utf-8")
    template = design / "certificate.html"
    template.write_text(template.read_text(encoding="utf-8").replace("</head>", (
        f'<link rel="attachment" href="file:///etc/passwd"><link rel="attachment" href="http://127.0.0.1:{port}/a">'
        "</head>"), 1).replace('<div class="frame">', (
        '<div class="frame"><img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E">'
        f'<img src="http://127.0.0.1:{port}/img"><svg><image href="http://127.0.0.1:{port}/svg"/></svg>'), 1),
        encoding="utf-8")
    asked: list[str] = []
    original = FolderFetcher.path_for

    def spy(self, url):
        asked.append(url)
        return original(self, url)
    monkeypatch.setattr(FolderFetcher, "path_for", spy)
    r = Renderer("bang-khen", designs_dir=tmp_path)
    pdf = r.pdf([sample()])
    assert server.requests == [] and attachments(pdf) == []
    assert any(url.startswith("http://127.0.0.1") for url in asked) and any(u.startswith("data:") for u in asked)
    assert any(url == "file:///etc/passwd" for url in asked)
    served = {url.rsplit("/", 1)[1] for url in r.folder.fetcher.fetched}
    assert "link.css" not in served and "secret.css" not in served and "passwd" not in served
    assert "style.css" in served


@pytest.fixture
def fetcher(tmp_path):
    folder = tmp_path / "design"
    (folder / "fonts").mkdir(parents=True)
    (folder / "style.css").write_text("@page { size: A4 }", encoding="utf-8")
    (folder / "fonts" / "a.ttf").write_bytes(b"\0\1\0\0")
    (tmp_path / "secret.txt").write_text("bí mật", encoding="utf-8")
    (folder / "link.css").symlink_to(tmp_path / "secret.txt")
    (folder / "fonts-out").symlink_to(tmp_path, target_is_directory=True)
    return FolderFetcher(folder)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/style.css", "https://example.com/style.css", "ftp://example.com/style.css",
    "data:text/css,body%7Bcolor:red%7D", "file:///etc/passwd", "file://evil.example{dir}/style.css",
    "{dir}/../secret.txt", "{dir}/%2e%2e/secret.txt", "{dir}/fonts/../../secret.txt", "{dir}/link.css",
    "{dir}/fonts-out/secret.txt", "{dir}/missing.css", "{dir}", "{dir}/fonts", "javascript:alert(1)",
])
def test_the_fetcher_refuses_everything_outside_its_folder(fetcher, url):
    with pytest.raises(ValueError):
        fetcher.fetch(url.format(dir=fetcher.folder.as_uri()))
    assert fetcher.fetched == []


def test_the_fetcher_serves_its_own_files(fetcher):
    for name, kind in (("style.css", "text/css"), ("fonts/a.ttf", "font/ttf")):
        response = fetcher.fetch(f"{fetcher.folder.as_uri()}/{name}")
        assert response.read() and response.content_type in (kind, "application/octet-stream")
        response.close()
    response = fetcher.fetch(f"file://localhost{fetcher.folder}/style.css?v=1")
    assert response.read() == b"@page { size: A4 }"
    response.close()
    assert len(fetcher.fetched) == 3


def test_hostile_decision_text_is_printed_as_text(app, server):
    from emulation.models import Decision, DecisionAward
    from emulation.services.decision_pdf import render_decision
    from emulation.services.demo import seed_demo
    bad = hostile(server.server_address[1])
    seed_demo()
    decision = Decision.get(Decision.number == "2468/QĐ-UBND")
    awards = list(decision.awards.order_by(DecisionAward.position))
    for award, text in zip(awards, bad):
        DecisionAward.update(recipient_name=text, recipient_detail=text, title=text).where(
            DecisionAward.id == award.id).execute()
    Decision.update(basis="\n".join(bad), signer_name=bad[1], signer_title=bad[2]).where(
        Decision.id == decision.id).execute()
    pdf = render_decision(Decision.get_by_id(decision.id))
    assert attachments(pdf) == [] and server.requests == []
    text = flat("\n".join(pages_text(pdf)))
    assert all(flat(item) in text for item in bad)                  # the bases, one per line
    assert all(flat(item) in text.split("PHỤLỤC", 1)[1] for item in bad[:len(awards)])   # the annex rows
