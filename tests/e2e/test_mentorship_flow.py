"""Mentor families in the browser: answer the offer, pick a suggested mentor, book and
record the introduction, and see the mentor coverage change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from geo.models import PostalCode
from mentorship import services as mentorship_services
from register import services
from tenancy.scope import municipality_scope

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

PASSWORD = "mentorskap-e2e-2026-lösen"
APPROVE = ["information", "assessment", "training", "approved"]


def _approved_home(by: User, name: str, type: str, postal: str) -> None:
    household = services.household_create(by=by, name=name, postal_code=PostalCode.objects.get(code=postal))
    services.person_create(by=by, household=household, first_name="Kim", last_name=name.split()[-1])
    assignment = services.assignment_create(
        by=by, household=household, type=type, languages=["svenska", "arabiska"]
    )
    for step in APPROVE:
        assignment = services.assignment_transition(
            by=by, assignment=assignment, to_status=step, version=assignment.version
        )
    if type == "mentor_family":
        mentorship_services.mentor_profile_save(
            by=by,
            assignment=assignment,
            capacity=3,
            age_groups=["13-17"],
            needs=[],
            family_form="couple",
            years_as_foster_home=12,
            availability="Kvällar",
            is_available=True,
            mentor_person_ids=list(household.members.values_list("pk", flat=True)),
        )


@pytest.fixture
def secretary(live_server: LiveServer) -> User:
    user = User.objects.create_user(
        username="sara",
        password=PASSWORD,
        first_name="Sara",
        last_name="Sekreterare",
        municipality_id="0580",
        role=Role.SECRETARY,
    )
    with municipality_scope("0580"):
        _approved_home(user, "Familjen Mentorsson", "mentor_family", "58183")
        _approved_home(user, "Familjen Nyberg", "foster_home", "58222")
    return user


def test_a_new_foster_family_gets_a_mentor_and_coverage_rises(
    page: Page,
    live_server: LiveServer,
    secretary: User,
    login: Callable[..., None],
    shot: Callable[[Page, str], Path],
) -> None:
    login(page, live_server, "sara", PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Mentorfamiljer").click()
    expect(page.locator("#coverage-offered")).to_have_text("100 %")
    expect(page.locator("#coverage-active")).to_have_text("0 %")
    shot(page, "overview-before")

    # The approval offered a mentor automatically; record the family's yes.
    page.get_by_role("link", name="Familjen Nyberg").click()
    page.get_by_label("Ja, vill ha en mentor").check()
    page.get_by_role("button", name="Spara svaret").click()

    # Suggestions, explained; pick the mentor family.
    suggestion = page.locator(".suggestion").first
    expect(suggestion).to_contain_text("Familjen Mentorsson")
    expect(suggestion).to_contain_text("km bort")
    expect(suggestion).to_contain_text("talar arabiska")
    expect(suggestion).to_contain_text("2 platser lediga")
    shot(page, "suggestions")
    suggestion.get_by_role("button", name="Para ihop med Familjen Mentorsson").click()
    expect(page.locator("#pairing-status")).to_have_text("Föreslagen")

    # Book the introduction with a secretary present, then record it.
    # The test clock, which the live server shares (conftest.py travels there with time_machine).
    when = timezone.localtime() - timezone.timedelta(hours=2)
    page.get_by_label("Datum och tid").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Plats").fill("Familjehemsenheten, Linköping")
    page.get_by_role("button", name="Boka", exact=True).click()
    expect(page.locator("#pairing-status")).to_have_text("Introduktion bokad")
    page.get_by_label("Hölls den").fill(timezone.localdate().isoformat())
    page.get_by_role("group", name="Mentorfamiljens bild av matchningen").get_by_label("Passar bra").check()
    page.get_by_role("group", name="Den nya familjens bild av matchningen").get_by_label("Passar bra").check()
    page.locator("form[action$='/introduktion/hallen/']").get_by_role("button").click()
    expect(page.locator("#pairing-status")).to_have_text("Aktiv")
    shot(page, "pairing-active")

    page.get_by_role("navigation").get_by_role("link", name="Mentorfamiljer").click()
    expect(page.locator("#coverage-active")).to_have_text("100 %")
    expect(page.locator("#pairings-active")).to_have_text("1")
    shot(page, "overview-after")
