"""Reviewer assignment (phân công chấm, issue "Review and scoring"): who scores which submission.

Rules, applied by :func:`assign`:
- a peer reviewer never scores a submission of their own unit, nor one of a unit they
  declared a conflict with (``conflicts`` holds ``(reviewer_id, unit_id)``);
- with ``same_cluster`` a peer reviewer only scores submissions of their own cluster; a
  cluster of ``None`` is one more cluster, "unclustered" (those units review each other);
  without it all targets and reviewers form one pool;
- each submission gets exactly ``k_peer`` peer reviewers (``existing`` ones count); with
  too few eligible reviewers it gets all of them and a :class:`Shortfall` with the numbers;
- loads are balanced: within a pool, among the reviewers eligible for a submission that
  still needs one, max − min of the peer load (``existing`` included) is ≤ 1 whenever any
  assignment allows it (the loads are made decreasingly minimal, which minimises the spread);
  otherwise a Shortfall reports the range;
- no reciprocal unit pair (a's reviewers score b and b's score a) when the search finds a
  plan without one; the pairs that remain are listed in ``Plan.reciprocal``, never silent;
- ``existing`` pairs are kept as they are, count toward k and loads, and are never doubled;
- leaders: ``"all"`` puts every leader on every submission except a unit the leader declared
  a conflict with (a submission left with no leader is a Shortfall); ``"spread"`` gives each
  submission ``k_leader`` leaders, conflicts respected, loads balanced as for peers;
- the plan depends only on the input and ``seed``, never on the order of the input.

Algorithm: in each pool the units are put on a seeded cycle and each submission is filled
greedily from the next units forward under a load cap (for one reviewer per unit this is the
cyclic "i is reviewed by i+1 … i+k", reciprocity-free when the pool has ≥ 2k+1 units); loads are
then levelled along alternating paths, and reciprocal pairs removed by load-preserving moves
and swaps, with a few seeded restarts when that local search gets stuck.
"""
from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from typing import Callable, Collection, Mapping, Sequence

from .messages import N_, Templated

PEER, LEADER = "peer", "leader"
LEADER_MODES = ("all", "spread")
ATTEMPTS = 6  # seeded restarts of one pool while reciprocal pairs remain


@dataclass(frozen=True)
class Target:
    """A submission to review and the unit (and cluster) it belongs to."""
    submission_id: int
    unit_id: int
    cluster_id: int | None


@dataclass(frozen=True)
class PeerReviewer:
    """An officer who scores other units' submissions (chấm chéo)."""
    reviewer_id: int
    unit_id: int
    cluster_id: int | None


@dataclass(frozen=True)
class Settings:
    k_peer: int = 2
    same_cluster: bool = True
    leader_mode: str = "all"
    k_leader: int = 1
    seed: int = 0


@dataclass(frozen=True)
class Pair:
    submission_id: int
    reviewer_id: int
    role: str


@dataclass(frozen=True)
class Shortfall(Templated):
    """A constraint that could not be met, in Vietnamese, saying what to do about it."""
    template: str
    params: tuple[tuple[str, str], ...] = ()
    submission_id: int | None = None


@dataclass(frozen=True)
class Plan:
    pairs: tuple[Pair, ...]
    shortfalls: tuple[Shortfall, ...]
    reciprocal: tuple[tuple[int, int], ...]

    @property
    def loads(self) -> dict[int, int]:
        """Number of pairs (all roles) per reviewer."""
        return dict(sorted(Counter(p.reviewer_id for p in self.pairs).items()))


PEER_SHORT = N_("Hồ sơ của {unit} chỉ có {found}/{k} người chấm chéo đủ điều kiện (cùng cụm, khác "
                "đơn vị, không xung đột). Hãy bổ sung người chấm hoặc cho phép chấm khác cụm.")
PEER_SHORT_ANY = N_("Hồ sơ của {unit} chỉ có {found}/{k} người chấm chéo đủ điều kiện (khác đơn vị, "
                    "không xung đột). Hãy bổ sung người chấm chéo.")
LEADER_SHORT = N_("Hồ sơ của {unit} chỉ có {found}/{k} thành viên hội đồng chấm được (không xung đột "
                  "lợi ích). Hãy bổ sung thành viên hội đồng.")
NO_LEADER = N_("Hội đồng chưa có thành viên nào để chấm {count} hồ sơ. Hãy thêm thành viên hội đồng.")
UNEVEN = {
    "cluster": N_("Không chia đều được hồ sơ cho người chấm chéo trong cụm {cluster}: mỗi người chấm từ "
                  "{low} đến {high} hồ sơ (lệch quá 1) do điều kiện chấm hoặc phân công sẵn. Hãy bổ sung "
                  "người chấm hoặc điều chỉnh phân công thủ công."),
    None: N_("Không chia đều được hồ sơ cho người chấm chéo của các đơn vị chưa thuộc cụm: mỗi người chấm "
             "từ {low} đến {high} hồ sơ (lệch quá 1). Hãy xếp các đơn vị vào cụm hoặc bổ sung người chấm."),
    "all": N_("Không chia đều được hồ sơ cho người chấm chéo: mỗi người chấm từ {low} đến {high} hồ sơ "
              "(lệch quá 1) do điều kiện chấm hoặc phân công sẵn. Hãy bổ sung người chấm hoặc điều chỉnh "
              "phân công thủ công."),
    LEADER: N_("Không chia đều được hồ sơ cho thành viên hội đồng: mỗi người chấm từ {low} đến {high} hồ "
               "sơ (lệch quá 1) do xung đột lợi ích hoặc phân công sẵn. Hãy điều chỉnh phân công thủ công."),
}


class _Matching:
    """New pairs of one pool: ``elig[t]`` in preference order, ``new[t]``, ``holds[r]``, ``load``."""

    def __init__(self, elig: dict[int, list[int]], need: dict[int, int], load: dict[int, int]):
        self.elig, self.load = elig, load
        self.eligset = {t: set(rs) for t, rs in elig.items()}
        self.need = {t: min(n, len(elig[t])) for t, n in need.items()}
        self.members = sorted({r for t, rs in elig.items() if self.need[t] for r in rs})
        self.new: dict[int, set[int]] = {t: set() for t in elig}
        self.holds: dict[int, set[int]] = defaultdict(set)

    def put(self, t: int, r: int, on: bool) -> None:
        (self.new[t].add if on else self.new[t].discard)(r)
        (self.holds[r].add if on else self.holds[r].discard)(t)
        self.load[r] += 1 if on else -1

    def fill(self, order: Sequence[int], avoid: Callable[[int, int], bool]) -> None:
        """Greedy: preferred reviewers under the cap and not ``avoid``-ed, then under the cap, then least loaded."""
        if not self.members:
            return
        total = sum(self.need.values()) + sum(self.load[r] for r in self.members)
        cap = math.ceil(total / len(self.members))
        for t in order:
            chosen, n = self.new[t], self.need[t]
            rules = (lambda r: self.load[r] < cap and not avoid(r, t), lambda r: self.load[r] < cap,
                     lambda r: True)
            for rule in rules:
                for r in (self.elig[t] if rule is not rules[2] else
                          sorted(self.elig[t], key=self.load.__getitem__)):
                    if len(chosen) >= n:
                        break
                    if r not in chosen and rule(r):
                        self.put(t, r, True)

    def balance(self) -> tuple[int, int]:
        """Shift pairs along alternating paths from loads ≥ h to loads ≤ h − 2 until none exists."""
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


def _repair(mt: _Matching, runit: dict[int, int], tunit: dict[int, int], m: Counter) -> None:
    """Take pairs off reciprocal unit pairs along alternating chains that keep every count and the
    load multiset, and create no reciprocal pair: each step lowers the reciprocal pairs' multiplicity."""
    by_unit: dict[int, list[int]] = defaultdict(list)
    for t in sorted(mt.new):
        by_unit[tunit[t]].append(t)

    def relieve(r: int, t: int) -> bool:
        """t drops r and takes w1, who drops s1, which takes w2 … until r or a reviewer one below r is reached."""
        banned = (runit[r], tunit[t])
        prev: dict[int, tuple[int, int] | None] = {t: None}
        queue = deque([t])
        m[banned] -= 1  # r leaves t whatever the chain
        while queue:
            s = queue.popleft()
            for w in mt.elig[s]:
                edge = (runit[w], tunit[s])
                if w in mt.new[s] or edge == banned or m[edge[::-1]]:
                    continue
                if w == r or mt.load[w] == mt.load[r] - 1:
                    chain, cur, into = [], s, w
                    while cur is not None:
                        step = prev[cur]
                        chain.append((cur, step[0] if step else r, into))
                        cur, into = (step[1], step[0]) if step else (None, 0)
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
                todo = [(r, t) for t in by_unit.get(y, []) for r in sorted(mt.new[t]) if runit[r] == x]
                for r, t in todo:
                    if m[(x, y)] and m[(y, x)] and r in mt.new[t] and relieve(r, t):
                        progress = True


def _pool_peers(key: object, ts: list[Target], rs: list[PeerReviewer],
                ctx: dict) -> tuple[dict[int, set[int]], tuple[int, int], int]:
    """Best of a few seeded attempts for one pool: (new pairs, load range, number balanced)."""
    s: Settings = ctx["settings"]
    runit = {r.reviewer_id: r.unit_id for r in rs}
    tunit = {t.submission_id: t.unit_id for t in ts}
    best, blocked = None, ctx["blocked"]
    for attempt in range(ATTEMPTS):
        rng = random.Random(f"{s.seed}/{key}/{attempt}")
        units = sorted({t.unit_id for t in ts} | {r.unit_id for r in rs})
        rng.shuffle(units)
        pos = {u: i for i, u in enumerate(units)}
        tie = {r.reviewer_id: rng.random() for r in rs}
        cyc = sorted(rs, key=lambda r: (pos[r.unit_id], tie[r.reviewer_id]))
        marks = [pos[r.unit_id] for r in cyc]
        order = sorted(ts, key=lambda t: (pos[t.unit_id], rng.random()))
        ring = [(r.reviewer_id, r.unit_id) for r in cyc]
        elig = {}
        for t in order:
            i, u, taken = bisect_right(marks, pos[t.unit_id]), t.unit_id, ctx["taken"][t.submission_id]
            elig[t.submission_id] = [r for r, ru in ring[i:] + ring[:i] if ru != u
                                     and (r, u) not in blocked and r not in taken]
        need = {t.submission_id: max(0, s.k_peer - ctx["have"][(t.submission_id, PEER)]) for t in ts}
        mt = _Matching(elig, need, Counter({r: ctx["load"][r] for r in runit}))
        m = ctx["m"].copy()
        mt.fill([t.submission_id for t in order], lambda r, t: m[(tunit[t], runit[r])] > 0)
        spread = mt.balance()
        for t, new in mt.new.items():
            m.update((runit[r], tunit[t]) for r in new)
        _repair(mt, runit, tunit, m)
        score = len(_reciprocal(m, set(tunit.values())))
        if best is None or score < best[0]:
            best = (score, mt.new, spread, len(mt.members), m)
        if score == 0:
            break
    assert best is not None
    ctx["m"] = best[4]
    return best[1], best[2], best[3]


def _uneven(key: object, low: int, high: int) -> Shortfall:
    kind = key if key in (None, "all", LEADER) else "cluster"
    extra = (("cluster", str(key)),) if kind == "cluster" else ()
    return Shortfall(UNEVEN[kind], extra + (("low", str(low)), ("high", str(high))))


def assign(targets: Sequence[Target], peers: Sequence[PeerReviewer], leaders: Sequence[int],
           conflicts: Collection[tuple[int, int]], settings: Settings,
           existing: Collection[Pair] = (), unit_names: Mapping[int, str] | None = None) -> Plan:
    """Plan peer and leader pairs for ``targets`` under the rules of this module.

    ``unit_names`` (optional) fills ``{unit}`` in the shortfalls; the unit id is used otherwise.
    Raises ValueError for negative k, an unknown ``leader_mode`` or one id given two meanings.
    """
    s = settings
    if s.k_peer < 0 or s.k_leader < 0 or s.leader_mode not in LEADER_MODES:
        raise ValueError("k_peer, k_leader must be ≥ 0 and leader_mode one of " + ", ".join(LEADER_MODES))
    ts = sorted(set(targets), key=lambda t: t.submission_id)
    rs = sorted(set(peers), key=lambda r: r.reviewer_id)
    if len({t.submission_id for t in ts}) < len(ts) or len({r.reviewer_id for r in rs}) < len(rs):
        raise ValueError("a submission or reviewer id appears with two different units or clusters")
    names = unit_names or {}
    kept = sorted(set(existing), key=lambda p: (p.submission_id, p.role, p.reviewer_id))
    ctx: dict = {"settings": s, "blocked": frozenset(conflicts), "taken": defaultdict(set),
                 "have": Counter((p.submission_id, p.role) for p in kept),
                 "load": Counter(p.reviewer_id for p in kept if p.role == PEER),
                 "leader_load": Counter(p.reviewer_id for p in kept if p.role == LEADER)}
    for p in kept:
        ctx["taken"][p.submission_id].add(p.reviewer_id)
    runit = {r.reviewer_id: r.unit_id for r in rs}
    tunit = {t.submission_id: t.unit_id for t in ts}
    ctx["m"] = Counter((runit[p.reviewer_id], tunit[p.submission_id]) for p in kept
                       if p.role == PEER and p.reviewer_id in runit and p.submission_id in tunit)
    pairs, shortfalls = list(kept), []
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
        if members and high - low > 1:
            shortfalls.append(_uneven(key, low, high))
        for t in pts:
            found = ctx["have"][(t.submission_id, PEER)] + len(new[t.submission_id])
            if found < s.k_peer:
                shortfalls.append(Shortfall(PEER_SHORT if s.same_cluster else PEER_SHORT_ANY, (
                    ("unit", names.get(t.unit_id, str(t.unit_id))), ("found", str(found)),
                    ("k", str(s.k_peer))), t.submission_id))
    pairs += _leaders(ts, sorted(set(leaders)), ctx, shortfalls, names)
    return Plan(tuple(sorted(pairs, key=lambda p: (p.submission_id, p.role, p.reviewer_id))),
                tuple(shortfalls), tuple(_reciprocal(ctx["m"])))


def _leaders(ts: list[Target], leaders: list[int], ctx: dict, shortfalls: list[Shortfall],
             names: Mapping[int, str]) -> list[Pair]:
    """Leader pairs: every free leader ("all") or ``k_leader`` balanced ones ("spread")."""
    s: Settings = ctx["settings"]
    k = 1 if s.leader_mode == "all" else s.k_leader
    lacking = [t for t in ts if ctx["have"][(t.submission_id, LEADER)] < k]
    if not leaders:
        if lacking:
            shortfalls.append(Shortfall(NO_LEADER, (("count", str(len(lacking))),)))
        return []
    order = list(leaders)
    random.Random(f"{s.seed}/leaders").shuffle(order)
    elig: dict[int, list[int]] = {}
    for i, t in enumerate(ts):
        turn = order[(i * max(k, 1)) % len(order):] + order[:(i * max(k, 1)) % len(order)]
        elig[t.submission_id] = [r for r in turn if (r, t.unit_id) not in ctx["blocked"]
                                 and r not in ctx["taken"][t.submission_id]]
    if s.leader_mode == "all":
        new = {t: set(rs) for t, rs in elig.items()}
    else:
        need = {t.submission_id: max(0, k - ctx["have"][(t.submission_id, LEADER)]) for t in ts}
        mt = _Matching(elig, need, Counter({r: ctx["leader_load"][r] for r in leaders}))
        mt.fill([t.submission_id for t in ts], lambda r, t: False)
        low, high = mt.balance()
        if mt.members and high - low > 1:
            shortfalls.append(_uneven(LEADER, low, high))
        new = mt.new
    for t in lacking:
        found = ctx["have"][(t.submission_id, LEADER)] + len(new[t.submission_id])
        if found < k:
            shortfalls.append(Shortfall(LEADER_SHORT, (
                ("unit", names.get(t.unit_id, str(t.unit_id))), ("found", str(found)), ("k", str(k))),
                t.submission_id))
    return [Pair(t, r, LEADER) for t in sorted(new) for r in sorted(new[t])]
