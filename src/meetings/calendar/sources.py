"""What the calendars show, by source: network meetings here, and what other apps add.

The feeds (a person's own calendar, one calendar per group) and the staff page that
lists them ask every registered :class:`CalendarSource`. ``meetings`` registers its
series; ``programmes`` registers its cohorts' sessions from its ``AppConfig.ready``
(programmes imports meetings, never the other way round). A source reads inside the
municipality scope the feed's key names, and gives events only: titles, times and
places, never who comes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import icalendar

from accounts.models import User
from meetings.models import Event


@dataclass(frozen=True)
class GroupFeed:
    """One calendar per group (a series, a cohort) at ``/kalender/<token>/<path>/<id>.ics``."""

    name: str  # the URL's name in the "calendar_public" namespace, e.g. "series"
    path: str  # the URL segment, e.g. "serie"
    permission: str  # a staff member's role must grant it to subscribe
    heading: Any  # the staff page's heading over these feeds
    empty: Any  # the staff page's text when there is none
    calendar: Callable[[int], icalendar.Calendar | None]  # the group's calendar, None when not in scope
    listed: Callable[
        [User], Sequence[tuple[int, str]]
    ]  # (id, label) of every group the user may subscribe to


@dataclass(frozen=True)
class CalendarSource:
    """Events an app adds to the personal feeds, and its group feeds."""

    events_for_user: Callable[[User, datetime.datetime], Sequence[Event]]  # since the given moment
    events_for_person: Callable[[int, datetime.datetime], Sequence[Event]]  # by person id
    group: GroupFeed | None = None


_sources: list[CalendarSource] = []


def calendar_source_register(source: CalendarSource) -> None:
    """Add a source (once; from the app's ``AppConfig.ready``)."""
    if source not in _sources:
        _sources.append(source)


def calendar_sources() -> tuple[CalendarSource, ...]:
    """The registered sources, in the order the apps are installed."""
    return tuple(_sources)


def group_feeds() -> tuple[GroupFeed, ...]:
    """Every registered group feed."""
    return tuple(source.group for source in _sources if source.group is not None)
