"""Demo data for group programmes and network meetings, beside the Östergötland register demo.

``manage.py demo_programmes_and_meetings`` (run by ``scripts/demo`` after ``demo_data``)
writes, once:

* **Helsingborg** (1283): a unit manager who runs the programme, ten newly hired
  secretaries, three user-mentors (persons with a user-mentor assignment, name and
  phone only) and the programme "Brukarmentorer för nya socialsekreterare" with its
  questionnaire. The spring cohort of 2026 has run all 8 sessions (Ascension Day is
  skipped), with attendance and before/after answers; the autumn cohort is under way
  (attendance for the sessions held, the before questionnaire answered).
* **Karlstad** (1780): two secretaries and a unit manager, 40 foster and emergency homes,
  the monthly "Samtalsträff för familjehem och jourhem" (first Tuesday, 18:00) for
  2026 with a year of invitations, answers and attendance, and a constellation (a hub
  family with seven satellite families) meeting on the second Thursday.

Series, cohorts, sessions, members, questions, answers and attendance are made
through the services, so the demo exercises the same rules as the pages. The
history of e-mails (invitations and questionnaire links sent months ago) is
written as already sent: replaying it through the job queue would print hundreds
of old e-mails. Dates are fixed (2026), names come from Faker with a fixed seed,
phone numbers from PTS's fictional range and e-mail addresses from example.com.
"""

from __future__ import annotations

import datetime
import random
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from demo.register import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, FICTIONAL_PHONE_NUMBERS
from geo.models import PostalCode
from meetings import services as meeting_services
from meetings.attendance import attendance_record
from meetings.audience import audience_persons
from meetings.models import Event, Invitation, InvitationStatus, Series
from meetings.services import SeriesValues
from programmes import services
from programmes.evaluation import services as evaluation_services
from programmes.models import (
    Cohort,
    MemberRole,
    Phase,
    Programme,
    QuestionKind,
    QuestionnaireResponse,
    Session,
)
from register import services as register_services
from register.models import Household, Person
from tenancy.scope import municipality_scope, scopes_disabled

HELSINGBORG = "1283"
KARLSTAD = "1780"
PROGRAMME_NAME = "Brukarmentorer för nya socialsekreterare"
SERIES_TITLE = "Samtalsträff för familjehem och jourhem"
APPROVE = ("information", "assessment", "training", "approved", "active")

QUESTIONS = (
    ("Jag känner mig trygg i mötet med människor som söker stöd", "Inte alls", "Helt och hållet"),
    (
        "Jag förstår hur ett möte med socialtjänsten kan upplevas av den som söker stöd",
        "Inte alls",
        "Mycket väl",
    ),
    ("Jag vågar fråga hur mötet med mig upplevs", "Inte alls", "Helt och hållet"),
    ("Jag känner till stöd som finns utanför socialtjänsten", "Inte alls", "Mycket väl"),
    ("Jag har någon att diskutera mitt förhållningssätt med", "Inte alls", "Helt och hållet"),
)
FREE_TEXT_QUESTION = "Vad tar du med dig från träffarna?"
FREE_TEXT_ANSWERS = (
    "Att lyssna färdigt innan jag föreslår något.",
    "Hur mycket orden i ett beslut betyder för den som läser det.",
    "Att det är okej att fråga hur mötet känns.",
    "Kontakter till verksamheter jag inte kände till.",
    "",
)


@dataclass(frozen=True)
class GatheringsSummary:
    created: bool
    programme: str
    cohorts: int
    sessions: int
    series: int
    meetings: int
    invitations: int
    attendances: int


def _user(username: str, role: str, municipality: str, fake: Faker) -> User:
    user = User.objects.create_user(
        username=username,
        email=f"{username}@{DEMO_EMAIL_DOMAIN}",
        password=None,
        first_name=fake.first_name(),
        last_name=fake.last_name(),
        role=role,
        municipality_id=municipality,
    )
    return user


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "").replace("'", "")


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _approve(by: User, assignment: Any) -> Any:
    for step in APPROVE:
        assignment = register_services.assignment_transition(
            by=by, assignment=assignment, to_status=step, version=assignment.version
        )
    return assignment


# --- Helsingborg: the programme -----------------------------------------------------------


def _helsingborg(fake: Faker, rng: random.Random, now: datetime.datetime) -> tuple[Programme, list[User]]:
    coordinator = _user("helsingborg.chef", Role.UNIT_MANAGER, HELSINGBORG, fake)
    newcomers = [
        _user(f"helsingborg.sekreterare{n}", Role.SECRETARY, HELSINGBORG, fake) for n in range(1, 11)
    ]
    with municipality_scope(HELSINGBORG):
        mentors = []
        for n in range(3):
            person = register_services.person_create(
                by=coordinator,
                first_name=fake.first_name_male() if n != 1 else fake.first_name_female(),
                last_name=fake.last_name(),
                phone=FICTIONAL_PHONE_NUMBERS[40 + n],
            )
            _approve(
                coordinator,
                register_services.assignment_create(by=coordinator, type="user_mentor", person=person),
            )
            mentors.append(person)
        programme = services.programme_create(
            by=coordinator,
            name=PROGRAMME_NAME,
            description=(
                "Nyanställda socialsekreterare träffar brukarmentorer – personer med egen erfarenhet "
                "av att vara klient – en gång i veckan. Samtal om bemötande och förhållningssätt."
            ),
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2027, 6, 30),
            start_time=datetime.time(13, 0),
            duration_minutes=120,
            place="Träffpunkten, Drottninggatan, Helsingborg",
        )
        questions = [
            evaluation_services.question_add(
                by=coordinator, programme=programme, text=text, low_label=low, high_label=high
            )
            for text, low, high in QUESTIONS
        ]
        free_text = evaluation_services.question_add(
            by=coordinator, programme=programme, text=FREE_TEXT_QUESTION, kind=QuestionKind.TEXT
        )
        for name, first_day, group, phases in (
            ("Vårgruppen 2026", datetime.date(2026, 4, 9), newcomers[:6], (Phase.BEFORE, Phase.AFTER)),
            ("Höstgruppen 2026", datetime.date(2026, 10, 15), newcomers[6:], (Phase.BEFORE,)),
        ):
            cohort = services.cohort_create(
                by=coordinator, programme=programme, name=name, starts_on=first_day
            )
            for user in group:
                services.cohort_member_add(
                    by=coordinator, cohort=cohort, role=MemberRole.PARTICIPANT, user=user
                )
            for person in mentors[:2] if first_day.month == 4 else mentors[1:]:
                services.cohort_member_add(
                    by=coordinator, cohort=cohort, role=MemberRole.MENTOR, person=person
                )
            _cohort_history(coordinator, cohort, rng, now)
            for phase in phases:
                _answers(cohort, phase, questions, free_text, rng, now)
    return programme, newcomers


def _cohort_history(by: User, cohort: Cohort, rng: random.Random, now: datetime.datetime) -> None:
    members = list(cohort.members.all())
    for session in Session.objects.filter(cohort=cohort).order_by("starts_at"):
        if session.starts_at > now:
            continue
        present = {member.pk: rng.random() < 0.86 for member in members}
        services.session_attendance_record(by=by, session=session, present=present)


def _answers(
    cohort: Cohort,
    phase: str,
    questions: list[Any],
    free_text: Any,
    rng: random.Random,
    now: datetime.datetime,
) -> None:
    sessions = list(Session.objects.filter(cohort=cohort).order_by("starts_at"))
    when = sessions[0].starts_at if phase == Phase.BEFORE else sessions[-1].ends_at
    if when > now:
        return
    for member in cohort.members.filter(role=MemberRole.PARTICIPANT):
        if phase == Phase.AFTER and rng.random() < 0.17:
            continue  # not everyone answers the second time
        response = QuestionnaireResponse.objects.create(
            municipality_id=cohort.municipality_id,
            cohort=cohort,
            member=member,
            phase=phase,
            send_queued_at=when - datetime.timedelta(days=3),
            sent_at=when - datetime.timedelta(days=3),
            send_attempts=1,
        )
        lift = 0 if phase == Phase.BEFORE else 1
        values = {
            question.pk: max(1, min(5, rng.choice((2, 2, 3, 3, 3, 4)) + lift * rng.choice((0, 1, 1, 2))))
            for question in questions
        }
        texts = {free_text.pk: rng.choice(FREE_TEXT_ANSWERS) if phase == Phase.AFTER else ""}
        evaluation_services.questionnaire_answer(response=response, values=values, texts=texts)


# --- Karlstad: a year of network meetings ---------------------------------------------------


def _karlstad(fake: Faker, rng: random.Random, now: datetime.datetime) -> list[Series]:
    secretaries = [_user(f"karlstad.sekreterare{n}", Role.SECRETARY, KARLSTAD, fake) for n in (1, 2)]
    _user("karlstad.chef", Role.UNIT_MANAGER, KARLSTAD, fake)
    codes = list(
        PostalCode.objects.filter(municipality_id=KARLSTAD).order_by("code").values_list("code", flat=True)
    )
    homes: list[Household] = []
    with municipality_scope(KARLSTAD):
        for n in range(40):
            by = secretaries[n % 2]
            last_name = fake.last_name()
            household = register_services.household_create(
                by=by,
                name=f"Familjen {last_name}",
                street_address=fake.street_address(),
                postal_code=PostalCode.objects.get(code=rng.choice(codes)),
                phone=FICTIONAL_PHONE_NUMBERS[n % len(FICTIONAL_PHONE_NUMBERS)],
            )
            for adult in range(1 if rng.random() < 0.3 else 2):
                first = fake.first_name()
                register_services.person_create(
                    by=by,
                    household=household,
                    first_name=first,
                    last_name=last_name,
                    email=_ascii(f"{first}.{last_name}{n}{adult}@example.com"),
                )
            kind = "emergency_home" if n % 5 == 4 else "foster_home"
            _approve(
                by,
                register_services.assignment_create(
                    by=by, type=kind, household=household, responsible_secretary=by
                ),
            )
            homes.append(household)
        talks = meeting_services.series_create(
            by=secretaries[0],
            values=SeriesValues(
                title=SERIES_TITLE,
                description=(
                    "Alla familjehem och jourhem är välkomna att träffas, dela erfarenheter och "
                    "lära känna varandra. Fika finns."
                ),
                place="Familjehemsenheten, Drottninggatan, Karlstad",
                capacity=30,
                frequency="monthly",
                weekday=1,
                week_of_month=1,
                starts_on=datetime.date(2026, 1, 1),
                ends_on=datetime.date(2026, 12, 31),
                start_time=datetime.time(18, 0),
                duration_minutes=120,
                responsible=secretaries[0],
                audience_types=("foster_home", "emergency_home"),
                audience_municipality_ids=(KARLSTAD,),
            ),
        )
        constellation = meeting_services.series_create(
            by=secretaries[1],
            values=SeriesValues(
                title="Konstellationen Älvstranden",
                description="Navfamiljen och dess sju familjer träffas en gång i månaden.",
                place="Hos navfamiljen",
                frequency="monthly",
                weekday=3,
                week_of_month=2,
                starts_on=datetime.date(2026, 3, 1),
                ends_on=datetime.date(2026, 12, 31),
                start_time=datetime.time(17, 30),
                duration_minutes=90,
                responsible=secretaries[1],
                hub_household=homes[0],
                satellite_households=tuple(homes[1:8]),
            ),
        )
        # A family that stopped coming: the retention warning on the attendance page finds it.
        dropped = set(Person.objects.filter(household__in=homes[30:34]).values_list("pk", flat=True))
        _meeting_history(talks, rng, now, dropped, cancel_number=4)
        _meeting_history(constellation, rng, now, dropped)
    return [talks, constellation]


def _meeting_history(
    series: Series, rng: random.Random, now: datetime.datetime, dropped: set[int], cancel_number: int = 0
) -> None:
    """Invitations (already sent), answers and attendance for every meeting held so far."""
    by = series.responsible
    for event in Event.objects.filter(series=series).order_by("starts_at"):
        if event.ends_at > now:
            continue
        if event.number == cancel_number:
            # Cancelled back then, before anyone was invited (history, written as it was).
            Event.objects.filter(pk=event.pk).update(
                is_cancelled=True, cancel_reason="Sjukdom – vi ses nästa månad", sequence=1
            )
            continue
        sent_at = event.starts_at - datetime.timedelta(days=series.invite_days_before)
        with transaction.atomic():
            # Written as already sent (see the module docstring): no e-mail job is queued.
            invitations = [
                Invitation(
                    municipality_id=series.municipality_id,
                    event=event,
                    person=person,
                    household_id=person.household_id,
                    nonce=secrets.token_urlsafe(16),
                )
                for person in audience_persons(series=series, municipality_id=series.municipality_id)
            ]
            accepted = 0
            for invitation in invitations:
                late_summer = event.starts_at.month in (7, 8)
                roll = rng.random()
                if invitation.person_id in dropped and event.starts_at.month >= 5:
                    status = InvitationStatus.DECLINED if roll < 0.5 else InvitationStatus.PENDING
                elif roll < (0.35 if late_summer else 0.55):
                    status = InvitationStatus.ACCEPTED
                elif roll < 0.8:
                    status = InvitationStatus.DECLINED
                else:
                    status = InvitationStatus.PENDING
                if status == InvitationStatus.ACCEPTED and series.capacity and accepted >= series.capacity:
                    status = InvitationStatus.WAITLISTED
                accepted += status == InvitationStatus.ACCEPTED
                invitation.status = status
                invitation.send_queued_at = invitation.sent_at = sent_at
                invitation.send_attempts = 1
                invitation.answered_at = (
                    None
                    if status == InvitationStatus.PENDING
                    else sent_at + datetime.timedelta(days=rng.randint(1, 12))
                )
                invitation.waitlisted_at = (
                    invitation.answered_at if status == InvitationStatus.WAITLISTED else None
                )
            Invitation.objects.bulk_create(invitations)
            Event.objects.filter(pk=event.pk).update(
                invitations_queued_at=sent_at,
                accepted_count=accepted,
                waitlisted_count=sum(i.status == InvitationStatus.WAITLISTED for i in invitations),
            )
            event.refresh_from_db()
            came = {
                invitation.person_id: rng.random() < 0.88
                for invitation in invitations
                if invitation.status == InvitationStatus.ACCEPTED
            }
            attendance_record(by=by, event=event, persons=came)


# --- the command's entry point ---------------------------------------------------------------


def demo_gatherings_build(*, seed: int = 20261126) -> GatheringsSummary:
    """Write the Helsingborg programme and the Karlstad meetings unless they exist; then summarise."""
    # Demo set-up is a command: it checks and counts two municipalities' rows at once (STYLE rule 3).
    with scopes_disabled():
        exists = Programme.objects.filter(municipality_id=HELSINGBORG, name=PROGRAMME_NAME).exists()
    if not exists:
        fake = Faker("sv_SE")
        fake.seed_instance(seed)
        rng = random.Random(seed)  # noqa: S311 - demo data must repeat, not be secret
        now = timezone.now()
        with transaction.atomic():
            _helsingborg(fake, rng, now)
            _karlstad(fake, rng, now)
            User.objects.filter(
                municipality_id__in=[HELSINGBORG, KARLSTAD], email__endswith=DEMO_EMAIL_DOMAIN
            ).update(password=make_password(DEMO_PASSWORD))
    # Demo set-up is a command: it counts two municipalities' rows at once (STYLE rule 3).
    with scopes_disabled():
        from meetings.models import Attendance

        return GatheringsSummary(
            created=not exists,
            programme=PROGRAMME_NAME,
            cohorts=Cohort.objects.filter(municipality_id=HELSINGBORG).count(),
            sessions=Session.objects.filter(municipality_id=HELSINGBORG).count(),
            series=Series.objects.filter(municipality_id=KARLSTAD).count(),
            meetings=Event.objects.filter(municipality_id=KARLSTAD, series__isnull=False).count(),
            invitations=Invitation.objects.filter(municipality_id=KARLSTAD).count(),
            attendances=Attendance.objects.filter(municipality_id__in=[HELSINGBORG, KARLSTAD]).count(),
        )
