"""Checking a campaign archive (``docs/archive.md``) before anything is written.

:func:`parse` reads the text and returns every problem found, never stopping at the
first one. Rules checked here (the file alone; what the target installation already
holds is the import service's business):
- valid JSON without repeated keys, ``format`` and ``version`` this code writes; every
  object has exactly the fields of its table (``archive_format``), each of its kind;
- natural keys are unique within their section (unit codes, staff codes, usernames,
  ``code``+``version`` of criteria sets, submission keys, one assignment per submission
  and reviewer, one review per assignment, rule precedences, decision numbers,
  award positions and certificate numbers within a decision, verification codes);
- every reference names an object of the archive: a unit's cluster, a person's unit,
  users, units, people, submissions, award rules (by precedence), the decision a
  decision supersedes (an earlier one in the list), the campaign's criteria sets;
- a criteria set's ``source_text`` parses, its canonical hash is ``content_hash`` and
  it gives exactly the listed criteria;
- self-assessment and review values name criteria of the set of the submission's
  target and obey their bounds and step (``criteria.check_value``); evidence and
  return notes name criteria of that set;
- the policy and windows pass ``policy.validate_policy`` / ``validate_windows``; the
  time zone exists; one file hash never comes with two sizes.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import archive_format as f
from .archive_format import FORMAT, VERSION, Problem, join
from .archive_sets import check_criteria_set
from .criteria import Criterion, check_value
from .policy import ScoringPolicy, validate_policy, validate_windows

__all__ = ["parse", "validate", "Problem", "file_sizes"]


class _RepeatedKey(ValueError):
    pass


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _RepeatedKey(key)
        result[key] = value
    return result


def parse(text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The archive document and no problems, or None and every problem found."""
    try:
        document = json.loads(text.removeprefix("\ufeff"), object_pairs_hook=_no_repeats)
    except _RepeatedKey as error:
        return None, [Problem("", f"Khóa «{error}» xuất hiện hai lần trong cùng một đối tượng JSON.")]
    except json.JSONDecodeError as error:
        return None, [Problem("", f"Tệp không phải JSON hợp lệ (dòng {error.lineno}, cột {error.colno}: "
                                  f"{error.msg}); tệp có thể bị cắt cụt hoặc bị sửa hỏng.")]
    problems = validate(document)
    return (None if problems else document), problems


def validate(document: Any) -> list[Problem]:
    """Every problem of a parsed archive document (empty: it can be imported)."""
    problems: list[Problem] = []
    if not isinstance(document, dict):
        return [Problem("", "Tệp lưu trữ phải là một đối tượng JSON ({…}).")]
    if document.get("format") != FORMAT:
        return [Problem("format", f"không phải tệp lưu trữ phong trào (cần \"{FORMAT}\").")]
    if document.get("version") != VERSION:
        return [Problem("version", f"phiên bản định dạng {document.get('version')!r} không được hỗ trợ; "
                                   f"phiên bản này đọc được phiên bản {VERSION}.")]
    if not f.check_object(document, f.TOP, "", problems):
        return problems
    _Checker(document, problems).run()
    return problems


def file_sizes(document: dict[str, Any]) -> dict[str, int]:
    """The stored files the archive refers to: SHA-256 → size (evidence and objection attachments)."""
    sizes = {e["sha256"]: e["size"] for s in document["submissions"] for e in s["evidence"]}
    sizes.update({o["evidence"]["sha256"]: o["evidence"]["size"]
                  for o in document["objections"] if o["evidence"] is not None})
    return dict(sorted(sizes.items()))


class _Checker:
    """Walks the sections in dependency order, remembering the keys each one defines."""

    def __init__(self, document: dict[str, Any], problems: list[Problem]) -> None:
        self.doc, self.problems = document, problems
        self.sets: dict[tuple[str, int], tuple[str, dict[str, Criterion]]] = {}
        self.by_target: dict[str, dict[str, Criterion]] = {}
        self.clusters: set[str] = set()
        self.units: set[str] = set()
        self.people: set[str] = set()
        self.users: set[str] = set()
        self.submissions: dict[str, tuple[Any, Any]] = {}
        self.assignments: set[tuple[str, str]] = set()
        self.rules: set[int] = set()
        self.sizes: dict[str, tuple[int, str]] = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def run(self) -> None:
        for step in (self.criteria_sets, self.organisation, self.campaign, self.grants, self.submissions_,
                     self.nominations, self.conflicts, self.assignments_, self.reviews, self.award_rules,
                     self.council_changes, self.objections, self.decisions):
            step()

    def items(self, path: str, table: dict[str, f.Kind], key: Callable[[dict], Hashable] | None = None,
              items: list | None = None) -> Iterator[tuple[str, dict]]:
        """The well-formed items of the list at ``path`` (a section unless ``items`` is given),
        each with its own path; an item repeating an earlier one's key is a problem."""
        seen: set[Hashable] = set()
        for i, item in enumerate(self.doc[path] if items is None else items):
            where = join(path, i)
            if not f.check_object(item, table, where, self.problems):
                continue
            if key is not None:
                k = key(item)
                if k in seen:
                    self.problem(where, f"trùng khóa {k!r} với một mục trước trong cùng danh sách.")
                    continue
                seen.add(k)
            yield where, item

    def ref(self, value: Any, known: Any, path: str, section: str) -> bool:
        if value is None or value in known:
            return True
        self.problem(path, f"«{value}» không có trong mục «{section}» của tệp lưu trữ.")
        return False

    def keys(self, section: str, field: str) -> set[str]:
        """The keys a section defines, its malformed items included: a mistake is reported once,
        where it is, not again at every reference to it."""
        return {x[field] for x in self.doc[section] if isinstance(x, dict) and isinstance(x.get(field), str)}

    def criteria_sets(self) -> None:
        for where, item in self.items("criteria_sets", f.CRITERIA_SET, key=lambda s: (s["code"], s["version"])):
            criteria = check_criteria_set(item, where, self.problems)
            self.sets[(item["code"], item["version"])] = (item["target"], criteria)

    def organisation(self) -> None:
        self.clusters, self.units = self.keys("clusters", "code"), self.keys("units", "code")
        self.people, self.users = self.keys("people", "staff_code"), self.keys("users", "username")
        list(self.items("clusters", f.CLUSTER, key=lambda c: c["code"]))
        for where, unit in self.items("units", f.UNIT, key=lambda u: u["code"]):
            self.ref(unit["cluster"], self.clusters, join(where, "cluster"), "clusters")
        for where, person in self.items("people", f.PERSON, key=lambda p: p["staff_code"]):
            self.ref(person["unit"], self.units, join(where, "unit"), "units")
        list(self.items("users", f.USER, key=lambda u: u["username"]))

    def campaign(self) -> None:
        campaign = self.doc["campaign"]
        if not f.check_object(campaign, f.CAMPAIGN, "campaign", self.problems):
            return
        for field, target in (("collective_set", "collective"), ("individual_set", "individual")):
            ref = campaign[field]
            if ref is None:
                continue
            found = self.sets.get((ref["code"], ref["version"]))
            if found is None:
                self.problem(f"campaign.{field}", f"bộ tiêu chí «{ref['code']}» phiên bản {ref['version']} "
                                                  "không có trong mục «criteria_sets».")
            elif found[0] != target:
                self.problem(f"campaign.{field}", f"bộ tiêu chí này dành cho đối tượng «{found[0]}», "
                                                  f"không phải «{target}».")
            else:
                self.by_target[target] = found[1]
        windows = {k: f.to_datetime(v) for k, v in campaign["windows"].items()}
        for p in validate_windows(windows):
            self.problem(f"campaign.windows.{p.field}", p.message)
        try:
            policy = ScoringPolicy.from_dict(campaign["policy"])
        except (ValueError, TypeError, ArithmeticError) as error:
            self.problem("campaign.policy", f"không đọc được chính sách chấm điểm: {error}.")
        else:
            for p in validate_policy(policy):
                self.problem(f"campaign.policy.{p.field}", p.message)
        try:
            ZoneInfo(campaign["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            self.problem("campaign.timezone", f"múi giờ «{campaign['timezone']}» không tồn tại.")
        seen: set[str] = set()
        for i, code in enumerate(campaign["units"]):
            if f.check_kind(code, "text", f"campaign.units[{i}]", self.problems):
                if code in seen:
                    self.problem(f"campaign.units[{i}]", f"đơn vị «{code}» ghi hai lần.")
                seen.add(code)
                self.ref(code, self.units, f"campaign.units[{i}]", "units")

    def grants(self) -> None:
        for where, grant in self.items("role_grants", f.ROLE_GRANT, key=lambda g: (g["user"], g["role"])):
            self.ref(grant["user"], self.users, join(where, "user"), "users")

    def criterion(self, target: str, code: str | None, path: str) -> Criterion | None:
        if code is None:
            return None
        found = self.by_target.get(target, {}).get(code)
        if found is None:
            self.problem(path, f"tiêu chí «{code}» không có trong bộ tiêu chí {target} của phong trào.")
        return found

    def values(self, target: str, values: dict[str, Any], table: dict[str, f.Kind], path: str) -> None:
        if target not in self.by_target:
            return          # the submission's target or the campaign's set is already reported
        for code in sorted(values):
            where = join(path, code)
            if not f.check_object(values[code], table, where, self.problems):
                continue
            criterion = self.criterion(target, code, where)
            value = values[code]["value"]
            if criterion is not None and value is not None:
                message = check_value(criterion, Decimal(value))
                if message:
                    self.problem(join(where, "value"), message)

    def submissions_(self) -> None:
        self.submissions = {x["key"]: (x.get("target"), x.get("person")) for x in self.doc["submissions"]
                            if isinstance(x, dict) and isinstance(x.get("key"), str)}
        for where, sub in self.items("submissions", f.SUBMISSION, key=lambda s: s["key"]):
            target, person = sub["target"], sub["person"]
            if (target == "individual") != (person is not None):
                self.problem(join(where, "person"), "hồ sơ cá nhân cần «person», hồ sơ tập thể thì để null.")
            elif sub["key"] != f.submission_key(target, sub["unit"], person):
                self.problem(join(where, "key"), f"khóa phải là «{f.submission_key(target, sub['unit'], person)}».")
            self.ref(sub["unit"], self.units, join(where, "unit"), "units")
            self.ref(person, self.people, join(where, "person"), "people")
            if target not in self.by_target:
                self.problem(join(where, "target"), f"phong trào không có bộ tiêu chí cho đối tượng «{target}».")
            self.values(target, sub["self_scores"], f.SELF_SCORE, join(where, "self_scores"))
            for e_where, evidence in self.items(join(where, "evidence"), f.EVIDENCE, items=sub["evidence"]):
                self.criterion(target, evidence["criterion"], join(e_where, "criterion"))
                self.ref(evidence["uploaded_by"], self.users, join(e_where, "uploaded_by"), "users")
                self.file(evidence["sha256"], evidence["size"], e_where)
            notes = self.items(join(where, "return_notes"), f.RETURN_NOTE, items=sub["return_notes"])
            for n_where, note in notes:
                self.criterion(target, note["criterion"], join(n_where, "criterion"))
                self.ref(note["created_by"], self.users, join(n_where, "created_by"), "users")

    def file(self, sha256: str, size: int, path: str) -> None:
        earlier = self.sizes.setdefault(sha256, (size, path))
        if earlier[0] != size:
            self.problem(join(path, "size"), f"cùng tệp (SHA-256) với «{earlier[1]}» nhưng kích thước khác "
                                             f"({size} và {earlier[0]} byte).")

    def submission(self, key: str, path: str) -> bool:
        return self.ref(key, self.submissions, path, "submissions")

    def nominations(self) -> None:
        for where, n in self.items("nominations", f.NOMINATION, key=lambda n: n["person"]):
            self.ref(n["unit"], self.units, join(where, "unit"), "units")
            self.ref(n["person"], self.people, join(where, "person"), "people")
            if n["submission"] is not None and self.submission(n["submission"], join(where, "submission")):
                if self.submissions[n["submission"]] != ("individual", n["person"]):
                    self.problem(join(where, "submission"), "phải là hồ sơ cá nhân của chính người được đề nghị.")

    def conflicts(self) -> None:
        for where, c in self.items("conflicts", f.CONFLICT):
            self.ref(c["reviewer"], self.users, join(where, "reviewer"), "users")
            self.ref(c["declared_by"], self.users, join(where, "declared_by"), "users")
            self.ref(c["unit"], self.units, join(where, "unit"), "units")

    def assignments_(self) -> None:
        for where, a in self.items("assignments", f.ASSIGNMENT, key=lambda a: (a["submission"], a["reviewer"])):
            self.submission(a["submission"], join(where, "submission"))
            self.ref(a["reviewer"], self.users, join(where, "reviewer"), "users")
            self.ref(a["assigned_by"], self.users, join(where, "assigned_by"), "users")
            self.assignments.add((a["submission"], a["reviewer"]))

    def reviews(self) -> None:
        for where, r in self.items("reviews", f.REVIEW, key=lambda r: (r["submission"], r["reviewer"])):
            if (r["submission"], r["reviewer"]) not in self.assignments:
                self.problem(where, f"không có phân công chấm hồ sơ «{r['submission']}» cho «{r['reviewer']}» "
                                    "trong mục «assignments».")
            elif r["submission"] in self.submissions:
                self.values(self.submissions[r["submission"]][0], r["scores"], f.SCORE, join(where, "scores"))

    def award_rules(self) -> None:
        self.rules = {x["precedence"] for x in self.doc["award_rules"]
                      if isinstance(x, dict) and isinstance(x.get("precedence"), int)}
        list(self.items("award_rules", f.AWARD_RULE, key=lambda r: r["precedence"]))

    def council_changes(self) -> None:
        for where, c in self.items("council_changes", f.COUNCIL_CHANGE):
            self.submission(c["submission"], join(where, "submission"))
            self.ref(c["rule"], self.rules, join(where, "rule"), "award_rules")
            self.ref(c["made_by"], self.users, join(where, "made_by"), "users")

    def objections(self) -> None:
        for where, o in self.items("objections", f.OBJECTION):
            self.submission(o["submission"], join(where, "submission"))
            for field in ("lodged_by", "answered_by"):
                self.ref(o[field], self.users, join(where, field), "users")
            if o["evidence"] is not None:
                self.file(o["evidence"]["sha256"], o["evidence"]["size"], join(where, "evidence"))

    def decisions(self) -> None:
        earlier: set[tuple[str, str]] = set()
        codes: set[str] = set()
        for where, d in self.items("decisions", f.DECISION, key=lambda d: (d["authority"], d["number"])):
            if d["supersedes"] is not None:
                ref = (d["supersedes"]["authority"], d["supersedes"]["number"])
                if ref not in earlier:
                    self.problem(join(where, "supersedes"), f"quyết định «{ref[1]}» phải đứng trước trong mục "
                                                            "«decisions».")
            earlier.add((d["authority"], d["number"]))
            for field in ("approved_by", "created_by"):
                self.ref(d[field], self.users, join(where, field), "users")
            for table, section, number in ((f.DECISION_AWARD, "awards", "position"),
                                           (f.CERTIFICATE, "certificates", "number")):
                lines = self.items(join(where, section), table, key=lambda x, n=number: x[n], items=d[section])
                awarded: set[tuple[str, int]] = set()
                for l_where, line in lines:
                    if (line["submission"], line["rule"]) in awarded:
                        self.problem(l_where, "hồ sơ này đã có một dòng cùng hình thức khen thưởng trong quyết định.")
                    awarded.add((line["submission"], line["rule"]))
                    self.submission(line["submission"], join(l_where, "submission"))
                    self.ref(line["rule"], self.rules, join(l_where, "rule"), "award_rules")
                    if section == "certificates":
                        if line["verify_code"] in codes:
                            self.problem(join(l_where, "verify_code"), "mã xác minh trùng với một bằng khác.")
                        codes.add(line["verify_code"])
