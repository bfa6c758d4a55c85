"""Recurrence of a meeting series, in Europe/Stockholm wall-clock time.

One rule, two uses: ``occurrence_starts`` gives the app's own list of meeting
times, ``series_rrule`` writes the same rule as an RFC 5545 RRULE for the
calendar feeds. Both are computed by dateutil's rrule on naive local times, then
localised, so 18:00 stays 18:00 across daylight-saving changes; the tests expand
the feed with ``recurring-ical-events`` and compare.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from dateutil import rrule

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEKLY, MONTHLY = "weekly", "monthly"
_RRULE_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A series is planned at most this far; a longer one is split (and re-planned yearly).
MAX_OCCURRENCES = 120


class HasRule(Protocol):
    """What a rule is read from: a series' recurrence fields."""

    frequency: str
    interval: int
    weekday: int
    week_of_month: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    start_time: datetime.time


@dataclass(frozen=True)
class Recurrence:
    """Weekly on ``weekday``, or monthly on the ``week_of_month``-th (-1: last) ``weekday``."""

    frequency: str
    interval: int
    weekday: int
    week_of_month: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    start_time: datetime.time

    @classmethod
    def of(cls, series: HasRule) -> Recurrence:
        """The rule of a ``meetings.Series`` (or anything with the same fields)."""
        return cls(
            frequency=series.frequency,
            interval=series.interval,
            weekday=series.weekday,
            week_of_month=series.week_of_month,
            starts_on=series.starts_on,
            ends_on=series.ends_on,
            start_time=series.start_time,
        )

    def _rule(self) -> rrule.rrule:
        first = datetime.datetime.combine(self.starts_on, self.start_time)
        until = datetime.datetime.combine(self.ends_on, datetime.time(23, 59, 59))
        day = _RRULE_DAYS[self.weekday]
        frequency: Literal[1, 2]  # rrule.MONTHLY, rrule.WEEKLY
        if self.frequency == WEEKLY:
            frequency, byweekday = rrule.WEEKLY, day
        elif self.frequency == MONTHLY and self.week_of_month in (1, 2, 3, 4, -1):
            frequency, byweekday = rrule.MONTHLY, day(self.week_of_month)
        else:
            raise ValueError(f"Unsupported recurrence: {self.frequency} / {self.week_of_month}")
        if self.interval > 1:
            # "Every other week from 2 January" means from the first matching day on or
            # after it; rrule would count the periods from the first date's own week or
            # month and could skip a whole period. Start the count at the first match,
            # which is also the DTSTART written to calendar feeds.
            anchor = rrule.rrule(frequency, byweekday=byweekday, dtstart=first, until=until)
            first = next(iter(anchor), first)
        return rrule.rrule(frequency, interval=self.interval, byweekday=byweekday, dtstart=first, until=until)

    def local_starts(self) -> list[datetime.datetime]:
        """Naive Stockholm wall-clock start times, in order (at most MAX_OCCURRENCES + 1)."""
        starts = []
        for start in self._rule():
            starts.append(start)
            if len(starts) > MAX_OCCURRENCES:
                break
        return starts

    def rrule_value(self) -> str:
        """The RRULE value for iCalendar, UNTIL given in UTC as RFC 5545 requires with a TZID start."""
        last = self.local_starts()
        until_local = last[-1] if last else datetime.datetime.combine(self.ends_on, self.start_time)
        until_utc = until_local.replace(tzinfo=STOCKHOLM).astimezone(datetime.UTC)
        parts = [f"FREQ={self.frequency.upper()}", f"INTERVAL={self.interval}"]
        day = _ICAL_DAYS[self.weekday]
        parts.append(f"BYDAY={self.week_of_month}{day}" if self.frequency == MONTHLY else f"BYDAY={day}")
        parts.append("UNTIL=" + until_utc.strftime("%Y%m%dT%H%M%SZ"))
        return ";".join(parts)


def occurrence_starts(recurrence: Recurrence) -> list[datetime.datetime]:
    """Aware start times of every occurrence (Europe/Stockholm)."""
    return [start.replace(tzinfo=STOCKHOLM) for start in recurrence.local_starts()]


def series_rrule(series: HasRule) -> str:
    return Recurrence.of(series).rrule_value()
