"""The demo's third campaign: last year's office-culture campaign, scored, before the council and after.

Stages (``upto``), each skipped when done, so a second run adds nothing:
- "council": the campaign with every self-assessment and review in (written row by row like
  a finished campaign's archive, dated inside its windows), results computed, three award
  rules. Hạ Đình and Láng Hạ are tied (same reviews) at the boundary of the city's Bằng khen
  quota, so the council has a group to resolve.
- "approved": at the council's meeting (22 days ago) the secretary gives the place to Láng Hạ
  with the council's reason, and a Giấy khen to Hạ Đình; the committee publishes the results
  (20 days ago, a 10-day window); Hạ Đình's officer objects and the secretary answers; the
  committee approves Decision 2468/QĐ-UBND (5 days ago): the city's Bằng khen to Phường
  Thanh Xuân Bắc and Láng Hạ, and to Bà Lê Trà My, Bí thư Đoàn thanh niên phường Thanh Xuân
  Bắc; Giấy khen to the next units of each cluster.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..clock import clock
from ..domain.policy import ScoringPolicy
from ..models import (Assignment, AwardRule, Campaign, Cluster, CriteriaSet, Criterion, Decision, Nomination, Objection,
                      Person, Review, Score, SelfScore, Submission, Unit, User)
from . import accounts, council, decisions, publication
from .campaigns import CampaignInput, create_campaign, to_local, to_utc
from .criteria import domain_set
from .demo_reviews import _level_value
from .demo_submissions import _officer, _pdf
from .evidence import store_evidence
from .results_refresh import refresh_results
from .review_totals import recompute as recompute_totals
from .self_totals import recompute as recompute_self_totals

SLUG = "van-hoa-cong-so-2025"
TZ = "Asia/Ho_Chi_Minh"
TITLE = "Thi đua thực hiện văn hóa công sở và “nụ cười công sở” năm 2025"
BASIS = "Căn cứ Kế hoạch thực hiện văn hóa công sở năm 2025 của UBND Thành phố;"
DECISION_NUMBER = "2468/QĐ-UBND"
# unit → level its reviewers find (fraction of each maximum); HDI and LHA tie exactly
LEVELS = {"TXB": "0.95", "HDI": "0.9", "LHA": "0.9", "NCH": "0.86", "TXT": "0.84", "KDI": "0.8", "KGI": "0.74",
          "TLI": "0.82", "OCD": "0.78", "VMI": "0.88"}
NOMINEES = {"TXB-001": "0.96", "NCH-001": "0.9", "VMI-001": "0.92", "HDI-002": "0.86", "LHA-001": "0.82"}
RULES = (  # precedence, title, form, target, min band, quota kind, value, per cluster
    (1, "Bằng khen của Chủ tịch UBND Thành phố", "bang-khen", "collective", "Xuất sắc", "count", 2, False),
    (2, "Giấy khen của Chủ tịch UBND Thành phố", "giay-khen", "collective", "Tốt", "count", 1, True),
    (3, "Bằng khen của Chủ tịch UBND Thành phố", "bang-khen", "individual", "Xuất sắc", "count", 1, False),
)
MEETING_DAYS_AGO = 22    # the council's meeting, two days before the results are published (``_finish``)
REASON = ("Hội đồng họp ngày {day} biểu quyết 7/9: phường Láng Hạ có mô hình «Một cửa thân thiện» được "
          "Thành phố nhân rộng.")
ADD_REASON = ("Hội đồng họp ngày {day}: phường Hạ Đình đồng điểm với phường Láng Hạ ở ranh giới chỉ tiêu "
              "Bằng khen, đề nghị tặng Giấy khen ngoài chỉ tiêu của cụm.")
OBJECTION = ("Đề nghị Hội đồng xem xét lại tiêu chí 3.2: phường đã lắp đặt hòm thư góp ý điện tử từ tháng 3/2025, "
             "minh chứng đã nộp kèm hồ sơ nhưng phiếu chấm ghi «thiếu».")
ANSWER = ("Hội đồng đã kiểm tra: minh chứng hòm thư góp ý có trong hồ sơ, điểm tiêu chí 3.2 đã được tính đủ. "
          "Hai phường đồng điểm; Hội đồng chọn Láng Hạ theo biên bản họp ngày {day}.")


def _create(now: dt.datetime, sets: dict[str, CriteriaSet], units: list[Unit]) -> Campaign:
    today = to_local(now, TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    day, opens, closes = dt.timedelta(days=1), dt.timedelta(hours=8), dt.timedelta(hours=17)
    return create_campaign(None, CampaignInput(
        slug=SLUG, title=TITLE, collective_set_id=sets["collective"].id, individual_set_id=sets["individual"].id,
        windows={"submission_opens": today - 120 * day + opens, "submission_closes": today - 90 * day + closes,
                 "review_opens": today - 89 * day + opens, "review_closes": today - 60 * day + closes,
                 "council_opens": today - 59 * day + opens, "council_closes": today + 30 * day + closes},
        policy=ScoringPolicy(k_peer=2), unit_ids=[u.id for u in units],
        authority="Ủy ban nhân dân thành phố Hà Nội", issuer_title="CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
        signer_title="KT. CHỦ TỊCH – PHÓ CHỦ TỊCH", signer_name="Nguyễn Mạnh Quyền", place="Hà Nội",
        description="Đợt thi đua năm 2025 đã kết thúc: các phường tự đánh giá, chấm chéo và Hội đồng xét khen thưởng."))


def _values(criteria_set: CriteriaSet, level: str, salt: str) -> dict[int, Decimal]:
    rows = {c.code: c.id for c in Criterion.select().where(Criterion.criteria_set == criteria_set)}
    return {rows[c.code]: Decimal(0) if c.kind.value == "penalty" else _level_value(c, Decimal(level), salt)
            for c in domain_set(criteria_set).criteria}


def _score(campaign: Campaign, submission: Submission, criteria_set: CriteriaSet, level: str,
           reviewers: list[tuple[User, str]], officer: User) -> None:
    """Self-assessment one step above what the reviewers find, with its required evidence; every review
    submitted with the same values."""
    at = campaign.review_opens + dt.timedelta(days=3)
    required = Criterion.select().where(Criterion.criteria_set == criteria_set, Criterion.evidence_required)
    for c in required:
        store_evidence(officer, submission, c, f"Minh chứng {c.code} – {submission.unit.name}.pdf",
                       _pdf("Tài liệu minh chứng – văn hóa công sở năm 2025", BASIS))
    for cid, value in _values(criteria_set, str(min(Decimal(1), Decimal(level) + Decimal("0.03"))), "self").items():
        SelfScore.create(submission=submission, criterion=cid, value=value, explanation="Theo báo cáo năm 2025.")
    recompute_self_totals([submission.id])
    for reviewer, role in reviewers:
        a = Assignment.create(submission=submission, reviewer=reviewer, role=role, assigned_at=at)
        review = Review.create(assignment=a, state="submitted", submitted_at=at, updated_at=at)
        Score.insert_many([(review.id, cid, value, "", "") for cid, value in
                           _values(criteria_set, level, "review").items()],
                          fields=[Score.review, Score.criterion, Score.value, Score.comment, Score.evidence_verdict]).execute()
        recompute_totals([review.id])


def _seed_scored(now: dt.datetime, sets: dict[str, CriteriaSet], users: dict[str, User]) -> Campaign:
    units = {u.code: u for u in Unit.select().join(Cluster).where(Cluster.code.in_(("TX", "DD")))}
    campaign = _create(now, sets, list(units.values()))
    peers = [users["chamcheo"], _officer(units["TXT"]), _officer(units["OCD"])]
    for p in peers:
        accounts.grant_role(None, p, "peer", campaign=campaign)
    accounts.grant_role(None, users["hoidong"], "leader", campaign=campaign)
    submitted = campaign.submission_closes - dt.timedelta(days=2)

    demo_officers = {"TXB": users["txbac"], "HDI": users["hadinh"], "KDI": users["chamcheo"]}

    def officer_of(unit: Unit) -> User:
        return demo_officers.get(unit.code) or _officer(unit)

    def reviewers_for(unit: Unit) -> list[tuple[User, str]]:
        own = [p for p in peers if unit.id not in p.officer_unit_ids()]
        return [(own[0], "peer"), (own[1], "peer"), (users["hoidong"], "leader")]

    for code, level in sorted(LEVELS.items()):
        s = Submission.create(campaign=campaign, target="collective", unit=units[code], subject_key=f"unit:{units[code].id}",
                              state="locked", submitted_at=submitted, updated_at=submitted)
        _score(campaign, s, sets["collective"], level, reviewers_for(units[code]), officer_of(units[code]))
    for staff_code, level in sorted(NOMINEES.items()):
        person = Person.get(Person.staff_code == staff_code)
        s = Submission.create(campaign=campaign, target="individual", unit=person.unit, person=person,
                              subject_key=f"person:{person.id}", state="locked", submitted_at=submitted,
                              updated_at=submitted)
        Nomination.create(campaign=campaign, unit=person.unit, person=person, position=person.position,
                          submission=s, achievements="Gương mặt tiêu biểu trong thực hiện “nụ cười công sở”.")
        _score(campaign, s, sets["individual"], level, reviewers_for(person.unit), officer_of(person.unit))
    for p, title, form, target, band, kind, value, per_cluster in RULES:
        AwardRule.create(campaign=campaign, precedence=p, title=title, form=form, target=target, min_band=band,
                         quota_kind=kind, quota_value=value, per_cluster=per_cluster)
    refresh_results(campaign, now)
    return campaign


def _finish(campaign: Campaign, now: dt.datetime, users: dict[str, User]) -> None:
    """The history after the review window, each step at its own moment in office hours (so its
    audit events, council changes and dates read in order): meeting, publication, objection,
    answer, decision."""
    secretary, committee = users["thuky"], users["btdkt"]
    today = to_local(now, TZ).date()
    ago = {step: to_utc(dt.datetime.combine(today - dt.timedelta(days=days), dt.time(*hour)), TZ)
           for step, days, hour in (("meeting", MEETING_DAYS_AGO, (9, 0)), ("published", 20, (8, 30)),
                                    ("objected", 15, (10, 15)), ("answered", 13, (15, 0)), ("decided", 5, (16, 0)))}
    day = to_local(ago["meeting"], TZ).strftime("%d/%m/%Y")
    hdi = Submission.get(Submission.campaign == campaign, Submission.unit == Unit.get(Unit.code == "HDI"),
                         Submission.target == "collective")
    groups = council.open_groups(campaign)
    if groups:
        lha = Unit.get(Unit.code == "LHA")
        chosen = {o.submission_id for o in groups[0].members if Submission.get_by_id(o.submission_id).unit_id == lha.id}
        giay_khen = AwardRule.get(AwardRule.campaign == campaign, AwardRule.precedence == 2)
        with clock.at(ago["meeting"]):
            council.resolve(secretary, campaign, groups[0].key, chosen, REASON.format(day=day))
            council.change_award(secretary, campaign, hdi, giay_khen, "add", ADD_REASON.format(day=day))
    if campaign.results_published_at is None:
        with clock.at(ago["published"]):
            publication.publish_results(committee, campaign, ago["published"])
    if not Objection.select().where(Objection.campaign == campaign).exists():
        with clock.at(ago["objected"]):
            objection = publication.lodge_objection(users["hadinh"], hdi, OBJECTION, now=ago["objected"])
        with clock.at(ago["answered"]):
            publication.answer_objection(secretary, objection, ANSWER.format(day=day), objection.version,
                                         now=ago["answered"])
    decision = Decision.get_or_none(Decision.campaign == campaign)
    with clock.at(ago["decided"]):
        if decision is None:
            decision = decisions.draft_decision(committee, campaign, {
                "number": DECISION_NUMBER, "signed_on": to_local(ago["decided"], TZ).date(),
                "authority": campaign.authority, "signer_title": campaign.signer_title,
                "signer_name": campaign.signer_name,
                "basis": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\nXét đề nghị của Hội đồng "
                         "Thi đua – Khen thưởng Thành phố."})
        if decision.state == "draft":
            decisions.approve(committee, decision, ago["decided"])


def seed_council_campaign(now: dt.datetime, sets: dict[str, CriteriaSet], users: dict[str, User],
                          upto: str = "approved") -> Campaign:
    """Create (or complete) the campaign up to ``upto`` ("council" or "approved"); see the module doc."""
    campaign = Campaign.get_or_none(Campaign.slug == SLUG) or _seed_scored(now, sets, users)
    if upto == "approved":
        _finish(Campaign.get_by_id(campaign.id), now, users)
    return campaign


def issue_certificates(campaign: Campaign, committee: User) -> None:
    """The committee issues the approved decision's certificates (full design), once."""
    from . import issuing
    decision = Decision.get_or_none(Decision.campaign == campaign, Decision.state == "approved")
    if decision is not None:
        issuing.issue(committee, decision, "full")
