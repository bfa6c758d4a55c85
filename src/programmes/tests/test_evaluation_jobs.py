"""The questionnaire e-mail job: sent by the worker with the member's link, retried
when the mail server fails, visible as pending meanwhile, never sent twice."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django_q.conf import Conf
from django_q.models import Failure, OrmQ

from jobs.services import outbox_sweep
from jobs.testing import run_worker_once
from jobs.tests import failing
from programmes.evaluation import links, services
from programmes.evaluation.selectors import SendState, cohort_questionnaires
from programmes.jobs import questionnaire_send
from programmes.models import QuestionnaireResponse
from programmes.tests.evaluation_data import add_questions, make_group
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


@pytest.fixture
def flaky_mail(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "jobs.tests.failing.FlakyEmailBackend"
    failing.FlakyEmailBackend.failures_left = 0
    yield failing.FlakyEmailBackend
    failing.FlakyEmailBackend.failures_left = 0


@pytest.fixture
def three_attempts(monkeypatch: Any, settings: Any) -> int:
    # Settings take JOB_MAX_ATTEMPTS from the environment; pin both views of it.
    monkeypatch.setattr(Conf, "MAX_ATTEMPTS", 3)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "max_attempts": 3}
    return 3


def _send(secretary: Any, group: Any, capture: Any, phase: str = "before") -> list[QuestionnaireResponse]:
    with municipality_scope("0580"), capture(execute=True):
        services.questionnaires_send(by=secretary, cohort=group.cohort, phase=phase)
    with municipality_scope("0580"):
        return list(QuestionnaireResponse.objects.filter(cohort=group.cohort, phase=phase).order_by("id"))


def _response(pk: int) -> QuestionnaireResponse:
    with municipality_scope("0580"):
        return QuestionnaireResponse.objects.get(pk=pk)


def test_the_worker_mails_each_member_their_own_link_and_marks_it_sent(
    secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    group = make_group(secretary, participants=2)
    add_questions(secretary, group.programme, ("Trygg i rollen", "likert"))
    responses = _send(secretary, group, django_capture_on_commit_callbacks)
    assert mail.outbox == [], "sent inside the request"

    assert run_worker_once() == 2

    assert len(mail.outbox) == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    for response in responses:
        with municipality_scope("0580"):
            address = response.member.user.email  # type: ignore[union-attr]
        message = by_address[address]
        assert group.programme.name in message.subject
        assert links.questionnaire_link(response).rsplit("/", 2)[0] in message.body
        path = next(line for line in message.body.splitlines() if "/fragor/" in line).strip()
        token = path.rstrip("/").rsplit("/", 1)[-1]
        assert links.questionnaire_from_token(token) == (response.pk, "0580")
        assert message.alternatives and "/fragor/" in str(message.alternatives[0][0])
        stored = _response(response.pk)
        assert stored.sent_at is not None
        assert (stored.send_attempts, stored.last_send_error) == (1, "")
    assert OrmQ.objects.count() == 0


def test_a_failing_mail_server_leaves_the_questionnaire_pending_with_its_attempts_until_a_retry_sends_it(
    secretary: Any,
    flaky_mail: Any,
    three_attempts: int,
    django_capture_on_commit_callbacks: Any,
) -> None:
    group = make_group(secretary, participants=1)
    add_questions(secretary, group.programme, ("Trygg i rollen", "likert"))
    [response] = _send(secretary, group, django_capture_on_commit_callbacks)
    flaky_mail.failures_left = 1

    assert run_worker_once() == 1

    assert mail.outbox == []
    pending = _response(response.pk)
    assert pending.sent_at is None
    assert pending.send_attempts == 1
    assert pending.last_send_error == "MailServerDown: Connection refused by the mail server"
    assert Failure.objects.count() == 0, "the outbox keeps the failure and its retry time"
    with municipality_scope("0580"):
        [row] = cohort_questionnaires(user=secretary, cohort=group.cohort)
    assert row.before.state == SendState.RETRYING

    assert outbox_sweep()["sent"] == 0, "tried again before its pause ended"
    with time_machine.travel(datetime.timedelta(minutes=3)):
        assert outbox_sweep()["sent"] == 1

    [message] = mail.outbox
    assert "/fragor/" in message.body
    sent = _response(response.pk)
    assert sent.sent_at is not None
    assert (sent.send_attempts, sent.last_send_error) == (2, "")
    assert OrmQ.objects.count() == 0


def test_an_email_the_outbox_gave_up_on_is_shown_and_sending_again_sends_it_once(
    secretary: Any,
    flaky_mail: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EMAIL_RETRY_HOURS = 0.25  # 15 minutes of retries instead of 48 hours
    group = make_group(secretary, participants=1)
    add_questions(secretary, group.programme, ("Trygg i rollen", "likert"))
    [response] = _send(secretary, group, django_capture_on_commit_callbacks)
    flaky_mail.failures_left = 100
    run_worker_once()
    for minutes in range(1, 40):  # the every-minute sweep
        with time_machine.travel(datetime.timedelta(minutes=minutes)):
            outbox_sweep()
    assert OrmQ.objects.count() == 0
    assert _response(response.pk).send_attempts >= 3
    with municipality_scope("0580"):
        [row] = cohort_questionnaires(user=secretary, cohort=group.cohort)
    assert row.before.state == SendState.GAVE_UP

    flaky_mail.failures_left = 0
    [again] = _send(secretary, group, django_capture_on_commit_callbacks)
    assert again.pk == response.pk
    assert OrmQ.objects.count() == 1
    assert run_worker_once() == 1
    assert len(mail.outbox) == 1
    assert _response(response.pk).sent_at is not None


def test_running_the_job_twice_sends_one_email(
    secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    group = make_group(secretary, participants=1)
    add_questions(secretary, group.programme, ("Trygg i rollen", "likert"))
    [response] = _send(secretary, group, django_capture_on_commit_callbacks)

    questionnaire_send(response_id=response.pk, municipality_id="0580")
    questionnaire_send(response_id=response.pk, municipality_id="0580")

    assert len(mail.outbox) == 1
    assert _response(response.pk).send_attempts == 1


def test_the_job_sends_nothing_for_a_missing_or_answered_questionnaire(
    secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    group = make_group(secretary, participants=1)
    [question] = add_questions(secretary, group.programme, ("Trygg i rollen", "likert"))
    [response] = _send(secretary, group, django_capture_on_commit_callbacks)
    with municipality_scope("0580"):
        services.questionnaire_answer(response=response, values={question.pk: 3}, texts={})

    questionnaire_send(response_id=response.pk, municipality_id="0580")
    questionnaire_send(response_id=999_999, municipality_id="0580")
    # The job's municipality decides its scope: another municipality's id finds nothing.
    questionnaire_send(response_id=response.pk, municipality_id="0581")

    assert mail.outbox == []
