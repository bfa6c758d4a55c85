"""The recurrence rule: the app's list of meeting times, its RRULE, and that the two agree.

An independent day-by-day oracle and an RFC 5545 expansion (icalendar +
recurring-ical-events) check ``occurrence_starts`` for random rules over two years.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime

import icalendar
import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.recurrence import (
    MAX_OCCURRENCES,
    MONTHLY,
    STOCKHOLM,
    WEEKLY,
    Recurrence,
    occurrence_starts,
    series_rrule,
)


def rule(**fields: object) -> Recurrence:
    values: dict[str, object] = {
        "frequency": MONTHLY,
        "interval": 1,
        "weekday": 1,
        "week_of_month": 1,
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "start_time": datetime.time(18, 0),
    }
    values.update(fields)
    return Recurrence(**values)  # type: ignore[arg-type]  # test data


def nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date:
    days = [
        datetime.date(year, month, day)
        for day in range(1, month_calendar.monthrange(year, month)[1] + 1)
        if datetime.date(year, month, day).weekday() == weekday
    ]
    return days[-1] if n == -1 else days[n - 1]


def oracle(recurrence: Recurrence) -> list[datetime.datetime]:
    """The intended meaning, walked date by date: the first matching day on or after
    the first date, then every ``interval`` weeks or months, up to the last date."""
    dates: list[datetime.date] = []
    if recurrence.frequency == WEEKLY:
        day = recurrence.starts_on
        while day.weekday() != recurrence.weekday:
            day += datetime.timedelta(days=1)
        while day <= recurrence.ends_on and len(dates) <= MAX_OCCURRENCES:
            dates.append(day)
            day += datetime.timedelta(weeks=recurrence.interval)
    else:
        assert recurrence.week_of_month is not None
        year, month = recurrence.starts_on.year, recurrence.starts_on.month
        if nth_weekday(year, month, recurrence.weekday, recurrence.week_of_month) < recurrence.starts_on:
            year, month = (year, month + 1) if month < 12 else (year + 1, 1)
        while len(dates) <= MAX_OCCURRENCES:
            day = nth_weekday(year, month, recurrence.weekday, recurrence.week_of_month)
            if day > recurrence.ends_on:
                break
            dates.append(day)
            months = year * 12 + month - 1 + recurrence.interval
            year, month = divmod(months, 12)
            month += 1
    return [datetime.datetime.combine(day, recurrence.start_time, tzinfo=STOCKHOLM) for day in dates]


def rrule_expansion(recurrence: Recurrence) -> list[datetime.datetime]:
    """What a calendar program makes of the RRULE, expanded by recurring-ical-events."""
    starts = occurrence_starts(recurrence)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", "rule@test")
    event.add("dtstamp", datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    event.add("dtstart", starts[0])
    event.add("dtend", starts[0] + datetime.timedelta(hours=2))
    event.add("rrule", icalendar.vRecur.from_ical(recurrence.rrule_value()))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    parsed = icalendar.Calendar.from_ical(calendar.to_ical())
    found = recurring_ical_events.of(parsed).between(
        datetime.date(recurrence.starts_on.year - 1, 1, 1), datetime.date(recurrence.ends_on.year + 2, 1, 1)
    )
    return sorted(component["DTSTART"].dt.astimezone(STOCKHOLM) for component in found)


def test_first_tuesday_of_the_month_stays_at_18_local_across_both_dst_changes() -> None:
    starts = occurrence_starts(rule())

    assert [start.date() for start in starts] == [
        datetime.date(2026, 1, 6),
        datetime.date(2026, 2, 3),
        datetime.date(2026, 3, 3),
        datetime.date(2026, 4, 7),
        datetime.date(2026, 5, 5),
        datetime.date(2026, 6, 2),
        datetime.date(2026, 7, 7),
        datetime.date(2026, 8, 4),
        datetime.date(2026, 9, 1),
        datetime.date(2026, 10, 6),
        datetime.date(2026, 11, 3),
        datetime.date(2026, 12, 1),
    ]
    assert {start.astimezone(STOCKHOLM).time() for start in starts} == {datetime.time(18, 0)}
    offsets = [start.utcoffset() for start in starts]
    winter, summer = datetime.timedelta(hours=1), datetime.timedelta(hours=2)
    assert offsets == [winter] * 3 + [summer] * 7 + [winter] * 2
    # In UTC the meeting moves by an hour: 17:00Z in winter, 16:00Z in summer.
    assert starts[0].astimezone(datetime.UTC).hour == 17
    assert starts[5].astimezone(datetime.UTC).hour == 16


def test_last_weekday_of_the_month() -> None:
    starts = occurrence_starts(
        rule(
            week_of_month=-1,
            weekday=3,
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 3, 31),
        )
    )

    assert [start.date() for start in starts] == [
        datetime.date(2026, 1, 29),
        datetime.date(2026, 2, 26),
        datetime.date(2026, 3, 26),
    ]


def test_weekly_series_over_the_spring_change_keeps_its_local_time() -> None:
    starts = occurrence_starts(
        rule(
            frequency=WEEKLY,
            week_of_month=None,
            weekday=6,
            starts_on=datetime.date(2026, 3, 15),
            ends_on=datetime.date(2026, 4, 5),
            start_time=datetime.time(10, 0),
        )
    )

    assert [start.date() for start in starts] == [
        datetime.date(2026, 3, 15),
        datetime.date(2026, 3, 22),
        datetime.date(2026, 3, 29),
        datetime.date(2026, 4, 5),
    ]
    assert [start.utcoffset() for start in starts] == [datetime.timedelta(hours=h) for h in (1, 1, 2, 2)]
    assert {start.time() for start in starts} == {datetime.time(10, 0)}


def test_every_other_week_counts_from_the_first_matching_day_not_the_first_dates_week() -> None:
    # 2 January 2026 is a Friday: the first Monday is 5 January.
    starts = occurrence_starts(
        rule(
            frequency=WEEKLY,
            interval=2,
            week_of_month=None,
            weekday=0,
            starts_on=datetime.date(2026, 1, 2),
            ends_on=datetime.date(2026, 2, 28),
        )
    )

    assert [start.date() for start in starts] == [
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 19),
        datetime.date(2026, 2, 2),
        datetime.date(2026, 2, 16),
    ]


def test_every_other_month_does_not_skip_the_next_month_when_the_first_date_is_past_this_months_day() -> None:
    starts = occurrence_starts(rule(interval=2, starts_on=datetime.date(2026, 1, 10)))

    assert [start.date() for start in starts][:3] == [
        datetime.date(2026, 2, 3),
        datetime.date(2026, 4, 7),
        datetime.date(2026, 6, 2),
    ]


def test_the_first_and_last_dates_are_included_when_they_match() -> None:
    starts = occurrence_starts(rule(starts_on=datetime.date(2026, 1, 6), ends_on=datetime.date(2026, 3, 3)))

    assert [start.date() for start in starts] == [
        datetime.date(2026, 1, 6),
        datetime.date(2026, 2, 3),
        datetime.date(2026, 3, 3),
    ]


def test_a_period_without_a_matching_day_has_no_occurrences() -> None:
    assert (
        occurrence_starts(rule(starts_on=datetime.date(2026, 1, 7), ends_on=datetime.date(2026, 2, 2))) == []
    )


def test_a_very_long_series_is_cut_after_the_maximum_plus_one_so_the_caller_sees_it_is_too_long() -> None:
    starts = occurrence_starts(
        rule(frequency=WEEKLY, week_of_month=None, ends_on=datetime.date(2030, 12, 31))
    )

    assert len(starts) == MAX_OCCURRENCES + 1


@pytest.mark.parametrize(
    "fields",
    [
        {"frequency": "daily"},
        {"frequency": MONTHLY, "week_of_month": None},
        {"frequency": MONTHLY, "week_of_month": 5},
    ],
)
def test_an_unsupported_rule_is_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="Unsupported recurrence"):
        occurrence_starts(rule(**fields))


def test_rrule_gives_until_in_utc_at_the_last_occurrence() -> None:
    assert rule().rrule_value() == "FREQ=MONTHLY;INTERVAL=1;BYDAY=1TU;UNTIL=20261201T170000Z"
    weekly = rule(
        frequency=WEEKLY, week_of_month=None, weekday=4, interval=2, ends_on=datetime.date(2026, 7, 1)
    )
    assert weekly.rrule_value() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;UNTIL=20260619T160000Z"


def test_series_rrule_reads_a_series_like_object() -> None:
    class SeriesLike:
        frequency, interval, weekday, week_of_month = MONTHLY, 1, 1, -1
        starts_on, ends_on = datetime.date(2026, 1, 1), datetime.date(2026, 2, 28)
        start_time = datetime.time(18, 0)

    assert series_rrule(SeriesLike()) == "FREQ=MONTHLY;INTERVAL=1;BYDAY=-1TU;UNTIL=20260224T170000Z"


def test_the_dst_night_keeps_rfc_5545_meaning_for_a_time_that_does_not_exist() -> None:
    # 02:30 on the last Sunday of March does not exist in Stockholm; RFC 5545 reads
    # it with the offset before the gap (03:30 CEST), and so does zoneinfo.
    starts = occurrence_starts(
        rule(
            frequency=WEEKLY,
            week_of_month=None,
            weekday=6,
            starts_on=datetime.date(2026, 3, 29),
            ends_on=datetime.date(2026, 3, 29),
            start_time=datetime.time(2, 30),
        )
    )

    assert starts[0].astimezone(datetime.UTC) == datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)
    assert rrule_expansion(
        rule(
            frequency=WEEKLY,
            week_of_month=None,
            weekday=6,
            starts_on=datetime.date(2026, 3, 22),
            ends_on=datetime.date(2026, 4, 5),
            start_time=datetime.time(2, 30),
        )
    )[1].astimezone(datetime.UTC) == datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)


rules = st.builds(
    lambda frequency, interval, weekday, week, start, days, minutes: Recurrence(
        frequency=frequency,
        interval=interval,
        weekday=weekday,
        week_of_month=week if frequency == MONTHLY else None,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=days),
        # Whole quarter hours from 07:00 to 21:45: real meeting times.
        start_time=(datetime.datetime(2000, 1, 1, 7) + datetime.timedelta(minutes=15 * minutes)).time(),
    ),
    frequency=st.sampled_from([WEEKLY, MONTHLY]),
    interval=st.integers(min_value=1, max_value=4),
    weekday=st.integers(min_value=0, max_value=6),
    week=st.sampled_from([1, 2, 3, 4, -1]),
    start=st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2027, 12, 31)),
    days=st.integers(min_value=0, max_value=730),
    minutes=st.integers(min_value=0, max_value=59),
)


@settings(max_examples=150, deadline=None)
@given(recurrence=rules)
def test_app_list_equals_the_intended_dates_and_the_rrule_expansion(recurrence: Recurrence) -> None:
    starts = occurrence_starts(recurrence)

    assert starts == oracle(recurrence)
    assert all(start.astimezone(STOCKHOLM).time() == recurrence.start_time for start in starts)
    if starts and len(starts) <= MAX_OCCURRENCES:
        assert rrule_expansion(recurrence) == starts
