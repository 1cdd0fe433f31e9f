"""After publication the unit home shows per-criterion scores against the cluster — no reviewer names."""
from __future__ import annotations

from decimal import Decimal

from emulation.models import Assignment, CampaignUnit, Review, Score, Submission, utcnow
from emulation.services import submissions as service
from emulation.services.review_totals import recompute as recompute_totals


def _reviewed(make, campaign, unit, reviewer, values):
    s = service.open_collective(campaign, unit)
    Submission.update(state="submitted").where(Submission.id == s.id).execute()
    _cs, rows = service.criteria_of(s)
    review = Review.create(assignment=Assignment.create(submission=s, reviewer=reviewer, role="peer"),
                           state="submitted")
    for code, value in values.items():
        Score.create(review=review, criterion=rows[code], value=Decimal(value))
    recompute_totals([review.id])
    return s


def test_chart_appears_only_after_publication_and_hides_reviewers(client, make, login):
    campaign = make.campaign()
    cluster = make.cluster()
    mine, other = make.unit(cluster=cluster), make.unit(cluster=cluster)
    for u in (mine, other):
        CampaignUnit.get_or_create(campaign=campaign, unit=u)
    reviewer = make.user("peer", campaign=campaign, full_name="Trần Thị Bí Mật")
    _reviewed(make, campaign, mine, reviewer, {"I.1": "4", "I.2": "5"})
    _reviewed(make, campaign, other, reviewer, {"I.1": "2"})
    login(make.user("officer", unit=mine))
    assert "Kết quả chấm điểm theo từng tiêu chí" not in client.get("/unit").get_data(as_text=True)
    campaign.results_published_at = utcnow()
    campaign.save()
    page = client.get("/unit").get_data(as_text=True)
    assert "Kết quả chấm điểm theo từng tiêu chí" in page and "<svg" in page
    assert "Trung bình cụm" in page and ">4,00<" in page and ">3,00<" in page  # I.1: unit 4, cluster (4+2)/2
    assert "Trần Thị Bí Mật" not in page and reviewer.username not in page
