"""The campaign archive (lưu trữ hồ sơ): one self-contained JSON file per campaign.

Format: ``docs/archive.md`` and ``domain.archive_format``. Writing rules:
- rows are named by natural keys (unit and cluster codes, staff codes, usernames,
  ``code``+``version`` of criteria sets, criterion codes, submission keys
  ``unit:<code>`` / ``person:<staff code>``, award-rule precedence, decision
  authority+number), never by database ids;
- lists with a natural key are sorted by it, conflicts by their content; histories
  (evidence, return notes, council changes, objections, decisions) keep the order they
  were made in (row id), which an import preserves, so export → import → export is
  byte-identical;
- derived data (the results table, ``results_computed_at``) and the installation's
  own records (passwords, login sessions, the audit log) are not exported; the results
  are recomputed on import.

Importing is :mod:`.archive_import` (``import_campaign``, re-exported here).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from peewee import JOIN

from ..domain import archive_format as f
from ..domain.archive import file_sizes
from ..models import (Assignment, AwardRule, Campaign, CampaignUnit, Certificate, Cluster, Conflict, CouncilChange,
                      CriteriaSet, Criterion, Decision, DecisionAward, Evidence, Nomination, Objection, Person,
                      ReturnNote, Review, RoleGrant, Score, SelfScore, Submission, Unit, User)
from ..storage import evidence_store
from .archive_import import ImportReport, import_campaign

__all__ = ["export_campaign", "build_archive", "copy_files", "import_campaign", "ImportReport"]

dec, when = f.fmt_decimal, f.fmt_datetime


def export_campaign(campaign: Campaign) -> str:
    """The archive text of a campaign (UTF-8 JSON, byte-stable)."""
    return f.dumps(build_archive(campaign))


def copy_files(text_or_document: str | dict[str, Any], folder: Path) -> tuple[int, list[str]]:
    """Copy the stored files an archive refers to into ``folder``, each named by its SHA-256.

    Returns (files copied, hashes missing from the store).
    """
    document = json.loads(text_or_document) if isinstance(text_or_document, str) else text_or_document
    folder.mkdir(parents=True, exist_ok=True)
    copied, missing = 0, []
    for sha256 in file_sizes(document):
        source = evidence_store.path(sha256)
        if not source.is_file():
            missing.append(sha256)
            continue
        shutil.copyfile(source, folder / sha256)
        copied += 1
    return copied, missing


def build_archive(campaign: Campaign) -> dict[str, Any]:
    return _Export(campaign).document()


class _Export:
    """Reads one campaign; remembers which users, units and people its rows name."""

    def __init__(self, campaign: Campaign) -> None:
        self.c = campaign
        self.usernames = dict(User.select(User.id, User.username).tuples())
        self.unit_codes = dict(Unit.select(Unit.id, Unit.code).tuples())
        self.user_ids: set[int] = set()
        self.unit_ids: set[int] = set()
        self.person_ids: set[int] = set()
        set_ids = [i for i in (campaign.collective_set_id, campaign.individual_set_id) if i]
        self.sets = list(CriteriaSet.select().where(CriteriaSet.id.in_(set_ids)).order_by(
            CriteriaSet.code, CriteriaSet.version))
        self.criteria = dict(Criterion.select(Criterion.id, Criterion.code)
                             .where(Criterion.criteria_set.in_(set_ids)).tuples())
        self.rules = dict(AwardRule.select(AwardRule.id, AwardRule.precedence)
                          .where(AwardRule.campaign == campaign).tuples())
        self.subs: dict[int, str] = {}

    def user(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        self.user_ids.add(user_id)
        return self.usernames[user_id]

    def unit(self, unit_id: int) -> str:
        self.unit_ids.add(unit_id)
        return self.unit_codes[unit_id]

    def code(self, criterion_id: int | None) -> str | None:
        return None if criterion_id is None else self.criteria[criterion_id]

    def document(self) -> dict[str, Any]:
        submissions = self.submissions()       # first: defines the submission keys
        doc = {"format": f.FORMAT, "version": f.VERSION, "campaign": self.campaign(),
               "criteria_sets": [self.criteria_set(s) for s in self.sets], "submissions": submissions,
               "role_grants": self.grants(), "nominations": self.nominations(), "conflicts": self.conflicts(),
               "assignments": self.assignments(), "reviews": self.reviews(), "award_rules": self.award_rules(),
               "council_changes": self.council_changes(), "objections": self.objections(),
               "decisions": self.decisions()}
        doc["people"] = self.people()          # last: after every section has named its users, units, people
        doc["units"], doc["clusters"] = self.units()
        doc["users"] = [{"username": u.username, "full_name": u.full_name}
                        for u in User.select().where(User.id.in_(self.user_ids)).order_by(User.username)]
        return doc

    def campaign(self) -> dict[str, Any]:
        c = self.c
        sets = {s.id: {"code": s.code, "version": s.version} for s in self.sets}
        units = [self.unit(u) for (u,) in CampaignUnit.select(CampaignUnit.unit)
                 .where(CampaignUnit.campaign == c).tuples()]
        return {
            "slug": c.slug, "title": c.title, "description": c.description, "status": c.status,
            "collective_set": sets[c.collective_set_id], "individual_set": sets.get(c.individual_set_id),
            "windows": {name: when(getattr(c, name)) for name in f.WINDOWS},
            "timezone": c.timezone, "policy": json.loads(c.policy_json), "authority": c.authority,
            "issuer_title": c.issuer_title, "signer_title": c.signer_title, "signer_name": c.signer_name,
            "place": c.place, "max_file_mb": c.max_file_mb, "unit_quota_mb": c.unit_quota_mb,
            "nomination_quota": c.nomination_quota, "publication_days": c.publication_days,
            "results_published_at": when(c.results_published_at), "publication_closes": when(c.publication_closes),
            "created_at": when(c.created_at), "units": sorted(units)}

    def criteria_set(self, s: CriteriaSet) -> dict[str, Any]:
        return {"code": s.code, "version": s.version, "title": s.title, "target": s.target,
                "description": s.description, "source": s.source, "content_hash": s.content_hash,
                "max_total": dec(s.max_total), "imported_at": when(s.imported_at), "source_text": s.source_text,
                "criteria": [{"position": r.position, "group_code": r.group_code, "group_title": r.group_title,
                              "code": r.code, "title": r.title, "guidance": r.guidance, "kind": r.kind,
                              "max": dec(r.max), "step": dec(r.step), "evidence_required": r.evidence_required,
                              "evidence_hint": r.evidence_hint, "disqualifying": r.disqualifying}
                             for r in s.ordered_criteria()]}

    def submissions(self) -> list[dict[str, Any]]:
        rows = list(Submission.select(Submission, Person.staff_code).join(Person, on=(Submission.person == Person.id),
                                                                          join_type=JOIN.LEFT_OUTER)
                    .where(Submission.campaign == self.c).objects())
        for s in rows:
            self.subs[s.id] = f.submission_key(s.target, self.unit(s.unit_id), s.staff_code)
            if s.person_id:
                self.person_ids.add(s.person_id)
        ids = list(self.subs)
        selfs: dict[int, dict] = {i: {} for i in ids}
        for r in SelfScore.select().where(SelfScore.submission.in_(ids)):
            selfs[r.submission_id][self.code(r.criterion_id)] = {"value": dec(r.value), "explanation": r.explanation}
        evidence: dict[int, list] = {i: [] for i in ids}
        for e in Evidence.select().where(Evidence.submission.in_(ids)).order_by(Evidence.id):
            evidence[e.submission_id].append({
                "sha256": e.sha256, "original_name": e.original_name, "size": e.size,
                "content_type": e.content_type, "criterion": self.code(e.criterion_id),
                "uploaded_by": self.user(e.uploaded_by_id), "uploaded_at": when(e.uploaded_at)})
        notes: dict[int, list] = {i: [] for i in ids}
        for n in ReturnNote.select().where(ReturnNote.submission.in_(ids)).order_by(ReturnNote.id):
            notes[n.submission_id].append({
                "criterion": self.code(n.criterion_id), "reason": n.reason, "created_at": when(n.created_at),
                "created_by": self.user(n.created_by_id), "resolved_at": when(n.resolved_at)})
        found = [{"key": self.subs[s.id], "target": s.target, "unit": self.unit_codes[s.unit_id],
                  "person": s.staff_code, "state": s.state, "version": s.version,
                  "submitted_at": when(s.submitted_at), "updated_at": when(s.updated_at),
                  "self_scores": selfs[s.id], "evidence": evidence[s.id], "return_notes": notes[s.id]}
                 for s in rows]
        return sorted(found, key=lambda s: s["key"])

    def grants(self) -> list[dict[str, Any]]:
        found = [{"user": self.user(g.user_id), "role": g.role, "granted_at": when(g.granted_at)}
                 for g in RoleGrant.select().where(RoleGrant.campaign == self.c)]
        return sorted(found, key=lambda g: (g["role"], g["user"]))

    def nominations(self) -> list[dict[str, Any]]:
        rows = Nomination.select(Nomination, Person.staff_code).join(Person).where(Nomination.campaign == self.c)
        found = []
        for n in rows.objects():
            self.person_ids.add(n.person_id)
            found.append({"person": n.staff_code, "unit": self.unit(n.unit_id), "position": n.position,
                          "achievements": n.achievements, "submission": self.subs.get(n.submission_id),
                          "created_at": when(n.created_at)})
        return sorted(found, key=lambda n: n["person"])

    def reviewer_ids(self) -> set[int]:
        assigned = Assignment.select(Assignment.reviewer).join(Submission).where(Submission.campaign == self.c)
        granted = RoleGrant.select(RoleGrant.user).where(RoleGrant.campaign == self.c)
        return {i for (i,) in assigned.tuples()} | {i for (i,) in granted.tuples()}

    def conflicts(self) -> list[dict[str, Any]]:
        """The campaign's own conflicts, and the standing ones of its reviewers."""
        rows = Conflict.select().where((Conflict.campaign == self.c) | (
            Conflict.campaign.is_null() & Conflict.reviewer.in_(self.reviewer_ids())))
        found = [{"reviewer": self.user(c.reviewer_id), "unit": self.unit(c.unit_id),
                  "scope": "global" if c.campaign_id is None else "campaign", "kind": c.kind, "note": c.note,
                  "declared_at": when(c.declared_at), "declared_by": self.user(c.declared_by_id)} for c in rows]
        # A set, not a history, and standing conflicts are shared with other campaigns: sorted by content.
        return sorted(found, key=lambda c: json.dumps(c, ensure_ascii=False, sort_keys=True))

    def assignments(self) -> list[dict[str, Any]]:
        rows = Assignment.select().join(Submission).where(Submission.campaign == self.c)
        found = [{"submission": self.subs[a.submission_id], "reviewer": self.user(a.reviewer_id), "role": a.role,
                  "assigned_at": when(a.assigned_at), "assigned_by": self.user(a.assigned_by_id),
                  "override_reason": a.override_reason} for a in rows]
        return sorted(found, key=lambda a: (a["submission"], a["reviewer"]))

    def reviews(self) -> list[dict[str, Any]]:
        rows = list(Review.select(Review, Assignment).join(Assignment).join(Submission)
                    .where(Submission.campaign == self.c))
        scores: dict[int, dict] = {r.id: {} for r in rows}
        for s in Score.select().join(Review).join(Assignment).join(Submission).where(Submission.campaign == self.c):
            scores[s.review_id][self.code(s.criterion_id)] = {"value": dec(s.value), "comment": s.comment,
                                                              "evidence_verdict": s.evidence_verdict}
        found = [{"submission": self.subs[r.assignment.submission_id], "reviewer": self.user(r.assignment.reviewer_id),
                  "state": r.state, "version": r.version, "submitted_at": when(r.submitted_at),
                  "updated_at": when(r.updated_at), "scores": scores[r.id]} for r in rows]
        return sorted(found, key=lambda r: (r["submission"], r["reviewer"]))

    def award_rules(self) -> list[dict[str, Any]]:
        return [{"precedence": r.precedence, "title": r.title, "form": r.form, "target": r.target,
                 "min_band": r.min_band, "min_score": dec(r.min_score), "quota_kind": r.quota_kind,
                 "quota_value": r.quota_value, "per_cluster": r.per_cluster}
                for r in AwardRule.select().where(AwardRule.campaign == self.c).order_by(AwardRule.precedence)]

    def council_changes(self) -> list[dict[str, Any]]:
        return [{"submission": self.subs[c.submission_id], "rule": self.rules[c.rule_id], "action": c.action,
                 "reason": c.reason, "made_by": self.user(c.made_by_id), "made_at": when(c.made_at)}
                for c in CouncilChange.select().where(CouncilChange.campaign == self.c).order_by(CouncilChange.id)]

    def objections(self) -> list[dict[str, Any]]:
        return [{"submission": self.subs[o.submission_id], "lodged_by": self.user(o.lodged_by_id),
                 "lodged_at": when(o.lodged_at), "reason": o.reason,
                 "evidence": {"sha256": o.evidence_sha256, "name": o.evidence_name, "type": o.evidence_type,
                              "size": o.evidence_size} if o.evidence_sha256 else None,
                 "answer": o.answer, "answered_by": self.user(o.answered_by_id), "answered_at": when(o.answered_at),
                 "version": o.version}
                for o in Objection.select().where(Objection.campaign == self.c).order_by(Objection.id)]

    def decisions(self) -> list[dict[str, Any]]:
        rows = list(Decision.select().where(Decision.campaign == self.c).order_by(Decision.id))
        keys = {d.id: {"authority": d.authority, "number": d.number} for d in rows}
        return [{**keys[d.id], "signed_on": f.fmt_date(d.signed_on), "signer_title": d.signer_title,
                 "signer_name": d.signer_name, "state": d.state, "approved_at": when(d.approved_at),
                 "approved_by": self.user(d.approved_by_id), "basis": d.basis,
                 "supersedes": keys.get(d.supersedes_id), "created_by": self.user(d.created_by_id),
                 "created_at": when(d.created_at), "awards": self.awards(d), "certificates": self.certificates(d)}
                for d in rows]

    def awards(self, d: Decision) -> list[dict[str, Any]]:
        return [{"position": a.position, "rule": self.rules[a.rule_id], "submission": self.subs[a.submission_id],
                 "title": a.title, "target": a.target, "recipient_name": a.recipient_name,
                 "recipient_detail": a.recipient_detail, "unit_name": a.unit_name, "cluster_code": a.cluster_code,
                 "F": dec(a.F), "rank_overall": a.rank_overall, "band": a.band, "source": a.source,
                 "reason": a.reason}
                for a in DecisionAward.select().where(DecisionAward.decision == d).order_by(DecisionAward.position)]

    def certificates(self, d: Decision) -> list[dict[str, Any]]:
        return [{"number": c.number, "rule": self.rules[c.rule_id], "submission": self.subs[c.submission_id],
                 "golden_book_no": c.golden_book_no, "verify_code": c.verify_code,
                 "recipient_name": c.recipient_name, "recipient_detail": c.recipient_detail,
                 "achievement": c.achievement, "pdf_sha256": c.pdf_sha256, "issued_at": when(c.issued_at),
                 "revoked_at": when(c.revoked_at), "revoke_reason": c.revoke_reason}
                for c in Certificate.select().where(Certificate.decision == d).order_by(Certificate.number)]

    def people(self) -> list[dict[str, Any]]:
        rows = Person.select().where(Person.id.in_(self.person_ids)).order_by(Person.staff_code)
        return [{"staff_code": p.staff_code, "unit": self.unit(p.unit_id), "full_name": p.full_name,
                 "gender": p.gender, "position": p.position, "email": p.email, "phone": p.phone,
                 "active": p.active} for p in rows]

    def units(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows = list(Unit.select().where(Unit.id.in_(self.unit_ids)).order_by(Unit.code))
        clusters = Cluster.select().where(Cluster.id.in_({u.cluster_id for u in rows if u.cluster_id}))
        codes = {c.id: c.code for c in clusters}
        units = [{"code": u.code, "name": u.name, "kind": u.kind, "district": u.district,
                  "cluster": codes.get(u.cluster_id), "active": u.active, "created_at": when(u.created_at)}
                 for u in rows]
        return units, [{"code": c.code, "name": c.name, "active": c.active}
                       for c in sorted(clusters, key=lambda c: c.code)]
