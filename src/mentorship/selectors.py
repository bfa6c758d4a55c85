"""Reads for mentorship: offers waiting, mentors with free places, pairings, the overview."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from audit.models import AccessAction
from audit.services import access_log_record
from jobs.selectors import EmailStatus, email_states_about
from mentorship.models import (
    MENTEE_TYPES,
    OCCUPYING_STATUSES,
    CheckIn,
    FollowUpSurvey,
    MentorOffer,
    MentorProfile,
    MentorshipSettings,
    OfferAnswer,
    Pairing,
    PairingStatus,
)
from register.domain import AssignmentStatus
from register.models import AssignmentStatusChange
from tenancy.access import owned_or_404

DEFAULT_SURVEY_MONTHS = (3, 6, 12)


def settings_for(*, municipality_id: str) -> MentorshipSettings:
    """The municipality's settings, or the defaults (unsaved) when it has none."""
    found = MentorshipSettings.objects.filter(municipality_id=municipality_id).first()
    return found or MentorshipSettings(
        municipality_id=municipality_id, survey_months=list(DEFAULT_SURVEY_MONTHS)
    )


def mentor_capacity(*, mentor: MentorProfile) -> int:
    """How many families the mentor family takes: its own number, else the municipality's default."""
    if mentor.capacity is not None:
        return mentor.capacity
    return settings_for(municipality_id=mentor.municipality_id).default_capacity


def mentors_with_load(*, user: User) -> QuerySet[MentorProfile]:
    """The municipality's mentor families with the number of families each has now."""
    default_capacity = settings_for(municipality_id=user.municipality_id or "").default_capacity
    return (
        MentorProfile.objects.filter(municipality_id=user.municipality_id)
        .select_related("household__postal_code", "assignment")
        .with_load(default_capacity=default_capacity)
        .order_by("household__name")
    )


def waiting_offers(*, user: User) -> QuerySet[MentorOffer]:
    """Families that said yes and have no mentor yet, longest waiting first."""
    occupying = Pairing.objects.filter(offer=OuterRef("pk"), status__in=OCCUPYING_STATUSES)
    return (
        MentorOffer.objects.filter(municipality_id=user.municipality_id, answer=OfferAnswer.ACCEPTED)
        .exclude(Exists(occupying))
        .select_related("household__postal_code", "assignment")
        .order_by("answered_at", "id")
    )


def open_offers(*, user: User) -> QuerySet[MentorOffer]:
    """Offers not answered yet, or answered "later"."""
    return (
        MentorOffer.objects.filter(
            municipality_id=user.municipality_id, answer__in=[OfferAnswer.PENDING, OfferAnswer.LATER]
        )
        .select_related("household", "assignment")
        .order_by("offered_at", "id")
    )


def offer_get_for(*, user: User, id: int) -> MentorOffer:
    """The offer if it is the user's municipality's; 404 otherwise (missing or forbidden alike)."""
    return owned_or_404(
        MentorOffer.objects.select_related("household__postal_code", "assignment"), user=user, id=id
    )


def mentor_get_for(*, user: User, id: int) -> MentorProfile:
    """The mentor family if it is the user's municipality's; 404 otherwise."""
    return owned_or_404(
        MentorProfile.objects.select_related("household__postal_code", "assignment"), user=user, id=id
    )


def pairing_get_for(*, user: User, id: int) -> Pairing:
    """The pairing if it is the user's municipality's; 404 otherwise."""
    joined = Pairing.objects.select_related(
        "mentor__household", "mentee_household", "offer", "proposed_by", "introduction_secretary"
    )
    return owned_or_404(joined, user=user, id=id)


def check_in_get_for(*, user: User, id: int) -> CheckIn:
    """The check-in if it is the user's municipality's; 404 otherwise."""
    return owned_or_404(CheckIn, user=user, id=id)


def pairing_detail(*, user: User, id: int) -> Pairing:
    """A pairing with its check-ins and surveys; writes one access-log row."""
    pairing = pairing_get_for(user=user, id=id)
    access_log_record(
        by=user, action=AccessAction.VIEW, municipality_id=pairing.municipality_id, instance=pairing
    )
    return pairing


def pairing_list(*, user: User, status: str = "") -> QuerySet[Pairing]:
    queryset = Pairing.objects.filter(municipality_id=user.municipality_id).select_related(
        "mentor__household", "mentee_household"
    )
    if status in PairingStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-proposed_at", "-id")


@dataclass(frozen=True)
class Overview:
    mentors: int
    capacity_total: int
    capacity_used: int
    waiting: int
    longest_wait_days: int | None
    approved_last_12_months: int
    offered_share: float | None
    with_active_mentor_share: float | None
    pairings_by_status: list[tuple[str, str, int]]
    survey_answers: int
    survey_mean_rating: float | None


def mentorship_overview(*, user: User, today: datetime.date | None = None) -> Overview:
    """The municipality's mentorship in numbers, computed in the database."""
    today = today or timezone.localdate()
    default_capacity = settings_for(municipality_id=user.municipality_id or "").default_capacity
    totals = (
        MentorProfile.objects.filter(municipality_id=user.municipality_id, is_available=True)
        .with_load(default_capacity=default_capacity)
        .aggregate(n=Count("id"), free=Sum("free_places"), used=Sum("occupied"))
    )
    capacity_used = totals["used"] or 0
    capacity_total = (totals["free"] or 0) + capacity_used
    waiting = waiting_offers(user=user)
    first = waiting.first()
    longest = (
        (today - timezone.localtime(first.answered_at or first.offered_at).date()).days if first else None
    )

    # Coverage: homes approved in the last 12 months, and how many were offered a
    # mentor and have an active one now.
    since = today - datetime.timedelta(days=365)
    approved_ids = set(
        AssignmentStatusChange.objects.filter(
            municipality_id=user.municipality_id,
            to_status=AssignmentStatus.APPROVED,
            changed_at__date__gte=since,
            assignment__type__in=MENTEE_TYPES,
        ).values_list("assignment_id", flat=True)
    )
    offered = (
        MentorOffer.objects.filter(assignment_id__in=approved_ids).values("assignment_id").distinct().count()
        if approved_ids
        else 0
    )
    with_active = (
        Pairing.objects.filter(offer__assignment_id__in=approved_ids, status=PairingStatus.ACTIVE)
        .values("offer__assignment_id")
        .distinct()
        .count()
        if approved_ids
        else 0
    )
    by_status = dict(
        Pairing.objects.filter(municipality_id=user.municipality_id)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    answers = FollowUpSurvey.objects.filter(
        municipality_id=user.municipality_id, answered_at__isnull=False, rating__isnull=False
    ).aggregate(n=Count("id"), mean=Avg("rating"))
    return Overview(
        mentors=totals["n"],
        capacity_total=capacity_total,
        capacity_used=capacity_used,
        waiting=waiting.count(),
        longest_wait_days=longest,
        approved_last_12_months=len(approved_ids),
        offered_share=offered / len(approved_ids) if approved_ids else None,
        with_active_mentor_share=with_active / len(approved_ids) if approved_ids else None,
        pairings_by_status=[
            (status.value, str(status.label), by_status.get(status, 0)) for status in PairingStatus
        ],
        survey_answers=answers["n"],
        survey_mean_rating=answers["mean"],
    )


SURVEY_EMAIL = "mentorship.FollowUpSurvey"


@dataclass(frozen=True)
class SurveyRow:
    survey: FollowUpSurvey
    email: EmailStatus | None


def survey_rows(*, pairing: Pairing) -> list[SurveyRow]:
    """The pairing's follow-up surveys, each with its e-mail in the outbox (once queued)."""
    surveys = list(pairing.surveys.select_related("handled_by"))
    emails = email_states_about(about_type=SURVEY_EMAIL, ids=[s.pk for s in surveys])
    return [SurveyRow(survey=s, email=emails.get(s.pk)) for s in surveys]


def survey_get_for(*, user: User, id: int) -> FollowUpSurvey:
    """A follow-up survey of the user's municipality; 404 for a missing and a forbidden one alike."""
    return owned_or_404(FollowUpSurvey.objects.select_related("pairing"), user=user, id=id)
