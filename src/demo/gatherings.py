"""Demo data for group programmes and network meetings, beside the register demos.

``manage.py demo_programmes_and_meetings`` (run by ``scripts/demo`` after ``demo_data``)
writes, once, every date counted from the day it is loaded:

* **Helsingborg** (1283): a unit manager who runs the programme, fourteen newly hired
  secretaries, three user-mentors (persons with a user-mentor assignment, name and
  phone only) and the programme "Brukarmentorer för nya socialsekreterare" with its
  questionnaire, and three cohorts (named by the month they start, weekly sessions
  skipping Swedish holidays): one that ran all 8 sessions about seven months ago, with
  attendance and before/after answers; one whose last session was last week (before
  answered, the after questionnaire still to send, the last session's attendance still
  to record); and one that starts in a week or two (the before questionnaire to send).
* **Karlstad** (1780): two secretaries and a unit manager, 40 foster and emergency homes
  (four of them also mentor families, with the mentor-family scheme of ``demo.mentorship``),
  the monthly "Samtalsträff för familjehem och jourhem" (first Tuesday, 18:00) from ten
  months ago to five months ahead, a constellation (a hub family with seven satellite
  families) on the second Thursday, and a weekly open house on Wednesdays. Meetings held
  have their invitations, answers and attendance, except the open house of the past week,
  whose attendance is still to record; meetings inside their invitation window have their
  invitations and the answers given so far.
* **Östergötland** (when ``demo_data`` has made it): the county coordinator's regional
  network for mentor families, monthly from tomorrow (its invitations go out through the
  daily job).

Series, cohorts, sessions, members, questions, answers and attendance are made
through the services, so the demo exercises the same rules as the pages. The
history of e-mails (invitations and questionnaire links sent before today) is
written as already sent: replaying it through the job queue would print hundreds
of old e-mails. Names come from Faker with a fixed seed, phone numbers from PTS's
fictional range and e-mail addresses from example.com.
"""

from __future__ import annotations

import datetime
import random
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from demo.mentorship import mentorship_build
from demo.register import COORDINATOR_MUNICIPALITY, DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, FICTIONAL_PHONE_NUMBERS
from demo.register import REGION_SLUG as OSTERGOTLAND
from geo.models import PostalCode
from meetings import services as meeting_services
from meetings.attendance import attendance_record
from meetings.audience import audience_persons
from meetings.models import Event, Invitation, InvitationStatus, Series
from meetings.services import SeriesValues
from mentorship import services as mentorship_services
from mentorship.models import MentorOffer, OfferAnswer
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
from programmes.sessions import session_dates
from register import services as register_services
from register.models import Household, Person
from tenancy.models import Region
from tenancy.scope import municipality_scope, scopes_disabled

HELSINGBORG = "1283"
KARLSTAD = "1780"
PROGRAMME_NAME = "Brukarmentorer för nya socialsekreterare"
SERIES_TITLE = "Samtalsträff för familjehem och jourhem"
OPEN_HOUSE_TITLE = "Öppet hus för familjehem"
REGIONAL_TITLE = "Mentorfamiljernas nätverk i Östergötland"
APPROVE = ("information", "assessment", "training", "approved", "active")
MENTOR_FAMILIES = 4  # Karlstad's first homes, the constellation's hub family among them
NEWCOMERS = 14
MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip

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
    regional: bool
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


def _thursday_on_or_after(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(3 - day.weekday()) % 7)


def _thursday_on_or_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 3) % 7)


def _ended_last_week(today: datetime.date, sessions: int) -> datetime.date:
    """The Thursday a cohort must start on for its last session (holidays skipped) to fall
    seven to thirteen days before ``today``."""
    first = _thursday_on_or_before(today - datetime.timedelta(days=7 * sessions))
    while session_dates(first=first, count=sessions)[-1] > today - datetime.timedelta(days=7):
        first -= datetime.timedelta(weeks=1)
    return first


def cohort_name(first_session: datetime.date) -> str:
    """A cohort is named by the month it starts: "Aprilgruppen 2026"."""
    return f"{MONTHS[first_session.month - 1].capitalize()}gruppen {first_session.year}"


def _month_start(day: datetime.date, months: int) -> datetime.date:
    return day.replace(day=1) + relativedelta(months=months)


def _approve(by: User, assignment: Any) -> Any:
    for step in APPROVE:
        assignment = register_services.assignment_transition(
            by=by, assignment=assignment, to_status=step, version=assignment.version
        )
    return assignment


# --- Helsingborg: the programme -----------------------------------------------------------


def _helsingborg(fake: Faker, rng: random.Random, today: datetime.date, now: datetime.datetime) -> Programme:
    coordinator = _user("helsingborg.chef", Role.UNIT_MANAGER, HELSINGBORG, fake)
    newcomers = [
        _user(f"helsingborg.sekreterare{n}", Role.SECRETARY, HELSINGBORG, fake)
        for n in range(1, NEWCOMERS + 1)
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
            starts_on=today - datetime.timedelta(days=400),
            ends_on=today + datetime.timedelta(days=400),
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
        cohorts = (
            # Ran about seven months ago: attendance, and the questionnaires before and after.
            (_thursday_on_or_after(today - datetime.timedelta(weeks=30)), newcomers[:5], mentors[:2], True),
            # Its last session was last week: the after questionnaire is still to send.
            (_ended_last_week(today, programme.sessions_per_cohort), newcomers[5:10], mentors[1:], True),
            # Starts in a week or two: the before questionnaire is still to send.
            (_thursday_on_or_after(today + datetime.timedelta(days=8)), newcomers[10:], mentors[::2], False),
        )
        held_sessions: list[Session] = []
        for first_day, group, group_mentors, answered_before in cohorts:
            cohort = services.cohort_create(
                by=coordinator, programme=programme, name=cohort_name(first_day), starts_on=first_day
            )
            for user in group:
                services.cohort_member_add(
                    by=coordinator, cohort=cohort, role=MemberRole.PARTICIPANT, user=user
                )
            for person in group_mentors:
                services.cohort_member_add(
                    by=coordinator, cohort=cohort, role=MemberRole.MENTOR, person=person
                )
            held_sessions += [s for s in Session.objects.filter(cohort=cohort) if s.starts_at <= now]
            if answered_before:
                _answers(cohort, Phase.BEFORE, questions, free_text, rng, now)
                sessions = list(
                    Session.objects.filter(cohort=cohort, is_cancelled=False).order_by("starts_at")
                )
                if sessions[-1].ends_at < now - datetime.timedelta(days=60):
                    _answers(cohort, Phase.AFTER, questions, free_text, rng, now)
        # Attendance for every session held, except the latest if it was within the last two
        # weeks: recording it is on the coordinator's start page.
        held_sessions.sort(key=lambda session: session.starts_at)
        latest = held_sessions[-1] if held_sessions else None
        for session in held_sessions:
            if session is latest and session.ends_at > now - datetime.timedelta(days=14):
                continue
            members = list(session.cohort.members.all())
            present = {member.pk: rng.random() < 0.86 for member in members}
            services.session_attendance_record(by=coordinator, session=session, present=present)
    return programme


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


# --- Karlstad: network meetings and mentor families ------------------------------------------


def _karlstad(fake: Faker, rng: random.Random, today: datetime.date, now: datetime.datetime) -> list[Series]:
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
            if n < MENTOR_FAMILIES:  # experienced homes that also mentor new ones
                _approve(
                    by,
                    register_services.assignment_create(
                        by=by, type="mentor_family", household=household, responsible_secretary=by
                    ),
                )
            homes.append(household)
        # Approval offered each home a mentor family (the hook); the mentor families themselves and
        # the settled families of the second half said no long ago, the others' offers are the
        # mentor-family scheme's (demo.mentorship).
        for household in [*homes[:MENTOR_FAMILIES], *homes[24:]]:
            offer = MentorOffer.objects.get(household=household)
            by = offer.offered_by
            offer = mentorship_services.mentor_offer_answer(
                by=by, offer=offer, answer=OfferAnswer.DECLINED, version=offer.version
            )
            MentorOffer.objects.filter(pk=offer.pk).update(
                offered_at=now - datetime.timedelta(days=420), answered_at=now - datetime.timedelta(days=410)
            )
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
                starts_on=_month_start(today, -10),
                ends_on=_month_start(today, 6) - datetime.timedelta(days=1),
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
                starts_on=_month_start(today, -8),
                ends_on=_month_start(today, 7) - datetime.timedelta(days=1),
                start_time=datetime.time(17, 30),
                duration_minutes=90,
                responsible=secretaries[1],
                hub_household=homes[0],
                satellite_households=tuple(homes[1:8]),
            ),
        )
        open_house = meeting_services.series_create(
            by=secretaries[0],
            values=SeriesValues(
                title=OPEN_HOUSE_TITLE,
                description="Kom förbi på fika och prata med oss och andra familjehem. Ingen anmälan behövs.",
                place="Familjehemsenheten, Drottninggatan, Karlstad",
                capacity=20,
                frequency="weekly",
                weekday=2,
                starts_on=today - datetime.timedelta(weeks=6),
                ends_on=today + datetime.timedelta(weeks=16),
                start_time=datetime.time(17, 0),
                duration_minutes=90,
                responsible=secretaries[0],
                audience_types=("foster_home", "emergency_home"),
                audience_municipality_ids=(KARLSTAD,),
                invite_days_before=7,
                remind_days_before=1,
            ),
        )
        # Families that stopped coming: the retention warning on the attendance page finds them.
        dropped = set(Person.objects.filter(household__in=homes[30:34]).values_list("pk", flat=True))
        _meeting_history(talks, rng, now, dropped, cancel_number=4)
        _meeting_history(constellation, rng, now, dropped)
        _meeting_history(open_house, rng, now, dropped, leave_latest_unrecorded=True)
    return [talks, constellation, open_house]


def _meeting_history(
    series: Series,
    rng: random.Random,
    now: datetime.datetime,
    dropped: set[int],
    cancel_number: int = 0,
    leave_latest_unrecorded: bool = False,
) -> None:
    """Invitations (already sent) for every meeting inside its invitation window, the answers
    given by now, and attendance for the meetings held (the latest one of the past week left
    to record when asked)."""
    by = series.responsible
    events = list(Event.objects.filter(series=series).order_by("starts_at"))
    held = [event for event in events if event.ends_at <= now]
    unrecorded = (
        held[-1]
        if leave_latest_unrecorded and held and held[-1].ends_at > now - datetime.timedelta(days=7)
        else None
    )
    for event in events:
        sent_at = event.starts_at - datetime.timedelta(days=series.invite_days_before)
        if sent_at > now:
            continue  # not invited yet: the daily job sends these
        if event.number == cancel_number and event.ends_at <= now:
            # Cancelled back then, before anyone was invited (history, written as it was).
            Event.objects.filter(pk=event.pk).update(
                is_cancelled=True, cancel_reason="Sjukdom – vi ses nästa månad", sequence=1
            )
            continue
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
                answered_at = sent_at + datetime.timedelta(days=rng.randint(1, 12), hours=rng.randint(1, 10))
                if invitation.person_id in dropped and event.starts_at >= now - datetime.timedelta(days=200):
                    status = InvitationStatus.DECLINED if roll < 0.5 else InvitationStatus.PENDING
                elif roll < (0.35 if late_summer else 0.55):
                    status = InvitationStatus.ACCEPTED
                elif roll < 0.8:
                    status = InvitationStatus.DECLINED
                else:
                    status = InvitationStatus.PENDING
                if answered_at > now:
                    status = InvitationStatus.PENDING  # has not answered yet
                if status == InvitationStatus.ACCEPTED and series.capacity and accepted >= series.capacity:
                    status = InvitationStatus.WAITLISTED
                accepted += status == InvitationStatus.ACCEPTED
                invitation.status = status
                invitation.send_queued_at = invitation.sent_at = sent_at
                invitation.send_attempts = 1
                invitation.answered_at = None if status == InvitationStatus.PENDING else answered_at
                invitation.waitlisted_at = (
                    invitation.answered_at if status == InvitationStatus.WAITLISTED else None
                )
            Invitation.objects.bulk_create(invitations)
            Event.objects.filter(pk=event.pk).update(
                invitations_queued_at=sent_at,
                accepted_count=accepted,
                waitlisted_count=sum(i.status == InvitationStatus.WAITLISTED for i in invitations),
            )
            if event.ends_at > now or event == unrecorded:
                continue
            event.refresh_from_db()
            came = {
                invitation.person_id: rng.random() < 0.88
                for invitation in invitations
                if invitation.status == InvitationStatus.ACCEPTED
            }
            attendance_record(by=by, event=event, persons=came)


# --- Östergötland: the county coordinator's regional network ----------------------------------


def _regional_network(today: datetime.date) -> bool:
    """The coordinator's monthly network for the region's mentor families, from tomorrow,
    once the Östergötland demo exists; False when there is nothing to do."""
    # Demo set-up is a command: it reads the region and its coordinator outside any scope (STYLE rule 3).
    with scopes_disabled():
        region = Region.objects.filter(slug=OSTERGOTLAND).first()
        coordinator = User.objects.filter(username=f"{OSTERGOTLAND}.samordnare").first()
        if region is None or coordinator is None:
            return False
        if Series.objects.filter(municipality_id=COORDINATOR_MUNICIPALITY, title=REGIONAL_TITLE).exists():
            return False
        codes = tuple(region.municipalities.order_by("code").values_list("code", flat=True))
    with transaction.atomic(), municipality_scope(COORDINATOR_MUNICIPALITY):
        meeting_services.series_create(
            by=coordinator,
            values=SeriesValues(
                title=REGIONAL_TITLE,
                description=(
                    "Mentorfamiljer i länets alla kommuner träffas och delar erfarenheter. "
                    "Länets samordnare leder träffarna."
                ),
                place="Regionens hus, Linköping",
                capacity=40,
                frequency="monthly",
                weekday=3,
                week_of_month=-1,
                starts_on=today + datetime.timedelta(days=1),
                ends_on=today + datetime.timedelta(days=365),
                start_time=datetime.time(18, 0),
                duration_minutes=120,
                responsible=coordinator,
                audience_types=("mentor_family",),
                audience_municipality_ids=codes,
            ),
        )
    return True


# --- the command's entry point ---------------------------------------------------------------


def demo_gatherings_build(*, seed: int = 20261126, today: datetime.date | None = None) -> GatheringsSummary:
    """Write the Helsingborg programme, the Karlstad meetings and mentor families, and the
    coordinator's regional network unless they exist; then summarise."""
    today = today or timezone.localdate()
    # Demo set-up is a command: it checks and counts two municipalities' rows at once (STYLE rule 3).
    with scopes_disabled():
        exists = Programme.objects.filter(municipality_id=HELSINGBORG, name=PROGRAMME_NAME).exists()
    if not exists:
        fake = Faker("sv_SE")
        fake.seed_instance(seed)
        rng = random.Random(seed)  # noqa: S311 - demo data must repeat, not be secret
        now = timezone.now()
        with transaction.atomic():
            _helsingborg(fake, rng, today, now)
            _karlstad(fake, rng, today, now)
            User.objects.filter(
                municipality_id__in=[HELSINGBORG, KARLSTAD], email__endswith=DEMO_EMAIL_DOMAIN
            ).update(password=make_password(DEMO_PASSWORD))
    mentorship_build(municipality_id=KARLSTAD, seed=seed + 1, today=today)
    regional = _regional_network(today)
    # Demo set-up is a command: it counts two municipalities' rows at once (STYLE rule 3).
    with scopes_disabled():
        from meetings.models import Attendance

        return GatheringsSummary(
            created=not exists,
            regional=regional,
            programme=PROGRAMME_NAME,
            cohorts=Cohort.objects.filter(municipality_id=HELSINGBORG).count(),
            sessions=Session.objects.filter(municipality_id=HELSINGBORG).count(),
            series=Series.objects.filter(municipality_id=KARLSTAD).count(),
            meetings=Event.objects.filter(municipality_id=KARLSTAD, series__isnull=False).count(),
            invitations=Invitation.objects.filter(municipality_id=KARLSTAD).count(),
            attendances=Attendance.objects.filter(municipality_id__in=[HELSINGBORG, KARLSTAD]).count(),
        )
