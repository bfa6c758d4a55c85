"""The engine's input and output records: frozen dataclasses, plain values, no ORM.

A service in the mentorship or pool app turns database rows into these records and the
engine's answer back into proposals (STYLE.md rule 5). Ids are the caller's own (a primary
key or a string); the engine never invents or interprets them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from enum import StrEnum

Id = int | str
"""A seeker's or provider's id as the caller knows it (a primary key, usually)."""


class PairingError(Exception):
    """Base class of the engine's own errors."""


class InvalidInput(PairingError, ValueError):
    """The input breaks a rule; ``code`` names the rule so the caller can show a Swedish message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class SolverFailed(PairingError):
    """A solver's answer broke a hard rule (a bug, never bad input)."""


@dataclass(frozen=True, slots=True)
class Seeker:
    """Someone who needs a provider: a new foster family needing a mentor, or a child's need
    to be met by a pooled assignee.

    ``age_groups`` and ``needs`` describe the children (the provider's experience is compared
    with them), ``languages`` what the family speaks, ``family_form`` e.g. ``"single_parent"``.
    ``max_distance_km`` overrides the municipality's limit for this seeker only.
    """

    id: Id
    lat: float
    lon: float
    age_groups: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    family_form: str | None = None
    household_id: Id | None = None
    max_distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class Provider:
    """Someone who can take seekers: a mentor family or a pooled assignee.

    ``capacity`` is the number of *free* places now (the caller subtracts current pairs).
    ``age_groups`` and ``needs`` are what the provider has experience of.
    """

    id: Id
    lat: float
    lon: float
    capacity: int = 1
    age_groups: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    family_form: str | None = None
    household_id: Id | None = None
    years_experience: float = 0.0


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A pair that must not be proposed: a declared conflict, or a pair that ended badly."""

    seeker_id: Id
    provider_id: Id
    reason: str


@dataclass(frozen=True, slots=True)
class Override:
    """A secretary's recorded decision that this pair may be proposed although it is farther
    than the distance limit or excluded. It never lifts the same-household rule, and it
    only makes the pair *allowed*; add a :class:`Preference` to also favour it.
    """

    seeker_id: Id
    provider_id: Id
    reason: str


@dataclass(frozen=True, slots=True)
class Preference:
    """The secretary's own wish: ``bonus`` is subtracted from the pair's cost (a negative
    bonus makes the pair less attractive)."""

    seeker_id: Id
    provider_id: Id
    bonus: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Weights:
    """Costs in "kilometre equivalents", configurable per municipality.

    The defaults read: a missing age-group experience weighs like 10 km of extra travel, a
    missing need like 15 km, no shared language like 25 km. Leaving a seeker without any
    provider costs ``unmatched_cost``; a pair dearer than that is never proposed, so the
    default (250) means "match everyone who can be matched" in practice.
    """

    max_distance_km: float = 30.0
    distance_per_km: float = 1.0
    missing_age_group: float = 10.0
    missing_need: float = 15.0
    no_shared_language: float = 25.0
    family_form_mismatch: float = 5.0
    missing_experience_year: float = 2.0
    experienced_after_years: float = 2.0
    unmatched_cost: float = 250.0

    def __post_init__(self) -> None:
        for item in fields(self):
            name = item.name
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidInput("invalid_weight", f"weight {name} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise InvalidInput("invalid_weight", f"weight {name} must be finite and >= 0, got {value!r}")
        if self.max_distance_km <= 0:
            raise InvalidInput("invalid_weight", "max_distance_km must be > 0")
        if self.unmatched_cost <= 0:
            raise InvalidInput("invalid_weight", "unmatched_cost must be > 0")


class ReasonCode(StrEnum):
    """What a :class:`Reason` says; the Django side maps each code to a Swedish phrase."""

    DISTANCE_KM = "distance_km"  # value: km (one decimal)
    EXPERIENCE_AGE_GROUP = "experience_age_group"  # value: the age group
    MISSING_AGE_GROUP = "missing_age_group"  # value: the age group
    EXPERIENCE_NEED = "experience_need"  # value: the need
    MISSING_NEED = "missing_need"  # value: the need
    SHARED_LANGUAGE = "shared_language"  # value: the language
    NO_SHARED_LANGUAGE = "no_shared_language"
    SAME_FAMILY_FORM = "same_family_form"  # value: the family form
    FAMILY_FORM_MISMATCH = "family_form_mismatch"  # value: the provider's family form
    YEARS_EXPERIENCE = "years_experience"  # value: years
    PREFERENCE = "preference"  # value: the secretary's reason
    OVERRIDE = "override"  # value: the secretary's recorded reason
    DISTANCE_LIMIT_OVERRIDDEN = "distance_limit_overridden"  # value: the limit in km
    EXCLUSION_OVERRIDDEN = "exclusion_overridden"  # value: the exclusion's reason
    FREE_PLACES_AFTER = "free_places_after"  # value: places left after this pair


@dataclass(frozen=True, slots=True)
class Reason:
    """One line of an explanation; ``cost`` is its share of the pair's cost (0 for facts)."""

    code: ReasonCode
    value: str | float | int | None = None
    cost: float = 0.0


@dataclass(frozen=True, slots=True)
class Pair:
    """A proposed pair with its cost and the reasons behind it."""

    seeker_id: Id
    provider_id: Id
    cost: float
    reasons: tuple[Reason, ...] = ()


class UnmatchedCause(StrEnum):
    NO_CANDIDATE = "no_candidate"  # no provider with a free place within the distance limit
    CAPACITY = "capacity"  # candidates existed, but their places went where they did more good


@dataclass(frozen=True, slots=True)
class Unmatched:
    seeker_id: Id
    cause: UnmatchedCause


@dataclass(frozen=True, slots=True)
class MatchResult:
    """A batch answer.

    ``total_cost`` is what the optimal solver minimises: the pairs' costs plus
    ``unmatched_cost`` for every seeker left without a provider; ``pairs_cost`` is the pairs'
    part alone. ``blocking_pairs`` counts candidate pairs (seeker, provider) not in the
    answer where both would be better off together: the seeker's pair costs more (or the
    seeker has none) and the provider has a free place or a pair that costs more.
    """

    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    total_cost: float
    pairs_cost: float
    blocking_pairs: int
    solver: str
    candidate_pairs: int = field(default=0)

    @property
    def unmatched_seeker_ids(self) -> tuple[Id, ...]:
        return tuple(u.seeker_id for u in self.unmatched)

    @property
    def matched(self) -> int:
        return len(self.pairs)
