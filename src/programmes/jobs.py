"""Background work for programmes: sending a member's questionnaire link by e-mail.

Queued by ``programmes.evaluation.services.questionnaires_send`` (one job per questionnaire).
The job puts the e-mail in the outbox under ``questionnaire:<id>`` (so running twice
sends once) and sends it; retries, failures and "may have been sent" are the
outbox's, and the questionnaire's ``sent_at``, ``send_attempts`` and
``last_send_error`` follow it through :func:`questionnaire_email_changed`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from jobs.models import EmailState, OutgoingEmail
from jobs.services import email_deliver, email_enqueue
from programmes.evaluation.links import QUESTIONNAIRE_LINK_MAX_AGE, questionnaire_link
from programmes.evaluation.selectors import member_email
from programmes.models import QuestionnaireResponse
from tenancy.scope import municipality_scope


def questionnaire_email_key(response_id: int) -> str:
    return f"questionnaire:{response_id}"


def _queue_message(response: QuestionnaireResponse, address: str) -> OutgoingEmail | None:
    member = response.member
    holder = member.user if member.user_id is not None else member.person
    context = {
        "first_name": getattr(holder, "first_name", ""),
        "programme": response.cohort.programme.name,
        "phase": response.phase,
        "link": questionnaire_link(response),
        "days": QUESTIONNAIRE_LINK_MAX_AGE.days,
    }
    subject = render_to_string("programmes/questionnaire_email_subject.txt", context).strip()
    return email_enqueue(
        key=questionnaire_email_key(response.pk),
        to=address,
        subject=" ".join(subject.split()),
        body=render_to_string("programmes/questionnaire_email.txt", context),
        html_body=render_to_string("programmes/questionnaire_email.html", context),
        municipality_id=response.municipality_id,
        about=response,
        wake=False,  # sent right below, by this job
    )


def questionnaire_send(*, response_id: int, municipality_id: str) -> str:
    """E-mail one member the link to their questionnaire, once; returns what it did.

    Safe to run twice: a questionnaire already in the outbox, sent or answered is left alone.
    """
    responses = QuestionnaireResponse.objects
    with municipality_scope(municipality_id), translation.override(settings.LANGUAGE_CODE):
        with transaction.atomic():
            response = (
                responses.select_related("member__user", "member__person", "cohort__programme")
                .filter(pk=response_id)
                .first()
            )
            if response is None or response.sent_at is not None or response.answered_at is not None:
                return "not needed"
            address = member_email(response.member)
            if not address:
                return "no address"  # the page shows "no e-mail address" and the link to copy
            message = _queue_message(response, address)
        if message is None:
            return "already queued"
        return email_deliver(message_id=message.pk, municipality_id=municipality_id)


def questionnaire_email_is_needed(message: OutgoingEmail) -> bool:
    """An answered questionnaire needs no link any more."""
    return QuestionnaireResponse.objects.filter(pk=message.about_id, answered_at__isnull=True).exists()


def questionnaire_email_changed(message: OutgoingEmail) -> None:
    """The outbox recorded a new state: the questionnaire's send columns follow it."""
    sent_at = message.sent_at if message.state == EmailState.SENT else None
    QuestionnaireResponse.objects.filter(pk=message.about_id).update(
        sent_at=sent_at,
        send_attempts=min(message.attempts, 32767),
        last_send_error="" if sent_at else message.last_error,
    )
