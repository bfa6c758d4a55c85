"""What the calendar feeds contain. Every function runs inside a municipality scope
and returns events only (titles, times, places): feeds never carry names."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from meetings.models import CalendarKey, Event, EventKind, Invitation, InvitationStatus, Series

# A personal feed shows this much of the past; calendar programs keep what they already fetched.
PERSONAL_FEED_PAST = datetime.timedelta(days=365)
_ANSWERED_NO = (InvitationStatus.DECLINED, InvitationStatus.WITHDRAWN)


@dataclass(frozen=True)
class CalendarPage:
    """The feeds a staff member can subscribe to in their municipality."""

    series: list[Series]
    cohorts: list[Any]  # programmes.Cohort


def _cohort_model() -> Any:
    # programmes imports meetings, never the other way round (docs/architecture.md):
    # the cohort models are reached through Event.cohort's string reference.
    return Event._meta.get_field("cohort").related_model


def _current_memberships(today: datetime.date, **owner: Any) -> QuerySet[Any]:
    member_model = _cohort_model()._meta.get_field("members").related_model
    return member_model.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=today), **owner)


def calendar_key_find(*, secret: str) -> CalendarKey | None:
    """The key with this secret in the current scope, with its owner, or None."""
    return CalendarKey.objects.select_related("user", "person").filter(secret=secret).first()


def _since() -> datetime.datetime:
    return timezone.now() - PERSONAL_FEED_PAST


def personal_events_for_user(*, user: User) -> list[Event]:
    """Sessions of cohorts the staff member currently belongs to, and meetings of the
    series they are responsible for (cancelled ones included, marked as such)."""
    today = timezone.localdate()
    cohort_ids = _current_memberships(today, user=user).values("cohort_id")
    return list(
        Event.objects.filter(
            Q(kind=EventKind.SESSION, cohort_id__in=cohort_ids)
            | Q(kind=EventKind.MEETING, series__responsible=user),
            starts_at__gte=_since(),
        ).order_by("starts_at", "id")
    )


def personal_events_for_person(*, person_id: int) -> list[Event]:
    """Meetings the person is invited to and has not declined (nor been withdrawn from),
    and sessions of cohorts the person currently belongs to."""
    since = _since()
    # The invitation belongs to the person's municipality; the meeting may belong to
    # another municipality of the region, so it is reached through the invitation.
    invitations = (
        Invitation.objects.filter(person_id=person_id, event__starts_at__gte=since)
        .exclude(status__in=_ANSWERED_NO)
        .select_related("event")
    )
    events = {invitation.event.pk: invitation.event for invitation in invitations}
    cohort_ids = _current_memberships(timezone.localdate(), person_id=person_id).values("cohort_id")
    for event in Event.objects.filter(kind=EventKind.SESSION, cohort_id__in=cohort_ids, starts_at__gte=since):
        events[event.pk] = event
    return sorted(events.values(), key=lambda event: (event.starts_at, event.pk))


def series_feed_get(*, id: int) -> tuple[Series, list[Event]] | None:
    """The series (of the current scope) with all its meetings, or None."""
    series = Series.objects.filter(pk=id).first()
    if series is None:
        return None
    events = list(Event.objects.filter(series=series, kind=EventKind.MEETING).order_by("starts_at", "id"))
    return series, events


def cohort_feed_get(*, id: int) -> tuple[Any, list[Event]] | None:
    """The cohort (of the current scope) with all its sessions, cancelled ones included, or None."""
    cohort = _cohort_model().objects.select_related("programme").filter(pk=id).first()
    if cohort is None:
        return None
    events = list(Event.objects.filter(cohort=cohort, kind=EventKind.SESSION).order_by("starts_at", "id"))
    return cohort, events


def calendar_page(*, user: User, with_cohorts: bool) -> CalendarPage:
    """Every series and (when the user may see programmes) every cohort of the user's municipality."""
    series = list(Series.objects.filter(municipality_id=user.municipality_id).order_by("title", "id"))
    cohorts: list[Any] = []
    if with_cohorts:
        cohorts = list(
            _cohort_model()
            .objects.filter(municipality_id=user.municipality_id)
            .select_related("programme")
            .order_by("programme__name", "-starts_on", "id")
        )
    return CalendarPage(series=series, cohorts=cohorts)
