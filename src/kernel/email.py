"""Sending an e-mail again, as a person decided: the one resend every page's button calls.

The outbox (``jobs``) never resends a message that failed for good or may already
have been delivered; a secretary who has checked with the family does, from the
page of the meeting, pairing or cohort the e-mail belongs to. The change history
records who asked.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import ChangeAction
from audit.services import change_log_record
from jobs.models import RESENDABLE_STATES, OutgoingEmail
from jobs.services import email_resend


@transaction.atomic
def email_resend_about(*, by: User, about: models.Model, message_id: int) -> OutgoingEmail:
    """Queue once more one sent, failed or possibly sent e-mail about ``about`` (a record the
    caller fetched for ``by``); writes the change history."""
    message = (
        OutgoingEmail.objects.select_for_update()
        .filter(pk=message_id, about_type=about._meta.label, about_id=about.pk)
        .first()
    )
    if message is None:
        raise ValidationError(_("That e-mail does not belong here."))
    if message.state not in RESENDABLE_STATES:
        raise ValidationError(_("That e-mail is already on its way."))
    before = {"state": message.state, "resend_count": message.resend_count}
    resent = email_resend(message=message, requested_by_id=by.pk)
    change_log_record(
        by=by,
        instance=resent,
        action=ChangeAction.UPDATE,
        before=before,
        after={"state": resent.state, "resend_count": resent.resend_count},
    )
    return resent
