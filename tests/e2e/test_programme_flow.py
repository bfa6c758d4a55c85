"""A Helsingborg-style cohort in the browser: create it, see its 8 sessions, record
attendance, answer the before and after questionnaires through their links (without
logging in) and see the comparison on the evaluation page."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from programmes import services as programme_services
from programmes.evaluation import services as evaluation_services
from programmes.models import Programme
from tenancy.scope import municipality_scope

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

PASSWORD = "gruppmentor-e2e-2026-lösen"
NEWCOMERS = (("nora", "Nora"), ("olle", "Olle"), ("petra", "Petra"))
QUESTIONS = ("Jag känner mig trygg i mötet med klienter", "Jag vet var jag kan få stöd")


@pytest.fixture
def programme(live_server: LiveServer) -> Programme:
    coordinator = User.objects.create_user(
        username="samordnare",
        password=PASSWORD,
        first_name="Siv",
        last_name="Samordnare",
        municipality_id="0580",
        role=Role.UNIT_MANAGER,
    )
    # Newly hired secretaries without an e-mail address: the coordinator hands over their links.
    for username, first_name in NEWCOMERS:
        User.objects.create_user(
            username=username,
            password=PASSWORD,
            email="",
            first_name=first_name,
            last_name="Nyanställd",
            municipality_id="0580",
            role=Role.SECRETARY,
        )
    # The test clock, which the live server shares (conftest.py travels there with time_machine).
    today = timezone.localdate()
    with municipality_scope("0580"):
        created = programme_services.programme_create(
            by=coordinator,
            name="Brukarmentorer för nya socialsekreterare",
            starts_on=today - datetime.timedelta(days=200),
            ends_on=today + datetime.timedelta(days=200),
            start_time=datetime.time(13, 0),
            place="Stadshuset, rum 3",
        )
        for text in QUESTIONS:
            evaluation_services.question_add(by=coordinator, programme=created, text=text)
    return created


def _answer_questionnaire(page: Page, live_server: LiveServer, link: str, value: str) -> None:
    page.context.clear_cookies()  # the link works without logging in
    # E-mail links start with BOLLPLANK_BASE_URL; the test server listens elsewhere.
    page.goto(live_server.url + urlsplit(link).path)
    for text in QUESTIONS:
        page.get_by_role("group", name=text).get_by_label(value, exact=True).check()
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack!")


def test_a_coordinator_runs_a_cohort_and_sees_before_and_after(
    page: Page,
    live_server: LiveServer,
    programme: Programme,
    login: Callable[..., None],
    shot: Callable[[Page, str], Path],
) -> None:
    login(page, live_server, "samordnare", PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Gruppprogram").click()
    page.get_by_role("link", name=programme.name).click()
    page.get_by_role("link", name="Ny grupp").click()

    # Bad input first: a first session outside the programme's period changes nothing.
    page.get_by_label("Namn").fill("Vårgruppen")
    page.get_by_label("Första träffen").fill("2000-01-06")
    page.get_by_role("button", name="Skapa gruppen").click()
    expect(page.locator(".field--error .error")).to_contain_text("utanför programmets period")
    shot(page, "cohort-outside-period")

    first = timezone.localdate() - datetime.timedelta(weeks=9)
    page.get_by_label("Första träffen").fill(first.isoformat())
    page.get_by_role("button", name="Skapa gruppen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vårgruppen")
    expect(page.locator("#sessions tbody tr")).to_have_count(8)
    shot(page, "cohort-sessions")

    for _username, first_name in NEWCOMERS:
        participant = page.locator("form[action$='/deltagare/']")
        participant.get_by_role("combobox").select_option(label=f"{first_name} Nyanställd")
        participant.get_by_role("button", name="Lägg till").click()
        expect(page.locator("#members")).to_contain_text(f"{first_name} Nyanställd")

    page.locator("#sessions tbody tr").first.get_by_role("link", name=re.compile("^Närvaro")).click()
    page.get_by_label("Nora Nyanställd").check()
    page.get_by_label("Olle Nyanställd").check()
    page.get_by_role("button", name="Spara närvaron").click()
    grid = page.locator("#attendance-grid")
    nora = grid.locator("tbody tr").filter(has_text="Nora")
    expect(nora.locator("td").first).to_have_text("Närvarande")
    expect(nora.locator("td").last).to_have_text("100 %")
    expect(grid.locator("tbody tr").filter(has_text="Petra").locator("td").first).to_have_text("Frånvarande")
    expect(grid.locator("tfoot td").first).to_have_text("67 %")
    shot(page, "cohort-attendance")

    questionnaires = page.url.rstrip("/") + "/enkater/"
    page.get_by_role("link", name="Enkäter före och efter").click()
    page.get_by_role("button", name="Skicka enkäten före programmet").click()
    before_links = [link.input_value() for link in page.locator("#questionnaires input[type=url]").all()]
    assert len(before_links) == len(NEWCOMERS)
    for link in before_links:
        _answer_questionnaire(page, live_server, link, "2")

    login(page, live_server, "samordnare", PASSWORD)
    page.goto(questionnaires)
    expect(page.locator("#questionnaires")).to_contain_text("Besvarad")
    page.get_by_role("button", name="Skicka enkäten efter programmet").click()
    after_links = [link.input_value() for link in page.locator("#questionnaires input[type=url]").all()]
    assert len(after_links) == len(NEWCOMERS) and not set(after_links) & set(before_links)
    for link in after_links:
        _answer_questionnaire(page, live_server, link, "4")

    # The same link cannot be used twice.
    page.goto(live_server.url + urlsplit(after_links[0]).path)
    expect(page.get_by_role("button", name="Skicka mina svar")).to_have_count(0)

    login(page, live_server, "samordnare", PASSWORD)
    page.goto(f"{live_server.url}/program/{programme.pk}/")
    page.get_by_role("link", name="Utvärdering före och efter").click()
    rows = page.locator("#comparison tbody tr")
    expect(rows).to_have_count(2)
    for row in (rows.nth(0), rows.nth(1)):
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text("3")  # n before
        expect(cells.nth(1)).to_have_text("2,00")  # mean before
        expect(cells.nth(3)).to_have_text("3")  # n after
        expect(cells.nth(4)).to_have_text("4,00")  # mean after
        expect(cells.nth(6)).to_have_text("+2,00")
    expect(page.get_by_role("img", name="Medelvärde per fråga, före och efter")).to_be_visible()
    shot(page, "evaluation-comparison")
