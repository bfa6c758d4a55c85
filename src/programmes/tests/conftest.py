"""Programme fixtures, made through the services: programmes, cohorts with their
generated sessions, user-mentors and assignees who can join a cohort.

``make_programme(by, **overrides)`` and ``make_cohort(by, programme=None, **overrides)``
are meant for the other programme tests too (evaluation, insights).

Dates are counted from the test clock: the root conftest.py travels every test to
BOLLPLANK_TEST_NOW with time_machine.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from programmes import services
from programmes.models import Cohort, CohortMember, Programme
from register import services as register_services
from register.models import Person
from tenancy.scope import municipality_scope

APPROVED = ["information", "assessment", "training", "approved"]


def _scope(by: Any) -> Any:
    return municipality_scope(by.municipality_id)


@pytest.fixture
def make_programme(db: Any) -> Callable[..., Programme]:
    """A staff programme of 8 sessions at 13:00, running from a year ago to a year ahead."""

    def make(by: Any, **overrides: Any) -> Programme:
        today = timezone.localdate()
        values: dict[str, Any] = {
            "name": "Brukarmentorer för nya socialsekreterare",
            "starts_on": today - datetime.timedelta(days=365),
            "ends_on": today + datetime.timedelta(days=365),
            "start_time": datetime.time(13, 0),
            "place": "Stadshuset, rum 3",
            **overrides,
        }
        with _scope(by):
            return services.programme_create(by=by, **values)

    return make


@pytest.fixture
def make_cohort(make_programme: Callable[..., Programme]) -> Callable[..., Cohort]:
    """A cohort whose first session was ten weeks ago (so all eight have been held
    unless ``starts_on`` says otherwise), made in ``programme`` or a new programme."""

    def make(by: Any, programme: Programme | None = None, **overrides: Any) -> Cohort:
        programme = programme or make_programme(by)
        values: dict[str, Any] = {
            "name": "Hösten",
            "starts_on": timezone.localdate() - datetime.timedelta(weeks=10),
            **overrides,
        }
        with _scope(by):
            return services.cohort_create(by=by, programme=programme, **values)

    return make


def _walk(by: Any, assignment: Any, status: str) -> Any:
    steps = [*APPROVED, "active"] if status == "active" else APPROVED[: APPROVED.index(status) + 1]
    for step in steps:
        assignment = register_services.assignment_transition(
            by=by, assignment=assignment, to_status=step, version=assignment.version
        )
    return assignment


@pytest.fixture
def make_user_mentor(db: Any) -> Callable[..., Person]:
    """A person standing alone with a user-mentor assignment walked to ``status``."""

    def make(by: Any, first_name: str = "Ulla", last_name: str = "Brukare", status: str = "active") -> Person:
        with _scope(by):
            person = register_services.person_create(by=by, first_name=first_name, last_name=last_name)
            assignment = register_services.assignment_create(by=by, person=person, type="user_mentor")
            if status != "interest":
                _walk(by, assignment, status)
        return person

    return make


@pytest.fixture
def add_member(db: Any) -> Callable[..., CohortMember]:
    def add(by: Any, cohort: Cohort, role: str = "participant", **who: Any) -> CohortMember:
        with _scope(by):
            return services.cohort_member_add(by=by, cohort=cohort, role=role, **who)

    return add
