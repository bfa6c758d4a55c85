"""Queueing background jobs: the one mechanism for work that must not run in the request.

Jobs are plain functions named by dotted path and called with JSON-able keyword
arguments by the django-q2 worker (``manage.py qcluster``). The broker is chosen in
settings (``Q_CLUSTER``): the Django ORM by default, Redis when ``REDIS_URL`` is set.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from django.db import transaction
from django_q.tasks import async_task  # type: ignore[import-untyped]  # django-q2 ships no type hints

logger = logging.getLogger(__name__)

EMAIL_SEND = "jobs.tasks.email_send"

# django_q.models.Task.name is a CharField(max_length=100).
_NAME_MAX_LENGTH = 100

# async_task() takes these keywords as its own options instead of passing them on to
# the function, so a job argument with one of these names would silently vanish.
_RESERVED_KWARGS = frozenset(
    {
        "task_name",
        "q_options",
        "hook",
        "group",
        "save",
        "sync",
        "cached",
        "ack_failure",
        "iter_count",
        "iter_cached",
        "chain",
        "broker",
        "cluster",
        "timeout",
    }
)


def _job_name(*, func: str) -> str:
    short = func.rsplit(".", 1)[-1]
    return f"{short[: _NAME_MAX_LENGTH - 13]}-{uuid.uuid4().hex[:12]}"


def job_enqueue(*, func: str, kwargs: dict[str, Any], name: str | None = None) -> str:
    """Queue ``func(**kwargs)`` once the current transaction commits (never if it rolls back).

    Returns the job's name, which the administrator page and ``django_q.models.Task``
    show. The job never runs inside the request; outside a transaction it is queued
    at once.
    """
    if "." not in func:
        raise ValueError(f"A job is named by its dotted path, got {func!r}.")
    # Fail in the caller, not in the worker: the broker stores a signed pickle, but
    # keeping arguments JSON-able keeps the job portable between brokers and readable.
    json.dumps(kwargs)
    reserved = _RESERVED_KWARGS.intersection(kwargs)
    if reserved:
        raise ValueError(f"Job arguments may not be named {sorted(reserved)}: django-q2 reserves them.")
    job_name = name or _job_name(func=func)
    if len(job_name) > _NAME_MAX_LENGTH:
        raise ValueError(f"A job name has at most {_NAME_MAX_LENGTH} characters.")

    def enqueue() -> None:
        # The change this job belongs to is already committed; a broker that refuses
        # the job (Redis down) must not turn that into an error page, nor stop the
        # other on-commit callbacks. Log name and function only: the arguments may
        # hold e-mail addresses.
        try:
            async_task(func, task_name=job_name, **kwargs)
        except Exception:
            logger.exception("Could not queue job %s (%s)", job_name, func)
        else:
            logger.info("Queued job %s (%s)", job_name, func)

    transaction.on_commit(enqueue)
    return job_name


def email_send_later(*, to: list[str], subject: str, body: str, html_body: str | None = None) -> None:
    """Send one e-mail from the worker after the current transaction commits."""
    if not to:
        raise ValueError("An e-mail needs at least one recipient.")
    job_enqueue(
        func=EMAIL_SEND,
        kwargs={"to": list(to), "subject": subject, "body": body, "html_body": html_body},
    )
