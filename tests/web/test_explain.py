"""The explained result of a submission and its PDF annex: who sees what (named for the council,
"Người chấm n" for the unit once published, 404 otherwise), trimmed totals, award reasons, the
council's final word, a real Vietnamese PDF, escaping, and a URL fetcher locked to its folder."""
from __future__ import annotations

import html
import io
import json
import unicodedata
from decimal import Decimal

import pytest
from pypdf import PdfReader

from emulation.domain.criteria import format_decimal_vi
from emulation.domain.scoring import q2
from emulation.models import (Assignment, AwardRule, Campaign, CouncilChange, Result, Review, RoleGrant, Score,
                              Submission, Unit, User, utcnow)
from emulation.services.demo import DEMO_PASSWORD, seed_demo
from emulation.services.demo_reviews import SLUG
from emulation.services.results_refresh import refresh_results
from emulation.services.review_totals import recompute as recompute_totals


@pytest.fixture
def campaign(app):
    seed_demo()
    campaign = Campaign.get(Campaign.slug == SLUG)
    refresh_results(campaign)
    return campaign


def _submission(campaign: Campaign, unit_code: str = "KDI") -> Submission:
    """KDI (Khương Đình): two peers and the council member submitted, ranked 2nd, band Tốt."""
    return Submission.get(Submission.campaign == campaign, Submission.unit == Unit.get(Unit.code == unit_code))


def _reviewer_names(submission: Submission) -> list[str]:
    return [u.full_name for u in User.select().join(Assignment, on=(Assignment.reviewer == User.id))
            .join(Review).where(Assignment.submission == submission, Review.state == "submitted")]


def _client(app, login, username: str, password: str = DEMO_PASSWORD):
    client = app.test_client()
    login(User.get(User.username == username), password, c=client)
    return client


@pytest.fixture
def officer(make, campaign) -> User:
    """An officer of Khương Đình and nothing else (the demo's own officer there is also a peer)."""
    return make.user("officer", unit=_submission(campaign).unit)


def _publish(campaign: Campaign) -> None:
    Campaign.update(results_published_at=utcnow()).where(Campaign.id == campaign.id).execute()


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())   # lines wrap where the layout wraps them


def test_committee_sees_every_review_with_its_reviewer_named(app, campaign, login):
    sub = _submission(campaign)
    names = _reviewer_names(sub)
    assert len(names) == 3
    for username in ("btdkt", "thuky", "hoidong"):        # committee, secretary, the campaign's council member
        page = _client(app, login, username).get(f"/submissions/{sub.id}/result").get_data(as_text=True)
        assert all(html.escape(name) in page for name in names), username
        assert "<td>Người chấm 1</td>" not in page
    result = Result.get(Result.submission == sub)
    assert f"{result.rank_overall} / " in page and f">{result.band}<" in page


def test_a_pending_submission_says_why(app, campaign, login):
    page = _client(app, login, "btdkt").get(f"/submissions/{_submission(campaign, 'TXB').id}/result")
    text = page.get_data(as_text=True)
    assert "Chưa xếp hạng" in text and "Cần ít nhất 2 phiếu chấm chéo hoàn chỉnh, mới có 1." in text


def test_unit_officer_sees_anonymised_reviewers_once_published(app, campaign, login, officer):
    sub = _submission(campaign)
    client = _client(app, login, officer.username, "mat-khau-demo-2026")
    url = f"/submissions/{sub.id}/result"
    assert client.get(url).status_code == 404                    # not published yet
    assert client.get(f"{url}.pdf").status_code == 404
    assert "Xem giải trình kết quả" not in client.get(f"/submissions/{sub.id}").get_data(as_text=True)
    _publish(campaign)
    page = client.get(url).get_data(as_text=True)
    assert "<td>Người chấm 1</td>" in page and "<td>Người chấm 3</td>" in page
    names = _reviewer_names(sub)
    assert not any(name in page for name in names)
    text = _pdf_text(client.get(f"{url}.pdf").get_data())
    assert "Người chấm 1" in text and not any(name in text for name in names)
    assert "Xem giải trình kết quả" in client.get(f"/submissions/{sub.id}").get_data(as_text=True)


def test_other_units_and_peers_get_404(app, campaign, login):
    _publish(campaign)
    sub = _submission(campaign)
    for username in ("txbac", "cb.ocd"):       # another unit's officer; a peer reviewer of this campaign
        client = _client(app, login, username)
        assert client.get(f"/submissions/{sub.id}/result").status_code == 404, username
        assert client.get(f"/submissions/{sub.id}/result.pdf").status_code == 404, username
    assert _client(app, login, "btdkt").get("/submissions/999999/result").status_code == 404
    RoleGrant.delete().where(RoleGrant.role == "leader", RoleGrant.campaign == campaign).execute()
    assert _client(app, login, "hoidong").get(f"/submissions/{sub.id}/result").status_code == 404  # not its council


def test_ranking_rows_link_to_the_explanation(app, campaign, login):
    page = _client(app, login, "thuky").get(f"/campaigns/{campaign.id}/ranking").get_data(as_text=True)
    assert f"/submissions/{_submission(campaign).id}/result" in page


def _add_peer_review(make, campaign: Campaign, sub: Submission) -> Decimal:
    """A third peer, scoring every criterion at its maximum (penalties 0): the highest total."""
    reviewer = make.user("peer", campaign=campaign, full_name="Người chấm thêm Trần Văn Ba")
    review = Review.create(assignment=Assignment.create(submission=sub, reviewer=reviewer, role="peer"),
                           state="submitted", submitted_at=utcnow())
    total = Decimal(0)
    for criterion in campaign.collective_set.criteria:
        value = Decimal(0) if criterion.kind == "penalty" else criterion.max
        Score.create(review=review, criterion=criterion, value=value)
        total += value
    recompute_totals([review.id])
    return total


def test_trimmed_totals_are_marked(app, campaign, login, make):
    policy = json.loads(campaign.policy_json)
    policy.update(aggregation="trimmed", trim_min=3)
    Campaign.update(policy_json=json.dumps(policy)).where(Campaign.id == campaign.id).execute()
    campaign = Campaign.get_by_id(campaign.id)
    sub = _submission(campaign)
    highest = _add_peer_review(make, campaign, sub)
    refresh_results(campaign)
    page = _client(app, login, "thuky").get(f"/submissions/{sub.id}/result").get_data(as_text=True)
    rows = [row for row in page.split("<tr") if "<td>Chấm chéo</td>" in row]
    assert len(rows) == 3
    dropped = [row for row in rows if "<del>" in row]
    assert len(dropped) == 2 and sum("Bị loại khi tính" in row for row in rows) == 2
    assert any("Trần Văn Ba" in row for row in dropped)          # the highest total
    kept = next(row for row in rows if "<del>" not in row)
    result = Result.get(Result.submission == sub)
    assert f"{q2(result.P):.2f}".replace(".", ",") in kept        # P is the one total left
    assert highest > result.P and "bỏ một tổng điểm cao nhất" in page


def test_normalised_totals_agree_with_the_stored_result(app, campaign, login, make):
    """With z-score on, the page refits over the whole campaign: its numbers match the results table."""
    policy = json.loads(campaign.policy_json)
    policy.update(normalize="zscore")
    Campaign.update(policy_json=json.dumps(policy)).where(Campaign.id == campaign.id).execute()
    refresh_results(Campaign.get_by_id(campaign.id))
    client = _client(app, login, "btdkt")
    page = client.get(f"/submissions/{_submission(campaign).id}/result").get_data(as_text=True)
    assert "Sau chuẩn hóa" in page and "Phiếu chấm đã thay đổi" not in page
    _add_peer_review(make, campaign, _submission(campaign))       # a review the results have not seen yet
    page = client.get(f"/submissions/{_submission(campaign).id}/result").get_data(as_text=True)
    assert "Phiếu chấm đã thay đổi sau lần tính kết quả gần nhất" in page


def test_award_reasons_and_the_councils_change(app, campaign, login):
    sub = _submission(campaign)
    strict = AwardRule.create(campaign=campaign, precedence=1, title="Bằng khen của Chủ tịch UBND thành phố",
                              form="bang-khen", target="collective", min_band="Xuất sắc", quota_kind="count",
                              quota_value=1)
    AwardRule.create(campaign=campaign, precedence=2, title="Giấy khen của Chủ tịch UBND quận", form="giay-khen",
                     target="collective", quota_kind="count", quota_value=1)
    refresh_results(campaign)
    client = _client(app, login, "btdkt")
    page = client.get(f"/submissions/{sub.id}/result").get_data(as_text=True)
    assert "không đủ điều kiện: xếp loại Tốt &lt; Xuất sắc" in page          # band Tốt, the rule needs Xuất sắc
    assert "ngoài chỉ tiêu: hạng 2, chỉ tiêu 1" in page                       # Láng Hạ took the only place
    assert "Kết quả cuối cùng:</b> Không được đề nghị khen thưởng." in page
    CouncilChange.create(campaign=campaign, submission=sub, rule=strict, action="add",
                         reason="Đơn vị có mô hình điểm được Thành phố nhân rộng",
                         made_by=User.get(User.username == "thuky"))
    page = client.get(f"/submissions/{sub.id}/result").get_data(as_text=True)
    assert f"Hội đồng bổ sung đề nghị «{strict.title}»: Đơn vị có mô hình điểm được Thành phố nhân rộng" in page


def test_the_annex_is_a_vietnamese_pdf(app, campaign, login):
    sub = _submission(campaign)
    response = _client(app, login, "btdkt").get(f"/submissions/{sub.id}/result.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.get_data())
    result = Result.get(Result.submission == sub)
    assert "Phường Khương Đình" in text and "PHỤ LỤC" in text
    assert format_decimal_vi(q2(result.F)) in text and "," in format_decimal_vi(q2(result.F))
    assert campaign.authority.upper() in text


HOSTILE = "<img src=x onerror=alert(1)>"


def test_hostile_names_are_text_and_the_fetcher_stays_in_its_folder(app, campaign, login, monkeypatch):
    from emulation.services import annex
    sub = _submission(campaign)
    Unit.update(name=HOSTILE + '<link rel="stylesheet" href="file:///etc/passwd">').where(
        Unit.id == sub.unit_id).execute()
    client = _client(app, login, "btdkt")
    page = client.get(f"/submissions/{sub.id}/result").get_data(as_text=True)
    assert html.escape(HOSTILE) in page and HOSTILE not in page and 'href="file:' not in page
    asked: list[str] = []
    original = annex.FolderFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)
    monkeypatch.setattr(annex.FolderFetcher, "fetch", spy)
    text = _pdf_text(client.get(f"/submissions/{sub.id}/result.pdf").get_data())
    assert HOSTILE in text                                        # printed as text
    assert asked and all(url.startswith(annex.ANNEX_DIR.as_uri() + "/") for url in asked)
    assert [url.rsplit("/", 1)[1] for url in asked] == ["annex.css"]


@pytest.mark.parametrize("url", [
    "http://example.com/annex.css", "https://example.com/annex.css", "ftp://example.com/annex.css",
    "data:text/css,body%7Bcolor:red%7D", "file:///etc/passwd", "file://evil.example/etc/passwd",
    "{dir}/../base.html", "{dir}/%2e%2e/base.html", "{dir}/missing.css", "{dir}",
])
def test_the_fetcher_refuses_everything_outside_its_folder(url):
    from emulation.services.annex import ANNEX_DIR, FolderFetcher
    fetcher = FolderFetcher(ANNEX_DIR)
    with pytest.raises(ValueError):
        fetcher.fetch(url.format(dir=ANNEX_DIR.as_uri()))
    assert fetcher.fetched == []


def test_the_fetcher_serves_its_folder_and_not_a_link_out_of_it(tmp_path):
    from emulation.services.annex import ANNEX_DIR, FolderFetcher
    response = FolderFetcher(ANNEX_DIR).fetch((ANNEX_DIR / "annex.css").as_uri())
    assert b"@page" in response.read() and response.content_type == "text/css"
    response.close()
    folder, outside = tmp_path / "design", tmp_path / "secret.txt"
    folder.mkdir()
    outside.write_text("bí mật")
    (folder / "link.css").symlink_to(outside)
    with pytest.raises(ValueError):
        FolderFetcher(folder).fetch((folder / "link.css").as_uri())
