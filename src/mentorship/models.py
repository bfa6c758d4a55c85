"""Mentor families for new foster families (the Örebro/Karlstad model, after the
Mockingbird Family Model): offers, mentor profiles, pairings, check-ins, surveys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, cast

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from register.domain import AssignmentType
from tenancy.models import MunicipalityOwned, MunicipalityScopedManager

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# The families offered a mentor: new foster homes and emergency homes.
MENTEE_TYPES = (AssignmentType.FOSTER_HOME, AssignmentType.EMERGENCY_HOME)


class AgeGroup(models.TextChoices):
    INFANT = "0-2", _("0–2 years")
    PRESCHOOL = "3-5", _("3–5 years")
    SCHOOL = "6-12", _("6–12 years")
    TEEN = "13-17", _("13–17 years")
    YOUNG_ADULT = "18-20", _("18–20 years")


class Need(models.TextChoices):
    NEURODEVELOPMENTAL = "neurodevelopmental", _("neurodevelopmental disorders")
    TRAUMA = "trauma", _("trauma")
    DISABILITY = "disability", _("disability")
    UNACCOMPANIED = "unaccompanied", _("unaccompanied minors")
    SIBLINGS = "siblings", _("sibling groups")
    KINSHIP = "kinship", _("kinship care (nätverkshem)")
    BIRTH_FAMILY = "birth_family", _("close contact with the birth family")


class FamilyForm(models.TextChoices):
    COUPLE = "couple", _("couple")
    SINGLE = "single", _("single parent")
    EXTENDED = "extended", _("extended family")


class MentorshipSettings(MunicipalityOwned):
    """A municipality's settings for the scheme; defaults when a municipality has none."""

    default_capacity = models.PositiveSmallIntegerField(_("families per mentor"), default=3)
    max_distance_km = models.PositiveSmallIntegerField(_("longest distance (km)"), default=60)
    weight_distance_per_km = models.FloatField(_("cost per km"), default=1.0)
    weight_missing_age_group = models.FloatField(_("cost per age group without experience"), default=15.0)
    weight_missing_need = models.FloatField(_("cost per need without experience"), default=20.0)
    weight_no_shared_language = models.FloatField(_("cost without a shared language"), default=25.0)
    weight_family_form_mismatch = models.FloatField(_("cost when family forms differ"), default=5.0)
    survey_months = models.JSONField(_("follow-up survey after (months)"), default=list)

    class Meta:
        verbose_name = _("mentorship settings")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="mentorship_settings_one_per_municipality")
        ]


class MentorLoad(TypedDict):
    occupied: Any
    free_places: Any


class MentorProfileQuerySet(models.QuerySet["MentorProfile"]):
    def with_load(
        self, *, default_capacity: int
    ) -> models.QuerySet[WithAnnotations[MentorProfile, MentorLoad]]:
        """Each mentor family with ``occupied``, the families it has now (pairings proposed,
        introduction booked or active), and ``free_places``: its own capacity (else the
        municipality's ``default_capacity``) minus those. The one capacity rule."""
        loaded = self.annotate(
            occupied=Count("pairings", filter=Q(pairings__status__in=OCCUPYING_STATUSES))
        ).annotate(free_places=Coalesce("capacity", Value(default_capacity)) - F("occupied"))
        # django-stubs names the annotated type itself; this is the same two fields, named.
        return cast("models.QuerySet[WithAnnotations[MentorProfile, MentorLoad]]", loaded)


MentorProfileManager = MunicipalityScopedManager.from_queryset(MentorProfileQuerySet)


class MentorProfile(MunicipalityOwned):
    """What a mentor family (a household with a mentor-family assignment) offers."""

    assignment = models.OneToOneField(
        "register.Assignment",
        on_delete=models.PROTECT,
        related_name="mentor_profile",
        verbose_name=_("assignment"),
    )
    household = models.ForeignKey(
        "register.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    capacity = models.PositiveSmallIntegerField(
        _("families at most"), null=True, blank=True, help_text=_("Empty: the municipality's default.")
    )
    mentors = models.ManyToManyField(
        "register.Person", related_name="+", blank=True, verbose_name=_("mentors in the household")
    )
    age_groups = models.JSONField(_("age groups cared for"), default=list, blank=True)
    needs = models.JSONField(_("experience of needs"), default=list, blank=True)
    family_form = models.CharField(_("family form"), max_length=16, choices=FamilyForm.choices, blank=True)
    years_as_foster_home = models.PositiveSmallIntegerField(_("years as a foster home"), default=0)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    is_available = models.BooleanField(_("takes new families"), default=True)
    # Counts pairings in proposed, introduction booked and active; kept by the
    # services under a row lock so capacity holds under concurrent confirmations.
    version = models.PositiveIntegerField(default=1)

    objects: ClassVar[MentorProfileManager] = MentorProfileManager()

    class Meta:
        verbose_name = _("mentor family")
        verbose_name_plural = _("mentor families")

    def __str__(self) -> str:
        return str(self.household)


class OfferAnswer(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Yes, wants a mentor")
    DECLINED = "declined", _("No, thank you")
    LATER = "later", _("Maybe later")
    # Closed because the family had another open offer (the clean-up of duplicates in
    # migration 0003); never chosen in a form.
    WITHDRAWN = "withdrawn", _("Withdrawn: the family has another open offer")


# An offer the family may still be paired through: one per family at a time (constraint).
OPEN_OFFER_ANSWERS = ("pending", "accepted")


class OfferSource(models.TextChoices):
    APPROVAL = "approval", _("Offered on approval")
    REQUEST = "request", _("The family asked")


class MentorOffer(MunicipalityOwned):
    """A mentor offered to a foster or emergency home, its answer and what the family needs."""

    assignment = models.ForeignKey(
        "register.Assignment",
        on_delete=models.PROTECT,
        related_name="mentor_offers",
        verbose_name=_("assignment"),
    )
    household = models.ForeignKey(
        "register.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    source = models.CharField(
        _("source"), max_length=16, choices=OfferSource.choices, default=OfferSource.APPROVAL
    )
    offered_at = models.DateTimeField(_("offered"))
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(
        _("answer"), max_length=16, choices=OfferAnswer.choices, default=OfferAnswer.PENDING
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # What the family's placements call for, used to find a mentor who has been there.
    age_groups = models.JSONField(_("children's age groups"), default=list, blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    family_form = models.CharField(_("family form"), max_length=16, choices=FamilyForm.choices, blank=True)
    preferred_mentor = models.ForeignKey(
        MentorProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretary's preferred mentor"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["offered_at", "id"]
        verbose_name = _("mentor offer")
        verbose_name_plural = _("mentor offers")
        constraints = [
            # One open offer per family: a second one let the batch proposal pair a
            # family twice (issue 12).
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(answer__in=OPEN_OFFER_ANSWERS),
                name="mentorship_offer_one_open_per_family",
            )
        ]


class PairingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    INTRODUCTION_BOOKED = "introduction_booked", _("Introduction booked")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


OCCUPYING_STATUSES = (PairingStatus.PROPOSED, PairingStatus.INTRODUCTION_BOOKED, PairingStatus.ACTIVE)
OCCUPYING_STATUS_VALUES = ("proposed", "introduction_booked", "active")


class Fit(models.TextChoices):
    GOOD = "good", _("A good fit")
    UNSURE = "unsure", _("Not sure yet")
    NOT_A_FIT = "not_a_fit", _("Not a fit")


class PairingEndReason(models.TextChoices):
    NOT_A_FIT = "not_a_fit", _("Not a fit after the introduction")
    NO_LONGER_NEEDED = "no_longer_needed", _("The family no longer needs a mentor")
    MENTOR_STOPPED = "mentor_stopped", _("The mentor family stopped")
    ASSIGNMENT_ENDED = "assignment_ended", _("The foster-home assignment ended")
    CONFLICT = "conflict", _("Conflict between the families")
    OTHER = "other", _("Other reason (described in the note)")


# Pairs that ended like this are never proposed again.
BAD_ENDINGS = (PairingEndReason.NOT_A_FIT, PairingEndReason.CONFLICT)


class Pairing(MunicipalityOwned):
    """A mentor family and a mentee family: proposed → introduction booked → active → ended."""

    offer = models.ForeignKey(
        MentorOffer, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("offer")
    )
    mentor = models.ForeignKey(
        MentorProfile, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("mentor family")
    )
    mentee_household = models.ForeignKey(
        "register.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("mentee family")
    )
    status = models.CharField(
        _("status"), max_length=24, choices=PairingStatus.choices, default=PairingStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(_("confirmed"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cost = models.FloatField(_("matching cost"), null=True, blank=True)
    explanation = models.JSONField(_("why this pair"), default=list, blank=True)
    override_reason = models.TextField(_("reason for overriding a limit"), blank=True)
    introduction_at = models.DateTimeField(_("introduction meeting"), null=True, blank=True)
    introduction_place = models.CharField(_("place"), max_length=200, blank=True)
    introduction_secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretary present"),
    )
    introduction_held_on = models.DateField(_("introduction held"), null=True, blank=True)
    mentor_fit = models.CharField(
        _("the mentor family's view"), max_length=16, choices=Fit.choices, blank=True
    )
    mentee_fit = models.CharField(_("the new family's view"), max_length=16, choices=Fit.choices, blank=True)
    activated_on = models.DateField(_("active since"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=24, choices=PairingEndReason.choices, blank=True
    )
    end_note = models.TextField(_("note"), blank=True, max_length=2000)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-proposed_at", "id"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        indexes = [models.Index(fields=["municipality", "status"], name="mentorship_pairing_muni_status")]
        constraints = [
            # A family has at most one mentor at a time: proposed, introduction booked or active.
            models.UniqueConstraint(
                fields=["mentee_household"],
                condition=models.Q(status__in=OCCUPYING_STATUS_VALUES),
                name="mentorship_pairing_one_open_per_family",
            )
        ]


class CheckInMood(models.TextChoices):
    GOOD = "good", _("Going well")
    OK = "ok", _("Going all right")
    DIFFICULT = "difficult", _("Difficult")


class CheckIn(MunicipalityOwned):
    """A light check-in the secretary logs on a pairing."""

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="check_ins")
    held_on = models.DateField(_("date"))
    mood = models.CharField(_("how it goes"), max_length=16, choices=CheckInMood.choices)
    needs_support = models.BooleanField(_("needs support from the secretary"), default=False)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A check-in that needs support stays on the secretary's start page until someone
    # marks the support as seen to (services.check_in_support_handle, with history).
    handled_at = models.DateTimeField(_("support seen to"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("support seen to by"),
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    @property
    def awaits_support(self) -> bool:
        return self.needs_support and self.handled_at is None


class SurveyRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor family")
    MENTEE = "mentee", _("New family")


# A follow-up answer that signals a problem: a rating of 1 or 2 out of 5, or a family
# that does not want to continue. It reaches the secretary's start page until followed up.
PROBLEM_RATING_MAX = 2


def survey_signals_problem() -> Q:
    """The answered surveys whose answer signals a problem (see ``PROBLEM_RATING_MAX``)."""
    return Q(answered_at__isnull=False) & (Q(rating__lte=PROBLEM_RATING_MAX) | Q(wants_to_continue=False))


class FollowUpSurvey(MunicipalityOwned):
    """A follow-up survey sent to one of the families N months into a pairing."""

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="surveys")
    role = models.CharField(_("family"), max_length=8, choices=SurveyRole.choices)
    months = models.PositiveSmallIntegerField(_("months after the start"))
    due_on = models.DateField(_("due"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("how valuable (1–5)"), null=True, blank=True)
    contact_frequency = models.CharField(_("how often in contact"), max_length=16, blank=True)
    wants_to_continue = models.BooleanField(_("wants to continue"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    # An answer that signals a problem, followed up by the secretary (services.survey_follow_up).
    handled_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed up by"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up survey")
        verbose_name_plural = _("follow-up surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "role", "months"], name="mentorship_survey_once_per_point"
            )
        ]

    @property
    def signals_problem(self) -> bool:
        return self.answered_at is not None and (
            (self.rating is not None and self.rating <= PROBLEM_RATING_MAX) or self.wants_to_continue is False
        )
