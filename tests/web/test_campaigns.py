"""Campaigns: create and edit (service and committee pages), windows in UTC, phases."""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json

import pytest

from emulation.domain.policy import ScoringPolicy
from emulation.models import AuditEvent, Campaign, CampaignUnit, Submission
from emulation.services import ServiceError
from emulation.services.campaigns import CampaignInput, create_campaign, describe, phase, update_campaign
from tests.helpers import post

LOCAL = {  # Asia/Ho_Chi_Minh wall-clock times (UTC+7, no daylight saving)
    "submission_opens": dt.datetime(2026, 3, 2, 8, 0), "submission_closes": dt.datetime(2026, 3, 16, 17, 0),
    "review_opens": dt.datetime(2026, 3, 17, 8, 0), "review_closes": dt.datetime(2026, 4, 1, 17, 0),
    "council_opens": dt.datetime(2026, 4, 2, 8, 0), "council_closes": dt.datetime(2026, 4, 16, 17, 0),
}


@pytest.fixture
def sets(make):
    return {"collective": make.criteria_set(), "individual": make.criteria_set("nu-cuoi-cong-so-v1.toml"),
            "dong-nai": make.criteria_set("dong-nai-chinh-quyen-than-thien-2025-v1.toml")}


def data(sets, **changes) -> CampaignInput:
    base = CampaignInput(
        slug="van-hoa-cong-so-2026", title="Văn hóa công sở năm 2026",
        collective_set_id=sets["collective"].id, individual_set_id=sets["individual"].id,
        windows=dict(LOCAL), policy=ScoringPolicy(), authority="Ủy ban nhân dân thành phố Hà Nội",
        issuer_title="CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
        signer_title="KT. CHỦ TỊCH – PHÓ CHỦ TỊCH", signer_name="Nguyễn Văn Phong")
    return dataclasses.replace(base, **changes)


def refusal(call, *args) -> list[str]:
    with pytest.raises(ServiceError) as caught:
        call(*args)
    return caught.value.problems or [f"{caught.value.field}: {caught.value.message}"]


def unit_ids(campaign) -> set[int]:
    return {cu.unit_id for cu in CampaignUnit.select().where(CampaignUnit.campaign == campaign)}


# --- service -----------------------------------------------------------------------------------

def test_units_default_to_every_active_unit(make, sets):
    a, b = make.unit(), make.unit()
    make.unit(active=False)
    assert unit_ids(create_campaign(None, data(sets))) == {a.id, b.id}


def test_chosen_units_restrict_the_campaign(make, sets):
    a, _ = make.unit(), make.unit()
    assert unit_ids(create_campaign(None, data(sets, unit_ids=[a.id, a.id]))) == {a.id}


SET_CASES = [
    # (case id, collective key, individual key, expected problem)
    ("individual set used as collective", "individual", None,
     "collective_set_id: Chọn một bộ tiêu chí dành cho tập thể."),
    ("collective set used as individual", "collective", "dong-nai",
     "individual_set_id: Bộ tiêu chí cá nhân phải dành cho cá nhân."),
    ("no collective set", None, "individual", "collective_set_id: Chọn một bộ tiêu chí dành cho tập thể."),
]


@pytest.mark.parametrize("collective, individual, problem", [c[1:] for c in SET_CASES],
                         ids=[c[0] for c in SET_CASES])
def test_criteria_sets_must_fit_their_target(sets, collective, individual, problem):
    bad = data(sets, collective_set_id=sets[collective].id if collective else 0,
               individual_set_id=sets[individual].id if individual else None)
    assert problem in refusal(create_campaign, None, bad)
    assert Campaign.select().count() == 0


def test_individual_set_is_optional(sets):
    assert create_campaign(None, data(sets, individual_set_id=None)).individual_set_id is None


SLUG_PROBLEM = "slug: Mã phong trào chỉ gồm chữ thường không dấu, số và dấu gạch ngang."


@pytest.mark.parametrize("slug, ok", [
    ("van-hoa-2026", True), ("ab", True), ("2026-dot-1", True), ("a" * 79, True),
    ("a", False), ("a" * 80, False), ("Van-Hoa", False), ("van hoa", False), ("văn-hóa", False),
    ("-van-hoa", False), ("van_hoa", False), ("", False),
])
def test_slug_rules(sets, slug, ok):
    if ok:
        assert create_campaign(None, data(sets, slug=slug)).slug == slug
    else:
        assert SLUG_PROBLEM in refusal(create_campaign, None, data(sets, slug=slug))


def test_slug_is_unique_but_a_campaign_keeps_its_own(make, sets):
    actor = make.user("committee")
    first = create_campaign(actor, data(sets))
    assert "slug: Mã phong trào «van-hoa-cong-so-2026» đã được dùng." in refusal(
        create_campaign, actor, data(sets, title="Khác"))
    second = create_campaign(actor, data(sets, slug="dot-hai"))
    assert update_campaign(actor, first, data(sets, title="Tên mới")).title == "Tên mới"
    assert "slug: Mã phong trào «dot-hai» đã được dùng." in refusal(
        update_campaign, actor, first, data(sets, slug="dot-hai"))
    assert Campaign.get_by_id(second.id).slug == "dot-hai"


def test_all_problems_are_listed_with_their_fields(sets):
    bad = data(sets, title=" ", slug="X", policy=ScoringPolicy(trim_min=1),
               windows={**LOCAL, "review_opens": LOCAL["submission_closes"] - dt.timedelta(minutes=1)})
    fields = {line.partition(": ")[0] for line in refusal(create_campaign, None, bad)}
    assert fields == {"title", "slug", "trim_min", "review_opens"}


def test_windows_are_stored_in_utc(sets):
    campaign = Campaign.get_by_id(create_campaign(None, data(sets)).id)
    assert campaign.submission_opens == dt.datetime(2026, 3, 2, 1, 0)  # 08:00 in Hà Nội
    assert campaign.submission_closes == dt.datetime(2026, 3, 16, 10, 0)
    assert campaign.timezone == "Asia/Ho_Chi_Minh"


def test_create_and_update_are_audited_old_to_new(make, sets):
    actor = make.user("committee")
    campaign = create_campaign(actor, data(sets))
    created = AuditEvent.get(AuditEvent.action == "campaign.create")
    assert (created.actor_id, created.object_type, created.object_id) == (actor.id, "Campaign", campaign.id)
    assert json.loads(created.new)["title"] == "Văn hóa công sở năm 2026"
    update_campaign(actor, campaign, data(sets, title="Văn hóa công sở 2026 – đợt 2",
                                          policy=ScoringPolicy(aggregation="median")))
    event = AuditEvent.get(AuditEvent.action == "campaign.update")
    old, new = json.loads(event.old), json.loads(event.new)
    assert set(new) == {"title", "policy_json"}
    assert (old["title"], new["title"]) == ("Văn hóa công sở năm 2026", "Văn hóa công sở 2026 – đợt 2")
    assert json.loads(new["policy_json"])["aggregation"] == "median"


def test_saving_unchanged_campaign_records_nothing(make, sets):
    actor = make.user("committee")
    campaign = create_campaign(actor, data(sets))
    update_campaign(actor, Campaign.get_by_id(campaign.id), data(sets))
    assert AuditEvent.select().where(AuditEvent.action == "campaign.update").count() == 0


@pytest.mark.parametrize("change", [{"collective_set_id": "dong-nai"}, {"individual_set_id": None}])
def test_criteria_sets_are_frozen_once_a_submission_exists(make, sets, change):
    actor, unit = make.user("committee"), make.unit()
    campaign = create_campaign(actor, data(sets))
    changed = {k: sets[v].id if v else None for k, v in change.items()}
    assert update_campaign(actor, campaign, data(sets, **changed))  # allowed before any submission
    update_campaign(actor, campaign, data(sets))
    Submission.create(campaign=campaign, target="collective", unit=unit, subject_key=f"unit:{unit.id}")
    problems = refusal(update_campaign, actor, Campaign.get_by_id(campaign.id), data(sets, **changed))
    assert problems == [
        "collective_set_id: Không thể đổi bộ tiêu chí khi các đơn vị đã bắt đầu tự đánh giá."]
    assert Campaign.get_by_id(campaign.id).collective_set_id == sets["collective"].id
    assert update_campaign(actor, campaign, data(sets, title="Vẫn sửa được tên")).title == "Vẫn sửa được tên"


# --- phase and describe ------------------------------------------------------------------------

T = dt.datetime(2026, 3, 2, 1, 0)
DAY, HOUR = dt.timedelta(days=1), dt.timedelta(hours=1)
MARKS = Campaign(submission_opens=T, submission_closes=T + 14 * DAY, review_opens=T + 15 * DAY,
                 review_closes=T + 30 * DAY, council_opens=T + 31 * DAY, council_closes=T + 45 * DAY)

PHASE_CASES = [
    # (now, phase, deadline, days_left)
    (T - 3 * DAY, "before", T, 3),
    (T - dt.timedelta(seconds=1), "before", T, 1),
    (T, "submission", T + 14 * DAY, 14),
    (T + HOUR, "submission", T + 14 * DAY, 14),  # 13 days 23 hours: "còn 14 ngày"
    (T + 13 * DAY + 23 * HOUR + dt.timedelta(minutes=59), "submission", T + 14 * DAY, 1),
    (T + 14 * DAY, "between_submission_review", None, None),
    (T + 15 * DAY, "review", T + 30 * DAY, 15),
    (T + 20 * DAY + 12 * HOUR, "review", T + 30 * DAY, 10),
    (T + 30 * DAY, "between_review_council", None, None),
    (T + 31 * DAY, "council", T + 45 * DAY, 14),
    (T + 45 * DAY - dt.timedelta(seconds=1), "council", T + 45 * DAY, 1),
    (T + 45 * DAY, "finished", None, None),
    (T + 400 * DAY, "finished", None, None),
]


@pytest.mark.parametrize("now, expected, deadline, days_left", PHASE_CASES)
def test_phase_and_describe(now, expected, deadline, days_left):
    assert phase(MARKS, now) == expected
    info = describe(MARKS, now)
    assert (info["phase"], info["deadline"], info["days_left"]) == (expected, deadline, days_left)


# --- committee pages ---------------------------------------------------------------------------

def form(sets, **changes) -> dict:
    values = {
        "title": "Nụ cười công sở 2026", "slug": "nu-cuoi-2026", "description": "Phát động toàn thành phố.",
        "collective_set_id": sets["collective"].id, "individual_set_id": sets["individual"].id,
        **{name: value.strftime("%Y-%m-%dT%H:%M") for name, value in LOCAL.items()},
        "w_self": "0,2", "w_peer": "0,3", "w_leader": "0,5", "aggregation": "mean", "trim_min": "5",
        "min_peer": "2", "min_leader": "1", "normalize": "none", "disagreement_pct": "15",
        "inflation_pct": "10", "bands": "Xuất sắc: 90\nTốt: 80\nKhá: 70\nĐạt: 50",
        "lowest_band": "Không đạt", "cap_band": "Đạt", "authority": "Ủy ban nhân dân thành phố Hà Nội",
        "k_peer": "2", "same_cluster": "y", "leader_mode": "all", "k_leader": "1", "comment_pct": "20",
        "review_days": "7", "publication_days": "10",
        "issuer_title": "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": "Nguyễn Văn Phong", "place": "Hà Nội"}
    return {**values, **changes}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_committee_creates_a_campaign(client, make, login, sets):
    login(make.user("committee"))
    page = client.get("/campaigns/new")
    assert page.status_code == 200 and 'value="0,2"' in page.get_data(as_text=True)
    response = post(client, "/campaigns/new", form(sets))
    campaign = Campaign.get(Campaign.slug == "nu-cuoi-2026")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/campaigns/{campaign.id}")
    assert campaign.submission_opens == dt.datetime(2026, 3, 2, 1, 0)
    view = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Nụ cười công sở 2026" in view and "Đã tạo phong trào «Nụ cười công sở 2026»." in view
    assert "02/03/2026 08:00" in view  # shown in Hà Nội time again


FORM_ERRORS = [
    # (case id, changes, field, message substring)
    ("weights sum to 1.1", {"w_self": "0,3"}, "w_self",
     "Tổng các trọng số (tự đánh giá + chấm chéo + hội đồng) phải bằng 1; hiện là 1,1."),
    ("weight not a number", {"w_peer": "ba phần mười"}, "w_peer", "Nhập một số, ví dụ 0,3."),
    ("review opens before submission closes", {"review_opens": "2026-03-16T16:00"}, "review_opens",
     "Các mốc thời gian phải theo thứ tự"),
    ("submission closes before it opens", {"submission_closes": "2026-03-01T08:00"}, "submission_closes",
     "mỗi đợt mở trước khi đóng"),
    ("band line without score", {"bands": "Xuất sắc\nTốt: 80"}, "bands",
     "Dòng «Xuất sắc» chưa đúng dạng «Tên: điểm»"),
    ("cap band unknown", {"cap_band": "Giỏi"}, "cap_band", "một trong các mức đã khai báo"),
    ("bad slug", {"slug": "Nụ Cười"}, "slug", "Mã phong trào chỉ gồm chữ thường không dấu"),
    ("publication of 0 days", {"publication_days": "0"}, "publication_days", "từ 1 đến 90 ngày"),
    ("missing window", {"council_closes": ""}, "council_closes", "Vui lòng nhập thông tin này."),
    ("review days out of range", {"review_days": "120"}, "review_days",
     "Số ngày hoàn thành phiếu chấm phải từ 1 đến 90."),
]


@pytest.mark.parametrize("changes, field, message", [c[1:] for c in FORM_ERRORS],
                         ids=[c[0] for c in FORM_ERRORS])
def test_create_form_errors_keep_typed_values(client, make, login, sets, changes, field, message):
    login(make.user("committee"))
    response = post(client, "/campaigns/new", form(sets, title="Thi đua «Chính quyền thân thiện»", **changes),
                    page="/campaigns/new")
    body = text(response)
    assert response.status_code == 422
    assert "Có thông tin cần sửa – xem các ô được đánh dấu đỏ." in body
    assert f'<p class="error" id="{field}-err">' in body and message in body
    assert 'value="Thi đua «Chính quyền thân thiện»"' in body
    for name, value in changes.items():
        if name != "bands" and value:
            assert f'value="{value}"' in body
    assert Campaign.select().count() == 0


def test_chosen_clusters_restrict_units(client, make, login, sets):
    tx, dd = make.cluster(), make.cluster()
    a, b = make.unit(cluster=tx), make.unit(cluster=tx)
    make.unit(cluster=tx, active=False)
    make.unit(cluster=dd)
    make.unit()
    login(make.user("committee"))
    assert post(client, "/campaigns/new", form(sets, clusters=[tx.id]), page="/campaigns/new").status_code == 302
    assert unit_ids(Campaign.get()) == {a.id, b.id}


def test_edit_page_shows_local_times_and_saves(client, make, login, sets):
    campaign = create_campaign(None, data(sets))
    login(make.user("committee"))
    page = client.get(f"/campaigns/{campaign.id}/edit")
    body = text(page)
    assert page.status_code == 200
    assert 'value="2026-03-02T08:00"' in body and 'value="2026-04-16T17:00"' in body
    assert 'value="Văn hóa công sở năm 2026"' in body
    changed = form(sets, slug=campaign.slug, title="Văn hóa công sở – sửa", w_self="0,1", w_peer="0,2",
                   w_leader="0,7")
    response = post(client, f"/campaigns/{campaign.id}/edit", changed)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/campaigns/{campaign.id}")
    saved = Campaign.get_by_id(campaign.id)
    assert saved.title == "Văn hóa công sở – sửa" and str(saved.policy.w_leader) == "0.7"
    assert saved.review_opens == dt.datetime(2026, 3, 17, 1, 0)
    event = AuditEvent.get(AuditEvent.action == "campaign.update")
    assert json.loads(event.old)["title"] == "Văn hóa công sở năm 2026"


@pytest.mark.parametrize("role, url, status", [
    ("secretary", "/campaigns/{id}", 200), ("secretary", "/campaigns/{id}/edit", 403),
    ("secretary", "/campaigns/new", 403), ("secretary", "/campaigns/", 403),
    ("officer", "/campaigns/{id}", 403), ("officer", "/campaigns/new", 403),
    ("peer", "/campaigns/{id}", 403), ("committee", "/campaigns/", 200),
])
def test_who_sees_campaign_pages(client, make, login, role, url, status):
    campaign = make.campaign(title="Phong trào để xem")
    login(make.user(role))
    response = client.get(url.format(id=campaign.id))
    assert response.status_code == status
    if status == 200 and "{id}" in url:
        assert "Phong trào để xem" in text(response)


def test_secretary_cannot_post_an_edit(client, make, login, sets):
    campaign = create_campaign(None, data(sets))
    login(make.user("secretary"))
    response = post(client, f"/campaigns/{campaign.id}/edit", form(sets, title="Sửa trộm"),
                    page=f"/campaigns/{campaign.id}")
    assert response.status_code == 403
    assert Campaign.get_by_id(campaign.id).title == "Văn hóa công sở năm 2026"
