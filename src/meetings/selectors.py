"""Reads for network meetings: series with their next meeting, a series' meetings,
a meeting's invitees of the user's municipality, and the choices the forms offer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.permissions import MEETINGS_CHANGE, ROLE_PERMISSIONS
from audit.models import AccessAction
from audit.services import access_log_record
from geo.models import Municipality
from jobs.selectors import EmailStatus, email_problems_about, email_states_about
from meetings.audience import INVITED_STATUSES, audience_municipality_choices, invitation_email
from meetings.models import Attendance, Event, EventKind, Invitation, InvitationStatus, Series
from meetings.presenters import rule_in_words
from register.domain import AssignmentType
from register.models import Household
from tenancy.access import owned_or_404

# The meeting page lists those coming first, then the waiting list, and so on.
STATUS_ORDER = {
    InvitationStatus.ACCEPTED: 0,
    InvitationStatus.WAITLISTED: 1,
    InvitationStatus.PENDING: 2,
    InvitationStatus.DECLINED: 3,
    InvitationStatus.WITHDRAWN: 4,
}


def _with_present_count(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(present_count=Count("attendances", filter=Q(attendances__is_present=True)))


def series_list(*, user: User) -> QuerySet[Series]:
    """The municipality's series, each with its next meeting's time and answers (no N+1)."""
    now = timezone.now()
    upcoming = Event.objects.filter(series=OuterRef("pk"), starts_at__gt=now, is_cancelled=False).order_by(
        "starts_at", "id"
    )
    return (
        Series.objects.filter(municipality_id=user.municipality_id)
        .select_related("responsible")
        .annotate(
            next_event_id=Subquery(upcoming.values("pk")[:1]),
            next_starts_at=Subquery(upcoming.values("starts_at")[:1]),
            next_accepted=Subquery(upcoming.values("accepted_count")[:1]),
            next_waitlisted=Subquery(upcoming.values("waitlisted_count")[:1]),
            upcoming_count=Count(
                "events", filter=Q(events__starts_at__gt=now, events__is_cancelled=False), distinct=True
            ),
        )
        .order_by("title", "id")
    )


def series_get_for(*, user: User, id: int) -> Series:
    """The series if it is the user's municipality's; 404 otherwise (missing or forbidden alike)."""
    return owned_or_404(Series.objects.select_related("responsible", "hub_household"), user=user, id=id)


@dataclass(frozen=True)
class SeriesPage:
    series: Series
    rule: str
    audience_types: list[str]
    audience_municipalities: list[Municipality]
    satellites: list[Household]
    upcoming: list[Event]
    past: list[Event]


def series_detail(*, user: User, id: int) -> SeriesPage:
    """A series with its rule in words, its audience, and its meetings with answers and attendance.

    A constellation names its families: that view is written to the access log.
    """
    series = series_get_for(user=user, id=id)
    now = timezone.now()
    events = list(_with_present_count(Event.objects.filter(series=series)).order_by("starts_at", "id"))
    satellites = list(series.satellite_households.order_by("name")) if series.is_constellation else []
    if series.is_constellation:
        access_log_record(
            by=user, action=AccessAction.VIEW, municipality_id=series.municipality_id, instance=series
        )
    labels = dict(AssignmentType.choices)
    return SeriesPage(
        series=series,
        rule=rule_in_words(series),
        audience_types=[str(labels.get(t, t)) for t in series.audience_types],
        audience_municipalities=list(series.audience_municipalities.order_by("short_name")),
        satellites=satellites,
        upcoming=[e for e in events if e.ends_at > now],
        past=[e for e in events if e.ends_at <= now][::-1],
    )


def meeting_get_for(*, user: User, id: int) -> Event:
    """A network meeting of the user's municipality; 404 otherwise (missing or forbidden alike)."""
    return owned_or_404(
        Event.objects.select_related("series").filter(kind=EventKind.MEETING), user=user, id=id
    )


def meeting_seen_by(*, user: User, id: int) -> Event:
    """A meeting the user's municipality organises, or one of another municipality (a regional
    series) that it has invitations to: the meeting is read through its own invitations, which
    point at it. 404 otherwise."""
    event = Event.objects.select_related("series").filter(pk=id, kind=EventKind.MEETING).first()
    if event is not None and event.municipality_id == user.municipality_id:
        return event
    invitation = (
        Invitation.objects.filter(
            event_id=id, event__kind=EventKind.MEETING, municipality_id=user.municipality_id
        )
        .select_related("event__series", "event__municipality")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation.event


def invited_meetings(*, user: User) -> list[Event]:
    """Coming meetings of other municipalities (regional series) that the user's families are
    invited to, each with how many of them are invited (``own_invited``)."""
    now = timezone.now()
    invitations = (
        Invitation.objects.filter(municipality_id=user.municipality_id, event__starts_at__gt=now)
        .exclude(event__municipality_id=user.municipality_id)
        .exclude(status=InvitationStatus.WITHDRAWN)
        .select_related("event__municipality")
        .order_by("event__starts_at", "event_id")
    )
    events: dict[int, Event] = {}
    for invitation in invitations:
        event = events.setdefault(invitation.event_id, invitation.event)
        event.own_invited = getattr(event, "own_invited", 0) + 1  # type: ignore[attr-defined]  # display only
    return list(events.values())


INVITATION_EMAIL = "meetings.Invitation"


@dataclass(frozen=True)
class InviteeRow:
    invitation: Invitation
    has_address: bool
    is_present: bool | None
    # The invitation e-mail in the outbox, and every notice or reminder about it that
    # failed for good or may have been sent (shown with a "send again" button).
    email: EmailStatus | None = None
    email_problems: tuple[EmailStatus, ...] = ()


@dataclass(frozen=True)
class MeetingPage:
    event: Event
    series: Series
    rows: list[InviteeRow]
    # False for another municipality's meeting seen through this municipality's invitations.
    is_organiser: bool
    # Places taken and waiting count every municipality's invitees (the meeting's counters);
    # the other figures count the user's municipality's invitations only.
    own_counts: dict[str, int]
    without_address: int
    has_started: bool


def _rows(event: Event) -> list[InviteeRow]:
    invitations = list(Invitation.objects.filter(event=event).select_related("person", "household"))
    invitations.sort(
        key=lambda i: (STATUS_ORDER.get(i.status, 9), i.person.last_name, i.person.first_name, i.pk)
    )
    marks = dict(
        Attendance.objects.filter(event=event, person_id__in=[i.person_id for i in invitations]).values_list(
            "person_id", "is_present"
        )
    )
    ids = [i.pk for i in invitations]
    invites = email_states_about(about_type=INVITATION_EMAIL, ids=ids, key_suffix=":invite")
    problems = email_problems_about(about_type=INVITATION_EMAIL, ids=ids)
    return [
        InviteeRow(
            i,
            bool(invitation_email(i)),
            marks.get(i.person_id),
            email=invites.get(i.pk),
            email_problems=tuple(p for p in problems.get(i.pk, []) if not p.key.endswith(":invite")),
        )
        for i in invitations
    ]


def meeting_detail(*, user: User, id: int) -> MeetingPage:
    """A meeting with the user's municipality's invitees, their answers and e-mail state.

    Names are personal data: the view is written to the access log. E-mail
    addresses are never part of the page.
    """
    event = meeting_seen_by(user=user, id=id)
    rows = _rows(event)
    counts = dict.fromkeys(InvitationStatus.values, 0)
    for row in rows:
        counts[row.invitation.status] += 1
    # Logged in the user's municipality: the names read are its own invitees'.
    access_log_record(
        by=user, action=AccessAction.VIEW, municipality_id=user.municipality_id or "", instance=event
    )
    series: Series = event.series  # type: ignore[assignment]  # a meeting always has a series
    return MeetingPage(
        event=event,
        series=series,
        rows=rows,
        is_organiser=event.municipality_id == user.municipality_id,
        own_counts=counts,
        without_address=sum(
            1 for r in rows if not r.has_address and r.invitation.status != InvitationStatus.WITHDRAWN
        ),
        has_started=event.starts_at <= timezone.now(),
    )


def attendance_rows(*, user: User, event: Event) -> list[InviteeRow]:
    """The meeting's invitees of the user's municipality for the attendance form, those coming first."""
    if event.municipality_id != user.municipality_id:
        raise Http404
    return [row for row in _rows(event) if row.invitation.status != InvitationStatus.WITHDRAWN]


def invitation_get_for(*, user: User, id: int) -> Invitation:
    """An invitation of the user's municipality; 404 otherwise (missing or forbidden alike)."""
    return owned_or_404(Invitation.objects.select_related("person", "event"), user=user, id=id)


def responsible_choices(*, user: User) -> QuerySet[User]:
    """Staff of the user's municipality who arrange meetings."""
    roles = [role for role, permissions in ROLE_PERMISSIONS.items() if MEETINGS_CHANGE in permissions]
    return User.objects.filter(municipality_id=user.municipality_id, is_active=True, role__in=roles).order_by(
        "first_name", "last_name", "username"
    )


def household_choices(*, user: User, include: list[int] | None = None) -> QuerySet[Household]:
    """Households of the municipality with an open assignment (the families a constellation can
    hold), and those in ``include`` (a series' current families)."""
    wanted = Q(assignments__status__in=INVITED_STATUSES) | Q(pk__in=include or [])
    return (
        Household.objects.filter(wanted, municipality_id=user.municipality_id)
        .distinct()
        .order_by("name", "id")
    )


def municipality_choices(*, user: User) -> QuerySet[Municipality]:
    """The municipalities a series may invite: the user's own and those of a shared region."""
    return audience_municipality_choices(municipality_id=user.municipality_id or "")
