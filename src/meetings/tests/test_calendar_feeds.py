"""Calendar feeds behind a secret URL, the keys, and the staff page listing the addresses.

A feed is reached without logging in; every failure (tampered, unknown or rotated
secret, another municipality's series, inactive user, missing permission) is the
same 404. Feeds carry times and places, never names.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import ChangeLogEntry
from meetings.calendar import links as calendar_links
from meetings.calendar import services as calendar_services
from meetings.models import CalendarKey, Event, Invitation, Series
from meetings.tests.calendar_data import (
    cohort_make,
    event_occurrences,
    feed_occurrences,
    local,
    series_plan,
)
from tenancy.scope import municipality_scope

# Dates are counted from the test clock (conftest.py: time_machine travels every test to
# BOLLPLANK_TEST_NOW); scripts/test runs this module at several awkward instants.
pytestmark = [pytest.mark.django_db, pytest.mark.clock]
LINKOPING, NORRKOPING = "0580", "0581"
# Feeds show a year back; keep test meetings in the future of "now" whatever the date.
NEXT_YEAR = timezone.localdate().year + 1


def user_token(user: User) -> str:
    with municipality_scope(user.municipality_id or ""):
        return calendar_links.feed_token(calendar_services.calendar_key_for_user(user=user))


def person_token(person: Any) -> str:
    with municipality_scope(person.municipality_id):
        return calendar_links.feed_token(calendar_services.calendar_key_for_person(person=person))


def series_url(token: str, series: Series) -> str:
    return reverse("calendar_public:series", kwargs={"token": token, "pk": series.pk})


def cohort_url(token: str, cohort: Any) -> str:
    return reverse("calendar_public:cohort", kwargs={"token": token, "pk": cohort.pk})


def personal_url(token: str) -> str:
    return reverse("calendar_public:personal", kwargs={"token": token})


def events_of(**filters: Any) -> list[Event]:
    with municipality_scope(LINKOPING, NORRKOPING):
        return list(Event.objects.filter(**filters))


def invite(event: Event, person: Any, status: str = "pending") -> Invitation:
    # The invitation belongs to the invitee's municipality, the meeting perhaps to another one.
    with municipality_scope(person.municipality_id):
        return Invitation.objects.create(
            municipality_id=person.municipality_id,
            event=event,
            person=person,
            household=person.household,
            status=status,
            nonce=f"n{event.pk}-{person.pk}",
        )


def next_year_series(by: User, **fields: Any) -> Series:
    values = {"starts_on": datetime.date(NEXT_YEAR, 1, 1), "ends_on": datetime.date(NEXT_YEAR, 12, 31)}
    return series_plan(by=by, **{**values, **fields})


# --- keys -------------------------------------------------------------------


def test_a_user_gets_one_key_and_the_token_names_the_municipality(secretary: User) -> None:
    with municipality_scope(LINKOPING):
        first = calendar_services.calendar_key_for_user(user=secretary)
        again = calendar_services.calendar_key_for_user(user=secretary)

    assert first.pk == again.pk
    assert len(first.secret) >= 43
    assert calendar_links.feed_token(first) == f"0580.{first.secret}"
    assert calendar_links.token_split(f"0580.{first.secret}") == ("0580", first.secret)


@pytest.mark.parametrize("token", ["", "0580", "0580.", ".abc", "abc.def", "05800.abc", "0580abc"])
def test_a_malformed_token_does_not_split(token: str) -> None:
    assert calendar_links.token_split(token) is None


def test_person_feed_url_is_absolute_and_stable(secretary: User, make_family: Any, settings: Any) -> None:
    settings.BOLLPLANK_BASE_URL = "https://bollplank.example.se/"
    person = make_family(secretary).member
    with municipality_scope(LINKOPING):
        url = calendar_links.person_feed_url(person=person)
        again = calendar_links.person_feed_url(person=person)
        key = CalendarKey.objects.get(person=person)

    assert url == again
    assert url == f"https://bollplank.example.se/kalender/0580.{key.secret}/mitt.ics"


def test_rotating_retires_every_old_address_and_is_in_the_history(client: Client, secretary: User) -> None:
    series = next_year_series(secretary)
    old = user_token(secretary)
    assert client.get(series_url(old, series)).status_code == 200

    with municipality_scope(LINKOPING):
        calendar_services.calendar_key_rotate(by=secretary, user=secretary)
        history = ChangeLogEntry.objects.filter(object_type="meetings.calendarkey").get()
    new = user_token(secretary)

    assert new != old
    assert client.get(series_url(old, series)).status_code == 404
    assert client.get(personal_url(old)).status_code == 404
    assert client.get(series_url(new, series)).status_code == 200
    assert old.split(".")[1] not in str(history.changes) and new.split(".")[1] not in str(history.changes)


# --- feeds --------------------------------------------------------------------


def test_series_feed_expands_to_the_meetings_across_dst_without_logging_in(
    client: Client, secretary: User
) -> None:
    series = next_year_series(secretary)
    march = next(e for e in events_of(series=series) if e.starts_at.month == 3)
    with municipality_scope(LINKOPING):
        march.starts_at += datetime.timedelta(days=1)
        march.ends_at += datetime.timedelta(days=1)
        march.save()
        Event.objects.filter(series=series, starts_at__month=10).update(is_cancelled=True)

    response = client.get(series_url(user_token(secretary), series))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    held = [e for e in events_of(series=series) if not e.is_cancelled]
    occurrences = feed_occurrences(response.content)
    assert occurrences == event_occurrences(held)
    assert len(occurrences) == 11
    assert {start.utcoffset() for start, _ in occurrences} == {
        datetime.timedelta(hours=1),
        datetime.timedelta(hours=2),
    }
    assert {start.time() for start, _ in occurrences} == {datetime.time(18, 0)}


def test_cohort_feed_lists_every_session_with_cancelled_ones_marked(client: Client, secretary: User) -> None:
    starts = [local(NEXT_YEAR, 3, 10 + 7 * week, 13) for week in range(4)]
    cohort, sessions = cohort_make(by=secretary, starts=starts)
    with municipality_scope(LINKOPING):
        Event.objects.filter(pk=sessions[2].pk).update(is_cancelled=True)

    response = client.get(cohort_url(user_token(secretary), cohort))

    assert response.status_code == 200
    events = events_of(session__cohort=cohort)
    assert feed_occurrences(response.content, include_cancelled=True) == event_occurrences(events)
    assert feed_occurrences(response.content) == event_occurrences([e for e in events if not e.is_cancelled])
    assert response.content.count(b"STATUS:CANCELLED") == 1


def test_a_users_personal_feed_has_their_current_groups_and_their_series_only(
    client: Client, secretary: User, manager: User
) -> None:
    mine = next_year_series(secretary, title="Min träff", ends_on=datetime.date(NEXT_YEAR, 2, 28))
    next_year_series(manager, title="Chefens träff")
    current, _ = cohort_make(
        by=secretary, starts=[local(NEXT_YEAR, 4, 7, 13)], name="Vårgruppen", members=[{"user": secretary}]
    )
    cohort_make(
        by=secretary,
        starts=[local(NEXT_YEAR, 4, 8, 13)],
        name="Lämnad grupp",
        members=[{"user": secretary, "left_on": timezone.localdate()}],
    )
    cohort_make(
        by=secretary, starts=[local(NEXT_YEAR, 4, 9, 13)], name="Annan grupp", members=[{"user": manager}]
    )

    response = client.get(personal_url(user_token(secretary)))

    assert response.status_code == 200
    expected = events_of(series=mine) + events_of(session__cohort=current)
    assert feed_occurrences(response.content) == event_occurrences(expected)
    assert b"Chefens" not in response.content


def test_a_persons_feed_has_meetings_they_have_not_declined_and_their_sessions(
    client: Client, secretary: User, other_secretary: User, make_family: Any
) -> None:
    family = make_family(secretary)
    person = family.member
    own = next_year_series(secretary, ends_on=datetime.date(NEXT_YEAR, 4, 30))
    # A regional meeting of the neighbouring municipality, invited across the border.
    regional = next_year_series(
        other_secretary, title="Regional träff", ends_on=datetime.date(NEXT_YEAR, 1, 31)
    )
    jan, feb, mar, apr = events_of(series=own)
    invite(jan, person, "accepted")
    invite(feb, person, "declined")
    invite(mar, person, "withdrawn")
    invite(apr, person, "waitlisted")
    (regional_meeting,) = events_of(series=regional)
    invite(regional_meeting, person, "pending")
    _, sessions = cohort_make(
        by=secretary,
        starts=[local(NEXT_YEAR, 5, 5, 13), local(NEXT_YEAR, 5, 12, 13)],
        members=[{"person": person}],
    )

    response = client.get(personal_url(person_token(person)))

    assert response.status_code == 200
    assert feed_occurrences(response.content) == event_occurrences([jan, apr, regional_meeting, *sessions])
    text = response.content.decode()
    assert "Lind" not in text and "Lena" not in text and "Sekreterare" not in text


def test_feeds_contain_no_names(client: Client, secretary: User, make_family: Any) -> None:
    person = make_family(secretary).member
    series = next_year_series(secretary, ends_on=datetime.date(NEXT_YEAR, 2, 28))
    for event in events_of(series=series):
        invite(event, person, "accepted")
    cohort, _ = cohort_make(
        by=secretary, starts=[local(NEXT_YEAR, 4, 7, 13)], members=[{"user": secretary}, {"person": person}]
    )
    token = user_token(secretary)

    bodies = [
        client.get(url).content.decode()
        for url in (
            personal_url(token),
            series_url(token, series),
            cohort_url(token, cohort),
            personal_url(person_token(person)),
        )
    ]

    for body in bodies:
        assert "BEGIN:VEVENT" in body
        for name in ("Sara", "Sekreterare", "Lena", "Lind", "ATTENDEE", "ORGANIZER", "@0580.example.se"):
            assert name not in body


# --- refusals -------------------------------------------------------------------


def test_tampered_unknown_and_malformed_tokens_are_404(client: Client, secretary: User) -> None:
    series = next_year_series(secretary, ends_on=datetime.date(NEXT_YEAR, 1, 31))
    token = user_token(secretary)
    code, secret = token.split(".")
    tampered = f"{code}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"

    for bad in (tampered, f"{code}.unknown-secret", "0581." + secret, "9999." + secret, secret, "x.y"):
        assert client.get(series_url(bad, series)).status_code == 404, bad
        assert client.get(personal_url(bad)).status_code == 404, bad
    assert client.get(series_url(token, series)).status_code == 200


def test_another_municipalitys_series_and_cohort_are_404_like_missing_ones(
    client: Client, secretary: User, other_secretary: User
) -> None:
    theirs = next_year_series(other_secretary, ends_on=datetime.date(NEXT_YEAR, 1, 31))
    their_cohort, _ = cohort_make(by=other_secretary, starts=[local(NEXT_YEAR, 4, 7, 13)])
    token = user_token(secretary)

    assert client.get(series_url(token, theirs)).status_code == 404
    assert client.get(cohort_url(token, their_cohort)).status_code == 404
    assert (
        client.get(reverse("calendar_public:series", kwargs={"token": token, "pk": 999_999})).status_code
        == 404
    )
    # Their own key reads them: the refusal is about the municipality, not the series.
    assert client.get(series_url(user_token(other_secretary), theirs)).status_code == 200


def test_an_inactive_users_addresses_stop_working(client: Client, secretary: User) -> None:
    series = next_year_series(secretary, ends_on=datetime.date(NEXT_YEAR, 1, 31))
    token = user_token(secretary)
    secretary.is_active = False
    secretary.save(update_fields=["is_active"])

    assert client.get(series_url(token, series)).status_code == 404
    assert client.get(personal_url(token)).status_code == 404


def test_a_user_who_moved_municipality_loses_the_old_addresses(client: Client, secretary: User) -> None:
    token = user_token(secretary)
    secretary.municipality_id = NORRKOPING
    secretary.save(update_fields=["municipality"])

    assert client.get(personal_url(token)).status_code == 404


def test_a_role_without_meetings_or_programmes_gets_no_series_or_cohort_feed(
    client: Client, secretary: User, make_user: Any
) -> None:
    administrator = make_user(LINKOPING, Role.ADMINISTRATOR)
    series = next_year_series(secretary, ends_on=datetime.date(NEXT_YEAR, 1, 31))
    cohort, _ = cohort_make(by=secretary, starts=[local(NEXT_YEAR, 4, 7, 13)])
    token = user_token(administrator)

    assert client.get(series_url(token, series)).status_code == 404
    assert client.get(cohort_url(token, cohort)).status_code == 404


def test_a_persons_key_reads_only_the_personal_feed(
    client: Client, secretary: User, make_family: Any
) -> None:
    person = make_family(secretary).member
    series = next_year_series(secretary, ends_on=datetime.date(NEXT_YEAR, 1, 31))
    cohort, _ = cohort_make(by=secretary, starts=[local(NEXT_YEAR, 4, 7, 13)], members=[{"person": person}])
    token = person_token(person)

    assert client.get(series_url(token, series)).status_code == 404
    assert client.get(cohort_url(token, cohort)).status_code == 404
    assert client.get(personal_url(token)).status_code == 200


def test_feeds_answer_get_only(client: Client, secretary: User) -> None:
    assert client.post(personal_url(user_token(secretary))).status_code == 405


def test_personal_feed_costs_the_same_for_2_and_10_events(
    client: Client, secretary: User, make_family: Any
) -> None:
    person = make_family(secretary).member

    def queries(token: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(personal_url(token))
        assert response.status_code == 200
        return len(captured.captured_queries)

    few_series = next_year_series(secretary, ends_on=datetime.date(NEXT_YEAR, 2, 28))
    for event in events_of(series=few_series):
        invite(event, person)
    user, member = user_token(secretary), person_token(person)
    few = (queries(user), queries(member))
    many_series = next_year_series(secretary, starts_on=datetime.date(NEXT_YEAR, 3, 1))
    for event in events_of(series=many_series)[:8]:
        invite(event, person)
    cohort_make(
        by=secretary,
        starts=[local(NEXT_YEAR, 5, 5 + day, 13) for day in range(8)],
        members=[{"user": secretary}, {"person": person}],
    )

    assert (queries(user), queries(member)) == few


# --- the staff page -----------------------------------------------------------


def test_calendar_page_lists_own_feeds_and_none_of_another_municipality(
    logged_in: Any, secretary: User, other_secretary: User
) -> None:
    mine = next_year_series(secretary, title="Samtalsträff Linköping", plan=False)
    theirs = next_year_series(other_secretary, title="Samtalsträff Norrköping", plan=False)
    cohort, _ = cohort_make(by=secretary, starts=[local(NEXT_YEAR, 4, 7, 13)], name="Vårgruppen")
    client = logged_in(secretary)

    response = client.get(reverse("meetings:calendar"))

    assert response.status_code == 200
    token = user_token(secretary)
    text = response.content.decode()
    assert personal_url(token) in text
    assert series_url(token, mine) in text
    assert cohort_url(token, cohort) in text
    assert "Samtalsträff Linköping" in text and "Vårgruppen" in text
    assert "Norrköping" not in text.replace(str(secretary.municipality), "")
    assert f"/serie/{theirs.pk}.ics" not in text


def test_calendar_page_needs_meetings_permission(logged_in: Any, make_user: Any) -> None:
    client = logged_in(make_user(LINKOPING, Role.ADMINISTRATOR))

    assert client.get(reverse("meetings:calendar")).status_code == 403
    assert client.post(reverse("meetings:calendar_rotate")).status_code == 403


def test_new_address_button_rotates_the_secret(logged_in: Any, secretary: User) -> None:
    old = user_token(secretary)
    client = logged_in(secretary)

    assert client.get(reverse("meetings:calendar_rotate")).status_code == 405
    response = client.post(reverse("meetings:calendar_rotate"), follow=True)

    new = user_token(secretary)
    assert new != old
    assert personal_url(new) in response.content.decode()
    assert personal_url(old) not in response.content.decode()


def test_calendar_page_costs_the_same_for_1_and_6_series_and_cohorts(logged_in: Any, secretary: User) -> None:
    client = logged_in(secretary)
    next_year_series(secretary, plan=False)
    cohort_make(by=secretary, starts=[local(NEXT_YEAR, 4, 7, 13)])
    client.get(reverse("meetings:calendar"))  # the key is made on the first visit

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("meetings:calendar")).status_code == 200
        return len(captured.captured_queries)

    one = queries()
    for n in range(5):
        next_year_series(secretary, title=f"Träff {n}", plan=False)
        cohort_make(by=secretary, starts=[local(NEXT_YEAR, 4, 8 + n, 13)], name=f"Grupp {n}")

    assert queries() == one
