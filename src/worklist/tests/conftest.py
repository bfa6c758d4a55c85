"""Worklist fixtures: a clock set to a fixed day, and the items of every kind made through
the services (STYLE rule 6), for one responsible secretary."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from geo.models import PostalCode
from mentorship import services as mentorship_services
from mentorship.models import MentorOffer, MentorProfile, Pairing
from register import services as register_services
from register.models import Assignment, Household
from tenancy.scope import municipality_scope

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Tuesday morning; the tests move the clock from here.
START = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=STOCKHOLM)
APPROVE = ["information", "assessment", "training", "approved"]
POSTAL = {"0580": "58183", "0581": "60222"}
PASSWORD_FREE = "ingen-roll-2026"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def walk(by: Any, assignment: Assignment, steps: list[str]) -> Assignment:
    for step in steps:
        assignment = register_services.assignment_transition(
            by=by, assignment=assignment, to_status=step, version=assignment.version
        )
    return assignment


@pytest.fixture
def make_home(db: Any) -> Callable[..., tuple[Household, Assignment]]:
    """A household with one member and an assignment (walked to ``status``) whose responsible
    secretary is ``responsible`` (default: ``by``; ``None`` for none)."""

    def make(
        by: Any, name: str, *, type: str = "foster_home", status: str = "approved", **extra: Any
    ) -> tuple[Household, Assignment]:
        responsible = extra.pop("responsible", by)
        with municipality_scope(by.municipality_id):
            household = register_services.household_create(
                by=by,
                name=name,
                postal_code=PostalCode.objects.get(code=POSTAL[by.municipality_id]),
                email=re.sub(r"[^a-z]", "", name.lower()) + "@example.com",
            )
            register_services.person_create(
                by=by, household=household, first_name="Alex", last_name=name.split()[-1]
            )
            assignment = register_services.assignment_create(
                by=by, household=household, type=type, responsible_secretary=responsible, **extra
            )
            steps = (
                []
                if status == "interest"
                else APPROVE[: APPROVE.index(status) + 1]
                if status in APPROVE
                else [*APPROVE, status]
            )
            assignment = walk(by, assignment, steps)
        return household, assignment

    return make


@pytest.fixture
def make_mentor(make_home: Any) -> Callable[..., MentorProfile]:
    def make(by: Any, name: str = "Familjen Mentor", capacity: int = 10) -> MentorProfile:
        household, assignment = make_home(by, name, type="mentor_family", status="active")
        with municipality_scope(by.municipality_id):
            return mentorship_services.mentor_profile_save(
                by=by,
                assignment=assignment,
                capacity=capacity,
                age_groups=["6-12"],
                needs=[],
                family_form="couple",
                years_as_foster_home=8,
                availability="",
                is_available=True,
                mentor_person_ids=list(household.members.values_list("pk", flat=True)),
            )

    return make


@pytest.fixture
def make_offer(make_home: Any) -> Callable[..., MentorOffer]:
    """An approved foster home and the offer its approval made (answered ``answer`` if given)."""

    def make(by: Any, name: str, *, answer: str = "", responsible: Any = "same") -> MentorOffer:
        extra = {} if responsible == "same" else {"responsible": responsible}
        _household, assignment = make_home(by, name, **extra)
        with municipality_scope(by.municipality_id):
            offer = MentorOffer.objects.get(assignment=assignment)
            if answer:
                offer = mentorship_services.mentor_offer_answer(
                    by=by, offer=offer, answer=answer, version=offer.version
                )
        return offer

    return make


@pytest.fixture
def make_pairing(make_offer: Any, make_mentor: Any) -> Callable[..., Pairing]:
    """A pairing of a new foster home with a mentor family, taken to ``status``
    ("proposed", "introduction_booked" with the meeting yesterday, or "active")."""

    def make(by: Any, name: str, *, status: str = "active", mentor: MentorProfile | None = None) -> Pairing:
        mentor = mentor or make_mentor(by, f"Familjen Mentor{name.split()[-1]}")
        offer = make_offer(by, name, answer="accepted")
        with municipality_scope(by.municipality_id):
            pairing = mentorship_services.pairing_confirm(by=by, offer=offer, mentor=mentor)
            if status == "proposed":
                return pairing
            yesterday = datetime.datetime.now(STOCKHOLM) - datetime.timedelta(days=1)
            pairing = mentorship_services.pairing_book_introduction(
                by=by, pairing=pairing, version=pairing.version, at=yesterday, place="Kontoret", secretary=by
            )
            if status == "introduction_booked":
                return pairing
            return mentorship_services.pairing_record_introduction(
                by=by,
                pairing=pairing,
                version=pairing.version,
                held_on=yesterday.date(),
                mentor_fit="good",
                mentee_fit="good",
            )

    return make
