"""Session dates of a programme cohort: weekly on the first session's weekday,
skipping Swedish public and de facto holidays (Julafton, Midsommarafton,
Nyårsafton are not public holidays by law but nobody meets on them).

Plain functions of dates; the holiday calendar is the ``holidays`` package's.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays

WEEK = datetime.timedelta(days=7)
# Sundays are "helgdagar" in the package unless excluded; a Sunday cohort still meets.
_CATEGORIES = (holidays.PUBLIC, holidays.DE_FACTO)


@lru_cache(maxsize=256)
def _holidays_of(year: int) -> dict[datetime.date, str]:
    calendar = holidays.Sweden(years=year, categories=_CATEGORIES, include_sundays=False, language="sv")
    return dict(calendar.items())


def holiday_name(day: datetime.date) -> str | None:
    """The Swedish name of the holiday on ``day`` (e.g. "Kristi himmelsfärdsdag"), or None."""
    return _holidays_of(day.year).get(day)


def session_dates(*, first: datetime.date, count: int) -> list[datetime.date]:
    """``count`` weekly dates from ``first`` on its weekday; a week falling on a
    holiday is skipped and the series continues the week after."""
    if count < 0:
        raise ValueError("count must not be negative")
    dates: list[datetime.date] = []
    day = first
    while len(dates) < count:
        if holiday_name(day) is None:
            dates.append(day)
        day += WEEK
    return dates


def skipped_weeks(*, first: datetime.date, count: int) -> list[tuple[datetime.date, str]]:
    """The holidays that ``session_dates(first=first, count=count)`` stepped over, with their names."""
    skipped: list[tuple[datetime.date, str]] = []
    if count <= 0:
        return skipped
    last = session_dates(first=first, count=count)[-1]
    day = first
    while day < last:
        name = holiday_name(day)
        if name is not None:
            skipped.append((day, name))
        day += WEEK
    return skipped
