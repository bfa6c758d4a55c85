"""The start page in the browser: a secretary logs in, lands on her start page, handles a
check-in that needs support on the pairing's page and sees it gone from the list."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from geo.models import PostalCode
from mentorship import services as mentorship_services
from mentorship.models import MentorOffer
from register import services
from tenancy.scope import municipality_scope

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

PASSWORD = "startsida-e2e-2026-lösen"
APPROVE = ["information", "assessment", "training", "approved"]


def _home(by: User, name: str, type: str, *, status: str = "approved") -> tuple[object, object]:
    household = services.household_create(by=by, name=name, postal_code=PostalCode.objects.get(code="58183"))
    person = services.person_create(by=by, household=household, first_name="Kim", last_name=name.split()[-1])
    assignment = services.assignment_create(by=by, household=household, type=type, responsible_secretary=by)
    for step in [*APPROVE, "active"] if status == "active" else APPROVE:
        assignment = services.assignment_transition(
            by=by, assignment=assignment, to_status=step, version=assignment.version
        )
    return assignment, person


@pytest.fixture
def secretary(live_server: LiveServer) -> User:
    """A secretary whose new foster family is mentored; the family reported a need for support."""
    user = User.objects.create_user(
        username="sara",
        password=PASSWORD,
        first_name="Sara",
        last_name="Sekreterare",
        municipality_id="0580",
        role=Role.SECRETARY,
    )
    with municipality_scope("0580"):
        mentor_assignment, mentor_person = _home(
            user, "Familjen Mentorsson", "mentor_family", status="active"
        )
        mentor = mentorship_services.mentor_profile_save(
            by=user,
            assignment=mentor_assignment,
            capacity=3,
            age_groups=["6-12"],
            needs=[],
            family_form="couple",
            years_as_foster_home=10,
            availability="",
            is_available=True,
            mentor_person_ids=[mentor_person.pk],
        )
        foster_home, _person = _home(user, "Familjen Nyberg", "foster_home")
        offer = MentorOffer.objects.get(assignment=foster_home)
        offer = mentorship_services.mentor_offer_answer(
            by=user, offer=offer, answer="accepted", version=offer.version
        )
        pairing = mentorship_services.pairing_confirm(by=user, offer=offer, mentor=mentor)
        yesterday = timezone.now() - datetime.timedelta(days=1)
        pairing = mentorship_services.pairing_book_introduction(
            by=user, pairing=pairing, version=pairing.version, at=yesterday, place="Kontoret", secretary=user
        )
        pairing = mentorship_services.pairing_record_introduction(
            by=user,
            pairing=pairing,
            version=pairing.version,
            held_on=timezone.localdate(yesterday),
            mentor_fit="good",
            mentee_fit="good",
        )
        mentorship_services.check_in_record(
            by=user, pairing=pairing, held_on=timezone.localdate(), mood="difficult", needs_support=True
        )
    return user


def test_a_secretary_handles_a_check_in_that_needs_support_from_her_start_page(
    page: Page,
    live_server: LiveServer,
    secretary: User,
    login: Callable[..., None],
    shot: Callable[[Page, str], Path],
) -> None:
    login(page, live_server, "sara", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt arbete")
    support = page.get_by_role("region", name="Avstämningar där familjen behöver stöd (1)")
    expect(support).to_contain_text("Kontakta familjen: de behöver stöd")
    expect(page.locator("#items-attention")).to_have_text("1")
    shot(page, "start-page")

    support.get_by_role("link", name="Familjen Nyberg med mentorfamiljen Familjen Mentorsson").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Familjen Mentorsson – Familjen Nyberg")
    page.get_by_role("button", name="Markera stödet som hanterat").click()
    expect(page.locator(".messages")).to_contain_text("Det syns inte längre på startsidan")
    expect(page.locator(".check-ins")).to_contain_text("Stödet hanterat av Sara Sekreterare")
    shot(page, "support-seen-to")

    page.get_by_role("navigation").get_by_role("link", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt arbete")
    expect(page.get_by_role("region", name="Avstämningar där familjen behöver stöd (1)")).to_have_count(0)
    expect(page.locator("#items-attention")).to_have_text("0")
    shot(page, "start-page-after")
