"""Reviewer assignment on generated campaigns: hundreds of units, irregular clusters, every
invariant checked; determinism under input permutation; tiny instances against brute force."""
from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.domain.assignment import UNEVEN, Pair, PeerReviewer, Settings, Target, assign
from tests.domain.test_assignment import brute_force, check, peer_pairs

PEER = "peer"


def campaign(seed: int, units: int = 300, regular_k: int | None = None):
    """Seeded random campaign. ``regular_k``: one reviewer per unit, clusters of ≥ 2k+1 units,
    no conflicts; otherwise 0–3 reviewers per unit, some unclustered units, some units with two
    submissions, random conflicts."""
    rng = random.Random(seed)
    targets, peers, conflicts = [], [], set()
    unit, cluster, rid = 0, 0, 10_000
    while unit < units:
        size = rng.randint(2 * regular_k + 1 if regular_k else 2, 60)
        cid = None if not regular_k and rng.random() < 0.08 else cluster
        members = list(range(unit, min(unit + size, units) if not regular_k else unit + size))
        for u in members:
            targets.append(Target(u, u, cid))
            if not regular_k and rng.random() < 0.1:
                targets.append(Target(100_000 + u, u, cid))
            for _ in range(1 if regular_k else rng.choice((0, 1, 1, 1, 2, 3))):
                peers.append(PeerReviewer(rid, u, cid))
                if not regular_k and rng.random() < 0.15:
                    conflicts.add((rid, rng.choice(members)))
                rid += 1
        unit += len(members)
        cluster += 1
    return targets, peers, conflicts


def some_existing(rng: random.Random, targets, peers, n: int) -> list[Pair]:
    pairs = {(rng.choice(targets), rng.choice(peers)) for _ in range(n)}
    return sorted((Pair(t.submission_id, r.reviewer_id, PEER) for t, r in pairs
                   if t.unit_id != r.unit_id and t.cluster_id == r.cluster_id),
                  key=lambda p: (p.submission_id, p.reviewer_id))


CASES = [(seed, Settings(k_peer=1 + seed % 3, same_cluster=seed % 4 != 3,
                         leader_mode=("all", "spread")[seed % 2], k_leader=1 + seed % 2, seed=seed))
         for seed in range(8)]


@pytest.mark.parametrize("seed, s", CASES, ids=[f"seed{c[0]}" for c in CASES])
def test_generated_campaign_invariants(seed, s):
    targets, peers, conflicts = campaign(seed)
    rng = random.Random(seed)
    leaders = list(range(1, rng.randint(3, 9)))
    conflicts |= {(x, rng.randrange(300)) for x in leaders for _ in range(3)}
    existing = some_existing(rng, targets, peers, 20) if seed % 2 else []
    plan = assign(targets, peers, leaders, conflicts, s, existing)
    check(plan, targets, peers, leaders, conflicts, s, existing)
    assert len(targets) >= 300 and len(plan.pairs) > len(targets) * s.k_peer // 2


@pytest.mark.parametrize("seed, k", [(seed, k) for k in (1, 2, 3) for seed in range(3)])
def test_regular_campaign_is_balanced_and_reciprocity_free(seed, k):
    targets, peers, _ = campaign(seed, regular_k=k)
    s = Settings(k_peer=k, seed=seed)
    plan = assign(targets, peers, [1, 2], (), s)
    check(plan, targets, peers, [1, 2], set(), s)
    assert plan.reciprocal == () and plan.shortfalls == ()
    assert set(Counter(r for _, r in peer_pairs(plan)).values()) == {k}


def test_six_hundred_units_fast():
    targets = [Target(u, u, u % 10) for u in range(600)]
    peers = [PeerReviewer(10_000 + u, u, u % 10) for u in range(600)]
    start = time.perf_counter()
    plan = assign(targets, peers, [1, 2, 3], (), Settings(k_peer=3))
    assert time.perf_counter() - start < 2.0
    assert plan.shortfalls == () and plan.reciprocal == () and len(peer_pairs(plan)) == 1800


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), order=st.randoms(use_true_random=False))
def test_deterministic_under_permutation(seed, order):
    targets, peers, conflicts = campaign(seed, units=90)
    s = Settings(k_peer=2, seed=seed, leader_mode="spread")
    leaders = [1, 2, 3, 4]
    existing = some_existing(random.Random(seed), targets, peers, 5)
    plan = assign(targets, peers, leaders, conflicts, s, existing)
    shuffled = [list(x) for x in (targets, peers, leaders, conflicts, existing)]
    for x in shuffled:
        order.shuffle(x)
    again = assign(shuffled[0], shuffled[1], shuffled[2], set(shuffled[3]), s, shuffled[4])
    assert again == plan


def test_different_seeds_may_differ():
    targets, peers, conflicts = campaign(3, units=60)
    plans = {assign(targets, peers, [1], conflicts, Settings(seed=seed)).pairs for seed in range(4)}
    assert len(plans) > 1


@st.composite
def tiny(draw):
    n_units = draw(st.integers(2, 5))
    targets = [Target(i, draw(st.integers(0, n_units - 1)), 1) for i in range(draw(st.integers(1, 4)))]
    peers = [PeerReviewer(10 + i, draw(st.integers(0, n_units - 1)), 1)
             for i in range(draw(st.integers(1, 5)))]
    conflicts = draw(st.sets(st.tuples(st.sampled_from([r.reviewer_id for r in peers]),
                                       st.integers(0, n_units - 1)), max_size=4))
    return targets, peers, conflicts, draw(st.integers(1, 2)), draw(st.integers(0, 3))


@settings(max_examples=150, deadline=None)
@given(tiny())
def test_tiny_random_instances_match_brute_force(instance):
    targets, peers, conflicts, k, seed = instance
    uneven, recip = brute_force(targets, peers, conflicts, k)
    s = Settings(k_peer=k, seed=seed)
    plan = assign(targets, peers, [1], conflicts, s)
    check(plan, targets, peers, [1], conflicts, s)
    assert bool([f for f in plan.shortfalls if f.template in UNEVEN.values()]) == bool(uneven)
    if not uneven:  # balanced and, when some balanced plan has none, no reciprocal pair
        assert len(plan.reciprocal) >= recip and (recip > 0 or plan.reciprocal == ())
