"""The database → domain bridge: submitted reviews only, exact F, pending, three queries."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playhouse.test_utils import count_queries

from emulation.clock import clock
from emulation.models import CampaignUnit, Submission
from emulation.services.accounts import grant_role
from emulation.services.assignments import assign_reviewer
from emulation.services.reviews import ScoreEntry, save_review
from emulation.services.scores import campaign_scores, reviewer_calibration
from emulation.services.submissions import Entry, criteria_of, open_collective, save_draft


def _entries(cs, delta: int, cls):
    """Every criterion at max − delta steps (penalties 0)."""
    return {c.code: cls("0" if c.kind.value == "penalty" else str(c.max - delta * c.step))
            for c in cs.criteria}


def test_weighted_final_score_pending_and_drafts_ignored(app, make):
    campaign = make.campaign()
    secretary = make.user("secretary")
    units = [make.unit(), make.unit()]
    subs = []
    for u in units:
        CampaignUnit.get_or_create(campaign=campaign, unit=u)
        officer = make.user("officer", unit=u)
        s = open_collective(campaign, u)
        cs, _rows = criteria_of(s)
        save_draft(officer, s, _entries(cs, 0, Entry), s.version)
        Submission.update(state="submitted").where(Submission.id == s.id).execute()
        subs.append(Submission.get_by_id(s.id))
    peers = [make.user("peer", campaign=campaign) for _ in range(2)]
    for p in peers:
        grant_role(None, p, "officer", unit=make.unit())
    leader = make.user("leader", campaign=campaign)
    clock.frozen = campaign.review_opens + dt.timedelta(hours=1)
    try:
        for p in peers:  # both peers score unit 0 at max − 1 step everywhere
            a = assign_reviewer(secretary, subs[0], p, "peer")
            save_review(p, a, _entries(cs, 1, lambda raw: ScoreEntry(raw, "ok")), 1, submit=True)
        a = assign_reviewer(secretary, subs[0], leader, "leader")
        save_review(leader, a, _entries(cs, 0, ScoreEntry), 1, submit=True)
        draft = assign_reviewer(secretary, subs[1], peers[0], "peer")
        save_review(peers[0], draft, _entries(cs, 0, ScoreEntry), 1)  # a draft: not counted
    finally:
        clock.frozen = None
    with count_queries() as counter:
        scores = {s.submission_id: s for s in campaign_scores(campaign)}
    assert counter.count <= 6
    full = cs.max_total
    steps = sum(c.step for c in cs.criteria if c.kind.value != "penalty")
    s0 = scores[subs[0].id]
    assert s0.S == full and s0.P == full - steps and s0.L == full
    assert s0.F == Decimal("0.2") * full + Decimal("0.3") * (full - steps) + Decimal("0.5") * full
    assert not s0.pending and s0.band is not None
    s1 = scores[subs[1].id]
    assert s1.pending and s1.F is None and s1.peer.count == 0 and set(s1.pending_reasons) == {"peer", "leader"}
    calibration = {c.reviewer_id: c for c in reviewer_calibration(campaign)}
    assert calibration[peers[0].id].mean_deviation == 0 and calibration[peers[0].id].reviews == 1
