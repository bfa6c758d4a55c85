"""check_pair: one pair against the hard rules, exactly as the candidate graph applies them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pairing import Exclusion, Weights, build_candidate_graph, check_pair
from pairing.tests.helpers import provider_at, seeker_at


def test_a_pair_within_the_limit_with_a_free_place_is_a_candidate() -> None:
    check = check_pair(seeker_at(1, 0), provider_at(2, 12), weights=Weights(max_distance_km=30))

    assert round(check.distance_km, 6) == 12
    assert check.is_candidate and not check.needs_override


def test_too_far_and_excluded_need_an_override_and_one_household_never_pairs() -> None:
    too_far = check_pair(seeker_at(1, 0), provider_at(2, 31), weights=Weights(max_distance_km=30))
    excluded = check_pair(
        seeker_at(1, 0), provider_at(2, 5), exclusions=[Exclusion(1, 2, "ended_badly"), Exclusion(1, 3, "x")]
    )
    same_home = check_pair(seeker_at(1, 0, household_id=7), provider_at(2, 0, household_id=7))
    full = check_pair(seeker_at(1, 0), provider_at(2, 1, capacity=0))

    assert too_far.is_too_far and too_far.needs_override and not too_far.is_candidate
    assert excluded.exclusions == (Exclusion(1, 2, "ended_badly"),) and excluded.needs_override
    assert same_home.same_household and not same_home.is_candidate
    assert not full.has_free_place and not full.is_candidate


def test_a_seekers_own_limit_replaces_the_municipalitys() -> None:
    check = check_pair(
        seeker_at(1, 0, max_distance_km=5.0), provider_at(2, 8), weights=Weights(max_distance_km=30)
    )

    assert check.distance_limit_km == 5.0 and check.is_too_far


@settings(max_examples=60, deadline=None)
@given(
    km=st.floats(min_value=0, max_value=80, allow_nan=False),
    capacity=st.integers(min_value=0, max_value=2),
    same_household=st.booleans(),
    excluded=st.booleans(),
)
def test_check_pair_agrees_with_the_candidate_graph(
    km: float, capacity: int, same_household: bool, excluded: bool
) -> None:
    seeker = seeker_at(1, 0, household_id=1)
    provider = provider_at(2, km, capacity=capacity, household_id=1 if same_household else 2)
    exclusions = [Exclusion(1, 2, "ended_badly")] if excluded else []
    weights = Weights(max_distance_km=40, missing_experience_year=0.0, unmatched_cost=10_000)

    graph = build_candidate_graph([seeker], [provider], weights=weights, exclusions=exclusions)

    assert check_pair(seeker, provider, weights=weights, exclusions=exclusions).is_candidate == (
        graph.n_edges == 1
    )
