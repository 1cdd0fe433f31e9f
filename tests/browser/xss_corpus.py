"""The stored-XSS corpus: one payload string per stored free-text field, tagged with the field's key.

Every payload packs the whole corpus, so each field is tried against each vector:

- ``<img src=x onerror="window.__xss='KEY'">`` – sets a marker the test reads back;
- ``<svg onload=alert('KEY')>`` – opens a dialog the test listens for;
- ``"><script>alert('KEY')</script>`` – breaks out of a double-quoted attribute;
- ``{{7*7}}`` – template injection: must stay literal, never become ``49``;
- ``</textarea><script>alert('KEY')</script>`` – breaks out of a textarea;
- ``' onmouseover='alert("KEY")`` – breaks out of a single-quoted (or unquoted) attribute.

Link-like fields (file names shown as download links) start with ``javascript:alert('KEY')//``.
The key (``[UN]`` …) names the field in failure messages and in the dialog/marker text.
"""
from __future__ import annotations

import json
import re

from emulation.domain.criteria import canonical_hash, parse_criteria

# key → the stored field it goes into
FIELDS: dict[str, str] = {
    "CL": "Cluster.name",
    "UN": "Unit.name",
    "PN": "Person.full_name",
    "PP": "Person.position",
    "US": "User.full_name",
    "CT": "Campaign.title",
    "CD": "Campaign.description",
    "CS": "CriteriaSet.title (TOML)",
    "CG": "Criterion.group_title (TOML)",
    "CR": "Criterion.title (TOML)",
    "SE": "SelfScore.explanation",
    "SC": "Score.comment",
    "RN": "ReturnNote.reason",
    "NA": "Nomination.achievements",
    "NP": "Nomination.position",
    "CC": "CouncilChange.reason",
    "OR": "Objection.reason",
    "OA": "Objection.answer",
    "OE": "Objection.evidence_name",
    "DB": "Decision.basis",
    "DS": "Decision.signer_name",
    "DR": "DecisionAward.recipient_name",
    "DD": "DecisionAward.recipient_detail",
    "CN": "Certificate.recipient_name",
    "CV": "Certificate.revoke_reason",
    "EV": "Evidence.original_name",
    "AR": "AwardRule.title (and the frozen DecisionAward.title)",
    "CF": "Conflict.note",
    "CA": "Certificate.achievement",
    "AU": "AuditEvent old/new (JSON of a payload)",
    "Q": "?q= / ?code= search text (reflected)",
}
LINK_LIKE = {"EV", "OE"}


def payload(key: str) -> str:
    """The corpus for one field: 169 characters for a two-letter key, 193 when link-like (fits the
    200- and 255-character columns, so PostgreSQL takes it too)."""
    body = (f"[{key}]<img src=x onerror=\"window.__xss='{key}'\">"
            f"<svg onload=alert('{key}')>"
            f"\"><script>alert('{key}')</script>"
            "{{7*7}}"
            f"</textarea><script>alert('{key}')</script>"
            f"' onmouseover='alert(\"{key}\")")
    return f"javascript:alert('{key}')//{body}" if key in LINK_LIKE else body


def as_json_text(key: str) -> str:
    """How the payload reads inside a JSON document (the audit log shows old/new as JSON)."""
    return json.dumps(payload(key), ensure_ascii=False)[1:-1]


def key_of(text: str) -> str:
    """The field key a dialog message, marker or leaked fragment carries ('' when none)."""
    match = re.search(r"\b([A-Z]{1,2})\b", text or "")
    return match.group(1) if match else ""


def describe(key: str) -> str:
    return f"{key} = {FIELDS.get(key, '?')}"


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poisoned_toml(text: str, new_id: str | None = None) -> str:
    """A criteria file with every title replaced by a payload: the set's ``title`` (CS), each
    group's (CG) and each criterion's (CR); ``new_id`` renames the set (a new import)."""
    section, out = "top", []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "[[groups]]":
            section = "group"
        elif stripped == "[[groups.criteria]]":
            section = "criterion"
        if re.match(r'^title\s*=\s*"', stripped) and '"""' not in stripped:
            key = {"top": "CS", "group": "CG", "criterion": "CR"}[section]
            line = f"title = {_toml_string(payload(key))}"
        elif new_id and section == "top" and re.match(r'^id\s*=\s*"', stripped):
            line = f"id = {_toml_string(new_id)}"
        out.append(line)
    result = "\n".join(out) + "\n"
    parse_criteria(result)          # still a valid set
    return result


def poisoned_hash(text: str) -> str:
    return canonical_hash(parse_criteria(text))


# what the platform must never contain after rendering a page holding the corpus
INJECTED_SELECTOR = ('img[src="x"], svg[onload], [onerror], [onload], [onmouseover], '
                     'a[href^="javascript:" i], iframe[src^="javascript:" i], form[action^="javascript:" i]')
