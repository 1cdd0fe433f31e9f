"""The demo: clusters, units, staff, one login per role and three campaigns.

- the Hà Nội office-culture campaign, open for self-assessments (``demo_submissions``);
- the "Chính quyền thân thiện" campaign, in its review window: reviewers and the
  secretary have work to see (``demo_reviews``);
- last year's office-culture campaign, scored, its tie resolved by the council, published,
  objected to and answered, and decided by Decision 2468/QĐ-UBND (``demo_council``).

Idempotent: every row is looked up by its code first, so running it again adds nothing.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..config import PROJECT_ROOT
from ..domain.policy import ScoringPolicy
from ..models import Campaign, Cluster, CriteriaSet, Person, Unit, User
from . import accounts
from .campaigns import CampaignInput, create_campaign, to_local
from .criteria import import_criteria

DEMO_PASSWORD = "ThiDua@2026"
CAMPAIGN_SLUG = "van-hoa-cong-so-2026"
CAMPAIGN_TITLE = ("Cán bộ, công chức, viên chức, người lao động thi đua thực hiện "
                  "văn hóa công sở và nơi công cộng")
CRITERIA_FILES = ("hn-van-hoa-cong-so-v1.toml", "nu-cuoi-cong-so-v1.toml",
                  "dong-nai-chinh-quyen-than-thien-2025-v1.toml")

CLUSTERS = (
    ("TX", "Cụm thi đua số 1 – Các phường quận Thanh Xuân"),
    ("DD", "Cụm thi đua số 2 – Các phường quận Đống Đa"),
    ("SO", "Khối thi đua các sở, ban, ngành"),
)
UNITS = (
    ("TXB", "Phường Thanh Xuân Bắc", "phường", "Quận Thanh Xuân", "TX"),
    ("HDI", "Phường Hạ Đình", "phường", "Quận Thanh Xuân", "TX"),
    ("TXT", "Phường Thanh Xuân Trung", "phường", "Quận Thanh Xuân", "TX"),
    ("KDI", "Phường Khương Đình", "phường", "Quận Thanh Xuân", "TX"),
    ("NCH", "Phường Nhân Chính", "phường", "Quận Thanh Xuân", "TX"),
    ("KGI", "Phường Kim Giang", "phường", "Quận Thanh Xuân", "TX"),
    ("LHA", "Phường Láng Hạ", "phường", "Quận Đống Đa", "DD"),
    ("TLI", "Phường Trung Liệt", "phường", "Quận Đống Đa", "DD"),
    ("OCD", "Phường Ô Chợ Dừa", "phường", "Quận Đống Đa", "DD"),
    ("VMI", "Phường Văn Miếu", "phường", "Quận Đống Đa", "DD"),
    ("SNV", "Sở Nội vụ", "sở", "", "SO"),
    ("STP", "Sở Tư pháp", "sở", "", "SO"),
    ("SVH", "Sở Văn hóa và Thể thao", "sở", "", "SO"),
)
PEOPLE = (
    ("TXB-001", "Lê Trà My", "F", "Bí thư Đoàn thanh niên phường Thanh Xuân Bắc", "TXB"),
    ("TXB-002", "Nguyễn Văn Hùng", "M", "Chủ tịch UBND phường Thanh Xuân Bắc", "TXB"),
    ("TXB-003", "Phạm Thị Thu Hà", "F", "Công chức Bộ phận tiếp nhận và trả kết quả", "TXB"),
    ("HDI-001", "Trần Minh Đức", "M", "Phó Chủ tịch UBND phường Hạ Đình", "HDI"),
    ("HDI-002", "Đỗ Thị Lan", "F", "Công chức Văn hóa – Xã hội", "HDI"),
    ("TXT-001", "Vũ Quang Huy", "M", "Công chức Tư pháp – Hộ tịch", "TXT"),
    ("KDI-001", "Hoàng Thị Mai", "F", "Công chức Văn phòng – Thống kê", "KDI"),
    ("NCH-001", "Bùi Đức Anh", "M", "Bí thư Đoàn thanh niên phường Nhân Chính", "NCH"),
    ("KGI-001", "Ngô Thị Hạnh", "F", "Công chức Địa chính – Xây dựng", "KGI"),
    ("LHA-001", "Đặng Văn Nam", "M", "Công chức Bộ phận một cửa", "LHA"),
    ("TLI-001", "Lý Thị Hoa", "F", "Công chức Văn phòng – Thống kê", "TLI"),
    ("OCD-001", "Phan Thanh Tùng", "M", "Công chức Tư pháp – Hộ tịch", "OCD"),
    ("VMI-001", "Trịnh Thu Trang", "F", "Bí thư Đoàn thanh niên phường Văn Miếu", "VMI"),
    ("SNV-001", "Cao Văn Thắng", "M", "Trưởng phòng Công tác thanh niên", "SNV"),
    ("STP-001", "Mai Thị Ngọc", "F", "Chuyên viên Phòng Hành chính tư pháp", "STP"),
    ("SVH-001", "Dương Minh Khoa", "M", "Chuyên viên Phòng Nếp sống văn hóa", "SVH"),
)
# (username, full name, role, unit code or None, label for the printed list)
LOGINS = (
    ("btdkt", "Nguyễn Thị Thanh Hương", "committee", None, "Ban Thi đua – Khen thưởng"),
    ("thuky", "Trần Văn Bình", "secretary", None, "Thư ký Hội đồng TĐKT"),
    ("txbac", "Phạm Thị Thu Hà", "officer", "TXB", "Cán bộ thi đua – P. Thanh Xuân Bắc"),
    ("hadinh", "Đỗ Thị Lan", "officer", "HDI", "Cán bộ thi đua – P. Hạ Đình"),
    ("chamcheo", "Hoàng Thị Mai", "peer", "KDI", "Người chấm chéo (P. Khương Đình)"),
    ("hoidong", "Lê Quang Minh", "leader", None, "Thành viên Hội đồng TĐKT"),
)


def _seed_org() -> dict[str, Unit]:
    clusters = {}
    for code, name in CLUSTERS:
        clusters[code], _ = Cluster.get_or_create(code=code, defaults={"name": name})
    units = {}
    for code, name, kind, district, cluster in UNITS:
        units[code], _ = Unit.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "district": district, "cluster": clusters[cluster]})
    for staff_code, full_name, gender, position, unit in PEOPLE:
        Person.get_or_create(staff_code=staff_code, defaults={
            "full_name": full_name, "gender": gender, "position": position, "unit": units[unit]})
    return units


def _import_sets() -> dict[str, CriteriaSet]:
    sets = {}
    for name in CRITERIA_FILES:
        path = PROJECT_ROOT / "criteria" / name
        outcome = import_criteria(None, Path(path).read_text(encoding="utf-8"), name)
        sets[name] = outcome.criteria_set
    return sets


def _seed_campaign(now: dt.datetime, sets: dict[str, CriteriaSet]) -> Campaign:
    campaign = Campaign.get_or_none(Campaign.slug == CAMPAIGN_SLUG)
    if campaign is not None:
        return campaign
    today = to_local(now, "Asia/Ho_Chi_Minh").replace(hour=0, minute=0, second=0, microsecond=0)
    day, opens, closes = dt.timedelta(days=1), dt.timedelta(hours=8), dt.timedelta(hours=17)
    return create_campaign(None, CampaignInput(
        slug=CAMPAIGN_SLUG, title=CAMPAIGN_TITLE,
        description=("Phát động theo Kế hoạch của UBND Thành phố Hà Nội: xây dựng ý thức tôn trọng nhân dân, "
                     "tác phong chuyên nghiệp, công sở xanh – sạch – đẹp; thực hiện «3 không, 3 phải» "
                     "trong giao tiếp, giải quyết thủ tục hành chính cho người dân và doanh nghiệp."),
        collective_set_id=sets[CRITERIA_FILES[0]].id, individual_set_id=sets[CRITERIA_FILES[1]].id,
        windows={"submission_opens": today - 7 * day + opens, "submission_closes": today + 14 * day + closes,
                 "review_opens": today + 15 * day + opens, "review_closes": today + 30 * day + closes,
                 "council_opens": today + 31 * day + opens, "council_closes": today + 45 * day + closes},
        policy=ScoringPolicy(),
        authority="Ủy ban nhân dân thành phố Hà Nội",
        issuer_title="CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
        signer_title="KT. CHỦ TỊCH – PHÓ CHỦ TỊCH", signer_name="Nguyễn Mạnh Quyền", place="Hà Nội"))


def seed_demo(now: dt.datetime | None = None, council_upto: str = "approved",
              certificates: bool = False) -> list[tuple[str, str, str]]:
    """Seed (or complete) the demo; returns (login, role, who) for each demo account.

    ``council_upto``: how far the third campaign goes ("council": a tie left to resolve;
    "approved": resolved, published, objected to, answered and decided). ``certificates``:
    also issue the approved decision's certificates (queued for the worker, or rendered
    at once when tasks run in-process); ``emulation demo`` does."""
    from ..models import utcnow
    now = now or utcnow()
    units = _seed_org()
    sets = _import_sets()
    campaign = _seed_campaign(now, sets)
    printed = []
    users: dict[str, User] = {}
    for username, full_name, role, unit_code, label in LOGINS:
        user = User.get_or_none(User.username == username)
        if user is None:
            user = accounts.create_user(None, username=username, full_name=full_name,
                                        password=DEMO_PASSWORD)
        unit = units[unit_code] if unit_code else None
        if role == "peer":
            accounts.grant_role(None, user, "officer", unit=unit)
            accounts.grant_role(None, user, "peer", campaign=campaign)
        else:
            accounts.grant_role(None, user, role, unit=unit if role == "officer" else None,
                                campaign=campaign if role == "leader" else None)
        printed.append((username, role, f"{full_name} – {label}"))
        users[username] = user
    from .demo_submissions import seed_submissions
    officers = {"TXB": users["txbac"], "HDI": users["hadinh"], "KDI": users["chamcheo"]}
    seed_submissions(campaign, officers, users["thuky"])
    from .demo_reviews import seed_review_campaign
    seed_review_campaign(now, sets[CRITERIA_FILES[2]], officers, users)
    from .demo_council import seed_council_campaign
    council = seed_council_campaign(now, {"collective": sets[CRITERIA_FILES[0]],
                                          "individual": sets[CRITERIA_FILES[1]]}, users, council_upto)
    if certificates and council_upto == "approved":
        from .demo_council import issue_certificates
        issue_certificates(council, users["btdkt"])
    return printed
