"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live_server.

Playwright cannot download its own browser here, so pytest-playwright is not used;
these fixtures launch /usr/bin/chromium (``sudo scripts/install-chromium``) instead.
Override the binary with BOLLPLANK_CHROMIUM=/path/to/chromium.

Fixtures:
  browser   one headless Chromium for the session
  context   a fresh context per test: locale sv-SE, time zone Europe/Stockholm,
            base_url = live_server.url (so ``page.goto("/konto/logga-in/")`` works)
  page      a page in that context; on failure a screenshot lands in artifacts/screenshots/
  shot      ``shot(page, "name")`` saves artifacts/screenshots/<test>--name.png
  login     ``login(page, live_server, username, password)`` signs in through the login form

Every test in this folder gets the ``e2e`` marker and the reference geography automatically.

The live server runs in this process, so it reads the same test clock as the tests (the root
conftest.py travels to BOLLPLANK_TEST_NOW with time_machine); the browser keeps the real clock,
which no page relies on (dates are typed in and shown as the server wrote them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("BOLLPLANK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOGIN_PATH = "/konto/logga-in/"
TIMEOUT_MS = 10_000  # generous: CI has two cores shared with the live server

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(tryfirst=True)  # before `-m "not e2e"` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Keep each phase's report on the item so fixtures can see whether the test failed.
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:150]


def _screenshot(page: Page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{_safe_name(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(autouse=True)
def _keep_reference_data(reference_geography: None) -> None:
    """live_server tests run on transactional_db, which empties every table afterwards,
    including the reference geography that migrations load; ``reference_geography``
    (conftest.py) loads it again when it is missing, so no test depends on the order."""


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} not found: browser tests need Chromium (`sudo scripts/install-chromium`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API keeps an asyncio loop running in this thread, which makes
    # Django refuse ORM calls from test code ("You cannot call this from an async context").
    # The tests are not async, so lift that guard while Playwright runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = context.new_page()
    yield page
    report = getattr(request.node, "_report_call", None)
    if report is not None and report.failed:
        try:
            path = _screenshot(page, f"FAILED--{request.node.nodeid}")
            print(f"\nscreenshot of the failure: {path.relative_to(REPO_ROOT)}")
        except Exception as error:  # the page may be gone; the test failure matters more
            print(f"\ncould not save a failure screenshot: {error}")


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``shot(page, "after-login")`` -> artifacts/screenshots/<test name>--after-login.png"""

    def take(page: Page, name: str) -> Path:
        return _screenshot(page, f"{request.node.name}--{name}")

    return take


@pytest.fixture
def login() -> Callable[[Page, LiveServer, str, str], None]:
    """``login(page, live_server, "anna", "secret")`` signs in through the Swedish login form."""

    def sign_in(page: Page, live_server: LiveServer, username: str, password: str) -> None:
        page.goto(live_server.url + LOGIN_PATH)
        page.get_by_label("Användarnamn", exact=True).fill(username)
        page.get_by_label("Lösenord", exact=True).fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Logga in").click()
        if LOGIN_PATH in page.url:
            raise AssertionError(f"login as {username!r} failed: still on {page.url}")

    return sign_in
