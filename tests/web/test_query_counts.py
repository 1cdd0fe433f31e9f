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
