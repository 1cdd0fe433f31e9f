"""The certificate renderer: one page per certificate in order (long text shrinks, never spills),
the official wording in the PDF text, both print modes, bundled fonts only, the QR code, the
phôi offsets of meta.toml, and designs confined to their own folder."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from emulation.domain import certificate_text as wording
from emulation.domain.certificate_text import CertificateText
from emulation.services.certificate_render import (DESIGNS_DIR, Renderer, RenderError, qr_svg, renderer)

DAY = dt.date(2025, 12, 5)
CODE = "mZ4q7Kx2Vb9Tn3Lw8Pc5Rj6Hs1Df0Ga"
LONG_NAME = ("Bà " + "Nguyễn Thị Phương Thảo Hồng Nhung " * 8)[:200]
LONG_ACHIEVEMENT = ("Đã có thành tích xuất sắc trong phong trào thi đua " * 5)[:200]


def sample(form: str = "bang-khen", **changes) -> CertificateText:
    """The demo's certificate for Bà Lê Trà My (fields overridden by ``changes``)."""
    text = CertificateText(
        form=form, number=7, issuer_title="CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", heading=wording.heading(form),
        award_title="Bằng khen của Chủ tịch UBND Thành phố", recipient="Bà Lê Trà My",
        recipient_detail="Bí thư Đoàn thanh niên phường Thanh Xuân Bắc, Phường Thanh Xuân Bắc",
        achievement=wording.achievement_line("Thi đua thực hiện văn hóa công sở năm 2025"),
        place_date=wording.long_date("Hà Nội", DAY), signer_title="KT. CHỦ TỊCH – PHÓ CHỦ TỊCH",
        signer_name="Nguyễn Mạnh Quyền", decision_line=wording.decision_line("2468/QĐ-UBND", DAY),
        golden_book="Sổ vàng số 125", verify_code=CODE, verify_url=f"http://127.0.0.1:5000/verify/{CODE}")
    return dataclasses.replace(text, **changes)


def pages_text(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text without line breaks or spaces (a long line wraps where the layout decides)."""
    return re.sub(r"\s+", "", text)


def embedded_fonts(pdf: bytes) -> set[tuple[str, str]]:
    """(PDF /BaseFont without the subset tag, PostScript name of the embedded font program)."""
    found = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            program = descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
            found.add((font["/BaseFont"].split("+", 1)[1], TTFont(io.BytesIO(program))["name"].getDebugName(6)))
    return found


@pytest.mark.parametrize("design", ["bang-khen", "giay-khen"])
@pytest.mark.parametrize("mode", ["full", "blank"])
def test_one_page_per_certificate_in_order(design, mode):
    texts = [sample(design, number=n, recipient=f"Phường số {n}", recipient_detail="") for n in range(1, 6)]
    texts[2] = sample(design, number=3, recipient=LONG_NAME, recipient_detail=LONG_NAME[3:],
                      achievement=LONG_ACHIEVEMENT)
    pages = pages_text(Renderer(design, mode).pdf(texts))
    assert len(pages) == 5
    for n, page in enumerate(pages, 1):
        assert f"Số: {n}" in page
    assert flat(LONG_NAME) in flat(pages[2]) and flat(LONG_ACHIEVEMENT) in flat(pages[2])


def test_the_official_wording_is_in_the_pdf():
    text = pages_text(Renderer("bang-khen").pdf([sample()]))[0]
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "TẶNG BẰNG KHEN", "Bà Lê Trà My",
                 "Bí thư Đoàn thanh niên phường Thanh Xuân Bắc, Phường Thanh Xuân Bắc",
                 "Hà Nội, ngày 05 tháng 12 năm 2025", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Nguyễn Mạnh Quyền",
                 "Quyết định số 2468/QĐ-UBND ngày 05/12/2025", "Sổ vàng số 125", "Số: 7", CODE):
        assert line in text, line
    assert "TẶNG GIẤY KHEN" in pages_text(Renderer("giay-khen").pdf([sample("giay-khen")]))[0]


def test_a_collective_is_named_alone():
    text = pages_text(Renderer("giay-khen").pdf([sample("giay-khen", recipient="Phường Thanh Xuân Bắc",
                                                        recipient_detail="")]))[0]
    assert "Phường Thanh Xuân Bắc" in text and "Bí thư" not in text


def test_blank_mode_prints_the_text_only():
    full, blank = Renderer("bang-khen", "full"), Renderer("bang-khen", "blank")
    assert "emblem.svg" in full.html([sample()]) and "emblem.svg" not in blank.html([sample()])
    pdf_full, pdf_blank = full.pdf([sample()]), blank.pdf([sample()])
    text = pages_text(pdf_blank)[0]
    assert "Bà Lê Trà My" in text and "Sổ vàng số 125" in text and "Số: 7" in text
    assert "CỘNG HÒA" not in text and "TẶNG BẰNG KHEN" not in text     # pre-printed on the phôi
    drawn = [len(PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()) for pdf in (pdf_full, pdf_blank)]
    assert drawn[1] * 3 < drawn[0]                                    # no border, emblem or background


def _word_position(pdf: bytes, word: str) -> tuple[float, float]:
    found = []

    def visit(text, cm, tm, font, size):        # page coordinates in pt, y upwards
        if word in text:
            x, y = tm[4], tm[5]
            found.append((cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5]))
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert found, word
    return found[0]


def test_phoi_offsets_come_from_meta_toml(tmp_path):
    design = tmp_path / "bang-khen"
    shutil.copytree(DESIGNS_DIR / "bang-khen", design)
    meta = design / "meta.toml"
    meta.write_text(re.sub(r"top_mm = 0\nleft_mm = 0", "top_mm = 10\nleft_mm = -5",
                           meta.read_text(encoding="utf-8")), encoding="utf-8")
    x0, y0 = _word_position(Renderer("bang-khen", "blank").pdf([sample()]), "Trà My")
    x1, y1 = _word_position(Renderer("bang-khen", "blank", designs_dir=tmp_path).pdf([sample()]), "Trà My")
    mm = 72 / 25.4
    assert x1 - x0 == pytest.approx(-5 * mm, abs=0.5) and y1 - y0 == pytest.approx(-10 * mm, abs=0.5)


@pytest.mark.parametrize("design", ["bang-khen", "giay-khen"])
def test_only_the_bundled_liberation_serif_is_embedded(design):
    r = Renderer(design)
    fonts = embedded_fonts(r.pdf([sample(design), sample(design, recipient=LONG_NAME)]))
    assert {program for _, program in fonts} == {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"}
    assert all(re.fullmatch(r"Emulation-Serif(-Bold|-Italic)?", name) for name, _ in fonts), fonts
    folder = (DESIGNS_DIR / design).as_uri() + "/"
    assert all(url.startswith(folder) for url in r.folder.fetcher.fetched)
    assert {u.rsplit("/", 1)[1] for u in r.folder.fetcher.fetched if "/fonts/" in u} == {
        "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf"}
    css = (DESIGNS_DIR / design / "style.css").read_text(encoding="utf-8")
    assert set(re.findall(r"font-family:\s*([^;]+);", css)) == {'"Emulation Serif"'}


def test_the_qr_code_is_inline_svg_of_our_url():
    svg = qr_svg(sample().verify_url)
    assert svg.startswith('<svg viewBox="0 0 ') and "<?xml" not in svg and "verify" not in svg
    assert svg in Renderer("bang-khen").html([sample()])
    assert svg != qr_svg(sample().verify_url + "x")
    for url in ("javascript:alert(1)", "file:///etc/passwd", "/verify/x", "data:text/html,x"):
        with pytest.raises(ValueError):
            qr_svg(url)


def test_text_too_long_for_its_frame_is_refused_not_clipped():
    with pytest.raises(RenderError, match="bằng số 9"):
        Renderer("bang-khen").pdf([sample(), sample(number=9, achievement="Thành tích " * 400)])


def test_the_renderer_is_built_once_per_process():
    assert renderer("bang-khen", "blank") is renderer("bang-khen", "blank")
    assert renderer("bang-khen", "blank") is not renderer("bang-khen", "full")


@pytest.mark.parametrize(("design", "mode", "message"), [
    ("bang-khen", "draft", "Chế độ in «draft»"), ("huan-chuong", "full", "Không có mẫu «huan-chuong»"),
    ("../templates", "full", "Tên mẫu «../templates» không hợp lệ"), ("quyet-dinh", "full", "không phải mẫu bằng"),
])
def test_unknown_designs_and_modes_are_refused(design, mode, message):
    with pytest.raises(RenderError, match=re.escape(message)):
        Renderer(design, mode)


def test_a_broken_meta_toml_is_reported(tmp_path):
    shutil.copytree(DESIGNS_DIR / "giay-khen", tmp_path / "giay-khen")
    (tmp_path / "giay-khen" / "meta.toml").write_text('title = "x"\npaper = "A3"\n', encoding="utf-8")
    with pytest.raises(RenderError, match="Tệp meta.toml của mẫu «giay-khen» không hợp lệ") as caught:
        Renderer("giay-khen", designs_dir=tmp_path)
    assert "khổ giấy paper = «A3»" in str(caught.value)


def test_a_design_cannot_include_app_templates(tmp_path):
    from jinja2 import TemplateNotFound
    design = tmp_path / "bang-khen"
    shutil.copytree(DESIGNS_DIR / "bang-khen", design)
    template = design / "certificate.html"
    template.write_text('{% include "../../templates/base.html" %}' + template.read_text(encoding="utf-8"),
                        encoding="utf-8")
    with pytest.raises(TemplateNotFound):
        Renderer("bang-khen", designs_dir=tmp_path).pdf([sample()])


def test_every_shipped_design_has_its_licence():
    for folder in DESIGNS_DIR.iterdir():
        if folder.is_dir():
            licence = (folder / "fonts" / "OFL.txt").read_text(encoding="utf-8")
            assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Red Hat, Inc." in licence
            assert list((folder / "fonts").glob("LiberationSerif-*.ttf"))
