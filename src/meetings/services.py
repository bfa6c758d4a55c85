"""Network meetings: series, the meetings they plan, invitations and answers.

Each function is one user-visible change: atomic, validated, with its change
history. E-mail is never sent here: the services queue jobs (``meetings.jobs``)
that run after the transaction commits.

Tenancy: a series and its meetings belong to the organiser's municipality; an
invitation belongs to the invitee's municipality (a regional series invites
families of several municipalities, and each sees only its own). The few steps
that must see every invitation of a meeting (the waiting list, notifying
invitees of a change) enter the scope of every municipality the series may
reach, and say so where they do.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import MEETINGS_CHANGE, user_has_permission
from audit.models import ChangeAction
from audit.services import change_log_record, snapshot
from jobs.selectors import email_states_about
from jobs.services import job_enqueue
from kernel.records import record_create, record_update
from meetings.audience import (
    MAX_SATELLITES,
    audience_persons,
    invitation_email,
    partner_municipality_ids,
    series_audience_municipality_ids,
    series_reach_municipality_ids,
)
from meetings.models import Event, EventKind, Frequency, Invitation, InvitationStatus, Series, WeekOfMonth
from meetings.recurrence import MAX_OCCURRENCES, STOCKHOLM, Recurrence, occurrence_starts
from register.domain import AssignmentType
from register.models import Household
from tenancy.scope import municipality_of, municipality_scope

YES, NO = "yes", "no"
SEND_JOB = "meetings.jobs.invitation_send"
# A send job still waiting after this long was lost (see _invite_in).
STALE_SEND_JOB = datetime.timedelta(hours=1)
NOTIFY_JOB = "meetings.jobs.invitation_notify"
# Notifications an invitee gets besides the invitation itself (see meetings.jobs).
CHANGED, CANCELLED, PROMOTED, REMINDER = "changed", "cancelled", "promoted", "reminder"
# Statuses of someone who still expects to hear about the meeting.
EXPECTING = (InvitationStatus.PENDING, InvitationStatus.ACCEPTED, InvitationStatus.WAITLISTED)
SAID_YES = (InvitationStatus.ACCEPTED, InvitationStatus.WAITLISTED)
MAX_SERIES_YEARS = 2

SERIES_FIELDS = [
    "title",
    "description",
    "place",
    "video_url",
    "capacity",
    "frequency",
    "interval",
    "weekday",
    "week_of_month",
    "starts_on",
    "ends_on",
    "start_time",
    "duration_minutes",
    "audience_types",
    "hub_household",
    "invite_days_before",
    "remind_days_before",
    "responsible",
]
RULE_FIELDS = ["frequency", "interval", "weekday", "week_of_month", "starts_on", "ends_on", "start_time"]
EVENT_FIELDS = ["starts_at", "ends_at", "place", "video_url", "is_cancelled", "cancel_reason"]


@dataclass(frozen=True)
class SeriesValues:
    """Everything a series form says; ``series_create`` and ``series_update`` validate it."""

    title: str
    frequency: str
    weekday: int
    starts_on: datetime.date
    ends_on: datetime.date
    start_time: datetime.time
    responsible: User | None
    description: str = ""
    place: str = ""
    video_url: str = ""
    capacity: int | None = None
    interval: int = 1
    week_of_month: int | None = None
    duration_minutes: int = 120
    invite_days_before: int = 21
    remind_days_before: int = 2
    audience_types: Sequence[str] = ()
    audience_municipality_ids: Sequence[str] = ()
    hub_household: Household | None = None
    satellite_households: Sequence[Household] = field(default_factory=tuple)


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _local_date(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment, STOCKHOLM), "j F Y")


def _validate_series(*, municipality_id: str, values: SeriesValues) -> dict[str, Any]:
    """The series' field values, cleaned; raises one ValidationError naming every problem."""
    errors: dict[str, list[Any]] = {}

    def refuse(name: str, message: Any) -> None:
        errors.setdefault(name, []).append(message)

    title = values.title.strip()
    if not title:
        refuse("title", _("Give the series a title."))
    place, video_url = values.place.strip(), values.video_url.strip()
    if not place and not video_url:
        refuse("place", _("Give a place, a video link, or both."))
    if values.capacity is not None and values.capacity < 1:
        refuse("capacity", _("The number of places is at least 1; leave it empty for no limit."))
    if values.frequency not in Frequency.values:
        refuse("frequency", _("Choose how often the series meets."))
    if not 1 <= values.interval <= 12:
        refuse("interval", _("The interval is 1 to 12."))
    if not 0 <= values.weekday <= 6:
        refuse("weekday", _("Choose a weekday."))
    week_of_month = values.week_of_month
    if values.frequency == Frequency.MONTHLY:
        if week_of_month not in WeekOfMonth.values:
            refuse("week_of_month", _("Choose which week of the month (first to fourth, or last)."))
    else:
        week_of_month = None
    if values.ends_on < values.starts_on:
        refuse("ends_on", _("The last date is before the first date."))
    elif values.ends_on > _years_later(values.starts_on, MAX_SERIES_YEARS):
        refuse("ends_on", _("A series is planned at most two years ahead. Create a new series after that."))
    if not 15 <= values.duration_minutes <= 480:
        refuse("duration_minutes", _("A meeting lasts 15 to 480 minutes."))
    if not 1 <= values.invite_days_before <= 90:
        refuse("invite_days_before", _("Invitations go out 1 to 90 days before a meeting."))
    if not 0 <= values.remind_days_before <= 14:
        refuse("remind_days_before", _("Reminders go out 0 to 14 days before a meeting."))
    elif values.remind_days_before >= values.invite_days_before:
        refuse("remind_days_before", _("The reminder must come after the invitation."))
    responsible = values.responsible
    if (
        responsible is None
        or responsible.municipality_id != municipality_id
        or not user_has_permission(responsible, MEETINGS_CHANGE)
    ):
        refuse("responsible", _("Choose a staff member of the municipality who arranges meetings."))

    types: list[str] = []
    municipality_ids: list[str] = []
    hub = values.hub_household
    satellites = list(values.satellite_households)
    if hub is not None:
        # A constellation (the Mockingbird model): one hub family and its satellites.
        if hub.municipality_id != municipality_id:
            refuse("hub_household", _("The hub family must belong to the municipality."))
        if not 1 <= len(satellites) <= MAX_SATELLITES:
            refuse("satellite_households", _("A constellation has 1 to 12 satellite families."))
        if any(s.municipality_id != municipality_id for s in satellites):
            refuse("satellite_households", _("The satellite families must belong to the municipality."))
        if any(s.pk == hub.pk for s in satellites):
            refuse("satellite_households", _("The hub family cannot also be a satellite family."))
        if len({s.pk for s in satellites}) != len(satellites):
            refuse("satellite_households", _("A satellite family is chosen twice."))
    else:
        if satellites:
            refuse("hub_household", _("Choose the hub family of the constellation."))
        types = sorted(set(values.audience_types))
        if not types:
            refuse("audience_types", _("Choose at least one assignment type to invite."))
        elif not set(types) <= set(AssignmentType.values):
            refuse("audience_types", _("Unknown assignment type."))
        municipality_ids = sorted(set(values.audience_municipality_ids))
        allowed = {municipality_id, *partner_municipality_ids(municipality_id=municipality_id)}
        if not municipality_ids:
            refuse("audience_municipalities", _("Choose at least one municipality to invite."))
        elif not set(municipality_ids) <= allowed:
            refuse(
                "audience_municipalities",
                _("Only your own municipality and municipalities of a shared region can be invited."),
            )
    cleaned: dict[str, Any] = {
        "title": title,
        "description": values.description.strip(),
        "place": place,
        "video_url": video_url,
        "capacity": values.capacity,
        "frequency": values.frequency,
        "interval": values.interval,
        "weekday": values.weekday,
        "week_of_month": week_of_month,
        "starts_on": values.starts_on,
        "ends_on": values.ends_on,
        "start_time": values.start_time.replace(second=0, microsecond=0),
        "duration_minutes": values.duration_minutes,
        "invite_days_before": values.invite_days_before,
        "remind_days_before": values.remind_days_before,
        "responsible": responsible,
        "audience_types": types,
        "hub_household": hub,
    }
    if not errors:
        starts = Recurrence(**{name: cleaned[name] for name in RULE_FIELDS}).local_starts()
        if not starts:
            refuse("starts_on", _("The series has no meeting between the first and the last date."))
        elif len(starts) > MAX_OCCURRENCES:
            refuse("ends_on", _("A series has at most %(n)s meetings.") % {"n": MAX_OCCURRENCES})
    if errors:
        raise ValidationError(errors)
    cleaned["_municipality_ids"] = municipality_ids
    cleaned["_satellites"] = satellites if hub is not None else []
    return cleaned


def _series_snapshot(series: Series) -> dict[str, Any]:
    values = snapshot(series, SERIES_FIELDS)
    values["audience_municipalities"] = ", ".join(
        sorted(str(m) for m in series.audience_municipalities.all())
    )
    values["satellite_households"] = ", ".join(sorted(h.name for h in series.satellite_households.all()))
    return values


def _event_new(series: Series, start: datetime.datetime) -> Event:
    return Event(
        municipality_id=series.municipality_id,
        kind=EventKind.MEETING,
        series=series,
        number=0,  # set by _renumber
        title=series.title,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=series.duration_minutes),
        original_starts_at=start,
        place=series.place,
        video_url=series.video_url,
    )


def _renumber(series: Series) -> None:
    """Number the series' meetings 1, 2, … in planned order."""
    events = list(Event.objects.filter(series=series).order_by("original_starts_at", "id"))
    changed = []
    for number, event in enumerate(events, start=1):
        if event.number != number:
            event.number = number
            changed.append(event)
    Event.objects.bulk_update(changed, ["number"])


@transaction.atomic
def series_create(*, by: User, values: SeriesValues) -> Series:
    """Create a series and plan its meetings (in Europe/Stockholm time) from the rule."""
    municipality_id = municipality_of(by)
    cleaned = _validate_series(municipality_id=municipality_id, values=values)
    municipality_ids = cleaned.pop("_municipality_ids")
    satellites = cleaned.pop("_satellites")
    series = Series(municipality_id=municipality_id, **cleaned)
    series.full_clean()

    def audience(record: Series) -> None:
        record.audience_municipalities.set(municipality_ids)
        record.satellite_households.set(satellites)

    record_create(series, by=by, tracked=_series_snapshot, related=audience)
    Event.objects.bulk_create(
        [_event_new(series, start) for start in occurrence_starts(Recurrence.of(series))]
    )
    _renumber(series)
    return series


@contextmanager
def _reach_scope(series: Series) -> Iterator[None]:
    """Every municipality that may hold invitations to the series' meetings.

    Needed for the waiting list (the next in line may live in another municipality
    of the region) and for telling every invitee of a change; the services never
    return what they read here.
    """
    with municipality_scope(*series_reach_municipality_ids(series)):
        yield


@transaction.atomic
def series_update(*, by: User, series: Series, version: int, values: SeriesValues) -> Series:
    """Change a series; refuses a stale version.

    A lower capacity is refused when an upcoming meeting already has more people
    coming ("capacity below current attendees"); a higher one gives places to the
    waiting lists. A new title, place or video link is carried to the upcoming
    meetings that were not changed one by one, and their invitees are told.

    A changed rule (weekday, frequency, dates, time, length) re-plans the upcoming
    meetings. Meetings nobody has been invited to yet are simply planned anew. A
    meeting with invitations that the new rule keeps stays as it is (with the new
    length). A meeting with invitations that the new rule drops is **cancelled and
    its invitees are told** when nobody has said yes to it; when someone has said
    yes (coming or on the waiting list), the change is **refused**, naming the
    date: the secretary cancels that meeting first, deliberately, or keeps the
    rule. Past meetings are never touched.
    """
    municipality_id = municipality_of(by)
    stored = Series.objects.get(pk=series.pk)
    if stored.municipality_id != municipality_id:
        raise ValidationError(_("The series belongs to another municipality."))
    cleaned = _validate_series(municipality_id=municipality_id, values=values)
    municipality_ids = cleaned.pop("_municipality_ids")
    satellites = cleaned.pop("_satellites")
    old = {name: getattr(stored, name) for name in [*RULE_FIELDS, "duration_minutes", "place", "video_url"]}
    old_title, old_capacity = stored.title, stored.capacity
    now = timezone.now()
    # Lock the upcoming meetings: an answer arriving now waits, then reads the new capacity.
    upcoming = list(
        Event.objects.select_for_update().filter(series=stored, starts_at__gt=now).order_by("starts_at", "id")
    )
    capacity = cleaned["capacity"]
    if capacity is not None:
        for event in upcoming:
            if not event.is_cancelled and event.accepted_count > capacity:
                message = _(
                    "Capacity below current attendees: %(n)s people are coming to the meeting "
                    "on %(date)s. Choose at least %(n)s places."
                ) % {"n": event.accepted_count, "date": _local_date(event.starts_at)}
                raise ValidationError({"capacity": ValidationError(message, code="capacity_below_accepted")})

    def audience(record: Series) -> None:
        record.audience_municipalities.set(municipality_ids)
        record.satellite_households.set(satellites)

    record_update(
        stored,
        by=by,
        tracked=_series_snapshot,
        values=cleaned,
        version=version,
        clean=lambda record: record.full_clean(),
        related=audience,
    )
    rule_changed = any(old[name] != getattr(stored, name) for name in [*RULE_FIELDS, "duration_minutes"])
    if rule_changed:
        upcoming = _replan(by=by, series=stored, upcoming=upcoming, now=now)
    _carry_details(
        series=stored,
        upcoming=upcoming,
        old_title=old_title,
        old_place=old["place"],
        old_video_url=old["video_url"],
    )
    if capacity is None or (old_capacity is not None and capacity > old_capacity):
        with _reach_scope(stored):
            for event in upcoming:
                if not event.is_cancelled:
                    _promote(event=event, capacity=capacity)
                    event.save(update_fields=["accepted_count", "waitlisted_count"])
    return stored


def _replan(*, by: User, series: Series, upcoming: list[Event], now: datetime.datetime) -> list[Event]:
    """Re-plan the upcoming meetings after a rule change (see ``series_update``); returns them."""
    new_starts = {
        start.astimezone(datetime.UTC): start
        for start in occurrence_starts(Recurrence.of(series))
        if start > now
    }
    length = datetime.timedelta(minutes=series.duration_minutes)
    with _reach_scope(series):
        invited = set(
            Invitation.objects.filter(event__in=[e.pk for e in upcoming]).values_list("event_id", flat=True)
        )
    kept: list[Event] = []
    planned: set[datetime.datetime] = set()
    to_delete: list[int] = []
    for event in upcoming:
        key = event.original_starts_at.astimezone(datetime.UTC)
        in_rule = key in new_starts
        if event.pk not in invited:
            if event.is_cancelled and in_rule:
                kept.append(event)  # cancelled on purpose (a holiday): stays cancelled
                planned.add(key)
            else:
                to_delete.append(event.pk)
            continue
        if in_rule:
            planned.add(key)
            if not event.is_cancelled and event.ends_at - event.starts_at != length:
                event.ends_at = event.starts_at + length
                event.sequence += 1
                event.save(update_fields=["ends_at", "sequence"])
                _notify_invitees(event=event, kind=CHANGED)
            kept.append(event)
        elif event.is_cancelled:
            kept.append(event)
        elif event.accepted_count or event.waitlisted_count:
            raise ValidationError(
                _(
                    "The new schedule has no meeting on %(date)s, and %(n)s people have said yes to it. "
                    "Cancel that meeting first (they are told), or keep the schedule."
                )
                % {"date": _local_date(event.starts_at), "n": event.accepted_count + event.waitlisted_count},
                code="replan_drops_accepted",
            )
        else:
            _cancel(by=by, event=event, reason=str(_("The series was rescheduled.")), version=event.version)
            kept.append(event)
    Event.objects.filter(pk__in=to_delete).delete()
    created = Event.objects.bulk_create(
        [_event_new(series, start) for key, start in sorted(new_starts.items()) if key not in planned]
    )
    _renumber(series)
    return sorted([*kept, *created], key=lambda e: (e.starts_at, e.pk or 0))


def _carry_details(
    *, series: Series, upcoming: list[Event], old_title: str, old_place: str, old_video_url: str
) -> None:
    """Give the upcoming meetings the series' new title, place and link, unless set one by one."""
    for event in upcoming:
        if event.is_cancelled or event.pk is None:
            continue
        changed = []
        if event.title == old_title and event.title != series.title:
            event.title = series.title
            changed.append("title")
        if event.place == old_place and event.place != series.place:
            event.place = series.place
            changed.append("place")
        if event.video_url == old_video_url and event.video_url != series.video_url:
            event.video_url = series.video_url
            changed.append("video_url")
        if changed:
            event.sequence += 1
            event.save(update_fields=[*changed, "sequence"])
            _notify_invitees(event=event, kind=CHANGED)


def _notify_invitees(*, event: Event, kind: str) -> int:
    """Queue a notice (changed / cancelled) to everyone who got the invitation or said yes."""
    series = _series_of(event)
    queued = 0
    with _reach_scope(series):
        invitations = Invitation.objects.filter(event=event, status__in=EXPECTING).filter(
            Q(sent_at__isnull=False) | Q(status__in=SAID_YES)
        )
        for invitation in invitations.select_related("person", "household"):
            if not invitation_email(invitation):
                continue
            _queue_notice(invitation, kind=kind, sequence=event.sequence)
            queued += 1
    return queued


def _queue_notice(invitation: Invitation, *, kind: str, sequence: int | None = None) -> None:
    job_enqueue(
        func=NOTIFY_JOB,
        kwargs={
            "invitation_id": invitation.pk,
            "municipality_id": invitation.municipality_id,
            "kind": kind,
            "sequence": sequence,
            "notice": uuid.uuid4().hex,
        },
    )


def _series_of(event: Event) -> Series:
    """The meeting's series, read through the relation: an invitee's municipality reads the
    organiser's meeting it was invited to (the invitation points at it)."""
    if event.series_id is None:
        raise ValidationError(_("This is not a network meeting."))
    series: Series = event.series  # type: ignore[assignment]  # series_id is set
    return series


def _meeting_open(event: Event) -> None:
    if event.kind != EventKind.MEETING:
        raise ValidationError(_("This is not a network meeting."))
    if event.is_cancelled:
        raise ValidationError(_("The meeting is cancelled."), code="cancelled")
    if event.starts_at <= timezone.now():
        raise ValidationError(_("The meeting has already started."), code="started")


@transaction.atomic
def event_move(
    *,
    by: User,
    event: Event,
    version: int,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str,
    video_url: str,
) -> Event:
    """Move one meeting in time or place; everyone who got the invitation gets an updated .ics."""
    _meeting_open(event)
    place, video_url = place.strip(), video_url.strip()
    errors: dict[str, Any] = {}
    if starts_at <= timezone.now():
        errors["starts_at"] = _("A meeting can only be moved to a time in the future.")
    if not 15 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("A meeting lasts 15 to 480 minutes.")
    if not place and not video_url:
        errors["place"] = _("Give a place, a video link, or both.")
    if errors:
        raise ValidationError(errors)
    fields = {
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(minutes=duration_minutes),
        "place": place,
        "video_url": video_url,
    }
    if all(getattr(event, name) == value for name, value in fields.items()):
        return event
    record_update(
        event,
        by=by,
        tracked=EVENT_FIELDS,
        values={**fields, "sequence": event.sequence + 1},
        version=version,
        clean=lambda record: record.full_clean(exclude=["series", "municipality"]),
    )
    _notify_invitees(event=event, kind=CHANGED)
    return event


def _cancel(*, by: User, event: Event, reason: str, version: int) -> None:
    """Cancel a meeting (its row locked by the caller) and tell its invitees."""
    record_update(
        event,
        by=by,
        tracked=EVENT_FIELDS,
        values={"is_cancelled": True, "cancel_reason": reason[:200], "sequence": event.sequence + 1},
        version=version,
    )
    _notify_invitees(event=event, kind=CANCELLED)


@transaction.atomic
def event_cancel(*, by: User, event: Event, version: int, reason: str) -> Event:
    """Cancel one meeting; everyone who got the invitation or said yes is told why."""
    _meeting_open(event)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled; the invitees are told.")})
    locked = Event.objects.select_for_update().get(pk=event.pk)
    _cancel(by=by, event=locked, reason=reason, version=version)
    return locked


# Invitations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRun:
    """What one round of inviting did."""

    created: int = 0
    queued: int = 0
    without_email: int = 0

    def __add__(self, other: InvitationRun) -> InvitationRun:
        return InvitationRun(
            self.created + other.created,
            self.queued + other.queued,
            self.without_email + other.without_email,
        )


def _nonce() -> str:
    return secrets.token_urlsafe(16)  # 22 characters


def invitations_create_for(*, event: Event) -> InvitationRun:
    """Invite the series' audience to one meeting and queue one e-mail job per new invitation.

    Safe to run again: a person already invited is skipped, and an invitation's
    e-mail is queued once (``send_queued_at``). Call inside a transaction.
    """
    series = _series_of(event)
    run = InvitationRun()
    for code in series_audience_municipality_ids(series):
        # One municipality at a time: its register is read inside its own scope, and
        # each invitation is written in the municipality that owns it (the invitee's).
        with municipality_scope(code):
            run += _invite_in(event=event, series=series, municipality_id=code)
    return run


def _invite_in(*, event: Event, series: Series, municipality_id: str) -> InvitationRun:
    persons = audience_persons(series=series, municipality_id=municipality_id)
    already = set(Invitation.objects.filter(event=event).values_list("person_id", flat=True))
    new = [
        Invitation(
            municipality_id=municipality_id,
            event=event,
            person=person,
            household_id=person.household_id,
            nonce=_nonce(),
        )
        for person in persons
        if person.pk not in already
    ]
    # ignore_conflicts: a daily run and a secretary's click at the same moment invite once.
    Invitation.objects.bulk_create(new, ignore_conflicts=True)
    queued = without_email = 0
    now = timezone.now()
    unsent = Invitation.objects.filter(event=event, sent_at__isnull=True).exclude(
        status=InvitationStatus.WITHDRAWN
    )
    # Queued long ago and still not in the outbox: queued before the outbox existed, when
    # retries gave up after three minutes and nothing queued them again. Queued once more
    # (its job puts the e-mail in the outbox once, however often it runs).
    stale = unsent.filter(send_queued_at__lt=now - STALE_SEND_JOB)
    in_outbox = set(
        email_states_about(
            about_type="meetings.Invitation", ids=stale.values_list("pk", flat=True), key_suffix=":invite"
        )
    )
    waiting = (
        unsent.filter(Q(send_queued_at__isnull=True) | Q(pk__in=stale.exclude(pk__in=in_outbox).values("pk")))
        .select_related("person", "household")
        .order_by("id")
    )
    for invitation in waiting:
        if not invitation_email(invitation):
            if invitation.send_queued_at is None:
                without_email += 1  # listed on the meeting page: answer on their behalf
            continue
        if invitation.send_queued_at is not None or Invitation.objects.filter(
            pk=invitation.pk, send_queued_at__isnull=True
        ).update(send_queued_at=now):
            job_enqueue(
                func=SEND_JOB,
                kwargs={"invitation_id": invitation.pk, "municipality_id": municipality_id},
            )
            queued += 1
    return InvitationRun(created=len(new), queued=queued, without_email=without_email)


@transaction.atomic
def event_invitations_create(*, by: User, event: Event) -> InvitationRun:
    """Invite the audience now (the "Send invitations" button); the e-mails go out from the worker."""
    _meeting_open(event)
    run = invitations_create_for(event=event)
    if event.invitations_queued_at is None:
        record_update(
            event, by=by, tracked=["invitations_queued_at"], values={"invitations_queued_at": timezone.now()}
        )
    return run


# Answers -------------------------------------------------------------------------------


def _promote(*, event: Event, capacity: int | None) -> list[Invitation]:
    """Give free places to the waiting list, first come first served (event row locked by the caller)."""
    promoted = []
    while capacity is None or event.accepted_count < capacity:
        # Any municipality of the region: the caller is inside the series' reach scope.
        first = (
            Invitation.objects.select_for_update()
            .filter(event=event, status=InvitationStatus.WAITLISTED)
            .order_by("waitlisted_at", "id")
            .first()
        )
        if first is None:
            break
        first.status = InvitationStatus.ACCEPTED
        first.waitlisted_at = None
        first.version += 1
        first.save(update_fields=["status", "waitlisted_at", "version"])
        event.accepted_count += 1
        event.waitlisted_count -= 1
        _queue_notice(first, kind=PROMOTED)
        promoted.append(first)
    return promoted


def _capacity(series: Series) -> int | None:
    """The series' places, read again under the meeting's lock: a capacity changed meanwhile counts."""
    capacity: int | None = Series.objects.filter(pk=series.pk).values_list("capacity", flat=True).get()
    return capacity


def _answer(*, invitation: Invitation, answer: str) -> tuple[Invitation, str]:
    """Record yes/no under the meeting's row lock; returns the invitation and its status before."""
    if answer not in (YES, NO):
        raise ValidationError({"answer": _("Answer yes or no.")})
    series = _series_of(invitation.event)
    # The meeting's row lock orders every answer to it: the places taken and the
    # waiting list stay exact whichever municipality the answers come from.
    with _reach_scope(series):
        event = Event.objects.select_for_update().get(pk=invitation.event_id)
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if current.status == InvitationStatus.WITHDRAWN:
            raise ValidationError(_("The invitation was withdrawn."), code="withdrawn")
        if event.is_cancelled:
            raise ValidationError(_("The meeting has been cancelled."), code="cancelled")
        if event.starts_at <= timezone.now():
            raise ValidationError(
                _("The meeting has started: the answer can no longer be changed."), code="started"
            )
        capacity = _capacity(series)
        before = current.status
        now = timezone.now()
        if answer == YES and before not in SAID_YES:
            if capacity is None or event.accepted_count < capacity:
                current.status = InvitationStatus.ACCEPTED
                event.accepted_count += 1
            else:
                current.status = InvitationStatus.WAITLISTED
                current.waitlisted_at = now
                event.waitlisted_count += 1
        elif answer == NO and before != InvitationStatus.DECLINED:
            current.status = InvitationStatus.DECLINED
            current.waitlisted_at = None
            if before == InvitationStatus.ACCEPTED:
                event.accepted_count -= 1
            elif before == InvitationStatus.WAITLISTED:
                event.waitlisted_count -= 1
        else:
            return current, before  # the same answer again changes nothing
        current.answered_at = now
        current.version += 1
        current.save(update_fields=["status", "waitlisted_at", "answered_at", "version"])
        if before == InvitationStatus.ACCEPTED:
            _promote(event=event, capacity=capacity)
        event.save(update_fields=["accepted_count", "waitlisted_count"])
    return current, before


@transaction.atomic
def invitation_answer(*, invitation: Invitation, answer: str) -> Invitation:
    """The invitee's own yes or no (through the signed link), until the meeting starts.

    Yes takes a place while there is one, else a place on the waiting list; no
    frees the place, and the first on the waiting list gets it and an e-mail.
    """
    answered, _before = _answer(invitation=invitation, answer=answer)
    return answered


@transaction.atomic
def invitation_answer_on_behalf(*, by: User, invitation: Invitation, answer: str) -> Invitation:
    """A secretary records an invitee's answer (e.g. given by phone, or without e-mail)."""
    if invitation.municipality_id != municipality_of(by):
        raise ValidationError(_("The invitation belongs to another municipality."))
    answered, before = _answer(invitation=invitation, answer=answer)
    change_log_record(
        by=by,
        instance=answered,
        action=ChangeAction.UPDATE,
        before={"status": str(InvitationStatus(before).label)},
        after={"status": str(InvitationStatus(answered.status).label)},
    )
    return answered


@transaction.atomic
def invitation_withdraw(*, by: User, invitation: Invitation) -> Invitation:
    """Take back an invitation: its links stop working, and a place it held goes to the waiting list."""
    if invitation.municipality_id != municipality_of(by):
        raise ValidationError(_("The invitation belongs to another municipality."))
    series = _series_of(invitation.event)
    with _reach_scope(series):
        event = Event.objects.select_for_update().get(pk=invitation.event_id)
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if current.status == InvitationStatus.WITHDRAWN:
            raise ValidationError(_("The invitation is already withdrawn."))
        if event.starts_at <= timezone.now():
            raise ValidationError(_("The meeting has already started."), code="started")
        before = current.status
        current.status = InvitationStatus.WITHDRAWN
        current.waitlisted_at = None
        current.nonce = _nonce()  # retires every link sent so far
        current.version += 1
        current.save(update_fields=["status", "waitlisted_at", "nonce", "version"])
        if before == InvitationStatus.ACCEPTED:
            event.accepted_count -= 1
            _promote(event=event, capacity=_capacity(series))
        elif before == InvitationStatus.WAITLISTED:
            event.waitlisted_count -= 1
        event.save(update_fields=["accepted_count", "waitlisted_count"])
    change_log_record(
        by=by,
        instance=current,
        action=ChangeAction.UPDATE,
        before={"status": str(InvitationStatus(before).label)},
        after={"status": str(InvitationStatus(current.status).label)},
    )
    return current


# Daily work (called by meetings.jobs) --------------------------------------------------


def reminders_queue_for(*, event: Event) -> int:
    """Queue a reminder to everyone coming to the meeting who has not had one; returns how many."""
    series = _series_of(event)
    queued = 0
    with _reach_scope(series):
        coming = Invitation.objects.filter(
            event=event, status=InvitationStatus.ACCEPTED, reminder_sent_at__isnull=True
        ).select_related("person", "household")
        for invitation in coming:
            if not invitation_email(invitation):
                continue
            # Sent once per invitation: the outbox key is the invitation's reminder; its
            # reminder_sent_at is set when the mail server took it, not here.
            _queue_notice(invitation, kind=REMINDER)
            queued += 1
    return queued
