"""Group programmes (the Helsingborg model): a programme runs cohorts of
participants and mentors who meet weekly for a set number of sessions, and is
evaluated with the same questionnaire before and after.

A session is a ``meetings.Event`` (kind "session") extended by a :class:`Session` row
naming its cohort, so attendance and calendar feeds work the same as for network
meetings, and the link is programmes' own: meetings never refers to programmes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models import Event
from tenancy.models import MunicipalityOwned


class ParticipantKind(models.TextChoices):
    STAFF = "staff", _("Staff members (e.g. new social secretaries)")
    ASSIGNEES = "assignees", _("Assignees (e.g. new foster families)")


class Programme(MunicipalityOwned):
    """E.g. "Brukarmentorer för nya socialsekreterare"; its default cohort shape and period."""

    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    participant_kind = models.CharField(
        _("participants are"), max_length=12, choices=ParticipantKind.choices, default=ParticipantKind.STAFF
    )
    sessions_per_cohort = models.PositiveSmallIntegerField(_("sessions per cohort"), default=8)
    start_time = models.TimeField(_("sessions start at"))
    duration_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=120)
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_on = models.DateField(_("programme runs from"))
    ends_on = models.DateField(_("programme runs until"))
    # HMAC key of the pseudonyms in the evaluation export: stable per programme, never shown.
    pseudonym_key = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="programmes_programme_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Cohort(MunicipalityOwned):
    """One group going through the programme together, with its own session dates."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(_("name"), max_length=120, help_text=_("E.g. “Höstgruppen 2026”."))
    starts_on = models.DateField(_("first session"))
    start_time = models.TimeField(_("sessions start at"))
    duration_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name


class Session(Event):
    """One session of a cohort: an event of kind "session" and the cohort it belongs to.

    Multi-table inheritance: the session row's primary key is its event's, so a session
    is an event everywhere (attendance, calendars, the change history of its event).
    """

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, parent_link=True, primary_key=True, related_name="session"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="sessions")

    class Meta:
        # Like every municipality-owned model: the scoped manager by default, a plain one underneath.
        default_manager_name = "objects"
        base_manager_name = "unscoped"


class MemberRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    MENTOR = "mentor", _("Mentor")


class CohortMember(MunicipalityOwned):
    """A participant (a staff member or an assignee) or a mentor (a person holding
    a user-mentor assignment) of a cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "register.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    left_on = models.DateField(_("left the group"), null=True, blank=True)

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("cohort member")
        verbose_name_plural = _("cohort members")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, user__isnull=True)
                | Q(person__isnull=True, user__isnull=False),
                name="programmes_member_person_xor_user",
            ),
            models.UniqueConstraint(
                fields=["cohort", "user"], condition=Q(user__isnull=False), name="programmes_member_user_once"
            ),
            models.UniqueConstraint(
                fields=["cohort", "person"],
                condition=Q(person__isnull=False),
                name="programmes_member_person_once",
            ),
        ]


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Scale 1–5")
    TEXT = "text", _("Free text")


class Question(MunicipalityOwned):
    """One item of the programme's questionnaire, asked the same way before and after."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=8, choices=QuestionKind.choices, default=QuestionKind.LIKERT
    )
    low_label = models.CharField(_("label for 1"), max_length=60, blank=True)
    high_label = models.CharField(_("label for 5"), max_length=60, blank=True)
    # A question that has answers is never edited (before and after must ask the
    # same thing); it is retired and a new one added.
    is_active = models.BooleanField(_("asked"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")


class Phase(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")


class QuestionnaireResponse(MunicipalityOwned):
    """One member's questionnaire for one phase: sent by e-mail, answered once through a signed link."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="responses")
    member = models.ForeignKey(CohortMember, on_delete=models.PROTECT, related_name="responses")
    phase = models.CharField(_("when"), max_length=8, choices=Phase.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    send_queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    last_send_error = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["cohort", "phase", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "phase"], name="programmes_response_once_per_phase")
        ]


class Answer(MunicipalityOwned):
    response = models.ForeignKey(QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="programmes_answer_once"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5),
                name="programmes_answer_scale",
            ),
        ]
