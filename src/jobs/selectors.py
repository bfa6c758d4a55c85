"""What the administrator sees of background jobs: names, functions, attempts and errors.

Never a job's arguments or return value: they may hold e-mail addresses and other
personal data, and the job overview is not limited to the administrator's municipality;
the outbox counts are (``outbox_counts``). Pages of the domain apps show their records'
e-mail states through ``email_states_about``; the start page lists what needs a person
through ``email_problems_for``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django_q.conf import Conf  # type: ignore[import-untyped]  # django-q2 ships no type hints
from django_q.models import Failure, OrmQ, Success  # type: ignore[import-untyped]  # django-q2 ships no type hints

from jobs.mail import redacted
from jobs.models import PROBLEM_STATES, RESENDABLE_STATES, EmailState, OutgoingEmail

ERROR_MAX_LENGTH = 300
RECENT_SUCCESS_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class QueuedJob:
    name: str
    func: str
    attempts: int  # attempts already made (failed); 0 for a job that has not run yet
    not_before: datetime  # when a worker may take it; later than now while running or waiting to retry
    is_due: bool


@dataclass(frozen=True)
class FailedJob:
    name: str
    func: str
    started: datetime
    stopped: datetime
    attempts: int
    error: str
    will_retry: bool


@dataclass(frozen=True)
class SucceededJob:
    name: str
    func: str
    stopped: datetime
    attempts: int


@dataclass(frozen=True)
class JobOverview:
    queued: list[QueuedJob]
    queued_count: int
    is_queue_listed: bool
    failed: list[FailedJob]
    succeeded: list[SucceededJob]
    succeeded_recent_count: int
    max_attempts: int
    retry_seconds: int


def _error_summary(result: object) -> str:
    """The exception line of the worker's "<message> : <traceback>" text, redacted and truncated."""
    if not isinstance(result, str):
        return ""
    lines = [line.strip() for line in result.splitlines() if line.strip()]
    return redacted(lines[-1] if lines else "", max_length=ERROR_MAX_LENGTH)


def _queued_jobs(*, limit: int) -> tuple[list[QueuedJob], int]:
    now = timezone.now()
    rows = OrmQ.objects.using(Conf.ORM).order_by("lock", "id")
    count = rows.count()
    packages = [(row, row.task) for row in rows[:limit]]
    task_ids = {str(task.get("id")) for _, task in packages}
    # Earlier failed attempts are recorded under the same task id.
    attempts = dict(Failure.objects.filter(id__in=task_ids).values_list("id", "attempt_count"))
    queued = [
        QueuedJob(
            name=str(task.get("name", "")),
            func=row.func(),
            attempts=attempts.get(str(task.get("id")), 0),
            not_before=row.lock or now,
            is_due=row.lock is None or row.lock <= now,
        )
        for row, task in packages
    ]
    return queued, count


def job_overview(*, limit: int = 50) -> JobOverview:
    """Waiting jobs, recent failures and recent successes, without any job's arguments."""
    queued, queued_count = _queued_jobs(limit=limit)
    is_queue_listed = True

    failures = Failure.objects.defer("args", "kwargs").order_by("-stopped")[:limit]
    failed = [
        FailedJob(
            name=task.name,
            func=task.func,
            started=task.started,
            stopped=task.stopped,
            attempts=task.attempt_count,
            error=_error_summary(task.result),
            # With ack_failures off the broker keeps presenting a failed job until
            # the monitor acknowledges it at max_attempts (0 means never).
            will_retry=not Conf.ACK_FAILURES
            and (Conf.MAX_ATTEMPTS == 0 or task.attempt_count < Conf.MAX_ATTEMPTS),
        )
        for task in failures
    ]

    successes = Success.objects.defer("args", "kwargs", "result").order_by("-stopped")
    succeeded = [
        SucceededJob(name=task.name, func=task.func, stopped=task.stopped, attempts=task.attempt_count)
        for task in successes[: min(limit, 10)]
    ]
    succeeded_recent_count = successes.filter(stopped__gte=timezone.now() - RECENT_SUCCESS_WINDOW).count()

    return JobOverview(
        queued=queued,
        queued_count=queued_count,
        is_queue_listed=is_queue_listed,
        failed=failed,
        succeeded=succeeded,
        succeeded_recent_count=succeeded_recent_count,
        max_attempts=int(Conf.MAX_ATTEMPTS),
        retry_seconds=int(Conf.RETRY),
    )


# The outbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailStatus:
    """One outbox message as a page shows it: never its address or text."""

    id: int
    key: str
    state: str
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str
    about_type: str
    about_id: int | None
    subject: str
    created_at: datetime | None = None

    @property
    def is_problem(self) -> bool:
        return self.state in PROBLEM_STATES

    @property
    def can_resend(self) -> bool:
        return self.state in RESENDABLE_STATES


_STATUS_FIELDS = (
    "id",
    "key",
    "state",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "last_error",
    "about_type",
    "about_id",
    "subject",
    "created_at",
)


def _status(values: dict[str, Any]) -> EmailStatus:
    return EmailStatus(**values)


def email_states_about(
    *, about_type: str, ids: Iterable[int], key_suffix: str = ""
) -> dict[int, EmailStatus]:
    """The latest outbox message about each record (of those whose key ends with ``key_suffix``).

    Scoped: inside a request, the user's municipality's messages only.
    """
    rows = OutgoingEmail.objects.filter(about_type=about_type, about_id__in=list(ids))
    if key_suffix:
        rows = rows.filter(key__endswith=key_suffix)
    latest: dict[int, EmailStatus] = {}
    for values in rows.order_by("created_at", "id").values(*_STATUS_FIELDS):
        latest[values["about_id"]] = _status(values)
    return latest


def email_problems_about(*, about_type: str, ids: Iterable[int]) -> dict[int, list[EmailStatus]]:
    """Every failed or possibly sent message about each record, newest first."""
    problems: dict[int, list[EmailStatus]] = {}
    rows = OutgoingEmail.objects.filter(
        about_type=about_type, about_id__in=list(ids), state__in=PROBLEM_STATES
    )
    for values in rows.order_by("-created_at", "-id").values(*_STATUS_FIELDS):
        problems.setdefault(values["about_id"], []).append(_status(values))
    return problems


def email_problems_for(*, user: Any, limit: int = 50) -> list[EmailStatus]:
    """E-mails of the user's municipality that failed for good or may have been sent, newest first:
    those the user asked for and the automatic ones (the start page lists them).

    Each names the record it is about (``about_type``, ``about_id``) for a link to its page.
    """
    rows = (
        OutgoingEmail.objects.filter(state__in=PROBLEM_STATES)
        .filter(Q(requested_by_id=user.pk) | Q(requested_by_id__isnull=True))
        .order_by("-created_at", "-id")
    )
    return [_status(values) for values in rows.values(*_STATUS_FIELDS)[:limit]]


def email_problems_in(*, municipality_id: str, limit: int = 200) -> list[EmailStatus]:
    """Every failed or possibly sent e-mail of one municipality, newest first (one query).

    The start pages read it and find each message's record (``about_type``, ``about_id``)
    and whose work that record is.
    """
    rows = OutgoingEmail.objects.filter(municipality_id=municipality_id, state__in=PROBLEM_STATES).order_by(
        "-created_at", "-id"
    )
    return [_status(values) for values in rows.values(*_STATUS_FIELDS)[:limit]]


@dataclass(frozen=True)
class OutboxCounts:
    queued: int
    retrying: int
    sent_recently: int
    failed: int
    uncertain: int


def outbox_counts(*, municipality_id: str | None) -> OutboxCounts | None:
    """How the administrator's own municipality's e-mail stands (None for an account without one)."""
    if not municipality_id:
        return None
    rows = OutgoingEmail.objects.filter(municipality_id=municipality_id)
    by_state = dict(rows.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    recent = rows.filter(state=EmailState.SENT, sent_at__gte=timezone.now() - RECENT_SUCCESS_WINDOW).count()
    return OutboxCounts(
        queued=by_state.get(EmailState.QUEUED, 0) + by_state.get(EmailState.SENDING, 0),
        retrying=by_state.get(EmailState.FAILED, 0),
        sent_recently=recent,
        failed=by_state.get(EmailState.GAVE_UP, 0),
        uncertain=by_state.get(EmailState.UNCERTAIN, 0),
    )
