"""The demo of programmes and meetings (demo.gatherings): Helsingborg's cohorts with their
evaluation and Karlstad's meetings, written once, through the services, dated from the day
it is loaded (here a clock set to a day whose first cohort spans Ascension Day 2026)."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import holidays
import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from demo.gatherings import (
    HELSINGBORG,
    KARLSTAD,
    OPEN_HOUSE_TITLE,
    PROGRAMME_NAME,
    SERIES_TITLE,
    demo_gatherings_build,
)
from insights.selectors import not_seen_list
from meetings.models import Attendance, Event, Invitation, InvitationStatus, Series
from programmes.evaluation.selectors import evaluation_comparison
from programmes.models import Cohort, Phase, Programme, QuestionnaireResponse, Session
from tenancy.scope import municipality_scope

pytestmark = pytest.mark.django_db

# Thirty weeks after 9 April 2026: the first cohort started that Thursday.
NOW = datetime.datetime(2026, 11, 5, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield demo_gatherings_build()


def test_the_first_cohort_ran_eight_weekly_sessions_skipping_ascension_day(demo: Any) -> None:
    with municipality_scope(HELSINGBORG):
        programme = Programme.objects.get(name=PROGRAMME_NAME)
        spring = Cohort.objects.get(programme=programme, name="Aprilgruppen 2026")
        days = [timezone.localtime(e.starts_at).date() for e in Session.objects.filter(cohort=spring)]
    assert len(days) == 8
    assert datetime.date(2026, 5, 14) not in days  # Kristi himmelsfärdsdag
    assert all(day.weekday() == 3 for day in days)
    swedish = holidays.Sweden(years=2026, categories=("public", "de_facto"), include_sundays=False)
    assert not any(day in swedish for day in days)


def test_held_sessions_have_attendance_and_the_evaluation_compares_before_and_after(demo: Any) -> None:
    with municipality_scope(HELSINGBORG):
        programme = Programme.objects.get(name=PROGRAMME_NAME)
        held = list(
            Session.objects.filter(cohort__programme=programme, starts_at__lte=NOW).order_by("starts_at")
        )
        assert len(held) >= 16
        # All but the latest, held last week: recording it is on the coordinator's start page.
        for session in held[:-1]:
            assert Attendance.objects.filter(event=session).count() == session.cohort.members.count()
        assert not Attendance.objects.filter(event=held[-1]).exists()
        assert held[-1].starts_at > NOW - datetime.timedelta(days=14)
        cohorts = list(Cohort.objects.filter(programme=programme).order_by("starts_on"))
        assert [c.name for c in cohorts] == [
            "Aprilgruppen 2026",
            "Septembergruppen 2026",
            "Novembergruppen 2026",
        ]
        assert cohorts[2].starts_on > NOW.date()
        assert not QuestionnaireResponse.objects.filter(cohort__in=cohorts[1:], phase=Phase.AFTER).exists()
        answered = QuestionnaireResponse.objects.filter(answered_at__isnull=False)
        assert answered.filter(phase=Phase.BEFORE).count() >= 6
        assert answered.filter(phase=Phase.AFTER).count() >= 3
        items = evaluation_comparison(programme=programme)
    assert len(items) == 5
    for item in items:
        assert item.before.n >= 6 and item.after.n >= 3
        assert item.after.mean is not None and item.before.mean is not None
        assert item.after.mean > item.before.mean  # the demo tells a story of progress


def test_karlstad_meetings_past_and_upcoming_with_invitations_answers_and_attendance(demo: Any) -> None:
    with municipality_scope(KARLSTAD):
        series = Series.objects.get(title=SERIES_TITLE)
        meetings = list(Event.objects.filter(series=series).order_by("starts_at"))
        assert len(meetings) == 16  # ten months back, this month and five ahead
        assert all(timezone.localtime(m.starts_at).strftime("%a %H:%M") == "Tue 18:00" for m in meetings)
        assert all(timezone.localtime(m.starts_at).day <= 7 for m in meetings)  # the first Tuesday
        assert sum(m.is_cancelled for m in meetings) == 1
        held = [m for m in meetings if m.ends_at <= NOW and not m.is_cancelled]
        assert len(held) >= 9
        upcoming = [m for m in meetings if m.starts_at > NOW]
        assert len(upcoming) >= 5
        invited = [m for m in upcoming if m.invitations_queued_at is not None]
        assert all(m.starts_at - datetime.timedelta(days=21) <= NOW for m in invited)
        assert not Attendance.objects.filter(event__in=upcoming).exists()
        open_house = Series.objects.get(title=OPEN_HOUSE_TITLE)
        this_week = Event.objects.filter(
            series=open_house, starts_at__gte=NOW, starts_at__lt=NOW + datetime.timedelta(days=7)
        ).get()
        assert this_week.invitations_queued_at is not None
        for meeting in held:
            invitations = Invitation.objects.filter(event=meeting)
            accepted = invitations.filter(status=InvitationStatus.ACCEPTED).count()
            assert invitations.count() > 40
            assert meeting.accepted_count == accepted <= series.capacity
            assert Attendance.objects.filter(event=meeting).count() == accepted
        constellation = Series.objects.get(hub_household__isnull=False)
        assert constellation.is_constellation
        assert constellation.satellite_households.count() == 7


def test_families_that_stopped_coming_are_on_the_retention_list(demo: Any) -> None:
    viewer = User.objects.get(username="karlstad.sekreterare1")
    with municipality_scope(KARLSTAD):
        listed = not_seen_list(user=viewer, now=NOW)
    assert listed, "the demo has families who stopped coming in the spring"
    assert all(row.person.municipality_id == KARLSTAD for row in listed)


def test_the_command_runs_once_and_then_changes_nothing(demo: Any) -> None:
    out = StringIO()
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        call_command("demo_programmes_and_meetings", stdout=out)
    assert "Already there" in out.getvalue()
    assert "karlstad.sekreterare1" in out.getvalue()
    with municipality_scope(HELSINGBORG):
        assert Programme.objects.count() == 1
    with municipality_scope(KARLSTAD):
        assert Series.objects.count() == 3
