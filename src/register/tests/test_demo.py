"""The demo-data generator (demo.register) and its command ``demo_data``.

Small builds (150 assignees) keep these fast; the full 3,000 run is timed by hand. The plan
is dated back from the day it is given (``TODAY`` here); the command uses the clock, which
the command tests set.
"""

from __future__ import annotations

import datetime
import itertools
from collections import Counter
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from demo.register import (
    BORROWED_POSTAL_CODES,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    FICTIONAL_PHONE_NUMBERS,
    REGION_SLUG,
    DemoSummary,
    demo_build,
    demo_plan,
    demo_postal_codes,
)
from geo.models import Municipality
from register.domain import AssignmentStatus, AssignmentType, EndReason, is_allowed_transition
from register.models import Assignment, AssignmentStatusChange, Household, Person
from register.national_id import national_id_is_test_number, national_id_normalise
from tenancy.models import Region
from tenancy.scope import scopes_disabled

pytestmark = pytest.mark.django_db

SEED = 20261125
COUNT = 150
TODAY = datetime.date(2027, 3, 17)
OSTERGOTLAND = {
    "0509", "0512", "0513", "0560", "0561", "0562", "0563", "0580", "0581", "0582", "0583", "0584", "0586",
}  # fmt: skip


@pytest.fixture
def every_municipality() -> Iterator[None]:
    # Test inspection: the demo spans every municipality of the region, outside any request (STYLE rule 3).
    with scopes_disabled():
        yield


@pytest.fixture
def built(every_municipality: None) -> DemoSummary:
    return demo_build(seed=SEED, assignees=COUNT, today=TODAY)


def _plan_snapshot(seed: int) -> list[tuple[object, ...]]:
    plan = demo_plan(seed=seed, assignees=COUNT, postal_codes=demo_postal_codes(), today=TODAY)
    return [
        (
            holder.municipality,
            holder.household.name if holder.household else "",
            tuple((p.first_name, p.last_name, p.national_id) for p in holder.persons),
            tuple((a.type, a.status, a.status_changed_at) for a in holder.assignments),
        )
        for holder in plan.holders
    ]


def test_the_same_seed_and_count_give_the_same_plan():
    first = demo_plan(seed=SEED, assignees=COUNT, postal_codes=demo_postal_codes(), today=TODAY)
    second = demo_plan(seed=SEED, assignees=COUNT, postal_codes=demo_postal_codes(), today=TODAY)
    four_weeks = datetime.timedelta(weeks=4)
    later = demo_plan(seed=SEED, assignees=COUNT, postal_codes=demo_postal_codes(), today=TODAY + four_weeks)

    assert first == second
    assert _plan_snapshot(SEED) == _plan_snapshot(SEED)
    assert _plan_snapshot(SEED) != _plan_snapshot(SEED + 1)
    # Four weeks later (the same weekdays) every date moves by four weeks, and nothing else.
    for early, late in zip(first.holders, later.holders, strict=True):
        assert early.persons == late.persons
        for a, b in zip(early.assignments, late.assignments, strict=True):
            assert [step.at + four_weeks for step in a.steps] == [step.at for step in b.steps]
            assert (a.type, a.status, a.responsible_secretary) == (b.type, b.status, b.responsible_secretary)


def test_the_plan_spreads_the_assignees_over_the_municipalities_by_population():
    plan = demo_plan(seed=SEED, assignees=3000, postal_codes=demo_postal_codes(), today=TODAY)
    per_municipality = Counter(holder.municipality for holder in plan.holders)

    assert len(plan.holders) == 3000
    assert set(per_municipality) == OSTERGOTLAND
    largest = {code for code, _ in per_municipality.most_common(2)}
    assert largest == {"0580", "0581"}  # Linköping, Norrköping
    for small in ("0512", "0513", "0560", "0509"):  # Ydre, Kinda, Boxholm, Ödeshög
        assert per_municipality[small] < per_municipality["0583"] / 3  # Motala


def test_the_written_rows_are_the_planned_ones(built):
    plan = demo_plan(seed=SEED, assignees=COUNT, postal_codes=demo_postal_codes(), today=TODAY)
    planned_people = sorted(
        (holder.municipality, p.first_name, p.last_name, p.national_id)
        for holder in plan.holders
        for p in holder.persons
    )
    written_people = sorted(
        Person.objects.values_list("municipality", "first_name", "last_name", "national_id")
    )
    planned_statuses = Counter((a.type, a.status) for holder in plan.holders for a in holder.assignments)

    assert written_people == planned_people
    assert Counter(Assignment.objects.values_list("type", "status")) == planned_statuses
    assert built.created
    assert built.assignments == sum(planned_statuses.values())


def test_the_region_holds_all_13_municipalities_of_the_county(built):
    region = Region.objects.get(slug=REGION_SLUG)

    assert region.name == "Östergötlands samverkan"
    assert set(region.municipalities.values_list("code", flat=True)) == OSTERGOTLAND
    assert set(Municipality.objects.filter(county="05").values_list("code", flat=True)) == OSTERGOTLAND


def test_staff_of_every_role_exist_in_at_least_three_municipalities(built):
    staff = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    municipalities_by_role = {
        role: set(staff.filter(role=role).values_list("municipality", flat=True)) for role in Role.values
    }

    for role in (Role.SECRETARY, Role.UNIT_MANAGER, Role.ADMINISTRATOR):
        assert len(municipalities_by_role[role]) >= 3, role
    assert municipalities_by_role[Role.SECRETARY] == OSTERGOTLAND
    coordinator = staff.get(role=Role.COUNTY_COORDINATOR)
    assert (coordinator.username, coordinator.municipality_id) == ("ostergotland.samordnare", "0580")
    assert staff.filter(municipality="0580", role=Role.SECRETARY).count() in (3, 4)
    for user in staff:
        assert user.username.isascii()
        assert user.email == f"{user.username}@{DEMO_EMAIL_DOMAIN}"
        assert user.first_name
        assert user.last_name
    assert staff.get(username="linkoping.sekreterare1").check_password(DEMO_PASSWORD)
    assert [login.username for login in built.logins][:2] == [
        "linkoping.sekreterare1",
        "linkoping.sekreterare2",
    ]


def test_every_status_history_is_a_walk_of_the_transitions_ending_where_the_assignment_is(built):
    secretaries = dict(User.objects.filter(role=Role.SECRETARY).values_list("pk", "municipality"))
    earliest = datetime.datetime.combine(
        TODAY - datetime.timedelta(days=6 * 365), datetime.time(), datetime.UTC
    )
    # Nothing is dated later than yesterday: the demo is loaded during the day.
    latest = datetime.datetime.combine(TODAY, datetime.time(), datetime.UTC)
    assignments = Assignment.objects.prefetch_related("status_changes")

    assert assignments.count() >= COUNT
    for assignment in assignments:
        changes = list(assignment.status_changes.all())
        assert (changes[0].from_status, changes[0].to_status) == ("", AssignmentStatus.INTEREST)
        assert earliest <= changes[0].changed_at
        assert changes[-1].changed_at < latest
        for before, after in itertools.pairwise(changes):
            assert after.from_status == before.to_status
            assert is_allowed_transition(after.from_status, after.to_status)
            assert after.changed_at > before.changed_at
        for change in changes:
            assert change.municipality_id == assignment.municipality_id
            assert secretaries[change.changed_by_id] == assignment.municipality_id
            assert bool(change.reason) == (change.to_status == AssignmentStatus.ENDED)
            assert bool(change.note) == (change.reason == EndReason.OTHER)
        last = changes[-1]
        assert assignment.status == last.to_status
        assert assignment.status_changed_at == last.changed_at
        assert assignment.end_reason == last.reason
        if assignment.responsible_secretary_id is not None:
            assert secretaries[assignment.responsible_secretary_id] == assignment.municipality_id


def test_rows_are_dated_by_their_history_not_by_the_day_the_demo_was_built(built):
    for assignment in Assignment.objects.prefetch_related("status_changes"):
        changes = list(assignment.status_changes.all())
        assert assignment.created_at == changes[0].changed_at
        assert assignment.updated_at == changes[-1].changed_at
    for household in Household.objects.prefetch_related("assignments", "members"):
        assert household.created_at == min(a.created_at for a in household.assignments.all())
        assert {member.created_at for member in household.members.all()} == {household.created_at}
    for person in Person.objects.filter(household__isnull=True).prefetch_related("assignments"):
        assert person.created_at == min(a.created_at for a in person.assignments.all())


def test_the_demo_has_early_approved_active_and_ended_assignments(built):
    statuses = Counter(Assignment.objects.values_list("status", flat=True))

    assert (
        statuses[AssignmentStatus.ACTIVE] + statuses[AssignmentStatus.APPROVED] > sum(statuses.values()) / 2
    )
    assert statuses[AssignmentStatus.INTEREST] > 0
    assert statuses[AssignmentStatus.ENDED] > 0
    assert Assignment.objects.filter(responsible_secretary__isnull=True).exists()


def test_every_mentor_family_is_also_an_active_foster_home(built):
    mentor_households = Household.objects.filter(assignments__type=AssignmentType.MENTOR_FAMILY)

    assert mentor_households.exists()
    for household in mentor_households:
        assert household.assignments.filter(
            type=AssignmentType.FOSTER_HOME, status=AssignmentStatus.ACTIVE
        ).exists()


def test_national_ids_are_rare_valid_test_numbers(built):
    numbers = [n for n in Person.objects.values_list("national_id", flat=True) if n]

    assert 0 < len(numbers) < Person.objects.count() * 0.2
    for number in numbers:
        assert national_id_normalise(number, today=TODAY) == number
        assert national_id_is_test_number(number)


def test_addresses_are_on_postal_codes_of_the_owning_municipality(built):
    households = list(Household.objects.select_related("postal_code"))
    alone = list(Person.objects.filter(household__isnull=True).select_related("postal_code"))

    assert households
    assert alone
    for holder in [*households, *alone]:
        assert holder.street_address
        if holder.municipality_id in BORROWED_POSTAL_CODES:  # Kinda, Ydre: no codes of their own
            assert holder.postal_code_id in BORROWED_POSTAL_CODES[holder.municipality_id]
        else:
            assert holder.postal_code.municipality_id == holder.municipality_id
    members = Person.objects.filter(household__isnull=False)
    assert not members.exclude(street_address="").exists()
    assert not members.filter(postal_code__isnull=False).exists()


def test_phone_numbers_and_email_addresses_are_fictional(built):
    phones = [
        *Person.objects.values_list("phone", flat=True),
        *Household.objects.values_list("phone", flat=True),
    ]
    emails = [
        *Person.objects.values_list("email", flat=True),
        *Household.objects.values_list("email", flat=True),
    ]

    assert any(phones)
    assert any(emails)
    assert {phone for phone in phones if phone} <= set(FICTIONAL_PHONE_NUMBERS)
    assert FICTIONAL_PHONE_NUMBERS[0] == "070-174 06 05"
    assert FICTIONAL_PHONE_NUMBERS[-1] == "070-174 06 99"
    for email in filter(None, emails):
        assert email.isascii()
        assert email.endswith(("@example.com", "@example.org"))


def _row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Region, Household, Person, Assignment, AssignmentStatusChange)
    }


@time_machine.travel(datetime.datetime(2027, 3, 17, 8, 30, tzinfo=datetime.UTC), tick=False)
def test_running_the_command_twice_creates_nothing_the_second_time(every_municipality):
    first, second = StringIO(), StringIO()

    call_command("demo_data", assignees=COUNT, stdout=first)
    after_first = _row_counts()
    call_command("demo_data", assignees=COUNT, seed=SEED + 1, stdout=second)

    assert _row_counts() == after_first
    assert after_first["Household"] > 0
    assert "already exists: nothing created" in second.getvalue()
    for output in (first.getvalue(), second.getvalue()):
        assert DEMO_PASSWORD in output
        assert "ostergotland.samordnare" in output
        assert "norrkoping.sekreterare2" in output
        for login in ("orebro.sekreterare1", "orebro.chef", "orebro.admin", "umea.sekreterare1", "umea.chef"):
            assert login in output


def test_the_command_refuses_to_run_in_production(every_municipality, settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        call_command("demo_data", assignees=COUNT, stdout=StringIO())

    assert not Region.objects.filter(slug=REGION_SLUG).exists()
    assert not User.objects.exists()
