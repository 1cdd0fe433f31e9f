"""List pages run a fixed number of queries, however many rows they show (no N+1)."""
from __future__ import annotations

import pytest
from playhouse.test_utils import count_queries

from emulation.models import Person, Unit

PAGES = ["/org/units", "/org/people", "/org/clusters", "/users/", "/campaigns/", "/committee",
         "/admin/audit", "/criteria/"]


def _queries(client, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("url", PAGES)
def test_queries_do_not_grow_with_rows(client, make, login, url):
    login(make.user("committee"))
    cluster = make.cluster()
    make.campaign()
    few = _queries(client, url)
    for _ in range(25):
        unit = make.unit(cluster=cluster)
        make.person(unit=unit)
        make.user("officer", unit=unit)
    make.campaign()
    assert Unit.select().count() >= 25 and Person.select().count() >= 25
    assert _queries(client, url) == few


def _reviewed_units(make, campaign, cluster, leader, n: int) -> None:
    """``n`` submitted units, each with two peers assigned (one review submitted, one draft) and the leader."""
    from emulation.models import Assignment, CampaignUnit, Review, Submission
    for _ in range(n):
        unit = make.unit(cluster=cluster)
        CampaignUnit.get_or_create(campaign=campaign, unit=unit)
        sub = Submission.create(campaign=campaign, target="collective", unit=unit, subject_key=f"unit:{unit.id}",
                                state="submitted")
        for state in ("submitted", "draft"):
            review = Assignment.create(submission=sub, reviewer=make.user("peer", campaign=campaign), role="peer")
            Review.create(assignment=review, state=state)
        Assignment.create(submission=sub, reviewer=leader, role="leader")


def test_progress_board_queries_do_not_grow_with_reviews(client, make, login):
    """The secretary's progress board (and its CSV) run a fixed number of queries, few or many reviews."""
    login(make.user("secretary"))
    campaign, cluster = make.campaign(), make.cluster()
    leader = make.user("leader", campaign=campaign)
    _reviewed_units(make, campaign, cluster, leader, 2)
    urls = [f"/campaigns/{campaign.id}/progress", f"/campaigns/{campaign.id}/progress/reminders.csv"]
    few = [_queries(client, url) for url in urls]
    _reviewed_units(make, campaign, make.cluster(), leader, 12)
    assert [_queries(client, url) for url in urls] == few
    assert few[0] <= 10  # the board's seven, plus the campaign, the login session and the roles


def test_ranking_page_and_refresh_queries_do_not_grow_with_submissions(client, make, login):
    """The ranking page reads the results table; the refresh sums scores in SQL (both a fixed number of queries)."""
    from emulation.models import Campaign
    from emulation.services.results_refresh import refresh_results
    login(make.user("secretary"))
    campaign, cluster = make.campaign(), make.cluster()
    leader = make.user("leader", campaign=campaign)
    _reviewed_units(make, campaign, cluster, leader, 2)
    url = f"/campaigns/{campaign.id}/ranking"

    def refresh_queries() -> int:
        with count_queries() as counter:
            refresh_results(Campaign.get_by_id(campaign.id))
        return counter.count

    few = (refresh_queries(), _queries(client, url))
    _reviewed_units(make, campaign, make.cluster(), leader, 12)
    assert (refresh_queries(), _queries(client, url)) == few
