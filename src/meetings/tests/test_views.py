"""Meeting pages: forms, permissions, other municipalities, and a fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import OrmQ

from meetings.models import Attendance, Event, Invitation, Series
from meetings.tests.conftest import answer, move_into_past, reload
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


def _form_data(**overrides: Any) -> dict[str, Any]:
    start = timezone.localdate() + datetime.timedelta(days=1)
    data: dict[str, Any] = {
        "title": "Samtalsträff för jourhem",
        "description": "Fika och samtal.",
        "place": "Familjens hus",
        "video_url": "",
        "capacity": "12",
        "frequency": "monthly",
        "interval": "1",
        "weekday": "1",
        "week_of_month": "1",
        "starts_on": start.isoformat(),
        "ends_on": (start + datetime.timedelta(days=180)).isoformat(),
        "start_time": "18:00",
        "duration_minutes": "120",
        "invite_days_before": "21",
        "remind_days_before": "2",
        "audience_kind": "types",
        "audience_types": ["foster_home", "emergency_home"],
        "audience_municipalities": ["0580"],
    }
    data.update(overrides)
    return data


def _first_tuesdays(first: datetime.date, last: datetime.date) -> int:
    """How many first Tuesdays of a month lie in [first, last] (counted day by day)."""
    days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    return sum(1 for day in days if day.weekday() == 1 and day.day <= 7)


def test_a_secretary_creates_a_series_and_its_meetings_are_planned(client: Any, secretary: Any) -> None:
    client.force_login(secretary)
    assert client.get("/traffar/ny/").status_code == 200
    form = _form_data()
    # The form's half year from tomorrow holds 5 or 6 first Tuesdays, depending on the test clock.
    planned = _first_tuesdays(
        datetime.date.fromisoformat(form["starts_on"]), datetime.date.fromisoformat(form["ends_on"])
    )
    assert planned in (5, 6)
    response = client.post("/traffar/ny/", {**form, "responsible": secretary.pk})
    assert response.status_code == 302
    with municipality_scope("0580"):
        series = Series.objects.get()
        assert response["Location"] == f"/traffar/serie/{series.pk}/"
        assert (series.capacity, series.week_of_month, series.audience_types) == (
            12,
            1,
            ["emergency_home", "foster_home"],
        )
        assert list(series.audience_municipalities.values_list("pk", flat=True)) == ["0580"]
        assert Event.objects.filter(series=series).count() == planned
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert len(page.context["page"].upcoming) == planned
    assert "18:00" in page.context["page"].rule


def test_a_series_without_place_or_video_is_refused_and_nothing_is_saved(client: Any, secretary: Any) -> None:
    client.force_login(secretary)
    response = client.post("/traffar/ny/", {**_form_data(place=""), "responsible": secretary.pk})
    assert response.status_code == 400
    assert response.context["form"].has_error("place")
    monthly_without_week = client.post(
        "/traffar/ny/", {**_form_data(week_of_month=""), "responsible": secretary.pk}
    )
    assert monthly_without_week.context["form"].has_error("week_of_month")
    with municipality_scope("0580"):
        assert not Series.objects.exists()


def test_a_constellation_is_made_through_the_form(client: Any, secretary: Any, make_home: Any) -> None:
    hub = make_home(secretary, "Familjen Nav", type="mentor_family", status="active")
    satellites = [make_home(secretary, f"Familjen Sat{n}") for n in range(2)]
    client.force_login(secretary)
    form = client.get("/traffar/ny/").context["form"]
    assert hub.household in form.fields["hub_household"].queryset
    response = client.post(
        "/traffar/ny/",
        {
            **_form_data(audience_kind="constellation", audience_types=[], audience_municipalities=[]),
            "responsible": secretary.pk,
            "hub_household": hub.household.pk,
            "satellite_households": [s.household.pk for s in satellites],
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Familjen Nav" in page and "Familjen Sat1" in page


def test_another_municipalitys_family_cannot_be_chosen_for_a_constellation(
    client: Any, secretary: Any, other_secretary: Any, make_home: Any
) -> None:
    hub = make_home(secretary, "Familjen Nav")
    foreign = make_home(other_secretary, "Familjen Annan")
    client.force_login(secretary)
    response = client.post(
        "/traffar/ny/",
        {
            **_form_data(audience_kind="constellation"),
            "responsible": secretary.pk,
            "hub_household": hub.household.pk,
            "satellite_households": [foreign.household.pk],
        },
    )
    assert response.status_code == 400
    assert response.context["form"].has_error("satellite_households")


def test_editing_a_series_from_a_stale_page_is_refused(client: Any, secretary: Any, make_series: Any) -> None:
    series = make_series(secretary)
    client.force_login(secretary)
    edit = client.get(f"/traffar/serie/{series.pk}/andra/")
    assert edit.context["form"].initial["version"] == 1
    data = {
        **_form_data(frequency="weekly", weekday=str(series.weekday), week_of_month=""),
        "starts_on": series.starts_on.isoformat(),
        "ends_on": series.ends_on.isoformat(),
        "responsible": secretary.pk,
        "version": "1",
        "title": "Nytt namn",
    }
    assert client.post(f"/traffar/serie/{series.pk}/andra/", data).status_code == 302
    stale = client.post(f"/traffar/serie/{series.pk}/andra/", {**data, "title": "Gammalt namn"})
    assert stale.status_code == 400
    assert stale.context["form"].non_field_errors()
    assert reload(Series, series.pk, "0580").title == "Nytt namn"


def test_the_meeting_page_lists_own_invitees_and_counts_every_municipality(
    client: Any,
    secretary: Any,
    other_secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    region: Any,
) -> None:
    region("0580", "0581")
    make_home(secretary, "Familjen Egen")
    make_home(secretary, "Familjen Utanadress", email="")
    make_home(other_secretary, "Familjen Granne")
    event = first_meeting(make_series(secretary, capacity=5, audience_municipality_ids=("0580", "0581")))
    invitations = {i.person.last_name: i for i in invite(secretary, event, codes=("0580", "0581"))}
    answer(invitations["Granne"], "yes")
    answer(invitations["Egen"], "no")
    client.force_login(secretary)

    response = client.get(f"/traffar/traff/{event.pk}/")

    page = response.context["page"]
    assert [row.invitation.person.last_name for row in page.rows] == ["Utanadress", "Egen"]
    assert page.without_address == 1
    assert (page.event.accepted_count, page.own_counts["declined"], page.own_counts["pending"]) == (1, 1, 1)
    text = response.content.decode()
    assert "Granne" not in text
    assert 'id="count-accepted">1 / 5' in text


def test_a_partner_municipality_sees_only_its_own_families_at_a_regional_meeting(
    client: Any,
    secretary: Any,
    other_secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    region: Any,
) -> None:
    region("0580", "0581")
    make_home(secretary, "Familjen Egen")
    make_home(other_secretary, "Familjen Granne", email="")
    series = make_series(secretary, capacity=5, audience_municipality_ids=("0580", "0581"))
    event = first_meeting(series)
    invitations = {i.person.last_name: i for i in invite(secretary, event, codes=("0580", "0581"))}
    answer(invitations["Egen"], "yes")
    client.force_login(other_secretary)

    listed = client.get("/traffar/").context["invited_meetings"]
    assert [(e.pk, e.own_invited) for e in listed] == [(event.pk, 1)]
    response = client.get(f"/traffar/traff/{event.pk}/")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.is_organiser is False
    assert [row.invitation.person.last_name for row in page.rows] == ["Granne"]
    assert "Egen" not in response.content.decode()
    assert page.event.accepted_count == 1
    # Answering for its own family without an address works; the meeting itself is not theirs to change.
    answered = client.post(f"/traffar/inbjudan/{invitations['Granne'].pk}/svar/", {"answer": "yes"})
    assert answered["Location"] == f"/traffar/traff/{event.pk}/"
    assert reload(Invitation, invitations["Granne"].pk, "0581").status == "accepted"
    for url in ("bjud-in/", "andra/", "narvaro/"):
        assert (
            client.post(f"/traffar/traff/{event.pk}/{url}", {"action": "cancel", "reason": "x"}).status_code
            == 404
        )
    assert client.get(f"/traffar/serie/{series.pk}/").status_code == 404
    assert not reload(Event, event.pk, "0580").is_cancelled


def test_the_send_button_creates_invitations_and_queues_email_without_sending_in_the_request(
    client: Any,
    secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_home(secretary)
    event = first_meeting(make_series(secretary))
    client.force_login(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/traffar/traff/{event.pk}/bjud-in/")
    assert response.status_code == 302
    assert mail.outbox == []
    assert OrmQ.objects.count() == 1
    with municipality_scope("0580"):
        assert Invitation.objects.filter(event=event).count() == 1
    assert client.get(f"/traffar/traff/{event.pk}/bjud-in/").status_code == 405


def test_answering_on_behalf_and_withdrawing_through_the_meeting_page(
    client: Any, secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    make_home(secretary, "Familjen Telefon", email="")
    make_home(secretary, "Familjen Borta")
    event = first_meeting(make_series(secretary, capacity=1))
    invitations = {i.person.last_name: i for i in invite(secretary, event)}
    client.force_login(secretary)
    url = f"/traffar/inbjudan/{invitations['Telefon'].pk}/svar/"
    assert client.post(url, {"answer": "yes"})["Location"] == f"/traffar/traff/{event.pk}/"
    assert client.post(url, {"answer": "kanske"}).status_code == 302
    assert reload(Invitation, invitations["Telefon"].pk, "0580").status == "accepted"
    client.post(f"/traffar/inbjudan/{invitations['Borta'].pk}/svar/", {"answer": "yes"})
    assert reload(Invitation, invitations["Borta"].pk, "0580").status == "waitlisted"
    client.post(f"/traffar/inbjudan/{invitations['Telefon'].pk}/aterkalla/")
    assert reload(Invitation, invitations["Telefon"].pk, "0580").status == "withdrawn"
    assert reload(Invitation, invitations["Borta"].pk, "0580").status == "accepted"


def test_moving_and_cancelling_through_the_edit_page(
    client: Any, secretary: Any, make_series: Any, first_meeting: Any
) -> None:
    event = first_meeting(make_series(secretary))
    client.force_login(secretary)
    url = f"/traffar/traff/{event.pk}/andra/"
    assert client.get(url).status_code == 200
    later = timezone.localtime(event.starts_at) + datetime.timedelta(hours=1)
    move = {
        "action": "move",
        "version": "1",
        "starts_at": later.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "90",
        "place": "Nya lokalen",
        "video_url": "",
    }
    assert client.post(url, move).status_code == 302
    moved = reload(Event, event.pk, "0580")
    assert (moved.place, moved.sequence, moved.version) == ("Nya lokalen", 1, 2)
    refused = client.post(url, {"action": "cancel", "version": "2", "reason": ""})
    assert refused.status_code == 400
    assert client.post(url, {"action": "cancel", "version": "2", "reason": "Sjukdom"}).status_code == 302
    assert reload(Event, event.pk, "0580").is_cancelled
    stale = client.post(url, {**move, "version": "2"})
    assert stale.status_code == 400
    assert reload(Event, event.pk, "0580").place == "Nya lokalen"


def test_attendance_is_recorded_with_a_checkbox_per_invitee(
    client: Any, secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    for name in ("Familjen Kom", "Familjen Uteblev"):
        make_home(secretary, name)
    series = make_series(secretary)
    event = first_meeting(series)
    invitations = {i.person.last_name: i for i in invite(secretary, event)}
    answer(invitations["Kom"], "yes")
    client.force_login(secretary)
    url = f"/traffar/traff/{event.pk}/narvaro/"
    assert client.post(url, {f"p{invitations['Kom'].person_id}": "on"}).status_code == 400, "not started yet"
    move_into_past(event)
    form = client.get(url)
    assert [row.invitation.person.last_name for row in form.context["rows"]] == ["Kom", "Uteblev"]
    assert client.post(url, {f"p{invitations['Kom'].person_id}": "on"}).status_code == 302
    with municipality_scope("0580"):
        marks = dict(Attendance.objects.filter(event=event).values_list("person_id", "is_present"))
    assert marks == {invitations["Kom"].person_id: True, invitations["Uteblev"].person_id: False}
    series_page = client.get(f"/traffar/serie/{series.pk}/").context["page"]
    assert series_page.past[0].present_count == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/traffar/serie/{series}/"),
        ("get", "/traffar/serie/{series}/andra/"),
        ("post", "/traffar/serie/{series}/andra/"),
        ("get", "/traffar/traff/{event}/"),
        ("get", "/traffar/traff/{event}/andra/"),
        ("post", "/traffar/traff/{event}/andra/"),
        ("post", "/traffar/traff/{event}/bjud-in/"),
        ("get", "/traffar/traff/{event}/narvaro/"),
        ("post", "/traffar/inbjudan/{invitation}/svar/"),
        ("post", "/traffar/inbjudan/{invitation}/aterkalla/"),
    ],
)
def test_another_municipalitys_series_meetings_and_invitations_are_not_found(
    client: Any,
    secretary: Any,
    other_secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    method: str,
    path: str,
) -> None:
    make_home(other_secretary, "Familjen Hemlig")
    series = make_series(other_secretary, title="Norrköpings träff")
    event = first_meeting(series)
    [invitation] = invite(other_secretary, event)
    client.force_login(secretary)
    url = path.format(series=series.pk, event=event.pk, invitation=invitation.pk)
    response = getattr(client, method)(
        url, {"answer": "yes", "action": "cancel", "reason": "x", "version": "1"}
    )
    assert response.status_code == 404
    assert "Hemlig" not in response.content.decode()
    assert reload(Invitation, invitation.pk, "0581").status == "pending"
    assert not reload(Event, event.pk, "0581").is_cancelled
    assert "Norrköpings träff" not in client.get("/traffar/").content.decode()


def test_only_staff_who_arrange_meetings_change_them(
    client: Any, make_user: Any, secretary: Any, make_series: Any, first_meeting: Any
) -> None:
    series = make_series(secretary)
    event = first_meeting(series)
    administrator = make_user("0580", "administrator")
    client.force_login(administrator)
    assert client.get("/traffar/").status_code == 403
    assert client.post(f"/traffar/traff/{event.pk}/bjud-in/").status_code == 403
    coordinator = make_user("0580", "county_coordinator")
    client.force_login(coordinator)
    assert client.get(f"/traffar/traff/{event.pk}/").status_code == 200
    client.logout()
    assert client.get("/traffar/").status_code == 302


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_series_list_costs_the_same_for_2_and_8_series(
    client: Any, secretary: Any, make_series: Any
) -> None:
    for n in range(2):
        make_series(secretary, title=f"Serie {n}")
    client.force_login(secretary)
    few = _queries(client, "/traffar/")
    for n in range(6):
        make_series(secretary, title=f"Fler {n}", capacity=10)
    assert _queries(client, "/traffar/") == few


def test_the_meeting_page_costs_the_same_for_2_and_10_invitees(
    client: Any, secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    for n in range(2):
        make_home(secretary, f"Familjen A{n}")
    event = first_meeting(make_series(secretary))
    invite(secretary, event)
    client.force_login(secretary)
    url = f"/traffar/traff/{event.pk}/"
    few = _queries(client, url)
    for n in range(8):
        make_home(secretary, f"Familjen B{n}", email="" if n % 2 else None)
    for invitation in invite(secretary, event)[:4]:
        answer(invitation, "yes")
    assert _queries(client, url) == few


def test_the_series_page_costs_the_same_for_6_and_20_meetings(
    client: Any, secretary: Any, make_series: Any
) -> None:
    few = make_series(secretary)
    start = timezone.localdate() + datetime.timedelta(days=1)
    many = make_series(secretary, starts_on=start, ends_on=start + datetime.timedelta(days=140))
    client.force_login(secretary)
    assert _queries(client, f"/traffar/serie/{few.pk}/") == _queries(client, f"/traffar/serie/{many.pk}/")
