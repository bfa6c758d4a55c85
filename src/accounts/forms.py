"""Account forms."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _


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


class CodeForm(forms.Form):
    """The second step of the login: a six-digit code from the authenticator, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordConfirmForm(forms.Form):
    """Asks for the current password again before a change to the account's second factor."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password


class SecurityPolicyForm(forms.Form):
    is_two_factor_required = forms.BooleanField(
        label=_("Require two-factor login of all staff in the municipality"), required=False
    )
