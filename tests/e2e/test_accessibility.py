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
    # Evaluated through the DevTools protocol: the pages' CSP (rightly) refuses an inline <script>.
    page.evaluate(AXE)
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
        "start-unit-manager": "/",
        "register": "/register/",
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


def test_every_roles_start_page_has_no_wcag_violations(
    page: Page, live_server: LiveServer, manager: User, login: Callable[..., None]
) -> None:
    from geo.models import PostalCode
    from mentorship.models import MentorOffer
    from tenancy.models import Region

    people = {
        role: User.objects.create_user(
            username=role,
            password=PASSWORD,
            first_name="Kim",
            last_name=role,
            municipality_id="0580",
            role=role,
        )
        for role in (Role.SECRETARY, Role.ADMINISTRATOR, Role.COUNTY_COORDINATOR)
    }
    Region.objects.create(slug="ostergotland", name="Östergötlands samverkan").municipalities.set(
        ["0580", "0581"]
    )
    secretary = people[Role.SECRETARY]
    with municipality_scope("0580"):
        for name, steps in (
            ("Familjen Ny", ["information", "assessment", "training", "approved"]),
            ("Familjen Intresse", []),
        ):
            household = services.household_create(
                by=secretary, name=name, postal_code=PostalCode.objects.get(code="58183")
            )
            assignment = services.assignment_create(
                by=secretary, household=household, type="foster_home", responsible_secretary=secretary
            )
            for step in steps:
                assignment = services.assignment_transition(
                    by=secretary, assignment=assignment, to_status=step, version=assignment.version
                )
        assert MentorOffer.objects.exists()

    pages: dict[str, list[dict[str, Any]]] = {}
    for role in people:
        page.context.clear_cookies()
        login(page, live_server, role, PASSWORD)
        page.goto("/")
        pages[f"start-{role}"] = axe_violations(page)
    page.context.clear_cookies()
    login(page, live_server, "maria", PASSWORD)
    page.goto("/")
    page.locator("details.group summary").first.click()  # a secretary's items, opened
    pages["start-unit-manager-open"] = axe_violations(page)

    found = {name: violations for name, violations in pages.items() if violations}
    assert found == {}


def test_programme_meeting_and_calendar_pages_have_no_wcag_violations(
    page: Page, live_server: LiveServer, login: Callable[..., None]
) -> None:
    import datetime

    from django.utils import timezone

    from demo.gatherings import HELSINGBORG, KARLSTAD, SERIES_TITLE, demo_gatherings_build
    from demo.register import DEMO_PASSWORD
    from meetings import links as meeting_links
    from meetings import services as meeting_services
    from meetings.models import Event, Invitation, Series
    from programmes.evaluation import links as evaluation_links
    from programmes.evaluation import services as evaluation_services
    from programmes.models import Cohort, Programme, QuestionnaireResponse

    demo_gatherings_build()
    coordinator = User.objects.get(username="helsingborg.chef")
    secretary = User.objects.get(username="karlstad.sekreterare1")
    with municipality_scope(HELSINGBORG):
        programme = Programme.objects.get()
        # The cohort whose sessions are under way or just over (demo.gatherings names cohorts by month).
        cohort = Cohort.objects.order_by("starts_on")[1]
        session = Event.objects.filter(session__cohort=cohort).order_by("starts_at").first()
        evaluation_services.questionnaires_send(by=coordinator, cohort=cohort, phase="after")
        response = QuestionnaireResponse.objects.filter(phase="after").first()
        assert session is not None and response is not None
        questionnaire = evaluation_links.questionnaire_token(response)
    with municipality_scope(KARLSTAD):
        series = Series.objects.get(title=SERIES_TITLE)
        held = Event.objects.filter(series=series, is_cancelled=False).order_by("starts_at").first()
        # The test clock, which the live server shares (conftest.py travels there with time_machine).
        today = timezone.localdate()
        upcoming_series = meeting_services.series_create(
            by=secretary,
            values=meeting_services.SeriesValues(
                title="Nätverksträff för jourhem",
                place="Familjehemsenheten",
                frequency="weekly",
                weekday=(today + datetime.timedelta(days=7)).weekday(),
                starts_on=today + datetime.timedelta(days=7),
                ends_on=today + datetime.timedelta(days=60),
                start_time=datetime.time(18, 0),
                responsible=secretary,
                capacity=10,
                audience_types=("emergency_home",),
                audience_municipality_ids=(KARLSTAD,),
            ),
        )
        upcoming = Event.objects.filter(series=upcoming_series).order_by("starts_at").first()
        assert held is not None and upcoming is not None
        meeting_services.event_invitations_create(by=secretary, event=upcoming)
        rsvp = meeting_links.rsvp_token(Invitation.objects.filter(event=upcoming).first())  # type: ignore[arg-type]

    pages: dict[str, list[dict[str, Any]]] = {}
    for name, url in {
        "questionnaire": f"/fragor/{questionnaire}/",
        "rsvp": f"/osa/{rsvp}/",
    }.items():
        page.goto(url)
        pages[name] = axe_violations(page)
    login(page, live_server, "helsingborg.chef", DEMO_PASSWORD)
    for name, url in {
        "programmes": "/program/",
        "programme": f"/program/{programme.pk}/",
        "cohort": f"/program/kohort/{cohort.pk}/",
        "session": f"/program/traff/{session.pk}/",
        "session-attendance": f"/program/traff/{session.pk}/narvaro/",
        "evaluation": f"/program/{programme.pk}/utvardering/",
        "cohort-questionnaires": f"/program/kohort/{cohort.pk}/enkater/",
        "cohort-form": f"/program/{programme.pk}/kohort/ny/",
    }.items():
        page.goto(url)
        pages[name] = axe_violations(page)
    page.context.clear_cookies()
    login(page, live_server, "karlstad.sekreterare1", DEMO_PASSWORD)
    for name, url in {
        "series-list": "/traffar/",
        "series": f"/traffar/serie/{series.pk}/",
        "series-form": "/traffar/ny/",
        "meeting": f"/traffar/traff/{held.pk}/",
        "meeting-attendance": f"/traffar/traff/{held.pk}/narvaro/",
        "upcoming-meeting": f"/traffar/traff/{upcoming.pk}/",
        "calendar": "/traffar/kalender/",
        "attendance-overview": "/insikter/narvaro/",
    }.items():
        page.goto(url)
        pages[name] = axe_violations(page)
    page.goto("/traffar/ny/")
    page.get_by_role("button", name="Skapa serien").click()
    pages["series-form-errors"] = axe_violations(page)

    found = {name: violations for name, violations in pages.items() if violations}
    assert found == {}
