"""One pair against the hard rules: the same rules the candidate graph applies to a whole batch.

A secretary confirms one pair by hand (a suggestion, or a mentor chosen from the list);
the service asks :func:`check_pair` whether that pair breaks a hard rule, so the rules
live here once: never one household with itself, never beyond a provider's free places,
never farther than the distance limit or against an exclusion unless a secretary
overrides it with a recorded reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from pairing.graph import haversine_km
from pairing.model import Exclusion, Provider, Seeker, Weights


@dataclass(frozen=True, slots=True)
class PairCheck:
    """How one (seeker, provider) pair stands against the hard rules."""

    distance_km: float
    distance_limit_km: float
    same_household: bool
    has_free_place: bool
    exclusions: tuple[Exclusion, ...]  # declared conflicts and pairs that ended badly

    @property
    def is_too_far(self) -> bool:
        return self.distance_km > self.distance_limit_km

    @property
    def needs_override(self) -> bool:
        """Allowed only with a secretary's recorded reason (too far, or excluded)."""
        return self.is_too_far or bool(self.exclusions)

    @property
    def is_candidate(self) -> bool:
        """The batch would consider this pair without any override."""
        return not self.same_household and self.has_free_place and not self.needs_override


def check_pair(
    seeker: Seeker,
    provider: Provider,
    *,
    weights: Weights | None = None,
    exclusions: Iterable[Exclusion] = (),
) -> PairCheck:
    """The pair's distance and which hard rules it meets, as ``build_candidate_graph`` applies them."""
    weights = weights or Weights()
    limit = weights.max_distance_km if seeker.max_distance_km is None else seeker.max_distance_km
    distance = haversine_km(
        np.array([seeker.lat]), np.array([seeker.lon]), np.array([provider.lat]), np.array([provider.lon])
    )[0]
    return PairCheck(
        distance_km=float(distance),
        distance_limit_km=float(limit),
        same_household=seeker.household_id is not None and seeker.household_id == provider.household_id,
        has_free_place=provider.capacity > 0,
        exclusions=tuple(e for e in exclusions if e.seeker_id == seeker.id and e.provider_id == provider.id),
    )
