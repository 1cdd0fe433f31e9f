"""Test helpers: CSRF tokens from real pages, logging in, posting forms."""
from __future__ import annotations

import re

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "no CSRF token in page"
    return match.group(1)


def token(client, url: str = "/login") -> str:
    return csrf_from(client.get(url).get_data(as_text=True))


def post(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST a form the way a browser does: with the CSRF token from ``page`` (default ``url``)."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", token(client, page or url))
    return client.post(url, data=payload, **kwargs)


def login(client, username: str, password: str):
    return post(client, "/login", {"username": username, "password": password})
