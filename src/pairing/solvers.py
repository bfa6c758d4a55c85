"""Batch solvers on a :class:`~pairing.graph.CandidateGraph`, and the fairness count.

* :func:`solve_optimal` minimises the total cost (pairs plus ``unmatched_cost`` per seeker
  left without a provider) subject to capacity: a min-cost flow
  source → seeker → provider → sink, with a seeker → sink arc for "unmatched", solved
  exactly by OR-Tools' cost-scaling solver on the integer costs.
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

import heapq
from collections import deque

import numpy as np
from ortools.graph.python import min_cost_flow

from pairing.explain import explain_pair
from pairing.graph import COST_SCALE, CandidateGraph, IntArray
from pairing.model import MatchResult, Pair, SolverFailed, Unmatched, UnmatchedCause

UNMATCHED = -1


def optimal_assignment(graph: CandidateGraph) -> IntArray:
    """For each seeker the index of its chosen edge, or -1: a minimum-total-cost answer."""
    n, m, edges = graph.n_seekers, graph.n_providers, graph.n_edges
    chosen = np.full(n, UNMATCHED, dtype=np.int64)
    if edges == 0:
        return chosen
    sink = n + m
    used = np.unique(graph.provider)
    tails = np.concatenate([graph.seeker, n + used, np.arange(n, dtype=np.int64)])
    heads = np.concatenate(
        [n + graph.provider, np.full(len(used), sink, dtype=np.int64), np.full(n, sink, dtype=np.int64)]
    )
    capacities = np.concatenate(
        [np.ones(edges, dtype=np.int64), graph.capacity[used], np.ones(n, dtype=np.int64)]
    )
    costs = np.concatenate(
        [graph.cost, np.zeros(len(used), dtype=np.int64), np.full(n, graph.unmatched_cost, dtype=np.int64)]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n] = 1
    supplies[sink] = -n
    flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverFailed(f"min-cost flow ended with status {status}")
    on_edge = np.asarray(flow.flows(arcs[:edges])) > 0
    picked = np.flatnonzero(on_edge)
    chosen[graph.seeker[picked]] = picked
    return chosen


def stable_assignment(graph: CandidateGraph) -> IntArray:
    """Seeker-proposing deferred acceptance (Gale–Shapley with capacities)."""
    n = graph.n_seekers
    indptr = graph.indptr.tolist()
    provider = graph.provider.tolist()
    cost = graph.cost.tolist()
    capacity = graph.capacity.tolist()
    next_edge = indptr[:-1]
    held: list[list[tuple[int, int, int]]] = [[] for _ in capacity]  # max-heap of (-cost, -seeker, edge)
    chosen = [UNMATCHED] * n
    free = deque(range(n))
    while free:
        s = free.popleft()
        end = indptr[s + 1]
        e = next_edge[s]
        while e < end:
            p = provider[e]
            heap = held[p]
            entry = (-cost[e], -s, e)
            e += 1
            if len(heap) < capacity[p]:
                heapq.heappush(heap, entry)
                chosen[s] = e - 1
                break
            if entry > heap[0]:  # (cost, seeker) smaller than the provider's worst
                _, minus_loser, _ = heapq.heapreplace(heap, entry)
                chosen[s] = e - 1
                chosen[-minus_loser] = UNMATCHED
                free.append(-minus_loser)
                break
        next_edge[s] = e
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
    picked = chosen[chosen >= 0]
    load = np.bincount(graph.provider[picked], minlength=graph.n_providers)
    free_after = (graph.capacity - load).tolist()
    if (np.asarray(free_after) < 0).any():
        raise SolverFailed(f"{solver} exceeded a provider's capacity")  # a bug, never input
    seekers, providers = graph.seekers, graph.providers
    edge_provider = graph.provider.tolist()
    edge_cost = graph.cost.tolist()
    edge_distance = graph.distance_km.tolist()
    indptr = graph.indptr.tolist()
    pairs: list[Pair] = []
    unmatched: list[Unmatched] = []
    for s, e in enumerate(chosen.tolist()):
        if e == UNMATCHED:
            cause = UnmatchedCause.NO_CANDIDATE if indptr[s] == indptr[s + 1] else UnmatchedCause.CAPACITY
            unmatched.append(Unmatched(seekers[s].id, cause))
            continue
        p = edge_provider[e]
        pairs.append(
            Pair(
                seeker_id=seekers[s].id,
                provider_id=providers[p].id,
                cost=edge_cost[e] / COST_SCALE,
                reasons=explain_pair(graph, s, p, edge_distance[e], free_after[p]),
            )
        )
    pairs_cost = int(graph.cost[picked].sum())
    total = pairs_cost + graph.unmatched_cost * len(unmatched)
    return MatchResult(
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
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
