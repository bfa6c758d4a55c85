"""iCalendar output: a series expands (RFC 5545, recurring-ical-events) to exactly the
app's own list of meetings, across daylight-saving changes, moves, cancellations and
rule changes; single events and the invitation attachment parse with their time zone."""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest

from accounts.models import User
from meetings.calendar import ical
from meetings.models import Event, Series
from meetings.recurrence import STOCKHOLM
from meetings.tests.calendar_data import (
    cohort_make,
    event_occurrences,
    feed_occurrences,
    local,
    meetings_plan,
    series_plan,
)
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = [pytest.mark.django_db, pytest.mark.clock]
WINTER, SUMMER = datetime.timedelta(hours=1), datetime.timedelta(hours=2)


def series_body(series: Series) -> tuple[bytes, list[Event]]:
    with municipality_scope(series.municipality_id):
        series.refresh_from_db()
        events = list(Event.objects.filter(series=series))
        calendar = ical.calendar_new(name=series.title)
        ical.series_add(calendar, series, events)
        return ical.calendar_bytes(calendar), [event for event in events if not event.is_cancelled]


def meeting_on(series: Series, day: datetime.date) -> Event:
    with municipality_scope(series.municipality_id):
        return next(
            event
            for event in Event.objects.filter(series=series)
            if event.starts_at.astimezone(STOCKHOLM).date() == day
        )


def change(event: Event, **fields: Any) -> None:
    with municipality_scope(event.municipality_id):
        for name, value in fields.items():
            setattr(event, name, value)
        event.sequence += 1
        event.save()


def vevents(body: bytes) -> list[Any]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_monthly_series_expands_to_the_stored_meetings_with_a_move_and_a_cancellation(
    secretary: User,
) -> None:
    series = series_plan(by=secretary)
    # March (winter time) moved to the Wednesday at 19:00; October cancelled.
    moved = meeting_on(series, datetime.date(2026, 3, 3))
    change(moved, starts_at=local(2026, 3, 4, 19), ends_at=local(2026, 3, 4, 21))
    change(meeting_on(series, datetime.date(2026, 10, 6)), is_cancelled=True, cancel_reason="Sjukdom")

    body, held = series_body(series)
    occurrences = feed_occurrences(body)

    assert occurrences == event_occurrences(held)
    assert len(occurrences) == 11
    assert (local(2026, 3, 4, 19), local(2026, 3, 4, 21)) in occurrences
    assert not any(start.date() == datetime.date(2026, 10, 6) for start, _ in occurrences)
    # 18:00 local all year; the UTC offset follows daylight-saving time.
    regular = [start for start, _ in occurrences if start.date() != datetime.date(2026, 3, 4)]
    assert {start.time() for start in regular} == {datetime.time(18, 0)}
    assert [start.utcoffset() for start in regular] == [WINTER] * 2 + [SUMMER] * 6 + [WINTER] * 2
    components = vevents(body)
    assert len(components) == 2  # one recurring event and one override, no loose copies
    master, override = components
    assert "RRULE" in master and master["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert [d.dt for exdate in [master["EXDATE"]] for d in exdate.dts] == [local(2026, 10, 6)]
    assert override["RECURRENCE-ID"].dt == local(2026, 3, 3)
    assert override["UID"] == master["UID"]
    assert override["SEQUENCE"] == 1


def test_weekly_series_over_both_dst_changes_with_a_move_across_the_spring_change(secretary: User) -> None:
    series = series_plan(
        by=secretary,
        frequency="weekly",
        week_of_month=None,
        weekday=0,
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 11, 30),
    )
    # The Monday before the spring change (winter time) moved to the Tuesday after it.
    change(
        meeting_on(series, datetime.date(2026, 3, 23)),
        starts_at=local(2026, 3, 31, 18),
        ends_at=local(2026, 3, 31, 20),
    )
    change(meeting_on(series, datetime.date(2026, 10, 26)), is_cancelled=True)

    body, held = series_body(series)
    occurrences = feed_occurrences(body)

    assert occurrences == event_occurrences(held)
    by_day = {start.date(): start for start, _ in occurrences}
    assert by_day[datetime.date(2026, 3, 16)].utcoffset() == WINTER
    assert by_day[datetime.date(2026, 3, 30)].utcoffset() == SUMMER
    assert by_day[datetime.date(2026, 3, 31)].utcoffset() == SUMMER
    assert by_day[datetime.date(2026, 10, 19)].utcoffset() == SUMMER
    assert by_day[datetime.date(2026, 11, 2)].utcoffset() == WINTER
    assert datetime.date(2026, 3, 23) not in by_day and datetime.date(2026, 10, 26) not in by_day
    assert {start.time() for start in by_day.values()} == {datetime.time(18, 0)}


def test_series_whose_rule_changed_keeps_the_meetings_planned_under_the_old_rule(secretary: User) -> None:
    series = series_plan(by=secretary)
    with municipality_scope(secretary.municipality_id or ""):
        # From July: the third Wednesday at 17:30 instead; the old rule's later meetings are removed.
        Event.objects.filter(series=series, starts_at__gte=local(2026, 7, 1, 0)).delete()
        series.weekday, series.week_of_month, series.start_time = 2, 3, datetime.time(17, 30)
        series.version += 1
        series.save()
    replanned = meetings_plan(series=series)
    with municipality_scope(secretary.municipality_id or ""):
        Event.objects.filter(pk__in=[e.pk for e in replanned if e.starts_at < local(2026, 7, 1, 0)]).delete()

    body, held = series_body(series)
    occurrences = feed_occurrences(body)

    assert occurrences == event_occurrences(held)
    assert [start.date() for start, _ in occurrences][5:7] == [
        datetime.date(2026, 6, 2),
        datetime.date(2026, 7, 15),
    ]
    assert {start.time() for start, _ in occurrences[:6]} == {datetime.time(18, 0)}
    assert {start.time() for start, _ in occurrences[6:]} == {datetime.time(17, 30)}
    master = vevents(body)[0]
    assert master["SEQUENCE"] == 2


def test_a_meeting_moved_only_in_place_is_an_override_with_the_new_place(secretary: User) -> None:
    series = series_plan(by=secretary, ends_on=datetime.date(2026, 3, 31))
    change(meeting_on(series, datetime.date(2026, 2, 3)), place="Biblioteket")

    body, held = series_body(series)

    assert feed_occurrences(body) == event_occurrences(held)
    override = vevents(body)[1]
    assert str(override["LOCATION"]) == "Biblioteket"
    assert override["RECURRENCE-ID"].dt == local(2026, 2, 3)


def test_a_series_without_any_rule_occurrence_lists_its_stored_meetings(secretary: User) -> None:
    series = series_plan(by=secretary, ends_on=datetime.date(2026, 3, 31))
    with municipality_scope(secretary.municipality_id or ""):
        series.starts_on, series.ends_on = datetime.date(2026, 1, 7), datetime.date(2026, 1, 20)
        series.save()

    body, held = series_body(series)

    assert len(held) == 3
    assert feed_occurrences(body) == event_occurrences(held)
    assert all("RRULE" not in component for component in vevents(body))


def test_an_empty_series_gives_an_empty_calendar_that_still_parses(secretary: User) -> None:
    series = series_plan(by=secretary, plan=False)

    body, _ = series_body(series)

    assert feed_occurrences(body) == []
    assert vevents(body) == []


def test_cohort_sessions_are_single_events_and_a_cancelled_one_is_marked_cancelled(secretary: User) -> None:
    starts = [local(2026, 3, 17 + 7 * week, 13) for week in range(3)]  # over the spring change
    _, sessions = cohort_make(by=secretary, starts=starts)
    change(sessions[1], is_cancelled=True)
    with municipality_scope(secretary.municipality_id or ""):
        events = list(Event.objects.filter(pk__in=[s.pk for s in sessions]))
    calendar = ical.calendar_new(name="Höstgruppen")
    ical.events_add(calendar, events)
    body = ical.calendar_bytes(calendar)

    assert feed_occurrences(body) == event_occurrences([e for e in events if not e.is_cancelled])
    assert feed_occurrences(body, include_cancelled=True) == event_occurrences(events)
    statuses = {str(c["UID"]): str(c["STATUS"]) for c in vevents(body)}
    assert statuses[ical.event_uid(sessions[1])] == "CANCELLED"
    assert [start.utcoffset() for start, _ in feed_occurrences(body)] == [WINTER, SUMMER]


def test_invitation_ics_parses_with_the_stockholm_time_zone_and_no_personal_data(secretary: User) -> None:
    series = series_plan(
        by=secretary, ends_on=datetime.date(2026, 7, 31), video_url="https://meet.example.se/x"
    )
    event = meeting_on(series, datetime.date(2026, 7, 7))

    body = ical.invitation_ics(event)
    calendar = icalendar.Calendar.from_ical(body)

    assert str(calendar["METHOD"]) == "PUBLISH"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert vevent["DTSTART"].dt == local(2026, 7, 7)
    assert vevent["DTSTART"].dt.utcoffset() == SUMMER
    assert str(vevent["LOCATION"]) == "Stadshuset, rum 3"
    assert str(vevent["URL"]) == "https://meet.example.se/x"
    text = body.decode()
    assert "ATTENDEE" not in text and "ORGANIZER" not in text
    assert secretary.last_name not in text and secretary.email not in text
    assert feed_occurrences(body) == event_occurrences([event])


def test_a_meeting_at_a_time_skipped_by_the_spring_change_is_matched_to_its_rule_occurrence(
    secretary: User,
) -> None:
    # 02:30 on 29 March 2026 does not exist; it is stored as 03:30 CEST (RFC 5545's reading).
    series = series_plan(
        by=secretary,
        frequency="weekly",
        week_of_month=None,
        weekday=6,
        starts_on=datetime.date(2026, 3, 22),
        ends_on=datetime.date(2026, 4, 5),
        start_time=datetime.time(2, 30),
    )

    body, held = series_body(series)

    # Compared as instants: 02:30 "+01:00" and 03:30 "+02:00" are the same moment, but
    # two Stockholm datetimes compare by wall clock. (Ends are not compared: on this
    # night recurring-ical-events adds the length by wall clock, not as elapsed time.)
    def instants(occurrences: list[tuple[datetime.datetime, datetime.datetime]]) -> list[datetime.datetime]:
        return [start.astimezone(datetime.UTC) for start, _ in occurrences]

    assert instants(feed_occurrences(body)) == instants(event_occurrences(held))
    (master,) = vevents(body)  # no override and no EXDATE for the stored meeting
    assert "EXDATE" not in master


def test_two_meetings_planned_for_one_occurrence_both_appear(secretary: User) -> None:
    series = series_plan(by=secretary, ends_on=datetime.date(2026, 2, 28))
    first = meeting_on(series, datetime.date(2026, 2, 3))
    with municipality_scope(secretary.municipality_id or ""):
        Event.objects.create(
            municipality_id=first.municipality_id,
            kind=first.kind,
            series=series,
            number=3,
            title="Extra träff",
            starts_at=local(2026, 2, 10),
            ends_at=local(2026, 2, 10, 20),
            original_starts_at=first.original_starts_at,
        )

    body, held = series_body(series)

    assert len(held) == 3
    assert feed_occurrences(body) == event_occurrences(held)
