"""Nothing lost, nothing sent twice: the outbox against a real SMTP server that refuses,
answers 4xx or 5xx, stalls, or loses the connection, and a worker or database that
dies mid-send (issue 12). Messages are counted per recipient at the server."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection

from jobs import services
from jobs.models import EmailState, OutgoingEmail
from jobs.selectors import email_problems_for
from jobs.services import email_deliver, email_send_later, outbox_sweep
from jobs.testing import run_worker_once
from jobs.tests.smtp_sink import SmtpSink
from tenancy.scope import municipality_scope, scopes_disabled

START = datetime.datetime(2025, 3, 12, 8, 0, tzinfo=datetime.UTC)
FAMILIES = ["anna@example.se", "bo@example.se", "cecilia@example.se"]


@pytest.fixture
def sink(settings: Any) -> Iterator[SmtpSink]:
    server = SmtpSink(stall=1.5).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 0.5
    yield server
    server.stop()


def _queue(addresses: list[str] = FAMILIES) -> None:
    for address in addresses:
        email_send_later(to=[address], subject="Inbjudan", body="Välkommen", municipality_id="0580")


def _states() -> list[str]:
    with scopes_disabled():  # test set-up: every row
        return sorted(OutgoingEmail.objects.values_list("state", flat=True))


def _run(minutes: int, *, start: int = 0) -> None:
    """The worker and the every-minute sweep, for ``minutes`` minutes of the clock."""
    for minute in range(start, start + minutes):
        with time_machine.travel(START + datetime.timedelta(minutes=minute, seconds=1)):
            run_worker_once()
            outbox_sweep()


def _exactly_once(sink: SmtpSink) -> dict[str, int]:
    return {address: sink.count(address) for address in FAMILIES}


ONCE = dict.fromkeys(FAMILIES, 1)


@pytest.mark.django_db
def test_a_server_refusing_connections_then_recovering_gets_each_message_once(sink: SmtpSink) -> None:
    sink.set_mode("closed")
    with time_machine.travel(START):
        _queue()
    _run(20)
    assert _states() == [EmailState.FAILED] * 3
    sink.set_mode("accept")
    _run(60, start=20)

    assert _exactly_once(sink) == ONCE
    assert _states() == [EmailState.SENT] * 3


@pytest.mark.django_db
def test_a_server_answering_4xx_for_an_hour_gets_each_message_once_when_it_recovers(sink: SmtpSink) -> None:
    sink.set_mode("busy")
    with time_machine.travel(START):
        _queue()
    _run(60)
    assert _exactly_once(sink) == dict.fromkeys(FAMILIES, 0)
    assert _states() == [EmailState.FAILED] * 3, "an hour of 4xx is not a reason to give up"
    with scopes_disabled():  # test set-up: read every municipality's rows
        assert all("451" in m.last_error and "@" not in m.last_error for m in OutgoingEmail.objects.all())
    sink.set_mode("accept")
    _run(120, start=60)

    assert _exactly_once(sink) == ONCE
    assert _states() == [EmailState.SENT] * 3


@pytest.mark.django_db
def test_a_temporary_failure_longer_than_the_retry_period_gives_up_visibly(
    sink: SmtpSink, settings: Any
) -> None:
    settings.EMAIL_RETRY_HOURS = 1
    sink.set_mode("busy")
    with time_machine.travel(START):
        _queue(FAMILIES[:1])
    _run(90)

    assert _states() == [EmailState.GAVE_UP]


@pytest.mark.django_db
def test_a_5xx_refusal_of_the_recipient_gives_up_at_once_and_shows_for_staff(
    sink: SmtpSink, secretary: Any
) -> None:
    sink.set_mode("reject")
    with time_machine.travel(START):
        _queue()
    _run(30)

    assert _exactly_once(sink) == dict.fromkeys(FAMILIES, 0)
    assert _states() == [EmailState.GAVE_UP] * 3
    with scopes_disabled():  # test set-up: read every municipality's rows
        assert [m.attempts for m in OutgoingEmail.objects.all()] == [1, 1, 1], "a 5xx is not retried"
    with municipality_scope("0580"):
        problems = email_problems_for(user=secretary)
    assert [p.state for p in problems] == [EmailState.GAVE_UP] * 3
    assert all("550" in p.last_error and "@" not in p.last_error for p in problems)


@pytest.mark.django_db
def test_a_server_stalling_before_the_message_is_handed_over_gets_it_once_after_a_retry(
    sink: SmtpSink,
) -> None:
    sink.set_mode("stall_before_data")
    with time_machine.travel(START):
        _queue()
        run_worker_once()  # each attempt waits EMAIL_TIMEOUT, then gives up on the stalled server
    assert _states() == [EmailState.FAILED] * 3
    sink.set_mode("accept")
    _run(30, start=1)

    assert _exactly_once(sink) == ONCE
    assert _states() == [EmailState.SENT] * 3


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["stall_after_data", "drop_after_data"])
def test_a_message_that_may_have_been_delivered_is_never_sent_again_and_shows_as_uncertain(
    sink: SmtpSink, secretary: Any, fault: str
) -> None:
    sink.set_mode(fault)
    with time_machine.travel(START):
        _queue()
    _run(2)
    sink.set_mode("accept")
    _run(120, start=2)

    assert _exactly_once(sink) == ONCE, "sent again although the server may have had it"
    assert _states() == [EmailState.UNCERTAIN] * 3
    with municipality_scope("0580"):
        assert len(email_problems_for(user=secretary)) == 3


class _Killed(BaseException):
    """The worker process dying (kill -9): no except clause of ours sees it."""


@pytest.mark.django_db
def test_a_worker_killed_after_the_server_accepted_but_before_recording_does_not_resend(
    sink: SmtpSink, monkeypatch: Any
) -> None:
    with time_machine.travel(START):
        _queue(FAMILIES[:1])
        with scopes_disabled():  # test set-up: read every municipality's rows
            message = OutgoingEmail.objects.get()

        def die(**kwargs: Any) -> bool:
            raise _Killed

        monkeypatch.setattr(services, "_settle", die)
        with pytest.raises(_Killed):
            email_deliver(message_id=message.pk, municipality_id="0580")
        monkeypatch.undo()
    assert sink.count(FAMILIES[0]) == 1
    assert _states() == [EmailState.SENDING]

    _run(60, start=1)  # the claim runs out; the sweep settles it

    assert sink.count(FAMILIES[0]) == 1
    assert _states() == [EmailState.UNCERTAIN]


@pytest.mark.django_db
def test_a_worker_killed_before_handing_the_message_over_is_retried_and_sends_once(
    sink: SmtpSink, monkeypatch: Any
) -> None:
    with time_machine.travel(START):
        _queue(FAMILIES[:1])
        with scopes_disabled():  # test set-up: read every municipality's rows
            message = OutgoingEmail.objects.get()

        def die(*args: Any, **kwargs: Any) -> Any:
            raise _Killed

        monkeypatch.setattr(services, "email_transmit", die)
        with pytest.raises(_Killed):
            email_deliver(message_id=message.pk, municipality_id="0580")
        monkeypatch.undo()
    assert _states() == [EmailState.SENDING]

    _run(60, start=1)

    assert sink.count(FAMILIES[0]) == 1
    assert _states() == [EmailState.SENT]


@pytest.mark.django_db
def test_two_workers_never_both_send_one_message(sink: SmtpSink) -> None:
    with time_machine.travel(START):
        _queue(FAMILIES[:1])
        with scopes_disabled():  # test set-up: read every municipality's rows
            message = OutgoingEmail.objects.get()
        # The wake-up job and the sweep reach the same message: the claim lets one through.
        first = email_deliver(message_id=message.pk, municipality_id="0580")
        second = email_deliver(message_id=message.pk, municipality_id="0580")
        outbox_sweep()

    assert (first, second) == (EmailState.SENT, EmailState.SENT)
    assert sink.count(FAMILIES[0]) == 1
    with scopes_disabled():  # test set-up: read every municipality's rows
        assert OutgoingEmail.objects.get().attempts == 1


@pytest.mark.django_db
def test_a_stable_message_id_names_each_message(sink: SmtpSink) -> None:
    _queue()
    run_worker_once()

    ids = [message["Message-ID"] for message in sink.messages]
    assert len(set(ids)) == 3
    with scopes_disabled():  # test set-up: read every municipality's rows
        keys = list(OutgoingEmail.objects.order_by("id").values_list("key", flat=True))
    from jobs.mail import message_id_for

    assert sorted(ids) == sorted(message_id_for(key) for key in keys)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_cut_after_the_server_accepted_records_sent_and_sends_once(
    sink: SmtpSink, reference_geography: None
) -> None:
    if not _postgres():
        pytest.skip("cuts a PostgreSQL connection with pg_terminate_backend")
    import psycopg

    settings_dict = connection.settings_dict
    _queue(FAMILIES[:1])
    with scopes_disabled():  # test set-up: read every municipality's rows
        message = OutgoingEmail.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        worker_pid = cursor.fetchone()[0]
    cuts: list[bool] = []

    def cut_the_workers_connection() -> None:
        # Another connection ends the worker's, after the server took the message and
        # before the worker records it.
        with psycopg.connect(
            host=settings_dict["HOST"] or "127.0.0.1",
            port=settings_dict["PORT"] or 5432,
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"] or None,
            dbname=settings_dict["NAME"],
            autocommit=True,
        ) as other:
            cuts.append(other.execute("SELECT pg_terminate_backend(%s)", [worker_pid]).fetchone()[0])

    sink.on_accept = cut_the_workers_connection
    state = email_deliver(message_id=message.pk, municipality_id="0580")
    sink.on_accept = None

    assert cuts == [True]
    assert state == EmailState.SENT
    assert sink.count(FAMILIES[0]) == 1
    with scopes_disabled():  # test set-up: read every municipality's rows
        assert OutgoingEmail.objects.get().state == EmailState.SENT
    outbox_sweep()
    assert sink.count(FAMILIES[0]) == 1
