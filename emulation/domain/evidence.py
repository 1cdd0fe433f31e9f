"""Evidence files (minh chứng): which uploads are accepted, decided by content.

Rules:

- The name a user gave is kept for display only (files are stored under their
  SHA-256). It is NFC-normalised and stripped of surrounding spaces; it is refused
  when it holds control or invisible characters (NUL, newline, U+202E…), a path
  (``/``, ``\\``, ``.``/``..``), nothing but spaces, or more than 200 characters.
- The type is decided by the bytes, never by the extension: PDF, JPEG, PNG, DOCX
  and XLSX only (``ALLOWED_TYPES``). A PNG named ``x.pdf`` is a PNG.
- A PDF, JPEG or PNG must be well-formed and hide nothing: no HTML or script
  markers and no ZIP end record inside (a polyglot), nothing but zero padding
  after a JPEG's end marker, nothing after a PNG's IEND chunk.
- A DOCX/XLSX is a ZIP that opens and passes its checksums, holds
  ``[Content_Types].xml`` and ``word/document.xml`` or ``xl/workbook.xml``, has
  no macros, and does not expand to more than 200 MB in total nor any member of
  over 1 MB to more than 100× its compressed size (a zip bomb).
- Every other ZIP, and RAR, 7z, gzip, bzip2, xz, zstd, tar, cab, is an archive;
  programs and scripts (MZ, ELF, Mach-O, ``#!``) are refused; so is anything
  that looks like a web page, SVG, XML or script; the rest is "type not allowed".
- Size: a file may not exceed the campaign's per-file limit, and a unit's files
  in a campaign may not exceed its quota (``check_size``).

Every refusal is a :class:`Refusal` naming the file and saying what to do instead.
"""
from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Final

from .messages import N_, Templated

PDF: Final = "application/pdf"
JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED_TYPES: Final[dict[str, str]] = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", XLSX: ".xlsx"}

MB: Final = 1024 * 1024
MAX_NAME_LENGTH: Final = 200
MAX_UNZIPPED: Final = 200 * MB
MAX_RATIO: Final = 100
RATIO_FROM: Final = MB  # small members compress very well and harm no one

NAME_EMPTY: Final = N_("Tệp không có tên; hãy đặt tên cho tệp rồi tải lên lại.")
NAME_CONTROL: Final = N_("Tên tệp «{name}» chứa ký tự điều khiển hoặc ký tự ẩn; "
                         "hãy đổi tên tệp (chữ, số, dấu cách, dấu chấm, gạch ngang) rồi tải lên lại.")
NAME_PATH: Final = N_("Tên tệp «{name}» chứa đường dẫn thư mục (/, \\ hoặc ..); "
                      "hãy đổi thành tên tệp thường rồi tải lên lại.")
NAME_TOO_LONG: Final = N_("Tên tệp «{name}» dài {length} ký tự, quá {max} ký tự cho phép; "
                          "hãy đặt tên ngắn hơn rồi tải lên lại.")
EMPTY: Final = N_("Tệp «{name}» rỗng (0 byte); hãy chọn đúng tệp minh chứng rồi tải lên lại.")
ARCHIVE: Final = N_("Tệp «{name}» là tệp nén (zip/rar/7z); "
                    "hãy giải nén và tải lên từng tệp PDF, ảnh, Word hoặc Excel.")
EXECUTABLE: Final = N_("Tệp «{name}» là chương trình hoặc mã lệnh (script), không được tải lên; "
                       "hãy nộp minh chứng dạng PDF, ảnh JPEG/PNG, Word hoặc Excel.")
WEB: Final = N_("Tệp «{name}» là trang web, ảnh SVG hoặc mã lệnh (HTML/XML/JavaScript), không được tải lên; "
                "hãy in trang ra PDF hoặc chụp màn hình thành ảnh PNG/JPEG.")
POLYGLOT: Final = N_("Tệp «{name}» là tệp {format} nhưng có nội dung khác giấu bên trong, không được tải lên; "
                     "hãy mở tệp và lưu hoặc xuất lại thành {format} mới rồi tải lên.")
DAMAGED: Final = N_("Tệp «{name}» bị hỏng hoặc không trọn vẹn (không đọc được dạng {format}); "
                    "hãy mở thử trên máy, lưu lại rồi tải lên lại.")
MACRO: Final = N_("Tệp «{name}» có chứa macro (VBA), không được tải lên; "
                  "hãy lưu lại thành .docx hoặc .xlsx thường (không macro) hoặc xuất ra PDF.")
BOMB: Final = N_("Tệp «{name}» khi giải nén quá lớn so với kích thước tệp (nghi là «bom nén»); "
                 "hãy lưu lại tệp Word/Excel bình thường hoặc xuất ra PDF.")
LEGACY_OFFICE: Final = N_("Tệp «{name}» là định dạng Office cũ (.doc, .xls) hoặc có đặt mật khẩu; "
                          "hãy bỏ mật khẩu và lưu lại thành .docx hoặc .xlsx, hoặc xuất ra PDF.")
NOT_ALLOWED: Final = N_("Tệp «{name}» không thuộc loại được nhận; hãy chuyển sang PDF, ảnh JPEG, PNG, "
                        "Word (.docx) hoặc Excel (.xlsx) rồi tải lên.")
TOO_LARGE: Final = N_("Tệp «{name}» nặng {size} MB, vượt giới hạn {limit} MB mỗi tệp; "
                      "hãy giảm dung lượng (nén PDF, chụp ảnh độ phân giải thấp hơn) hoặc tách thành nhiều tệp.")
QUOTA_FULL: Final = N_("Không đủ dung lượng cho tệp «{name}» ({size} MB): đơn vị chỉ còn {left} MB "
                       "trong hạn mức {quota} MB của phong trào; hãy xóa bớt minh chứng không cần thiết "
                       "hoặc liên hệ thư ký hội đồng.")


@dataclass(frozen=True)
class Refusal(Templated):
    """Why a file is refused: a template from this module and its parameters."""

    template: str
    params: tuple[tuple[str, str], ...] = ()


def _shown(name: str, limit: int = 80) -> str:
    """The name as it may appear in a message: invisible characters made visible, shortened."""
    text = "".join("\N{REPLACEMENT CHARACTER}" if _invisible(c) else c for c in name)
    return text if len(text) <= limit else text[:limit] + "…"


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def _refuse(template: str, name: str, **params: str) -> Refusal:
    return Refusal(template, (("name", _shown(name)), *sorted(params.items())))


def clean_filename(name: str) -> str | Refusal:
    """The display name to keep (NFC, stripped), or why the name is refused (module rules)."""
    name = unicodedata.normalize("NFC", name)
    if any(_invisible(c) for c in name):
        return _refuse(NAME_CONTROL, name)
    name = name.strip()
    if not name:
        return Refusal(NAME_EMPTY)
    if "/" in name or "\\" in name or name in (".", ".."):
        return _refuse(NAME_PATH, name)
    if len(name) > MAX_NAME_LENGTH:
        return _refuse(NAME_TOO_LONG, name, length=str(len(name)), max=str(MAX_NAME_LENGTH))
    return name


# --- content ------------------------------------------------------------------------------

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
ARCHIVE_MAGIC: Final = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00",
                        b"\x28\xb5\x2f\xfd", b"MSCF", b"PK\x05\x06", b"PK\x07\x08")
EXECUTABLE_MAGIC: Final = (b"MZ", b"\x7fELF", b"#!", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                           b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"\x00asm")
OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WEB_MARKERS: Final = re.compile(rb"<script|<html|<!doctype\s+html", re.IGNORECASE)
_EOCD: Final = re.compile(rb"PK\x05\x06")


def _zip_end_inside(data: bytes) -> bool:
    """A plausible ZIP end-of-central-directory record (what zip tools look for) anywhere.

    The 4-byte signature alone could occur by chance in compressed image data; a
    real record also has disk numbers 0, equal entry counts and a directory that
    ends before it.
    """
    for match in _EOCD.finditer(data):
        record = data[match.start():match.start() + 22]
        if len(record) < 22:
            continue
        disk, cd_disk, here, total, cd_size, cd_offset = struct.unpack("<HHHHII", record[4:20])
        if disk == cd_disk == 0 and here == total and cd_offset + cd_size <= match.start():
            return True
    return False


def _hidden(data: bytes) -> bool:
    return bool(WEB_MARKERS.search(data)) or _zip_end_inside(data)


def _jpeg_end(data: bytes) -> int | None:
    """Offset just past the EOI marker, walking the segments; None when truncated or malformed."""
    pos, size = 2, len(data)
    while pos + 1 < size:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:                   # fill byte
            pos += 1
        elif marker == 0xD9:
            return pos + 2
        elif marker == 0x01 or 0xD0 <= marker <= 0xD7:
            pos += 2
        else:
            if pos + 4 > size:
                return None
            length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
            if length < 2 or pos + 2 + length > size:
                return None
            pos += 2 + length
            if marker == 0xDA:               # entropy-coded data up to the next real marker
                while True:
                    pos = data.find(b"\xff", pos)
                    if pos < 0 or pos + 1 >= size:
                        return None
                    following = data[pos + 1]
                    if following == 0 or 0xD0 <= following <= 0xD7:
                        pos += 2
                    else:
                        break
    return None


def _png_end(data: bytes) -> int | None:
    """Offset just past the IEND chunk (IHDR first, CRCs right); None when malformed."""
    pos, first = len(PNG_SIGNATURE), True
    while pos + 12 <= len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(data) or not kind.isalpha() or (first and (kind != b"IHDR" or length != 13)):
            return None
        crc = struct.unpack(">I", data[end - 4:end])[0]
        if zlib.crc32(data[pos + 4:end - 4]) != crc:
            return None
        if kind == b"IEND":
            return end
        pos, first = end, False
    return None


def _image_or_pdf(name: str, data: bytes, kind: str, label: str) -> str | Refusal:
    if _hidden(data):
        return _refuse(POLYGLOT, name, format=label)
    if kind == PDF:
        return PDF
    end = _jpeg_end(data) if kind == JPEG else _png_end(data)
    if end is None:
        return _refuse(DAMAGED, name, format=label)
    trailing = data[end:]
    if trailing and (kind == PNG or trailing.strip(b"\x00")):
        return _refuse(POLYGLOT, name, format=label)
    return kind


def _ooxml(name: str, data: bytes) -> str | Refusal:
    """DOCX or XLSX by the parts inside; other ZIPs are archives (module rules)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if (sum(m.file_size for m in members) > MAX_UNZIPPED
                    or any(m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1)
                           for m in members)):
                return _refuse(BOMB, name)
            if archive.testzip() is not None:
                return _refuse(DAMAGED, name, format="ZIP")
            names = {m.filename.lower() for m in members}
            types = archive.read("[Content_Types].xml") if "[content_types].xml" in names else b""
    except Exception:  # an untrusted archive that zipfile cannot read, however it fails, is damaged
        return _refuse(DAMAGED, name, format="ZIP")
    if not types:
        return _refuse(ARCHIVE, name)
    if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in names) or b"macroenabled" in types.lower():
        return _refuse(MACRO, name)
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return _refuse(NOT_ALLOWED, name)         # another Office document (pptx…)


def _looks_like_web(data: bytes) -> bool:
    """Text that starts (after a BOM and spaces) with ``<``, or holds a script tag."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<") or bool(WEB_MARKERS.search(data)) or bool(WEB_MARKERS.search(head))


def sniff(name: str, data: bytes) -> str | Refusal:
    """The content type decided by the bytes, or why the file is refused (module rules)."""
    if not data:
        return _refuse(EMPTY, name)
    if data.startswith(b"%PDF-"):
        return _image_or_pdf(name, data, PDF, "PDF")
    if data.startswith(b"\xff\xd8\xff"):
        return _image_or_pdf(name, data, JPEG, "JPEG")
    if data.startswith(PNG_SIGNATURE):
        return _image_or_pdf(name, data, PNG, "PNG")
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(name, data)
    if data.startswith(ARCHIVE_MAGIC) or data[257:262] == b"ustar":
        return _refuse(ARCHIVE, name)
    if data.startswith(EXECUTABLE_MAGIC):
        return _refuse(EXECUTABLE, name)
    if data.startswith(OLE2_MAGIC):
        return _refuse(LEGACY_OFFICE, name)
    if _looks_like_web(data):
        return _refuse(WEB, name)
    return _refuse(NOT_ALLOWED, name)


# --- size ---------------------------------------------------------------------------------

def format_mb(size: int, rounding: str = ROUND_CEILING) -> str:
    """Bytes as MB the Vietnamese way, one decimal at most: 10485761 → "10,1", 1 GiB → "1.024"."""
    value = (Decimal(size) / MB).quantize(Decimal("0.1"), rounding=rounding)
    text = f"{value:,.1f}".removesuffix(".0")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def check_size(name: str, size: int, max_file_bytes: int, used_bytes: int,
               quota_bytes: int) -> Refusal | None:
    """None if a file of ``size`` bytes fits, else why not.

    Too large: ``size > max_file_bytes`` (the limit is said in MB). Quota full:
    ``used_bytes + size > quota_bytes`` (what is left is said, rounded down).
    """
    if size > max_file_bytes:
        return _refuse(TOO_LARGE, name, size=format_mb(size), limit=format_mb(max_file_bytes))
    if used_bytes + size > quota_bytes:
        left = max(quota_bytes - used_bytes, 0)
        return _refuse(QUOTA_FULL, name, size=format_mb(size), left=format_mb(left, ROUND_FLOOR),
                       quota=format_mb(quota_bytes, ROUND_FLOOR))
    return None
