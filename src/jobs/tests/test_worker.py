"""Queued jobs run in django-q2's worker (driven in-process); failing jobs and e-mails are retried."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django_q.conf import Conf
from django_q.models import Failure, OrmQ, Success

from jobs.mail import message_id_for
from jobs.models import EmailState, OutgoingEmail
from jobs.services import EMAIL_DELIVER, email_send_later, job_enqueue, outbox_sweep
from jobs.testing import job_retries_make_due, run_worker_once
from jobs.tests import failing
from tenancy.scope import scopes_disabled

MIDDAY = datetime.datetime(2025, 3, 12, 12, 0, tzinfo=datetime.UTC)


def _outbox() -> list[OutgoingEmail]:
    with scopes_disabled():  # test set-up: read every municipality's rows
        return list(OutgoingEmail.objects.order_by("id"))


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
@pytest.mark.django_db
@pytest.mark.urls("jobs.tests.urls")
def test_email_queued_in_a_request_is_sent_by_the_worker_not_in_the_request(client):
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
    assert Success.objects.get().func == EMAIL_DELIVER
    [row] = _outbox()
    assert (row.state, row.attempts) == (EmailState.SENT, 1)
    assert message.extra_headers["Message-ID"] == message_id_for(row.key)


@pytest.mark.django_db
def test_email_send_later_is_delivered_by_the_worker_with_its_html_part():
    email_send_later(
        to=["anna.andersson@example.se", "bo@example.se"],
        subject="Reset your password",
        body="Follow the link",
        html_body="<p>Follow the link</p>",
    )

    assert run_worker_once() == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["anna.andersson@example.se", "bo@example.se"]
    assert all(m.subject == "Reset your password" for m in mail.outbox)
    assert all(m.alternatives == [("<p>Follow the link</p>", "text/html")] for m in mail.outbox)
    assert Failure.objects.count() == 0


@pytest.mark.django_db
def test_worker_runs_every_due_job_and_nothing_when_the_queue_is_empty():
    for number in range(3):
        email_send_later(to=[f"person{number}@example.se"], subject=f"Message {number}", body="Hello")

    assert run_worker_once() == 3
    assert sorted(message.subject for message in mail.outbox) == ["Message 0", "Message 1", "Message 2"]
    assert run_worker_once() == 0
    assert outbox_sweep() == {"settled": 0, "sent": 0, "not_sent": 0}
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_email_refused_once_is_tried_again_after_its_pause_and_then_delivered_once(flaky_mail):
    flaky_mail.failures_left = 1
    with time_machine.travel(MIDDAY) as clock:
        email_send_later(to=["anna.andersson@example.se"], subject="Welcome", body="Hello")

        assert run_worker_once() == 1
        assert mail.outbox == []
        [row] = _outbox()
        assert row.state == EmailState.FAILED
        assert row.last_error == "MailServerDown: Connection refused by the mail server"
        assert row.next_attempt_at > MIDDAY
        assert Failure.objects.count() == 0, "the outbox keeps the failure, the wake-up job succeeded"

        assert outbox_sweep()["sent"] == 0, "tried again before its pause ended"

        clock.shift(datetime.timedelta(minutes=2))
        assert outbox_sweep()["sent"] == 1
        assert outbox_sweep()["sent"] == 0

    [message] = mail.outbox
    assert message.subject == "Welcome"
    [row] = _outbox()
    assert (row.state, row.attempts, row.last_error) == (EmailState.SENT, 2, "")
    assert [entry["outcome"] for entry in row.attempt_log] == ["not_sent", "sent"]


@pytest.mark.django_db
def test_a_job_queued_before_the_outbox_existed_sends_its_email_once_even_if_run_twice():
    from jobs.tasks import email_send

    for _ in range(2):
        email_send(to=["anna.andersson@example.se"], subject="Welcome", body="Hello")
    run_worker_once()

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_job_that_keeps_failing_stops_after_max_attempts_and_stays_failed(three_attempts):
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
