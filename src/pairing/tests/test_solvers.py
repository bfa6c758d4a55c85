"""Hand-checked instances: known optimum, hard rules, explanations, determinism."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from pairing import (
    Exclusion,
    InvalidInput,
    Override,
    Preference,
    Provider,
    ReasonCode,
    Seeker,
    UnmatchedCause,
    Weights,
    build_candidate_graph,
    count_blocking_pairs,
    optimal_assignment,
    solve_greedy,
    solve_optimal,
    solve_stable,
)
from pairing.tests.helpers import DISTANCE_ONLY, pairs_of, provider_at, seeker_at


def crossing_instance() -> tuple[list[Seeker], list[Provider]]:
    """On a line: Y at -2 km, A at 0, X at 1, B at 3 (one place each).

    A-X + B-Y costs 1 + 5 = 6; A-Y + B-X costs 2 + 2 = 4, the optimum. In it A and X would
    both rather be together (A pays 2 instead of 1, X has B at 2 instead of A at 1): one
    blocking pair. The stable answer is A-X, B-Y.
    """
    return (
        [seeker_at("A", 0), seeker_at("B", 3)],
        [provider_at("X", 1), provider_at("Y", -2)],
    )


def test_optimal_answer_of_the_crossing_instance_is_the_cheaper_total() -> None:
    graph = build_candidate_graph(*crossing_instance(), weights=DISTANCE_ONLY)
    result = solve_optimal(graph)
    assert pairs_of(result) == {"A": "Y", "B": "X"}
    assert result.total_cost == pytest.approx(4.0, abs=1e-3)
    assert result.unmatched == ()
    assert result.blocking_pairs == 1


def test_stable_and_greedy_answers_of_the_crossing_instance_have_no_blocking_pair() -> None:
    graph = build_candidate_graph(*crossing_instance(), weights=DISTANCE_ONLY)
    for result in (solve_stable(graph), solve_greedy(graph)):
        assert pairs_of(result) == {"A": "X", "B": "Y"}
        assert result.total_cost == pytest.approx(6.0, abs=1e-3)
        assert result.blocking_pairs == 0


def test_blocking_pairs_are_counted_for_any_given_answer() -> None:
    graph = build_candidate_graph(*crossing_instance(), weights=DISTANCE_ONLY)
    # Edges sorted by (seeker, cost): A-X, A-Y, B-X, B-Y.
    assert count_blocking_pairs(graph, np.array([1, 2])) == 1  # A-Y, B-X
    assert count_blocking_pairs(graph, np.array([0, 3])) == 0  # A-X, B-Y
    # A alone at Y, B unmatched: A-X blocks (X is empty), B-X blocks, B-Y does not (Y is full
    # with A at 2 < 5).
    assert count_blocking_pairs(graph, np.array([1, -1])) == 2


def test_capacity_is_never_exceeded_and_the_one_left_over_is_told_why() -> None:
    seekers = [seeker_at(1, 1), seeker_at(2, 2), seeker_at(3, 3), seeker_at(4, 100)]
    providers = [provider_at("near", 0, capacity=2)]
    result = solve_optimal(build_candidate_graph(seekers, providers, weights=DISTANCE_ONLY))
    assert pairs_of(result) == {1: "near", 2: "near"}
    assert {u.seeker_id: u.cause for u in result.unmatched} == {
        3: UnmatchedCause.CAPACITY,
        4: UnmatchedCause.NO_CANDIDATE,
    }
    assert result.pairs_cost == pytest.approx(3.0, abs=1e-3)
    assert result.total_cost == pytest.approx(3.0 + 2 * DISTANCE_ONLY.unmatched_cost, abs=1e-3)
    free = [r.value for r in result.pairs[0].reasons if r.code == ReasonCode.FREE_PLACES_AFTER]
    assert free == [0]


def test_a_pair_dearer_than_leaving_the_seeker_unmatched_is_never_made() -> None:
    weights = Weights(missing_experience_year=0.0, unmatched_cost=5.0)
    graph = build_candidate_graph([seeker_at(1, 0)], [provider_at(2, 6)], weights=weights)
    assert graph.n_edges == 0
    assert solve_optimal(graph).unmatched_seeker_ids == (1,)


def test_optimal_moves_one_seeker_farther_so_that_two_are_matched() -> None:
    # S1 can reach P1 (1 km) or P2 (20 km); S2 only P1 (1 km; P2 is 22 km away, over the
    # limit). Greedy gives P1 to S1 (the tie goes to the first seeker) and leaves S2 without;
    # the optimum sends S1 to P2.
    seekers = [seeker_at("S1", 0), seeker_at("S2", -2)]
    providers = [provider_at("P1", -1), provider_at("P2", 20)]
    graph = build_candidate_graph(
        seekers, providers, weights=Weights(missing_experience_year=0.0, max_distance_km=21)
    )
    assert pairs_of(solve_optimal(graph)) == {"S1": "P2", "S2": "P1"}
    assert len(solve_greedy(graph).pairs) == 1


def test_distance_limit_is_respected_and_an_override_with_a_reason_lifts_it_visibly() -> None:
    seekers = [seeker_at(1, 0)]
    providers = [provider_at(2, 40)]
    assert solve_optimal(build_candidate_graph(seekers, providers, weights=DISTANCE_ONLY)).pairs == ()

    override = Override(1, 2, "Familjen pendlar till orten varje dag")
    result = solve_optimal(
        build_candidate_graph(seekers, providers, weights=DISTANCE_ONLY, overrides=[override])
    )
    (pair,) = result.pairs
    codes = {r.code: r.value for r in pair.reasons}
    assert codes[ReasonCode.DISTANCE_KM] == pytest.approx(40.0)
    assert codes[ReasonCode.OVERRIDE] == "Familjen pendlar till orten varje dag"
    assert codes[ReasonCode.DISTANCE_LIMIT_OVERRIDDEN] == 30.0


def test_a_seekers_own_distance_limit_replaces_the_municipalitys() -> None:
    seekers = [seeker_at(1, 0, max_distance_km=5.0)]
    assert build_candidate_graph(seekers, [provider_at(2, 6)], weights=DISTANCE_ONLY).n_edges == 0
    assert build_candidate_graph(seekers, [provider_at(2, 4)], weights=DISTANCE_ONLY).n_edges == 1


def test_an_override_needs_a_recorded_reason() -> None:
    with pytest.raises(InvalidInput) as caught:
        build_candidate_graph([seeker_at(1, 0)], [provider_at(2, 40)], overrides=[Override(1, 2, "  ")])
    assert caught.value.code == "override_without_reason"


def test_same_household_is_never_paired_and_cannot_be_overridden() -> None:
    seekers = [seeker_at(1, 0, household_id="h1")]
    providers = [provider_at(2, 0, household_id="h1"), provider_at(3, 25, household_id="h2")]
    result = solve_optimal(build_candidate_graph(seekers, providers, weights=DISTANCE_ONLY))
    assert pairs_of(result) == {1: 3}
    with pytest.raises(InvalidInput) as caught:
        build_candidate_graph(seekers, providers, overrides=[Override(1, 2, "De vill gärna")])
    assert caught.value.code == "override_same_household"


def test_exclusions_are_respected_unless_overridden_with_a_reason() -> None:
    seekers = [seeker_at(1, 0)]
    providers = [provider_at(2, 1), provider_at(3, 10)]
    conflict = Exclusion(1, 2, "declared conflict")
    result = solve_optimal(
        build_candidate_graph(seekers, providers, weights=DISTANCE_ONLY, exclusions=[conflict])
    )
    assert pairs_of(result) == {1: 3}

    override = Override(1, 2, "Konflikten är löst, enligt båda familjerna")
    result = solve_optimal(
        build_candidate_graph(
            seekers, providers, weights=DISTANCE_ONLY, exclusions=[conflict], overrides=[override]
        )
    )
    assert pairs_of(result) == {1: 2}
    codes = {r.code: r.value for r in result.pairs[0].reasons}
    assert codes[ReasonCode.EXCLUSION_OVERRIDDEN] == "declared conflict"


def test_a_secretarys_preference_can_tip_the_choice() -> None:
    seekers = [seeker_at(1, 0)]
    providers = [provider_at(2, 1), provider_at(3, 4)]
    assert pairs_of(solve_optimal(build_candidate_graph(seekers, providers, weights=DISTANCE_ONLY))) == {1: 2}
    preference = Preference(1, 3, bonus=5.0, reason="Känner varandra från förskolan")
    result = solve_optimal(
        build_candidate_graph(seekers, providers, weights=DISTANCE_ONLY, preferences=[preference])
    )
    assert pairs_of(result) == {1: 3}
    assert result.pairs[0].cost == pytest.approx(-1.0, abs=1e-3)
    assert {r.code for r in result.pairs[0].reasons} >= {ReasonCode.PREFERENCE}


def test_explanations_name_what_fits_and_what_costs_and_add_up_to_the_cost() -> None:
    seeker = seeker_at(
        1,
        0,
        age_groups=frozenset({"13-17"}),
        needs=frozenset({"trauma"}),
        languages=frozenset({"arabiska", "svenska"}),
        family_form="single_parent",
    )
    provider = provider_at(
        2,
        14.2,
        capacity=2,
        age_groups=frozenset({"13-17", "7-12"}),
        languages=frozenset({"arabiska"}),
        family_form="two_parents",
        years_experience=1.0,
    )
    (pair,) = solve_optimal(build_candidate_graph([seeker], [provider])).pairs
    reasons = [(r.code, r.value, r.cost) for r in pair.reasons]
    w = Weights()
    assert reasons == [
        (ReasonCode.DISTANCE_KM, 14.2, pytest.approx(14.2, abs=1e-3)),
        (ReasonCode.EXPERIENCE_AGE_GROUP, "13-17", 0.0),
        (ReasonCode.MISSING_NEED, "trauma", w.missing_need),
        (ReasonCode.SHARED_LANGUAGE, "arabiska", 0.0),
        (ReasonCode.FAMILY_FORM_MISMATCH, "two_parents", w.family_form_mismatch),
        (ReasonCode.YEARS_EXPERIENCE, 1.0, w.missing_experience_year * 1.0),
        (ReasonCode.FREE_PLACES_AFTER, 1, 0.0),
    ]
    assert sum(r.cost for r in pair.reasons) == pytest.approx(pair.cost, abs=1e-3)


def test_no_shared_language_costs_and_says_so() -> None:
    seeker = seeker_at(1, 0, languages=frozenset({"tigrinja"}))
    provider = provider_at(2, 0, languages=frozenset({"svenska"}), years_experience=5.0)
    (pair,) = solve_optimal(build_candidate_graph([seeker], [provider])).pairs
    assert [r.code for r in pair.reasons if r.cost] == [ReasonCode.NO_SHARED_LANGUAGE]
    assert pair.cost == pytest.approx(Weights().no_shared_language)


def test_same_input_in_any_order_gives_the_same_answer() -> None:
    rng = random.Random(7)
    seekers = [seeker_at(f"s{i}", rng.uniform(0, 60), household_id=f"h{rng.randrange(8)}") for i in range(40)]
    providers = [
        provider_at(
            f"p{j}", rng.uniform(0, 60), capacity=rng.randrange(0, 4), household_id=f"h{rng.randrange(8)}"
        )
        for j in range(20)
    ]
    first = solve_optimal(build_candidate_graph(seekers, providers, candidates_per_seeker=5))
    for _ in range(3):
        rng.shuffle(seekers)
        rng.shuffle(providers)
        again = solve_optimal(build_candidate_graph(seekers, providers, candidates_per_seeker=5))
        assert again == first


def test_people_geocoded_to_one_spot_are_spread_over_the_providers_there() -> None:
    # Postal-code geocoding puts many people on one point. With 2 candidates each, taking
    # the same 2 providers for everyone would leave 8 of 10 unmatched.
    seekers = [Seeker(i, 59.3326, 18.0649) for i in range(10)]
    providers = [Provider(100 + j, 59.3326, 18.0649) for j in range(10)]
    graph = build_candidate_graph(seekers, providers, candidates_per_seeker=2)
    assert len(solve_optimal(graph).pairs) == 10


def test_bad_input_is_refused_with_a_code() -> None:
    cases = [
        (lambda: build_candidate_graph([seeker_at(1, 0), seeker_at(1, 1)], []), "duplicate_id"),
        (lambda: build_candidate_graph([], [provider_at(1, 0), provider_at(1, 1)]), "duplicate_id"),
        (lambda: build_candidate_graph([Seeker(1, 91.0, 0.0)], []), "invalid_coordinates"),
        (lambda: build_candidate_graph([Seeker(1, float("nan"), 0.0)], []), "invalid_coordinates"),
        (lambda: build_candidate_graph([], [provider_at(1, 0, capacity=-1)]), "invalid_capacity"),
        (lambda: build_candidate_graph([], [], candidates_per_seeker=0), "invalid_candidates_per_seeker"),
        (lambda: Weights(missing_need=-1.0), "invalid_weight"),
        (lambda: Weights(max_distance_km=0.0), "invalid_weight"),
        (lambda: build_candidate_graph([Seeker(True, 0.0, 0.0)], []), "invalid_id"),  # type: ignore[arg-type]
    ]
    for make, code in cases:
        with pytest.raises(InvalidInput) as caught:
            make()
        assert caught.value.code == code


def test_optimal_matches_an_independent_assignment_solver_on_a_county_sized_instance() -> None:
    """SciPy's LAPJVsp on the graph with each provider split into one column per place."""
    rng = np.random.default_rng(3)
    seekers = [
        Seeker(
            i,
            58.4 + rng.uniform(0, 0.6),
            15.0 + rng.uniform(0, 1.2),
            needs=frozenset(rng.choice(["a", "b"], 1)),
        )
        for i in range(300)
    ]
    providers = [
        Provider(j, 58.4 + rng.uniform(0, 0.6), 15.0 + rng.uniform(0, 1.2), capacity=int(rng.integers(1, 4)))
        for j in range(120)
    ]
    graph = build_candidate_graph(seekers, providers, candidates_per_seeker=15)
    chosen = optimal_assignment(graph)
    ours = int(graph.cost[chosen[chosen >= 0]].sum()) + graph.unmatched_cost * int((chosen < 0).sum())

    slot_of = np.concatenate([[0], np.cumsum(graph.capacity)])
    rows, cols, weights = [], [], []
    for e in range(graph.n_edges):
        p = int(graph.provider[e])
        for slot in range(int(slot_of[p]), int(slot_of[p + 1])):
            rows.append(int(graph.seeker[e]))
            cols.append(slot)
            weights.append(float(graph.cost[e]) + 1)  # LAPJVsp wants non-zero weights
    n, slots = graph.n_seekers, int(slot_of[-1])
    rows += list(range(n))
    cols += [slots + s for s in range(n)]
    weights += [float(graph.unmatched_cost) + 1] * n
    matrix = csr_array((weights, (rows, cols)), shape=(n, slots + n))
    r, c = min_weight_full_bipartite_matching(matrix)
    theirs = round(float(matrix[r, c].sum())) - n
    assert ours == theirs
