"""Job functions and a mail backend that fail on purpose, for the retry tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend


class MailServerDown(ConnectionError):
    pass


def always_fail(*, to: str) -> None:
    """A job whose mail server always refuses (and, like SMTP errors, names the recipient)."""
    raise MailServerDown(f"Mail server refused the message to <{to}>")


class FlakyEmailBackend(LocmemEmailBackend):
    """Refuses the first ``failures_left`` messages, then delivers to ``mail.outbox``.

    Like Django's SMTP backend it swallows the error when asked to fail silently.
    """

    failures_left: ClassVar[int] = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if FlakyEmailBackend.failures_left > 0:
            FlakyEmailBackend.failures_left -= 1
            if self.fail_silently:
                return 0
            raise MailServerDown("Connection refused by the mail server")
        return super().send_messages(email_messages)
