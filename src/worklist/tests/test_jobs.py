"""The daily reminder: counts and a link, once a day per person, own municipality only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.models import Schedule

from accounts.models import Role
from jobs.testing import run_worker_once
from mentorship import services as mentorship_services
from tenancy.scope import municipality_scope
from worklist.jobs import reminders_send_daily
from worklist.models import DailyReminder

pytestmark = pytest.mark.usefixtures("clock")


def _send(capture: Any, clock: Any) -> int:
    with capture(execute=True):
        queued = reminders_send_daily()
    clock.shift(datetime.timedelta(seconds=1))  # the broker takes jobs queued strictly before now
    run_worker_once()
    return queued


def test_a_secretary_is_reminded_once_a_day_with_counts_and_a_link_but_no_names(
    secretary: Any,
    manager: Any,
    other_secretary: Any,
    make_pairing: Any,
    make_offer: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    pairing = make_pairing(secretary, "Familjen Hemlig")
    with municipality_scope("0580"):
        for _ in range(2):
            mentorship_services.check_in_record(
                by=secretary,
                pairing=pairing,
                held_on=timezone.localdate(),
                mood="difficult",
                needs_support=True,
            )
    make_offer(secretary, "Familjen Tyst")  # an offer answered in time needs no attention yet
    other_pairing = make_pairing(other_secretary, "Familjen Hemligsson")
    with municipality_scope("0581"):
        mentorship_services.check_in_record(
            by=other_secretary,
            pairing=other_pairing,
            held_on=timezone.localdate(),
            mood="ok",
            needs_support=True,
        )

    assert _send(django_capture_on_commit_callbacks, clock) == 2  # Sara, and Nils in Norrköping
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {secretary.email, other_secretary.email}
    body = by_recipient[secretary.email].body
    assert "Avstämningar där familjen behöver stöd: 2" in body
    assert f"{settings.BOLLPLANK_BASE_URL}/\n" in body  # the start page
    assert by_recipient[secretary.email].subject == "bollplank: 2 saker behöver din uppmärksamhet"
    for secret in ("Hemlig", "Mentor", "Tyst", "Hemligsson"):
        assert secret not in body
        assert secret not in by_recipient[other_secretary.email].body
    assert "Avstämningar där familjen behöver stöd: 1" in by_recipient[other_secretary.email].body

    # The same day again: nothing more, even though the items are still there.
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks, clock) == 0
    assert mail.outbox == []

    # The next day the items are still waiting: a new reminder.
    clock.shift(datetime.timedelta(days=1))
    assert _send(django_capture_on_commit_callbacks, clock) == 2
    with municipality_scope("0580"):
        assert DailyReminder.objects.filter(user=secretary).count() == 2


def test_overdue_items_are_reminded_and_unit_managers_hear_of_the_unassigned_ones(
    secretary: Any, manager: Any, make_offer: Any, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_offer(secretary, "Familjen Egen")
    make_offer(secretary, "Familjen Ingen", responsible=None)
    assert _send(django_capture_on_commit_callbacks, clock) == 0  # nothing overdue yet
    clock.shift(datetime.timedelta(days=15))
    assert _send(django_capture_on_commit_callbacks, clock) == 2
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert "Försenat – erbjudanden om mentorfamilj som väntar på svar: 1" in by_recipient[secretary.email]
    assert "Utan ansvarig handläggare" not in by_recipient[secretary.email]
    assert "Utan ansvarig handläggare" in by_recipient[manager.email]
    assert "Familjen" not in by_recipient[manager.email]


def test_staff_without_an_address_or_an_active_account_get_nothing(
    make_user: Any, make_offer: Any, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    quiet = make_user("0580", Role.SECRETARY, email="")
    gone = make_user("0580", Role.SECRETARY, is_active=False)
    make_offer(quiet, "Familjen Ett")
    make_offer(gone, "Familjen Två")
    clock.shift(datetime.timedelta(days=15))
    assert _send(django_capture_on_commit_callbacks, clock) == 0
    assert mail.outbox == []


def test_the_database_refuses_a_second_reminder_the_same_day(secretary: Any) -> None:
    with municipality_scope("0580"):
        DailyReminder.objects.create(municipality_id="0580", user=secretary, day=datetime.date(2026, 3, 10))
        with pytest.raises(IntegrityError), transaction.atomic():
            DailyReminder.objects.create(
                municipality_id="0580", user=secretary, day=datetime.date(2026, 3, 10)
            )


def test_the_reminder_is_scheduled_every_morning(db: Any) -> None:
    schedule = Schedule.objects.get(func="worklist.jobs.reminders_send_daily")
    assert schedule.schedule_type == Schedule.DAILY
    assert timezone.localtime(schedule.next_run).strftime("%H:%M") == "06:45"
