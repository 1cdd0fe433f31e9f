"""The campaign archive file format (``docs/archive.md``): field tables, value kinds, writing.

Rules stated here:
- an archive is one JSON object, written by :func:`dumps` with sorted keys, one-space
  indentation, UTF-8 text (no ``\\u`` escapes) and a final newline, so the same data
  always gives the same bytes;
- decimals are strings (``"7.5"``, ``"10"``), never JSON numbers; datetimes are UTC,
  ISO 8601 with a ``Z`` (``"2026-03-01T01:00:00Z"``, microseconds only when present);
  dates are ``YYYY-MM-DD``; files are named by the SHA-256 of their bytes;
- every object has exactly the fields of its table below: a missing or unknown field
  is a problem, so a file from a newer format version is never half understood.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Union

FORMAT = "emulation-campaign-archive"
VERSION = 1

DECIMAL_RE = re.compile(r"-?\d{1,12}(\.\d{1,3})?", re.ASCII)       # what a FixedDecimalField(places=3) holds
DECIMAL6_RE = re.compile(r"-?\d{1,12}(\.\d{1,6})?", re.ASCII)      # places=6: the F frozen in a decision
INT_LIMIT = 2**31 - 1
DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z", re.ASCII)
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
SHA256_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an archive, at a path like ``submissions[3].self_scores.C01`` (0-based)."""
    path: str
    message: str

    def line(self) -> str:
        return f"Mục «{self.path}»: {self.message}" if self.path else self.message


# --- writing -----------------------------------------------------------------------------------

def dumps(document: Mapping[str, Any]) -> str:
    """The archive text: the only way an archive is written (byte-stable)."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def fmt_decimal(value: Decimal | None) -> str | None:
    """``Decimal("7.50")`` → ``"7.5"``, ``Decimal("1E+1")`` → ``"10"``."""
    if value is None:
        return None
    return format(value.normalize() + 0, "f")


def fmt_datetime(value: dt.datetime | None) -> str | None:
    """A naive UTC datetime as ``2026-03-01T01:00:00Z`` (microseconds kept when non-zero)."""
    if value is None:
        return None
    return value.replace(tzinfo=None).isoformat() + "Z"


def fmt_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def to_decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def to_datetime(text: str | None) -> dt.datetime | None:
    """Inverse of :func:`fmt_datetime`: a naive UTC datetime."""
    if text is None:
        return None
    return dt.datetime.fromisoformat(text.removesuffix("Z"))


def to_date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def submission_key(target: str, unit_code: str, staff_code: str | None) -> str:
    """The natural key of a submission: ``unit:<unit code>`` or ``person:<staff code>``."""
    return f"person:{staff_code}" if target == "individual" else f"unit:{unit_code}"


# --- value kinds ---------------------------------------------------------------------------------

def _datetime_ok(v: Any) -> bool:
    if not (isinstance(v, str) and DATETIME_RE.fullmatch(v)):
        return False
    try:
        to_datetime(v)
    except ValueError:
        return False
    return True


def _date_ok(v: Any) -> bool:
    if not (isinstance(v, str) and DATE_RE.fullmatch(v)):
        return False
    try:
        to_date(v)
    except ValueError:
        return False
    return True


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and abs(v) <= INT_LIMIT


KINDS: dict[str, tuple[Any, str]] = {
    "str": (lambda v: isinstance(v, str), "phải là một chuỗi."),
    "text": (lambda v: isinstance(v, str) and v.strip() != "", "phải là một chuỗi khác rỗng."),
    "int": (_int, f"phải là một số nguyên (trị tuyệt đối không quá {INT_LIMIT})."),
    "nat": (lambda v: _int(v) and v >= 0, f"phải là số nguyên từ 0 đến {INT_LIMIT}."),
    "pos": (lambda v: _int(v) and v >= 1, f"phải là số nguyên từ 1 đến {INT_LIMIT}."),
    "bool": (lambda v: isinstance(v, bool), "phải là true hoặc false."),
    "dec": (lambda v: isinstance(v, str) and bool(DECIMAL_RE.fullmatch(v)),
            'phải là số thập phân viết trong dấu ngoặc kép, tối đa 3 chữ số thập phân, ví dụ "7.5".'),
    "dec6": (lambda v: isinstance(v, str) and bool(DECIMAL6_RE.fullmatch(v)),
             'phải là số thập phân viết trong dấu ngoặc kép, tối đa 6 chữ số thập phân, ví dụ "91.123456".'),
    "dt": (_datetime_ok, 'phải là thời điểm UTC dạng ISO 8601, ví dụ "2026-03-01T08:00:00Z".'),
    "date": (_date_ok, 'phải là ngày dạng "YYYY-MM-DD".'),
    "sha": (lambda v: isinstance(v, str) and bool(SHA256_RE.fullmatch(v)),
            "phải là mã SHA-256: 64 chữ số hệ 16 viết thường."),
    "object": (lambda v: isinstance(v, dict), "phải là một đối tượng JSON ({…})."),
    "list": (lambda v: isinstance(v, list), "phải là một danh sách ([…])."),
}

Kind = Union[str, tuple, dict]  # a KINDS name (``?`` suffix: may be null), an enum tuple, a nested table


def check_kind(value: Any, kind: str | tuple, path: str, problems: list[Problem]) -> bool:
    """``value`` is of ``kind``; else one problem at ``path``."""
    if isinstance(kind, tuple):
        if value in kind and (value is not None or None in kind):
            return True
        shown = ", ".join("null" if k is None else str(k) for k in kind)
        problems.append(Problem(path, f"phải là một trong: {shown}."))
        return False
    nullable = kind.endswith("?")
    if value is None and nullable:
        return True
    test, message = KINDS[kind.rstrip("?")]
    if test(value):
        return True
    problems.append(Problem(path, message + (" (hoặc null)" if nullable else "")))
    return False


def check_object(value: Any, table: Mapping[str, Kind], path: str, problems: list[Problem]) -> bool:
    """``value`` is an object with exactly the fields of ``table``, each of its kind."""
    if not isinstance(value, dict):
        problems.append(Problem(path, KINDS["object"][1]))
        return False
    ok = True
    for key in sorted(set(value) - set(table)):
        problems.append(Problem(join(path, key), f"trường không có trong định dạng phiên bản {VERSION}."))
        ok = False
    for key, kind in table.items():
        where = join(path, key)
        if key not in value:
            problems.append(Problem(where, "thiếu trường bắt buộc này."))
            ok = False
        elif isinstance(kind, dict):
            if value[key] is not None or not kind.get("?", False):
                ok = check_object(value[key], {k: v for k, v in kind.items() if k != "?"}, where, problems) and ok
        else:
            ok = check_kind(value[key], kind, where, problems) and ok
    return ok


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# --- the tables ----------------------------------------------------------------------------------

TARGET = ("collective", "individual")
SET_REF = {"?": True, "code": "text", "version": "pos"}
WINDOWS = {name: "dt" for name in ("submission_opens", "submission_closes", "review_opens", "review_closes",
                                   "council_opens", "council_closes")}

TOP: dict[str, Kind] = {
    "format": "text", "version": "int", "campaign": "object",
    **{name: "list" for name in (
        "criteria_sets", "clusters", "units", "people", "users", "role_grants", "submissions", "nominations",
        "conflicts", "assignments", "reviews", "award_rules", "council_changes", "objections", "decisions")},
}
CAMPAIGN: dict[str, Kind] = {
    "slug": "text", "title": "text", "description": "str", "status": ("draft", "open", "closed", "archived"),
    "collective_set": {k: v for k, v in SET_REF.items() if k != "?"}, "individual_set": SET_REF,
    "windows": WINDOWS, "timezone": "text", "policy": "object", "authority": "text",
    "issuer_title": "text", "signer_title": "text", "signer_name": "text", "place": "str",
    "max_file_mb": "pos", "unit_quota_mb": "pos", "nomination_quota": "nat", "publication_days": "pos",
    "results_published_at": "dt?", "publication_closes": "dt?", "created_at": "dt", "units": "list",
}
CRITERIA_SET: dict[str, Kind] = {
    "code": "text", "version": "pos", "title": "text", "target": TARGET, "description": "str",
    "source": "str", "content_hash": "sha", "max_total": "dec", "imported_at": "dt",
    "source_text": "text", "criteria": "list",
}
CRITERION: dict[str, Kind] = {
    "position": "nat", "group_code": "text", "group_title": "text", "code": "text", "title": "text",
    "guidance": "str", "kind": ("score", "bonus", "penalty"), "max": "dec", "step": "dec",
    "evidence_required": "bool", "evidence_hint": "str", "disqualifying": "bool",
}
CLUSTER: dict[str, Kind] = {"code": "text", "name": "text", "active": "bool"}
UNIT: dict[str, Kind] = {"code": "text", "name": "text", "kind": "str", "district": "str", "cluster": "text?",
                         "active": "bool", "created_at": "dt"}
PERSON: dict[str, Kind] = {"staff_code": "text", "unit": "text", "full_name": "text", "gender": ("", "M", "F"),
                           "position": "str", "email": "str", "phone": "str", "active": "bool"}
USER: dict[str, Kind] = {"username": "text", "full_name": "text"}
ROLE_GRANT: dict[str, Kind] = {"user": "text", "role": ("peer", "leader"), "granted_at": "dt"}
SUBMISSION: dict[str, Kind] = {
    "key": "text", "target": TARGET, "unit": "text", "person": "text?",
    "state": ("draft", "submitted", "returned", "locked"), "version": "pos", "submitted_at": "dt?",
    "updated_at": "dt", "self_scores": "object", "evidence": "list", "return_notes": "list",
}
SELF_SCORE: dict[str, Kind] = {"value": "dec?", "explanation": "str"}
EVIDENCE: dict[str, Kind] = {"sha256": "sha", "original_name": "text", "size": "pos", "content_type": "text",
                             "criterion": "text?", "uploaded_by": "text", "uploaded_at": "dt"}
RETURN_NOTE: dict[str, Kind] = {"criterion": "text?", "reason": "text", "created_at": "dt", "created_by": "text",
                                "resolved_at": "dt?"}
NOMINATION: dict[str, Kind] = {"person": "text", "unit": "text", "position": "str", "achievements": "str",
                               "submission": "text?", "created_at": "dt"}
CONFLICT: dict[str, Kind] = {"reviewer": "text", "unit": "text", "scope": ("campaign", "global"),
                             "kind": ("same_unit", "family", "superior", "other"), "note": "str",
                             "declared_at": "dt", "declared_by": "text?"}
ASSIGNMENT: dict[str, Kind] = {"submission": "text", "reviewer": "text", "role": ("peer", "leader"),
                               "assigned_at": "dt", "assigned_by": "text?", "override_reason": "str"}
REVIEW: dict[str, Kind] = {"submission": "text", "reviewer": "text", "state": ("draft", "submitted"),
                           "version": "pos", "submitted_at": "dt?", "updated_at": "dt", "scores": "object"}
SCORE: dict[str, Kind] = {"value": "dec?", "comment": "str",
                          "evidence_verdict": ("", "accepted", "insufficient", "missing")}
AWARD_RULE: dict[str, Kind] = {
    "precedence": "int", "title": "text", "form": ("bang-khen", "giay-khen"), "target": TARGET,
    "min_band": "str", "min_score": "dec", "quota_kind": ("count", "percent"), "quota_value": "nat",
    "per_cluster": "bool",
}
COUNCIL_CHANGE: dict[str, Kind] = {"submission": "text", "rule": "int", "action": ("add", "remove"),
                                   "reason": "text", "made_by": "text", "made_at": "dt"}
OBJECTION: dict[str, Kind] = {
    "submission": "text", "lodged_by": "text", "lodged_at": "dt", "reason": "text",
    "evidence": {"?": True, "sha256": "sha", "name": "text", "type": "text", "size": "pos"},
    "answer": "str", "answered_by": "text?", "answered_at": "dt?", "version": "pos",
}
DECISION: dict[str, Kind] = {
    "authority": "text", "number": "text", "signed_on": "date?", "signer_title": "str", "signer_name": "str",
    "state": ("draft", "approved"), "approved_at": "dt?", "approved_by": "text?", "basis": "str",
    "supersedes": {"?": True, "authority": "text", "number": "text"}, "created_by": "text?",
    "created_at": "dt?", "awards": "list", "certificates": "list",
}
DECISION_AWARD: dict[str, Kind] = {
    "position": "pos", "rule": "int", "submission": "text", "title": "text", "target": TARGET,
    "recipient_name": "text", "recipient_detail": "str", "unit_name": "text", "cluster_code": "str",
    "F": "dec6?", "rank_overall": "pos?", "band": "str", "source": ("rule", "council"), "reason": "str",
}
CERTIFICATE: dict[str, Kind] = {
    "number": "pos", "rule": "int", "submission": "text", "golden_book_no": "str", "verify_code": "text",
    "recipient_name": "text", "recipient_detail": "str", "achievement": "str", "pdf_sha256": "str",
    "issued_at": "dt", "revoked_at": "dt?", "revoke_reason": "str",
}
