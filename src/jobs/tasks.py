"""Job functions run by the worker. Each raises on failure so the broker retries it."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives

from jobs.mail import email_deliver


def email_send(*, to: list[str], subject: str, body: str, html_body: str | None = None) -> None:
    """Send one e-mail now; raises if the mail server does not accept it."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    email_deliver(message)
