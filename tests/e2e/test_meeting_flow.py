"""A network meeting in the browser: a secretary creates a monthly series with one place,
sends the invitations (e-mailed by the job worker with an .ics), two families answer
through their links, the waiting list fills the freed place, and a tampered link
changes nothing."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from geo.models import PostalCode
from jobs.testing import run_worker_once
from register import services
from tenancy.scope import municipality_scope

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

PASSWORD = "samtalstraff-e2e-2026-lösen"
FAMILIES = (("Anna", "Ahl", "anna.ahl@example.com"), ("Berit", "Berg", "berit.berg@example.com"))


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
        for first_name, last_name, email in FAMILIES:
            household = services.household_create(
                by=user, name=f"Familjen {last_name}", postal_code=PostalCode.objects.get(code="58183")
            )
            services.person_create(
                by=user, household=household, first_name=first_name, last_name=last_name, email=email
            )
            assignment = services.assignment_create(by=user, household=household, type="foster_home")
            for step in ["information", "assessment", "training", "approved"]:
                assignment = services.assignment_transition(
                    by=user, assignment=assignment, to_status=step, version=assignment.version
                )
    return user


def _rsvp_link(live_server: LiveServer, to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    found = re.search(r"https?://\S+/osa/[^/\s]+/", message.body)
    assert found, message.body
    return live_server.url + urlsplit(found.group(0)).path


def _answer(page: Page, link: str, button: str) -> None:
    page.context.clear_cookies()  # families answer without an account
    page.goto(link)
    page.get_by_role("button", name=button).click()


def test_invitations_answers_and_the_waiting_list(
    page: Page,
    live_server: LiveServer,
    secretary: User,
    login: Callable[..., None],
    shot: Callable[[Page, str], Path],
) -> None:
    login(page, live_server, "sara", PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Samtalsträffar").click()
    page.get_by_role("link", name="Ny serie").click()
    # The test clock, which the live server shares (conftest.py travels there with time_machine).
    today = timezone.localdate()
    page.get_by_label("Rubrik").fill("Samtalsträff för familjehem")
    page.get_by_role("textbox", name="Plats (frivilligt)").fill("Familjehemsenheten")
    page.get_by_role("spinbutton", name="Antal platser (frivilligt)").fill("1")
    page.get_by_label("Varje månad").check()
    page.get_by_label("Veckodag").select_option(label="tisdag")
    page.get_by_label("Vilken vecka i månaden").select_option(label="första")
    page.get_by_label("Starttid").fill("18:00")
    page.get_by_label("Första datum").fill((today + datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Sista datum").fill((today + datetime.timedelta(days=200)).isoformat())
    page.get_by_label("Familjehem", exact=True).check()
    page.get_by_label("Linköping", exact=True).check()
    page.get_by_role("button", name="Skapa serien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samtalsträff för familjehem")
    expect(page.get_by_text("första tisdagen varje månad kl. 18:00")).to_be_visible()
    shot(page, "series")

    page.get_by_role("link", name="Träff 1", exact=True).click()
    page.get_by_role("button", name="Skicka inbjudningar").click()
    expect(page.locator("#count-pending")).to_have_text("2")
    # The request only queued the e-mails; the worker sends them, each with the meeting as .ics.
    assert run_worker_once() == 2
    assert {m.to[0] for m in mail.outbox} == {email for _, _, email in FAMILIES}
    attachment = mail.outbox[0].attachments[0]
    calendar = icalendar.Calendar.from_ical(attachment[1])
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("dtstart").hour == 18
    assert str(event.get("location")) == "Familjehemsenheten"
    meeting_url = page.url

    anna = _rsvp_link(live_server, "anna.ahl@example.com")
    berit = _rsvp_link(live_server, "berit.berg@example.com")
    _answer(page, anna, "Ja, jag kommer")
    expect(page.locator("#rsvp-status")).to_contain_text("Kommer")
    _answer(page, berit, "Ja, jag kommer")
    expect(page.locator("#rsvp-status")).to_contain_text("På väntelistan")
    shot(page, "rsvp-waiting-list")

    # Anna cannot come after all: Berit gets the place, and an e-mail saying so.
    _answer(page, anna, "Nej, jag kan inte komma")
    expect(page.locator("#rsvp-status")).to_contain_text("Kommer inte")
    sent_before = len(mail.outbox)
    assert run_worker_once() == 1
    assert mail.outbox[sent_before:][0].to == ["berit.berg@example.com"]

    # A tampered link changes nothing.
    page.goto(berit[:-6] + "xxxxx/")
    expect(page.get_by_role("button", name="Ja, jag kommer")).to_have_count(0)

    login(page, live_server, "sara", PASSWORD)
    page.goto(meeting_url)
    expect(page.locator("#count-accepted")).to_have_text("1 / 1")
    expect(page.locator("#count-waitlisted")).to_have_text("0")
    expect(page.locator("#count-declined")).to_have_text("1")
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text="Berit Berg")).to_contain_text("Kommer")
    expect(rows.filter(has_text="Anna Ahl")).to_contain_text("Kommer inte")
    shot(page, "meeting-answers")
