"""Meeting fixtures: assignees and series made through the services (STYLE rule 6).

Dates are counted from the test clock: the root conftest.py travels every test to
BOLLPLANK_TEST_NOW with time_machine.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from geo.models import PostalCode
from meetings import services
from meetings.models import Event, Invitation, Series
from register import services as register_services
from register.models import Assignment, Household, Person
from tenancy.models import Region
from tenancy.scope import municipality_scope

PIPELINE = ["information", "assessment", "training", "approved", "active", "paused"]
POSTAL = {"0580": "58183", "0581": "60222", "0586": "58302", "0180": "10004"}


def walk(by: Any, assignment: Assignment, status: str) -> Assignment:
    """Move an assignment along the pipeline to ``status`` (interest stays where it starts)."""
    if status == "interest":
        return assignment
    steps = ["ended"] if status == "ended" else PIPELINE[: PIPELINE.index(status) + 1]
    for step in steps:
        assignment = register_services.assignment_transition(
            by=by,
            assignment=assignment,
            to_status=step,
            version=assignment.version,
            reason="applicant_withdrew" if step == "ended" else "",
        )
    return assignment


def _address(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return f"{plain}@example.se"


@dataclass
class Home:
    household: Household
    members: list[Person]
    assignment: Assignment


@pytest.fixture
def make_home(db: Any) -> Callable[..., Home]:
    """A household with members and an assignment walked to ``status`` (approved by default)."""

    def make(
        by: Any,
        name: str = "Familjen Lind",
        *,
        type: str = "foster_home",
        status: str = "approved",
        members: tuple[str, ...] = ("Lena",),
        email: str | None = None,
        household_email: str = "",
        protected: bool = False,
    ) -> Home:
        surname = name.split()[-1]
        with municipality_scope(by.municipality_id):
            household = register_services.household_create(
                by=by,
                name=name,
                postal_code=PostalCode.objects.get(code=POSTAL[by.municipality_id]),
                email=household_email,
            )
            people = [
                register_services.person_create(
                    by=by,
                    household=household,
                    first_name=first,
                    last_name=surname,
                    email=(email if email is not None else _address(f"{first}.{surname}"))
                    if index == 0
                    else "",
                    has_protected_identity=protected,
                )
                for index, first in enumerate(members)
            ]
            assignment = register_services.assignment_create(by=by, household=household, type=type)
            assignment = walk(by, assignment, status)
        return Home(household, people, assignment)

    return make


@pytest.fixture
def make_loner(db: Any) -> Callable[..., Person]:
    """A person holding a person-type assignment (contact person, guardian, user-mentor)."""

    def make(
        by: Any,
        first: str = "Kim",
        last: str = "Kontakt",
        *,
        type: str = "contact_person",
        status: str = "active",
    ) -> Person:
        with municipality_scope(by.municipality_id):
            person = register_services.person_create(
                by=by, first_name=first, last_name=last, email=_address(first)
            )
            assignment = register_services.assignment_create(by=by, person=person, type=type)
            walk(by, assignment, status)
        return person

    return make


def series_values(by: Any, **overrides: Any) -> services.SeriesValues:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "title": "Samtalsträff för familjehem",
        "place": "Familjens hus, Storgatan 3",
        "frequency": "weekly",
        "weekday": (today + datetime.timedelta(days=3)).weekday(),
        "starts_on": today + datetime.timedelta(days=1),
        "ends_on": today + datetime.timedelta(days=40),
        "start_time": datetime.time(18, 0),
        "duration_minutes": 120,
        "responsible": by,
        "audience_types": ("foster_home", "emergency_home"),
        "audience_municipality_ids": (by.municipality_id,),
        "invite_days_before": 21,
        "remind_days_before": 2,
    }
    values.update(overrides)
    return services.SeriesValues(**values)


@pytest.fixture
def make_series(db: Any) -> Callable[..., Series]:
    """A series made by ``by``'s services; by default weekly, first meeting in 3 days, 6 meetings."""

    def make(by: Any, **overrides: Any) -> Series:
        with municipality_scope(by.municipality_id):
            return services.series_create(by=by, values=series_values(by, **overrides))

    return make


@pytest.fixture
def first_meeting() -> Callable[[Series], Event]:
    def first(series: Series) -> Event:
        with municipality_scope(series.municipality_id):
            return Event.objects.filter(series=series).order_by("starts_at").first()  # type: ignore[return-value]

    return first


@pytest.fixture
def invite(django_capture_on_commit_callbacks: Any) -> Callable[..., list[Invitation]]:
    """Invite the audience of a meeting (as the secretary's button does); returns every invitation."""

    def run(by: Any, event: Event, *, codes: tuple[str, ...] = ()) -> list[Invitation]:
        with django_capture_on_commit_callbacks(execute=True), municipality_scope(by.municipality_id):
            services.event_invitations_create(by=by, event=event)
        with municipality_scope(*(codes or (by.municipality_id,))):
            return list(
                Invitation.objects.filter(event=event).select_related("person", "event").order_by("id")
            )

    return run


@pytest.fixture
def region() -> Callable[..., Region]:
    def make(*codes: str, slug: str = "ostergotland") -> Region:
        created = Region.objects.create(slug=slug, name=slug.title())
        created.municipalities.set(codes)
        return created

    return make


def answer(invitation: Invitation, value: str) -> Invitation:
    """The invitee's own answer, inside the scope the RSVP view enters."""
    with municipality_scope(invitation.municipality_id, invitation.event.municipality_id):
        return services.invitation_answer(invitation=invitation, answer=value)


def reload(model: Any, pk: int, *codes: str) -> Any:
    with municipality_scope(*codes):
        return model.objects.get(pk=pk)


def move_into_past(event: Event, *, hours_ago: int = 3) -> None:
    """Test set-up only: let a planned meeting have happened already."""
    start = timezone.now() - datetime.timedelta(hours=hours_ago)
    with municipality_scope(event.municipality_id):
        Event.objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
