"""Batch solvers on a :class:`~pairing.graph.CandidateGraph`, and the fairness count.

* :func:`solve_optimal` minimises the total cost (pairs plus ``unmatched_cost`` per seeker
  left without a provider) subject to capacity: a min-cost flow
  seeker → provider → sink, with a seeker → sink arc for "unmatched", solved exactly on the
  integer costs by successive shortest paths (:mod:`pairing._flow`).
* :func:`solve_stable` is seeker-proposing deferred acceptance with capacities: no seeker
  and provider would both rather be together (zero blocking pairs).
* :func:`solve_greedy` takes the cheapest remaining pair first: the baseline.

Preferences for stability come from the costs: a seeker prefers a cheaper pair, and so does
a provider; equal costs are broken by the other side's canonical order. Because both sides
rank pairs by one shared cost, the stable matching is unique and equals the greedy one (each
pair taken greedily is the best remaining for both), so :func:`solve_stable` and
:func:`solve_greedy` agree; the tests check it.

Every solver is deterministic: the graph is in canonical order and nothing depends on
hashing or timing.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pairing.explain import explain_pair
from pairing.graph import COST_SCALE, CandidateGraph, IntArray, paused_gc
from pairing.model import MatchResult, Pair, SolverFailed, Unmatched, UnmatchedCause

UNMATCHED = -1


def optimal_assignment(graph: CandidateGraph) -> IntArray:
    """For each seeker the index of its chosen edge, or -1: a minimum-total-cost answer."""
    from pairing._flow import min_cost_assignment  # compiled on first use: keep `import pairing` light

    if graph.n_edges == 0:
        return np.full(graph.n_seekers, UNMATCHED, dtype=np.int64)
    chosen = min_cost_assignment(
        graph.indptr, graph.provider, graph.cost, graph.capacity, graph.unmatched_cost, spatial_order(graph)
    )
    return np.asarray(chosen, dtype=np.int64)


def spatial_order(graph: CandidateGraph) -> IntArray:
    """Seekers along a Z-order curve over their coordinates (ties by canonical order).

    The solver adds seekers one at a time; neighbours added together find the providers
    they compete for still warm in the cache, which makes it about twice as fast.
    """
    lat = np.array([s.lat for s in graph.seekers], dtype=np.float64)
    lon = np.array([s.lon for s in graph.seekers], dtype=np.float64)
    x = np.floor((lon + 180.0) / 360.0 * 65535.0).astype(np.uint64)
    y = np.floor((lat + 90.0) / 180.0 * 65535.0).astype(np.uint64)
    code = _spread_bits(x) | (_spread_bits(y) << np.uint64(1))
    return np.argsort(code, kind="stable").astype(np.int64)


def _spread_bits(v: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Put a zero bit between each of the low 16 bits (for interleaving two coordinates)."""
    v = (v | (v << np.uint64(8))) & np.uint64(0x00FF00FF)
    v = (v | (v << np.uint64(4))) & np.uint64(0x0F0F0F0F)
    v = (v | (v << np.uint64(2))) & np.uint64(0x33333333)
    v = (v | (v << np.uint64(1))) & np.uint64(0x55555555)
    return v


def stable_assignment(graph: CandidateGraph) -> IntArray:
    """Seeker-proposing deferred acceptance (Gale–Shapley with capacities)."""
    from pairing._flow import deferred_acceptance

    if graph.n_edges == 0:
        return np.full(graph.n_seekers, UNMATCHED, dtype=np.int64)
    chosen = deferred_acceptance(graph.indptr, graph.provider, graph.cost, graph.capacity)
    return np.asarray(chosen, dtype=np.int64)


def greedy_assignment(graph: CandidateGraph) -> IntArray:
    """The cheapest remaining pair first (ties by seeker, then provider order)."""
    n = graph.n_seekers
    order = np.lexsort((graph.provider, graph.seeker, graph.cost)).tolist()
    seeker = graph.seeker.tolist()
    provider = graph.provider.tolist()
    room = graph.capacity.tolist()
    chosen = [UNMATCHED] * n
    for e in order:
        s = seeker[e]
        if chosen[s] == UNMATCHED:
            p = provider[e]
            if room[p]:
                room[p] -= 1
                chosen[s] = e
    return np.asarray(chosen, dtype=np.int64)


def count_blocking_pairs(graph: CandidateGraph, chosen: IntArray) -> int:
    """Candidate pairs not chosen where the seeker's own pair costs more (or it has none) and
    the provider has a free place or a pair that costs more: both would gain by leaving."""
    edges = graph.n_edges
    if edges == 0:
        return 0
    picked = chosen[chosen >= 0]
    in_answer = np.zeros(edges, dtype=np.bool_)
    in_answer[picked] = True
    big = np.iinfo(np.int64).max
    seeker_now = np.where(chosen >= 0, graph.cost[np.maximum(chosen, 0)], big)
    seeker_gains = graph.cost < seeker_now[graph.seeker]
    load = np.bincount(graph.provider[picked], minlength=graph.n_providers)
    worst = np.full(graph.n_providers, -big, dtype=np.int64)
    np.maximum.at(worst, graph.provider[picked], graph.cost[picked])
    provider_gains = (load[graph.provider] < graph.capacity[graph.provider]) | (
        graph.cost < worst[graph.provider]
    )
    return int(np.count_nonzero(~in_answer & seeker_gains & provider_gains))


def build_result(graph: CandidateGraph, chosen: IntArray, solver: str) -> MatchResult:
    """Turn chosen edges into pairs with reasons, the unmatched, costs and blocking pairs."""
    with paused_gc():
        return _build_result(graph, chosen, solver)


def _build_result(graph: CandidateGraph, chosen: IntArray, solver: str) -> MatchResult:
    picked = chosen[chosen >= 0]
    load = np.bincount(graph.provider[picked], minlength=graph.n_providers)
    free_after = graph.capacity - load
    if (free_after < 0).any():
        raise SolverFailed(f"{solver} exceeded a provider's capacity")  # a bug, never input
    seekers, providers = graph.seekers, graph.providers
    matched = np.flatnonzero(chosen >= 0)
    edges = chosen[matched]
    pair_provider = graph.provider[edges]
    pairs = tuple(
        Pair(
            seeker_id=seekers[s].id,
            provider_id=providers[p].id,
            cost=cost / COST_SCALE,
            reasons=explain_pair(graph, s, p, distance, free),
        )
        for s, p, cost, distance, free in zip(
            matched.tolist(),
            pair_provider.tolist(),
            graph.cost[edges].tolist(),
            graph.distance_km[edges].tolist(),
            free_after[pair_provider].tolist(),
            strict=True,
        )
    )
    lonely = np.flatnonzero(chosen < 0)
    has_candidates = (graph.indptr[lonely + 1] > graph.indptr[lonely]).tolist()
    unmatched = tuple(
        Unmatched(seekers[s].id, UnmatchedCause.CAPACITY if has else UnmatchedCause.NO_CANDIDATE)
        for s, has in zip(lonely.tolist(), has_candidates, strict=True)
    )
    pairs_cost = int(graph.cost[picked].sum())
    total = pairs_cost + graph.unmatched_cost * len(unmatched)
    return MatchResult(
        pairs=pairs,
        unmatched=unmatched,
        total_cost=total / COST_SCALE,
        pairs_cost=pairs_cost / COST_SCALE,
        blocking_pairs=count_blocking_pairs(graph, chosen),
        solver=solver,
        candidate_pairs=graph.n_edges,
    )


def solve_optimal(graph: CandidateGraph) -> MatchResult:
    """The answer with the least total cost (pairs plus unmatched seekers) within capacity."""
    return build_result(graph, optimal_assignment(graph), "optimal")


def solve_stable(graph: CandidateGraph) -> MatchResult:
    """The stable answer: no seeker and provider would both rather be paired with each other."""
    return build_result(graph, stable_assignment(graph), "stable")


def solve_greedy(graph: CandidateGraph) -> MatchResult:
    """The cheapest-pair-first baseline."""
    return build_result(graph, greedy_assignment(graph), "greedy")
