"""The demo of programmes and meetings (programmes.demo): a whole Helsingborg cohort with its
evaluation and a year of Karlstad meetings, written once, through the services."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from demo.gatherings import HELSINGBORG, KARLSTAD, PROGRAMME_NAME, SERIES_TITLE, demo_gatherings_build
from insights.selectors import not_seen_list
from meetings.models import Attendance, Event, Invitation, InvitationStatus, Series
from programmes.evaluation.selectors import evaluation_comparison
from programmes.models import Cohort, Phase, Programme, QuestionnaireResponse, Session
from tenancy.scope import municipality_scope

# The demo's dates are fixed in 2026 and it writes the history up to the day it runs: these
# tests run it on the day it was written for (the autumn cohort under way, eleven monthly
# meetings held), with time_machine, whatever the real date.
NOW = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW)]


@pytest.fixture
def demo() -> Any:
    return demo_gatherings_build()


def test_the_spring_cohort_ran_eight_weekly_sessions_skipping_ascension_day(demo: Any) -> None:
    with municipality_scope(HELSINGBORG):
        programme = Programme.objects.get(name=PROGRAMME_NAME)
        spring = Cohort.objects.get(programme=programme, name="Vårgruppen 2026")
        days = [timezone.localtime(e.starts_at).date() for e in Session.objects.filter(cohort=spring)]
    assert len(days) == 8
    assert datetime.date(2026, 5, 14) not in days  # Kristi himmelsfärdsdag
    assert all(day.weekday() == 3 for day in days)
    swedish = holidays.Sweden(years=2026, categories=("public", "de_facto"), include_sundays=False)
    assert not any(day in swedish for day in days)


def test_every_held_session_has_attendance_and_the_evaluation_compares_before_and_after(demo: Any) -> None:
    with municipality_scope(HELSINGBORG):
        programme = Programme.objects.get(name=PROGRAMME_NAME)
        held = Session.objects.filter(cohort__programme=programme, starts_at__lte=NOW)
        assert held.count() >= 8
        for session in held:
            assert Attendance.objects.filter(event=session).count() == session.cohort.members.count()
        answered = QuestionnaireResponse.objects.filter(answered_at__isnull=False)
        assert answered.filter(phase=Phase.BEFORE).count() >= 6
        assert answered.filter(phase=Phase.AFTER).count() >= 3
        items = evaluation_comparison(programme=programme)
    assert len(items) == 5
    for item in items:
        assert item.before.n >= 6 and item.after.n >= 3
        assert item.after.mean is not None and item.before.mean is not None
        assert item.after.mean > item.before.mean  # the demo tells a story of progress


def test_a_year_of_karlstad_meetings_with_invitations_answers_and_attendance(demo: Any) -> None:
    with municipality_scope(KARLSTAD):
        series = Series.objects.get(title=SERIES_TITLE)
        meetings = list(Event.objects.filter(series=series).order_by("starts_at"))
        assert len(meetings) == 12
        assert all(timezone.localtime(m.starts_at).strftime("%a %H:%M") == "Tue 18:00" for m in meetings)
        assert all(timezone.localtime(m.starts_at).day <= 7 for m in meetings)  # the first Tuesday
        assert sum(m.is_cancelled for m in meetings) == 1
        held = [m for m in meetings if m.ends_at <= NOW and not m.is_cancelled]
        assert len(held) >= 10
        for meeting in held:
            invitations = Invitation.objects.filter(event=meeting)
            accepted = invitations.filter(status=InvitationStatus.ACCEPTED).count()
            assert invitations.count() > 40
            assert meeting.accepted_count == accepted <= series.capacity
            assert Attendance.objects.filter(event=meeting).count() == accepted
        constellation = Series.objects.exclude(pk=series.pk).get()
        assert constellation.is_constellation
        assert constellation.satellite_households.count() == 7


def test_families_that_stopped_coming_are_on_the_retention_list(demo: Any) -> None:
    viewer = User.objects.get(username="karlstad.sekreterare1")
    with municipality_scope(KARLSTAD):
        listed = not_seen_list(user=viewer)
    assert listed, "the demo has families who stopped coming in the spring"
    assert all(row.person.municipality_id == KARLSTAD for row in listed)


def test_the_command_runs_once_and_then_changes_nothing(demo: Any) -> None:
    out = StringIO()
    call_command("demo_programmes_and_meetings", stdout=out)
    assert "Already there" in out.getvalue()
    with municipality_scope(HELSINGBORG):
        assert Programme.objects.count() == 1
    with municipality_scope(KARLSTAD):
        assert Series.objects.count() == 2
