"""Session dates skip Swedish holidays, checked against the ``holidays`` package."""

from __future__ import annotations

import datetime
import itertools

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.sessions import holiday_name, session_dates, skipped_weeks


def _swedish(*years: int) -> holidays.HolidayBase:
    return holidays.Sweden(
        years=range(min(years), max(years) + 1),
        categories=(holidays.PUBLIC, holidays.DE_FACTO),
        include_sundays=False,
    )


# No deadline: the first call builds (and caches) the holiday calendars, and the machine is shared.
@settings(deadline=None, max_examples=300)
@given(
    first=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2080, 12, 31)),
    count=st.integers(min_value=1, max_value=20),
)
def test_generated_dates_are_weekly_on_one_weekday_never_on_a_holiday_and_skip_only_holidays(
    first: datetime.date, count: int
) -> None:
    dates = session_dates(first=first, count=count)
    calendar = _swedish(first.year, dates[-1].year)
    assert len(dates) == count
    assert all(day.weekday() == first.weekday() for day in dates)
    assert all(day not in calendar for day in dates)
    assert all((b - a).days > 0 and (b - a).days % 7 == 0 for a, b in itertools.pairwise(dates))
    # Every week of the grid between the first date and the last session that has no
    # session is a holiday: nothing else is skipped.
    grid = [first + datetime.timedelta(weeks=k) for k in range((dates[-1] - first).days // 7 + 1)]
    assert [day for day in grid if day not in dates] == [day for day in grid if day in calendar]
    assert [day for day, _name in skipped_weeks(first=first, count=count)] == [
        day for day in grid if day in calendar
    ]


def test_the_de_facto_holidays_are_included() -> None:
    assert holiday_name(datetime.date(2026, 12, 24)) == "Julafton"
    assert holiday_name(datetime.date(2026, 6, 19)) == "Midsommarafton"
    assert holiday_name(datetime.date(2026, 12, 31)) == "Nyårsafton"
    assert holiday_name(datetime.date(2026, 5, 14)) == "Kristi himmelsfärdsdag"


def test_an_ordinary_sunday_is_not_a_holiday() -> None:
    assert holiday_name(datetime.date(2026, 11, 29)) is None
    assert session_dates(first=datetime.date(2026, 11, 29), count=2) == [
        datetime.date(2026, 11, 29),
        datetime.date(2026, 12, 6),
    ]


def test_a_cohort_starting_the_thursday_before_ascension_day_skips_that_week() -> None:
    dates = session_dates(first=datetime.date(2026, 5, 7), count=8)
    assert datetime.date(2026, 5, 14) not in dates
    assert dates[:2] == [datetime.date(2026, 5, 7), datetime.date(2026, 5, 21)]
    assert dates[-1] == datetime.date(2026, 7, 2)
    assert skipped_weeks(first=datetime.date(2026, 5, 7), count=8) == [
        (datetime.date(2026, 5, 14), "Kristi himmelsfärdsdag")
    ]


def test_a_thursday_cohort_over_new_year_skips_christmas_eve_and_new_years_eve() -> None:
    dates = session_dates(first=datetime.date(2026, 12, 17), count=3)
    assert dates == [datetime.date(2026, 12, 17), datetime.date(2027, 1, 7), datetime.date(2027, 1, 14)]


def test_a_friday_cohort_skips_midsummer_eve() -> None:
    dates = session_dates(first=datetime.date(2026, 6, 12), count=2)
    assert dates == [datetime.date(2026, 6, 12), datetime.date(2026, 6, 26)]


def test_a_first_date_on_a_holiday_moves_the_first_session_a_week() -> None:
    assert session_dates(first=datetime.date(2026, 5, 14), count=1) == [datetime.date(2026, 5, 21)]


def test_zero_sessions_is_an_empty_plan_and_a_negative_count_is_an_error() -> None:
    assert session_dates(first=datetime.date(2026, 5, 7), count=0) == []
    assert skipped_weeks(first=datetime.date(2026, 5, 7), count=0) == []
    with pytest.raises(ValueError, match="negative"):
        session_dates(first=datetime.date(2026, 5, 7), count=-1)
