"""What the calendar feeds contain. Every function runs inside a municipality scope
and returns events only (titles, times, places): feeds never carry names.

A personal feed and the staff page ask every source in ``meetings.calendar.sources``;
this module is also the network meetings' own source (their series).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import icalendar
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import MEETINGS_VIEW, user_has_permission
from meetings.calendar.ical import calendar_new, series_add
from meetings.calendar.sources import CalendarSource, GroupFeed, calendar_sources, group_feeds
from meetings.models import CalendarKey, Event, EventKind, Invitation, InvitationStatus, Series

# A personal feed shows this much of the past; calendar programs keep what they already fetched.
PERSONAL_FEED_PAST = datetime.timedelta(days=365)
_ANSWERED_NO = (InvitationStatus.DECLINED, InvitationStatus.WITHDRAWN)


def calendar_key_find(*, secret: str) -> CalendarKey | None:
    """The key with this secret in the current scope, with its owner, or None."""
    return CalendarKey.objects.select_related("user", "person").filter(secret=secret).first()


def _since() -> datetime.datetime:
    return timezone.now() - PERSONAL_FEED_PAST


def _ordered(events: dict[int, Event]) -> list[Event]:
    return sorted(events.values(), key=lambda event: (event.starts_at, event.pk))


def personal_events_for_user(*, user: User) -> list[Event]:
    """Every source's events for a staff member: the meetings of the series they are
    responsible for, the sessions of cohorts they belong to (cancelled ones included)."""
    since = _since()
    events = {e.pk: e for source in calendar_sources() for e in source.events_for_user(user, since)}
    return _ordered(events)


def personal_events_for_person(*, person_id: int) -> list[Event]:
    """Every source's events for an invited person: meetings they are invited to and have not
    declined (nor been withdrawn from), sessions of cohorts they belong to."""
    since = _since()
    events = {e.pk: e for source in calendar_sources() for e in source.events_for_person(person_id, since)}
    return _ordered(events)


@dataclass(frozen=True)
class FeedSection:
    """The staff page's list of one kind of group feed."""

    feed: GroupFeed
    groups: list[tuple[int, str]]  # (id, label)


def calendar_page(*, user: User) -> list[FeedSection]:
    """The group feeds of the user's municipality the user may subscribe to, kind by kind."""
    return [
        FeedSection(feed=feed, groups=list(feed.listed(user)))
        for feed in group_feeds()
        if user_has_permission(user, feed.permission)
    ]


# --- The network meetings' own source ---------------------------------------------------


def _meetings_for_user(user: User, since: datetime.datetime) -> list[Event]:
    return list(
        Event.objects.filter(kind=EventKind.MEETING, series__responsible=user, starts_at__gte=since).order_by(
            "starts_at", "id"
        )
    )


def _meetings_for_person(person_id: int, since: datetime.datetime) -> list[Event]:
    # The invitation belongs to the person's municipality; the meeting may belong to
    # another municipality of the region, so it is reached through the invitation.
    invitations = (
        Invitation.objects.filter(person_id=person_id, event__starts_at__gte=since)
        .exclude(status__in=_ANSWERED_NO)
        .select_related("event")
    )
    return [invitation.event for invitation in invitations]


def series_calendar(series_id: int) -> icalendar.Calendar | None:
    """The series (of the current scope) as one recurring event with its exceptions, or None."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        return None
    events = list(Event.objects.filter(series=series, kind=EventKind.MEETING).order_by("starts_at", "id"))
    calendar = calendar_new(name=series.title)
    series_add(calendar, series, events)
    return calendar


def _series_listed(user: User) -> list[tuple[int, str]]:
    series = Series.objects.filter(municipality_id=user.municipality_id).order_by("title", "id")
    return [(s.pk, gettext("Calendar of “%(title)s”") % {"title": s.title}) for s in series]


MEETINGS_CALENDAR = CalendarSource(
    events_for_user=_meetings_for_user,
    events_for_person=_meetings_for_person,
    group=GroupFeed(
        name="series",
        path="serie",
        permission=MEETINGS_VIEW,
        heading=_("Network meeting series"),
        empty=_("No meeting series yet."),
        calendar=series_calendar,
        listed=_series_listed,
    ),
)
