"""WCAG 2.1 A/AA checks with axe-core on the pages a secretary and a manager use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page

from accounts.models import Role, User
from register import services
from tenancy.scope import municipality_scope

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
PASSWORD = "tillganglighet-ar-lag-2026"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


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


def test_the_main_pages_have_no_wcag_violations(
    page: Page,
    live_server: LiveServer,
    manager: User,
    login: Callable[..., None],
    shot: Callable[[Page, str], Path],
) -> None:
    with municipality_scope("0580"):
        from geo.models import PostalCode

        household = services.household_create(
            by=manager, name="Familjen Tillgänglig", postal_code=PostalCode.objects.get(code="58183")
        )
        member = services.person_create(
            by=manager, household=household, first_name="Tove", last_name="Tillgänglig"
        )
        assignment = services.assignment_create(by=manager, household=household, type="foster_home")

    page.goto("/konto/logga-in/")
    pages = {"login": axe_violations(page)}
    login(page, live_server, "maria", PASSWORD)
    for name, url in {
        "register": "/",
        "household": f"/hushall/{household.pk}/",
        "person": f"/person/{member.pk}/",
        "assignment": f"/uppdrag/{assignment.pk}/",
        "household-form": "/hushall/nytt/",
        "access-log": "/logg/",
        "change-log": "/logg/andringar/",
    }.items():
        page.goto(url)
        pages[name] = axe_violations(page)
    # A form showing its errors must stay accessible too.
    page.goto("/hushall/nytt/")
    page.get_by_role("button", name="Spara").click()
    pages["household-form-errors"] = axe_violations(page)
    shot(page, "form-errors")

    found = {name: violations for name, violations in pages.items() if violations}
    assert found == {}
