"""Queued jobs run in django-q2's worker (driven in-process), and failing ones are retried."""

from __future__ import annotations

import pytest
from django.core import mail
from django_q.conf import Conf
from django_q.models import Failure, OrmQ, Success

from jobs.services import email_send_later, job_enqueue
from jobs.testing import job_retries_make_due, run_worker_once
from jobs.tests import failing


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "jobs.tests.failing.FlakyEmailBackend"
    failing.FlakyEmailBackend.failures_left = 0
    yield failing.FlakyEmailBackend
    failing.FlakyEmailBackend.failures_left = 0


@pytest.fixture
def three_attempts(monkeypatch):
    # Settings take JOB_MAX_ATTEMPTS from the environment; pin it so the test counts exactly.
    monkeypatch.setattr(Conf, "MAX_ATTEMPTS", 3)
    return 3


def test_settings_retry_failed_jobs_and_never_present_a_running_job_twice():
    assert Conf.ACK_FAILURES is False
    assert Conf.MAX_ATTEMPTS >= 2
    # The ORM broker hides a pulled job for `retry` seconds; a job still running
    # when that passes (up to `timeout`) would be handed to a second worker.
    assert Conf.RETRY > Conf.TIMEOUT


# The `db` fixture, not `transactional_db`: a transactional test flushes the tables at
# its end, including the geography that migrations load, which later tests rely on.
# The view's transaction is a savepoint here; its on-commit callbacks run when the
# capture block ends, as they would after a real commit.
@pytest.mark.django_db
@pytest.mark.urls("jobs.tests.urls")
def test_email_queued_in_a_request_is_sent_by_the_worker_not_in_the_request(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/queue-email/")

    assert response.status_code == 204
    assert mail.outbox == [], "the e-mail was sent inside the request"
    assert OrmQ.objects.count() == 1

    assert run_worker_once() == 1

    [message] = mail.outbox
    assert message.to == ["anna.andersson@example.se"]
    assert message.subject == "Welcome"
    assert message.body == "Hello Anna"
    assert OrmQ.objects.count() == 0
    assert Success.objects.get().func == "jobs.tasks.email_send"


@pytest.mark.django_db
def test_email_send_later_is_delivered_by_the_worker_with_its_html_part(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_send_later(
            to=["anna.andersson@example.se", "bo@example.se"],
            subject="Reset your password",
            body="Follow the link",
            html_body="<p>Follow the link</p>",
        )

    assert run_worker_once() == 1

    [message] = mail.outbox
    assert message.to == ["anna.andersson@example.se", "bo@example.se"]
    assert message.subject == "Reset your password"
    assert message.alternatives == [("<p>Follow the link</p>", "text/html")]
    assert Failure.objects.count() == 0


@pytest.mark.django_db
def test_worker_runs_every_due_job_and_nothing_when_the_queue_is_empty(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            email_send_later(to=[f"person{number}@example.se"], subject=f"Message {number}", body="Hello")

    assert run_worker_once() == 3
    assert sorted(message.subject for message in mail.outbox) == ["Message 0", "Message 1", "Message 2"]
    assert run_worker_once() == 0
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_email_refused_once_is_retried_after_the_retry_time_and_then_delivered(
    flaky_mail, three_attempts, django_capture_on_commit_callbacks
):
    flaky_mail.failures_left = 1
    with django_capture_on_commit_callbacks(execute=True):
        email_send_later(to=["anna.andersson@example.se"], subject="Welcome", body="Hello")

    assert run_worker_once() == 1
    assert mail.outbox == []
    failure = Failure.objects.get()
    assert failure.attempt_count == 1
    assert "Connection refused by the mail server" in failure.result
    assert OrmQ.objects.count() == 1, "a failed job must stay in the queue (not acknowledged)"

    assert run_worker_once() == 0, "retried before the broker's retry time"

    assert job_retries_make_due() == 1
    assert run_worker_once() == 1

    [message] = mail.outbox
    assert message.subject == "Welcome"
    assert OrmQ.objects.count() == 0
    assert Failure.objects.count() == 0
    assert Success.objects.get().attempt_count == 2


@pytest.mark.django_db
def test_job_that_keeps_failing_stops_after_max_attempts_and_stays_failed(
    three_attempts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        name = job_enqueue(func="jobs.tests.failing.always_fail", kwargs={"to": "anna.andersson@example.se"})

    attempts_seen = []
    for _ in range(three_attempts):
        assert run_worker_once() == 1
        attempts_seen.append(Failure.objects.get(name=name).attempt_count)
        job_retries_make_due()

    assert attempts_seen == [1, 2, 3]
    assert OrmQ.objects.count() == 0, "still queued after max_attempts"
    assert run_worker_once() == 0
    failure = Failure.objects.get(name=name)
    assert failure.attempt_count == 3
    assert failure.func == "jobs.tests.failing.always_fail"
    assert "MailServerDown" in failure.result
