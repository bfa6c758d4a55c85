"""Events and who comes to them: recurring network meetings (samtalsträffar,
constellation meetings) and the sessions of group programmes (``programmes.Session``
is an ``Event`` with its cohort: programmes owns that link, so this app never refers
to programmes). One event and attendance model serves both, so attendance rates,
calendar feeds and the "not seen in six months" warning read one table.

Times are stored in UTC (``USE_TZ``) and shown, generated and exported in
Europe/Stockholm: a series "first Tuesday at 18:00" stays at 18:00 on both sides
of a daylight-saving change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenancy.models import MunicipalityOwned


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering; iCalendar's MO..SU in the same order.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = -1, _("last")


class Series(MunicipalityOwned):
    """A recurring network meeting, e.g. "Samtalsträff för familjehem och jourhem",
    first Tuesday of the month. A constellation (Mockingbird model) is a series
    whose audience is one hub family and its satellite families."""

    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    # Recurrence (RFC 5545 RRULE subset): weekly on a weekday, or monthly on the
    # n-th (or last) weekday, every `interval` weeks/months, from starts_on to ends_on.
    frequency = models.CharField(_("repeats"), max_length=8, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(
        _("which week of the month"), choices=WeekOfMonth.choices, null=True, blank=True
    )
    starts_on = models.DateField(_("first date"))
    ends_on = models.DateField(_("last date"))
    start_time = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=120)
    # Audience: assignment types in these municipalities (own, or of a shared region),
    # or, for a constellation, the hub family and its satellites.
    audience_types = models.JSONField(_("assignment types invited"), default=list, blank=True)
    audience_municipalities = models.ManyToManyField(
        "geo.Municipality", related_name="+", blank=True, verbose_name=_("municipalities invited")
    )
    hub_household = models.ForeignKey(
        "register.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hub family"),
    )
    satellite_households = models.ManyToManyField(
        "register.Household", related_name="+", blank=True, verbose_name=_("satellite families")
    )
    invite_days_before = models.PositiveSmallIntegerField(_("invite this many days before"), default=21)
    remind_days_before = models.PositiveSmallIntegerField(_("remind this many days before"), default=2)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible secretary"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.title

    @property
    def is_constellation(self) -> bool:
        return self.hub_household_id is not None


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Network meeting")
    SESSION = "session", _("Programme session")


class Event(MunicipalityOwned):
    """One meeting of a series, or one session of a programme cohort (then its
    ``programmes.Session`` row, which extends this one, names the cohort)."""

    kind = models.CharField(_("kind"), max_length=8, choices=EventKind.choices)
    series = models.ForeignKey(Series, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    # 1-based position in its series or cohort ("session 3 of 8").
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=160)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # Where the recurrence put it: iCalendar's RECURRENCE-ID for a moved occurrence.
    original_starts_at = models.DateTimeField(_("originally planned"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(_("why cancelled"), max_length=200, blank=True)
    # Places taken and waiting, kept under the event's row lock by the RSVP
    # services: invitations may belong to several municipalities of a region.
    accepted_count = models.PositiveIntegerField(default=0)
    waitlisted_count = models.PositiveIntegerField(default=0)
    invitations_queued_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    reminders_queued_at = models.DateTimeField(_("reminders sent"), null=True, blank=True)
    # iCalendar SEQUENCE: raised on every change a calendar must pick up.
    sequence = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            # A meeting belongs to a series; a session to no series (its cohort is on programmes.Session).
            models.CheckConstraint(
                condition=Q(kind=EventKind.MEETING, series__isnull=False)
                | Q(kind=EventKind.SESSION, series__isnull=True),
                name="meetings_event_kind_matches_series",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meetings_event_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "starts_at"], name="meetings_event_muni_start")]

    def __str__(self) -> str:
        return self.title


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Not answered")
    ACCEPTED = "accepted", _("Coming")
    WAITLISTED = "waitlisted", _("On the waiting list")
    DECLINED = "declined", _("Not coming")
    WITHDRAWN = "withdrawn", _("No longer invited")


class Invitation(MunicipalityOwned):
    """One person invited to one meeting. Owned by the invitee's municipality (a
    regional series invites families of several municipalities), so each
    municipality sees only its own families."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="invitations")
    person = models.ForeignKey("register.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "register.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("answer"), max_length=12, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # E-mail: queued → sent by the worker. A failed send stays "not sent" with its
    # attempts and error (never the address) until a retry succeeds.
    send_queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    last_send_error = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Part of every RSVP link; a new nonce (re-invitation) retires the old links.
    nonce = models.CharField(max_length=22)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["event__starts_at", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="meetings_invitation_once_per_person")
        ]
        indexes = [models.Index(fields=["event", "status", "waitlisted_at"], name="meetings_inv_waitlist")]


class Attendance(MunicipalityOwned):
    """Whether one person (an assignee or a staff member) was at one event."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="attendances")
    person = models.ForeignKey(
        "register.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, user__isnull=True)
                | Q(person__isnull=True, user__isnull=False),
                name="meetings_attendance_person_xor_user",
            ),
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(person__isnull=False),
                name="meetings_attendance_once_person",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="meetings_attendance_once_user",
            ),
        ]
        indexes = [models.Index(fields=["person", "is_present"], name="meetings_attendance_person")]


class CalendarKey(MunicipalityOwned):
    """The secret in a staff member's (or an invited person's) calendar-feed URLs.

    Calendar programs cannot log in, so the URL itself is the credential: a new
    key retires every old URL at once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_key"
    )
    person = models.OneToOneField(
        "register.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_key"
    )
    secret = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, user__isnull=True)
                | Q(person__isnull=True, user__isnull=False),
                name="meetings_calendarkey_person_xor_user",
            ),
        ]
