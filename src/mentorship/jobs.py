"""Background work for mentorship: sending the follow-up surveys that are due."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from jobs.models import EmailState, OutgoingEmail
from jobs.services import email_enqueue
from mentorship.links import survey_link
from mentorship.models import FollowUpSurvey, PairingStatus, SurveyRole
from register.models import Household
from tenancy.scope import for_each_municipality


def survey_email_key(survey_id: int) -> str:
    return f"survey:{survey_id}"


def surveys_send_due(*, today: str | None = None) -> int:
    """Put an e-mail in the outbox for every due, unsent survey of an active pairing; returns how many.

    Runs daily. Safe to run twice: each survey's e-mail has one outbox key, so a
    survey already queued is not queued again. ``sent_at`` is set when the mail
    server took the e-mail (:func:`survey_email_changed`), never when it is queued.
    """
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    sent = for_each_municipality(
        lambda: FollowUpSurvey.objects.filter(
            sent_at__isnull=True, due_on__lte=day, pairing__status=PairingStatus.ACTIVE
        ),
        lambda code: _send_for_municipality(day, code),
    )
    return sum(sent.values())


def _household(survey: FollowUpSurvey) -> Household:
    pairing = survey.pairing
    return pairing.mentor.household if survey.role == SurveyRole.MENTOR else pairing.mentee_household


def _send_for_municipality(day: datetime.date, code: str) -> int:
    queued = 0
    due = FollowUpSurvey.objects.filter(
        sent_at__isnull=True, due_on__lte=day, pairing__status=PairingStatus.ACTIVE
    ).select_related("pairing__mentor__household", "pairing__mentee_household")
    for survey in due:
        household = _household(survey)
        if not household.email:
            continue  # shown as "not sent: no e-mail address" on the pairing page
        with transaction.atomic():
            message = email_enqueue(
                key=survey_email_key(survey.pk),
                to=household.email,
                subject=render_to_string("mentorship/survey_subject.txt", {"survey": survey}).strip(),
                body=render_to_string(
                    "mentorship/survey_email.txt",
                    {"survey": survey, "link": survey_link(survey), "household": household},
                ),
                municipality_id=code,
                about=survey,
            )
        if message is not None:
            queued += 1
    return queued


def survey_email_is_needed(message: OutgoingEmail) -> bool:
    """A survey of a pairing that ended, or one already answered, is not sent."""
    return FollowUpSurvey.objects.filter(
        pk=message.about_id, answered_at__isnull=True, pairing__status=PairingStatus.ACTIVE
    ).exists()


def survey_email_changed(message: OutgoingEmail) -> None:
    """The outbox recorded a new state: the survey counts as sent once the mail server took it."""
    FollowUpSurvey.objects.filter(pk=message.about_id).update(
        sent_at=message.sent_at if message.state == EmailState.SENT else None
    )
