"""The outbox: every e-mail bollplank sends is one row here before it is one message at the server.

A row is written inside the transaction of the change that calls for the e-mail (a
transactional outbox), so the e-mail exists exactly when the change does. The worker
claims a due row with one conditional UPDATE, sends it, and records what the server
said; a row is never sent twice by the system itself (see ``jobs.services``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenancy.models import MunicipalityOwned


class EmailState(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    # Definitely not delivered; tried again at next_attempt_at.
    FAILED = "failed", _("will be tried again")
    # Refused for good (5xx), or still not delivered when the retry period ran out.
    GAVE_UP = "gave_up", _("failed")
    # The server may have taken it (the connection broke after the message was handed
    # over, or the worker died then): never resent automatically.
    UNCERTAIN = "uncertain", _("may have been sent")
    # The reason for the e-mail went away before it was sent (meeting cancelled, …).
    CANCELLED = "cancelled", _("not needed any more")


# States a resend may start from, and states the worker may claim.
RESENDABLE_STATES = (EmailState.GAVE_UP, EmailState.UNCERTAIN, EmailState.CANCELLED, EmailState.SENT)
CLAIMABLE_STATES = (EmailState.QUEUED, EmailState.FAILED)
PROBLEM_STATES = (EmailState.GAVE_UP, EmailState.UNCERTAIN)


class OwnerlessManager(models.Manager[Any]):
    """The outbox rows that belong to no municipality (a password reset for an account without one).

    They hold no municipality's data, so reading them needs no municipality scope;
    rows of a municipality are never returned here.
    """

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(municipality__isnull=True)


class OutgoingEmail(MunicipalityOwned):
    """One e-mail to one recipient, from the change that called for it to the server's answer."""

    # Optional, unlike other owned rows: a password reset for an account without a
    # municipality still needs its e-mail. Such rows are read through ``ownerless``.
    municipality = models.ForeignKey(  # type: ignore[assignment]  # optional here, unlike the base's
        "geo.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )
    # What this message is, e.g. "invitation:12:invite": writing the same key twice
    # queues one message, and the key names the Message-ID.
    key = models.CharField(max_length=200, unique=True)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    # [{"name": "traff.ics", "content": "...", "mimetype": "text/calendar; ..."}]: text only.
    attachments = models.JSONField(default=list, blank=True)
    # The record the e-mail is about ("meetings.Invitation", 12), shown on its page.
    about_type = models.CharField(max_length=60, blank=True)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The staff member who asked for it (a user id, not a relation: jobs sits below
    # accounts); null for automatic e-mail, which the whole municipality sees.
    requested_by_id = models.PositiveBigIntegerField(null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=EmailState.choices, default=EmailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # One entry per attempt: {"at": iso time, "outcome": ..., "error": redacted line}.
    attempt_log = models.JSONField(default=list, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # The worker that claimed the row and until when; a claim that runs out is
    # settled by the sweeper (``data_sent_at`` tells whether the server may have it).
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    data_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Temporary failures are retried with growing pauses until then (queued or resent + EMAIL_RETRY_HOURS).
    retry_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    resend_count = models.PositiveSmallIntegerField(_("sent again"), default=0)

    ownerless: ClassVar[OwnerlessManager] = OwnerlessManager()

    class Meta(MunicipalityOwned.Meta):
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="jobs_email_state_due"),
            models.Index(fields=["about_type", "about_id"], name="jobs_email_about"),
        ]

    def __str__(self) -> str:
        return self.key
