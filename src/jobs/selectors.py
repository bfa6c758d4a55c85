"""What the administrator sees of background jobs: names, functions, attempts and errors.

Never a job's arguments or return value: they may hold e-mail addresses and other
personal data, and the overview is not limited to the administrator's municipality.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django_q.brokers import get_broker  # type: ignore[import-untyped]  # django-q2 ships no type hints
from django_q.conf import Conf  # type: ignore[import-untyped]  # django-q2 ships no type hints
from django_q.models import Failure, OrmQ, Success  # type: ignore[import-untyped]  # django-q2 ships no type hints

from jobs.mail import redacted

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
    is_queue_listed: bool  # False with the Redis broker: only the count is known
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
    if Conf.ORM:
        queued, queued_count = _queued_jobs(limit=limit)
        is_queue_listed = True
    else:
        queued, is_queue_listed = [], False
        queued_count = int(get_broker().queue_size() or 0)

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
