"""Running queued jobs inside a test, through django-q2's own pusher, worker and monitor.

Typical use in any app's tests::

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(...)       # the view queues a job on commit
    assert run_worker_once() == 1
    assert len(mail.outbox) == 1

With the ``db`` fixture the test runs inside a transaction that never commits, so
jobs are queued only when the on-commit callbacks are run as above; with
``transactional_db`` they are queued when the view's transaction commits.
"""

from __future__ import annotations

from datetime import timedelta
from multiprocessing import Event, Value
from unittest import mock

from django.utils import timezone
from django_q.brokers import get_broker  # type: ignore[import-untyped]  # django-q2 ships no type hints
from django_q.conf import Conf  # type: ignore[import-untyped]  # django-q2 ships no type hints
from django_q.models import OrmQ  # type: ignore[import-untyped]  # django-q2 ships no type hints
from django_q.monitor import monitor  # type: ignore[import-untyped]  # django-q2 ships no type hints
from django_q.pusher import pusher  # type: ignore[import-untyped]  # django-q2 ships no type hints
from django_q.queues import Queue  # type: ignore[import-untyped]  # django-q2 ships no type hints
from django_q.worker import worker  # type: ignore[import-untyped]  # django-q2 ships no type hints


def run_worker_once() -> int:
    """Run every job that is due now, in this process, and record results as the cluster would.

    Returns how many jobs ran. Jobs queued by those jobs, and failed jobs waiting
    for their retry time, wait for the next call (see ``job_retries_make_due``).
    """
    if not Conf.ORM:
        raise RuntimeError('run_worker_once() needs the ORM broker (Q_CLUSTER["orm"]).')
    broker = get_broker()
    task_queue = Queue()
    result_queue = Queue()
    stop_after_one_pull = Event()
    stop_after_one_pull.set()
    # Each pull takes up to Conf.BULK due jobs and locks them for Conf.RETRY seconds,
    # so they are not pulled twice. Pull only while something is due: on an empty
    # queue the ORM broker sleeps for Conf.POLL seconds.
    while broker.queue_size():
        pulled_before = task_queue.qsize()
        pusher(task_queue, stop_after_one_pull, broker=broker)
        if task_queue.qsize() == pulled_before:
            break  # due by the clock but not yet by the broker's strict "lock < now"
    ran = task_queue.qsize()
    if not ran:
        return 0
    task_queue.put("STOP")
    # The real worker and monitor close stale connections between jobs. Here they
    # share the test's connection, which may be inside the test's transaction:
    # closing it would end that transaction (and the in-memory SQLite database).
    with (
        mock.patch("django_q.worker.close_old_django_connections", return_value=None),
        mock.patch("django_q.monitor.close_old_django_connections", return_value=None),
    ):
        worker(task_queue, result_queue, Value("f", -1))
        result_queue.put("STOP")
        monitor(result_queue, broker=broker)
    return ran


def job_retries_make_due() -> int:
    """Let the broker present failed, unacknowledged jobs again now instead of after ``retry`` seconds."""
    return int(
        OrmQ.objects.using(Conf.ORM)
        .filter(lock__gt=timezone.now())
        .update(lock=timezone.now() - timedelta(seconds=1))
    )
