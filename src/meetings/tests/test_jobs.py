"""Invitation e-mails, notices and the daily round, run by django-q2's worker in-process."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Sequence
from typing import Any, ClassVar

import icalendar
import pytest
import time_machine
from django.apps import apps as django_apps
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import Failure, OrmQ, Schedule

from jobs.services import outbox_sweep
from jobs.testing import run_worker_once
from meetings import jobs, services
from meetings.models import Event, Invitation
from meetings.recurrence import STOCKHOLM
from meetings.tests.conftest import answer, reload
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


class RefusingBackend(LocmemEmailBackend):
    """Refuses the first ``failures_left`` messages naming the recipient, like an SMTP server does."""

    failures_left: ClassVar[int] = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if RefusingBackend.failures_left > 0:
            RefusingBackend.failures_left -= 1
            if self.fail_silently:
                return 0
            raise ConnectionRefusedError(f"550 mailbox unavailable: <{email_messages[0].to[0]}>")
        return super().send_messages(email_messages)


@pytest.fixture
def refusing_mail(settings: Any, monkeypatch: Any) -> type[RefusingBackend]:
    settings.EMAIL_BACKEND = "meetings.tests.test_jobs.RefusingBackend"
    monkeypatch.setattr(Conf, "MAX_ATTEMPTS", 3)  # settings read it from the environment
    RefusingBackend.failures_left = 0
    yield RefusingBackend
    RefusingBackend.failures_left = 0


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, STOCKHOLM)


def test_the_worker_sends_the_invitation_with_the_meeting_as_ics_and_a_working_answer_link(
    client: Any, secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    home = make_home(secretary, "Familjen Lind")
    event = first_meeting(make_series(secretary, video_url="https://meet.example.se/abc"))
    [invitation] = invite(secretary, event)
    assert mail.outbox == []

    assert run_worker_once() == 1

    [message] = mail.outbox
    assert message.to == [home.members[0].email]
    assert event.title in message.subject
    local = _local(event.starts_at)
    assert local.strftime("%H:%M") in message.body
    assert "Familjens hus, Storgatan 3" in message.body
    assert "https://meet.example.se/abc" in message.body
    assert "/kalender/" in message.body, "the person's own calendar feed"
    [(name, data, mimetype)] = message.attachments
    assert (name, mimetype) == ("traff.ics", "text/calendar; method=PUBLISH; charset=UTF-8")
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent.decoded("DTSTART") == local
    assert vevent["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert "Lind" not in str(data), "the calendar file names nobody"

    links = [line.split()[-1] for line in message.body.splitlines() if "/osa/" in line]
    assert len(links) == 2
    yes_path = links[0][links[0].index("/osa/") :]
    assert yes_path.endswith("?svar=ja")
    assert client.get(yes_path).status_code == 200
    assert client.post(yes_path.split("?")[0], {"answer": "yes"}).status_code == 200
    stored = reload(Invitation, invitation.pk, "0580")
    assert (stored.status, stored.send_attempts, stored.last_send_error) == ("accepted", 1, "")
    assert stored.sent_at is not None
    assert run_worker_once() == 0
    assert jobs.invitation_send(invitation_id=invitation.pk, municipality_id="0580") == "already sent"
    assert len(mail.outbox) == 1


def test_a_person_with_protected_identity_is_invited_but_the_address_never_shows(
    client: Any, secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    home = make_home(secretary, "Familjen Skyddad", email="skyddad@example.se", protected=True)
    event = first_meeting(make_series(secretary))
    invite(secretary, event)
    run_worker_once()
    assert [m.to for m in mail.outbox] == [["skyddad@example.se"]]
    client.force_login(secretary)
    page = client.get(f"/traffar/traff/{event.pk}/").content.decode()
    assert home.members[0].full_name in page
    assert "skyddad@example.se" not in page


def test_a_refused_email_stays_not_sent_with_its_attempts_until_a_retry_sends_it(
    client: Any,
    secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    refusing_mail: Any,
) -> None:
    home = make_home(secretary, "Familjen Lind")
    event = first_meeting(make_series(secretary))
    [invitation] = invite(secretary, event)
    refusing_mail.failures_left = 1

    assert run_worker_once() == 1
    assert mail.outbox == []
    stored = reload(Invitation, invitation.pk, "0580")
    assert (stored.sent_at, stored.send_attempts) == (None, 1)
    assert "ConnectionRefusedError" in stored.last_send_error
    assert home.members[0].email not in stored.last_send_error, "the error line never keeps the address"
    assert Failure.objects.count() == 0, "the outbox keeps the failure; the job itself did its work"
    client.force_login(secretary)
    response = client.get(f"/traffar/traff/{event.pk}/")
    [row] = response.context["page"].rows
    assert (row.invitation.sent_at, row.invitation.send_attempts, row.has_address) == (None, 1, True)
    assert row.email.state == "failed"
    assert "nytt försök kl." in response.content.decode()

    assert outbox_sweep()["sent"] == 0, "tried again only after its pause"
    with time_machine.travel(datetime.timedelta(minutes=3)):
        assert outbox_sweep()["sent"] == 1

    [message] = mail.outbox
    assert message.to == [home.members[0].email]
    stored = reload(Invitation, invitation.pk, "0580")
    assert stored.sent_at is not None
    assert (stored.send_attempts, stored.last_send_error) == (2, "")
    assert OrmQ.objects.count() == 0


def test_an_email_refused_past_the_retry_period_shows_as_failed_and_can_be_sent_again(
    client: Any,
    secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    refusing_mail: Any,
    settings: Any,
) -> None:
    settings.EMAIL_RETRY_HOURS = 0.25  # 15 minutes instead of 48 hours: the meeting stays ahead
    make_home(secretary)
    event = first_meeting(make_series(secretary))
    [invitation] = invite(secretary, event)
    refusing_mail.failures_left = 100
    run_worker_once()
    for minutes in range(1, 40):  # the every-minute sweep, for 40 minutes
        with time_machine.travel(datetime.timedelta(minutes=minutes)):
            outbox_sweep()
    stored = reload(Invitation, invitation.pk, "0580")
    assert stored.sent_at is None
    assert stored.send_attempts >= 3
    client.force_login(secretary)
    page = client.get(f"/traffar/traff/{event.pk}/")
    [row] = page.context["page"].rows
    assert row.email.state == "gave_up"
    content = page.content.decode()
    assert "misslyckades" in content
    assert f"/traffar/inbjudan/{invitation.pk}/skicka-igen/" in content
    assert mail.outbox == []

    refusing_mail.failures_left = 0
    response = client.post(f"/traffar/inbjudan/{invitation.pk}/skicka-igen/", {"message": row.email.id})
    assert response.status_code == 302
    assert run_worker_once() == 1

    assert len(mail.outbox) == 1
    assert reload(Invitation, invitation.pk, "0580").sent_at is not None


def test_no_invitation_goes_out_for_a_meeting_cancelled_after_it_was_queued(
    secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any, in_scope: Any
) -> None:
    make_home(secretary)
    event = first_meeting(make_series(secretary))
    [invitation] = invite(secretary, event)
    with in_scope(secretary):
        services.event_cancel(by=secretary, event=event, version=1, reason="Sjukdom")
    run_worker_once()
    assert mail.outbox == []
    assert reload(Invitation, invitation.pk, "0580").send_attempts == 0


def test_the_daily_round_invites_meetings_entering_their_window_once(
    secretary: Any,
    other_secretary: Any,
    make_home: Any,
    make_series: Any,
    region: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    region("0580", "0581")
    make_home(secretary, "Familjen Egen")
    make_home(other_secretary, "Familjen Granne")
    series = make_series(secretary, invite_days_before=7, audience_municipality_ids=("0580", "0581"))
    with municipality_scope("0580"):
        first, second = Event.objects.filter(series=series).order_by("starts_at")[:2]
    first_day = _local(first.starts_at).date()

    with django_capture_on_commit_callbacks(execute=True):
        early = jobs.meetings_daily(today=(first_day - datetime.timedelta(days=8)).isoformat())
    assert early["invited"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        due = jobs.meetings_daily(today=(first_day - datetime.timedelta(days=7)).isoformat())
    assert due["invited"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        again = jobs.meetings_daily(today=(first_day - datetime.timedelta(days=7)).isoformat())
    assert again["invited"] == 0
    with municipality_scope("0580", "0581"):
        assert sorted(Invitation.objects.values_list("event_id", "municipality_id")) == [
            (first.pk, "0580"),
            (first.pk, "0581"),
        ]
        assert Event.objects.get(pk=second.pk).invitations_queued_at is None
    assert run_worker_once() == 2
    assert len(mail.outbox) == 2


def test_the_daily_round_reminds_those_coming_once(
    secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for name in ("Familjen Kommer", "Familjen Avböjer", "Familjen Tyst"):
        make_home(secretary, name)
    # Invitations 3 days ahead: the later meetings stay outside the window in this test.
    event = first_meeting(make_series(secretary, invite_days_before=3, remind_days_before=2))
    invitations = {i.person.last_name: i for i in invite(secretary, event)}
    answer(invitations["Kommer"], "yes")
    answer(invitations["Avböjer"], "no")
    run_worker_once()
    mail.outbox.clear()
    day = _local(event.starts_at).date()

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.meetings_daily(today=(day - datetime.timedelta(days=3)).isoformat())["reminded"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.meetings_daily(today=(day - datetime.timedelta(days=2)).isoformat())["reminded"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.meetings_daily(today=(day - datetime.timedelta(days=1)).isoformat())["reminded"] == 0
    assert run_worker_once() == 1
    [message] = mail.outbox
    assert message.to == [invitations["Kommer"].person.email]
    assert reload(Invitation, invitations["Kommer"].pk, "0580").reminder_sent_at is not None
    assert reload(Event, event.pk, "0580").reminders_queued_at is not None


def test_the_daily_round_is_scheduled_by_a_reversible_migration(db: None) -> None:
    migration = importlib.import_module("meetings.migrations.0003_schedule_daily_meetings_job")
    [operation] = migration.Migration.operations
    assert operation.reversible
    # Run forwards twice (as after a re-run) and back; a transactional test elsewhere may
    # have emptied the table the migration filled.
    migration.schedule(django_apps, None)
    migration.schedule(django_apps, None)
    assert Schedule.objects.filter(func="meetings.jobs.meetings_daily", schedule_type="D").count() == 1
    migration.unschedule(django_apps, None)
    assert not Schedule.objects.filter(func="meetings.jobs.meetings_daily").exists()


def test_a_stale_change_notice_is_not_sent(
    secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    make_home(secretary)
    event = first_meeting(make_series(secretary))
    [invitation] = invite(secretary, event)
    answer(invitation, "yes")
    assert (
        jobs.invitation_notify(
            invitation_id=invitation.pk, municipality_id="0580", kind="changed", sequence=5
        )
        == "not needed"
    )
    assert (
        jobs.invitation_notify(invitation_id=invitation.pk, municipality_id="0580", kind="cancelled")
        == "not needed"
    )
    assert (
        jobs.invitation_notify(invitation_id=invitation.pk, municipality_id="0580", kind="reminder") == "sent"
    )
    assert len(mail.outbox) == 1


def test_when_the_queue_cannot_take_the_invitations_nothing_is_saved_and_nobody_is_told_they_are_sent(
    client: Any, secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, monkeypatch: Any
) -> None:
    # What "Redis down when the secretary clicks" was: the queue is the database now, and
    # a job it cannot take fails the change with it, instead of being dropped while the
    # page says "15 e-mails are being sent".
    from jobs import services as job_services

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the queue is unreachable")

    make_home(secretary)
    event = first_meeting(make_series(secretary))
    monkeypatch.setattr(job_services, "async_task", refuse)
    client.raise_request_exception = False
    client.force_login(secretary)

    response = client.post(f"/traffar/traff/{event.pk}/bjud-in/", follow=True)

    assert response.status_code == 500
    assert "skickas" not in response.content.decode()
    with municipality_scope("0580"):
        assert not Invitation.objects.filter(event=event).exists()
        assert Event.objects.get(pk=event.pk).invitations_queued_at is None
    assert OrmQ.objects.count() == 0


def test_a_reminder_counts_as_sent_only_when_the_mail_server_took_it(
    secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    refusing_mail: Any,
) -> None:
    make_home(secretary, "Familjen Kommer")
    event = first_meeting(make_series(secretary, invite_days_before=3, remind_days_before=2))
    [invitation] = invite(secretary, event)
    answer(invitation, "yes")
    run_worker_once()
    mail.outbox.clear()
    day = _local(event.starts_at).date()
    refusing_mail.failures_left = 1

    assert jobs.meetings_daily(today=(day - datetime.timedelta(days=2)).isoformat())["reminded"] == 1
    assert run_worker_once() == 1

    assert mail.outbox == []
    assert reload(Invitation, invitation.pk, "0580").reminder_sent_at is None, "marked sent when queued"
    with time_machine.travel(datetime.timedelta(minutes=3)):
        outbox_sweep()
    assert len(mail.outbox) == 1
    assert reload(Invitation, invitation.pk, "0580").reminder_sent_at is not None


def test_sending_invitations_again_queues_those_the_old_retries_gave_up_on(
    secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    make_home(secretary)
    event = first_meeting(make_series(secretary))
    [invitation] = invite(secretary, event)
    with municipality_scope("0580"):
        # As the old code left it: queued hours ago, three failed attempts, no job, no outbox row.
        Invitation.objects.filter(pk=invitation.pk).update(
            send_queued_at=timezone.now() - datetime.timedelta(hours=3), send_attempts=3
        )
    OrmQ.objects.all().delete()

    with municipality_scope("0580"):
        run = services.event_invitations_create(by=secretary, event=event)
        again = services.event_invitations_create(by=secretary, event=event)
    assert (run.queued, again.queued) == (1, 1)
    run_worker_once()

    assert len(mail.outbox) == 1
    assert reload(Invitation, invitation.pk, "0580").sent_at is not None
