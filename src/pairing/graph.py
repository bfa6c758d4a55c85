"""The candidate graph: which (seeker, provider) pairs may be proposed, and what each costs.

Every solver (optimal, stable, greedy) works on the same graph, so their answers are
comparable number for number. Building it enforces the hard rules:

* capacity: providers without a free place get no pairs;
* distance: a pair farther apart than the limit is not a candidate, unless a secretary
  recorded an :class:`Override` with a reason;
* exclusions: declared conflicts and pairs that ended badly are not candidates, unless
  overridden with a reason;
* same household: never a candidate, and an override for it is refused.

To keep county-sized batches fast each seeker keeps only its ``candidates_per_seeker``
nearest feasible providers (plus overridden and preferred pairs); ``None`` keeps every
feasible pair, which is exact and cheap for a municipality-sized batch.

Costs are rounded to thousandths and solved as integers, so "optimal" means exactly
optimal for the costs the caller sees, with no floating-point drift between methods.
"""

from __future__ import annotations

import gc
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree  # type: ignore[import-untyped]  # SciPy ships no type hints

from pairing.model import (
    Exclusion,
    Id,
    InvalidInput,
    Override,
    Preference,
    Provider,
    Seeker,
    Weights,
)

COST_SCALE = 1000
"""Costs are integers in thousandths of a kilometre equivalent."""

EARTH_RADIUS_KM = 6371.0088
_SPREAD = 2654435761  # Knuth's multiplicative hash: spreads seekers over providers at one spot
_FEW_BLOCKED = 8  # seekers with more excluded providers than this get their own nearest query

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
MaskArray = npt.NDArray[np.uint64]


@dataclass(frozen=True, eq=False)
class CandidateGraph:
    """Seekers and providers in canonical order (sorted by id) and the candidate pairs.

    Edge arrays are sorted by (seeker, cost, provider); ``indptr[s]:indptr[s + 1]`` are
    seeker ``s``'s candidates, cheapest first. Costs and ``unmatched_cost`` are integers in
    thousandths (:data:`COST_SCALE`).
    """

    seekers: tuple[Seeker, ...]
    providers: tuple[Provider, ...]
    weights: Weights
    seeker: IntArray
    provider: IntArray
    cost: IntArray
    distance_km: FloatArray
    indptr: IntArray
    capacity: IntArray
    unmatched_cost: int
    distance_limit_km: FloatArray
    overrides: Mapping[tuple[int, int], Override]
    overridden_exclusions: Mapping[tuple[int, int], Exclusion]
    preferences: Mapping[tuple[int, int], Preference]

    @property
    def n_seekers(self) -> int:
        return len(self.seekers)

    @property
    def n_providers(self) -> int:
        return len(self.providers)

    @property
    def n_edges(self) -> int:
        return int(self.seeker.shape[0])


def id_sort_key(value: Id) -> tuple[bool, int | str]:
    """Ints before strings, each in natural order: the canonical order of seekers and providers."""
    return (isinstance(value, str), value)


def _check_id(value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput("invalid_id", f"{what} id must be an int or a str, got {value!r}")


def _check_coordinates(lat: float, lon: float, what: str, ident: Id) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("invalid_coordinates", f"{what} {ident!r} has invalid coordinates ({lat}, {lon})")


def _canonical_seekers(seekers: Iterable[Seeker]) -> tuple[Seeker, ...]:
    items = list(seekers)
    for seeker in items:
        _check_id(seeker.id, "seeker")
        _check_coordinates(seeker.lat, seeker.lon, "seeker", seeker.id)
        limit = seeker.max_distance_km
        if limit is not None and not (math.isfinite(limit) and limit > 0):
            raise InvalidInput("invalid_distance_limit", f"seeker {seeker.id!r}: max_distance_km must be > 0")
    items.sort(key=lambda s: id_sort_key(s.id))
    for before, after in itertools.pairwise(items):
        if before.id == after.id:
            raise InvalidInput("duplicate_id", f"seeker id {after.id!r} appears twice")
    return tuple(items)


def _canonical_providers(providers: Iterable[Provider]) -> tuple[Provider, ...]:
    items = list(providers)
    for provider in items:
        _check_id(provider.id, "provider")
        _check_coordinates(provider.lat, provider.lon, "provider", provider.id)
        if (
            isinstance(provider.capacity, bool)
            or not isinstance(provider.capacity, int)
            or provider.capacity < 0
        ):
            raise InvalidInput("invalid_capacity", f"provider {provider.id!r}: capacity must be an int >= 0")
        if not (math.isfinite(provider.years_experience) and provider.years_experience >= 0):
            raise InvalidInput(
                "invalid_experience", f"provider {provider.id!r}: years_experience must be >= 0"
            )
    items.sort(key=lambda p: id_sort_key(p.id))
    for before, after in itertools.pairwise(items):
        if before.id == after.id:
            raise InvalidInput("duplicate_id", f"provider id {after.id!r} appears twice")
    return tuple(items)


def _masks(
    seeker_sets: Sequence[frozenset[str]], provider_sets: Sequence[frozenset[str]]
) -> tuple[MaskArray, MaskArray]:
    """Bit masks over the sorted vocabulary of both sides (64 words per uint64 column)."""
    vocabulary = sorted(set().union(*seeker_sets, *provider_sets))
    bit = {word: i for i, word in enumerate(vocabulary)}
    width = max(1, (len(vocabulary) + 63) // 64)

    def encode(sets: Sequence[frozenset[str]]) -> MaskArray:
        out = np.zeros((len(sets), width), dtype=np.uint64)
        for row, words in enumerate(sets):
            for word in words:
                i = bit[word]
                out[row, i >> 6] |= np.uint64(1 << (i & 63))
        return out

    return encode(seeker_sets), encode(provider_sets)


def _unit_vectors(lat: FloatArray, lon: FloatArray) -> FloatArray:
    la = np.radians(lat)
    lo = np.radians(lon)
    cos_la = np.cos(la)
    return np.column_stack([cos_la * np.cos(lo), cos_la * np.sin(lo), np.sin(la)])


def haversine_km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Great-circle distance in km on the mean Earth sphere."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=np.float64)


def _chord(km: FloatArray | float) -> FloatArray:
    """Straight-line distance between unit vectors that are ``km`` apart on the sphere."""
    angle = np.minimum(np.asarray(km, dtype=np.float64) / EARTH_RADIUS_KM, math.pi)
    return np.asarray(2 * np.sin(angle / 2) * (1 + 1e-9) + 1e-12, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class _Sites:
    """Providers with a free place grouped by identical coordinates (postal-code geocoding
    puts many people on one point; 1,139 Swedish postal codes share Stockholm's centre)."""

    tree: cKDTree
    members: IntArray  # provider indices, grouped by site, each group in provider order
    start: IntArray  # first member of each site, plus a sentinel
    count: IntArray  # members per site, plus a 0 for "no site"


def _sites(lat: FloatArray, lon: FloatArray, active: IntArray) -> _Sites:
    coords = np.column_stack([lat[active], lon[active]])
    unique, site_of = np.unique(coords, axis=0, return_inverse=True)
    site_of = site_of.reshape(-1)
    order = np.lexsort((active, site_of))
    members = active[order].astype(np.int64)
    count = np.bincount(site_of, minlength=len(unique)).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(count)]).astype(np.int64)
    tree = cKDTree(_unit_vectors(unique[:, 0], unique[:, 1]))
    return _Sites(tree=tree, members=members, start=start, count=np.concatenate([count, [0]]))


def _expand_sites(
    rows: IntArray, site_idx: IntArray, take: IntArray, counts: IntArray, sites: _Sites
) -> tuple[IntArray, IntArray]:
    """For each (row, site, take) the first ``take`` members of the site in a rotation that
    depends on the row, so seekers at one spot spread over the providers at another."""
    keep = take > 0
    rows, site_idx, take, counts = rows[keep], site_idx[keep], take[keep], counts[keep]
    total = int(take.sum())
    group = np.repeat(np.arange(len(take), dtype=np.int64), take)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(take) - take, take)
    offset = (rows[group] * _SPREAD) % counts[group]
    position = (offset + within) % counts[group]
    providers = sites.members[sites.start[site_idx[group]] + position]
    return rows[group], providers


def _nearest(
    unit: FloatArray, rows: IntArray, want: int, bound: float, sites: _Sites
) -> tuple[IntArray, IntArray]:
    """The ``want`` nearest active providers of each row (within the chord ``bound``), in
    order of distance; ties at one spot broken by the row's rotation."""
    n_sites = int(sites.count.shape[0] - 1)
    k_sites = min(want, n_sites)
    if len(rows) == 0 or k_sites == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    _, found = sites.tree.query(unit[rows], k=k_sites, distance_upper_bound=bound, workers=-1)
    found = np.asarray(found, dtype=np.int64).reshape(len(rows), k_sites)
    counts = sites.count[found]  # the sentinel index n_sites has count 0
    before = np.cumsum(counts, axis=1) - counts
    take = np.clip(want - before, 0, counts)
    flat_rows = np.repeat(rows, k_sites)
    return _expand_sites(flat_rows, found.reshape(-1), take.reshape(-1), counts.reshape(-1), sites)


def _within(unit: FloatArray, rows: IntArray, chords: FloatArray, sites: _Sites) -> tuple[IntArray, IntArray]:
    """Every active provider within each row's chord."""
    if len(rows) == 0 or sites.count.shape[0] == 1:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    found = sites.tree.query_ball_point(unit[rows], r=chords, return_sorted=True, workers=-1)
    lengths = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(rows))
    if lengths.sum() == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    site_idx = np.concatenate([np.asarray(f, dtype=np.int64) for f in found if len(f)])
    flat_rows = np.repeat(rows, lengths)
    counts = sites.count[site_idx]
    return _expand_sites(flat_rows, site_idx, counts, counts, sites)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects at once.

    Creating 100,000s of records triggers collections that each walk every live object;
    they find nothing to free here (no cycles are made) and cost more than the work itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_candidate_graph(
    seekers: Iterable[Seeker],
    providers: Iterable[Provider],
    *,
    weights: Weights | None = None,
    exclusions: Iterable[Exclusion] = (),
    overrides: Iterable[Override] = (),
    preferences: Iterable[Preference] = (),
    candidates_per_seeker: int | None = 50,
) -> CandidateGraph:
    """Validate the input and build the candidate pairs with their costs.

    Raises :class:`InvalidInput` for duplicate ids, bad coordinates or capacities, an
    override without a reason, or an override for a seeker and provider of one household.
    Exclusions, overrides and preferences naming an id not in this batch are ignored.
    """
    with paused_gc():
        return _build(seekers, providers, weights, exclusions, overrides, preferences, candidates_per_seeker)


def _build(
    seekers: Iterable[Seeker],
    providers: Iterable[Provider],
    weights: Weights | None,
    exclusions: Iterable[Exclusion],
    overrides: Iterable[Override],
    preferences: Iterable[Preference],
    candidates_per_seeker: int | None,
) -> CandidateGraph:
    weights = weights or Weights()
    if candidates_per_seeker is not None and (
        isinstance(candidates_per_seeker, bool)
        or not isinstance(candidates_per_seeker, int)
        or candidates_per_seeker < 1
    ):
        raise InvalidInput(
            "invalid_candidates_per_seeker", "candidates_per_seeker must be None or an int >= 1"
        )
    seeker_list = _canonical_seekers(seekers)
    provider_list = _canonical_providers(providers)
    n, m = len(seeker_list), len(provider_list)
    seeker_index = {s.id: i for i, s in enumerate(seeker_list)}
    provider_index = {p.id: j for j, p in enumerate(provider_list)}

    households: dict[Id, int] = {}
    s_household = np.array(
        [
            -1 if s.household_id is None else households.setdefault(s.household_id, len(households))
            for s in seeker_list
        ],
        dtype=np.int64,
    )
    p_household = np.array(
        [
            -2 if p.household_id is None else households.setdefault(p.household_id, len(households))
            for p in provider_list
        ],
        dtype=np.int64,
    )

    override_map: dict[tuple[int, int], Override] = {}
    for item in overrides:
        key = (seeker_index.get(item.seeker_id, -1), provider_index.get(item.provider_id, -1))
        if key[0] < 0 or key[1] < 0:
            continue
        if not item.reason.strip():
            raise InvalidInput(
                "override_without_reason",
                f"override for seeker {item.seeker_id!r} and provider {item.provider_id!r} "
                "needs a recorded reason",
            )
        if s_household[key[0]] == p_household[key[1]]:
            raise InvalidInput(
                "override_same_household",
                f"seeker {item.seeker_id!r} and provider {item.provider_id!r} are one household: "
                "that pair can never be proposed, not even with an override",
            )
        override_map[key] = item

    blocked_codes: list[int] = []
    overridden_exclusions: dict[tuple[int, int], Exclusion] = {}
    for exclusion in exclusions:
        key = (seeker_index.get(exclusion.seeker_id, -1), provider_index.get(exclusion.provider_id, -1))
        if key[0] < 0 or key[1] < 0:
            continue
        if key in override_map:
            overridden_exclusions[key] = exclusion
        else:
            blocked_codes.append(key[0] * m + key[1])
    blocked = np.unique(np.asarray(blocked_codes, dtype=np.int64))

    preference_map: dict[tuple[int, int], Preference] = {}
    for pref in preferences:
        key = (seeker_index.get(pref.seeker_id, -1), provider_index.get(pref.provider_id, -1))
        if key[0] < 0 or key[1] < 0:
            continue
        if not math.isfinite(pref.bonus):
            raise InvalidInput("invalid_preference", f"preference bonus must be finite, got {pref.bonus!r}")
        preference_map[key] = pref

    s_lat = np.array([s.lat for s in seeker_list], dtype=np.float64)
    s_lon = np.array([s.lon for s in seeker_list], dtype=np.float64)
    p_lat = np.array([p.lat for p in provider_list], dtype=np.float64)
    p_lon = np.array([p.lon for p in provider_list], dtype=np.float64)
    capacity = np.array([p.capacity for p in provider_list], dtype=np.int64)
    limit = np.array(
        [weights.max_distance_km if s.max_distance_km is None else s.max_distance_km for s in seeker_list],
        dtype=np.float64,
    )

    active = np.flatnonzero(capacity > 0).astype(np.int64)
    rows: IntArray
    cols: IntArray
    distance: FloatArray
    if n == 0 or len(active) == 0:
        rows = cols = np.zeros(0, dtype=np.int64)
        distance = np.zeros(0, dtype=np.float64)
    else:
        sites = _sites(p_lat, p_lon, active)
        unit = _unit_vectors(s_lat, s_lon)
        all_rows = np.arange(n, dtype=np.int64)
        if candidates_per_seeker is None:
            rows, cols = _within(unit, all_rows, _chord(limit), sites)
        else:
            # How many of a seeker's nearest providers might be ruled out: its exclusions and
            # the providers in its own household. Ask for that many more.
            n_blocked = np.zeros(n, dtype=np.int64)
            if len(blocked):
                np.add.at(n_blocked, blocked // m, 1)
            active_households = p_household[active]
            household_size = np.bincount(active_households[active_households >= 0], minlength=len(households))
            has_household = s_household >= 0
            n_blocked[has_household] += household_size[s_household[has_household]]
            bound = float(_chord(float(limit.max())))
            few = n_blocked <= _FEW_BLOCKED
            extra = int(n_blocked[few].max()) if few.any() else 0
            parts = [_nearest(unit, all_rows[few], candidates_per_seeker + extra, bound, sites)]
            for row in np.flatnonzero(~few):
                parts.append(
                    _nearest(unit, np.array([row]), candidates_per_seeker + int(n_blocked[row]), bound, sites)
                )
            rows = np.concatenate([p[0] for p in parts])
            cols = np.concatenate([p[1] for p in parts])
            order = np.argsort(rows, kind="stable")
            rows, cols = rows[order], cols[order]

        distance = haversine_km(s_lat[rows], s_lon[rows], p_lat[cols], p_lon[cols])
        feasible = (distance <= limit[rows]) & (s_household[rows] != p_household[cols])
        if len(blocked):
            feasible &= ~_isin_sorted(rows * m + cols, blocked)
        rows, cols, distance = rows[feasible], cols[feasible], distance[feasible]
        if candidates_per_seeker is not None and len(rows):
            # rows are grouped and each group is in nearest-first order: keep the first k.
            starts = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
            group_start = np.repeat(starts, np.diff(np.concatenate([starts, [len(rows)]])))
            keep = np.arange(len(rows)) - group_start < candidates_per_seeker
            rows, cols, distance = rows[keep], cols[keep], distance[keep]

    # Overridden pairs are always candidates; preferred pairs are when they are feasible.
    extra_pairs = [key for key in override_map if capacity[key[1]] > 0]
    for key in preference_map:
        s, p = key
        if capacity[p] == 0 or key in override_map or s_household[s] == p_household[p]:
            continue
        if len(blocked) and _isin_sorted(np.array([s * m + p]), blocked)[0]:
            continue
        d = haversine_km(s_lat[s : s + 1], s_lon[s : s + 1], p_lat[p : p + 1], p_lon[p : p + 1])[0]
        if d <= limit[s]:
            extra_pairs.append(key)
    if extra_pairs:
        extra_rows = np.array([k[0] for k in extra_pairs], dtype=np.int64)
        extra_cols = np.array([k[1] for k in extra_pairs], dtype=np.int64)
        rows = np.concatenate([rows, extra_rows])
        cols = np.concatenate([cols, extra_cols])
        distance = np.concatenate(
            [
                distance,
                haversine_km(s_lat[extra_rows], s_lon[extra_rows], p_lat[extra_cols], p_lon[extra_cols]),
            ]
        )
        _, first_seen = np.unique(rows * max(m, 1) + cols, return_index=True)
        first_seen.sort()
        rows, cols, distance = rows[first_seen], cols[first_seen], distance[first_seen]

    bonus = np.zeros(len(rows), dtype=np.float64)
    if preference_map and len(rows):
        pref_codes = np.array([s * m + p for s, p in preference_map], dtype=np.int64)
        pref_bonus = np.array([pref.bonus for pref in preference_map.values()], dtype=np.float64)
        order = np.argsort(pref_codes)
        pref_codes, pref_bonus = pref_codes[order], pref_bonus[order]
        codes = rows * m + cols
        at = np.clip(np.searchsorted(pref_codes, codes), 0, len(pref_codes) - 1)
        hit = pref_codes[at] == codes
        bonus[hit] = pref_bonus[at[hit]]

    cost_float = _pair_costs(seeker_list, provider_list, weights, rows, cols, distance) - bonus
    cost = np.rint(cost_float * COST_SCALE).astype(np.int64)
    unmatched_cost = round(weights.unmatched_cost * COST_SCALE)
    # A pair dearer than leaving the seeker unmatched is never worth proposing.
    acceptable = cost < unmatched_cost
    rows, cols, cost, distance = rows[acceptable], cols[acceptable], cost[acceptable], distance[acceptable]

    order = np.lexsort((cols, cost, rows))
    rows, cols, cost, distance = rows[order], cols[order], cost[order], distance[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]).astype(np.int64)
    return CandidateGraph(
        seekers=seeker_list,
        providers=provider_list,
        weights=weights,
        seeker=rows.astype(np.int64),
        provider=cols.astype(np.int64),
        cost=cost,
        distance_km=distance,
        indptr=indptr,
        capacity=capacity,
        unmatched_cost=unmatched_cost,
        distance_limit_km=limit,
        overrides=override_map,
        overridden_exclusions=overridden_exclusions,
        preferences=preference_map,
    )


def _isin_sorted(values: IntArray, sorted_codes: IntArray) -> npt.NDArray[np.bool_]:
    at = np.clip(np.searchsorted(sorted_codes, values), 0, len(sorted_codes) - 1)
    return np.asarray(sorted_codes[at] == values, dtype=np.bool_)


def _pair_costs(
    seekers: Sequence[Seeker],
    providers: Sequence[Provider],
    weights: Weights,
    rows: IntArray,
    cols: IntArray,
    distance: FloatArray,
) -> FloatArray:
    """The cost of each pair (before the secretary's preference bonus), vectorised.

    Kept in step with :func:`pairing.explain.explain_pair`, which itemises the same terms.
    """
    cost = weights.distance_per_km * distance
    if len(rows) == 0:
        return np.asarray(cost, dtype=np.float64)
    s_age, p_age = _masks([s.age_groups for s in seekers], [p.age_groups for p in providers])
    s_need, p_need = _masks([s.needs for s in seekers], [p.needs for p in providers])
    s_lang, p_lang = _masks([s.languages for s in seekers], [p.languages for p in providers])
    missing_age = np.bitwise_count(s_age[rows] & ~p_age[cols]).sum(axis=1, dtype=np.int64)
    missing_need = np.bitwise_count(s_need[rows] & ~p_need[cols]).sum(axis=1, dtype=np.int64)
    seeker_speaks: npt.NDArray[np.bool_] = np.asarray(s_lang.any(axis=1), dtype=np.bool_)
    shares = (s_lang[rows] & p_lang[cols]).any(axis=1)
    no_shared = seeker_speaks[rows] & ~shares

    forms: dict[str, int] = {}
    s_form = np.array(
        [-1 if s.family_form is None else forms.setdefault(s.family_form, len(forms)) for s in seekers]
    )
    p_form = np.array(
        [-2 if p.family_form is None else forms.setdefault(p.family_form, len(forms)) for p in providers]
    )
    form_mismatch = (s_form[rows] >= 0) & (p_form[cols] >= 0) & (s_form[rows] != p_form[cols])
    years = np.array([p.years_experience for p in providers], dtype=np.float64)
    shortfall = np.maximum(0.0, weights.experienced_after_years - years)

    cost = (
        cost
        + weights.missing_age_group * missing_age
        + weights.missing_need * missing_need
        + weights.no_shared_language * no_shared
        + weights.family_form_mismatch * form_mismatch
        + weights.missing_experience_year * shortfall[cols]
    )
    return np.asarray(cost, dtype=np.float64)
