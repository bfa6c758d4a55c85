"""Shared fixtures: two municipalities, staff of every role in each, and register data
made through the services (STYLE rule 6: set up data through services)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from accounts.models import Role, User
from geo.models import PostalCode
from register import services
from register.models import Assignment, Household, Person
from tenancy.scope import municipality_scope

LINKOPING = "0580"
NORRKOPING = "0581"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(municipality: str = LINKOPING, role: str = Role.SECRETARY, **extra: Any) -> User:
        n = next(counter)
        return User.objects.create_user(
            username=extra.pop("username", f"{role}-{municipality}-{n}"),
            password=PASSWORD,
            email=extra.pop("email", f"{role}{n}@{municipality}.example.se"),
            first_name=extra.pop("first_name", role.replace("_", " ").title()),
            last_name=extra.pop("last_name", f"{municipality}-{n}"),
            municipality_id=municipality,
            role=role,
            **extra,
        )

    return make


@pytest.fixture
def secretary(make_user: Callable[..., User]) -> User:
    return make_user(LINKOPING, Role.SECRETARY, first_name="Sara", last_name="Sekreterare")


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(LINKOPING, Role.UNIT_MANAGER, first_name="Maria", last_name="Chef")


@pytest.fixture
def other_secretary(make_user: Callable[..., User]) -> User:
    return make_user(NORRKOPING, Role.SECRETARY, first_name="Nils", last_name="Norrman")


@dataclass
class Family:
    household: Household
    member: Person
    assignment: Assignment


@pytest.fixture
def make_family(db: Any) -> Callable[..., Family]:
    """A household with one member and a foster-home assignment, made by ``by``'s services."""

    def make(
        by: User,
        *,
        name: str = "Familjen Lind",
        first_name: str = "Lena",
        postal: str = "58183",
        **assignment: Any,
    ) -> Family:
        with municipality_scope(by.municipality_id or ""):
            household = services.household_create(
                by=by,
                name=name,
                street_address="Storgatan 1",
                postal_code=PostalCode.objects.get(code=postal),
                phone="070-1740605",
                email="lind@example.se",
            )
            member = services.person_create(
                by=by, household=household, first_name=first_name, last_name=name.split()[-1]
            )
            created = services.assignment_create(
                by=by, household=household, type=assignment.pop("type", "foster_home"), **assignment
            )
        return Family(household, member, created)

    return make


@pytest.fixture
def in_scope() -> Callable[[User], Any]:
    def enter(user: User) -> Any:
        return municipality_scope(user.municipality_id or "")

    return enter


@pytest.fixture
def logged_in(client: Any) -> Callable[[User], Any]:
    def login(user: User) -> Any:
        client.force_login(user)
        return client

    return login
