"""The decision document (Quyết định khen thưởng) as PDF, with its annex listing the awards.

Rules:
- Layout of administrative documents (Nghị định 30/2020/NĐ-CP): the design folder
  ``certificates/quyet-dinh/`` (A4 portrait), rendered by :class:`DocumentRenderer` with the
  same confinement as the certificates (own Jinja environment, autoescape, folder fetcher,
  bundled fonts).
- The list is the decision's: its frozen ``DecisionAward`` rows once approved, the council's
  live list while a draft (``services.decisions.lines_of``); a draft is marked "DỰ THẢO".
- Wording: the header names the authority in capitals ("ỦY BAN NHÂN DÂN" / "THÀNH PHỐ HÀ
  NỘI"), then "Số: <number>" and "<place>, ngày … tháng … năm …" (blanks when not signed yet);
  the subject "Về việc khen thưởng tập thể, cá nhân có thành tích xuất sắc trong phong trào
  thi đua “<campaign>”"; the legal bases one per line of ``decision.basis``; Điều 1 gives
  each award title, in list order, with its counts ("Tặng Bằng khen … cho 02 tập thể và
  01 cá nhân"), Điều 2 the effect and the rewards, Điều 3 who executes it.
- The annex: "PHỤ LỤC" / "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG", then a table of
  collectives (STT, name, award title) and one of individuals (STT, name, position and
  unit, award title), each in list order.
- The context holds plain values only (no model objects reach the template).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..domain import certificate_text as wording
from ..models import Campaign, Decision
from .decisions import Line, lines_of

DESIGN = "quyet-dinh"
RECIPIENTS = ("- Như Điều 3;", "- Hội đồng Thi đua – Khen thưởng;", "- Lưu: VT.")


@dataclass(frozen=True)
class Section:
    """One table of the annex (``kind``: collective or individual, for the column widths)."""
    kind: str
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class DecisionDocument:
    """Everything the decision template prints, as text."""
    draft: bool
    authority_lines: tuple[str, ...]
    number: str
    place_date: str
    subject: str
    issuer_title: str
    basis: tuple[str, ...]
    articles: tuple[str, ...]
    recipients: tuple[str, ...]
    signer_lines: tuple[str, ...]
    signer_name: str
    annex_title: str
    annex_note: str
    sections: tuple[Section, ...]


def counts(lines: Sequence[Line]) -> str:
    """"02 tập thể và 01 cá nhân" (a part left out when it is zero)."""
    collectives = sum(1 for x in lines if x.target == "collective")
    individuals = len(lines) - collectives
    parts = [f"{wording.count(n)} {label}" for n, label in ((collectives, "tập thể"), (individuals, "cá nhân")) if n]
    return " và ".join(parts)


def article_one(lines: Sequence[Line], campaign_title: str) -> str:
    """Each award title with its counts, in list order, then the achievement."""
    titles: dict[str, list[Line]] = {}
    for line in lines:
        titles.setdefault(line.title, []).append(line)
    given = "; ".join(f"{title} cho {counts(group)}" for title, group in titles.items()) or "…"
    return (f"Tặng {given} (có danh sách kèm theo), đã có thành tích xuất sắc trong phong trào thi đua "
            f"{wording.quoted(campaign_title)}.")


def articles(lines: Sequence[Line], campaign: Campaign, authority: str) -> tuple[str, ...]:
    return (article_one(lines, campaign.title),
            "Quyết định này có hiệu lực kể từ ngày ký. Tiền thưởng kèm theo hình thức khen thưởng thực hiện "
            "theo quy định của pháp luật về thi đua, khen thưởng.",
            f"Chánh Văn phòng {authority}, Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, "
            "cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")


def sections(lines: Sequence[Line]) -> tuple[Section, ...]:
    collectives = tuple((x.recipient_name, x.title) for x in lines if x.target == "collective")
    individuals = tuple((x.recipient_name, x.recipient_detail or x.unit_name, x.title)
                        for x in lines if x.target != "collective")
    found = []
    if collectives:
        found.append(Section("collective", f"I. TẬP THỂ ({wording.count(len(collectives))})",
                             ("Tên tập thể", "Hình thức khen thưởng"), collectives))
    if individuals:
        number = "II" if collectives else "I"
        found.append(Section("individual", f"{number}. CÁ NHÂN ({wording.count(len(individuals))})",
                             ("Họ và tên", "Chức vụ, đơn vị", "Hình thức khen thưởng"), individuals))
    return tuple(found)


def place_date(place: str, decision: Decision) -> str:
    """"Hà Nội, ngày 05 tháng 12 năm 2025"; blanks to fill by hand while the date is not set."""
    if decision.signed_on:
        return wording.long_date(place, decision.signed_on)
    blank = "\u00a0" * 6
    year = decision.created_at.year if decision.created_at else ""
    text = f"ngày {blank} tháng {blank} năm {year}".rstrip()
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def document(decision: Decision) -> DecisionDocument:
    """Load the decision, its campaign and its list into the plain context the template prints."""
    campaign: Campaign = decision.campaign
    lines = lines_of(decision)
    authority = " ".join(decision.authority.split())
    day = decision.signed_on
    issued = f"Quyết định số {decision.number}" + (f" ngày {wording.short_date(day)}" if day else "")
    issuer = " ".join(campaign.issuer_title.split())
    by = f"Chủ tịch {authority}" if issuer.upper() == f"CHỦ TỊCH {authority.upper()}" else authority
    return DecisionDocument(
        draft=decision.state == "draft", authority_lines=wording.authority_lines(authority),
        number=decision.number, place_date=place_date(campaign.place or "", decision),
        subject=("Về việc khen thưởng tập thể, cá nhân có thành tích xuất sắc trong phong trào thi đua "
                 + wording.quoted(campaign.title)),
        issuer_title=issuer.upper(),
        basis=tuple(line.strip() for line in decision.basis.splitlines() if line.strip()),
        articles=articles(lines, campaign, authority),
        recipients=RECIPIENTS, signer_lines=wording.signer_lines(decision.signer_title.upper()),
        signer_name=decision.signer_name, annex_title="DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG",
        annex_note=f"(Kèm theo {issued} của {by})",
        sections=sections(lines))


def render_decision(decision: Decision) -> bytes:
    """The decision and its annex as PDF bytes."""
    from .certificate_render import document_renderer     # loads WeasyPrint: only when a PDF is made
    return document_renderer(DESIGN).pdf(d=document(decision))
