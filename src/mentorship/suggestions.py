"""The bridge between mentorship rows and the matching engine (``pairing``).

Only this module turns ORM rows into engine records and the engine's answer back
into proposals with plain-Swedish explanations (STYLE rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import pairing as engine
from accounts.models import User
from mentorship.models import (
    BAD_ENDINGS,
    AgeGroup,
    FamilyForm,
    MentorOffer,
    MentorProfile,
    Need,
    Pairing,
)
from mentorship.selectors import settings_for, waiting_offers
from register.domain import AssignmentStatus


@dataclass
class Suggestion:
    mentor: MentorProfile
    cost: float
    reasons: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " · ".join(self.reasons)


@dataclass
class ProposedPair:
    offer: MentorOffer
    mentor: MentorProfile
    cost: float
    reasons: list[str]

    @property
    def text(self) -> str:
        return " · ".join(self.reasons)


@dataclass
class BatchProposal:
    pairs: list[ProposedPair]
    unmatched: list[MentorOffer]
    total_cost: float
    blocking_pairs: int
    method: str


def weights_for(*, municipality_id: str) -> engine.Weights:
    """The municipality's weights (its settings, or the defaults)."""
    settings = settings_for(municipality_id=municipality_id)
    return engine.Weights(
        max_distance_km=float(settings.max_distance_km),
        distance_per_km=settings.weight_distance_per_km,
        missing_age_group=settings.weight_missing_age_group,
        missing_need=settings.weight_missing_need,
        no_shared_language=settings.weight_no_shared_language,
        family_form_mismatch=settings.weight_family_form_mismatch,
    )


def _seeker(offer: MentorOffer) -> engine.Seeker:
    postal = offer.household.postal_code
    return engine.Seeker(
        id=offer.pk,
        lat=postal.latitude,
        lon=postal.longitude,
        age_groups=frozenset(offer.age_groups),
        needs=frozenset(offer.needs),
        languages=frozenset(lang.lower() for lang in offer.assignment.languages or []),
        family_form=offer.family_form or None,
        household_id=offer.household_id,
    )


def _available_mentors(municipality_id: str) -> list[MentorProfile]:
    default_capacity = settings_for(municipality_id=municipality_id).default_capacity
    return list(
        MentorProfile.objects.filter(
            municipality_id=municipality_id,
            is_available=True,
            assignment__status__in=[AssignmentStatus.APPROVED, AssignmentStatus.ACTIVE],
        )
        .select_related("household__postal_code", "assignment")
        .with_load(default_capacity=default_capacity)
        .filter(free_places__gt=0)
        .order_by("pk")
    )


def _provider(mentor: MentorProfile, free_places: int | None = None) -> engine.Provider:
    postal = mentor.household.postal_code
    return engine.Provider(
        id=mentor.pk,
        lat=postal.latitude,
        lon=postal.longitude,
        # Annotated by MentorProfileQuerySet.with_load, unless the caller counted them.
        capacity=getattr(mentor, "free_places", 0) if free_places is None else free_places,
        age_groups=frozenset(mentor.age_groups),
        needs=frozenset(mentor.needs),
        languages=frozenset(lang.lower() for lang in mentor.assignment.languages or []),
        family_form=mentor.family_form or None,
        household_id=mentor.household_id,
        years_experience=float(mentor.years_as_foster_home),
    )


def _exclusions(offers: list[MentorOffer], mentors: list[MentorProfile]) -> list[engine.Exclusion]:
    by_household: dict[int, list[int]] = {}
    for offer in offers:
        by_household.setdefault(offer.household_id, []).append(offer.pk)
    ended_badly = Pairing.objects.filter(
        mentor__in=[m.pk for m in mentors],
        mentee_household_id__in=list(by_household),
        end_reason__in=BAD_ENDINGS,
    ).values_list("mentor_id", "mentee_household_id")
    return [
        engine.Exclusion(seeker_id=offer_id, provider_id=mentor_id, reason="ended_badly")
        for mentor_id, household_id in ended_badly
        for offer_id in by_household.get(household_id, [])
    ]


def _preferences(offers: list[MentorOffer]) -> list[engine.Preference]:
    return [
        engine.Preference(seeker_id=o.pk, provider_id=o.preferred_mentor_id, bonus=30.0, reason="secretary")
        for o in offers
        if o.preferred_mentor_id
    ]


def pair_check(*, offer: MentorOffer, mentor: MentorProfile, free_places: int) -> engine.PairCheck:
    """The engine's hard rules for one pair a secretary confirms: distance, exclusions, one
    household, free places (``free_places``: counted by the caller under the mentor's lock)."""
    return engine.check_pair(
        _seeker(offer),
        _provider(mentor, free_places),
        weights=weights_for(municipality_id=offer.municipality_id),
        exclusions=_exclusions([offer], [mentor]),
    )


def describe(reasons: tuple[Any, ...]) -> list[str]:
    """The engine's structured reasons as short Swedish phrases."""
    age_labels = dict(AgeGroup.choices)
    need_labels = dict(Need.choices)
    form_labels = dict(FamilyForm.choices)
    codes = engine.ReasonCode
    text: list[str] = []
    for reason in reasons:
        code, value = reason.code, reason.value
        if code == codes.DISTANCE_KM:
            text.append(_("%(km)s km away") % {"km": round(float(value or 0))})
        elif code == codes.EXPERIENCE_AGE_GROUP:
            text.append(
                _("has cared for children aged %(group)s") % {"group": age_labels.get(str(value), value)}
            )
        elif code == codes.MISSING_AGE_GROUP:
            text.append(_("no experience of ages %(group)s") % {"group": age_labels.get(str(value), value)})
        elif code == codes.EXPERIENCE_NEED:
            text.append(_("experience of %(need)s") % {"need": need_labels.get(str(value), value)})
        elif code == codes.MISSING_NEED:
            text.append(_("no experience of %(need)s") % {"need": need_labels.get(str(value), value)})
        elif code == codes.SHARED_LANGUAGE:
            text.append(_("speaks %(language)s") % {"language": value})
        elif code == codes.NO_SHARED_LANGUAGE:
            text.append(_("no shared language"))
        elif code == codes.SAME_FAMILY_FORM:
            text.append(_("also a %(form)s") % {"form": form_labels.get(str(value), value)})
        elif code == codes.FAMILY_FORM_MISMATCH:
            text.append(_("a %(form)s") % {"form": form_labels.get(str(value), value)})
        elif code == codes.YEARS_EXPERIENCE:
            years = int(float(value or 0))
            text.append(
                ngettext("%(n)s year as a foster home", "%(n)s years as a foster home", years) % {"n": years}
            )
        elif code == codes.PREFERENCE:
            text.append(_("your preferred mentor"))
        elif code in (codes.OVERRIDE, codes.DISTANCE_LIMIT_OVERRIDDEN, codes.EXCLUSION_OVERRIDDEN):
            text.append(_("a limit overridden"))
        elif code == codes.FREE_PLACES_AFTER:
            places = int(value or 0)
            text.append(ngettext("%(n)s place free", "%(n)s places free", places) % {"n": places})
    return text


def mentor_suggestions(*, user: User, offer: MentorOffer, limit: int | None = 10) -> list[Suggestion]:
    """Mentor families ranked for one waiting family, best first, each with its reasons."""
    mentors = _available_mentors(user.municipality_id or "")
    if not mentors:
        return []
    by_id = {m.pk: m for m in mentors}
    ranked = engine.rank_providers(
        _seeker(offer),
        [_provider(m) for m in mentors],
        weights=weights_for(municipality_id=user.municipality_id or ""),
        exclusions=_exclusions([offer], mentors),
        preferences=_preferences([offer]),
        limit=limit,
    )
    return [
        Suggestion(mentor=by_id[int(p.provider_id)], cost=p.cost, reasons=describe(p.reasons)) for p in ranked
    ]


def mentorship_batch_proposal(*, user: User, method: str = "optimal") -> BatchProposal:
    """A proposal for every waiting family at once: optimal (fewest unmatched, then lowest cost) or stable."""
    offers = list(waiting_offers(user=user))
    mentors = _available_mentors(user.municipality_id or "")
    if not offers or not mentors:
        return BatchProposal(pairs=[], unmatched=offers, total_cost=0.0, blocking_pairs=0, method=method)
    graph = engine.build_candidate_graph(
        [_seeker(o) for o in offers],
        [_provider(m) for m in mentors],
        weights=weights_for(municipality_id=user.municipality_id or ""),
        exclusions=_exclusions(offers, mentors),
        preferences=_preferences(offers),
    )
    result = engine.solve_stable(graph) if method == "stable" else engine.solve_optimal(graph)
    offer_by_id = {o.pk: o for o in offers}
    mentor_by_id = {m.pk: m for m in mentors}
    pairs = [
        ProposedPair(
            offer=offer_by_id[int(p.seeker_id)],
            mentor=mentor_by_id[int(p.provider_id)],
            cost=p.cost,
            reasons=describe(p.reasons),
        )
        for p in result.pairs
    ]
    pairs.sort(key=lambda p: (p.offer.household.name, p.offer.pk))
    unmatched = [offer_by_id[int(u)] for u in result.unmatched_seeker_ids]
    return BatchProposal(
        pairs=pairs,
        unmatched=unmatched,
        total_cost=result.pairs_cost,
        blocking_pairs=result.blocking_pairs,
        method=method,
    )
