"""Property tests on small random instances, against brute force and the definitions."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairing import (
    Exclusion,
    Override,
    Preference,
    Provider,
    Seeker,
    Weights,
    build_candidate_graph,
    count_blocking_pairs,
    greedy_assignment,
    optimal_assignment,
    solve_optimal,
    stable_assignment,
)
from pairing.graph import haversine_km
from pairing.tests.helpers import brute_force_optimum, naive_blocking_pairs, total_in_thousandths

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = ("a", "b", "c")

# Coordinates in a ~45 km box, so some pairs are over the 30 km limit.
lat = st.floats(min_value=59.0, max_value=59.3, allow_nan=False)
lon = st.floats(min_value=18.0, max_value=18.5, allow_nan=False)
words = st.frozensets(st.sampled_from(WORDS), max_size=2)
household = st.one_of(st.none(), st.integers(0, 3))


@st.composite
def instances(draw: st.DrawFn, max_seekers: int = 6, max_providers: int = 4) -> dict[str, object]:
    n = draw(st.integers(0, max_seekers))
    m = draw(st.integers(0, max_providers))
    seekers = [
        Seeker(
            i,
            draw(lat),
            draw(lon),
            age_groups=draw(words),
            needs=draw(words),
            languages=draw(words),
            family_form=draw(st.sampled_from([None, "x", "y"])),
            household_id=draw(household),
        )
        for i in range(n)
    ]
    providers = [
        Provider(
            100 + j,
            draw(lat),
            draw(lon),
            capacity=draw(st.integers(0, 3)),
            age_groups=draw(words),
            needs=draw(words),
            languages=draw(words),
            family_form=draw(st.sampled_from([None, "x", "y"])),
            household_id=draw(household),
            years_experience=draw(st.floats(0, 5)),
        )
        for j in range(m)
    ]
    pairs = [
        (s.id, p.id)
        for s in seekers
        for p in providers
        if s.household_id is None or s.household_id != p.household_id
    ]
    exclusions = (
        [Exclusion(s, p, "conflict") for s, p in draw(st.lists(st.sampled_from(pairs), max_size=3))]
        if pairs
        else []
    )
    overrides = (
        [Override(s, p, "recorded") for s, p in draw(st.lists(st.sampled_from(pairs), max_size=2))]
        if pairs
        else []
    )
    preferences = (
        [
            Preference(s, p, draw(st.floats(-20, 20)))
            for s, p in draw(st.lists(st.sampled_from(pairs), max_size=2))
        ]
        if pairs
        else []
    )
    weights = Weights(unmatched_cost=draw(st.sampled_from([40.0, 250.0])))
    return {
        "seekers": seekers,
        "providers": providers,
        "exclusions": exclusions,
        "overrides": overrides,
        "preferences": preferences,
        "weights": weights,
    }


@SETTINGS
@given(instances())
def test_optimal_total_equals_the_brute_force_optimum(instance: dict[str, object]) -> None:
    graph = build_candidate_graph(**instance, candidates_per_seeker=None)  # type: ignore[arg-type]
    result = solve_optimal(graph)
    assert total_in_thousandths(result) == brute_force_optimum(graph)


@SETTINGS
@given(instances())
def test_hard_rules_hold_for_every_solver(instance: dict[str, object]) -> None:
    graph = build_candidate_graph(**instance, candidates_per_seeker=None)  # type: ignore[arg-type]
    seekers = {s.id: s for s in instance["seekers"]}  # type: ignore[attr-defined]
    providers = {p.id: p for p in instance["providers"]}  # type: ignore[attr-defined]
    excluded = {(x.seeker_id, x.provider_id) for x in instance["exclusions"]}  # type: ignore[attr-defined]
    overridden = {(o.seeker_id, o.provider_id) for o in instance["overrides"]}  # type: ignore[attr-defined]
    for solve in (optimal_assignment, stable_assignment, greedy_assignment):
        chosen = solve(graph)
        used: dict[int, int] = {}
        for s_index, e in enumerate(chosen.tolist()):
            if e < 0:
                continue
            assert int(graph.seeker[e]) == s_index
            s, p = seekers[graph.seekers[s_index].id], providers[graph.providers[int(graph.provider[e])].id]
            used[p.id] = used.get(p.id, 0) + 1
            assert s.household_id is None or s.household_id != p.household_id
            if (s.id, p.id) not in overridden:
                assert (s.id, p.id) not in excluded
                distance = haversine_km(
                    np.array([s.lat]), np.array([s.lon]), np.array([p.lat]), np.array([p.lon])
                )
                assert distance[0] <= 30.0
        assert all(count <= providers[p].capacity for p, count in used.items())


@SETTINGS
@given(instances(max_seekers=12, max_providers=6))
def test_stable_has_no_blocking_pair_equals_greedy_and_costs_no_less_than_optimal(
    instance: dict[str, object],
) -> None:
    graph = build_candidate_graph(**instance, candidates_per_seeker=None)  # type: ignore[arg-type]
    stable = stable_assignment(graph)
    assert count_blocking_pairs(graph, stable) == 0
    # Both sides rank pairs by the same cost, so the stable answer is unique: the greedy one.
    assert stable.tolist() == greedy_assignment(graph).tolist()
    optimal = optimal_assignment(graph)

    def total(chosen: np.ndarray) -> int:
        return int(graph.cost[chosen[chosen >= 0]].sum()) + graph.unmatched_cost * int((chosen < 0).sum())

    assert total(optimal) <= total(stable)


@SETTINGS
@given(instances(max_seekers=8, max_providers=5), st.randoms(use_true_random=False))
def test_blocking_pair_count_follows_the_definition(instance: dict[str, object], rng: object) -> None:
    graph = build_candidate_graph(**instance, candidates_per_seeker=None)  # type: ignore[arg-type]
    # Any capacity-respecting answer: a random one built greedily in a random order.
    chosen = [-1] * graph.n_seekers
    room = graph.capacity.tolist()
    edges = list(range(graph.n_edges))
    rng.shuffle(edges)  # type: ignore[attr-defined]
    for e in edges:
        s, p = int(graph.seeker[e]), int(graph.provider[e])
        if chosen[s] < 0 and room[p] > 0 and rng.random() < 0.7:  # type: ignore[attr-defined]
            chosen[s] = e
            room[p] -= 1
    assert count_blocking_pairs(graph, np.array(chosen, dtype=np.int64)) == naive_blocking_pairs(
        graph, chosen
    )


@SETTINGS
@given(
    st.lists(st.tuples(lat, lon), min_size=1, max_size=8),
    st.lists(st.tuples(lat, lon, st.integers(0, 2)), min_size=0, max_size=12),
    st.integers(1, 4),
)
def test_candidates_are_the_k_nearest_feasible_providers(
    seeker_spots: list[tuple[float, float]], provider_spots: list[tuple[float, float, int]], k: int
) -> None:
    seekers = [Seeker(i, la, lo) for i, (la, lo) in enumerate(seeker_spots)]
    providers = [Provider(100 + j, la, lo, capacity=c) for j, (la, lo, c) in enumerate(provider_spots)]
    graph = build_candidate_graph(seekers, providers, candidates_per_seeker=k)
    for s in seekers:
        distances = sorted(
            (
                float(
                    haversine_km(np.array([s.lat]), np.array([s.lon]), np.array([p.lat]), np.array([p.lon]))[
                        0
                    ]
                ),
                p.id,
            )
            for p in providers
            if p.capacity > 0
        )
        within = [d for d, _ in distances if d <= 30.0]
        lo, hi = int(graph.indptr[s.id]), int(graph.indptr[s.id + 1])
        got = sorted(float(d) for d in graph.distance_km[lo:hi])
        # The k nearest distances (which providers, among equally near ones, may differ).
        assert np.allclose(got, within[:k])
