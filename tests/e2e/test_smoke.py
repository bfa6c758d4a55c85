"""Smoke tests: the browser harness works, and the login page is Swedish and labelled."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

LOGIN_PATH = "/konto/logga-in/"


def test_harness_reaches_live_server_in_swedish_locale(page: Page, live_server: LiveServer) -> None:
    """Chromium starts, reaches the live server and runs with the Swedish locale and time zone.

    Passes whatever the app answers (even 404): if this fails, the harness is broken, not the app.
    """
    response = page.goto(live_server.url + LOGIN_PATH)
    assert response is not None
    assert response.status < 500, f"server error {response.status} on {LOGIN_PATH}"
    assert page.evaluate("navigator.language") == "sv-SE"
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Europe/Stockholm"


def test_login_page_is_swedish_and_accessible(page: Page, shot: Callable[[Page, str], Path]) -> None:
    response = page.goto(LOGIN_PATH)
    assert response is not None
    assert response.status == 200, f"{LOGIN_PATH} answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_be_visible()
    # The form is reachable by its labels and the button by its name (what login() relies on).
    expect(page.get_by_label("Användarnamn", exact=True)).to_be_visible()
    expect(page.get_by_label("Lösenord", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Logga in")).to_be_visible()
    shot(page, "login-page")
