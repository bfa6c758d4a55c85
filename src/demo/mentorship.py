"""Demo of the mentor-family scheme in one municipality, dated from the day it is loaded.

``mentorship_build(municipality_id=...)`` (Linköping and Örebro from ``demo_data``,
Karlstad from ``demo_programmes_and_meetings``) writes, once per municipality:

* a profile for every approved or active mentor-family assignment (at most three
  families each, the Örebro rule), with the ages and needs it has experience of;
* for every secretary, her own families at each step of the scheme, so that her start
  page has real content whatever the day:

  - an offer made two days ago, not answered yet, and one made two and a half weeks ago
    (overdue), or for every other secretary one answered "maybe later" 80 days ago;
  - a family that said yes five days ago and waits for a mentor family;
  - a pairing proposed three days ago (the introduction meeting to book);
  - an introduction meeting held yesterday, or nine days ago for every other secretary
    (overdue), that is not recorded yet, and one booked for the coming days;
  - a pairing active for three months, whose first follow-up surveys are due this week;
  - a pairing active for five months: its three-month answers (one of them signals a
    problem), a check-in two days ago that needs support and an older one whose support
    was seen to;
  - for the first secretary, a pairing that ended "not a fit" two months ago: the family
    waits for a new proposal (overdue).

Families are taken from the municipality's register (approved and active foster and
emergency homes of that secretary); when there are too few, new ones are registered and
approved through the services. Everything goes through the services (the engine ranks
the mentor families), then the dates are set back to when it happened ("written as it
was", like the meeting history in ``demo.gatherings``); the change history keeps the
day the demo was loaded. Follow-up surveys due before yesterday are written as sent.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from demo.register import DEMO_EMAIL_DOMAIN, FICTIONAL_PHONE_NUMBERS
from geo.models import Municipality, PostalCode
from mentorship import services
from mentorship.models import (
    MENTEE_TYPES,
    OCCUPYING_STATUSES,
    AgeGroup,
    CheckIn,
    FamilyForm,
    FollowUpSurvey,
    MentorOffer,
    MentorProfile,
    Need,
    OfferAnswer,
    OfferSource,
    Pairing,
    SurveyRole,
)
from mentorship.suggestions import mentor_suggestions
from register import services as register_services
from register.domain import AssignmentStatus, AssignmentType
from register.models import Assignment, AssignmentStatusChange, Household
from tenancy.scope import municipality_scope, scopes_disabled

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MENTOR_CAPACITY = 3  # the Örebro scheme: a mentor family takes at most three families
FAMILIES_PER_SECRETARY = 9
PAIRINGS_PER_SECRETARY = 5  # at the same time: proposed, two booked, two active (the sixth has ended)
APPROVE = ("information", "assessment", "training", "approved")
CHECK_IN_NOTES = (
    "Familjerna ses varannan vecka och hörs på telefon däremellan.",
    "Mentorfamiljen har hjälpt till inför det första umgänget med ursprungsfamiljen.",
    "Familjehemmet vill prata om skolstarten; mentorfamiljen ställer upp.",
    "Det har varit en tung period med sömnproblem; familjen vill ha stöd från oss.",
)
PLACES = ("Familjehemsenheten", "Hemma hos mentorfamiljen", "Hemma hos familjehemmet")


@dataclass(frozen=True)
class MentorshipDemo:
    municipality_id: str
    municipality: str
    mentor_families: int
    offers: int
    pairings: int
    check_ins: int


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=STOCKHOLM)


def _three_months_before(due: datetime.date) -> datetime.date:
    """The day a pairing became active if its three-month survey is due on ``due`` (surveys are
    planned by whole months, the day clamped to the month's end); the nearest such day when
    none lands exactly (a due date of 30 May has no day three months before it)."""
    start = due - relativedelta(months=3)
    while start + relativedelta(months=3) < due:
        start += datetime.timedelta(days=1)
    return start


class _Scheme:
    """Writes one municipality's scheme; every date is counted from ``today``."""

    def __init__(
        self, *, municipality_id: str, today: datetime.date, rng: random.Random, fake: Faker
    ) -> None:
        self.municipality_id = municipality_id
        self.today = today
        self.rng = rng
        self.fake = fake
        self.offers = 0
        self.postal_codes = list(
            PostalCode.objects.filter(municipality_id=municipality_id)
            .order_by("code")
            .values_list("code", flat=True)
        )

    def days_ago(self, n: int) -> datetime.date:
        return self.today - datetime.timedelta(days=n)

    # mentor families

    def profiles(self, by: User) -> list[MentorProfile]:
        rng = self.rng
        assignments = (
            Assignment.objects.filter(
                municipality_id=self.municipality_id,
                type=AssignmentType.MENTOR_FAMILY,
                status__in=(AssignmentStatus.APPROVED, AssignmentStatus.ACTIVE),
                household__isnull=False,
            )
            .select_related("household", "responsible_secretary")
            .order_by("pk")
        )
        profiles = []
        for assignment in assignments:
            if assignment.household is None:  # filtered above; keeps the type checker calm
                continue
            members = list(assignment.household.members.order_by("pk").values_list("pk", flat=True))
            profiles.append(
                services.mentor_profile_save(
                    by=assignment.responsible_secretary or by,
                    assignment=assignment,
                    capacity=MENTOR_CAPACITY,
                    age_groups=rng.sample(AgeGroup.values, rng.randint(1, 3)),
                    needs=rng.sample(Need.values, rng.randint(0, 3)),
                    family_form=FamilyForm.COUPLE if len(members) > 1 else FamilyForm.SINGLE,
                    years_as_foster_home=rng.randint(4, 18),
                    availability=rng.choice(("Kvällar och helger", "Vardagar efter 16", "Helger", "")),
                    is_available=True,
                    mentor_person_ids=members,
                )
            )
        return profiles

    # the families of one secretary

    def mentees(self, secretary: User, mentor_households: set[int], n: int) -> list[Assignment]:
        """``n`` approved or active foster and emergency homes of the secretary without an answered
        offer (new ones registered and approved when the register has too few)."""
        # A home approved through the services has the offer its approval made: unanswered, it is used.
        # One open offer per family (the database holds it): a household whose other
        # assignment already has an offer, answered or not, or which has a mentor, is skipped.
        offered = MentorOffer.objects.filter(household_id=OuterRef("household_id")).exclude(
            assignment=OuterRef("pk"), answer=OfferAnswer.PENDING
        )
        mentored = Pairing.objects.filter(
            mentee_household_id=OuterRef("household_id"), status__in=OCCUPYING_STATUSES
        )
        found = []
        households: set[int] = set()
        for assignment in (
            Assignment.objects.filter(
                municipality_id=self.municipality_id,
                type__in=MENTEE_TYPES,
                status__in=(AssignmentStatus.APPROVED, AssignmentStatus.ACTIVE),
                responsible_secretary=secretary,
                household__isnull=False,
            )
            .exclude(household_id__in=mentor_households)
            .exclude(Exists(offered))
            .exclude(Exists(mentored))
            .order_by("-status_changed_at", "pk")
        ):
            if assignment.household_id not in households:
                households.add(assignment.household_id)
                found.append(assignment)
            if len(found) == n:
                break
        while len(found) < n:
            found.append(self._new_home(secretary, approved_on=self.days_ago(30 + 7 * len(found))))
        return found

    def mentor_families(self, secretaries: list[User], needed: int) -> None:
        """Enough experienced mentor families for ``needed`` places: the register's approved and
        active ones, and more registered through the services when they are too few."""
        have = Assignment.objects.filter(
            municipality_id=self.municipality_id,
            type=AssignmentType.MENTOR_FAMILY,
            status__in=(AssignmentStatus.APPROVED, AssignmentStatus.ACTIVE),
            household__isnull=False,
        ).count()
        for n in range(have, -(-needed // MENTOR_CAPACITY)):
            secretary = secretaries[n % len(secretaries)]
            foster_home = self._new_home(
                secretary, approved_on=self.days_ago(6 * 365 + 30 * n), status="active"
            )
            # The offer its approval made, years ago: an experienced family said no thank you.
            offer = MentorOffer.objects.get(assignment=foster_home)
            offer = services.mentor_offer_answer(
                by=secretary, offer=offer, answer=OfferAnswer.DECLINED, version=offer.version
            )
            MentorOffer.objects.filter(pk=offer.pk).update(
                offered_at=_at(foster_home.status_changed_at.date(), 11),
                answered_at=_at(foster_home.status_changed_at.date() + datetime.timedelta(days=7), 11),
            )
            mentor = register_services.assignment_create(
                by=secretary,
                household=foster_home.household,
                type=AssignmentType.MENTOR_FAMILY,
                responsible_secretary=secretary,
            )
            for step in (*APPROVE, "active"):
                mentor = register_services.assignment_transition(
                    by=secretary, assignment=mentor, to_status=step, version=mentor.version
                )

    def _new_home(
        self, secretary: User, *, approved_on: datetime.date, status: str = "approved"
    ) -> Assignment:
        """A foster home registered and approved (and made active when asked) through the
        services, its history dated back."""
        fake, rng = self.fake, self.rng
        last_name = fake.last_name()
        household = register_services.household_create(
            by=secretary,
            name=f"Familjen {last_name}",
            street_address=f"{fake.street_name()} {rng.randint(1, 60)}",
            postal_code=PostalCode.objects.get(code=rng.choice(self.postal_codes)),
            phone=rng.choice(FICTIONAL_PHONE_NUMBERS),
        )
        for female in (True, False):
            register_services.person_create(
                by=secretary,
                household=household,
                first_name=fake.first_name_female() if female else fake.first_name_male(),
                last_name=last_name,
            )
        assignment = register_services.assignment_create(
            by=secretary,
            household=household,
            type=AssignmentType.FOSTER_HOME,
            responsible_secretary=secretary,
        )
        for step in (*APPROVE, "active") if status == "active" else APPROVE:
            assignment = register_services.assignment_transition(
                by=secretary, assignment=assignment, to_status=step, version=assignment.version
            )
        # The pipeline walked a few weeks a step, ending on the day of approval.
        changes = list(
            AssignmentStatusChange.objects.filter(assignment=assignment).order_by("changed_at", "pk")
        )
        for steps_left, change in enumerate(reversed(changes)):
            when = _at(approved_on - datetime.timedelta(days=21 * steps_left), 10)
            AssignmentStatusChange.objects.filter(pk=change.pk).update(changed_at=when)
        approved_at = _at(approved_on, 10)
        registered = _at(approved_on - datetime.timedelta(days=21 * (len(changes) - 1)), 10)
        Assignment.objects.filter(pk=assignment.pk).update(
            status_changed_at=approved_at,
            starts_on=approved_on,
            created_at=registered,
            updated_at=approved_at,
        )
        Household.objects.filter(pk=household.pk).update(created_at=registered, updated_at=registered)
        assignment.refresh_from_db()
        return assignment

    def offer(self, secretary: User, assignment: Assignment, *, offered_on: datetime.date) -> MentorOffer:
        self.offers += 1
        offer = MentorOffer.objects.filter(assignment=assignment).first()  # made on approval
        if offer is None:
            source = (
                OfferSource.APPROVAL
                if assignment.status == AssignmentStatus.APPROVED
                else OfferSource.REQUEST
            )
            offer = services.mentor_offer_create(by=secretary, assignment=assignment, source=source)
        MentorOffer.objects.filter(pk=offer.pk).update(offered_at=_at(offered_on, 11))
        offer.refresh_from_db()
        return offer

    def answer(self, secretary: User, offer: MentorOffer, answer: str, *, on: datetime.date) -> MentorOffer:
        offer = services.mentor_offer_answer(by=secretary, offer=offer, answer=answer, version=offer.version)
        MentorOffer.objects.filter(pk=offer.pk).update(answered_at=_at(on, 14))
        offer.refresh_from_db()
        return offer

    def pair(self, secretary: User, offer: MentorOffer, *, on: datetime.date) -> Pairing | None:
        """The engine's best mentor family with a free place, proposed on ``on``."""
        for suggestion in mentor_suggestions(user=secretary, offer=offer, limit=None):
            try:
                pairing = services.pairing_confirm(
                    by=secretary,
                    offer=offer,
                    mentor=suggestion.mentor,
                    cost=suggestion.cost,
                    explanation=suggestion.reasons,
                )
            except ValidationError:
                continue  # full, or a limit the demo does not override: the next one
            Pairing.objects.filter(pk=pairing.pk).update(proposed_at=_at(on, 15))
            pairing.refresh_from_db()
            return pairing
        return None

    def book(self, secretary: User, pairing: Pairing, *, on: datetime.date) -> Pairing:
        return services.pairing_book_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            at=_at(on, self.rng.choice((10, 13, 17))),
            place=self.rng.choice(PLACES),
            secretary=secretary,
        )

    def hold(self, secretary: User, pairing: Pairing, *, on: datetime.date, fit: str = "good") -> Pairing:
        pairing = self.book(secretary, pairing, on=on)
        return services.pairing_record_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            held_on=on,
            mentor_fit="good",
            mentee_fit=fit,
        )

    def check_in(
        self, secretary: User, pairing: Pairing, *, on: datetime.date, mood: str, needs_support: bool
    ) -> CheckIn:
        note = self.rng.choice(CHECK_IN_NOTES[3:] if needs_support else CHECK_IN_NOTES[:3])
        return services.check_in_record(
            by=secretary, pairing=pairing, held_on=on, mood=mood, needs_support=needs_support, note=note
        )

    def answer_survey(
        self,
        pairing: Pairing,
        role: str,
        *,
        rating: int,
        keep: bool,
        comment: str = "",
        answered_on: datetime.date | None = None,
    ) -> None:
        """The three-month survey, sent when due and answered two days later (or on ``answered_on``)."""
        survey = FollowUpSurvey.objects.get(pairing=pairing, role=role, months=3)
        services.survey_answer(
            survey=survey, rating=rating, contact_frequency="monthly", wants_to_continue=keep, comment=comment
        )
        answered_on = answered_on or survey.due_on + datetime.timedelta(days=2)
        FollowUpSurvey.objects.filter(pk=survey.pk).update(
            sent_at=_at(survey.due_on, 8), answered_at=_at(answered_on, 19)
        )

    # one secretary's families at every step

    def families_of(self, index: int, secretary: User, mentees: list[Assignment]) -> int:
        """Offers and pairings at every step for one secretary (see the module docstring)."""
        d = self.days_ago
        homes = iter(mentees)
        pairings = 0

        self.offer(secretary, next(homes), offered_on=d(2 + index))
        if index % 2 == 0:
            self.offer(secretary, next(homes), offered_on=d(16 + index))
        else:
            later = self.offer(secretary, next(homes), offered_on=d(84))
            self.answer(secretary, later, OfferAnswer.LATER, on=d(80))
        waiting = self.offer(secretary, next(homes), offered_on=d(9))
        self.answer(secretary, waiting, OfferAnswer.ACCEPTED, on=d(5))

        def accepted(start: datetime.date) -> MentorOffer:
            offer = self.offer(secretary, next(homes), offered_on=start)
            return self.answer(secretary, offer, OfferAnswer.ACCEPTED, on=start + datetime.timedelta(days=3))

        def paired(start: datetime.date) -> Pairing | None:
            nonlocal pairings
            pairing = self.pair(secretary, accepted(start), on=start + datetime.timedelta(days=6))
            pairings += pairing is not None
            return pairing

        paired(d(9 + index))  # proposed three days ago or so: book the introduction
        recorded_late = index % 2 == 1
        booked = paired(d(30 if recorded_late else 22))
        if booked is not None:  # held yesterday (or nine days ago) and not recorded yet
            self.book(secretary, booked, on=d(9 if recorded_late else 1))
        coming = paired(d(14))
        if coming is not None:
            self.book(secretary, coming, on=self.today + datetime.timedelta(days=3 + index))

        # Active for three months: the first follow-up surveys fall due this week.
        started = _three_months_before(self.today + datetime.timedelta(days=index))
        recent = paired(started - datetime.timedelta(days=20))
        if recent is not None:
            recent = self.hold(secretary, recent, on=started)
            self.check_in(secretary, recent, on=d(14), mood="good", needs_support=False)

        # Active for five months: answers, and a check-in that needs support.
        started = self.today - relativedelta(months=5) - datetime.timedelta(days=7 * index)
        settled = paired(started - datetime.timedelta(days=20))
        if settled is not None:
            settled = self.hold(secretary, settled, on=started)
            # One answer signals a problem; it came in a few days ago, after a reminder.
            late = d(4 + index)
            if index % 2 == 0:
                self.answer_survey(
                    settled,
                    SurveyRole.MENTEE,
                    rating=2,
                    keep=True,
                    comment="Vi hinner sällan ses.",
                    answered_on=late,
                )
                self.answer_survey(settled, SurveyRole.MENTOR, rating=4, keep=True)
            else:
                self.answer_survey(
                    settled, SurveyRole.MENTEE, rating=5, keep=True, comment="Ovärderligt stöd."
                )
                self.answer_survey(settled, SurveyRole.MENTOR, rating=3, keep=False, answered_on=late)
            seen_to = self.check_in(secretary, settled, on=d(40), mood="difficult", needs_support=True)
            services.check_in_support_handle(by=secretary, check_in=seen_to)
            CheckIn.objects.filter(pk=seen_to.pk).update(handled_at=_at(d(39), 9))
            self.check_in(secretary, settled, on=d(2), mood="difficult", needs_support=True)

        if index == 0:  # not a fit after the introduction: the family waits for a new proposal
            ended = paired(d(80))
            if ended is not None:
                self.hold(secretary, ended, on=d(62), fit="not_a_fit")
        return pairings


def mentorship_build(
    *, municipality_id: str, seed: int, today: datetime.date | None = None
) -> MentorshipDemo | None:
    """Write the municipality's mentor-family scheme unless it has mentor families already;
    returns what was written (None when nothing was)."""
    today = today or timezone.localdate()
    # Demo set-up is a command: it checks one municipality's rows before entering its scope (STYLE rule 3).
    with scopes_disabled():
        if MentorProfile.objects.filter(municipality_id=municipality_id).exists():
            return None  # the scheme always makes at least one mentor family
    fake = Faker("sv_SE")
    fake.seed_instance(seed)
    # Seeded and reproducible on purpose: demo data, never a secret.
    rng = random.Random(seed)  # noqa: S311 - see the comment above
    with transaction.atomic(), municipality_scope(municipality_id):
        secretaries = list(
            User.objects.filter(
                municipality_id=municipality_id,
                role=Role.SECRETARY,
                is_active=True,
                email__endswith=f"@{DEMO_EMAIL_DOMAIN}",
            ).order_by("username")
        )
        if not secretaries:
            return None
        scheme = _Scheme(municipality_id=municipality_id, today=today, rng=rng, fake=fake)
        scheme.mentor_families(secretaries, needed=PAIRINGS_PER_SECRETARY * len(secretaries))
        profiles = scheme.profiles(secretaries[0])
        mentor_households = {profile.household_id for profile in profiles}
        pairings = 0
        for index, secretary in enumerate(secretaries):
            mentees = scheme.mentees(secretary, mentor_households, FAMILIES_PER_SECRETARY)
            pairings += scheme.families_of(index, secretary, mentees)
        # Surveys that fell due before yesterday went out back then (history, not e-mails to send now).
        yesterday = today - datetime.timedelta(days=1)
        for survey in FollowUpSurvey.objects.filter(sent_at__isnull=True, due_on__lt=yesterday):
            FollowUpSurvey.objects.filter(pk=survey.pk).update(sent_at=_at(survey.due_on, 8))
        return MentorshipDemo(
            municipality_id=municipality_id,
            municipality=str(Municipality.objects.get(code=municipality_id)),
            mentor_families=len(profiles),
            offers=scheme.offers,
            pairings=pairings,
            check_ins=CheckIn.objects.count(),
        )
