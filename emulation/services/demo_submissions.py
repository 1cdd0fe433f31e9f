"""Demo self-assessments in every state, with real evidence PDFs, and nominations.

Seeded once per campaign (skipped when the campaign already has submissions):
- Thanh Xuân Bắc, Thanh Xuân Trung, Nhân Chính, Láng Hạ, Ô Chợ Dừa: submitted;
- Hạ Đình: submitted, then returned by the secretary with reasons;
- Khương Đình: a draft, first group filled;
- nominations: Lê Trà My (Thanh Xuân Bắc, submitted), Phạm Thị Thu Hà (draft).
"""
from __future__ import annotations

import hashlib
from decimal import Decimal

from ..models import Campaign, Person, Submission, Unit, User
from . import accounts
from .evidence import store_evidence
from .nominations import nominate
from .submissions import (Entry, criteria_of, open_collective, return_for_revision, save_draft, stored_scores,
                          submit)

EXPLANATIONS = {
    "score": "Đơn vị đã thực hiện đầy đủ; có văn bản và hình ảnh kèm theo.",
    "bonus": "Có mô hình «Nụ cười công sở» được quận ghi nhận.",
    "penalty": "Không có trường hợp vi phạm trong kỳ.",
}
SUBMITTED = ("TXB", "TXT", "NCH", "LHA", "OCD", "HDI")
STORY = ("Chủ động tổ chức 12 buổi tuyên truyền Quy tắc ứng xử cho đoàn viên; xây dựng mô hình «Thứ Bảy "
         "tình nguyện» hướng dẫn người cao tuổi làm thủ tục trực tuyến tại Bộ phận một cửa; được người dân "
         "gửi thư khen và được Quận đoàn Thanh Xuân tặng giấy khen năm 2025.")


_DOCUMENTS: dict[tuple[str, str], bytes] = {}
BASIS = ("Căn cứ Kế hoạch phát động phong trào thi đua thực hiện văn hóa công sở và nơi công cộng "
         "của Ủy ban nhân dân thành phố Hà Nội;")


def _pdf(title: str, basis: str = BASIS) -> bytes:
    """A real PDF for a demo evidence file, rendered once per title (the store keeps one copy)."""
    if (title, basis) not in _DOCUMENTS:
        _DOCUMENTS[(title, basis)] = _render(title, basis)
    return _DOCUMENTS[(title, basis)]


def _render(title: str, basis: str) -> bytes:
    from weasyprint import HTML  # imported here: only the demo renders documents this way
    html = ("<html><body style='font-family: Liberation Serif, serif; margin: 2cm'>"
            "<p style='text-align:center'><b>ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI</b></p>"
            f"<h2 style='text-align:center'>{title}</h2>"
            f"<p>{basis}</p><p>Tài liệu minh chứng dùng cho dữ liệu mẫu.</p>"
            "</body></html>")
    return HTML(string=html).write_pdf()


def _value(code: str, unit_code: str, c) -> Decimal:
    """A deterministic, plausible value: near the maximum, a few steps below, penalties 0."""
    if c.kind.value == "penalty":
        return Decimal(0)
    k = hashlib.sha256(f"{unit_code}:{code}".encode()).digest()[0] % 4
    return max(Decimal(0), c.max - k * c.step)


def _fill(actor: User, submission: Submission, unit_code: str, groups: int | None = None) -> Submission:
    cs, rows = criteria_of(submission)
    chosen = cs.groups if groups is None else cs.groups[:groups]
    entries = {c.code: Entry(str(_value(c.code, unit_code, c)), EXPLANATIONS[c.kind.value])
               for g in chosen for c in g.criteria}
    for g in chosen:
        for c in g.criteria:
            if c.evidence_required:
                store_evidence(actor, submission, rows[c.code], f"Minh chứng {c.code} – {submission.unit.name}.pdf",
                               _pdf(f"Tài liệu minh chứng – {cs.title}"))
    return save_draft(actor, submission, entries, submission.version)


def _officer(unit: Unit) -> User:
    user = User.get_or_none(User.username == f"cb.{unit.code.lower()}")
    if user is None:
        from .demo import DEMO_PASSWORD
        user = accounts.create_user(None, username=f"cb.{unit.code.lower()}",
                                    full_name=f"Cán bộ thi đua {unit.name}", password=DEMO_PASSWORD)
        accounts.grant_role(None, user, "officer", unit=unit)
    return user


def seed_submissions(campaign: Campaign, officers: dict[str, User], secretary: User) -> None:
    if Submission.select().where(Submission.campaign == campaign).exists():
        return
    units = {u.code: u for u in Unit.select()}
    for code in SUBMITTED:
        actor = officers.get(code) or _officer(units[code])
        _submit_saved(actor, _fill(actor, open_collective(campaign, units[code]), code))
    hdi = Submission.get(Submission.campaign == campaign, Submission.subject_key == f"unit:{units['HDI'].id}")
    _cs, rows = criteria_of(hdi)
    first, second = list(rows.values())[:2]
    return_for_revision(secretary, hdi, {
        first.id: "Kế hoạch triển khai chưa có chữ ký, đóng dấu; đề nghị bổ sung bản scan có dấu.",
        second.id: "Ảnh chụp bảng niêm yết Quy tắc ứng xử bị mờ, không đọc được nội dung."}, hdi.version)
    kdi = units["KDI"]
    _fill(officers.get("KDI") or _officer(kdi), open_collective(campaign, kdi), "KDI", groups=1)
    txb_officer = officers.get("TXB") or _officer(units["TXB"])
    my = Person.get(Person.staff_code == "TXB-001")
    n = nominate(txb_officer, campaign, units["TXB"], my, my.position, STORY)
    _submit_saved(txb_officer, _fill(txb_officer, n.submission, "TXB-001"))
    ha = Person.get(Person.staff_code == "TXB-003")
    n2 = nominate(txb_officer, campaign, units["TXB"], ha, ha.position,
                  "Luôn niềm nở, tận tình hướng dẫn người dân tại Bộ phận một cửa; không để hồ sơ trễ hẹn.")
    _fill(txb_officer, n2.submission, "TXB-003", groups=2)


def _submit_saved(actor: User, submission: Submission) -> Submission:
    """Submit what is stored (the form's values are already saved)."""
    entries = {code: Entry(str(r.value), r.explanation) for code, r in stored_scores(submission).items()
               if r.value is not None}
    return submit(actor, submission, entries, submission.version)
