"""iCalendar (RFC 5545) for feeds and invitation attachments.

Times are written with ``TZID=Europe/Stockholm`` and the calendar carries the
matching VTIMEZONE, so calendar programs keep 18:00 at 18:00 across
daylight-saving changes. A meeting series is one recurring VEVENT (RRULE) with
EXDATEs for cancelled meetings and RECURRENCE-ID overrides for moved ones;
programme sessions (weekly, but skipping public holidays) are single VEVENTs.
Events carry title, time and place only: never the names of who comes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from meetings.models import Event, Series
from meetings.recurrence import STOCKHOLM, Recurrence, occurrence_starts

PRODID = "-//bollplank//bollplank//SV"


def _domain() -> str:
    return urlsplit(settings.BOLLPLANK_BASE_URL).hostname or "bollplank"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{_domain()}"


def series_uid(series: Series) -> str:
    return f"series-{series.pk}@{_domain()}"


def calendar_new(*, name: str, method: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    return calendar


def calendar_bytes(calendar: icalendar.Calendar) -> bytes:
    """Serialise, adding the VTIMEZONE of every TZID used."""
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, STOCKHOLM)


def _vevent(*, uid: str, summary: str, starts_at: datetime.datetime, ends_at: datetime.datetime) -> Any:
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    vevent.add("summary", summary)
    vevent.add("dtstart", _local(starts_at))
    vevent.add("dtend", _local(ends_at))
    return vevent


def _describe(vevent: Any, *, place: str, video_url: str, sequence: int, is_cancelled: bool) -> None:
    if place:
        vevent.add("location", place)
    if video_url:
        vevent.add("url", video_url)
        vevent.add("description", video_url)
    vevent.add("sequence", sequence)
    vevent.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")


def event_component(event: Event, *, uid: str | None = None) -> Any:
    """One event as a VEVENT of its own."""
    vevent = _vevent(
        uid=uid or event_uid(event), summary=event.title, starts_at=event.starts_at, ends_at=event.ends_at
    )
    _describe(
        vevent,
        place=event.place,
        video_url=event.video_url,
        sequence=event.sequence,
        is_cancelled=event.is_cancelled,
    )
    return vevent


def events_add(calendar: icalendar.Calendar, events: Iterable[Event]) -> None:
    for event in events:
        calendar.add_component(event_component(event))


def series_add(calendar: icalendar.Calendar, series: Series, events: Sequence[Event]) -> None:
    """The series as one recurring VEVENT, with its exceptions, equal to ``events`` when expanded.

    Rule occurrences with no stored meeting, and cancelled meetings, become EXDATEs;
    a meeting moved in time or place becomes a RECURRENCE-ID override; a stored
    meeting the rule does not produce (the rule was changed after it was planned)
    is written as an event of its own.
    """
    rule = Recurrence.of(series)
    rule_starts = occurrence_starts(rule)
    if not rule_starts or not events:
        events_add(calendar, [event for event in events if not event.is_cancelled])
        return
    # Keyed by UTC instant: two Stockholm datetimes compare by wall clock, which
    # would miss a match at a time that does not exist (the spring-forward gap).
    by_original: dict[datetime.datetime, Event] = {}
    outside_rule: list[Event] = []
    for stored in events:
        instant = stored.original_starts_at.astimezone(datetime.UTC)
        if instant in by_original:
            outside_rule.append(stored)  # two meetings planned for one occurrence: keep both
        else:
            by_original[instant] = stored
    length = datetime.timedelta(minutes=series.duration_minutes)
    master = _vevent(
        uid=series_uid(series),
        summary=series.title,
        starts_at=rule_starts[0],
        ends_at=rule_starts[0] + length,
    )
    # The series' version rises on every edit, so calendars re-read a changed rule.
    _describe(
        master, place=series.place, video_url=series.video_url, sequence=series.version, is_cancelled=False
    )
    master.add("rrule", icalendar.vRecur.from_ical(rule.rrule_value()))
    exdates = []
    overrides = []
    for start in rule_starts:
        instant = start.astimezone(datetime.UTC)
        event = by_original.pop(instant) if instant in by_original else None
        if event is None or event.is_cancelled:
            exdates.append(start)
            continue
        if (
            event.starts_at.astimezone(datetime.UTC) != start.astimezone(datetime.UTC)
            or event.ends_at - event.starts_at != length
            or event.place != series.place
            or event.video_url != series.video_url
            or event.title != series.title
        ):
            override = event_component(event, uid=series_uid(series))
            override.add("recurrence-id", start)
            overrides.append(override)
    for exdate in exdates:
        master.add("exdate", exdate)
    calendar.add_component(master)
    for override in overrides:
        calendar.add_component(override)
    # Stored meetings outside the rule (it was changed after they were planned):
    # events of their own; cancelled ones need no entry at all.
    outside_rule += by_original.values()
    events_add(calendar, [event for event in outside_rule if not event.is_cancelled])


def invitation_ics(event: Event) -> bytes:
    """The .ics attached to an invitation: the one meeting, METHOD:PUBLISH (no attendee data)."""
    calendar = calendar_new(name=event.title, method="PUBLISH")
    calendar.add_component(event_component(event))
    return calendar_bytes(calendar)
