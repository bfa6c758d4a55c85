"""The attendance page: permission, what it shows (and never shows), the period filter,
and a fixed number of queries whatever the number of people listed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AccessLogEntry
from insights.tests.data import household_with, invite, mark, meeting
from meetings.tests.calendar_data import cohort_make, series_plan
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock

URL = reverse("insights:attendance")


def recently(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_the_page_needs_the_insights_permission(logged_in: Any, make_user: Any) -> None:
    client = logged_in(make_user("0580", Role.ADMINISTRATOR))

    assert client.get(URL).status_code == 403


def test_the_page_shows_rates_and_the_retention_list_of_the_own_municipality_only(
    logged_in: Any, secretary: User, other_secretary: User
) -> None:
    series = series_plan(by=secretary, title="Samtalsträff Linköping", plan=False)
    held = meeting(series, recently(40))
    came, stayed = household_with(by=secretary, name="Familjen Alm", members=2, secretary=secretary)
    invite(held, came, "accepted")
    invite(held, stayed, "accepted")
    mark(held, by=secretary, person=came)
    cohort_make(by=secretary, starts=[recently(20)], name="Vårgruppen")
    theirs = series_plan(by=other_secretary, title="Hemlig träff", plan=False)
    (secret_person,) = household_with(by=other_secretary, name="Familjen Hemligsson")
    invite(meeting(theirs, recently(30)), secret_person, "accepted")
    client = logged_in(secretary)

    response = client.get(URL)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Samtalsträff Linköping" in text and "Vårgruppen" in text
    assert "50 %" in text  # one of the two who said yes came
    assert "Hemlig" not in text
    assert reverse("register:household_detail", args=[came.household_id]) in text
    assert stayed.full_name in text
    assert came.full_name not in text  # came: not on the retention list
    with municipality_scope("0580"):
        assert AccessLogEntry.objects.filter(user=secretary, object_type="insights.not_seen").count() == 1


def test_a_backwards_period_is_refused_and_the_last_12_months_shown(logged_in: Any, secretary: User) -> None:
    series = series_plan(by=secretary, title="Samtalsträff", plan=False)
    meeting(series, recently(40))
    client = logged_in(secretary)

    response = client.get(URL, {"start": "2026-06-01", "end": "2026-01-01"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["period"].end == timezone.localdate()
    assert len(response.context["series"]) == 1


def test_a_chosen_period_without_meetings_says_so(logged_in: Any, secretary: User) -> None:
    series = series_plan(by=secretary, title="Samtalsträff", plan=False)
    meeting(series, recently(40))
    client = logged_in(secretary)

    response = client.get(URL, {"start": "2020-01-01", "end": "2020-12-31"})

    assert response.context["series"] == []
    assert "Samtalsträff<" not in response.content.decode()  # the menu says "Samtalsträffar"


def _queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_page_costs_the_same_for_2_and_10_people_listed(logged_in: Any, secretary: User) -> None:
    series = series_plan(by=secretary, plan=False)
    first, second = meeting(series, recently(60)), meeting(series, recently(30))
    cohort_make(by=secretary, starts=[recently(10)])  # the cohort table is on the page too

    def absent_family(n: int) -> None:
        (person,) = household_with(by=secretary, name=f"Familjen Nummer{n}", secretary=secretary)
        invite(first, person, "accepted")
        invite(second, person, "declined")
        mark(first, by=secretary, person=person, present=False)

    for n in range(2):
        absent_family(n)
    client = logged_in(secretary)
    few = _queries(client)
    assert len(client.get(URL).context["not_seen"]) == 2
    for n in range(2, 10):
        absent_family(n)

    many = _queries(client)

    assert len(client.get(URL).context["not_seen"]) == 10
    assert many == few
