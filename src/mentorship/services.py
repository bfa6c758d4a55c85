"""Mentorship changes. Each function is one user-visible change, atomic, with its
history; a mentor family's capacity holds even under concurrent confirmations."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from kernel.records import record_create, record_update
from mentorship.links import SurveyLinkInvalid
from mentorship.models import (
    MENTEE_TYPES,
    OCCUPYING_STATUSES,
    OPEN_OFFER_ANSWERS,
    CheckIn,
    Fit,
    FollowUpSurvey,
    MentorOffer,
    MentorProfile,
    OfferAnswer,
    OfferSource,
    Pairing,
    PairingEndReason,
    PairingStatus,
    SurveyRole,
)
from mentorship.selectors import DEFAULT_SURVEY_MONTHS, mentor_capacity, settings_for
from mentorship.suggestions import pair_check
from register.domain import AssignmentStatus, AssignmentType
from register.models import Assignment


class CapacityExceeded(ValidationError):
    """The mentor family already has as many families as it takes."""


PROFILE_FIELDS = [
    "capacity",
    "age_groups",
    "needs",
    "family_form",
    "years_as_foster_home",
    "availability",
    "is_available",
]


@transaction.atomic
def mentor_profile_save(
    *,
    by: User,
    assignment: Assignment,
    capacity: int | None,
    age_groups: list[str],
    needs: list[str],
    family_form: str,
    years_as_foster_home: int,
    availability: str,
    is_available: bool,
    mentor_person_ids: list[int],
) -> MentorProfile:
    """Create or update the mentor profile of a mentor-family assignment."""
    if assignment.type != AssignmentType.MENTOR_FAMILY or assignment.household_id is None:
        raise ValidationError(_("Only a household with a mentor-family assignment can be a mentor family."))
    if capacity is not None and not 1 <= capacity <= 10:
        raise ValidationError({"capacity": _("A mentor family can take between 1 and 10 families.")})
    profile = MentorProfile.objects.filter(assignment=assignment).first()
    values = {
        "capacity": capacity,
        "age_groups": sorted(set(age_groups)),
        "needs": sorted(set(needs)),
        "family_form": family_form,
        "years_as_foster_home": years_as_foster_home,
        "availability": availability.strip(),
        "is_available": is_available,
    }
    if profile is None:
        profile = MentorProfile(
            municipality_id=assignment.municipality_id,
            assignment=assignment,
            household_id=assignment.household_id,
            **values,
        )
        profile.full_clean(validate_constraints=False)
        record_create(profile, by=by, tracked=PROFILE_FIELDS)
    else:
        record_update(
            profile,
            by=by,
            tracked=PROFILE_FIELDS,
            values=values,
            clean=lambda record: record.full_clean(validate_constraints=False),
        )
    household = assignment.household
    if household is None:  # checked above: a mentor family is a household
        raise ValidationError(_("Only a household with a mentor-family assignment can be a mentor family."))
    members = list(household.members.filter(pk__in=mentor_person_ids))
    if len(members) != len(set(mentor_person_ids)):
        raise ValidationError({"mentors": _("The mentors must be members of the household.")})
    profile.mentors.set(members)
    if capacity is not None and capacity < _occupied(profile):
        raise CapacityExceeded({"capacity": _("The family already has more families than that.")})
    return profile


def _occupied(mentor: MentorProfile) -> int:
    """The families the mentor family has now (see ``MentorProfileQuerySet.with_load``)."""
    load: int = (
        MentorProfile.objects.with_load(default_capacity=0)
        .values_list("occupied", flat=True)
        .get(pk=mentor.pk)
    )
    return load


@transaction.atomic
def mentor_offer_create(
    *, by: User, assignment: Assignment, source: str = OfferSource.REQUEST
) -> MentorOffer:
    """Offer a mentor to an approved (or active) foster or emergency home."""
    if assignment.type not in MENTEE_TYPES or assignment.household_id is None:
        raise ValidationError(_("A mentor is offered to foster homes and emergency homes."))
    if assignment.status not in (AssignmentStatus.APPROVED, AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED):
        raise ValidationError(_("A mentor can be offered only to an approved family."))
    # One open offer (waiting for an answer, or accepted and waiting for or paired with a
    # mentor) per family: also after a pairing ended, the family goes on through the
    # offer it has. The database holds the rule too (two secretaries at the same moment).
    if (
        MentorOffer.objects.filter(
            household_id=assignment.household_id, answer__in=OPEN_OFFER_ANSWERS
        ).exists()
        or Pairing.objects.filter(
            mentee_household_id=assignment.household_id, status__in=OCCUPYING_STATUSES
        ).exists()
    ):
        raise ValidationError(_("The family already has an open offer or a mentor."))
    offer = MentorOffer(
        municipality_id=assignment.municipality_id,
        assignment=assignment,
        household_id=assignment.household_id,
        source=source,
        offered_at=timezone.now(),
        offered_by=by,
        age_groups=_age_groups_for(assignment),
    )
    with _one_per_family(_("The family already has an open offer or a mentor.")):
        return record_create(offer, by=by, tracked=["source", "answer"])


@contextmanager
def _one_per_family(message: Any) -> Iterator[None]:
    """Turn the database's "one open offer / one mentor per family" refusal into the user's message.

    A savepoint, so the caller's transaction (a batch) stays usable and decides itself.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if "one_open_per_family" not in str(error) and "UNIQUE constraint failed" not in str(error):
            raise
        raise ValidationError(message) from None


def _age_groups_for(assignment: Assignment) -> list[str]:
    """The age groups the home is approved for, as a first guess of the children's ages."""
    low = assignment.age_min if assignment.age_min is not None else 0
    high = assignment.age_max if assignment.age_max is not None else 20
    groups = [("0-2", 0, 2), ("3-5", 3, 5), ("6-12", 6, 12), ("13-17", 13, 17), ("18-20", 18, 20)]
    if assignment.age_min is None and assignment.age_max is None:
        return []
    return [code for code, start, end in groups if start <= high and low <= end]


def offer_on_approval(*, by: User, assignment: Assignment, from_status: str, to_status: str) -> None:
    """Hook: every foster or emergency home that becomes approved is offered a mentor."""
    if to_status != AssignmentStatus.APPROVED or assignment.type not in MENTEE_TYPES:
        return
    if MentorOffer.objects.filter(assignment=assignment).exists():
        return
    mentor_offer_create(by=by, assignment=assignment, source=OfferSource.APPROVAL)


@transaction.atomic
def mentor_offer_answer(*, by: User, offer: MentorOffer, answer: str, version: int) -> MentorOffer:
    """Record the family's answer to the offer."""
    if answer not in OfferAnswer.values or answer in (OfferAnswer.PENDING, OfferAnswer.WITHDRAWN):
        raise ValidationError({"answer": _("Choose the family's answer.")})
    with _one_per_family(_("The family already has another open offer: answer that one instead.")):
        return record_update(
            offer,
            by=by,
            tracked=["answer"],
            values={"answer": answer, "answered_at": timezone.now()},
            version=version,
        )


@transaction.atomic
def mentor_offer_update_needs(
    *,
    by: User,
    offer: MentorOffer,
    version: int,
    age_groups: list[str],
    needs: list[str],
    family_form: str,
    preferred_mentor: MentorProfile | None,
) -> MentorOffer:
    """Describe what the family's placements call for (used to rank mentors)."""
    return record_update(
        offer,
        by=by,
        tracked=["age_groups", "needs", "family_form", "preferred_mentor"],
        values={
            "age_groups": sorted(set(age_groups)),
            "needs": sorted(set(needs)),
            "family_form": family_form,
            "preferred_mentor": preferred_mentor,
        },
        version=version,
    )


def offer_is_waiting(offer: MentorOffer) -> bool:
    return (
        offer.answer == OfferAnswer.ACCEPTED
        and not offer.pairings.filter(status__in=OCCUPYING_STATUSES).exists()
    )


@transaction.atomic
def pairing_confirm(
    *,
    by: User,
    offer: MentorOffer,
    mentor: MentorProfile,
    override_reason: str = "",
    cost: float | None = None,
    explanation: list[Any] | None = None,
) -> Pairing:
    """Pair a waiting family with a mentor family, never beyond the mentor's capacity.

    The mentor row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's
    IMMEDIATE transactions serialise writers), so two secretaries confirming at
    the same moment cannot both take the last place.
    """
    override_reason = override_reason.strip()
    locked = (
        MentorProfile.objects.select_for_update().select_related("household__postal_code").get(pk=mentor.pk)
    )
    offer = (
        MentorOffer.objects.select_for_update()
        .select_related("household__postal_code", "assignment")
        .get(pk=offer.pk)
    )
    if offer.answer != OfferAnswer.ACCEPTED:
        raise ValidationError(_("The family has not said yes to a mentor yet."))
    if offer.pairings.filter(status__in=OCCUPYING_STATUSES).exists():
        raise ValidationError(_("The family already has a mentor."))
    # The engine's hard rules for this one pair (pairing.check_pair), with the places free now.
    check = pair_check(
        offer=offer, mentor=locked, free_places=mentor_capacity(mentor=locked) - _occupied(locked)
    )
    if check.same_household:
        raise ValidationError(_("A family cannot be its own mentor."))
    if not locked.is_available or locked.assignment.status not in (
        AssignmentStatus.APPROVED,
        AssignmentStatus.ACTIVE,
    ):
        raise ValidationError(_("This mentor family does not take new families right now."))
    problems: list[Any] = []
    if check.exclusions:
        problems.append(_("these families' earlier pairing ended badly"))
    if check.is_too_far:
        problems.append(
            _("the distance is %(km)s km, more than %(limit)s km")
            % {"km": round(check.distance_km), "limit": round(check.distance_limit_km)}
        )
    if problems and not override_reason:
        raise ValidationError(
            {
                "override_reason": _("Give a reason to pair them anyway: %(problems)s.")
                % {"problems": "; ".join(str(p) for p in problems)}
            }
        )
    if not check.has_free_place:
        raise CapacityExceeded(
            _("%(mentor)s already has %(n)s families, as many as it takes. Choose another mentor family.")
            % {"mentor": locked.household.name, "n": mentor_capacity(mentor=locked)}
        )
    pairing = Pairing(
        municipality_id=offer.municipality_id,
        offer=offer,
        mentor=locked,
        mentee_household_id=offer.household_id,
        proposed_at=timezone.now(),
        proposed_by=by,
        cost=cost,
        explanation=explanation or [],
        override_reason=override_reason if problems else "",
    )
    with _one_per_family(_("The family already has a mentor.")):
        record_create(pairing, by=by, tracked=PAIRING_FIELDS)
    # Bump the mentor's version so any open edit of the profile sees the change.
    MentorProfile.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    return pairing


PAIRING_FIELDS = [
    "status",
    "mentor",
    "mentee_household",
    "override_reason",
    "introduction_at",
    "introduction_place",
    "introduction_secretary",
    "introduction_held_on",
    "mentor_fit",
    "mentee_fit",
    "ended_on",
    "end_reason",
]


def _pairing_change(by: User, pairing: Pairing, version: int, fields: dict[str, Any]) -> Pairing:
    return record_update(pairing, by=by, tracked=PAIRING_FIELDS, values=fields, version=version)


@transaction.atomic
def pairing_book_introduction(
    *, by: User, pairing: Pairing, version: int, at: datetime.datetime, place: str, secretary: User | None
) -> Pairing:
    """Book the first meeting, held with a secretary present."""
    if pairing.status not in (PairingStatus.PROPOSED, PairingStatus.INTRODUCTION_BOOKED):
        raise ValidationError(_("The introduction can be booked only before it is held."))
    if secretary is None or secretary.municipality_id != pairing.municipality_id:
        raise ValidationError({"secretary": _("Choose a secretary of the municipality.")})
    if not place.strip():
        raise ValidationError({"place": _("Say where the families meet.")})
    return _pairing_change(
        by,
        pairing,
        version,
        {
            "status": PairingStatus.INTRODUCTION_BOOKED,
            "introduction_at": at,
            "introduction_place": place.strip(),
            "introduction_secretary": secretary,
        },
    )


@transaction.atomic
def pairing_record_introduction(
    *, by: User, pairing: Pairing, version: int, held_on: datetime.date, mentor_fit: str, mentee_fit: str
) -> Pairing:
    """Record the introduction. Both families say how the fit feels; "not a fit" ends the
    pairing and the family waits for a new proposal; otherwise the pairing is active and
    the families keep contact themselves."""
    if pairing.status != PairingStatus.INTRODUCTION_BOOKED:
        raise ValidationError(_("Book the introduction before recording it."))
    if mentor_fit not in Fit.values or mentee_fit not in Fit.values:
        raise ValidationError(_("Record both families' view of the fit."))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The introduction cannot be recorded before it is held.")})
    if pairing.introduction_at and held_on < timezone.localtime(
        pairing.introduction_at
    ).date() - datetime.timedelta(days=60):
        raise ValidationError({"held_on": _("The date is long before the booked meeting. Check it.")})
    fields: dict[str, Any] = {
        "introduction_held_on": held_on,
        "mentor_fit": mentor_fit,
        "mentee_fit": mentee_fit,
    }
    if Fit.NOT_A_FIT in (mentor_fit, mentee_fit):
        fields.update(status=PairingStatus.ENDED, ended_on=held_on, end_reason=PairingEndReason.NOT_A_FIT)
    else:
        fields.update(status=PairingStatus.ACTIVE, activated_on=held_on)
    pairing = _pairing_change(by, pairing, version, fields)
    if pairing.status == PairingStatus.ACTIVE:
        surveys_schedule(pairing=pairing)
    return pairing


@transaction.atomic
def pairing_end(*, by: User, pairing: Pairing, version: int, reason: str, note: str = "") -> Pairing:
    """End a pairing; there is no end date otherwise, so ending always asks why."""
    if pairing.status == PairingStatus.ENDED:
        raise ValidationError(_("The pairing has already ended."))
    if reason not in PairingEndReason.values:
        raise ValidationError({"reason": _("Choose why the pairing ends.")})
    if reason == PairingEndReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Describe the reason in the note.")})
    FollowUpSurvey.objects.filter(pairing=pairing, sent_at__isnull=True).delete()
    return _pairing_change(
        by,
        pairing,
        version,
        {
            "status": PairingStatus.ENDED,
            "ended_on": timezone.localdate(),
            "end_reason": reason,
            "end_note": note.strip(),
        },
    )


@transaction.atomic
def check_in_record(
    *, by: User, pairing: Pairing, held_on: datetime.date, mood: str, needs_support: bool, note: str = ""
) -> CheckIn:
    """Log a light check-in with the families."""
    if pairing.status not in (PairingStatus.ACTIVE, PairingStatus.INTRODUCTION_BOOKED):
        raise ValidationError(_("Check-ins are logged on pairings that have started."))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    check_in = CheckIn(
        municipality_id=pairing.municipality_id,
        pairing=pairing,
        held_on=held_on,
        mood=mood,
        needs_support=needs_support,
        note=note.strip(),
        recorded_by=by,
    )
    check_in.full_clean(validate_constraints=False)
    check_in.save()
    return check_in


HANDLED_FIELDS = ["handled_at", "handled_by"]


@transaction.atomic
def check_in_support_handle(*, by: User, check_in: CheckIn) -> CheckIn:
    """Record that the need for support a check-in reported has been seen to (who and when,
    with history); it leaves the start page. Marking it twice is refused."""
    locked = CheckIn.objects.select_for_update(of=("self",)).select_related("handled_by").get(pk=check_in.pk)
    if not locked.needs_support:
        raise ValidationError(_("This check-in did not report a need for support."))
    if locked.handled_at is not None:
        raise ValidationError(
            _("%(name)s already marked the support as seen to on %(date)s.")
            % {"name": locked.handled_by, "date": timezone.localtime(locked.handled_at).date().isoformat()}
        )
    return record_update(
        locked, by=by, tracked=HANDLED_FIELDS, values={"handled_at": timezone.now(), "handled_by": by}
    )


@transaction.atomic
def survey_follow_up(*, by: User, survey: FollowUpSurvey) -> FollowUpSurvey:
    """Record that a survey answer signalling a problem has been followed up (who and when,
    with history); it leaves the start page. Marking it twice is refused."""
    locked = (
        FollowUpSurvey.objects.select_for_update(of=("self",)).select_related("handled_by").get(pk=survey.pk)
    )
    if not locked.signals_problem:
        raise ValidationError(_("This answer does not signal a problem."))
    if locked.handled_at is not None:
        raise ValidationError(
            _("%(name)s already marked the answer as followed up on %(date)s.")
            % {"name": locked.handled_by, "date": timezone.localtime(locked.handled_at).date().isoformat()}
        )
    return record_update(
        locked, by=by, tracked=HANDLED_FIELDS, values={"handled_at": timezone.now(), "handled_by": by}
    )


def surveys_schedule(*, pairing: Pairing) -> list[FollowUpSurvey]:
    """Plan the follow-up surveys to both families (3, 6 and 12 months by default)."""
    months = settings_for(municipality_id=pairing.municipality_id).survey_months or list(
        DEFAULT_SURVEY_MONTHS
    )
    start = pairing.activated_on or timezone.localdate()
    planned = []
    for month in sorted(set(months)):
        due = _add_months(start, month)
        for role in SurveyRole:
            survey, _created = FollowUpSurvey.objects.get_or_create(
                pairing=pairing,
                role=role,
                months=month,
                defaults={"municipality_id": pairing.municipality_id, "due_on": due},
            )
            planned.append(survey)
    return planned


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def survey_answer(
    *, survey: FollowUpSurvey, rating: int, contact_frequency: str, wants_to_continue: bool, comment: str
) -> FollowUpSurvey:
    """Save a family's answer; a second answer through the same link is refused."""
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a value from 1 to 5.")})
    updated = FollowUpSurvey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
        answered_at=timezone.now(),
        rating=rating,
        contact_frequency=contact_frequency,
        wants_to_continue=wants_to_continue,
        comment=comment.strip()[:2000],
    )
    if updated != 1:
        raise SurveyLinkInvalid(_("This survey has already been answered. Thank you!"))
    survey.refresh_from_db()
    return survey


@dataclass(frozen=True)
class PlannedPairing:
    offer: MentorOffer
    mentor: MentorProfile
    cost: float | None = None
    explanation: list[Any] = field(default_factory=list)


class BatchRefused(ValidationError):
    """No pairing of the batch was saved; ``problems`` names each family and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        self.problems = problems


@transaction.atomic
def pairings_confirm_batch(*, by: User, planned: list[PlannedPairing]) -> list[Pairing]:
    """Confirm a reviewed proposal all at once: every pairing is saved, or none is.

    Each pairing goes through :func:`pairing_confirm` (capacity, hard rules, one mentor
    per family); when any is refused the whole batch rolls back and
    :class:`BatchRefused` lists every family that could not be paired, so the
    secretary sees exactly why and that nothing was saved.
    """
    problems: list[str] = []
    confirmed: list[Pairing] = []
    seen_offers: set[int] = set()
    for plan in planned:
        name = plan.offer.household.name
        if plan.offer.pk in seen_offers:
            problems.append(f"{name}: {_('The family is in the proposal twice.')}")
            continue
        seen_offers.add(plan.offer.pk)
        try:
            with transaction.atomic():
                confirmed.append(
                    pairing_confirm(
                        by=by,
                        offer=plan.offer,
                        mentor=plan.mentor,
                        cost=plan.cost,
                        explanation=plan.explanation,
                    )
                )
        except ValidationError as error:
            problems.append(f"{name}: {' '.join(error.messages)}")
    if problems:
        raise BatchRefused(problems)  # leaving the atomic block with it rolls back every pairing
    return confirmed
