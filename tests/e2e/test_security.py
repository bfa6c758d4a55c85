"""In a real browser: the Content-Security-Policy blocks an injected inline script, the
pages need nothing it forbids, and two-factor login works from the login form."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import BrowserContext, Page, expect

from accounts import services as account_services
from accounts.models import Role, User
from register import services
from tenancy.scope import municipality_scope

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

PASSWORD = "tre-blå-cyklar-i-snön"
# Recorded before any page script runs (an init script comes through DevTools, not the page).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def manager(live_server: LiveServer) -> User:
    return User.objects.create_user(
        username="maria",
        password=PASSWORD,
        first_name="Maria",
        last_name="Chef",
        municipality_id="0580",
        role=Role.UNIT_MANAGER,
    )


def test_an_injected_inline_script_is_blocked_by_the_policy(page: Page, live_server: LiveServer) -> None:
    page.goto("/konto/logga-in/")
    result = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", (event) => resolve({
                directive: event.violatedDirective, ran: window.__injected === true,
            }), {once: true});
            const script = document.createElement("script");
            script.textContent = "window.__injected = true;";
            document.body.appendChild(script);
            setTimeout(() => resolve({directive: null, ran: window.__injected === true}), 2000);
        })"""
    )
    assert result == {"directive": "script-src-elem", "ran": False}
    # An inline style attribute written into the page is refused too.
    blocked_style = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", (event) => resolve(event.violatedDirective),
                                      {once: true});
            const box = document.createElement("div");
            box.innerHTML = '<p style="color: red">x</p>';
            document.body.appendChild(box);
            setTimeout(() => resolve(null), 2000);
        })"""
    )
    assert blocked_style == "style-src-attr"


def test_the_pages_themselves_need_nothing_the_policy_forbids(
    context: BrowserContext,
    page: Page,
    live_server: LiveServer,
    manager: User,
    login: Callable[..., None],
    shot: Callable[[Page, str], Path],
) -> None:
    context.add_init_script(RECORD_VIOLATIONS)
    with municipality_scope("0580"):
        from geo.models import PostalCode

        household = services.household_create(
            by=manager, name="Familjen Andersson", postal_code=PostalCode.objects.get(code="58183")
        )
        services.person_create(by=manager, household=household, first_name="Anna", last_name="Andersson")
        services.assignment_create(by=manager, household=household, type="foster_home")
    login(page, live_server, "maria", PASSWORD)
    seen: dict[str, Any] = {}
    for path in [
        "/",
        f"/hushall/{household.pk}/",
        "/traffar/",
        "/program/",
        "/insikter/narvaro/",
        "/logg/",
        "/logg/sakerhet/",
        "/konto/tvastegs/",
        "/konto/tvastegs/aktivera/",
    ]:
        page.goto(path)
        seen[path] = page.evaluate("window.__cspViolations")
    expect(page.get_by_role("img", name="QR-kod för autentiseringsappen")).to_be_visible()
    shot(page, "two-factor-setup")
    # htmx still searches as you type (with its indicator styles in our stylesheet).
    page.goto("/register/")
    with page.expect_response(lambda r: "q=Anders" in r.url):
        page.get_by_role("searchbox").fill("Anders")
    expect(page.get_by_text("Familjen Andersson")).to_be_visible()
    seen["search"] = page.evaluate("window.__cspViolations")
    # No copy of the results page is kept in the browser's storage for the back button.
    assert page.evaluate("Object.keys(localStorage)") == []
    assert {path: found for path, found in seen.items() if found} == {}


def test_two_factor_login_in_the_browser(
    page: Page, live_server: LiveServer, manager: User, shot: Callable[[Page, str], Path]
) -> None:
    import datetime

    import time_machine

    start = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        device = account_services.two_factor_setup_start(user=manager)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        account_services.two_factor_enable(user=manager, device=device, code=f"{totp.token():06d}")
        clock.shift(datetime.timedelta(seconds=30))
        page.goto("/konto/logga-in/")
        page.get_by_label("Användarnamn", exact=True).fill("maria")
        page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        expect(page.get_by_role("heading", name="Tvåstegsinloggning")).to_be_visible()
        shot(page, "code-step")
        page.get_by_label("Kod", exact=True).fill("000000" if f"{totp.token():06d}" != "000000" else "111111")
        page.get_by_role("button", name="Logga in").click()
        expect(page.get_by_text("Koden stämmer inte")).to_be_visible()
        clock.shift(datetime.timedelta(seconds=2))
        page.get_by_label("Kod", exact=True).fill(f"{totp.token():06d}")
        page.get_by_role("button", name="Logga in").click()
        expect(page).to_have_url(live_server.url + "/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
