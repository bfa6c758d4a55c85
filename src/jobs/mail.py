"""Sending e-mail from a job: one delivery check, one redacted error line, one counted send.

Invitations and questionnaire links keep ``send_attempts``, ``last_send_error`` and
``sent_at`` on their own rows, so a refused e-mail stays visible as "not sent yet
(n attempts)" until a retry succeeds. :func:`email_send_counted` is that bookkeeping,
once, for every such row.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 200

# An SMTP refusal quotes the recipient; the line is shown to staff, so addresses
# (and anything shaped like a personnummer) are cut out.
_EMAIL_ADDRESS = re.compile(r"[^\s@<>()\[\]'\",;:]+@[^\s@<>()\[\]'\",;:]+")
_PERSONAL_NUMBER = re.compile(r"\b(?:\d{2})?\d{6}[-+]?\d{4}\b")


class EmailNotSent(RuntimeError):
    """The mail server did not take the message; the text names no address."""


def email_deliver(message: EmailMessage) -> None:
    """Send now; raises when the backend does not accept the message."""
    # fail_silently=False: a refused message must raise, or the broker would
    # acknowledge the job and the e-mail would be lost without a trace.
    if message.send(fail_silently=False) != 1:
        raise RuntimeError("The mail backend did not accept the message.")


def redacted(text: str, *, max_length: int) -> str:
    """``text`` without e-mail addresses or personal identity numbers, at most ``max_length`` long."""
    text = _PERSONAL_NUMBER.sub("[…]", _EMAIL_ADDRESS.sub("[…]", text))
    return text[: max_length - 1] + "…" if len(text) > max_length else text


def send_error_line(error: BaseException) -> str:
    """One short line naming the error, without e-mail addresses or personal identity numbers."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return redacted(
        f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__, max_length=ERROR_MAX_LENGTH
    )


def email_send_counted(*, row: QuerySet[Any], build: Callable[[], EmailMessage]) -> None:
    """Send the e-mail ``build()`` makes for the one row in ``row``, keeping its send state.

    The attempt is counted and committed before the mail server is asked, so a
    refusal or a crash leaves the row "not sent yet (n attempts)". A refusal stores
    the redacted error line and raises :class:`EmailNotSent` without the original
    error, whose text (and so django-q2's failure record) may name the address; the
    broker retries the job either way. Success sets ``sent_at`` and clears the error.
    """
    with transaction.atomic():
        row.update(send_attempts=F("send_attempts") + 1)
    try:
        email_deliver(build())
    except Exception as error:
        line = send_error_line(error)
        with transaction.atomic():
            row.update(last_send_error=line)
        logger.warning("%s not sent: %s", row.model._meta.label, line)
        raise EmailNotSent(line) from None
    row.update(sent_at=timezone.now(), last_send_error="")
