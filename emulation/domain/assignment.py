"""Reviewer assignment (phân công chấm, issue "Review and scoring"): who scores which submission.

Rules, applied by :func:`assign`:
- a peer reviewer never scores a submission of their own unit, nor one of a unit they
  declared a conflict with (``conflicts`` holds ``(reviewer_id, unit_id)``);
- with ``same_cluster`` a peer reviewer only scores submissions of their own cluster; cluster
  ``None`` is one more cluster, "unclustered" (those units review each other); without it
  every target and reviewer is in one pool;
- each submission gets exactly ``k_peer`` peer reviewers (``existing`` ones count); with too
  few eligible reviewers it gets all of them and a :class:`Shortfall` with the numbers;
- loads are balanced: within a pool, among the reviewers eligible for a submission that still
  needs one, max − min of the peer load (``existing`` included) is ≤ 1 whenever any plan allows
  it (loads are made decreasingly minimal, which minimises the spread); else a Shortfall;
- no reciprocal unit pair (a's reviewers score b and b's score a) when the search finds a plan
  without one; the pairs that remain are listed in ``Plan.reciprocal``, never silent;
- ``existing`` pairs are kept as they are, count toward k and loads, and are never doubled;
- leaders: ``"all"`` puts every leader on every submission except those of a unit the leader
  declared a conflict with (a submission left with no leader is a Shortfall); ``"spread"`` gives
  each submission ``k_leader`` leaders, conflicts respected, loads balanced as for peers;
- the plan depends only on the input and ``seed``, never on the order of the input.

Algorithm, per pool: units go on a seeded cycle and each submission is filled greedily from the
next units forward under a load cap (one reviewer per unit gives "i is reviewed by i+1 … i+k",
free of reciprocity when the pool has ≥ 2k+1 units); loads are levelled along alternating paths;
reciprocal pairs are removed along alternating chains that keep every count and the multiset of
loads. While some remain, one direction of a pair is banned and the pool solved again (kept if
nothing is lost), then the cycle is reseeded; a work budget bounds the search deterministically.
"""
from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from typing import Callable, Collection, Mapping, Sequence

from .assignment_types import (LEADER, LEADER_SHORT, NO_LEADER, PEER, PEER_SHORT, PEER_SHORT_ANY, UNEVEN, Pair,
                               PeerReviewer, Plan, Settings, Shortfall, Target)

LEADER_MODES = ("all", "spread")
ATTEMPTS = 6  # seeded restarts of a pool while reciprocal pairs remain
SEARCH = 12  # reciprocal pairs whose directions one attempt tries to ban
WORK = 400_000  # solves of a pool × its targets × its reviewers: a deterministic time bound


class _Matching:
    """New pairs of one pool: ``elig[t]`` (preference order), ``new[t]``, ``holds[r]``, ``load[r]``."""

    def __init__(self, elig: dict[int, list[int]], need: dict[int, int], load: Counter[int]):
        self.elig, self.load = elig, load
        self.need = {t: min(n, len(elig[t])) for t, n in need.items()}
        self.members = sorted({r for t, rs in elig.items() if self.need[t] for r in rs})
        self.new: dict[int, set[int]] = {t: set() for t in elig}
        self.holds: dict[int, set[int]] = defaultdict(set)

    def put(self, t: int, r: int, on: bool) -> None:
        (self.new[t].add if on else self.new[t].discard)(r)
        (self.holds[r].add if on else self.holds[r].discard)(t)
        self.load[r] += 1 if on else -1

    def fill(self, order: Sequence[int], avoid: Callable[[int, int], bool]) -> None:
        """Greedy in ``order``: preferred reviewers under the cap not ``avoid``-ed, then under the
        cap, then the least loaded."""
        if not self.members:
            return
        cap = math.ceil((sum(self.need.values()) + sum(self.load[r] for r in self.members))
                        / len(self.members))
        for t in order:
            chosen, n = self.new[t], self.need[t]
            for rule in (lambda r: self.load[r] < cap and not avoid(r, t), lambda r: self.load[r] < cap,
                         None):
                if len(chosen) >= n:
                    break
                for r in self.elig[t] if rule else sorted(self.elig[t], key=self.load.__getitem__):
                    if len(chosen) >= n:
                        break
                    if r not in chosen and (rule is None or rule(r)):
                        self.put(t, r, True)

    def balance(self) -> tuple[int, int]:
        """Shift pairs along alternating paths from loads ≥ h to loads ≤ h − 2 while one exists;
        return the final (min, max) load."""
        while self.members:
            loads = [self.load[r] for r in self.members]
            hi, lo = max(loads), min(loads)
            if hi - lo <= 1 or not any(self._shift(h) for h in range(hi, lo + 1, -1)):
                return lo, hi
        return 0, 0

    def _shift(self, h: int) -> bool:
        prev: dict[int, tuple[int, int] | None] = {r: None for r in self.members if self.load[r] >= h}
        queue, seen = deque(prev), set()
        while queue:
            r = queue.popleft()
            for t in sorted(self.holds[r] - seen):
                seen.add(t)
                for w in self.elig[t]:
                    if w in prev or w in self.new[t]:
                        continue
                    prev[w] = (r, t)
                    if self.load[w] <= h - 2:
                        step = prev[w]
                        while step is not None:
                            self.put(step[1], w, True)
                            self.put(step[1], step[0], False)
                            w, step = step[0], prev[step[0]]
                        return True
                    queue.append(w)
        return False


def _reciprocal(m: Counter[tuple[int, int]], units: Collection[int] | None = None) -> list[tuple[int, int]]:
    return sorted((a, b) for (a, b), n in m.items()
                  if n and a < b and m[(b, a)] and (units is None or a in units or b in units))


def _repair(mt: _Matching, runit: dict[int, int], tunit: dict[int, int], m: Counter[tuple[int, int]]) -> None:
    """Take pairs off reciprocal unit pairs; each step lowers their multiplicity and adds none."""
    by_unit: dict[int, list[int]] = defaultdict(list)
    for t in sorted(mt.new):
        by_unit[tunit[t]].append(t)

    def relieve(r: int, t: int) -> bool:
        """t drops r and takes w1, who drops s1, which takes w2 … up to r or a load one below r's."""
        banned, prev, queue = (runit[r], tunit[t]), {t: (0, -1)}, deque([t])
        m[banned] -= 1  # r leaves t whatever the chain
        while queue:
            s = queue.popleft()
            for w in mt.elig[s]:
                edge = (runit[w], tunit[s])
                if w in mt.new[s] or edge == banned or m[edge[::-1]]:
                    continue
                if w == r or mt.load[w] == mt.load[r] - 1:
                    chain, cur, into = [], s, w
                    while cur != t:
                        chain.append((cur, prev[cur][0], into))
                        cur, into = prev[cur][1], prev[cur][0]
                    chain.append((t, r, into))
                    added = {(runit[i], tunit[c]) for c, _, i in chain}
                    if added & {(b, a) for a, b in added}:
                        continue
                    m[banned] += 1
                    for c, out, i in chain:
                        mt.put(c, out, False)
                        mt.put(c, i, True)
                        m[(runit[out], tunit[c])] -= 1
                        m[(runit[i], tunit[c])] += 1
                    return True
                for s2 in sorted(mt.holds[w] - prev.keys()):
                    prev[s2] = (w, s)
                    queue.append(s2)
        m[banned] += 1
        return False

    progress = True
    while progress:
        progress = False
        for a, b in _reciprocal(m, by_unit.keys()):
            for x, y in ((a, b), (b, a)):
                for r, t in [(r, t) for t in by_unit[y] for r in sorted(mt.new[t]) if runit[r] == x]:
                    if m[(x, y)] and m[(y, x)] and r in mt.new[t] and relieve(r, t):
                        progress = True


@dataclass
class _Context:
    """What the pools share; counts are of the ``existing`` pairs except ``m``, which grows."""
    settings: Settings
    blocked: frozenset[tuple[int, int]]
    names: Mapping[int, str]
    taken: dict[int, set[int]]  # submission → reviewers on it
    have: Counter[tuple[int, str]]  # (submission, role) → pairs
    load: Counter[tuple[str, int]]  # (role, reviewer) → pairs
    m: Counter[tuple[int, int]]  # (reviewer's unit, submission's unit) → peer pairs


def _pool_peers(key: object, ts: list[Target], rs: list[PeerReviewer],
                ctx: _Context) -> tuple[dict[int, set[int]], tuple[int, int], int]:
    """Best plan of one pool: (new pairs, load range, number balanced).

    Each seeded attempt solves, then, while reciprocal pairs remain, bans one direction of one
    pair and solves again, keeping a ban only if the plan still places as many pairs as the
    first solve, as evenly."""
    s = ctx.settings
    runit = {r.reviewer_id: r.unit_id for r in rs}
    tunit = {t.submission_id: t.unit_id for t in ts}
    need = {t.submission_id: max(0, s.k_peer - ctx.have[(t.submission_id, PEER)]) for t in ts}
    ref: list = []  # pairs placed, load spread and balanced reviewers of the first solve
    best: tuple = ()  # reciprocal count, new pairs, load range, unit edges

    def solve(order: list[int], elig: dict[int, list[int]], banned: set[tuple[int, int]]) -> list | None:
        nonlocal best
        trial = {t: [r for r in rs_ if (runit[r], tunit[t]) not in banned] for t, rs_ in elig.items()}
        mt, m = _Matching(trial, need, Counter({r: ctx.load[(PEER, r)] for r in runit})), ctx.m.copy()
        mt.fill(order, lambda r, t: m[(tunit[t], runit[r])] > 0)
        mt.balance()
        placed, members = sum(map(len, mt.new.values())), ref[2] if ref else mt.members
        loads = [mt.load[r] for r in members] or [0]
        if not ref:
            ref.extend((placed, max(loads) - min(loads), members))
        elif placed < ref[0] or max(loads) - min(loads) > ref[1]:
            return None
        m.update((runit[r], tunit[t]) for t, new in mt.new.items() for r in new)
        _repair(mt, runit, tunit, m)
        found = _reciprocal(m, set(tunit.values()))
        if not best or len(found) < best[0]:
            best = (len(found), mt.new, (min(loads), max(loads)), m)
        return found

    solves = max(1, WORK // max(1, len(ts) * len(rs)))
    for attempt in range(ATTEMPTS):
        order, elig = _cycle(f"{s.seed}/{key}/{attempt}", ts, rs, ctx)
        banned: set[tuple[int, int]] = set()
        found, tried, solves = solve(order, elig, banned), set(), solves - 1
        while solves > 0 and len(tried) < SEARCH:
            todo = [p for p in found or () if p not in tried]
            if not todo:
                break
            tried.add(todo[0])
            for d in sorted([todo[0], todo[0][::-1]], key=best[3].__getitem__):
                again, solves = solve(order, elig, banned | {d}), solves - 1
                if again is not None:
                    banned, found = banned | {d}, again
                    break
        if best[0] == 0 or solves <= 0:
            break
    ctx.m = best[3]
    return best[1], best[2], len(ref[2])


def _cycle(seed: str, ts: list[Target], rs: list[PeerReviewer], ctx: _Context) -> tuple[list[int], dict[int, list[int]]]:
    """Units on a seeded cycle: submissions in cycle order, each with its eligible reviewers
    listed from the next unit forward."""
    rng = random.Random(seed)
    units = sorted({t.unit_id for t in ts} | {r.unit_id for r in rs})
    rng.shuffle(units)
    pos = {u: i for i, u in enumerate(units)}
    ring = sorted((pos[r.unit_id], rng.random(), r.reviewer_id, r.unit_id) for r in rs)
    marks = [x[0] for x in ring]
    order = sorted(ts, key=lambda t: (pos[t.unit_id], rng.random()))
    elig = {}
    for t in order:
        i, u, taken = bisect_right(marks, pos[t.unit_id]), t.unit_id, ctx.taken[t.submission_id]
        elig[t.submission_id] = [r for _, _, r, ru in ring[i:] + ring[:i]
                                 if ru != u and (r, u) not in ctx.blocked and r not in taken]
    return [t.submission_id for t in order], elig


def _short(template: str, t: Target, found: int, k: int, ctx: _Context) -> Shortfall:
    unit = ctx.names.get(t.unit_id, str(t.unit_id))
    return Shortfall(template, (("unit", unit), ("found", str(found)), ("k", str(k))), t.submission_id)


def assign(targets: Sequence[Target], peers: Sequence[PeerReviewer], leaders: Sequence[int],
           conflicts: Collection[tuple[int, int]], settings: Settings,
           existing: Collection[Pair] = (), unit_names: Mapping[int, str] | None = None) -> Plan:
    """Plan peer and leader pairs for ``targets`` under the rules of this module.

    ``unit_names`` (optional) fills ``{unit}`` in shortfalls; the unit id is used otherwise.
    Raises ValueError for a negative k, an unknown ``leader_mode`` or an id with two meanings.
    """
    s = settings
    if s.k_peer < 0 or s.k_leader < 0 or s.leader_mode not in LEADER_MODES:
        raise ValueError("k_peer, k_leader must be ≥ 0 and leader_mode one of " + ", ".join(LEADER_MODES))
    ts = sorted(set(targets), key=lambda t: t.submission_id)
    rs = sorted(set(peers), key=lambda r: r.reviewer_id)
    if len({t.submission_id for t in ts}) < len(ts) or len({r.reviewer_id for r in rs}) < len(rs):
        raise ValueError("a submission or reviewer id appears with two different units or clusters")
    kept = sorted(set(existing), key=lambda p: (p.submission_id, p.role, p.reviewer_id))
    taken: dict[int, set[int]] = defaultdict(set)
    for p in kept:
        taken[p.submission_id].add(p.reviewer_id)
    runit = {r.reviewer_id: r.unit_id for r in rs}
    tunit = {t.submission_id: t.unit_id for t in ts}
    ctx = _Context(s, frozenset(conflicts), unit_names or {}, taken,
                   Counter((p.submission_id, p.role) for p in kept), Counter((p.role, p.reviewer_id) for p in kept),
                   Counter((runit[p.reviewer_id], tunit[p.submission_id]) for p in kept if p.role == PEER
                           and p.reviewer_id in runit and p.submission_id in tunit))
    shortfalls: list[Shortfall] = []
    pairs = kept + _peers(ts, rs, ctx, shortfalls) + _leaders(ts, sorted(set(leaders)), ctx, shortfalls)
    return Plan(tuple(sorted(pairs, key=lambda p: (p.submission_id, p.role, p.reviewer_id))),
                tuple(shortfalls), tuple(_reciprocal(ctx.m)))


def _peers(ts: list[Target], rs: list[PeerReviewer], ctx: _Context, shortfalls: list[Shortfall]) -> list[Pair]:
    """Peer pairs, pool by pool, with the shortfalls of each pool."""
    s, pairs = ctx.settings, []
    pools: dict[object, tuple[list[Target], list[PeerReviewer]]] = defaultdict(lambda: ([], []))
    for t in ts:
        pools[t.cluster_id if s.same_cluster else "all"][0].append(t)
    for r in rs:
        pools[r.cluster_id if s.same_cluster else "all"][1].append(r)
    for key in sorted(pools, key=lambda k: (k is None, str(k))):
        pts, prs = pools[key]
        if not pts:
            continue
        new, (low, high), members = _pool_peers(key, pts, prs, ctx)
        pairs += [Pair(t, r, PEER) for t in sorted(new) for r in sorted(new[t])]
        for t, added in new.items():
            ctx.taken[t] |= added  # so that a leader who is also a peer is not put on twice
        if members and high - low > 1:
            where = (("cluster", str(key)),) if key not in (None, "all") else ()
            shortfalls.append(Shortfall(UNEVEN["cluster" if where else "all"],
                                        where + (("low", str(low)), ("high", str(high)))))
        for t in pts:
            found = ctx.have[(t.submission_id, PEER)] + len(new[t.submission_id])
            if found < s.k_peer:
                shortfalls.append(_short(PEER_SHORT if s.same_cluster else PEER_SHORT_ANY, t, found,
                                         s.k_peer, ctx))
    return pairs


def _leaders(ts: list[Target], leaders: list[int], ctx: _Context, shortfalls: list[Shortfall]) -> list[Pair]:
    """Leader pairs: every free leader ("all") or ``k_leader`` balanced ones ("spread")."""
    s = ctx.settings
    k = 1 if s.leader_mode == "all" else s.k_leader
    lacking = [t for t in ts if ctx.have[(t.submission_id, LEADER)] < k]
    if not leaders:
        if lacking:
            shortfalls.append(Shortfall(NO_LEADER, (("count", str(len(lacking))),)))
        return []
    order = list(leaders)
    random.Random(f"{s.seed}/leaders").shuffle(order)
    elig: dict[int, list[int]] = {}
    for i, t in enumerate(ts):
        turn = (i * max(k, 1)) % len(order)  # round robin: submission i starts at leader i·k
        elig[t.submission_id] = [r for r in order[turn:] + order[:turn]
                                 if (r, t.unit_id) not in ctx.blocked and r not in ctx.taken[t.submission_id]]
    if s.leader_mode == "all":
        new = {t: set(rs) for t, rs in elig.items()}
    else:
        need = {t.submission_id: max(0, k - ctx.have[(t.submission_id, LEADER)]) for t in ts}
        mt = _Matching(elig, need, Counter({r: ctx.load[(LEADER, r)] for r in leaders}))
        mt.fill([t.submission_id for t in ts], lambda r, t: False)
        low, high = mt.balance()
        if mt.members and high - low > 1:
            shortfalls.append(Shortfall(UNEVEN[LEADER], (("low", str(low)), ("high", str(high)))))
        new = mt.new
    for t in lacking:
        found = ctx.have[(t.submission_id, LEADER)] + len(new[t.submission_id])
        if found < k:
            shortfalls.append(_short(LEADER_SHORT, t, found, k, ctx))
    return [Pair(t, r, LEADER) for t in sorted(new) for r in sorted(new[t])]
