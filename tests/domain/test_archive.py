"""Checking a campaign archive file: pure rules, no app (``domain.archive``)."""
from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from emulation.domain import archive_format as f
from emulation.domain.archive import parse, validate
from emulation.domain.archive_sets import criterion_rows
from emulation.domain.criteria import canonical_hash, parse_criteria
from emulation.domain.policy import ScoringPolicy

SOURCE = (Path(__file__).resolve().parents[2] / "criteria" / "hn-van-hoa-cong-so-v1.toml").read_text(encoding="utf-8")
T = "2026-01-05T01:00:00Z"


def minimal() -> dict:
    """The smallest meaningful archive: one unit's submitted self-assessment, one peer review."""
    data = parse_criteria(SOURCE)
    code = data.criteria[0].code
    return {
        "format": f.FORMAT, "version": f.VERSION,
        "campaign": {
            "slug": "p", "title": "Phong trào", "description": "", "status": "closed",
            "collective_set": {"code": data.id, "version": data.version}, "individual_set": None,
            "windows": {name: f"2026-01-0{i + 1}T01:00:00Z" for i, name in enumerate(f.WINDOWS)},
            "timezone": "Asia/Ho_Chi_Minh", "policy": ScoringPolicy().to_dict(), "authority": "UBND",
            "issuer_title": "CHỦ TỊCH", "signer_title": "CHỦ TỊCH", "signer_name": "A", "place": "Hà Nội",
            "max_file_mb": 10, "unit_quota_mb": 200, "nomination_quota": 3, "publication_days": 10,
            "results_published_at": None, "publication_closes": None, "created_at": T, "units": ["U1"]},
        "criteria_sets": [{
            "code": data.id, "version": data.version, "title": data.title, "target": data.target,
            "description": data.description, "source": data.source, "content_hash": canonical_hash(data),
            "max_total": f.fmt_decimal(data.max_total), "imported_at": T, "source_text": SOURCE,
            "criteria": criterion_rows(data)}],
        "clusters": [{"code": "C", "name": "Cụm", "active": True}],
        "units": [{"code": "U1", "name": "Phường 1", "kind": "phường", "district": "", "cluster": "C",
                   "active": True, "created_at": T}],
        "people": [], "users": [{"username": "peer", "full_name": "Người chấm"}],
        "role_grants": [{"user": "peer", "role": "peer", "granted_at": T}],
        "submissions": [{"key": "unit:U1", "target": "collective", "unit": "U1", "person": None,
                         "state": "submitted", "version": 3, "submitted_at": T, "updated_at": T,
                         "self_scores": {code: {"value": "1", "explanation": ""}}, "evidence": [],
                         "return_notes": []}],
        "nominations": [], "conflicts": [],
        "assignments": [{"submission": "unit:U1", "reviewer": "peer", "role": "peer", "assigned_at": T,
                         "assigned_by": None, "override_reason": ""}],
        "reviews": [{"submission": "unit:U1", "reviewer": "peer", "state": "draft", "version": 1,
                     "submitted_at": None, "updated_at": T,
                     "scores": {code: {"value": "0.5", "comment": "", "evidence_verdict": ""}}}],
        "award_rules": [], "council_changes": [], "objections": [], "decisions": [],
    }


def lines(document) -> list[str]:
    return [p.line() for p in validate(document)]


def test_a_minimal_archive_is_accepted_and_written_byte_stable():
    text = f.dumps(minimal())
    document, problems = parse(text)
    assert problems == [] and f.dumps(document) == text
    assert text.endswith("}\n") and "\\u" not in text


def changed(edit):
    document = copy.deepcopy(minimal())
    edit(document)
    return document


CODE = parse_criteria(SOURCE).criteria[0].code
CASES = [
    ("review value over max", lambda d: d["reviews"][0]["scores"][CODE].update(value="1000"),
     f"Mục «reviews[0].scores.{CODE}.value»: Tiêu chí {CODE}"),
    ("value off step", lambda d: d["submissions"][0]["self_scores"][CODE].update(value="0.3"),
     "không phải bội số"),
    ("unknown criterion", lambda d: d["submissions"][0]["self_scores"].update(ZZ={"value": None, "explanation": ""}),
     "Mục «submissions[0].self_scores.ZZ»: tiêu chí «ZZ» không có"),
    ("float value", lambda d: d["reviews"][0]["scores"][CODE].update(value=0.5), "số thập phân viết trong"),
    ("review without assignment", lambda d: d["assignments"].clear(), "không có phân công chấm"),
    ("dangling cluster", lambda d: d["units"][0].update(cluster="X"), "Mục «units[0].cluster»: «X» không có"),
    ("bad datetime", lambda d: d["units"][0].update(created_at="2026-01-05 01:00"), "thời điểm UTC"),
    ("windows out of order", lambda d: d["campaign"]["windows"].update(submission_closes="2025-01-01T00:00:00Z"),
     "Mục «campaign.windows.submission_closes»"),
    ("weights not summing to 1", lambda d: d["campaign"]["policy"].update(w_self="0.9"), "Mục «campaign.policy."),
    ("wrong key", lambda d: d["submissions"][0].update(key="unit:U2"), "khóa phải là «unit:U1»"),
    ("unknown time zone", lambda d: d["campaign"].update(timezone="Mars/Olympus"), "múi giờ"),
    ("set of the wrong target", lambda d: d["campaign"].update(individual_set=d["campaign"]["collective_set"]),
     "không phải «individual»"),
    ("four decimals", lambda d: d["submissions"][0]["self_scores"][CODE].update(value="0.5000"),
     "tối đa 3 chữ số"),
    ("huge integer", lambda d: d["submissions"][0].update(version=10**20), "số nguyên từ 1"),
]


@pytest.mark.parametrize("name,edit,expected", CASES, ids=[c[0] for c in CASES])
def test_problems_name_the_place(name, edit, expected):
    found = lines(changed(edit))
    assert any(expected in line for line in found), found


def test_a_malformed_item_is_reported_once_not_at_every_reference():
    found = lines(changed(lambda d: d["users"][0].update(email="x")))
    assert found == ["Mục «users[0].email»: trường không có trong định dạng phiên bản 1."]


def test_other_formats_and_versions_stop_at_the_header():
    assert [p.path for p in validate(changed(lambda d: d.update(version=2)))] == ["version"]
    assert [p.path for p in validate(changed(lambda d: d.update(format="x")))] == ["format"]
    _doc, problems = parse('{"format": 1, "format": 2}')
    assert "hai lần" in problems[0].message


@pytest.mark.parametrize("value", [dt.datetime(2026, 1, 5, 1, 0), dt.datetime(2026, 1, 5, 1, 0, 0, 250)])
def test_datetimes_round_trip_exactly(value):
    assert f.to_datetime(f.fmt_datetime(value)) == value


@pytest.mark.parametrize("value,text", [(Decimal("7.50"), "7.5"), (Decimal("1E+1"), "10"), (Decimal("-0"), "0")])
def test_decimals_are_written_plainly(value, text):
    assert f.fmt_decimal(value) == text

