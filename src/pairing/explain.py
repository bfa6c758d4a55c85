"""Explanations: the reasons behind a pair, each with its share of the cost.

The reasons itemise exactly the terms of :func:`pairing.graph._pair_costs` (plus the
secretary's preference), so their costs add up to the pair's cost; the Django side turns
each code into plain Swedish ("14 km bort · har haft tonåringar · talar arabiska · 1 plats
ledig").
"""

from __future__ import annotations

from pairing.graph import CandidateGraph
from pairing.model import Reason, ReasonCode


def explain_pair(
    graph: CandidateGraph, seeker: int, provider: int, distance_km: float, free_places_after: int
) -> tuple[Reason, ...]:
    """Reasons for the pair (seeker index, provider index) of ``graph``."""
    w = graph.weights
    s = graph.seekers[seeker]
    p = graph.providers[provider]
    reasons = [
        Reason(ReasonCode.DISTANCE_KM, round(distance_km, 1), round(w.distance_per_km * distance_km, 3))
    ]
    for group in sorted(s.age_groups):
        if group in p.age_groups:
            reasons.append(Reason(ReasonCode.EXPERIENCE_AGE_GROUP, group))
        else:
            reasons.append(Reason(ReasonCode.MISSING_AGE_GROUP, group, w.missing_age_group))
    for need in sorted(s.needs):
        if need in p.needs:
            reasons.append(Reason(ReasonCode.EXPERIENCE_NEED, need))
        else:
            reasons.append(Reason(ReasonCode.MISSING_NEED, need, w.missing_need))
    if s.languages:
        shared = sorted(s.languages & p.languages)
        if shared:
            reasons.extend(Reason(ReasonCode.SHARED_LANGUAGE, language) for language in shared)
        else:
            reasons.append(Reason(ReasonCode.NO_SHARED_LANGUAGE, None, w.no_shared_language))
    if s.family_form is not None and p.family_form is not None:
        if s.family_form == p.family_form:
            reasons.append(Reason(ReasonCode.SAME_FAMILY_FORM, p.family_form))
        else:
            reasons.append(Reason(ReasonCode.FAMILY_FORM_MISMATCH, p.family_form, w.family_form_mismatch))
    shortfall = max(0.0, w.experienced_after_years - p.years_experience)
    reasons.append(
        Reason(
            ReasonCode.YEARS_EXPERIENCE, p.years_experience, round(w.missing_experience_year * shortfall, 3)
        )
    )
    key = (seeker, provider)
    preference = graph.preferences.get(key)
    if preference is not None:
        reasons.append(Reason(ReasonCode.PREFERENCE, preference.reason, -preference.bonus))
    override = graph.overrides.get(key)
    if override is not None:
        reasons.append(Reason(ReasonCode.OVERRIDE, override.reason))
        limit = float(graph.distance_limit_km[seeker])
        if distance_km > limit:
            reasons.append(Reason(ReasonCode.DISTANCE_LIMIT_OVERRIDDEN, limit))
        exclusion = graph.overridden_exclusions.get(key)
        if exclusion is not None:
            reasons.append(Reason(ReasonCode.EXCLUSION_OVERRIDDEN, exclusion.reason))
    reasons.append(Reason(ReasonCode.FREE_PLACES_AFTER, free_places_after))
    return tuple(reasons)
