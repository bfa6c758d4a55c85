"""Jobs and outbox e-mails are written in the caller's transaction: they exist exactly when it commits."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_q.models import OrmQ

from jobs import services
from jobs.models import EmailState, OutgoingEmail
from jobs.services import EMAIL_DELIVER, email_send_later, job_enqueue
from tenancy.scope import scopes_disabled

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _outbox() -> list[OutgoingEmail]:
    with scopes_disabled():  # test set-up: read every municipality's rows
        return list(OutgoingEmail.objects.order_by("id"))


def _queue_email_then_roll_back() -> None:
    with transaction.atomic():
        email_send_later(to=["anna.andersson@example.se"], subject="Welcome", body="Hello")
        raise _Rollback


def test_email_asked_for_in_a_rolled_back_transaction_is_neither_queued_nor_sent():
    with pytest.raises(_Rollback):
        _queue_email_then_roll_back()

    assert OrmQ.objects.count() == 0
    assert _outbox() == []


def test_job_is_written_in_the_callers_transaction_and_kept_when_it_commits():
    with transaction.atomic():
        name = job_enqueue(func="jobs.tests.failing.always_fail", kwargs={"to": "a@example.se"})
        assert OrmQ.objects.count() == 1, "the job is part of the transaction"

    [queued] = OrmQ.objects.all()
    assert queued.name() == name
    assert queued.func() == "jobs.tests.failing.always_fail"
    assert queued.kwargs() == {"to": "a@example.se"}


def test_a_queue_that_refuses_the_job_fails_the_change_instead_of_losing_the_job(monkeypatch):
    # What "Redis down when the secretary clicks" was: now the queue is the database, and
    # a refused job is an error in the caller, so the change rolls back and nobody is
    # told that something is on its way.
    def refuse(*args, **kwargs):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(services, "async_task", refuse)
    with pytest.raises(ConnectionError), transaction.atomic():
        email_send_later(to=["anna.andersson@example.se"], subject="Welcome", body="Hello")

    assert _outbox() == []
    assert OrmQ.objects.count() == 0


def test_email_send_later_writes_one_outbox_message_per_recipient_and_wakes_a_worker_for_each():
    email_send_later(
        to=["anna.andersson@example.se", "bo@example.se"],
        subject="Welcome",
        body="Hello",
        html_body="<p>Hello</p>",
    )

    messages = _outbox()
    assert [(m.to, m.state, m.subject, m.html_body) for m in messages] == [
        ("anna.andersson@example.se", EmailState.QUEUED, "Welcome", "<p>Hello</p>"),
        ("bo@example.se", EmailState.QUEUED, "Welcome", "<p>Hello</p>"),
    ]
    assert sorted(q.kwargs()["message_id"] for q in OrmQ.objects.all()) == [m.pk for m in messages]
    assert {q.func() for q in OrmQ.objects.all()} == {EMAIL_DELIVER}
    # The wake-up job names the message only, never an address.
    assert all("@" not in str(q.kwargs()) for q in OrmQ.objects.all())


def test_the_same_key_queues_one_message():
    email_send_later(
        to=["anna.andersson@example.se"], subject="Reset", body="Link", key="password-reset:1:abc"
    )
    email_send_later(
        to=["anna.andersson@example.se"], subject="Reset", body="Link", key="password-reset:1:abc"
    )

    assert len(_outbox()) == 1
    assert OrmQ.objects.count() == 1


def test_given_job_name_is_kept():
    name = job_enqueue(func="jobs.tasks.outbox_sweep", kwargs={}, name="nightly-reminders-2025-01-01")

    assert name == "nightly-reminders-2025-01-01"
    assert OrmQ.objects.get().name() == "nightly-reminders-2025-01-01"


@pytest.mark.parametrize("reserved", ["timeout", "group", "task_name", "hook"])
def test_arguments_django_q_would_swallow_are_refused(reserved):
    with pytest.raises(ValueError, match=reserved):
        job_enqueue(func="jobs.tasks.email_send", kwargs={reserved: 1})

    assert OrmQ.objects.count() == 0


def test_arguments_that_are_not_json_are_refused():
    with pytest.raises(TypeError):
        job_enqueue(func="jobs.tasks.email_send", kwargs={"to": {"a@example.se"}})

    assert OrmQ.objects.count() == 0


def test_email_without_recipients_is_refused():
    with pytest.raises(ValueError, match="recipient"):
        email_send_later(to=[], subject="Welcome", body="Hello")
