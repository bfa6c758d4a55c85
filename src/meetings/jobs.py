"""Background work for network meetings: invitation e-mails, notices and the daily round.

Jobs carry ids only (never an e-mail address) and enter the municipality scope
themselves. Every job is safe to run twice: it puts its e-mail in the outbox under a
key naming the invitation and the kind of message (``invitation:12:invite``), so a
second run queues nothing, and then sends it. Retries, failures and "may have been
sent" are the outbox's (``jobs.services``); the invitation's ``sent_at``,
``send_attempts``, ``last_send_error`` and ``reminder_sent_at`` follow the outbox
through :func:`invitation_email_changed`.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from jobs.models import EmailState, OutgoingEmail
from jobs.services import Attachment, email_deliver, email_enqueue
from meetings import services
from meetings.audience import invitation_email
from meetings.calendar.ical import invitation_ics
from meetings.calendar.links import person_feed_url
from meetings.links import rsvp_link
from meetings.models import Event, EventKind, Invitation, InvitationStatus
from meetings.recurrence import STOCKHOLM
from tenancy.scope import for_each_municipality, municipality_scope

logger = logging.getLogger(__name__)

ICS_NAME = "traff.ics"
ICS_TYPE = "text/calendar; method=PUBLISH; charset=UTF-8"
# E-mail goes out in Swedish, whatever language the secretary's browser uses.
MAIL_LANGUAGE = "sv"
# Looks far enough ahead for the longest invitation window (90 days).
HORIZON = datetime.timedelta(days=92)


def invitation_email_key(invitation_id: int, kind: str, *parts: object) -> str:
    """The outbox key of one e-mail about an invitation (``invitation:12:invite``)."""
    return ":".join(["invitation", str(invitation_id), kind, *(str(part) for part in parts)])


def _queue_message(*, invitation: Invitation, kind: str, to: str, key: str) -> OutgoingEmail | None:
    """One invitee's e-mail into the outbox: Swedish text, times in Europe/Stockholm, the meeting as .ics."""
    event = invitation.event
    with translation.override(MAIL_LANGUAGE), timezone.override(STOCKHOLM):
        context = {
            "kind": kind,
            "invitation": invitation,
            "person": invitation.person,
            "event": event,
            "series": event.series,
            "link": rsvp_link(invitation),
            "feed_url": person_feed_url(person=invitation.person),
        }
        subject = " ".join(render_to_string("meetings/email/subject.txt", context).split())
        body = render_to_string("meetings/email/body.txt", context)
    return email_enqueue(
        key=key,
        to=to,
        subject=subject,
        body=body,
        attachments=[Attachment(name=ICS_NAME, content=invitation_ics(event).decode(), mimetype=ICS_TYPE)],
        municipality_id=invitation.municipality_id,
        about=invitation,
        wake=False,  # sent right below, by this job
    )


def _send(message: OutgoingEmail | None, *, municipality_id: str) -> str:
    if message is None:
        return "already queued"
    return email_deliver(message_id=message.pk, municipality_id=municipality_id)


def invitation_send(*, invitation_id: int, municipality_id: str) -> str:
    """Send one invitation e-mail with the meeting's .ics; returns what it did."""
    with municipality_scope(municipality_id):
        with transaction.atomic():
            # Lock only the invitation row (PostgreSQL refuses FOR UPDATE on an outer join's nullable side).
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("person", "household", "event__series")
                .filter(pk=invitation_id)
                .first()
            )
            if invitation is None:
                return "gone"
            if invitation.sent_at is not None:
                return "already sent"
            if not _notice_needed(invitation, kind=INVITE, sequence=None):
                return "not needed"
            address = invitation_email(invitation)
            if not address:
                return "no address"
            message = _queue_message(
                invitation=invitation,
                kind="invitation",
                to=address,
                key=invitation_email_key(invitation.pk, INVITE),
            )
        return _send(message, municipality_id=municipality_id)


INVITE = "invite"


def _notice_needed(invitation: Invitation, *, kind: str, sequence: int | None) -> bool:
    event = invitation.event
    started = event.starts_at <= timezone.now()
    if kind == services.CANCELLED:
        return event.is_cancelled and invitation.status in services.EXPECTING
    if event.is_cancelled or started or invitation.status == InvitationStatus.WITHDRAWN:
        return False
    if kind == INVITE:
        return True
    if kind == services.CHANGED:
        return sequence is None or event.sequence == sequence  # a later change sends its own notice
    if kind in (services.PROMOTED, services.REMINDER):
        return invitation.status == InvitationStatus.ACCEPTED
    raise ValueError(f"Unknown notice {kind!r}")


def invitation_notify(
    *,
    invitation_id: int,
    municipality_id: str,
    kind: str,
    sequence: int | None = None,
    notice: str | None = None,
) -> str:
    """Send one notice about a meeting: changed, cancelled, a place from the waiting list, or a reminder.

    ``notice`` names this one notice (given when it was queued), so the job running
    twice sends it once; a reminder is sent once per invitation whatever queued it.
    """
    with municipality_scope(municipality_id):
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_related("person", "household", "event__series")
                .filter(pk=invitation_id)
                .first()
            )
            if invitation is None or not _notice_needed(invitation, kind=kind, sequence=sequence):
                return "not needed"
            address = invitation_email(invitation)
            if not address:
                return "no address"
            if kind == services.REMINDER:
                key = invitation_email_key(invitation.pk, kind)
            else:
                key = invitation_email_key(invitation.pk, kind, sequence or 0, notice or "once")
            message = _queue_message(invitation=invitation, kind=kind, to=address, key=key)
        return _send(message, municipality_id=municipality_id)


def invitation_email_is_needed(message: OutgoingEmail) -> bool:
    """Asked by the outbox just before sending: a withdrawn invitation or cancelled meeting sends nothing."""
    invitation = Invitation.objects.select_related("event").filter(pk=message.about_id).first()
    if invitation is None:
        return False
    parts = message.key.split(":")
    kind = parts[2] if len(parts) > 2 else INVITE
    sequence = int(parts[3]) if kind == services.CHANGED and len(parts) > 3 and parts[3].isdigit() else None
    return _notice_needed(invitation, kind=kind, sequence=sequence or None)


def invitation_email_changed(message: OutgoingEmail) -> None:
    """The outbox recorded a new state: the invitation's own send columns follow it."""
    kind = message.key.split(":")[2] if message.key.count(":") >= 2 else ""
    rows = Invitation.objects.filter(pk=message.about_id)
    sent_at = message.sent_at if message.state == EmailState.SENT else None
    if kind == INVITE:
        rows.update(
            sent_at=sent_at,
            send_attempts=min(message.attempts, 32767),
            last_send_error="" if sent_at else message.last_error,
        )
    elif kind == services.REMINDER:
        rows.update(reminder_sent_at=sent_at)


def invitations_create(*, event_id: int, municipality_id: str) -> int:
    """Invite the audience of one meeting (organised by ``municipality_id``); returns how many were queued.

    The organiser's scope reads the meeting; ``services.invitations_create_for``
    then enters each audience municipality's scope in turn, because each
    municipality's register is read, and its invitations written, only inside its
    own scope.
    """
    with municipality_scope(municipality_id), transaction.atomic():
        event = (
            Event.objects.select_for_update()
            .filter(pk=event_id, kind=EventKind.MEETING, is_cancelled=False, starts_at__gt=timezone.now())
            .first()
        )
        if event is None:
            return 0
        run = services.invitations_create_for(event=event)
        if event.invitations_queued_at is None:
            event.invitations_queued_at = timezone.now()
            event.save(update_fields=["invitations_queued_at"])
        return run.queued


def _reminders_queue(*, event_id: int, municipality_id: str) -> int:
    with municipality_scope(municipality_id), transaction.atomic():
        event = (
            Event.objects.select_for_update().filter(pk=event_id, reminders_queued_at__isnull=True).first()
        )
        if event is None:
            return 0
        queued = services.reminders_queue_for(event=event)
        event.reminders_queued_at = timezone.now()
        event.save(update_fields=["reminders_queued_at"])
        return queued


def meetings_daily(*, today: str | None = None) -> dict[str, int]:
    """Runs once a day: invites to meetings entering their invitation window and
    reminds those coming to meetings entering their reminder window.

    Safe to run twice: a meeting is invited once (``invitations_queued_at``), each
    invitee reminded once (``reminder_sent_at``).
    """
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    now = timezone.now()
    waiting = Q(invitations_queued_at__isnull=True) | Q(reminders_queued_at__isnull=True)
    upcoming = Q(kind=EventKind.MEETING, is_cancelled=False, starts_at__gt=now, starts_at__lt=now + HORIZON)
    done = {"invited": 0, "reminded": 0}

    def organise(code: str) -> None:
        events = list(
            Event.objects.filter(upcoming, waiting, municipality_id=code)
            .select_related("series")
            .order_by("starts_at")
        )
        for event in events:
            series = event.series
            if series is None:
                continue
            days_left = (timezone.localtime(event.starts_at, STOCKHOLM).date() - day).days
            if event.invitations_queued_at is None and days_left <= series.invite_days_before:
                done["invited"] += invitations_create(event_id=event.pk, municipality_id=code)
            if event.reminders_queued_at is None and days_left <= series.remind_days_before:
                done["reminded"] += _reminders_queue(event_id=event.pk, municipality_id=code)

    # Every organising municipality in turn, each inside its own scope.
    for_each_municipality(lambda: Event.objects.filter(upcoming, waiting), organise)
    return done
