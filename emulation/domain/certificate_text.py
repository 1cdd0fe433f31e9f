"""The wording of a certificate (DESIGN §6) and of the dates official documents print.

Rules stated here:
- The heading is "TẶNG BẰNG KHEN" for the ``bang-khen`` form and "TẶNG GIẤY KHEN" for
  ``giay-khen``; the issuer title is printed in capitals as configured on the campaign.
- A person is addressed "Ông"/"Bà" + full name, with their position and unit below; a
  collective by its name alone.
- The achievement reads "Đã có thành tích xuất sắc trong phong trào thi đua “…”" with the
  campaign title (without adding quotes it already has).
- Place and date as administrative documents write them (Nghị định 30/2020/NĐ-CP): days
  below 10 and the months 1 and 2 take a leading zero — "Hà Nội, ngày 05 tháng 3 năm 2025",
  "ngày 15 tháng 02 năm 2026", "ngày 20 tháng 12 năm 2025".
- The decision line: "Quyết định số 2468/QĐ-UBND ngày 05/12/2025"; the golden book line:
  "Sổ vàng số 125".
- A signer title is printed one authority per line, split at a spaced dash or a slash:
  "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH" → "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH".
- A decision's header names its authority in capitals on two lines when it is a People's
  Committee or Council: "ỦY BAN NHÂN DÂN" / "THÀNH PHỐ HÀ NỘI"; counts below 10 in a
  decision take a leading zero ("02 tập thể và 01 cá nhân").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

FORMS = ("bang-khen", "giay-khen")
HEADINGS = {"bang-khen": "TẶNG BẰNG KHEN", "giay-khen": "TẶNG GIẤY KHEN"}


@dataclass(frozen=True)
class CertificateText:
    """Everything printed on one certificate, as plain text (the template escapes it)."""
    form: str
    number: int
    issuer_title: str
    heading: str
    award_title: str
    recipient: str
    recipient_detail: str
    achievement: str
    place_date: str
    signer_title: str
    signer_name: str
    decision_line: str
    golden_book: str
    verify_code: str
    verify_url: str


def long_date(place: str, day: dt.date) -> str:
    """"Hà Nội, ngày 05 tháng 3 năm 2025" (no place: "Ngày 05 tháng 3 năm 2025"); module rule."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def short_date(day: dt.date) -> str:
    """05/12/2025."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def decision_line(number: str, signed_on: dt.date | None) -> str:
    """"Quyết định số 2468/QĐ-UBND ngày 05/12/2025"."""
    return f"Quyết định số {number}" + (f" ngày {short_date(signed_on)}" if signed_on else "")


def achievement_line(campaign_title: str) -> str:
    """"Đã có thành tích xuất sắc trong phong trào thi đua “<title>”" (the title's own quotes kept)."""
    return f"Đã có thành tích xuất sắc trong phong trào thi đua {quoted(campaign_title)}"


def quoted(title: str) -> str:
    """The title between “ ”, unless it already opens with a quote."""
    title = title.strip()
    return title if title[:1] in "“\"«" else f"“{title}”"


SIGNER_BREAK = re.compile(r"\s+[–—-]\s+|\s*/\s*")
COUNCILS = ("ủy ban nhân dân", "uỷ ban nhân dân", "hội đồng nhân dân")


def signer_lines(title: str) -> tuple[str, ...]:
    """"KT. CHỦ TỊCH – PHÓ CHỦ TỊCH" → ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") (module rule)."""
    return tuple(part for part in (p.strip() for p in SIGNER_BREAK.split(title)) if part)


def authority_lines(authority: str) -> tuple[str, ...]:
    """"Ủy ban nhân dân thành phố Hà Nội" → ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI") (module rule)."""
    text = " ".join(authority.split())
    for council in COUNCILS:
        if text.casefold().startswith(council + " "):
            return (text[:len(council)].upper(), text[len(council) + 1:].upper())
    return (text.upper(),)


def count(number: int) -> str:
    """A count as decisions write it: "02", "12"."""
    return f"{number:02d}"


def recipient_line(honorific: str, name: str) -> str:
    """"Bà Lê Trà My" for a person (honorific may be empty), the name alone for a collective."""
    return f"{honorific} {name}".strip()


def heading(form: str) -> str:
    if form not in HEADINGS:
        raise ValueError(f"unknown certificate form {form!r}")
    return HEADINGS[form]
