"""The ranking page reads the results table: order, pending last, scopes, refresh on demand, who may see it."""
from __future__ import annotations

import re

import pytest

from emulation.models import Campaign, Result, User
from emulation.services.demo import DEMO_PASSWORD, seed_demo
from emulation.services.demo_reviews import SLUG
from emulation.services.results_refresh import refresh_results
from tests.helpers import csrf_from


@pytest.fixture
def campaign(app):
    seed_demo()
    return Campaign.get(Campaign.slug == SLUG)


def test_secretary_sees_the_ranking_in_order_with_pending_last(campaign, client, login):
    refresh_results(campaign)
    login(User.get(User.username == "thuky"), DEMO_PASSWORD)
    page = client.get(f"/campaigns/{campaign.id}/ranking").get_data(as_text=True)
    assert "Kết quả tính lúc" in page and "Chờ đủ phiếu" in page
    assert ">Cá nhân<" not in page          # the campaign has no individual criteria set
    ranked = list(Result.select().where(Result.campaign == campaign, Result.pending == False)  # noqa: E712
                  .order_by(Result.rank_overall))
    names = [r.submission.unit.name for r in ranked]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    pending = Result.select().where(Result.campaign == campaign, Result.pending == True).first()  # noqa: E712
    assert page.index(pending.submission.unit.name) > positions[-1]
    assert "Tự chấm cao hơn kết quả" in page and "Chênh lệch điểm giữa người chấm" in page


def test_cluster_scope_and_refresh_button(campaign, client, login):
    login(User.get(User.username == "thuky"), DEMO_PASSWORD)
    url = f"/campaigns/{campaign.id}/ranking"
    Result.delete().execute()    # the demo's submitted reviews already refreshed the results
    Campaign.update(results_computed_at=None, results_requested_at=None).execute()
    page = client.get(url).get_data(as_text=True)
    assert "Chưa tính kết quả" in page
    response = client.post(f"{url}/refresh", data={"csrf_token": csrf_from(page), "target": "collective"})
    assert response.status_code == 302
    assert Campaign.get_by_id(campaign.id).results_computed_at is not None
    cluster = Result.select().where(Result.cluster.is_null(False)).first().cluster
    page = client.get(f"{url}?cluster={cluster.id}").get_data(as_text=True)
    rows = re.findall(r"<tr><td class=\"num\">", page)
    assert len(rows) == Result.select().where(Result.cluster == cluster).count()


def test_who_may_see_it(app, campaign, login):
    url = f"/campaigns/{campaign.id}/ranking"
    other = Campaign.get(Campaign.slug != SLUG)
    for username, status, other_status in (("hoidong", 200, 200), ("txbac", 403, 403), ("btdkt", 200, 200)):
        client = app.test_client()
        login(User.get(User.username == username), DEMO_PASSWORD, c=client)
        assert client.get(url).status_code == status, username
        assert client.get(f"/campaigns/{other.id}/ranking").status_code == other_status, username
    council_elsewhere = app.test_client()
    from emulation.models import RoleGrant
    RoleGrant.delete().where(RoleGrant.role == "leader", RoleGrant.campaign == campaign).execute()
    login(User.get(User.username == "hoidong"), DEMO_PASSWORD, c=council_elsewhere)
    assert council_elsewhere.get(url).status_code == 404        # not on this campaign's council
