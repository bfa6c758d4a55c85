"""The foundation's user journey in a real browser: log in, search, create a household
with a member and an assignment, move it to approved, read its history."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role, User

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

PASSWORD = "e2e-lösenord-som-är-långt"


@pytest.fixture
def secretary(live_server: LiveServer) -> User:
    return User.objects.create_user(
        username="sara",
        password=PASSWORD,
        first_name="Sara",
        last_name="Sekreterare",
        email="sara@linkoping.example.se",
        municipality_id="0580",
        role=Role.SECRETARY,
    )


def test_a_secretary_registers_a_foster_home_and_approves_it(
    page: Page,
    live_server: LiveServer,
    secretary: User,
    login: Callable[..., None],
    shot: Callable[[Page, str], Path],
) -> None:
    login(page, live_server, "sara", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt arbete")  # the start page
    page.get_by_role("navigation").get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppdragstagare")
    shot(page, "register-empty")

    # A new household; first with a postal code that does not exist.
    page.get_by_role("link", name="Nytt hushåll").click()
    page.get_by_label("Namn").fill("Familjen Andersson")
    page.get_by_label("Gatuadress").fill("Drottninggatan 12")
    page.get_by_label("Postnummer").fill("000 01")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".field--error")).to_contain_text("000 01")
    shot(page, "unknown-postal-code")
    page.get_by_label("Postnummer").fill("582 22")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Familjen Andersson")

    # A member, first with a wrong check digit.
    page.get_by_role("link", name="Lägg till medlem").click()
    page.get_by_label("Förnamn").fill("Anna")
    page.get_by_label("Efternamn").fill("Andersson")
    page.get_by_label("Personnummer").fill("19121212-1213")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".field--error")).to_contain_text("Kontrollsiffran")
    page.get_by_label("Personnummer").fill("19121212-1212")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("link", name="Anna Andersson")).to_be_visible()

    # A foster-home assignment with Sara responsible.
    page.get_by_role("link", name="Lägg till uppdrag").click()
    page.get_by_label("Typ av uppdrag").select_option("foster_home")
    page.get_by_label("Ansvarig sekreterare").select_option(label="Sara Sekreterare")
    page.get_by_label("Godkänt antal platser").fill("2")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#current-status")).to_have_text("Intresseanmälan")

    for step in ["Information", "Utredning", "Utbildning", "Godkänd"]:
        page.get_by_label("Ny status").select_option(label=step)
        page.get_by_role("button", name="Ändra status").click()
        expect(page.locator("#current-status")).to_have_text(step)
    history = page.locator(".timeline li")
    expect(history).to_have_count(5)
    expect(history.last).to_contain_text("Utbildning → Godkänd")
    expect(history.last).to_contain_text("Sara Sekreterare")
    shot(page, "approved-with-history")

    # The register finds it by name and by status.
    page.get_by_role("navigation").get_by_role("link", name="Register").click()
    page.get_by_label("Status").select_option(label="Godkänd")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("link", name="Familjen Andersson")).to_be_visible()
    page.get_by_role("searchbox").fill("Andersson")
    expect(page.locator("#results")).to_contain_text("1 uppdrag")
    page.get_by_label("Status").select_option(label="Avslutad")
    expect(page.locator("#results")).to_contain_text("0 uppdrag")
    shot(page, "register-search")
