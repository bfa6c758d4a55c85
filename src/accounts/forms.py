"""Account forms."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.template import loader


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail through the outbox, never inside the request, and once per link.

    The outbox key names the account and (a hash of) the link's token: the same
    request handled twice sends one e-mail, and the token itself is not stored in the key.
    """

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from jobs.services import email_send_later

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        user = context["user"]
        token_hash = hashlib.sha256(str(context["token"]).encode()).hexdigest()[:24]
        email_send_later(
            to=[to_email],
            subject=subject,
            body=body,
            key=f"password-reset:{user.pk}:{token_hash}",
            # An account without a municipality still gets its e-mail (a row of no municipality).
            municipality_id=getattr(user, "municipality_id", None) or None,
        )
