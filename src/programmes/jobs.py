"""Background work for programmes: sending a member's questionnaire link by e-mail.

Queued by ``programmes.evaluation.services.questionnaires_send`` (one job per questionnaire);
django-q2 retries a job that raises (``JOB_RETRY_SECONDS``, ``JOB_MAX_ATTEMPTS``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from jobs.mail import email_send_counted
from programmes.evaluation.links import QUESTIONNAIRE_LINK_MAX_AGE, questionnaire_link
from programmes.evaluation.selectors import member_email
from programmes.models import QuestionnaireResponse
from tenancy.scope import municipality_scope


def _message(response: QuestionnaireResponse, address: str) -> EmailMultiAlternatives:
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
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("programmes/questionnaire_email.txt", context),
        to=[address],
    )
    message.attach_alternative(render_to_string("programmes/questionnaire_email.html", context), "text/html")
    return message


def questionnaire_send(*, response_id: int, municipality_id: str) -> None:
    """E-mail one member the link to their questionnaire; raises on failure so the broker retries.

    Safe to run twice: a questionnaire already sent or answered is left alone. The
    attempt is counted and committed before the mail server is asked, so a refusal
    or a crash leaves the questionnaire visible as "not sent yet (n attempts)".
    """
    responses = QuestionnaireResponse.objects
    with municipality_scope(municipality_id), translation.override(settings.LANGUAGE_CODE):
        response = (
            responses.select_related("member__user", "member__person", "cohort__programme")
            .filter(pk=response_id)
            .first()
        )
        if response is None or response.sent_at is not None or response.answered_at is not None:
            return
        address = member_email(response.member)
        if not address:
            return  # retrying cannot help: the page shows "no e-mail address" and the link to copy
        email_send_counted(row=responses.filter(pk=response.pk), build=lambda: _message(response, address))
