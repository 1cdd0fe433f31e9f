"""Criteria sets inside a campaign archive: the stored TOML text is the truth.

A set travels as its ``source_text`` (the imported TOML file) plus its header and
criteria written out for readers. On import the text is parsed again: it must parse,
its canonical hash must be ``content_hash``, and the header and criteria must be what
it gives, so a hand-edited list can never disagree with the set that gets stored.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import archive_format as f
from .archive_format import Problem, join
from .criteria import CriteriaError, CriteriaSet, Criterion, Kind, canonical_hash, parse_criteria


def criterion_rows(data: CriteriaSet) -> list[dict[str, Any]]:
    """The archive's ``criteria`` list of a parsed set, in file order."""
    titles = {g.code: g.title for g in data.groups}
    return [{"position": i, "group_code": c.group_code, "group_title": titles[c.group_code], "code": c.code,
             "title": c.title, "guidance": c.guidance, "kind": c.kind.value, "max": f.fmt_decimal(c.max),
             "step": f.fmt_decimal(c.step), "evidence_required": c.evidence_required,
             "evidence_hint": c.evidence_hint, "disqualifying": c.disqualifying}
            for i, c in enumerate(data.criteria)]


def _listed(item: dict[str, Any], where: str, problems: list[Problem]) -> dict[str, Criterion]:
    """The listed criteria as domain criteria (codes unique), for checking values."""
    found: dict[str, Criterion] = {}
    for i, row in enumerate(item["criteria"]):
        path = join(join(where, "criteria"), i)
        if not f.check_object(row, f.CRITERION, path, problems):
            continue
        if row["code"] in found:
            problems.append(Problem(join(path, "code"), f"mã tiêu chí «{row['code']}» trùng."))
            continue
        found[row["code"]] = Criterion(
            code=row["code"], title=row["title"], guidance=row["guidance"], kind=Kind(row["kind"]),
            max=Decimal(row["max"]), step=Decimal(row["step"]), evidence_required=row["evidence_required"],
            evidence_hint=row["evidence_hint"], disqualifying=row["disqualifying"], group_code=row["group_code"])
    return found


def check_criteria_set(item: dict[str, Any], where: str, problems: list[Problem]) -> dict[str, Criterion]:
    """Problems of one well-formed ``criteria_sets`` item; returns its criteria by code."""
    found = _listed(item, where, problems)
    try:
        data = parse_criteria(item["source_text"])
    except CriteriaError as error:
        first = "; ".join(f"{p.path + ': ' if p.path else ''}{p.message}" for p in error.problems[:3])
        problems.append(Problem(join(where, "source_text"), f"không đọc được bộ tiêu chí: {first}"))
        return found
    if canonical_hash(data) != item["content_hash"]:
        problems.append(Problem(join(where, "content_hash"), "không khớp với nội dung «source_text» "
                                                             "(tệp đã bị sửa sau khi xuất?)."))
    header = {"code": data.id, "version": data.version, "title": data.title, "target": data.target,
              "description": data.description, "source": data.source, "max_total": f.fmt_decimal(data.max_total)}
    for key, value in header.items():
        if item[key] != value:
            problems.append(Problem(join(where, key), f"khác với «source_text» ({value!r})."))
    if item["criteria"] != criterion_rows(data):
        problems.append(Problem(join(where, "criteria"), "danh sách tiêu chí khác với «source_text»."))
    return found
