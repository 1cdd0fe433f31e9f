"""The route policy: one table saying who may call every endpoint.

Enforced before every request (deny by default: an endpoint missing from the
table answers 403 and is a test failure). Object-level rules — an officer sees
only their own unit's objects — are checked in the views with the model
predicates, and answer 404 so that other units' objects cannot be probed.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """``public``: anyone; otherwise a logged-in user holding one of ``roles`` (None: any role)."""
    public: bool = False
    roles: frozenset[str] | None = None

    def allows(self, user_roles: set[str] | None) -> bool:
        if self.public:
            return True
        if user_roles is None:
            return False
        return self.roles is None or bool(self.roles & user_roles)


PUBLIC = Rule(public=True)
SIGNED_IN = Rule()


def only(*roles: str) -> Rule:
    return Rule(roles=frozenset(roles))


COMMITTEE = only("committee")
REVIEWER = only("peer", "leader")

POLICY: dict[str, Rule] = {
    "static": PUBLIC,
    "public.health": PUBLIC,
    "public.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.password": SIGNED_IN,
    "home.index": SIGNED_IN,
    "home.committee": COMMITTEE,
    "home.secretary": only("secretary"),
    "home.officer": only("officer"),
    "home.reviewer": REVIEWER,
    "campaigns.index": COMMITTEE,
    "campaigns.new": COMMITTEE,
    "campaigns.view": only("committee", "secretary"),
    "campaigns.edit": COMMITTEE,
    "awards.index": only("committee", "secretary"),
    "awards.new": COMMITTEE,
    "awards.edit": COMMITTEE,
    "awards.delete": COMMITTEE,
    "criteria.index": only("committee", "secretary"),
    "criteria.view": only("committee", "secretary"),
    "criteria.upload": COMMITTEE,
    "org.units": only("committee", "secretary"),
    "org.unit_new": COMMITTEE,
    "org.unit_edit": COMMITTEE,
    "org.clusters": only("committee", "secretary"),
    "org.cluster_new": COMMITTEE,
    "org.cluster_edit": COMMITTEE,
    "org.people": only("committee", "secretary"),
    "org.person_new": COMMITTEE,
    "org.person_edit": COMMITTEE,
    "org.import_sheet": COMMITTEE,
    "org.import_template": COMMITTEE,
    "users.index": COMMITTEE,
    "users.new": COMMITTEE,
    "users.view": COMMITTEE,
    "users.grant": COMMITTEE,
    "users.revoke": COMMITTEE,
    "users.reset_password": COMMITTEE,
    "users.set_active": COMMITTEE,
    "submissions.start": only("officer"),
    "submissions.view": only("officer", "committee", "secretary"),
    "submissions.evidence_delete": only("officer"),
    "submissions.evidence_file": only("officer", "committee", "secretary", "peer", "leader"),
    "submissions.evidence_preview": only("officer", "committee", "secretary", "peer", "leader"),
    "submissions.campaign_list": only("committee", "secretary"),
    "submissions.return_": only("secretary"),
    "nominations.new": only("officer"),
    "nominations.edit": only("officer", "committee", "secretary"),
    "nominations.withdraw": only("officer"),
    "reviews.queue": REVIEWER,
    "reviews.form": REVIEWER,
    "assignments.index": only("committee", "secretary"),
    "assignments.auto": only("secretary"),
    "assignments.assign": only("secretary"),
    "assignments.remove": only("secretary"),
    "assignments.declare": only("secretary"),
    "ranking.index": only("committee", "secretary", "leader"),
    "ranking.refresh": only("committee", "secretary"),
    "results.explain": only("committee", "secretary", "leader", "officer"),
    "results.annex_pdf": only("committee", "secretary", "leader", "officer"),
    "review_import.page": only("secretary"),
    "review_import.template": only("secretary"),
    "progress.board": only("committee", "secretary"),
    "progress.reminders": only("committee", "secretary"),
    "council.index": only("committee", "secretary", "leader"),
    "council.change": only("committee", "secretary"),
    "council.resolve": only("committee", "secretary"),
    "council.publish": COMMITTEE,
    "objections.new": only("officer"),
    "objections.index": only("committee", "secretary"),
    "objections.answer": only("secretary"),
    "objections.evidence": only("officer", "committee", "secretary"),
    "decisions.index": only("committee", "secretary"),
    "decisions.view": only("committee", "secretary"),
    "decisions.approve": COMMITTEE,
    "decisions.document_pdf": only("committee", "secretary"),
    "certificates.index": only("committee", "secretary"),
    "certificates.progress": only("committee", "secretary"),
    "certificates.issue": COMMITTEE,
    "certificates.one": only("committee", "secretary"),
    "certificates.batch_download": only("committee", "secretary"),
    "exports.ranking": only("committee", "secretary", "leader"),
    "api.ranking": PUBLIC,          # object check in the view: council of the campaign, or published
    "verify.lookup": PUBLIC,
    "verify.check": PUBLIC,
    "verify.revoke": COMMITTEE,
    "honour.index": PUBLIC,
    "honour.campaign": PUBLIC,
    "admin.audit": COMMITTEE,
    "admin.system": COMMITTEE,
}
