"""Award proposals (DESIGN §5, normative).

Rules, for one campaign, the rules taken in precedence order (the lowest ``precedence``
first: the highest title):
- ELIGIBLE for a rule = the RANKED entries of its target in its scope with a band at least
  ``min_band`` (band order: best first, as ``policy.band_names()``; "" means any band),
  q6(F) ≥ ``min_score``, and not already proposed or marked ``council_decides`` under an
  earlier rule (one achievement, one award). Pending entries are never eligible.
- QUOTA = ``quota_value`` when ``quota_kind`` is "count"; when "percent", that percentage
  of ALL ranked entries of the target in the scope, floored (5 % of 19 is 0).
- SCOPE: overall (the overall ranking, one quota) or per cluster (each cluster's own
  ranking with its own quota; entries without a cluster take part in none).
- THE WALK: the eligible entries are grouped by rank (ties) and walked in rank order with
  ``remaining = quota``: a group that fits (size ≤ remaining) is proposed whole and
  ``remaining`` shrinks; the first group that does not fit while ``remaining > 0`` is
  marked ``council_decides`` as a whole and counts toward nothing until the council
  resolves it; then the walk stops. It stops too when ``remaining`` reaches 0.
- Every (entry, rule) of the rule's target gets an outcome with its reason: proposed,
  council_decides, outside the quota, below the band, below the score, already taken by
  an earlier rule, or pending.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from .criteria import format_decimal_vi
from .messages import N_, Templated
from .ranking import Ranked, rank_scopes
from .scoring import q6

__all__ = ["AwardRule", "Outcome", "propose", "quota_for", "PROPOSED", "COUNCIL_DECIDES"]

PROPOSED, COUNCIL_DECIDES = "proposed", "council_decides"
REASONS = {
    PROPOSED: N_("được đề nghị: hạng {rank}, trong chỉ tiêu {quota}"),
    COUNCIL_DECIDES: N_("đồng hạng tại ranh giới chỉ tiêu — Hội đồng quyết định ({size} hồ sơ đồng hạng {rank}, "
                        "còn {remaining} suất)"),
    "outside_quota": N_("ngoài chỉ tiêu: hạng {rank}, chỉ tiêu {quota}"),
    "below_band": N_("không đủ điều kiện: xếp loại {band} < {min_band}"),
    "below_score": N_("không đủ điều kiện: điểm {score} < {min_score}"),
    "already": N_("đã được xét ở danh hiệu cao hơn: {title}"),
    "pending": N_("chưa đủ phiếu chấm: chưa xếp hạng"),
    "no_cluster": N_("đơn vị không thuộc cụm thi đua nào: không xét chỉ tiêu theo cụm"),
}


@dataclass(frozen=True)
class AwardRule:
    """A title with its target, eligibility and quota (``scope`` overall or per cluster)."""
    rule_id: int
    precedence: int
    title: str
    target: str
    min_band: str = ""
    min_score: Decimal = Decimal(0)
    quota_kind: str = "count"
    quota_value: int = 0
    per_cluster: bool = False


@dataclass(frozen=True)
class Outcome(Templated):
    """What a rule did with an entry, and why (``template`` + ``params``, Vietnamese)."""
    submission_id: int
    rule_id: int
    status: str          # proposed | council_decides | outside_quota | below_band | below_score | already | pending
    template: str
    params: tuple[tuple[str, str], ...] = ()


def quota_for(rule: AwardRule, ranked_count: int) -> int:
    """The quota of a rule in a scope holding ``ranked_count`` ranked entries (percent floors)."""
    if rule.quota_kind == "percent":
        return rule.quota_value * ranked_count // 100
    return rule.quota_value


def _outcome(entry_id: int, rule: AwardRule, status: str, **params: object) -> Outcome:
    return Outcome(entry_id, rule.rule_id, status, REASONS[status], tuple((k, str(v)) for k, v in params.items()))


def propose(rules: Sequence[AwardRule], rankings: Mapping[str, Sequence],
            band_names: Sequence[str]) -> list[Outcome]:
    """Every outcome of every rule, rules in precedence order (see the module docstring).

    ``rankings`` maps a target to its entries (``ranking.Entry``); ``band_names`` is the
    band order, best first.
    """
    order = {name: i for i, name in enumerate(band_names)}
    taken: dict[int, str] = {}            # submission id -> title of the rule that took it
    outcomes: list[Outcome] = []
    ranked: dict[str, dict] = {}          # target -> its scopes, ranked once for every rule
    for rule in sorted(rules, key=lambda r: r.precedence):
        entries = rankings.get(rule.target, ())
        if rule.target not in ranked:
            ranked[rule.target] = rank_scopes(entries)
        scopes = ranked[rule.target]
        if rule.per_cluster:
            lists = [ranking for key, ranking in scopes.items() if key is not None]
            outcomes.extend(_outcome(e.submission_id, rule, "no_cluster")
                            for e in entries if e.cluster is None)
        else:
            lists = [scopes[None]]
        for ranking in lists:
            outcomes.extend(_walk(rule, ranking, order, taken))
    return outcomes


def _walk(rule: AwardRule, ranking: Sequence[Ranked], order: Mapping[str, int],
          taken: dict[int, str]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    ranked = [r for r in ranking if r.rank is not None]
    quota = quota_for(rule, len(ranked))
    eligible: list[Ranked] = []
    for r in ranking:
        e = r.entry
        if r.rank is None:
            outcomes.append(_outcome(e.submission_id, rule, "pending"))
        elif e.submission_id in taken:
            outcomes.append(_outcome(e.submission_id, rule, "already", title=taken[e.submission_id]))
        elif rule.min_band and order.get(e.band or "", len(order)) > order.get(rule.min_band, len(order)):
            outcomes.append(_outcome(e.submission_id, rule, "below_band", band=e.band or "—", min_band=rule.min_band))
        elif q6(e.F) < q6(rule.min_score):
            outcomes.append(_outcome(e.submission_id, rule, "below_score", score=format_decimal_vi(q6(e.F)),
                                     min_score=format_decimal_vi(rule.min_score)))
        else:
            eligible.append(r)
    remaining, stopped = quota, False
    for group_rank, group_iter in groupby(eligible, key=lambda r: r.rank):
        group = list(group_iter)
        if not stopped and remaining > 0 and len(group) <= remaining:
            for r in group:
                taken[r.entry.submission_id] = rule.title
                outcomes.append(_outcome(r.entry.submission_id, rule, PROPOSED, rank=group_rank, quota=quota))
            remaining -= len(group)
        elif not stopped and remaining > 0:
            for r in group:
                taken[r.entry.submission_id] = rule.title
                outcomes.append(_outcome(r.entry.submission_id, rule, COUNCIL_DECIDES, size=len(group),
                                         rank=group_rank, remaining=remaining))
            stopped = True
        else:
            outcomes.extend(_outcome(r.entry.submission_id, rule, "outside_quota", rank=group_rank, quota=quota)
                            for r in group)
            stopped = True
    return outcomes
