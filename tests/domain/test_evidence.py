"""Evidence files: names, content sniffing and size rules, against hostile uploads.

Every file is built here in code (no binary fixtures): a refusal must say which
rule refused it and name the file; real PDF, JPEG, PNG, DOCX and XLSX files with
Vietnamese names pass.
"""
from __future__ import annotations

import io
import random
import struct
import unicodedata
import zipfile
import zlib

import pytest
from openpyxl import Workbook
from PIL import Image

from emulation.domain import evidence as ev
from emulation.domain.evidence import (ALLOWED_TYPES, MB, Refusal, check_size, clean_filename, format_mb,
                                       sniff)

# --- builders ------------------------------------------------------------------------------


def pdf(body: bytes = b"") -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" + body +
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def jpeg(progressive: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (24, 16), (200, 30, 40))
    for x in range(24):
        image.putpixel((x, x % 16), (x * 10, 255 - x * 10, 90))
    image.save(out, "JPEG", quality=85, progressive=progressive)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 3, height: int = 2) -> bytes:
    raw = b"".join(b"\x00" + bytes([255, 0, 0] * width) for _ in range(height))
    return (ev.PNG_SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))


def zipped(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 b'officedocument.wordprocessingml.document.main+xml"/></Types>')
DOCUMENT = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Báo cáo thi đua</w:t></w:r></w:p>'
            '</w:body></w:document>').encode()


def docx(**extra: bytes) -> bytes:
    return zipped({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b"<Relationships/>",
                   "word/document.xml": DOCUMENT, **extra})


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["Đơn vị", "Điểm"])
    book.active.append(["Phường Hoàn Kiếm", 92.5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_bad_crc(data: bytes) -> bytes:
    """Flip one byte of the first member's stored data (the CRC no longer matches)."""
    header = 30 + struct.unpack("<H", data[26:28])[0] + struct.unpack("<H", data[28:30])[0]
    return data[:header] + bytes([data[header] ^ 0xFF]) + data[header + 1:]


EMPTY_ZIP = zipped({})
ZIP_OF_PDFS = zipped({"bao-cao-1.pdf": pdf(), "bao-cao-2.pdf": pdf()})
RANDOM = b"\x13\x37" + random.Random(2026).randbytes(4000)
HTML = b"<!DOCTYPE html><html><body><h1>Quyet dinh</h1><script>alert(1)</script></body></html>"
SVG_SCRIPT = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>'
              b'fetch("/admin")</script><circle r="4"/></svg>')
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
TAR = b"bao-cao.pdf".ljust(257, b"\x00") + b"ustar\x0000" + b"\x00" * 242
PNG_NO_IHDR = ev.PNG_SIGNATURE + _chunk(b"IDAT", zlib.compress(b"\x00\x00")) + _chunk(b"IEND", b"")
PNG_BAD_CRC = png()[:-5] + bytes([png()[-5] ^ 1]) + png()[-4:]

HOSTILE = [
    # (id, name, content, refusal template)
    ("text-named-pdf", "Báo cáo.pdf", "Đây là văn bản thường, không phải PDF.\n".encode(), ev.NOT_ALLOWED),
    ("random-named-jpg", "ảnh.jpg", RANDOM, ev.NOT_ALLOWED),
    ("truncated-jpeg", "ảnh hỏng.jpg", jpeg()[:300], ev.DAMAGED),
    ("jpeg-header-only", "ảnh.jpg", b"\xff\xd8\xff\xe0", ev.DAMAGED),
    ("png-bad-crc", "ảnh.png", PNG_BAD_CRC, ev.DAMAGED),
    ("png-without-ihdr", "ảnh.png", PNG_NO_IHDR, ev.DAMAGED),
    ("png-truncated", "ảnh.png", png()[:30], ev.DAMAGED),
    ("png-plus-zip", "ảnh.png", png() + ZIP_OF_PDFS, ev.POLYGLOT),
    ("png-data-after-iend", "ảnh.png", png() + b"hidden payload", ev.POLYGLOT),
    ("pdf-with-script", "Quyết định.pdf", pdf(b"<html><script>alert(document.cookie)</script></html>\n"),
     ev.POLYGLOT),
    ("pdf-with-doctype", "Quyết định.pdf", pdf(b"<!doctype  HTML>\n"), ev.POLYGLOT),
    ("pdf-plus-zip", "Quyết định.pdf", pdf() + ZIP_OF_PDFS, ev.POLYGLOT),
    ("jpeg-plus-zip", "ảnh.jpg", jpeg() + ZIP_OF_PDFS, ev.POLYGLOT),
    ("jpeg-plus-html", "ảnh.jpg", jpeg() + HTML, ev.POLYGLOT),
    ("jpeg-data-after-eoi", "ảnh.jpg", jpeg() + b"\x00\x00trailing", ev.POLYGLOT),
    ("html-named-pdf", "Quyết định.pdf", b"\xef\xbb\xbf \r\n" + HTML, ev.WEB),
    ("utf16-html", "trang.pdf", "\ufeff<html><body>x</body></html>".encode("utf-16-le"), ev.WEB),
    ("svg-script-named-png", "logo.png", SVG_SCRIPT, ev.WEB),
    ("plain-svg", "logo.svg", SVG, ev.WEB),
    ("js-with-script-tag", "ghi chú.txt", b"var x = 1;\ndocument.write('<SCRIPT src=//evil>');", ev.WEB),
    ("zip-of-pdfs", "hồ sơ.zip", ZIP_OF_PDFS, ev.ARCHIVE),
    ("zip-named-docx", "báo cáo.docx", zipped({"word/document.xml": DOCUMENT}), ev.ARCHIVE),
    ("empty-zip", "hồ sơ.zip", EMPTY_ZIP, ev.ARCHIVE),
    ("rar", "hồ sơ.pdf", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64, ev.ARCHIVE),
    ("7z", "hồ sơ.pdf", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 64, ev.ARCHIVE),
    ("gzip", "hồ sơ.pdf", b"\x1f\x8b\x08\x00" + b"\x00" * 32, ev.ARCHIVE),
    ("tar", "hồ sơ.pdf", TAR, ev.ARCHIVE),
    ("docm-vba", "biên bản.docx", docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}), ev.MACRO),
    ("xlsm-content-type", "bảng điểm.xlsx",
     docx(**{"[Content_Types].xml": CONTENT_TYPES.replace(b"main+xml", b"macroEnabled.main+xml")}), ev.MACRO),
    ("zip-bomb-ratio", "biên bản.docx", docx(**{"word/media/big.bin": b"\x00" * (5 * MB)}), ev.BOMB),
    ("docx-bad-crc", "biên bản.docx", with_bad_crc(zipped({"[Content_Types].xml": CONTENT_TYPES,
                                                             "word/document.xml": DOCUMENT},
                                                            zipfile.ZIP_STORED)), ev.DAMAGED),
    ("broken-zip", "biên bản.docx", b"PK\x03\x04" + b"\x00" * 40, ev.DAMAGED),
    ("pptx", "trình chiếu.pptx", zipped({"[Content_Types].xml": CONTENT_TYPES,
                                         "ppt/presentation.xml": b"<p/>"}), ev.NOT_ALLOWED),
    ("old-doc", "công văn.doc", ev.OLE2_MAGIC + b"\x00" * 504, ev.LEGACY_OFFICE),
    ("mz-exe-named-pdf", "Quyết định.pdf", b"MZ\x90\x00\x03" + b"\x00" * 120 + b"PE\x00\x00", ev.EXECUTABLE),
    ("elf", "báo cáo.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 57, ev.EXECUTABLE),
    ("shell-script", "báo cáo.pdf", b"#!/bin/sh\nrm -rf /\n", ev.EXECUTABLE),
    ("zero-bytes", "trống.pdf", b"", ev.EMPTY),
]


@pytest.mark.parametrize("name, data, template", [case[1:] for case in HOSTILE],
                         ids=[case[0] for case in HOSTILE])
def test_hostile_content_is_refused_naming_the_file(name, data, template):
    refusal = sniff(name, data)
    assert isinstance(refusal, Refusal)
    assert refusal.template == template
    assert dict(refusal.params)["name"] == name
    assert f"«{name}»" in refusal.message
    assert "hãy" in refusal.message            # says what to do instead


def test_every_refusal_kind_has_its_own_message():
    templates = [ev.NAME_EMPTY, ev.NAME_CONTROL, ev.NAME_PATH, ev.NAME_TOO_LONG, ev.EMPTY, ev.ARCHIVE,
                 ev.EXECUTABLE, ev.WEB, ev.POLYGLOT, ev.DAMAGED, ev.MACRO, ev.BOMB, ev.LEGACY_OFFICE,
                 ev.NOT_ALLOWED, ev.TOO_LARGE, ev.QUOTA_FULL]
    assert len(set(templates)) == len(templates)
    assert {case[3] for case in HOSTILE} >= {ev.ARCHIVE, ev.EXECUTABLE, ev.WEB, ev.POLYGLOT, ev.EMPTY}


def test_polyglot_message_names_the_format():
    refusal = sniff("ảnh.jpg", jpeg() + ZIP_OF_PDFS)
    assert dict(refusal.params)["format"] == "JPEG"
    assert "JPEG" in refusal.message


HOSTILE_NAMES = [
    ("nul", "bao\x00cao.pdf", ev.NAME_CONTROL, "bao\ufffdcao.pdf"),
    ("escape", "bao\x1b[31mcao.pdf", ev.NAME_CONTROL, "bao\ufffd[31mcao.pdf"),
    ("newline", "bao cao.pdf\n", ev.NAME_CONTROL, "bao cao.pdf\ufffd"),
    ("right-to-left-override", "hoso\u202efdp.exe", ev.NAME_CONTROL, "hoso\ufffdfdp.exe"),
    ("dot-dot-slash", "../../etc/passwd.pdf", ev.NAME_PATH, "../../etc/passwd.pdf"),
    ("folder", "a/b.pdf", ev.NAME_PATH, "a/b.pdf"),
    ("backslash", "..\\x.pdf", ev.NAME_PATH, "..\\x.pdf"),
    ("windows-path", "C:\\Users\\x.pdf", ev.NAME_PATH, "C:\\Users\\x.pdf"),
    ("dot-dot", "..", ev.NAME_PATH, ".."),
    ("too-long", "a" * 296 + ".pdf", ev.NAME_TOO_LONG, "a" * 80 + "…"),
]


@pytest.mark.parametrize("name, template, shown", [case[1:] for case in HOSTILE_NAMES],
                         ids=[case[0] for case in HOSTILE_NAMES])
def test_hostile_names_are_refused(name, template, shown):
    refusal = clean_filename(name)
    assert isinstance(refusal, Refusal)
    assert refusal.template == template
    assert dict(refusal.params)["name"] == shown
    assert f"«{shown}»" in refusal.message


def test_too_long_name_says_the_length():
    refusal = clean_filename("a" * 296 + ".pdf")
    assert dict(refusal.params)["length"] == "300"
    assert "200" in refusal.message


@pytest.mark.parametrize("name", ["", "   ", "\u3000"])
def test_empty_names_are_refused(name):
    assert clean_filename(name) == Refusal(ev.NAME_EMPTY)


@pytest.mark.parametrize("given, kept", [
    ("Quyết định 123-QĐ.pdf", "Quyết định 123-QĐ.pdf"),
    (unicodedata.normalize("NFD", "Biên bản họp Hội đồng.docx"), "Biên bản họp Hội đồng.docx"),
    ("  ảnh hoạt động.jpg  ", "ảnh hoạt động.jpg"),
    ("x..pdf", "x..pdf"),
    ("a" * 196 + ".pdf", "a" * 196 + ".pdf"),
])
def test_good_names_are_kept_in_nfc(given, kept):
    assert clean_filename(given) == kept
    assert unicodedata.is_normalized("NFC", clean_filename(given))


# --- accepted -----------------------------------------------------------------------------

GOOD = [
    ("pdf", "Quyết định 123-QĐ.pdf", pdf(), ev.PDF),
    ("jpeg", "Ảnh trao thưởng.jpg", jpeg(), ev.JPEG),
    ("progressive-jpeg", "Ảnh hội nghị.jpeg", jpeg(progressive=True), ev.JPEG),
    ("jpeg-zero-padding", "Ảnh chụp.jpg", jpeg() + b"\x00" * 16, ev.JPEG),
    ("png", "Sơ đồ tổ chức.png", png(), ev.PNG),
    ("png-named-pdf", "Biểu đồ.pdf", png(), ev.PNG),                 # content decides, not the name
    ("docx", "Báo cáo thành tích.docx", docx(), ev.DOCX),
    ("xlsx", "Bảng điểm tự chấm.xlsx", xlsx(), ev.XLSX),
]


@pytest.mark.parametrize("name, data, content_type", [case[1:] for case in GOOD], ids=[case[0] for case in GOOD])
def test_allowed_files_are_recognised_by_content(name, data, content_type):
    assert sniff(name, data) == content_type
    assert content_type in ALLOWED_TYPES


def test_built_images_are_real_images():
    for data, kind in ((png(), "PNG"), (jpeg(), "JPEG"), (jpeg(progressive=True), "JPEG")):
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            assert image.format == kind


def test_allowed_types_and_extensions():
    assert ALLOWED_TYPES == {ev.PDF: ".pdf", ev.JPEG: ".jpg", ev.PNG: ".png", ev.DOCX: ".docx",
                             ev.XLSX: ".xlsx"}


# --- size ---------------------------------------------------------------------------------

def test_over_size_file_is_refused_with_the_limit():
    refusal = check_size("Ảnh lớn.jpg", 10 * MB + 1, 10 * MB, 0, 200 * MB)
    assert refusal.template == ev.TOO_LARGE
    assert dict(refusal.params) == {"name": "Ảnh lớn.jpg", "size": "10,1", "limit": "10"}
    assert "«Ảnh lớn.jpg»" in refusal.message


def test_full_quota_is_refused_with_what_is_left():
    refusal = check_size("Báo cáo.pdf", 3 * MB, 10 * MB, 198 * MB + MB // 2, 200 * MB)
    assert refusal.template == ev.QUOTA_FULL
    assert dict(refusal.params) == {"name": "Báo cáo.pdf", "size": "3", "left": "1,5", "quota": "200"}
    assert "«Báo cáo.pdf»" in refusal.message


def test_exhausted_quota_says_nothing_is_left():
    refusal = check_size("a.pdf", 1, 10 * MB, 201 * MB, 200 * MB)
    assert dict(refusal.params)["left"] == "0"


@pytest.mark.parametrize("size, used", [(10 * MB, 0), (1, 200 * MB - 1), (10 * MB, 190 * MB)])
def test_files_up_to_the_limits_fit(size, used):
    assert check_size("a.pdf", size, 10 * MB, used, 200 * MB) is None


@pytest.mark.parametrize("size, rounding, text", [
    (10 * MB, ev.ROUND_CEILING, "10"), (10 * MB + 1, ev.ROUND_CEILING, "10,1"),
    (1536 * 1024, ev.ROUND_FLOOR, "1,5"), (1024 * MB, ev.ROUND_FLOOR, "1.024"), (0, ev.ROUND_FLOOR, "0"),
    (1, ev.ROUND_CEILING, "0,1"),
])
def test_megabytes_in_vietnamese_format(size, rounding, text):
    assert format_mb(size, rounding) == text
