"""The demo's second campaign, "Chính quyền thân thiện", in its review window.

Seeded through the services, each write with ``now`` inside its window; each step is
skipped when its rows exist, so a second run adds nothing:
- the wards of clusters TX and DD take part, scored with the Đồng Nai criteria set;
- every ward but Kim Giang submitted its self-assessment, with evidence, before the deadline;
- peer reviewers: ``chamcheo`` (Khương Đình) and the officers of Thanh Xuân Trung, Nhân
  Chính, Láng Hạ, Ô Chợ Dừa and Trung Liệt; council member: ``hoidong``; ``auto_assign``
  gives each submission 2 peers of its cluster and the council member;
- reviews per ``PLAN``: submitted, drafts (groups I–III only) and untouched. Láng Hạ's two
  peers are far apart (flag ``disagreement``); Ô Chợ Dừa rated itself far above what its
  reviewers give (``self_inflation``);
- ``chamcheo``'s assignments, by unit name: the first submitted, the last untouched (left
  for the reader, and the browser test, to score), those between drafts.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import ROUND_FLOOR, Decimal

from ..domain.policy import ScoringPolicy
from ..models import Assignment, Campaign, Cluster, CriteriaSet, Submission, Unit, User
from . import accounts
from .assignments import auto_assign
from .campaigns import CampaignInput, create_campaign, to_local
from .demo_submissions import _officer, _pdf
from .evidence import store_evidence
from .reviews import ScoreEntry, review_of, save_review
from .submissions import Entry, criteria_of, open_collective, stored_scores, submit

SLUG = "chinh-quyen-than-thien-2026"
TITLE = "Thi đua xây dựng mô hình “Chính quyền thân thiện”, thực hiện tốt “nụ cười công sở” năm 2026"
DESCRIPTION = ("Các phường thuộc Cụm thi đua số 1 và số 2 xây dựng mô hình “Chính quyền thân thiện” theo bộ "
               "tiêu chí của tỉnh Đồng Nai (Kế hoạch ngày 25/8/2025): công khai, minh bạch thủ tục hành chính; "
               "công khai số điện thoại lãnh đạo và cán bộ, công chức; hòm thư góp ý; bộ phận một cửa không có "
               "sự ngăn cách giữa cán bộ và người dân; phong cách “trọng dân, gần dân, hiểu dân, học dân và có "
               "trách nhiệm với dân”.")
CLUSTERS = ("TX", "DD")
NOT_SUBMITTED = ("KGI",)
PEER_UNITS = ("KDI", "TXT", "NCH", "LHA", "OCD", "TLI")  # KDI's officer is the demo login chamcheo
# unit → (level of its self-assessment, level its reviewers find), as fractions of each maximum
LEVELS = {"TXB": ("0.92", "0.88"), "HDI": ("0.86", "0.83"), "TXT": ("0.9", "0.86"), "KDI": ("0.84", "0.82"),
          "NCH": ("0.94", "0.9"), "LHA": ("0.9", "0.84"), "TLI": ("0.8", "0.78"), "OCD": ("0.98", "0.72"),
          "VMI": ("0.88", "0.85")}
# unit → review states: its peers other than chamcheo (by login), then the council member
PLAN = {"TXB": ("submitted", "submitted", "submitted"), "HDI": ("draft", "submitted", "none"),
        "TXT": ("submitted", "submitted", "submitted"), "KDI": ("submitted", "submitted", "submitted"),
        "NCH": ("submitted", "submitted", "draft"), "LHA": ("submitted", "submitted", "submitted"),
        "OCD": ("submitted", "submitted", "submitted"), "TLI": ("submitted", "draft", "none"),
        "VMI": ("none", "none", "none")}
SPREAD = {"LHA": (Decimal("0.1"), Decimal("-0.14"))}  # bias of the 1st and 2nd peer: they disagree
SELF_PENALTIES = {"TLI": {"VI.1": Decimal(1)}}
FOUND_PENALTIES = {"OCD": {"VI.1": Decimal(2), "VI.2": Decimal(2)}, "TLI": {"VI.1": Decimal(1)}}
LEVELS_OF = {"I.1": (5, 3, 0), "II.3": (10, 5, 0), "V.3": (15, 12, 8, 0)}  # the guidance's only values
DRAFT_GROUPS = ("I", "II", "III")

EXPLAIN = {
    "I.1": "UBND phường ban hành Kế hoạch thực hiện mô hình “Chính quyền thân thiện” ngày 28/8/2025, "
           "phân công rõ người, rõ việc, rõ thời hạn.",
    "I.2": "Hội nghị quán triệt đến toàn thể cán bộ, công chức; tuyên truyền trên loa truyền thanh, "
           "trang thông tin điện tử và Zalo page của phường.",
    "II.1": "Niêm yết đầy đủ thủ tục hành chính tại Bộ phận một cửa, có mã QR tra cứu thành phần hồ sơ, phí, lệ phí.",
    "II.2": "Thủ tục hành chính được đăng và cập nhật trên trang thông tin điện tử và Fanpage của phường.",
    "II.3": "Công khai số điện thoại của Chủ tịch, các Phó Chủ tịch UBND và từng cán bộ, công chức tại trụ sở "
            "và trên trang thông tin điện tử.",
    "III.1": "Hòm thư góp ý đặt tại sảnh trụ sở, có khóa; mở hằng tháng với sự chứng kiến của Ủy ban MTTQ phường.",
    "III.2": "Công khai địa chỉ thư điện tử góp ý; Văn phòng UBND phường được phân công theo dõi hằng ngày.",
    "III.3": "100% ý kiến, kiến nghị được trả lời đúng hạn; đối thoại với nhân dân mỗi quý một lần.",
    "IV.1": "Camera giám sát bao quát các quầy tiếp nhận, lưu hình 30 ngày.",
    "IV.2": "Bố trí lại Bộ phận một cửa theo không gian mở, bỏ vách kính; người dân ngồi đối diện cán bộ.",
    "IV.3": "Khu vực chờ có ghế, nước uống, điều hòa, máy tính hỗ trợ nộp hồ sơ trực tuyến, lối đi cho người "
            "khuyết tật.",
    "V.1": "Cán bộ, công chức thực hiện “nụ cười công sở”: tiếp đón niềm nở, hướng dẫn tận tình.",
    "V.2": "Không có cán bộ, công chức vi phạm đạo đức công vụ, quy tắc ứng xử trong kỳ.",
    "V.3": "Khảo sát bằng mã QR tại quầy: tỉ lệ người dân, doanh nghiệp hài lòng theo báo cáo đính kèm.",
    "VI.1": "Không có hồ sơ trễ hạn.",
    "VI.2": "Không có phản ánh về thái độ, tác phong của cán bộ, công chức.",
    "VI.3": "Không có cán bộ, công chức bị kỷ luật.",
}
SELF_PENALTY_TEXT = "01 hồ sơ đăng ký hộ tịch trễ hạn 1 ngày chưa có văn bản xin lỗi; đã rút kinh nghiệm."
DEDUCTED = {
    "I.1": "Kế hoạch ban hành tháng 9/2025, sau thời hạn; theo hướng dẫn chỉ đạt 3 điểm.",
    "I.2": "Có biên bản quán triệt nhưng chưa có minh chứng tuyên truyền trên loa truyền thanh, Zalo page.",
    "II.1": "Còn niêm yết 2 thủ tục đã hết hiệu lực; chưa có mã QR tra cứu.",
    "II.2": "Trang thông tin điện tử chưa cập nhật các thủ tục mới ban hành.",
    "II.3": "Mới công khai số điện thoại của lãnh đạo; gọi kiểm tra 3 số thì 1 số không liên lạc được.",
    "III.1": "Hòm thư có khóa nhưng thiếu biên bản mở hòm thư định kỳ.",
    "III.2": "Chưa có văn bản phân công người theo dõi hòm thư điện tử.",
    "III.3": "Còn kiến nghị trả lời quá hạn; chưa tổ chức đối thoại định kỳ với nhân dân.",
    "IV.1": "Camera chưa bao quát hết các quầy tiếp nhận.",
    "IV.2": "Hai quầy tiếp nhận vẫn còn vách kính ngăn cách.",
    "IV.3": "Khu vực chờ thiếu ghế vào giờ cao điểm; chưa có lối đi cho người khuyết tật.",
    "V.1": "Trích xuất camera ngẫu nhiên: có trường hợp cán bộ chưa niềm nở khi hướng dẫn người dân.",
    "V.2": "Một công chức bị nhắc nhở về tác phong trong kỳ.",
    "V.3": "Báo cáo khảo sát chỉ có 120 phiếu, tỉ lệ hài lòng dưới 95%: chưa đạt mức 15 điểm theo hướng dẫn.",
    "VI.1": "Cổng dịch vụ công ghi nhận hồ sơ trễ hạn chưa có văn bản xin lỗi người dân.",
    "VI.2": "Có 01 phản ánh qua đường dây nóng về thái độ cán bộ Bộ phận một cửa, đã xác minh đúng.",
    "VI.3": "Có cán bộ bị xử lý kỷ luật trong kỳ.",
}
RAISED = "Minh chứng đầy đủ, đạt mức cao hơn điểm đơn vị tự chấm."
EVIDENCE_NAMES = {
    "I.1": "Kế hoạch thực hiện mô hình Chính quyền thân thiện", "I.2": "Biên bản hội nghị quán triệt",
    "II.1": "Ảnh niêm yết thủ tục hành chính", "II.2": "Thủ tục hành chính trên trang thông tin điện tử",
    "II.3": "Bảng công khai số điện thoại", "III.1": "Biên bản mở hòm thư góp ý",
    "III.2": "Phân công theo dõi hòm thư điện tử", "III.3": "Sổ theo dõi xử lý kiến nghị",
    "IV.1": "Ảnh camera giám sát Bộ phận một cửa", "IV.2": "Ảnh Bộ phận một cửa không gian mở",
    "V.3": "Báo cáo khảo sát sự hài lòng",
}
BASIS = ("Căn cứ Kế hoạch xây dựng và thực hiện mô hình “Chính quyền thân thiện”, thực hiện tốt “nụ cười "
         "công sở” năm 2026;")


def seed_review_campaign(now: dt.datetime, criteria_set: CriteriaSet, officers: dict[str, User],
                         users: dict[str, User]) -> Campaign:
    """Create (or complete) the campaign in its review window; ``users`` holds the demo logins."""
    units = {u.code: u for u in Unit.select().join(Cluster).where(Cluster.code.in_(CLUSTERS))}
    campaign = Campaign.get_or_none(Campaign.slug == SLUG) or _create(now, criteria_set, units)
    if not Submission.select().where(Submission.campaign == campaign).exists():
        _seed_self_assessments(campaign, units, officers)
    for code in PEER_UNITS:
        accounts.grant_role(None, officers.get(code) or _officer(units[code]), "peer", campaign=campaign)
    accounts.grant_role(None, users["hoidong"], "leader", campaign=campaign)
    if not Assignment.select().join(Submission).where(Submission.campaign == campaign).exists():
        auto_assign(users["thuky"], campaign)
        # The secretary assigned on the window's first morning (auto_assign stamps the real now).
        ids = [s.id for s in Submission.select(Submission.id).where(Submission.campaign == campaign)]
        Assignment.update(assigned_at=campaign.review_opens + dt.timedelta(minutes=30)).where(
            Assignment.submission.in_(ids)).execute()
        _seed_reviews(campaign, users["chamcheo"])
    return campaign


def _create(now: dt.datetime, criteria_set: CriteriaSet, units: dict[str, Unit]) -> Campaign:
    today = to_local(now, "Asia/Ho_Chi_Minh").replace(hour=0, minute=0, second=0, microsecond=0)
    day, opens, closes = dt.timedelta(days=1), dt.timedelta(hours=8), dt.timedelta(hours=17)
    return create_campaign(None, CampaignInput(
        slug=SLUG, title=TITLE, description=DESCRIPTION, collective_set_id=criteria_set.id, individual_set_id=None,
        windows={"submission_opens": today - 30 * day + opens, "submission_closes": today - 3 * day + closes,
                 "review_opens": today - 2 * day + opens, "review_closes": today + 12 * day + closes,
                 "council_opens": today + 13 * day + opens, "council_closes": today + 27 * day + closes},
        policy=ScoringPolicy(k_peer=2), unit_ids=sorted(u.id for u in units.values()),
        authority="Ủy ban nhân dân thành phố Hà Nội", issuer_title="CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
        signer_title="KT. CHỦ TỊCH – PHÓ CHỦ TỊCH", signer_name="Nguyễn Mạnh Quyền", place="Hà Nội"))


def _level_value(c, level: Decimal, salt: str) -> Decimal:
    """A plausible value at ``level`` of the maximum: one of the guidance's values where it lists
    them, else floored to the step with a deterministic jitter of one step either way."""
    if c.code in LEVELS_OF:
        return Decimal(min(LEVELS_OF[c.code], key=lambda v: (abs(v - c.max * level), -v)))
    jitter = hashlib.sha256(f"{salt}:{c.code}".encode()).digest()[0] % 3 - 1
    steps = ((c.max * level + jitter * c.step) / c.step).to_integral_value(rounding=ROUND_FLOOR)
    return min(c.max, max(Decimal(0), steps * c.step))


def _self_entries(cs, code: str) -> dict[str, Entry]:
    level, penalties = Decimal(LEVELS[code][0]), SELF_PENALTIES.get(code, {})
    entries = {}
    for c in cs.criteria:
        if c.kind.value == "penalty":
            value = penalties.get(c.code, Decimal(0))
            entries[c.code] = Entry(str(value), SELF_PENALTY_TEXT if value else EXPLAIN[c.code])
        else:
            entries[c.code] = Entry(str(_level_value(c, level, code)), EXPLAIN[c.code])
    return entries


def _seed_self_assessments(campaign: Campaign, units: dict[str, Unit], officers: dict[str, User]) -> None:
    document = _pdf("Tài liệu minh chứng – mô hình “Chính quyền thân thiện”", BASIS)
    submitting = sorted(code for code in units if code not in NOT_SUBMITTED)
    for i, code in enumerate(submitting):
        unit, actor = units[code], officers.get(code) or _officer(units[code])
        when = campaign.submission_opens + dt.timedelta(days=10 + 2 * i, hours=1 + i % 3)
        submission = open_collective(campaign, unit)
        cs, rows = criteria_of(submission)
        for c in cs.criteria:
            if c.evidence_required:
                store_evidence(actor, submission, rows[c.code], f"{EVIDENCE_NAMES[c.code]} – {unit.name}.pdf",
                               document)
        submit(actor, submission, _self_entries(cs, code), submission.version, now=when)


def _states(assignments: list[Assignment], chamcheo: User) -> dict[int, str]:
    """The state to leave each review in: "submitted", "draft" or "none" (untouched)."""
    states: dict[int, str] = {}
    mine = sorted((a for a in assignments if a.reviewer_id == chamcheo.id), key=lambda a: a.submission.unit.name)
    for i, a in enumerate(mine):
        states[a.id] = "none" if i == len(mine) - 1 else "submitted" if i == 0 else "draft"
    by_submission: dict[int, list[Assignment]] = {}
    for a in assignments:
        if a.reviewer_id != chamcheo.id:
            by_submission.setdefault(a.submission_id, []).append(a)
    for rows in by_submission.values():
        plan = PLAN[rows[0].submission.unit.code]
        peers = sorted((a for a in rows if a.role == "peer"), key=lambda a: a.reviewer.username)
        for i, a in enumerate(peers):
            states[a.id] = plan[i] if i < 2 else "none"
        for a in rows:
            if a.role == "leader":
                states[a.id] = plan[2]
    return states


def _review_entries(a: Assignment, cs, draft: bool) -> dict[str, ScoreEntry]:
    """What the reviewer of ``a`` gives: the unit's found level, the reviewer's bias, found penalties."""
    unit = a.submission.unit.code
    peers = sorted(p.reviewer.username for p in a.submission.assignments if p.role == "peer")
    bias = SPREAD[unit][peers.index(a.reviewer.username) % 2] if unit in SPREAD and a.role == "peer" else \
        Decimal(hashlib.sha256(a.reviewer.username.encode()).digest()[0] % 3 - 1) / 50
    level, found = Decimal(LEVELS[unit][1]) + bias, FOUND_PENALTIES.get(unit, {})
    own = {code: row.value for code, row in stored_scores(a.submission).items()}
    threshold = a.submission.campaign.policy.comment_pct / 100
    entries = {}
    for group in cs.groups:
        if draft and group.code not in DRAFT_GROUPS:
            continue
        for c in group.criteria:
            mine = own.get(c.code) or Decimal(0)
            if c.kind.value == "penalty":
                value = found.get(c.code, mine)
                comment = DEDUCTED[c.code] if value > mine else ""
            else:
                value = _level_value(c, level, f"{unit}:{a.reviewer.username}")
                comment = DEDUCTED[c.code] if value < mine else RAISED if value > mine else ""
            verdict = "" if not c.evidence_required else \
                "insufficient" if mine - value > c.max * threshold else "accepted"
            entries[c.code] = ScoreEntry(str(value), comment, verdict)
    return entries


def _seed_reviews(campaign: Campaign, chamcheo: User) -> None:
    assignments = list(Assignment.select().join(Submission).where(Submission.campaign == campaign)
                       .order_by(Assignment.id))
    states = _states(assignments, chamcheo)
    cs = None
    when = campaign.review_opens + dt.timedelta(minutes=30)
    for a in assignments:
        if states[a.id] == "none":
            continue
        cs = cs or criteria_of(a.submission)[0]
        when += dt.timedelta(minutes=25)
        draft = states[a.id] == "draft"
        save_review(a.reviewer, a, _review_entries(a, cs, draft), review_of(a).version, submit=not draft, now=when)
