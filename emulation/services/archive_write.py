"""Writing a checked campaign archive into the database (called inside one transaction).

Rows go in section by section, in the archive's list order, so histories keep their
order (the latest council change stays the one in force). Natural keys become ids
through maps built as rows are inserted; rows the installation already had
(:class:`Existing`, checked identical by the caller) are reused, not inserted again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..database import bulk_insert as _insert
from ..domain import archive_format as f
from ..models import (Assignment, AwardRule, Campaign, CampaignUnit, Certificate, Cluster, Conflict, CouncilChange,
                      CriteriaSet, Criterion, Decision, DecisionAward, Evidence, Nomination, Objection, Person,
                      ReturnNote, Review, RoleGrant, Score, SelfScore, Submission, Unit, User)

UNUSABLE_PASSWORD = "!archive-import"   # never an argon2 hash: no password can match it
at, dec = f.to_datetime, f.to_decimal


@dataclass
class Existing:
    """Ids of rows the installation already holds, by natural key."""
    sets: dict[tuple[str, int], int] = field(default_factory=dict)
    clusters: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)

    def reused(self) -> tuple[str, ...]:
        parts = (("criteria_sets", [f"{c}@{v}" for c, v in self.sets]), ("clusters", self.clusters),
                 ("units", self.units), ("people", self.people), ("users", self.users))
        return tuple(f"{name}: {', '.join(sorted(keys))}" for name, keys in parts if keys)


def write_archive(doc: dict[str, Any], existing: Existing) -> Campaign:
    return _Writer(doc, existing).write()


class _Writer:
    def __init__(self, doc: dict[str, Any], existing: Existing) -> None:
        self.doc, self.ex = doc, existing
        self.criteria: dict[str, dict[str, int]] = {}     # target → code → criterion id
        self.subs: dict[str, int] = {}
        self.rules: dict[int, int] = {}
        self.set_ids = dict(existing.sets)

    def write(self) -> Campaign:
        self.criteria_sets()
        self.organisation()
        self.campaign = self.campaign_()
        for step in (self.grants, self.submissions, self.nominations, self.conflicts, self.assignments,
                     self.award_rules, self.council_changes, self.objections, self.decisions):
            step()
        return self.campaign

    def user(self, username: str | None) -> int | None:
        return None if username is None else self.users[username]

    def criteria_sets(self) -> None:
        for s in self.doc["criteria_sets"]:
            key = (s["code"], s["version"])
            if key in self.set_ids:
                continue
            row = CriteriaSet.create(code=s["code"], version=s["version"], title=s["title"], target=s["target"],
                                     description=s["description"], source=s["source"],
                                     content_hash=s["content_hash"], source_text=s["source_text"],
                                     max_total=dec(s["max_total"]), imported_at=at(s["imported_at"]))
            _insert(Criterion, [Criterion.criteria_set, Criterion.position, Criterion.group_code,
                                Criterion.group_title, Criterion.code, Criterion.title, Criterion.guidance,
                                Criterion.kind, Criterion.max, Criterion.step, Criterion.evidence_required,
                                Criterion.evidence_hint, Criterion.disqualifying],
                    [(row.id, c["position"], c["group_code"], c["group_title"], c["code"], c["title"], c["guidance"],
                      c["kind"], dec(c["max"]), dec(c["step"]), c["evidence_required"], c["evidence_hint"],
                      c["disqualifying"]) for c in s["criteria"]])
            self.set_ids[key] = row.id

    def set_id(self, ref: dict[str, Any] | None) -> int | None:
        return None if ref is None else self.set_ids[(ref["code"], ref["version"])]

    def organisation(self) -> None:
        new = [c for c in self.doc["clusters"] if c["code"] not in self.ex.clusters]
        _insert(Cluster, [Cluster.code, Cluster.name, Cluster.active],
                [(c["code"], c["name"], c["active"]) for c in new])
        self.clusters = dict(Cluster.select(Cluster.code, Cluster.id).where(
            Cluster.code.in_([c["code"] for c in self.doc["clusters"]])).tuples())
        new = [u for u in self.doc["units"] if u["code"] not in self.ex.units]
        _insert(Unit, [Unit.code, Unit.name, Unit.kind, Unit.district, Unit.cluster, Unit.active, Unit.created_at],
                [(u["code"], u["name"], u["kind"], u["district"], self.clusters.get(u["cluster"]), u["active"],
                  at(u["created_at"])) for u in new])
        self.units = dict(Unit.select(Unit.code, Unit.id).where(
            Unit.code.in_([u["code"] for u in self.doc["units"]])).tuples())
        new = [p for p in self.doc["people"] if p["staff_code"] not in self.ex.people]
        _insert(Person, [Person.staff_code, Person.unit, Person.full_name, Person.gender, Person.position,
                         Person.email, Person.phone, Person.active],
                [(p["staff_code"], self.units[p["unit"]], p["full_name"], p["gender"], p["position"], p["email"],
                  p["phone"], p["active"]) for p in new])
        self.people = dict(Person.select(Person.staff_code, Person.id).where(
            Person.staff_code.in_([p["staff_code"] for p in self.doc["people"]])).tuples())
        new = [u for u in self.doc["users"] if u["username"] not in self.ex.users]
        _insert(User, [User.username, User.full_name, User.password_hash, User.active],
                [(u["username"], u["full_name"], UNUSABLE_PASSWORD, False) for u in new])
        self.users = dict(User.select(User.username, User.id).where(
            User.username.in_([u["username"] for u in self.doc["users"]])).tuples())

    def campaign_(self) -> Campaign:
        c = self.doc["campaign"]
        plain = ("slug", "title", "description", "status", "timezone", "authority", "issuer_title", "signer_title",
                 "signer_name", "place", "max_file_mb", "unit_quota_mb", "nomination_quota", "publication_days")
        campaign = Campaign.create(
            **{k: c[k] for k in plain}, **{k: at(v) for k, v in c["windows"].items()},
            collective_set=self.set_id(c["collective_set"]), individual_set=self.set_id(c["individual_set"]),
            policy_json=json.dumps(c["policy"], ensure_ascii=False, sort_keys=True),
            results_published_at=at(c["results_published_at"]), publication_closes=at(c["publication_closes"]),
            created_at=at(c["created_at"]))
        _insert(CampaignUnit, [CampaignUnit.campaign, CampaignUnit.unit],
                [(campaign.id, self.units[code]) for code in c["units"]])
        for target, ref in (("collective", c["collective_set"]), ("individual", c["individual_set"])):
            if ref is not None:
                self.criteria[target] = dict(Criterion.select(Criterion.code, Criterion.id)
                                             .where(Criterion.criteria_set == self.set_id(ref)).tuples())
        return campaign

    def grants(self) -> None:
        _insert(RoleGrant, [RoleGrant.user, RoleGrant.role, RoleGrant.campaign, RoleGrant.granted_at],
                [(self.user(g["user"]), g["role"], self.campaign.id, at(g["granted_at"]))
                 for g in self.doc["role_grants"]])

    def submissions(self) -> None:
        subs = self.doc["submissions"]
        subjects = [f"person:{self.people[s['person']]}" if s["person"] else f"unit:{self.units[s['unit']]}"
                    for s in subs]
        keys = dict(zip(subjects, (s["key"] for s in subs)))
        _insert(Submission, [Submission.campaign, Submission.target, Submission.unit, Submission.person,
                             Submission.subject_key, Submission.state, Submission.version, Submission.submitted_at,
                             Submission.updated_at],
                [(self.campaign.id, s["target"], self.units[s["unit"]], self.people.get(s["person"]), subject,
                  s["state"], s["version"], at(s["submitted_at"]), at(s["updated_at"]))
                 for subject, s in zip(subjects, subs)])
        self.subs = {keys[k]: i for i, k in Submission.select(Submission.id, Submission.subject_key)
                     .where(Submission.campaign == self.campaign).tuples()}
        code = self.criteria
        _insert(SelfScore, [SelfScore.submission, SelfScore.criterion, SelfScore.value, SelfScore.explanation],
                [(self.subs[s["key"]], code[s["target"]][c], dec(v["value"]), v["explanation"])
                 for s in subs for c, v in sorted(s["self_scores"].items())])
        _insert(Evidence, [Evidence.submission, Evidence.criterion, Evidence.sha256, Evidence.original_name,
                           Evidence.size, Evidence.content_type, Evidence.uploaded_by, Evidence.uploaded_at],
                [(self.subs[s["key"]], code[s["target"]].get(e["criterion"]), e["sha256"], e["original_name"],
                  e["size"], e["content_type"], self.user(e["uploaded_by"]), at(e["uploaded_at"]))
                 for s in subs for e in s["evidence"]])
        _insert(ReturnNote, [ReturnNote.submission, ReturnNote.criterion, ReturnNote.reason, ReturnNote.created_at,
                             ReturnNote.created_by, ReturnNote.resolved_at],
                [(self.subs[s["key"]], code[s["target"]].get(n["criterion"]), n["reason"], at(n["created_at"]),
                  self.user(n["created_by"]), at(n["resolved_at"])) for s in subs for n in s["return_notes"]])

    def nominations(self) -> None:
        _insert(Nomination, [Nomination.campaign, Nomination.unit, Nomination.person, Nomination.position,
                             Nomination.achievements, Nomination.submission, Nomination.created_at],
                [(self.campaign.id, self.units[n["unit"]], self.people[n["person"]], n["position"], n["achievements"],
                  self.subs.get(n["submission"]), at(n["created_at"])) for n in self.doc["nominations"]])

    def conflicts(self) -> None:
        rows = []
        for c in self.doc["conflicts"]:
            reviewer, unit = self.user(c["reviewer"]), self.units[c["unit"]]
            scope = self.campaign.id if c["scope"] == "campaign" else None
            if scope is None and Conflict.select().where(Conflict.reviewer == reviewer, Conflict.unit == unit,
                                                         Conflict.kind == c["kind"],
                                                         Conflict.campaign.is_null()).exists():
                continue        # a standing conflict this installation already knows
            rows.append((reviewer, unit, scope, c["kind"], c["note"], at(c["declared_at"]),
                         self.user(c["declared_by"])))
        _insert(Conflict, [Conflict.reviewer, Conflict.unit, Conflict.campaign, Conflict.kind, Conflict.note,
                           Conflict.declared_at, Conflict.declared_by], rows)

    def assignments(self) -> None:
        _insert(Assignment, [Assignment.submission, Assignment.reviewer, Assignment.role, Assignment.assigned_at,
                             Assignment.assigned_by, Assignment.override_reason],
                [(self.subs[a["submission"]], self.user(a["reviewer"]), a["role"], at(a["assigned_at"]),
                  self.user(a["assigned_by"]), a["override_reason"]) for a in self.doc["assignments"]])
        ids = {(s, r): i for i, s, r in Assignment.select(Assignment.id, Assignment.submission, Assignment.reviewer)
               .where(Assignment.submission.in_(list(self.subs.values()))).tuples()}
        reviews = [(r, ids[(self.subs[r["submission"]], self.user(r["reviewer"]))]) for r in self.doc["reviews"]]
        _insert(Review, [Review.assignment, Review.state, Review.version, Review.submitted_at, Review.updated_at],
                [(a, r["state"], r["version"], at(r["submitted_at"]), at(r["updated_at"])) for r, a in reviews])
        review_ids = dict(Review.select(Review.assignment, Review.id)
                          .where(Review.assignment.in_([a for _r, a in reviews])).tuples())
        target = {s["key"]: s["target"] for s in self.doc["submissions"]}
        _insert(Score, [Score.review, Score.criterion, Score.value, Score.comment, Score.evidence_verdict],
                [(review_ids[a], self.criteria[target[r["submission"]]][c], dec(v["value"]), v["comment"],
                  v["evidence_verdict"]) for r, a in reviews for c, v in sorted(r["scores"].items())])

    def award_rules(self) -> None:
        _insert(AwardRule, [AwardRule.campaign, AwardRule.precedence, AwardRule.title, AwardRule.form,
                            AwardRule.target, AwardRule.min_band, AwardRule.min_score, AwardRule.quota_kind,
                            AwardRule.quota_value, AwardRule.per_cluster],
                [(self.campaign.id, r["precedence"], r["title"], r["form"], r["target"], r["min_band"],
                  Decimal(r["min_score"]), r["quota_kind"], r["quota_value"], r["per_cluster"])
                 for r in self.doc["award_rules"]])
        self.rules = dict(AwardRule.select(AwardRule.precedence, AwardRule.id)
                          .where(AwardRule.campaign == self.campaign).tuples())

    def council_changes(self) -> None:
        _insert(CouncilChange, [CouncilChange.campaign, CouncilChange.submission, CouncilChange.rule,
                                CouncilChange.action, CouncilChange.reason, CouncilChange.made_by,
                                CouncilChange.made_at],
                [(self.campaign.id, self.subs[c["submission"]], self.rules[c["rule"]], c["action"], c["reason"],
                  self.user(c["made_by"]), at(c["made_at"])) for c in self.doc["council_changes"]])

    def objections(self) -> None:
        none = {"sha256": "", "name": "", "type": "", "size": 0}
        files = [(e["sha256"], e["name"], e["type"], e["size"]) for e in
                 (o["evidence"] or none for o in self.doc["objections"])]
        _insert(Objection, [Objection.campaign, Objection.submission, Objection.lodged_by, Objection.lodged_at,
                            Objection.reason, Objection.evidence_sha256, Objection.evidence_name,
                            Objection.evidence_type, Objection.evidence_size, Objection.answer, Objection.answered_by,
                            Objection.answered_at, Objection.version],
                [(self.campaign.id, self.subs[o["submission"]], self.user(o["lodged_by"]), at(o["lodged_at"]),
                  o["reason"], *file, o["answer"], self.user(o["answered_by"]), at(o["answered_at"]), o["version"])
                 for o, file in zip(self.doc["objections"], files)])

    def decisions(self) -> None:
        made: dict[tuple[str, str], int] = {}
        for d in self.doc["decisions"]:
            sup = d["supersedes"]
            row = Decision.create(
                campaign=self.campaign, authority=d["authority"], number=d["number"],
                signed_on=f.to_date(d["signed_on"]), signer_title=d["signer_title"], signer_name=d["signer_name"],
                state=d["state"], approved_at=at(d["approved_at"]), approved_by=self.user(d["approved_by"]),
                basis=d["basis"], supersedes=made[(sup["authority"], sup["number"])] if sup else None,
                created_by=self.user(d["created_by"]), created_at=at(d["created_at"]))
            made[(d["authority"], d["number"])] = row.id
            _insert(DecisionAward, [DecisionAward.decision, DecisionAward.position, DecisionAward.rule,
                                    DecisionAward.submission, DecisionAward.title, DecisionAward.target,
                                    DecisionAward.recipient_name, DecisionAward.recipient_detail,
                                    DecisionAward.unit_name, DecisionAward.cluster_code, DecisionAward.F,
                                    DecisionAward.rank_overall, DecisionAward.band, DecisionAward.source,
                                    DecisionAward.reason],
                    [(row.id, a["position"], self.rules[a["rule"]], self.subs[a["submission"]], a["title"],
                      a["target"], a["recipient_name"], a["recipient_detail"], a["unit_name"], a["cluster_code"],
                      dec(a["F"]), a["rank_overall"], a["band"], a["source"], a["reason"]) for a in d["awards"]])
            _insert(Certificate, [Certificate.decision, Certificate.number, Certificate.rule, Certificate.submission,
                                  Certificate.golden_book_no, Certificate.verify_code, Certificate.recipient_name,
                                  Certificate.recipient_detail, Certificate.achievement, Certificate.pdf_sha256,
                                  Certificate.issued_at, Certificate.revoked_at, Certificate.revoke_reason],
                    [(row.id, c["number"], self.rules[c["rule"]], self.subs[c["submission"]], c["golden_book_no"],
                      c["verify_code"], c["recipient_name"], c["recipient_detail"], c["achievement"],
                      c["pdf_sha256"], at(c["issued_at"]), at(c["revoked_at"]), c["revoke_reason"])
                     for c in d["certificates"]])
