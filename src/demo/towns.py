"""Two demo municipalities outside the Östergötland cooperation, each with its own logins.

* **Örebro** (1880), the mentor-family scheme (the seed article on Örebro): three
  secretaries, a unit manager and an administrator, foster homes and a good number of
  experienced mentor families; ``demo.mentorship`` then adds the scheme's offers,
  pairings, introductions, check-ins and surveys.
* **Umeå** (2480), the support strategy: four secretaries who each carry foster and
  emergency homes (mostly municipal, few externally contracted), a unit manager and an
  administrator. Caseload and support contacts come with the support app.

The registers are planned with the Östergötland demo's ``HolderBuilder`` (same rules:
histories that walk the pipeline, personnummer only in the 980–999 range, fictional phone
numbers, example.com addresses) and dated back from the day they are loaded. Besides the
drawn holders, every secretary gets the same few that the start page needs whatever the
day: a new interest submission, an assessment that has gone on for long and an emergency
home whose contract ends within the month (Örebro's secretaries also two experienced
mentor families each).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from demo.register import HolderBuilder, HolderPlan, StaffPlan, holders_write, staff_write
from geo.models import PostalCode
from register.domain import AssignmentStatus, AssignmentType
from tenancy.scope import scopes_disabled

T = AssignmentType


@dataclass(frozen=True)
class Town:
    """A demo municipality with its own staff and register."""

    code: str
    slug: str
    name: str
    secretaries: int
    holders: int
    type_weights: Mapping[str, float]
    external_share: float
    mentor_families_per_secretary: int


OREBRO = Town(
    code="1880",
    slug="orebro",
    name="Örebro",
    secretaries=3,
    holders=54,
    type_weights={
        T.FOSTER_HOME.value: 40,
        T.EMERGENCY_HOME.value: 8,
        T.CONTACT_FAMILY.value: 12,
        T.CONTACT_PERSON.value: 14,
        T.GUARDIAN.value: 6,
        T.MENTOR_FAMILY.value: 10,
        T.USER_MENTOR.value: 1,
    },
    external_share=0.15,
    mentor_families_per_secretary=2,
)
UMEA = Town(
    code="2480",
    slug="umea",
    name="Umeå",
    secretaries=4,
    holders=72,
    type_weights={
        T.FOSTER_HOME.value: 46,
        T.EMERGENCY_HOME.value: 12,
        T.CONTACT_FAMILY.value: 14,
        T.CONTACT_PERSON.value: 16,
        T.GUARDIAN.value: 6,
        T.MENTOR_FAMILY.value: 2,
        T.USER_MENTOR.value: 1,
    },
    # Umeå's strategy: more municipal foster homes instead of externally contracted ones.
    external_share=0.08,
    mentor_families_per_secretary=0,
)
TOWNS = (OREBRO, UMEA)


@dataclass(frozen=True)
class TownPlan:
    town: Town
    staff: tuple[StaffPlan, ...]
    holders: tuple[HolderPlan, ...]


def town_roster(town: Town) -> list[tuple[str, str]]:
    """(username, role) of the town's demo accounts."""
    roster = [(f"{town.slug}.sekreterare{n}", Role.SECRETARY.value) for n in range(1, town.secretaries + 1)]
    return [
        *roster,
        (f"{town.slug}.chef", Role.UNIT_MANAGER.value),
        (f"{town.slug}.admin", Role.ADMINISTRATOR.value),
    ]


def town_plan(*, town: Town, seed: int, today: datetime.date, postal_codes: Sequence[str]) -> TownPlan:
    """The town's staff and register, dated back from ``today``; the same arguments give an equal plan."""
    fake = Faker("sv_SE")
    fake.seed_instance(seed)
    # Seeded and reproducible on purpose: demo data, never a secret.
    rng = random.Random(seed)  # noqa: S311 - see the comment above
    staff = tuple(
        StaffPlan(username, role, town.code, fake.first_name(), fake.last_name())
        for username, role in town_roster(town)
    )
    secretaries = [member.username for member in staff if member.role == Role.SECRETARY]
    builder = HolderBuilder(
        fake=fake,
        rng=rng,
        postal_codes={town.code: postal_codes},
        secretaries={town.code: secretaries},
        today=today,
        type_weights=town.type_weights,
        external_share=town.external_share,
    )
    holders = [builder.holder(town.code) for _ in range(town.holders)]
    for index, secretary in enumerate(secretaries):
        holders += [
            builder.household_with(
                town.code,
                T.FOSTER_HOME.value,
                final=AssignmentStatus.INTEREST,
                secretary=secretary,
                waiting=2 + index,
            ),
            builder.household_with(
                town.code,
                T.FOSTER_HOME.value,
                final=AssignmentStatus.ASSESSMENT,
                secretary=secretary,
                waiting=104 + 4 * index,
            ),
            builder.household_with(
                town.code,
                T.EMERGENCY_HOME.value,
                final=AssignmentStatus.ACTIVE,
                secretary=secretary,
                valid_for_days=9 + 5 * index,
            ),
        ]
        holders += [
            builder.household_with(
                town.code, T.MENTOR_FAMILY.value, final=AssignmentStatus.ACTIVE, secretary=secretary
            )
            for _ in range(town.mentor_families_per_secretary)
        ]
    return TownPlan(town=town, staff=staff, holders=tuple(holders))


def towns_build(*, seed: int, today: datetime.date | None = None) -> list[Town]:
    """Write each town whose accounts do not exist yet; returns the towns written."""
    today = today or timezone.localdate()
    written = []
    # Demo set-up is a command: it writes two municipalities' rows, outside any request scope (STYLE rule 3).
    with transaction.atomic(), scopes_disabled():
        for offset, town in enumerate(TOWNS, start=1):
            if User.objects.filter(username=f"{town.slug}.chef").exists():
                continue
            codes = tuple(
                PostalCode.objects.filter(municipality_id=town.code)
                .order_by("code")
                .values_list("code", flat=True)
            )
            plan = town_plan(town=town, seed=seed + offset, today=today, postal_codes=codes)
            holders_write(plan.holders, staff_write(plan.staff))
            written.append(town)
    return written
