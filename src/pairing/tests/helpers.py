"""Small builders for hand-checked instances: everyone on the equator, so that the distance
between two people is exactly the difference of their kilometre marks."""

from __future__ import annotations

import itertools
import math

from pairing import CandidateGraph, Id, Provider, Seeker, Weights
from pairing.graph import COST_SCALE, EARTH_RADIUS_KM

KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180

# Distance is the only cost unless a test says otherwise.
DISTANCE_ONLY = Weights(missing_experience_year=0.0)


def seeker_at(ident: Id, km: float, **attributes: object) -> Seeker:
    return Seeker(ident, 0.0, km / KM_PER_DEGREE, **attributes)  # type: ignore[arg-type]


def provider_at(ident: Id, km: float, capacity: int = 1, **attributes: object) -> Provider:
    return Provider(ident, 0.0, km / KM_PER_DEGREE, capacity=capacity, **attributes)  # type: ignore[arg-type]


def pairs_of(result: object) -> dict[Id, Id]:
    return {pair.seeker_id: pair.provider_id for pair in result.pairs}  # type: ignore[attr-defined]


def brute_force_optimum(graph: CandidateGraph) -> int:
    """The least total cost (integer thousandths) over every capacity-respecting answer."""
    options = []
    for s in range(graph.n_seekers):
        lo, hi = int(graph.indptr[s]), int(graph.indptr[s + 1])
        options.append([-1, *range(lo, hi)])
    best = None
    for choice in itertools.product(*options):
        load = [0] * graph.n_providers
        total = 0
        feasible = True
        for e in choice:
            if e < 0:
                total += graph.unmatched_cost
                continue
            p = int(graph.provider[e])
            load[p] += 1
            if load[p] > graph.capacity[p]:
                feasible = False
                break
            total += int(graph.cost[e])
        if feasible and (best is None or total < best):
            best = total
    assert best is not None
    return best


def naive_blocking_pairs(graph: CandidateGraph, chosen: list[int]) -> int:
    """The definition, pair by pair."""
    count = 0
    for e in range(graph.n_edges):
        s, p, c = int(graph.seeker[e]), int(graph.provider[e]), int(graph.cost[e])
        if chosen[s] == e:
            continue
        seeker_gains = chosen[s] < 0 or c < int(graph.cost[chosen[s]])
        held = [int(graph.cost[x]) for x in chosen if x >= 0 and int(graph.provider[x]) == p]
        provider_gains = len(held) < int(graph.capacity[p]) or c < max(held)
        count += seeker_gains and provider_gains
    return count


def total_in_thousandths(result: object) -> int:
    return round(result.total_cost * COST_SCALE)  # type: ignore[attr-defined]
