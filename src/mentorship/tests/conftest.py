"""Mentorship fixtures: approved foster homes and mentor families made through the services."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from geo.models import PostalCode
from mentorship import services
from mentorship.models import MentorOffer, MentorProfile
from register import services as register_services
from register.models import Assignment, Household
from tenancy.scope import municipality_scope

APPROVE = ["information", "assessment", "training", "approved"]


def _walk(by: Any, assignment: Assignment, steps: list[str]) -> Assignment:
    for step in steps:
        assignment = register_services.assignment_transition(
            by=by, assignment=assignment, to_status=step, version=assignment.version
        )
    return assignment


@pytest.fixture
def make_home(db: Any) -> Callable[..., tuple[Household, Assignment]]:
    """A household with one member and an assignment walked to ``status``."""

    def make(
        by: Any,
        name: str,
        *,
        postal: str = "58183",
        type: str = "foster_home",
        status: str = "approved",
        **extra: Any,
    ) -> tuple[Household, Assignment]:
        with municipality_scope(by.municipality_id):
            household = register_services.household_create(
                by=by,
                name=name,
                postal_code=PostalCode.objects.get(code=postal),
                email=re.sub(r"[^a-z0-9]", "", name.lower()) + "@example.com",
            )
            register_services.person_create(
                by=by, household=household, first_name="Alex", last_name=name.split()[-1]
            )
            assignment = register_services.assignment_create(by=by, household=household, type=type, **extra)
            steps = APPROVE[: APPROVE.index(status) + 1] if status in APPROVE else [*APPROVE, status]
            assignment = _walk(by, assignment, steps)
        return household, assignment

    return make


@pytest.fixture
def make_mentor(make_home: Any) -> Callable[..., MentorProfile]:
    def make(
        by: Any, name: str, *, capacity: int | None = 3, postal: str = "58183", **profile: Any
    ) -> MentorProfile:
        household, assignment = make_home(by, name, postal=postal, type="mentor_family", status="active")
        with municipality_scope(by.municipality_id):
            return services.mentor_profile_save(
                by=by,
                assignment=assignment,
                capacity=capacity,
                age_groups=profile.get("age_groups", ["6-12", "13-17"]),
                needs=profile.get("needs", []),
                family_form=profile.get("family_form", "couple"),
                years_as_foster_home=profile.get("years", 8),
                availability="",
                is_available=True,
                mentor_person_ids=list(household.members.values_list("pk", flat=True)),
            )

    return make


@pytest.fixture
def make_waiting(make_home: Any) -> Callable[..., MentorOffer]:
    """An approved foster home whose automatic offer was accepted."""

    def make(by: Any, name: str, *, postal: str = "58183") -> MentorOffer:
        _household, assignment = make_home(by, name, postal=postal)
        with municipality_scope(by.municipality_id):
            offer = MentorOffer.objects.get(assignment=assignment)
            return services.mentor_offer_answer(by=by, offer=offer, answer="accepted", version=offer.version)

    return make
