"""Jobs are queued only when the transaction that asked for them commits."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_q.models import OrmQ

from jobs import services
from jobs.services import EMAIL_SEND, email_send_later, job_enqueue

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _queue_email_then_roll_back() -> None:
    with transaction.atomic():
        email_send_later(to=["anna.andersson@example.se"], subject="Welcome", body="Hello")
        raise _Rollback


def test_job_enqueued_in_a_rolled_back_transaction_is_never_queued(
    django_capture_on_commit_callbacks, monkeypatch
):
    handed_to_broker = []
    monkeypatch.setattr(services, "async_task", lambda func, **kwargs: handed_to_broker.append(func))

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(_Rollback):
        _queue_email_then_roll_back()

    # With Redis the broker is outside the database: only on_commit keeps it out.
    assert handed_to_broker == []
    assert OrmQ.objects.count() == 0


def test_job_enqueued_in_a_committed_transaction_is_queued_after_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        name = job_enqueue(func="jobs.tests.failing.always_fail", kwargs={"to": "a@example.se"})
        assert OrmQ.objects.count() == 0, "queued before the commit"

    [queued] = OrmQ.objects.all()
    assert queued.name() == name
    assert queued.func() == "jobs.tests.failing.always_fail"
    assert queued.kwargs() == {"to": "a@example.se"}


def test_email_send_later_queues_the_email_job_with_its_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_send_later(
            to=["anna.andersson@example.se"], subject="Welcome", body="Hello", html_body="<p>Hello</p>"
        )

    [queued] = OrmQ.objects.all()
    assert queued.func() == EMAIL_SEND
    assert queued.kwargs() == {
        "to": ["anna.andersson@example.se"],
        "subject": "Welcome",
        "body": "Hello",
        "html_body": "<p>Hello</p>",
    }


def test_given_job_name_is_kept(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        name = job_enqueue(func="jobs.tasks.email_send", kwargs={}, name="nightly-reminders-2025-01-01")

    assert name == "nightly-reminders-2025-01-01"
    assert OrmQ.objects.get().name() == "nightly-reminders-2025-01-01"


@pytest.mark.parametrize("reserved", ["timeout", "group", "task_name", "hook"])
def test_arguments_django_q_would_swallow_are_refused(reserved, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError, match=reserved):
        job_enqueue(func="jobs.tasks.email_send", kwargs={reserved: 1})

    assert OrmQ.objects.count() == 0


def test_arguments_that_are_not_json_are_refused(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TypeError):
        job_enqueue(func="jobs.tasks.email_send", kwargs={"to": {"a@example.se"}})

    assert OrmQ.objects.count() == 0


def test_email_without_recipients_is_refused():
    with pytest.raises(ValueError, match="recipient"):
        email_send_later(to=[], subject="Welcome", body="Hello")
