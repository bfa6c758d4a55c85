"""Job functions run by the worker."""

from __future__ import annotations

import hashlib
import json

from jobs import services


def email_deliver(*, message_id: int, municipality_id: str | None) -> str:
    """Wake-up for one outbox message (queued with it); the outcome is recorded on the message."""
    return services.email_deliver(message_id=message_id, municipality_id=municipality_id)


def outbox_sweep() -> dict[str, int]:
    """Every minute (django-q2 schedule): retries that are due, claims whose worker died."""
    return services.outbox_sweep()


def email_send(*, to: list[str], subject: str, body: str, html_body: str | None = None) -> None:
    """Jobs queued before the outbox existed: their e-mail goes into the outbox, once.

    The key is the message's content, so the job running twice queues one e-mail.
    """
    content = json.dumps([to, subject, body, html_body], sort_keys=True)
    key = "legacy:" + hashlib.sha256(content.encode()).hexdigest()[:40]
    services.email_send_later(to=to, subject=subject, body=body, html_body=html_body, key=key)
