"""Background work for mentorship: sending the follow-up surveys that are due."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from jobs.services import email_send_later
from mentorship.links import survey_link
from mentorship.models import FollowUpSurvey, PairingStatus, SurveyRole
from tenancy.scope import for_each_municipality


def surveys_send_due(*, today: str | None = None) -> int:
    """Queue an e-mail for every due, unsent survey of an active pairing; returns how many.

    Runs daily. Safe to run twice: a survey is marked sent in the same
    transaction that queues its e-mail.
    """
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    sent = for_each_municipality(
        lambda: FollowUpSurvey.objects.filter(
            sent_at__isnull=True, due_on__lte=day, pairing__status=PairingStatus.ACTIVE
        ),
        lambda _code: _send_for_municipality(day),
    )
    return sum(sent.values())


def _send_for_municipality(day: datetime.date) -> int:
    sent = 0
    due = FollowUpSurvey.objects.filter(
        sent_at__isnull=True, due_on__lte=day, pairing__status=PairingStatus.ACTIVE
    ).select_related("pairing__mentor__household", "pairing__mentee_household")
    for survey in due:
        household = (
            survey.pairing.mentor.household
            if survey.role == SurveyRole.MENTOR
            else survey.pairing.mentee_household
        )
        if not household.email:
            continue  # shown as "not sent: no e-mail address" on the pairing page
        with transaction.atomic():
            claimed = FollowUpSurvey.objects.filter(pk=survey.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            )
            if not claimed:
                continue
            body = render_to_string(
                "mentorship/survey_email.txt",
                {"survey": survey, "link": survey_link(survey), "household": household},
            )
            email_send_later(
                to=[household.email],
                subject=render_to_string("mentorship/survey_subject.txt", {"survey": survey}).strip(),
                body=body,
            )
        sent += 1
    return sent
