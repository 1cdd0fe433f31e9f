"""Languages: the English catalogue is complete and well-formed, the switch works,
and numbers and dates are shown the Vietnamese way."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from emulation.web.i18n import TRANSLATIONS, vn_date, vn_datetime, vn_number
from tests.conftest import ROOT
from tests.helpers import post

EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
METHOD_MAP = [("emulation/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_": None, "_l": None, "N_": None, "NP_": ((1, "c"), 2), "gettext": None,
            "lazy_gettext": None, "ngettext": (1, 2)}


@pytest.fixture(scope="module")
def catalog():
    with EN_PO.open("rb") as handle:
        return read_po(handle)


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def test_every_entry_is_translated_with_the_same_placeholders(catalog):
    entries = [m for m in catalog if m.id]
    assert len(entries) > 300
    untranslated, fuzzy, mismatched = [], [], []
    for message in entries:
        ids, strings = _forms(message.id), _forms(message.string)
        if not all(s and s.strip() for s in strings) or len(strings) < catalog.num_plurals * message.pluralizable:
            untranslated.append(ids[0])
        if message.fuzzy:
            fuzzy.append(ids[0])
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for string in strings:
            if set(PLACEHOLDER.findall(string or "")) != expected:
                mismatched.append((ids[0], string))
    assert not untranslated, f"untranslated entries in {EN_PO.name}: {untranslated}"
    assert not fuzzy, f"fuzzy entries in {EN_PO.name}: {fuzzy}"
    assert not mismatched, f"placeholders differ between msgid and msgstr: {mismatched}"


def test_catalogue_holds_every_message_in_the_sources(catalog):
    extracted = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), METHOD_MAP, {}, keywords=KEYWORDS):
        msgid = _forms(message)[0]
        if msgid:
            extracted.setdefault((msgid, context), f"{filename}:{lineno}")
    assert len(extracted) > 300
    missing = [f"{where}: {msgid!r}" for (msgid, context), where in sorted(extracted.items(), key=lambda kv: kv[1])
               if catalog.get(msgid, context) is None]
    assert not missing, ("messages missing from the English catalogue – run `make messages` and "
                         "translate the new entries:\n" + "\n".join(missing))


def test_language_switch_renders_english_and_back(client):
    response = post(client, "/lang", {"lang": "en", "next": "/login"}, page="/login")
    assert response.status_code == 302
    english = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in english
    assert "Sign in" in english
    assert "Đăng nhập" not in english

    response = post(client, "/lang", {"lang": "vi", "next": "/login"}, page="/login")
    assert response.status_code == 302
    vietnamese = client.get("/login").get_data(as_text=True)
    assert 'lang="vi"' in vietnamese
    assert "Đăng nhập" in vietnamese
    assert "Sign in" not in vietnamese


def test_vietnamese_number_and_date_formats(app):
    with app.test_request_context():
        assert vn_number(Decimal("1234.5")) == "1.234,5"
        assert vn_number(Decimal("7"), 2) == "7,00"
        assert vn_number(None) == "—"
        assert vn_datetime(datetime(2026, 11, 21, 1, 0)) == "21/11/2026 08:00"   # naive UTC → Hà Nội
        assert vn_datetime(None) == "—"
        assert vn_date(date(2026, 1, 5)) == "05/01/2026"
        assert vn_date(None) == "—"
