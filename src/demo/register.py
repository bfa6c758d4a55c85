"""Deterministic demo data: the Östergötland cooperation, its staff and its assignees.

Used by ``manage.py demo_data``. Three plain functions:

* :func:`demo_plan` is pure: from a seed, a number of assignees and the postal codes of
  each municipality it returns frozen dataclasses describing every row. Faker sv_SE
  (``seed_instance(seed)``) supplies names and street names, ``random.Random(seed)``
  everything else, and every date is counted back from ``today``, the day the demo is
  loaded (the plan takes it as an argument: the same seed, count and day give the same
  plan, field for field). The latest change is dated yesterday, never later today.
* :func:`demo_write` turns a plan into rows: ``bulk_create`` in one transaction, not one
  service call per row (3,000 assignees in a few seconds on SQLite).
* :func:`demo_build` writes the plan unless the region already exists; either way it
  returns a :class:`DemoSummary` (logins and counts) for the command to print.

What a plan holds
-----------------
* The region ``ostergotland`` ("Östergötlands samverkan") with the 13 municipalities of
  county 05.
* Staff: in Linköping, Norrköping and Motala 3-4 secretaries, a unit manager and an
  administrator, plus the county coordinator (``ostergotland.samordnare``, employed by
  Linköping); one secretary in each of the other ten. Every account has the password
  :data:`DEMO_PASSWORD`, which the command prints: a local demo, which is why the command
  refuses to run in production.
* ``assignees`` holders (an assignee is a household or a person standing alone, so the
  number of assignments is a little higher: some households hold two, and every mentor
  family is also an active foster home), spread over the municipalities by population.
* Each assignment's status history walks :data:`register.domain.TRANSITIONS` from
  ``interest`` (first row ``from_status=""``), with gaps of weeks to months, on weekdays
  in office hours, starting within six years before ``today``; the assignment's
  status, status_changed_at and end_reason are those of its last row.

Personnummer
------------
About 90 % of persons have none. The rest get numbers from
:func:`register.national_id.national_id_make_test_number`, with the birth numbers 980-999
the issue asked for, unique within each municipality. The docstring of
:func:`register.national_id.national_id_is_test_number` records what our research found
about that range: Skatteverket does not formally reserve it (its test numbers are an
enumerated list, and people registered after immigrating before 1990 were given birth
numbers starting with 9), so a real person may hold such a number. Demo data therefore
keeps these numbers rare and marks nothing else: no column says "demo".

Other fictional details
-----------------------
* Phone numbers only from 070-174 06 05 … 070-174 06 99, the range PTS keeps for fiction
  and tests ("fiktiva nummer"); e-mail addresses at the reserved example.com and example.org (RFC 2606); staff
  e-mail at ``demo.bollplank.invalid`` (``.invalid`` can never resolve, RFC 2606).
* Addresses are Faker street names with house numbers on real postal codes of the owning
  municipality (``geo.PostalCode``). GeoNames files no postal code under Kinda (0513) or
  Ydre (0512): their main places' codes, filed elsewhere, are used instead (Kisa
  590 36-590 40 for Kinda, Österbymo 570 60 for Ydre), see :data:`BORROWED_POSTAL_CODES`.
* About 0.5 % of persons have a protected identity.

Not written
-----------
Demo rows are seeded without change history (``audit.ChangeLogEntry``): nobody changed
them. Their status history (``AssignmentStatusChange``) is written, because the pipeline
and its statistics read it; ``created_at``/``updated_at`` are set to the first and last
status change so that lists do not show everything as registered today.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from geo.models import Municipality, PostalCode
from register.domain import HOUSEHOLD_TYPES, AssignmentStatus, AssignmentType, EndReason
from register.models import Assignment, AssignmentStatusChange, Household, Person
from register.national_id import TEST_SERIAL_MAX, TEST_SERIAL_MIN, national_id_make_test_number
from tenancy.models import Region
from tenancy.scope import scopes_disabled

__all__ = [
    "BORROWED_POSTAL_CODES",
    "DEMO_EMAIL_DOMAIN",
    "DEMO_PASSWORD",
    "FICTIONAL_PHONE_NUMBERS",
    "MUNICIPALITIES",
    "REGION_SLUG",
    "DemoDataError",
    "DemoPlan",
    "DemoSummary",
    "HolderBuilder",
    "HolderPlan",
    "StaffPlan",
    "demo_build",
    "demo_logins",
    "demo_plan",
    "demo_postal_codes",
    "demo_summary",
    "demo_write",
    "holders_write",
    "staff_write",
]

# A published password for a local demo; the command refuses to run in production.
DEMO_PASSWORD = "bollplank-demo"  # noqa: S105 - printed on purpose, see above
DEMO_EMAIL_DOMAIN = "demo.bollplank.invalid"
REGION_SLUG = "ostergotland"
REGION_NAME = "Östergötlands samverkan"
COUNTY_CODE = "05"
# Histories start within six years of it, with room for moving each of up to a dozen
# steps back from a weekend to a weekday (at most six days each).
HISTORY_DAYS = 6 * 365 - 80
TIME_ZONE = ZoneInfo("Europe/Stockholm")

# PTS's "fiktiva nummer" for film, books and tests: 070-174 06 05 to 070-174 06 99.
FICTIONAL_PHONE_NUMBERS = tuple(f"070-174 06 {n:02d}" for n in range(5, 100))
EMAIL_DOMAINS = ("example.com", "example.org")

# Code -> (ASCII slug for usernames, approximate population): the weights that spread
# the assignees. Linköping alone has about a third (the seed article: ~1,200 volunteers).
MUNICIPALITIES: Mapping[str, tuple[str, int]] = {
    "0509": ("odeshog", 5_300),
    "0512": ("ydre", 3_700),
    "0513": ("kinda", 9_900),
    "0560": ("boxholm", 5_500),
    "0561": ("atvidaberg", 11_700),
    "0562": ("finspang", 22_000),
    "0563": ("valdemarsvik", 7_600),
    "0580": ("linkoping", 167_000),
    "0581": ("norrkoping", 145_000),
    "0582": ("soderkoping", 14_600),
    "0583": ("motala", 44_000),
    "0584": ("vadstena", 7_400),
    "0586": ("mjolby", 28_000),
}
# Municipalities with every role, and how many secretaries each has.
FULL_STAFF = {"0580": 4, "0581": 4, "0583": 3}
COORDINATOR_MUNICIPALITY = "0580"
# GeoNames has no postal codes filed under these two: use their main places' codes.
BORROWED_POSTAL_CODES: Mapping[str, tuple[str, ...]] = {
    "0513": ("59036", "59037", "59038", "59039", "59040"),  # Kisa (GeoNames: Linköping)
    "0512": ("57060",),  # Österbymo (GeoNames: Boxholm)
}

S = AssignmentStatus
T = AssignmentType
# Plain strings, so that plans compare and print as the values stored in the database.
INTEREST = S.INTEREST.value
INFORMATION = S.INFORMATION.value
ASSESSMENT = S.ASSESSMENT.value
TRAINING = S.TRAINING.value
APPROVED = S.APPROVED.value
ACTIVE = S.ACTIVE.value
PAUSED = S.PAUSED.value
ENDED = S.ENDED.value
PIPELINE = (INTEREST, INFORMATION, ASSESSMENT, TRAINING, APPROVED, ACTIVE)

# What each holder primarily is (weights): many contact persons and families and foster
# homes, fewer emergency homes and guardians, a few mentor families and user-mentors.
HOLDER_TYPE_WEIGHTS = {
    T.CONTACT_PERSON.value: 29,
    T.FOSTER_HOME.value: 24,
    T.CONTACT_FAMILY.value: 20,
    T.GUARDIAN.value: 16,
    T.EMERGENCY_HOME.value: 6,
    T.MENTOR_FAMILY.value: 1.8,
    T.USER_MENTOR.value: 1.6,
}
SECOND_ASSIGNMENT_SHARE = 0.12  # households (not mentor families) holding two assignments
# Where an assignment stands today.
FINAL_WEIGHTS = {
    INTEREST: 5,
    INFORMATION: 4,
    ASSESSMENT: 5,
    TRAINING: 3,
    APPROVED: 10,
    ACTIVE: 53,
    PAUSED: 4,
    ENDED: 16,
}
MENTOR_FINAL_WEIGHTS = {TRAINING: 1, APPROVED: 3, ACTIVE: 14, PAUSED: 1}
# For ended assignments: the status they ended from.
ENDED_FROM_WEIGHTS = {
    INTEREST: 12,
    INFORMATION: 10,
    ASSESSMENT: 12,
    TRAINING: 5,
    APPROVED: 6,
    ACTIVE: 45,
    PAUSED: 10,
}
_ENDED_IN_SERVICE = {
    EndReason.PLACEMENT_ENDED.value: 40,
    EndReason.ASSIGNEE_DECISION.value: 25,
    EndReason.MOVED.value: 15,
    EndReason.MUNICIPALITY_DECISION.value: 10,
    EndReason.OTHER.value: 10,
}
END_REASON_WEIGHTS: Mapping[str, Mapping[str, int]] = {
    INTEREST: {EndReason.APPLICANT_WITHDREW.value: 85, EndReason.OTHER.value: 15},
    INFORMATION: {EndReason.APPLICANT_WITHDREW.value: 85, EndReason.OTHER.value: 15},
    ASSESSMENT: {
        EndReason.NOT_APPROVED.value: 55,
        EndReason.APPLICANT_WITHDREW.value: 40,
        EndReason.OTHER.value: 5,
    },
    TRAINING: {
        EndReason.APPLICANT_WITHDREW.value: 80,
        EndReason.NOT_APPROVED.value: 15,
        EndReason.OTHER.value: 5,
    },
    APPROVED: {
        EndReason.ASSIGNEE_DECISION.value: 50,
        EndReason.MOVED.value: 25,
        EndReason.MUNICIPALITY_DECISION.value: 15,
        EndReason.OTHER.value: 10,
    },
    ACTIVE: _ENDED_IN_SERVICE,
    PAUSED: _ENDED_IN_SERVICE,
}
OTHER_REASON_NOTES = (
    "Ingen kontakt trots flera försök.",
    "Familjen flyttar utomlands under ett år.",
    "Ändrade livsomständigheter, vill höra av sig igen längre fram.",
    "Långvarig sjukdom i familjen.",
    "Nytt arbete med oregelbundna tider.",
    "Vill hellre vara kontaktperson än familjehem.",
)
# Days spent in a status before the next step (min, max); light assignments (no home
# study) pass the pipeline statuses in half the time.
STAGE_DAYS = {
    INTEREST: (7, 42),
    INFORMATION: (14, 70),
    ASSESSMENT: (42, 150),
    TRAINING: (28, 90),
    APPROVED: (7, 180),
    ACTIVE: (120, 1000),
    PAUSED: (30, 180),
}
LIGHT_TYPES = frozenset(
    t.value for t in (T.CONTACT_PERSON, T.CONTACT_FAMILY, T.GUARDIAN, T.USER_MENTOR, T.MENTOR_FAMILY)
)
# Days since the last change for assignments still in these statuses ("recent interest").
# Some stand still longer than they should: the start pages list them as status changes due.
WAITING_DAYS = {
    INTEREST: (0, 30),
    INFORMATION: (0, 50),
    ASSESSMENT: (0, 130),
    TRAINING: (0, 170),
    APPROVED: (0, 240),
    PAUSED: (7, 200),
}
# Share of approved, active and paused assignments of a type that are valid until a date
# ("gäller till"), drawn from ten days ago to eight months ahead: time-limited support
# (contact persons and families) and emergency-home contracts.
VALID_UNTIL_SHARE = {
    T.CONTACT_PERSON.value: 0.35,
    T.CONTACT_FAMILY.value: 0.35,
    T.EMERGENCY_HOME.value: 0.4,
}
VALID_UNTIL_DAYS = (-10, 240)
# Chance that an assignment in this status has a responsible secretary.
SECRETARY_SHARE = {
    INTEREST: 0.3,
    INFORMATION: 0.5,
    ASSESSMENT: 0.85,
    TRAINING: 0.85,
    APPROVED: 0.9,
    ACTIVE: 0.93,
    PAUSED: 0.9,
    ENDED: 0.6,
}
EXTERNAL_SHARE = 0.2  # of foster homes that reached approval (~15 % of all foster homes)
AGE_RANGES: Mapping[str, tuple[tuple[int, int], ...]] = {
    T.FOSTER_HOME.value: ((0, 6), (0, 12), (0, 17), (3, 12), (6, 17), (10, 17), (13, 17)),
    T.EMERGENCY_HOME.value: ((0, 6), (0, 12), (0, 17), (7, 17), (13, 17)),
    T.CONTACT_FAMILY.value: ((0, 6), (3, 12), (5, 15), (7, 17)),
    T.CONTACT_PERSON.value: ((7, 12), (10, 17), (13, 20), (18, 65), (18, 99)),
    T.GUARDIAN.value: ((18, 99), (18, 99), (18, 99), (18, 65), (12, 17)),
}
CAPACITY_WEIGHTS: Mapping[str, Mapping[int, int]] = {
    T.FOSTER_HOME.value: {1: 55, 2: 35, 3: 10},
    T.EMERGENCY_HOME.value: {1: 60, 2: 40},
    T.CONTACT_FAMILY.value: {1: 75, 2: 25},
    T.MENTOR_FAMILY.value: {1: 30, 2: 40, 3: 30},
    T.CONTACT_PERSON.value: {1: 80, 2: 20},
    T.GUARDIAN.value: {1: 40, 2: 30, 3: 20, 4: 10},
}
OTHER_LANGUAGE_SHARE = 0.18
OTHER_LANGUAGE_WEIGHTS = {
    "arabiska": 30,
    "engelska": 25,
    "persiska": 12,
    "somaliska": 10,
    "finska": 10,
    "bosniska": 8,
    "polska": 8,
    "tigrinja": 5,
}
TWO_ADULT_SHARE = 0.7
NATIONAL_ID_SHARE = 0.1
COORDINATION_NUMBER_SHARE = 0.05  # of the persons who have a number
PROTECTED_IDENTITY_SHARE = 0.005
PHONE_SHARE = 0.9
EMAIL_SHARE = 0.75


class DemoDataError(Exception):
    """The database is not in a state the demo can be written into."""


# --- the plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffPlan:
    username: str
    role: str
    municipality: str
    first_name: str
    last_name: str

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_EMAIL_DOMAIN}"


@dataclass(frozen=True)
class StepPlan:
    """One row of an assignment's status history."""

    from_status: str
    to_status: str
    at: datetime.datetime
    changed_by: str  # username
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class AssignmentPlan:
    type: str
    steps: tuple[StepPlan, ...]
    responsible_secretary: str | None  # username
    is_externally_contracted: bool
    capacity: int | None
    age_min: int | None
    age_max: int | None
    languages: tuple[str, ...]
    starts_on: datetime.date | None
    ends_on: datetime.date | None

    @property
    def status(self) -> str:
        return self.steps[-1].to_status

    @property
    def status_changed_at(self) -> datetime.datetime:
        return self.steps[-1].at

    @property
    def end_reason(self) -> str:
        return self.steps[-1].reason


@dataclass(frozen=True)
class PersonPlan:
    first_name: str
    last_name: str
    national_id: str
    phone: str
    email: str
    has_protected_identity: bool
    street_address: str = ""  # own address only for a person standing alone
    postal_code: str = ""


@dataclass(frozen=True)
class HouseholdPlan:
    name: str
    street_address: str
    postal_code: str
    phone: str
    email: str


@dataclass(frozen=True)
class HolderPlan:
    """An assignee: a household with its adults, or one person standing alone."""

    municipality: str
    household: HouseholdPlan | None
    persons: tuple[PersonPlan, ...]
    assignments: tuple[AssignmentPlan, ...]


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    assignees: int
    anchor: datetime.date
    municipalities: tuple[str, ...]
    staff: tuple[StaffPlan, ...]
    holders: tuple[HolderPlan, ...]


def demo_postal_codes() -> dict[str, tuple[str, ...]]:
    """Postal codes usable for each municipality of the region (its own, or borrowed)."""
    codes: dict[str, list[str]] = {code: [] for code in MUNICIPALITIES}
    for code, municipality in (
        PostalCode.objects.filter(municipality__in=list(MUNICIPALITIES))
        .order_by("code")
        .values_list("code", "municipality")
    ):
        codes[municipality].append(code)
    for municipality, borrowed in BORROWED_POSTAL_CODES.items():
        if not codes[municipality]:
            codes[municipality] = list(borrowed)
    return {municipality: tuple(found) for municipality, found in codes.items()}


def demo_plan(
    *, seed: int, assignees: int, postal_codes: Mapping[str, Sequence[str]], today: datetime.date
) -> DemoPlan:
    """Every demo row as frozen dataclasses, dated back from ``today``; the same arguments
    always give an equal plan."""
    if assignees < 0:
        raise ValueError("assignees must be zero or more")
    missing = [code for code in MUNICIPALITIES if not postal_codes.get(code)]
    if missing:
        raise DemoDataError(f"no postal codes for municipalities {', '.join(missing)}")
    fake = Faker("sv_SE")
    fake.seed_instance(seed)
    # Seeded and reproducible on purpose: demo data, never a secret.
    rng = random.Random(seed)  # noqa: S311 - see the comment above
    staff = _plan_staff(fake)
    secretaries: dict[str, list[str]] = {code: [] for code in MUNICIPALITIES}
    for member in staff:
        if member.role == Role.SECRETARY:
            secretaries[member.municipality].append(member.username)
    builder = HolderBuilder(
        fake=fake, rng=rng, postal_codes=postal_codes, secretaries=secretaries, today=today
    )
    holders = [
        builder.holder(municipality)
        for municipality, count in _allocate(assignees).items()
        for _ in range(count)
    ]
    return DemoPlan(
        seed=seed,
        assignees=assignees,
        anchor=today,
        municipalities=tuple(MUNICIPALITIES),
        staff=tuple(staff),
        holders=tuple(holders),
    )


def _allocate(total: int) -> dict[str, int]:
    """Split ``total`` over the municipalities by population (largest remainder)."""
    population = sum(weight for _, weight in MUNICIPALITIES.values())
    shares = {code: total * weight / population for code, (_, weight) in MUNICIPALITIES.items()}
    counts = {code: int(share) for code, share in shares.items()}
    by_remainder = sorted(shares, key=lambda code: (counts[code] - shares[code], code))
    for code in by_remainder[: total - sum(counts.values())]:
        counts[code] += 1
    return counts


def _staff_roster() -> list[tuple[str, str, str]]:
    """(username, role, municipality) of every demo account, in the order the command lists them."""
    roster: list[tuple[str, str, str]] = []
    for code, secretaries in FULL_STAFF.items():
        slug = MUNICIPALITIES[code][0]
        roster += [(f"{slug}.sekreterare{n}", Role.SECRETARY.value, code) for n in range(1, secretaries + 1)]
        roster.append((f"{slug}.chef", Role.UNIT_MANAGER.value, code))
        roster.append((f"{slug}.admin", Role.ADMINISTRATOR.value, code))
        if code == COORDINATOR_MUNICIPALITY:
            roster.append((f"{REGION_SLUG}.samordnare", Role.COUNTY_COORDINATOR.value, code))
    for code, (slug, _) in MUNICIPALITIES.items():
        if code not in FULL_STAFF:
            roster.append((f"{slug}.sekreterare1", Role.SECRETARY.value, code))
    return roster


def _plan_staff(fake: Faker) -> list[StaffPlan]:
    return [
        StaffPlan(username, role, municipality, fake.first_name(), fake.last_name())
        for username, role, municipality in _staff_roster()
    ]


K = TypeVar("K")


def _weighted(rng: random.Random, weights: Mapping[K, float]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if char.isascii() and (char.isalnum() or char in ".-"))


def _office_time(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 16), rng.randrange(0, 60, 5)), tzinfo=TIME_ZONE
    )


def _weekday_on_or_before(rng: random.Random, day: datetime.date) -> datetime.date:
    """``day``, or for a Saturday or Sunday any weekday of that week (all five equally often)."""
    if day.weekday() < 5:
        return day
    return day - datetime.timedelta(days=day.weekday() - rng.randint(0, 4))


class HolderBuilder:
    """Draws holders one by one from the seeded generators (order matters: keep it stable)."""

    def __init__(
        self,
        *,
        fake: Faker,
        rng: random.Random,
        postal_codes: Mapping[str, Sequence[str]],
        secretaries: Mapping[str, Sequence[str]],
        today: datetime.date,
        type_weights: Mapping[str, float] = HOLDER_TYPE_WEIGHTS,
        external_share: float = EXTERNAL_SHARE,
    ) -> None:
        self.fake = fake
        self.rng = rng
        self.postal_codes = postal_codes
        self.secretaries = secretaries
        # The latest day a change can have happened: yesterday, so nothing is dated later today.
        self.last_day = today - datetime.timedelta(days=1)
        self.type_weights = type_weights
        self.external_share = external_share
        self.national_ids: dict[str, set[str]] = {}

    # holders

    def holder(self, municipality: str) -> HolderPlan:
        primary = _weighted(self.rng, self.type_weights)
        if primary in HOUSEHOLD_TYPES:
            return self._household(municipality, primary)
        person = self._person(municipality, female=self.rng.random() < 0.6, own_address=True)
        return HolderPlan(municipality, None, (person,), (self._assignment(municipality, primary),))

    def household_with(
        self,
        municipality: str,
        type: str,
        *,
        final: str,
        secretary: str,
        waiting: int | None = None,
        valid_for_days: int | None = None,
    ) -> HolderPlan:
        """A household whose one assignment (or, for a mentor family, whose two) stands where
        the demo needs it: ``final`` for ``waiting`` days, with ``secretary`` responsible, and
        valid until ``valid_for_days`` from the last day when given."""
        holder = self._household(municipality, type, final=final, secretary=secretary, waiting=waiting)
        if valid_for_days is None:
            return holder
        first, *rest = holder.assignments
        ends_on = max(
            first.starts_on or self.last_day, self.last_day + datetime.timedelta(days=valid_for_days)
        )
        return dataclasses.replace(holder, assignments=(dataclasses.replace(first, ends_on=ends_on), *rest))

    def _household(
        self,
        municipality: str,
        primary: str,
        *,
        final: str | None = None,
        secretary: str = "",
        waiting: int | None = None,
    ) -> HolderPlan:
        rng = self.rng
        female = rng.random() < 0.5
        first = self._person(municipality, female=female)
        persons = [first]
        if rng.random() < TWO_ADULT_SHARE:
            same_name = rng.random() < 0.6
            persons.append(
                self._person(
                    municipality,
                    female=(not female) if rng.random() < 0.85 else female,
                    last_name=first.last_name if same_name else None,
                )
            )
        names = dict.fromkeys(person.last_name for person in persons)
        household = HouseholdPlan(
            name="Familjen " + " och ".join(names),
            street_address=self._street_address(),
            postal_code=rng.choice(self.postal_codes[municipality]),
            phone=first.phone,
            email=first.email if rng.random() < 0.5 else "",
        )
        if primary == T.MENTOR_FAMILY:
            assignments = self._mentor_family(municipality, secretary=secretary)
        elif final is not None:
            assignments = [
                self._assignment(municipality, primary, final=final, secretary=secretary, waiting=waiting)
            ]
        else:
            assignments = [self._assignment(municipality, primary)]
            if rng.random() < SECOND_ASSIGNMENT_SHARE:
                others = [t for t in (T.FOSTER_HOME, T.EMERGENCY_HOME, T.CONTACT_FAMILY) if t != primary]
                assignments.append(self._assignment(municipality, rng.choice(others).value))
        return HolderPlan(municipality, household, tuple(persons), tuple(assignments))

    def _mentor_family(self, municipality: str, *, secretary: str = "") -> list[AssignmentPlan]:
        """An experienced foster home (active for three years or more) that became a mentor family later."""
        foster_home = self._assignment(
            municipality, T.FOSTER_HOME.value, final=ACTIVE, min_waiting=3 * 365, secretary=secretary
        )
        first_active = next(step.at.date() for step in foster_home.steps if step.to_status == ACTIVE)
        # They apply to mentor after at least two years as an active foster home.
        window = (self.last_day - first_active).days - 2 * 365
        mentor = self._assignment(
            municipality,
            T.MENTOR_FAMILY.value,
            window=window,
            final=ACTIVE if secretary else None,
            secretary=secretary,
        )
        return [foster_home, mentor]

    # persons

    def _person(
        self, municipality: str, *, female: bool, last_name: str | None = None, own_address: bool = False
    ) -> PersonPlan:
        fake, rng = self.fake, self.rng
        first_name = fake.first_name_female() if female else fake.first_name_male()
        last_name = last_name or fake.last_name()
        email = ""
        if rng.random() < EMAIL_SHARE:
            suffix = str(rng.randint(1, 99)) if rng.random() < 0.3 else ""
            email = f"{_ascii(first_name)}.{_ascii(last_name)}{suffix}@{rng.choice(EMAIL_DOMAINS)}"
        return PersonPlan(
            first_name=first_name,
            last_name=last_name,
            national_id=self._national_id(municipality) if rng.random() < NATIONAL_ID_SHARE else "",
            phone=rng.choice(FICTIONAL_PHONE_NUMBERS) if rng.random() < PHONE_SHARE else "",
            email=email,
            has_protected_identity=rng.random() < PROTECTED_IDENTITY_SHARE,
            street_address=self._street_address() if own_address else "",
            postal_code=rng.choice(self.postal_codes[municipality]) if own_address else "",
        )

    def _national_id(self, municipality: str) -> str:
        """A number with birth number 980-999 (see the module docstring), unique in the municipality."""
        rng, taken = self.rng, self.national_ids.setdefault(municipality, set())
        first_day = datetime.date(1950, 1, 1).toordinal()
        last_day = datetime.date(2000, 12, 31).toordinal()
        while True:
            number = national_id_make_test_number(
                born=datetime.date.fromordinal(rng.randint(first_day, last_day)),
                serial=rng.randint(TEST_SERIAL_MIN, TEST_SERIAL_MAX),
                coordination=rng.random() < COORDINATION_NUMBER_SHARE,
            )
            if number not in taken:
                taken.add(number)
                return number

    def _street_address(self) -> str:
        rng = self.rng
        number = str(rng.randint(1, 60) if rng.random() < 0.8 else rng.randint(61, 140))
        if rng.random() < 0.1:
            number += rng.choice("ABC")
        return f"{self.fake.street_name()} {number}"

    # assignments

    def _assignment(
        self,
        municipality: str,
        type: str,
        *,
        final: str | None = None,
        min_waiting: int = 0,
        window: int = HISTORY_DAYS,
        secretary: str = "",
        waiting: int | None = None,
    ) -> AssignmentPlan:
        rng = self.rng
        weights = MENTOR_FINAL_WEIGHTS if type == T.MENTOR_FAMILY else FINAL_WEIGHTS
        final = final or _weighted(rng, weights)
        responsible: str | None = secretary or None
        if not secretary and rng.random() < SECRETARY_SHARE[final]:
            responsible = rng.choice(self.secretaries[municipality])
        steps = self._history(
            municipality,
            type,
            path=self._path(final),
            responsible=responsible,
            min_waiting=min_waiting,
            window=window,
            waiting=waiting,
        )
        reached_approval = any(step.to_status == APPROVED for step in steps)
        starts_on = next((step.at.date() for step in steps if step.to_status == APPROVED), None)
        ends_on = steps[-1].at.date() if reached_approval and steps[-1].to_status == ENDED else None
        if steps[-1].to_status in (APPROVED, ACTIVE, PAUSED) and rng.random() < VALID_UNTIL_SHARE.get(
            type, 0
        ):
            valid_until = self.last_day + datetime.timedelta(days=rng.randint(*VALID_UNTIL_DAYS))
            ends_on = max(valid_until, starts_on or valid_until)
        capacity = None
        if reached_approval and type in CAPACITY_WEIGHTS:
            capacity = _weighted(rng, CAPACITY_WEIGHTS[type])
        age_min = age_max = None
        if type in AGE_RANGES and (reached_approval or rng.random() < 0.5):
            age_min, age_max = rng.choice(AGE_RANGES[type])
        languages: tuple[str, ...] = ("svenska",)
        if rng.random() < OTHER_LANGUAGE_SHARE:
            languages += (_weighted(rng, OTHER_LANGUAGE_WEIGHTS),)
        return AssignmentPlan(
            type=type,
            steps=steps,
            responsible_secretary=responsible,
            is_externally_contracted=(
                type == T.FOSTER_HOME and reached_approval and rng.random() < self.external_share
            ),
            capacity=capacity,
            age_min=age_min,
            age_max=age_max,
            languages=languages,
            starts_on=starts_on,
            ends_on=ends_on,
        )

    def _path(self, final: str) -> list[str]:
        """The statuses passed through, ending in ``final``."""
        if final == ENDED:
            return [*self._path(_weighted(self.rng, ENDED_FROM_WEIGHTS)), ENDED]
        if final not in (ACTIVE, PAUSED):
            return list(PIPELINE[: PIPELINE.index(final) + 1])
        path = list(PIPELINE)
        pauses = _weighted(self.rng, {0: 80, 1: 16, 2: 4})
        path += [PAUSED, ACTIVE] * pauses
        if final == PAUSED:
            path.append(PAUSED)
        return path

    def _history(
        self,
        municipality: str,
        type: str,
        *,
        path: list[str],
        responsible: str | None,
        min_waiting: int,
        window: int,
        waiting: int | None = None,
    ) -> tuple[StepPlan, ...]:
        rng = self.rng
        gaps = []
        for status in path[:-1]:
            low, high = STAGE_DAYS[status]
            if type in LIGHT_TYPES and status not in (ACTIVE, PAUSED):
                low, high = max(1, low // 2), high // 2
            gaps.append(rng.randint(low, high))
        total = sum(gaps)
        final = path[-1]
        if waiting is not None:
            pass  # the caller fixes how long it has stood where it is
        elif final in WAITING_DAYS:
            waiting = rng.randint(*WAITING_DAYS[final])
        else:  # active or ended: anywhere in the rest of the window
            waiting = rng.randint(min_waiting, max(min_waiting, window - total))
        waiting = min(waiting, max(0, window - len(gaps)))
        budget = window - waiting
        if total > budget:  # squeeze a long history into the window, at least a day a step
            gaps = [max(1, gap * budget // total) for gap in gaps]

        # Dates backwards from the last change, each on a weekday before the next one.
        days = [_weekday_on_or_before(rng, self.last_day - datetime.timedelta(days=waiting))]
        for gap in reversed(gaps):
            days.append(_weekday_on_or_before(rng, days[-1] - datetime.timedelta(days=gap)))
        days.reverse()

        secretaries = self.secretaries[municipality]
        steps = []
        previous = ""
        for status, day in zip(path, days, strict=True):
            by = responsible if responsible and rng.random() < 0.85 else rng.choice(secretaries)
            reason = note = ""
            if status == ENDED:
                reason = _weighted(rng, END_REASON_WEIGHTS[previous])
                if reason == EndReason.OTHER:
                    note = rng.choice(OTHER_REASON_NOTES)
            steps.append(StepPlan(previous, status, _office_time(rng, day), by, reason, note))
            previous = status
        return tuple(steps)


# --- writing --------------------------------------------------------------------------


def demo_write(plan: DemoPlan) -> None:
    """Write a plan's rows in one transaction (bulk inserts; the region must not exist yet)."""
    # Demo set-up is a command: it writes every municipality's rows, outside any request scope (STYLE rule 3).
    with transaction.atomic(), scopes_disabled():
        municipalities = Municipality.objects.filter(code__in=plan.municipalities, county=COUNTY_CODE)
        missing = set(plan.municipalities) - set(municipalities.values_list("code", flat=True))
        if missing:
            raise DemoDataError(
                f"municipalities {', '.join(sorted(missing))} of county {COUNTY_CODE} are missing: "
                "run the migrations first"
            )
        taken = User.objects.filter(username__in=[member.username for member in plan.staff])
        if taken.exists():
            raise DemoDataError(
                "demo accounts exist without the demo region: "
                + ", ".join(taken.order_by("username").values_list("username", flat=True))
            )
        region = Region.objects.create(slug=REGION_SLUG, name=REGION_NAME)
        # Through rows in plan order: .set() inserts in set order, which varies run to run.
        membership = Region.municipalities.through
        membership.objects.bulk_create(
            membership(region=region, municipality_id=code) for code in plan.municipalities
        )

        users = staff_write(plan.staff)
        holders_write(plan.holders, users)


def staff_write(staff: Sequence[StaffPlan]) -> dict[str, User]:
    """The staff accounts, each with the demo password; returns them by username."""
    users = {
        member.username: User.objects.create_user(
            username=member.username,
            email=member.email,
            password=None,
            first_name=member.first_name,
            last_name=member.last_name,
            role=member.role,
            municipality_id=member.municipality,
        )
        for member in staff
    }
    # One Argon2 hash for every demo account: hashing each costs ~0.3 s, and the
    # password is printed anyway. Each account still checks its password normally.
    User.objects.filter(pk__in=[user.pk for user in users.values()]).update(
        password=make_password(DEMO_PASSWORD)
    )
    return users


def holders_write(holders: Sequence[HolderPlan], users: Mapping[str, User]) -> None:
    """Households, persons, assignments and their status histories, in bulk (the caller
    holds the transaction and has left the scope)."""
    used_codes = {holder.household.postal_code for holder in holders if holder.household}
    used_codes |= {person.postal_code for holder in holders for person in holder.persons}
    postal_codes = PostalCode.objects.in_bulk(used_codes - {""})

    households = {
        index: Household(
            municipality_id=holder.municipality,
            name=holder.household.name,
            street_address=holder.household.street_address,
            postal_code=postal_codes[holder.household.postal_code],
            phone=holder.household.phone,
            email=holder.household.email,
        )
        for index, holder in enumerate(holders)
        if holder.household is not None
    }
    Household.objects.bulk_create(households.values())

    persons: list[tuple[int, Person]] = []
    for index, holder in enumerate(holders):
        for person in holder.persons:
            persons.append(
                (
                    index,
                    Person(
                        municipality_id=holder.municipality,
                        household=households.get(index),
                        first_name=person.first_name,
                        last_name=person.last_name,
                        national_id=person.national_id,
                        phone=person.phone,
                        email=person.email,
                        has_protected_identity=person.has_protected_identity,
                        street_address=person.street_address,
                        postal_code=postal_codes.get(person.postal_code),
                    ),
                )
            )
    Person.objects.bulk_create([person for _, person in persons])
    solo_persons = {index: person for index, person in persons if index not in households}

    assignments: list[tuple[AssignmentPlan, Assignment]] = []
    for index, holder in enumerate(holders):
        for planned in holder.assignments:
            assignments.append(
                (
                    planned,
                    Assignment(
                        municipality_id=holder.municipality,
                        household=households.get(index),
                        person=solo_persons.get(index),
                        type=planned.type,
                        status=planned.status,
                        status_changed_at=planned.status_changed_at,
                        end_reason=planned.end_reason,
                        responsible_secretary=users.get(planned.responsible_secretary or ""),
                        is_externally_contracted=planned.is_externally_contracted,
                        capacity=planned.capacity,
                        age_min=planned.age_min,
                        age_max=planned.age_max,
                        languages=list(planned.languages),
                        starts_on=planned.starts_on,
                        ends_on=planned.ends_on,
                    ),
                )
            )
    Assignment.objects.bulk_create([assignment for _, assignment in assignments])
    AssignmentStatusChange.objects.bulk_create(
        AssignmentStatusChange(
            municipality_id=assignment.municipality_id,
            assignment=assignment,
            from_status=step.from_status,
            to_status=step.to_status,
            reason=step.reason,
            note=step.note,
            changed_by=users[step.changed_by],
            changed_at=step.at,
        )
        for planned, assignment in assignments
        for step in planned.steps
    )
    _backdate(
        assignment_ids=[assignment.pk for _, assignment in assignments],
        household_ids=[household.pk for household in households.values()],
        person_ids=[person.pk for _, person in persons],
    )


def _backdate(*, assignment_ids: list[int], household_ids: list[int], person_ids: list[int]) -> None:
    """created_at/updated_at from the status history rather than "now".

    auto_now fields ignore the values given to bulk_create, and bulk_update (CASE per row)
    took longer than all the inserts, so a few UPDATEs with subqueries, in chunks that
    stay below SQLite's limit on query parameters. An assignment was created at its first
    status change and last updated at its latest; a household or a person standing alone
    was registered with its first assignment, a household's members with the household.
    """
    first_change = (
        AssignmentStatusChange.objects.filter(assignment=OuterRef("pk"))
        .order_by("changed_at")
        .values("changed_at")
    )
    for chunk in _chunks(assignment_ids):
        Assignment.objects.filter(pk__in=chunk).update(
            created_at=Subquery(first_change[:1]), updated_at=F("status_changed_at")
        )
    household_first = (
        Assignment.objects.filter(household=OuterRef("pk")).order_by("created_at").values("created_at")
    )
    for chunk in _chunks(household_ids):
        Household.objects.filter(pk__in=chunk).update(
            created_at=Subquery(household_first[:1]), updated_at=Subquery(household_first[:1])
        )
    household_registered = Household.objects.filter(pk=OuterRef("household")).values("created_at")
    person_first = (
        Assignment.objects.filter(person=OuterRef("pk")).order_by("created_at").values("created_at")
    )
    for chunk in _chunks(person_ids):
        Person.objects.filter(pk__in=chunk, household__isnull=False).update(
            created_at=Subquery(household_registered[:1]), updated_at=Subquery(household_registered[:1])
        )
        Person.objects.filter(pk__in=chunk, household__isnull=True).update(
            created_at=Subquery(person_first[:1]), updated_at=Subquery(person_first[:1])
        )


def _chunks(ids: list[int], size: int = 900) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- build and summary ----------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    municipality: str


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    region_name: str
    password: str
    logins: tuple[DemoLogin, ...]
    counts: Mapping[tuple[str, str], int]  # (type, status) -> assignments in the region
    households: int
    persons: int
    assignments: int
    status_changes: int


def demo_build(*, seed: int, assignees: int, today: datetime.date | None = None) -> DemoSummary:
    """Create the demo region with its staff and assignees, dated back from ``today`` (the
    day it is loaded), unless it exists; then summarise."""
    today = today or timezone.localdate()
    # Demo set-up is a command: it writes every municipality's rows, outside any request scope (STYLE rule 3).
    with transaction.atomic(), scopes_disabled():
        created = not Region.objects.filter(slug=REGION_SLUG).exists()
        if created:
            demo_write(
                demo_plan(seed=seed, assignees=assignees, postal_codes=demo_postal_codes(), today=today)
            )
        return demo_summary(created=created)


# Where a login comes in the printed list: by municipality as listed, then by role.
_ROLE_ORDER = ("sekreterare", "chef", "admin", "samordnare")


def _login_key(username: str, roster: Mapping[str, int]) -> tuple[int, str, int, int]:
    slug, _, account = username.partition(".")
    kind = account.rstrip("0123456789")
    number = int(account[len(kind) :] or 0)
    rank = _ROLE_ORDER.index(kind) if kind in _ROLE_ORDER else len(_ROLE_ORDER)
    return (roster.get(username, len(roster)), slug, rank, number)


def demo_logins() -> tuple[DemoLogin, ...]:
    """Every demo account (all demo municipalities), Östergötland's first, then by municipality and role."""
    roster = {username: index for index, (username, _, _) in enumerate(_staff_roster())}
    # Demo set-up is a command: it lists the demo accounts of every municipality (STYLE rule 3).
    with scopes_disabled():
        users = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").select_related("municipality")
        logins = [
            DemoLogin(
                user.username,
                str(Role(user.role).label) if user.role else "",
                user.municipality.short_name if user.municipality else "",
            )
            for user in users
        ]
    return tuple(sorted(logins, key=lambda login: _login_key(login.username, roster)))


def demo_summary(*, created: bool) -> DemoSummary:
    """The demo logins, and what the region's municipalities hold."""
    # Demo set-up is a command: it counts every municipality's rows, outside any request scope (STYLE rule 3).
    with scopes_disabled():
        region = Region.objects.get(slug=REGION_SLUG)
        codes = list(region.municipalities.values_list("code", flat=True))
        in_region = Assignment.objects.filter(municipality__in=codes)
        counts = Counter(
            {
                (row["type"], row["status"]): row["n"]
                for row in in_region.order_by().values("type", "status").annotate(n=Count("id"))
            }
        )
        return DemoSummary(
            created=created,
            region_name=region.name,
            password=DEMO_PASSWORD,
            logins=demo_logins(),
            counts=counts,
            households=Household.objects.filter(municipality__in=codes).count(),
            persons=Person.objects.filter(municipality__in=codes).count(),
            assignments=sum(counts.values()),
            status_changes=AssignmentStatusChange.objects.filter(municipality__in=codes).count(),
        )
