"""The whole demo, loaded on different days: every demo role's start page has real content,
whatever the date, and loading it again changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from mentorship.models import CheckIn, FollowUpSurvey, MentorOffer, MentorProfile, Pairing
from register.models import Assignment, Household, Person
from register.national_id import national_id_is_test_number
from tenancy.scope import municipality_scope, scopes_disabled
from worklist.selectors import Kind, start_page

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ASSIGNEES = 200
# New Year's Eve (a holiday, a Thursday), the last of May (no 30 February three months
# earlier), a leap day (a Tuesday), and a Sunday in the middle of the summer holidays.
DAYS = [
    datetime.datetime(2026, 12, 31, 8, 0, tzinfo=STOCKHOLM),
    datetime.datetime(2027, 5, 31, 13, 30, tzinfo=STOCKHOLM),
    datetime.datetime(2028, 2, 29, 7, 45, tzinfo=STOCKHOLM),
    datetime.datetime(2027, 7, 18, 21, 10, tzinfo=STOCKHOLM),
]


def _load() -> str:
    out = StringIO()
    call_command("demo_data", assignees=ASSIGNEES, stdout=out)
    call_command("demo_programmes_and_meetings", stdout=out)
    return out.getvalue()


@pytest.fixture(params=DAYS, ids=[day.date().isoformat() for day in DAYS])
def demo(request: Any) -> Iterator[datetime.datetime]:
    """The demo loaded on each of the days (the checks that do not depend on the day use the first)."""
    with time_machine.travel(request.param, tick=False):
        output = _load()
        assert "orebro.sekreterare1" in output and "umea.chef" in output
        yield request.param


@pytest.fixture
def demo_once() -> Iterator[datetime.datetime]:
    with time_machine.travel(DAYS[0], tick=False):
        _load()
        yield DAYS[0]


def _page(username: str) -> Any:
    user = User.objects.get(username=username)
    with municipality_scope(user.municipality_id or ""):
        return user, start_page(user=user)


def _kinds(page: Any) -> dict[str, int]:
    return {section.kind: len(section.items) for section in page.sections}


def test_every_demo_role_has_real_content_on_its_start_page(demo: datetime.datetime, client: Any) -> None:
    today = demo.date()
    mentorship = {
        Kind.CHECK_IN_SUPPORT,
        Kind.SURVEY_PROBLEM,
        Kind.OFFER_UNANSWERED,
        Kind.INTRODUCTION_TO_BOOK,
    }
    mentorship |= {Kind.INTRODUCTION_TO_RECORD}
    for username in (
        "linkoping.sekreterare1",
        "linkoping.sekreterare2",
        "orebro.sekreterare1",
        "orebro.sekreterare3",
        "karlstad.sekreterare1",
        "karlstad.sekreterare2",
    ):
        _user, page = _page(username)
        assert mentorship <= set(_kinds(page)), (username, _kinds(page))
        assert page.totals.attention >= 2, username
    # Some secretary has an overdue introduction and one an offer overdue for an answer.
    overdue_kinds = {
        item.kind
        for username in ("linkoping.sekreterare1", "linkoping.sekreterare2")
        for section in _page(username)[1].sections
        for item in section.items
        if item.is_overdue
    }
    assert {Kind.INTRODUCTION_TO_RECORD, Kind.OFFER_UNANSWERED} <= overdue_kinds

    _user, karlstad = _page("karlstad.sekreterare1")
    kinds = _kinds(karlstad)
    assert kinds[Kind.MEETING_THIS_WEEK] >= 1 and kinds[Kind.ATTENDANCE_TO_RECORD] >= 1
    meeting = next(s for s in karlstad.sections if s.kind == Kind.MEETING_THIS_WEEK).items[0]
    assert "har tackat ja" in meeting.detail

    for username in ("umea.sekreterare1", "umea.sekreterare2", "umea.sekreterare3", "umea.sekreterare4"):
        _user, page = _page(username)
        items = [item for s in page.sections for item in s.items if s.kind == Kind.STATUS_CHANGE_DUE]
        actions = " ".join(item.action for item in items)
        assert "anmält intresse" in actions and "Utredningen" in actions and "Gäller till" in actions, (
            username
        )

    _user, helsingborg = _page("helsingborg.chef")
    own = next(group for group in helsingborg.groups if group.totals.items)
    questionnaires = [i for s in own.sections if s.kind == Kind.QUESTIONNAIRE_TO_SEND for i in s.items]
    assert {i.action for i in questionnaires} == {
        "Skicka enkäten före programmet",
        "Skicka enkäten efter programmet",
    }
    assert any(s.kind == Kind.ATTENDANCE_TO_RECORD for s in own.sections)

    for username in ("linkoping.chef", "orebro.chef", "umea.chef", "karlstad.chef"):
        _user, page = _page(username)
        assert page.totals.items >= 10 and page.overdue, username
        assert sum(group.totals.items > 0 for group in page.groups) >= 2, username

    for username in ("linkoping.admin", "orebro.admin", "umea.admin"):
        user, page = _page(username)
        assert len(page.accounts) >= 5
        assert {account.user.municipality_id for account in page.accounts} == {user.municipality_id}

    _user, coordinator = _page("ostergotland.samordnare")
    [(region, names)] = coordinator.regions
    assert region.name == "Östergötlands samverkan" and len(names) == 13
    [network] = coordinator.series
    assert network.next_starts_at is not None and network.next_starts_at.date() <= today + datetime.timedelta(
        days=36
    )

    # Every kind but the one waiting for the e-mail outbox appears somewhere in the demo.
    seen: set[str] = set()
    for user in User.objects.filter(role__in=("secretary", "unit_manager", "county_coordinator")):
        with municipality_scope(user.municipality_id or ""):
            page = start_page(user=user)
        groups = getattr(page, "groups", None)
        for group in [*(groups or []), *([page.unassigned] if groups is not None else [])]:
            seen |= {section.kind for section in group.sections}
        seen |= {section.kind for section in getattr(page, "sections", [])}
    assert seen == set(Kind.values) - {Kind.EMAIL_NOT_DELIVERED}

    _surveys_fall_due_this_week_and_old_ones_went_out_back_then(demo)

    # And the pages render for every role.
    for username in (
        "linkoping.sekreterare1",
        "linkoping.chef",
        "linkoping.admin",
        "ostergotland.samordnare",
    ):
        client.force_login(User.objects.get(username=username))
        response = client.get("/")
        assert response.status_code == 200, username


def _surveys_fall_due_this_week_and_old_ones_went_out_back_then(demo: datetime.datetime) -> None:
    today = demo.date()
    # Demo inspection across every municipality (test set-up code, STYLE rule 3).
    with scopes_disabled():
        due_soon = FollowUpSurvey.objects.filter(
            due_on__gte=today - datetime.timedelta(days=1), due_on__lte=today + datetime.timedelta(days=6)
        )
        assert due_soon.filter(sent_at__isnull=True).count() >= 8
        assert not FollowUpSurvey.objects.filter(
            sent_at__isnull=True, due_on__lt=today - datetime.timedelta(days=1)
        ).exists()
        assert FollowUpSurvey.objects.filter(answered_at__isnull=False).count() >= 8
        for municipality in ("0580", "1780", "1880"):
            assert MentorProfile.objects.filter(municipality_id=municipality).count() >= 3
        # Everything is dated no later than now: the demo writes history, not the future.
        now = timezone.now()
        assert not MentorOffer.objects.filter(offered_at__gt=now).exists()
        assert not Pairing.objects.filter(proposed_at__gt=now).exists()
        assert not CheckIn.objects.filter(held_on__gt=today).exists()
        assert not Assignment.objects.filter(status_changed_at__gt=now).exists()


def test_personnummer_stay_in_the_test_range_in_every_demo_municipality(demo_once: datetime.datetime) -> None:
    # Demo inspection across every municipality (test set-up code, STYLE rule 3).
    with scopes_disabled():
        numbers = [n for n in Person.objects.values_list("national_id", flat=True) if n]
        assert Person.objects.filter(municipality_id__in=("1880", "2480")).exists()
    assert numbers
    assert all(national_id_is_test_number(number) for number in numbers)


def test_loading_the_demo_again_changes_nothing(demo_once: datetime.datetime) -> None:
    def counts() -> dict[str, int]:
        # Demo inspection across every municipality (test set-up code, STYLE rule 3).
        with scopes_disabled():
            return {
                model.__name__: model.objects.count()
                for model in (
                    User,
                    Household,
                    Person,
                    Assignment,
                    MentorOffer,
                    Pairing,
                    CheckIn,
                    FollowUpSurvey,
                )
            }

    before = counts()
    with time_machine.travel(demo_once + datetime.timedelta(days=1), tick=False):
        _load()
    assert counts() == before
