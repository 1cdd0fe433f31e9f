"""Committee administration of clusters, units and people through the web forms."""
from __future__ import annotations

import html
import json

import pytest

from emulation.models import AuditEvent, Cluster, Person, Unit
from tests.helpers import post


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


@pytest.fixture
def committee(make, login):
    user = make.user("committee")
    login(user)
    return user


@pytest.fixture
def world(make):
    tx, dd = make.cluster(code="TX", name="Cụm Thanh Xuân"), make.cluster(code="DD", name="Cụm Đống Đa")
    txb = make.unit(code="TXB", name="Phường Thanh Xuân Bắc", cluster=tx)
    hdi = make.unit(code="HDI", name="Phường Hạ Đình", cluster=tx)
    lha = make.unit(code="LHA", name="Phường Láng Hạ", cluster=dd)
    make.person(unit=txb, staff_code="TXB-001", full_name="Lê Trà My", gender="F")
    make.person(unit=hdi, staff_code="HDI-001", full_name="Trần Minh Đức")
    make.person(unit=lha, staff_code="LHA-001", full_name="Đặng Văn Nam")
    return {"tx": tx, "dd": dd, "txb": txb, "hdi": hdi, "lha": lha}


# --- create, edit, deactivate ------------------------------------------------------------------

def test_committee_creates_cluster_unit_and_person(client, committee):
    response = post(client, "/org/clusters/new", {"code": "KGI", "name": "Cụm Kim Giang", "active": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/org/clusters")
    cluster = Cluster.get(Cluster.code == "KGI")
    assert "Cụm Kim Giang" in text(client.get("/org/clusters"))

    response = post(client, "/org/units/new", {"code": "KGI-1", "name": "Phường Kim Giang", "kind": "phường",
                                               "district": "Quận Thanh Xuân", "cluster": cluster.id,
                                               "active": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/org/units")
    unit = Unit.get(Unit.code == "KGI-1")
    assert (unit.cluster_id, unit.district, unit.active) == (cluster.id, "Quận Thanh Xuân", True)

    response = post(client, "/org/people/new", {
        "staff_code": "KGI-001", "full_name": "  Ngô Thị Hạnh ", "gender": "F",
        "position": "Công chức Địa chính – Xây dựng", "unit": unit.id, "email": "hanh@example.vn",
        "phone": "0243 123 456", "active": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/org/people")
    person = Person.get(Person.staff_code == "KGI-001")
    assert (person.full_name, person.unit_id, person.honorific) == ("Ngô Thị Hạnh", unit.id, "Bà")
    assert "Bà Ngô Thị Hạnh" in text(client.get("/org/people"))
    assert [len(events(a)) for a in ("cluster.create", "unit.create", "person.create")] == [1, 1, 1]
    assert events("unit.create")[0].actor_id == committee.id


def test_unit_without_cluster(client, committee):
    post(client, "/org/units/new", {"code": "SNV", "name": "Sở Nội vụ", "kind": "", "district": "", "cluster": 0,
                                    "active": "y"})
    assert Unit.get(Unit.code == "SNV").cluster_id is None


def test_edits_record_only_what_changed(client, committee, world):
    unit, person = world["txb"], Person.get(Person.staff_code == "TXB-001")
    response = post(client, f"/org/units/{unit.id}", {"code": "TXB", "name": "Phường Thanh Xuân Bắc (mới)",
                                                      "kind": "phường", "district": "", "cluster": world["tx"].id,
                                                      "active": "y"})
    assert response.status_code == 302
    event = events("unit.update")[0]
    assert (json.loads(event.old), json.loads(event.new)) == (
        {"name": "Phường Thanh Xuân Bắc"}, {"name": "Phường Thanh Xuân Bắc (mới)"})

    post(client, f"/org/units/{unit.id}", {"code": "TXB", "name": "Phường Thanh Xuân Bắc (mới)", "kind": "phường",
                                           "district": "", "cluster": world["dd"].id, "active": "y"})
    assert json.loads(events("unit.update")[1].new) == {"cluster": world["dd"].id}
    assert Unit.get_by_id(unit.id).cluster_id == world["dd"].id

    page = client.get(f"/org/people/{person.id}")
    assert page.status_code == 200 and 'value="Lê Trà My"' in text(page)
    post(client, f"/org/people/{person.id}", {"staff_code": "TXB-001", "full_name": "Lê Trà My", "gender": "F",
                                              "position": "Bí thư Đoàn thanh niên", "unit": unit.id,
                                              "email": "", "phone": "", "active": "y"})
    assert json.loads(events("person.update")[0].new) == {"position": "Bí thư Đoàn thanh niên"}


def _edit_data(kind: str, world) -> tuple[str, dict, type]:
    """URL and the unchanged form data of one object, ``active`` left out (an unticked box)."""
    if kind == "cluster":
        return f"/org/clusters/{world['tx'].id}", {"code": "TX", "name": "Cụm Thanh Xuân"}, Cluster
    if kind == "unit":
        return (f"/org/units/{world['hdi'].id}", {"code": "HDI", "name": "Phường Hạ Đình", "kind": "phường",
                                                  "district": "", "cluster": world["tx"].id}, Unit)
    person = Person.get(Person.staff_code == "HDI-001")
    return (f"/org/people/{person.id}", {"staff_code": "HDI-001", "full_name": "Trần Minh Đức", "gender": "M",
                                        "position": "", "unit": world["hdi"].id, "email": "", "phone": ""},
            Person)


@pytest.mark.parametrize("kind", ["cluster", "unit", "person"])
def test_deactivation_is_audited(client, committee, world, kind):
    url, data, model = _edit_data(kind, world)
    response = post(client, url, data)
    assert response.status_code == 302
    object_id = int(url.rsplit("/", 1)[1])
    assert model.get_by_id(object_id).active is False
    (event,) = events(f"{kind}.deactivate")
    assert (event.object_id, event.actor_id) == (object_id, committee.id)
    assert (json.loads(event.old), json.loads(event.new)) == ({"active": True}, {"active": False})
    post(client, url, {**data, "active": "y"})
    assert model.get_by_id(object_id).active is True
    assert len(events(f"{kind}.update")) == 1


DUPLICATES = [
    # (url, data, code field)
    ("/org/clusters/new", {"code": "TX", "name": "Cụm gõ lại", "active": "y"}, "code"),
    ("/org/units/new", {"code": "HDI", "name": "Phường gõ lại", "cluster": 0, "active": "y"}, "code"),
    ("/org/people/new", {"staff_code": "TXB-001", "full_name": "Người gõ lại", "gender": "", "unit": "{unit}",
                         "active": "y"}, "staff_code"),
]


@pytest.mark.parametrize("url, data, field", DUPLICATES, ids=["cluster", "unit", "person"])
def test_duplicate_code_is_refused_on_the_field(client, committee, world, url, data, field):
    data = {k: (world["txb"].id if v == "{unit}" else v) for k, v in data.items()}
    before = (Cluster.select().count(), Unit.select().count(), Person.select().count())
    response = post(client, url, data)
    body = text(response)
    assert response.status_code == 422
    assert f'<p class="error" id="{field}-err">Mã «{data[field]}» đã được dùng.</p>' in body
    typed = next(v for k, v in data.items() if k in ("name", "full_name"))
    assert f'value="{typed}"' in body
    assert (Cluster.select().count(), Unit.select().count(), Person.select().count()) == before


def test_renaming_to_another_units_code_is_refused(client, committee, world):
    response = post(client, f"/org/units/{world['hdi'].id}", {"code": "TXB", "name": "Phường Hạ Đình",
                                                              "cluster": 0, "active": "y"})
    assert response.status_code == 422 and "Mã «TXB» đã được dùng." in text(response)
    assert Unit.get_by_id(world["hdi"].id).code == "HDI"


@pytest.mark.parametrize("code", ["TX B", "Cụm1", "A" * 41])
def test_bad_codes_are_explained(client, committee, code):
    response = post(client, "/org/clusters/new", {"code": code, "name": "Cụm thử", "active": "y"})
    assert response.status_code == 422
    assert ("Mã chỉ gồm chữ không dấu, số và các dấu . _ - (tối đa 40 ký tự)." in text(response)
            or "Tối đa 40 ký tự." in text(response))
    assert Cluster.select().count() == 0


def test_missing_name_is_refused(client, committee):
    response = post(client, "/org/units/new", {"code": "X1", "name": "", "cluster": 0, "active": "y"})
    assert response.status_code == 422 and "Vui lòng nhập thông tin này." in text(response)


# --- lists and filters -------------------------------------------------------------------------

UNIT_FILTERS = [
    ("q=Hạ", {"Phường Hạ Đình", "Phường Láng Hạ"}),
    ("q=TXB", {"Phường Thanh Xuân Bắc"}),
    ("q=Không có", set()),
    ("cluster={tx}", {"Phường Thanh Xuân Bắc", "Phường Hạ Đình"}),
    ("cluster={dd}&q=Hạ", {"Phường Láng Hạ"}),
    ("", {"Phường Thanh Xuân Bắc", "Phường Hạ Đình", "Phường Láng Hạ"}),
]


@pytest.mark.parametrize("query, shown", UNIT_FILTERS)
def test_unit_list_filters(client, committee, world, query, shown):
    body = text(client.get("/org/units?" + query.format(tx=world["tx"].id, dd=world["dd"].id)))
    names = {"Phường Thanh Xuân Bắc", "Phường Hạ Đình", "Phường Láng Hạ"}
    assert {n for n in names if f"<td>{n}</td>" in body} == shown
    if not shown:
        assert "Không có đơn vị nào." in body


PEOPLE_FILTERS = [
    ("q=Trà My", {"Lê Trà My"}),
    ("q=HDI-001", {"Trần Minh Đức"}),
    ("unit={lha}", {"Đặng Văn Nam"}),
    ("unit={txb}&q=Nam", set()),
    ("", {"Lê Trà My", "Trần Minh Đức", "Đặng Văn Nam"}),
]


@pytest.mark.parametrize("query, shown", PEOPLE_FILTERS)
def test_people_list_filters(client, committee, world, query, shown):
    body = text(client.get("/org/people?" + query.format(txb=world["txb"].id, lha=world["lha"].id)))
    names = {"Lê Trà My", "Trần Minh Đức", "Đặng Văn Nam"}
    assert {n for n in names if n in body} == shown


# --- who may do what ---------------------------------------------------------------------------

def test_secretary_lists_but_cannot_change(client, make, login, world):
    login(make.user("secretary"))
    for url, shown in (("/org/clusters", "Cụm Thanh Xuân"), ("/org/units", "Phường Hạ Đình"),
                       ("/org/people", "Lê Trà My")):
        response = client.get(url)
        assert response.status_code == 200 and shown in text(response)
        assert "/new" not in response.get_data(as_text=True)
    person = Person.get(Person.staff_code == "TXB-001")
    for url in ("/org/clusters/new", "/org/units/new", "/org/people/new", f"/org/clusters/{world['tx'].id}",
                f"/org/units/{world['txb'].id}", f"/org/people/{person.id}"):
        assert client.get(url).status_code == 403, url
    response = post(client, f"/org/units/{world['txb'].id}", {"code": "TXB", "name": "Đổi tên", "cluster": 0},
                    page="/org/units")
    assert response.status_code == 403 and Unit.get_by_id(world["txb"].id).name == "Phường Thanh Xuân Bắc"


@pytest.mark.parametrize("url", ["/org/clusters", "/org/units", "/org/people", "/org/units/new"])
def test_officer_cannot_see_org_lists(client, make, login, url):
    login(make.user("officer"))
    assert client.get(url).status_code == 403


def test_missing_optional_text_field_is_blank_not_a_crash(client, make, login):
    login(make.user("committee"))
    from tests.helpers import post
    response = post(client, "/org/units/new", {"code": "TAYLAM", "name": "Phường Tây Lạm", "cluster": "0",
                                               "active": "y"})
    assert response.status_code == 302
    from emulation.models import Unit
    assert Unit.get(Unit.code == "TAYLAM").kind == ""
