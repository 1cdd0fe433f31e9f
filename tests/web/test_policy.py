"""The route policy table, walked route by route × role × method.

Every endpoint must be declared; a role the table does not name must never get a
2xx (anonymous: redirected to login for GET, 401 otherwise; signed in: 403).
POSTs carry a valid CSRF token, so a refusal is the policy's, not CSRF's.
"""
from __future__ import annotations

import re

import pytest

from emulation.web.policy import POLICY
from tests.helpers import csrf_from, login

ROLES = ("anonymous", "committee", "secretary", "officer", "peer", "leader")
SAMPLE_ARGS = {"kind": "units", "fmt": "pdf", "mode": "full"}


@pytest.fixture
def world(app, make):
    """One object of every kind (ids 1…) and one signed-in client per role."""
    campaign = make.campaign()
    unit = make.unit(cluster=make.cluster())
    make.person(unit=unit)
    users = {"committee": make.user("committee"), "secretary": make.user("secretary"),
             "officer": make.user("officer", unit=unit), "peer": make.user("peer", campaign=campaign),
             "leader": make.user("leader", campaign=campaign)}
    clients = {"anonymous": app.test_client()}
    for role, user in users.items():
        client = app.test_client()
        assert login(client, user.username, "mat-khau-demo-2026").status_code == 302
        clients[role] = client
    return clients


def _url(rule) -> str:
    values = {arg: SAMPLE_ARGS.get(arg, 1) for arg in rule.arguments}
    if rule.endpoint == "static":
        values = {"filename": "app.css"}
    return rule.build(values, append_unknown=False)[1]


def test_every_route_is_declared_and_nothing_else(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(POLICY) == set(), "routes missing from the policy table"
    assert set(POLICY) - endpoints == set(), "policy entries for routes that do not exist"


def test_walk_routes_roles_methods(app, world):
    token = {role: csrf_from(c.get("/login").get_data(as_text=True))
             for role, c in world.items() if role == "anonymous"}
    checked = 0
    for rule in app.url_map.iter_rules():
        url = _url(rule)
        policy = POLICY[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role in ROLES:
                roles = None if role == "anonymous" else {role}
                allowed = policy.allows(roles)
                client = world[role]
                if allowed and method != "GET":
                    continue  # allowed writes are exercised by their own tests
                data = {}
                if method == "POST":
                    page = client.get("/account/password" if role != "anonymous" else "/login")
                    data["csrf_token"] = csrf_from(page.get_data(as_text=True)) if role != "anonymous" \
                        else token["anonymous"]
                response = client.open(url, method=method, data=data)
                response.close()  # static files are streamed from an open file
                checked += 1
                if allowed:
                    assert response.status_code < 500, (rule.endpoint, role, response.status_code)
                    continue
                assert not 200 <= response.status_code < 300, (rule.endpoint, method, role)
                if role == "anonymous":
                    expected = 302 if method == "GET" else 401
                    assert response.status_code == expected, (rule.endpoint, method, response.status_code)
                    if method == "GET":
                        assert "/login" in response.headers["Location"]
                else:
                    assert response.status_code == 403, (rule.endpoint, method, role, response.status_code)
    assert checked > 150


def test_unknown_endpoint_in_table_is_denied(app, world, monkeypatch):
    monkeypatch.delitem(POLICY, "home.committee")
    assert world["committee"].get("/committee").status_code == 403


def test_forms_carry_csrf_tokens(app, world):
    """Every POST form on every page a committee member can open carries a CSRF token."""
    client = world["committee"]
    pages = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "public.health", "org.import_template"):
            continue
        response = client.get(_url(rule))
        html = response.get_data(as_text=True)
        response.close()
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S | re.I):
            assert 'name="csrf_token"' in form, rule.endpoint
        pages += 1
    assert pages > 15
