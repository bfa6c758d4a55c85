"""Background work for programmes: sending a member's questionnaire link by e-mail.

Queued by ``evaluation_services.questionnaires_send`` (one job per questionnaire);
django-q2 retries a job that raises (``JOB_RETRY_SECONDS``, ``JOB_MAX_ATTEMPTS``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from programmes.evaluation_services import QUESTIONNAIRE_LINK_MAX_AGE, member_email, questionnaire_link
from programmes.models import QuestionnaireResponse
from tenancy.scope import municipality_scope

ERROR_MAX_LENGTH = 200

# The error is shown to the coordinator; an SMTP refusal quotes the recipient, so
# addresses (and anything shaped like a personnummer) are cut out.
_EMAIL_ADDRESS = re.compile(r"[^\s@<>()\[\]'\",;:]+@[^\s@<>()\[\]'\",;:]+")
_PERSONAL_NUMBER = re.compile(r"\b(?:\d{2})?\d{6}[-+]?\d{4}\b")


def send_error_summary(error: BaseException) -> str:
    """One short line naming the error, without e-mail addresses or personal identity numbers."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    summary = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    summary = _PERSONAL_NUMBER.sub("[…]", _EMAIL_ADDRESS.sub("[…]", summary))
    if len(summary) > ERROR_MAX_LENGTH:
        summary = summary[: ERROR_MAX_LENGTH - 1] + "…"
    return summary


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
        with transaction.atomic():
            responses.filter(pk=response.pk).update(send_attempts=F("send_attempts") + 1)
        try:
            # fail_silently=False: a refused message must raise, or it would be lost without a trace.
            if _message(response, address).send(fail_silently=False) != 1:
                raise RuntimeError("The mail backend did not accept the message.")
        except Exception as error:
            with transaction.atomic():
                responses.filter(pk=response.pk).update(last_send_error=send_error_summary(error))
            raise
        responses.filter(pk=response.pk).update(sent_at=timezone.now(), last_send_error="")
