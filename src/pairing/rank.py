"""Suggestions for one seeker: the providers it could be paired with, best first."""

from __future__ import annotations

from collections.abc import Iterable

from pairing.explain import explain_pair
from pairing.graph import COST_SCALE, build_candidate_graph
from pairing.model import Exclusion, InvalidInput, Override, Pair, Preference, Provider, Seeker, Weights


def rank_providers(
    seeker: Seeker,
    providers: Iterable[Provider],
    *,
    weights: Weights | None = None,
    exclusions: Iterable[Exclusion] = (),
    overrides: Iterable[Override] = (),
    preferences: Iterable[Preference] = (),
    limit: int | None = 10,
) -> list[Pair]:
    """Every allowed provider for ``seeker`` (same rules as the batch), cheapest first, ties
    by provider id, at most ``limit``; each pair explained as if it were the only one."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise InvalidInput("invalid_limit", "limit must be None or an int >= 0")
    graph = build_candidate_graph(
        [seeker],
        providers,
        weights=weights,
        exclusions=exclusions,
        overrides=overrides,
        preferences=preferences,
        candidates_per_seeker=None,
    )
    # Edges are sorted by (seeker, cost, provider) and providers are in id order.
    count = graph.n_edges if limit is None else min(limit, graph.n_edges)
    return [
        Pair(
            seeker_id=seeker.id,
            provider_id=graph.providers[p].id,
            cost=int(graph.cost[e]) / COST_SCALE,
            reasons=explain_pair(graph, 0, p, float(graph.distance_km[e]), int(graph.capacity[p]) - 1),
        )
        for e, p in enumerate(graph.provider[:count].tolist())
    ]
