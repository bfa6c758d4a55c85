"""The administrator's page on background jobs: who may see it and what it shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from jobs.services import email_send_later, job_enqueue
from jobs.testing import job_retries_make_due, run_worker_once

pytestmark = pytest.mark.django_db

OVERVIEW_URL = "/jobb/"


def _staff(*, role: str) -> User:
    return User.objects.create_user(
        username=f"{role}-linkoping", password="correct-horse-battery", municipality_id="0580", role=role
    )


@pytest.fixture
def administrator_client(client):
    client.force_login(_staff(role="administrator"))
    return client


def test_overview_is_at_the_declared_url():
    assert reverse("jobs:overview") == OVERVIEW_URL


def test_administrator_sees_a_failed_job_with_function_attempts_and_error_but_no_personal_data(
    administrator_client, django_capture_on_commit_callbacks, monkeypatch
):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "MAX_ATTEMPTS", 3)
    with django_capture_on_commit_callbacks(execute=True):
        name = job_enqueue(func="jobs.tests.failing.always_fail", kwargs={"to": "anna.andersson@example.se"})
    for _ in range(3):
        run_worker_once()
        job_retries_make_due()

    response = administrator_client.get(OVERVIEW_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert name in content
    assert "jobs.tests.failing.always_fail" in content
    assert "<td>3</td>" in content
    assert "MailServerDown: Mail server refused the message to" in content
    assert "Gav upp" in content
    assert "anna.andersson@example.se" not in content
    assert "Traceback" not in content


def test_administrator_sees_a_waiting_job_but_not_its_recipient_or_subject(
    administrator_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_send_later(to=["anna.andersson@example.se"], subject="About your foster home", body="Hello")

    response = administrator_client.get(OVERVIEW_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "jobs.tasks.email_deliver" in content
    assert "Inga jobb väntar." not in content
    assert "anna.andersson@example.se" not in content
    assert "About your foster home" not in content


def test_administrator_sees_finished_jobs(administrator_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_send_later(to=["anna.andersson@example.se"], subject="Welcome", body="Hello")
    run_worker_once()

    response = administrator_client.get(OVERVIEW_URL)

    content = response.content.decode()
    assert "1 jobb blev klart det senaste dygnet." in content
    assert "jobs.tasks.email_deliver" in content
    assert "Inga jobb väntar." in content
    assert "Inga jobb har misslyckats." in content


@pytest.mark.parametrize("role", ["secretary", "unit_manager", "county_coordinator"])
def test_staff_who_are_not_administrators_are_refused(client, role):
    client.force_login(_staff(role=role))

    response = client.get(OVERVIEW_URL)

    assert response.status_code == 403


def test_administrator_sees_the_outbox_of_her_own_municipality_only(administrator_client):
    from jobs.models import EmailState, OutgoingEmail
    from tenancy.scope import scopes_disabled

    for code, _state, count in [
        ("0580", EmailState.GAVE_UP, 2),
        ("0580", EmailState.UNCERTAIN, 1),
        ("0581", EmailState.GAVE_UP, 5),
    ]:
        for number in range(count):
            email_send_later(to=[f"p{number}@example.se"], subject="Hej", body="Hej", municipality_id=code)
    with scopes_disabled():  # test set-up: give the rows their states
        for code, state, count in [
            ("0580", EmailState.GAVE_UP, 2),
            ("0580", EmailState.UNCERTAIN, 1),
            ("0581", EmailState.GAVE_UP, 5),
        ]:
            ids = list(
                OutgoingEmail.objects.filter(municipality_id=code, state=EmailState.QUEUED).values_list(
                    "id", flat=True
                )[:count]
            )
            OutgoingEmail.objects.filter(id__in=ids).update(state=state)

    content = administrator_client.get(OVERVIEW_URL).content.decode()

    assert '<strong id="outbox-failed">2</strong>' in content
    assert '<strong id="outbox-uncertain">1</strong>' in content
    assert '<strong id="outbox-queued">0</strong>' in content
    assert "p0@example.se" not in content
