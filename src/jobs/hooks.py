"""What the outbox asks the apps whose records its e-mails are about.

The outbox sits below every domain app, so an app registers, from its
``AppConfig.ready``, what the outbox should ask and tell about its records
(``about_type`` such as ``"meetings.Invitation"``):

* ``is_needed(message)``: asked just before sending; ``False`` (the meeting was
  cancelled, the invitation withdrawn) makes the message ``cancelled`` unsent.
* ``on_change(message)``: told inside the transaction that records a new state, so
  a record's own columns (``Invitation.sent_at``, ``send_attempts``, …) follow the
  outbox and commit with it: one source of truth, kept in one place.

Both run inside the message's municipality scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobs.models import OutgoingEmail


@dataclass(frozen=True)
class EmailSubject:
    is_needed: Callable[[OutgoingEmail], bool] | None = None
    on_change: Callable[[OutgoingEmail], None] | None = None


_subjects: dict[str, EmailSubject] = {}


def email_subject_register(
    about_type: str,
    *,
    is_needed: Callable[[OutgoingEmail], bool] | None = None,
    on_change: Callable[[OutgoingEmail], None] | None = None,
) -> None:
    """Let the outbox ask ``is_needed`` and tell ``on_change`` about e-mails on ``about_type`` records."""
    _subjects[about_type] = EmailSubject(is_needed=is_needed, on_change=on_change)


def email_is_needed(message: OutgoingEmail) -> bool:
    subject = _subjects.get(message.about_type)
    return subject is None or subject.is_needed is None or subject.is_needed(message)


def email_changed(message: OutgoingEmail) -> None:
    subject = _subjects.get(message.about_type)
    if subject is not None and subject.on_change is not None:
        subject.on_change(message)
