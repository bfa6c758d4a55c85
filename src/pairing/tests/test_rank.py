"""Suggestions for one seeker: every allowed provider, cheapest first, explained."""

from __future__ import annotations

import pytest

from pairing import Exclusion, Override, ReasonCode, rank_providers
from pairing.tests.helpers import DISTANCE_ONLY, provider_at, seeker_at


def test_suggestions_are_the_allowed_providers_cheapest_first_with_ties_by_id() -> None:
    seeker = seeker_at(1, 0, household_id="home")
    providers = [
        provider_at("d", 3),
        provider_at("c", 3),
        provider_at("a", 1, capacity=3),
        provider_at("own household", 0, household_id="home"),
        provider_at("full", 0, capacity=0),
        provider_at("far", 31),
        provider_at("conflict", 2),
    ]
    ranked = rank_providers(
        seeker, providers, weights=DISTANCE_ONLY, exclusions=[Exclusion(1, "conflict", "declared conflict")]
    )
    assert [p.provider_id for p in ranked] == ["a", "c", "d"]
    assert [p.cost for p in ranked] == pytest.approx([1.0, 3.0, 3.0], abs=1e-3)
    free = {r.code: r.value for r in ranked[0].reasons}[ReasonCode.FREE_PLACES_AFTER]
    assert free == 2
    assert [p.provider_id for p in rank_providers(seeker, providers, weights=DISTANCE_ONLY, limit=1)] == ["a"]


def test_an_overridden_far_provider_is_suggested_with_the_override_shown() -> None:
    seeker = seeker_at(1, 0)
    ranked = rank_providers(
        seeker,
        [provider_at("far", 45)],
        weights=DISTANCE_ONLY,
        overrides=[Override(1, "far", "Mormor bor där")],
    )
    (pair,) = ranked
    codes = {r.code: r.value for r in pair.reasons}
    assert codes[ReasonCode.OVERRIDE] == "Mormor bor där"
    assert codes[ReasonCode.DISTANCE_LIMIT_OVERRIDDEN] == 30.0
