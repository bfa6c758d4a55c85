"""A meeting's places hold when 20 invitees say yes at the same moment, with real
concurrent connections (PostgreSQL row lock; SQLite's IMMEDIATE transactions)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from meetings import services
from meetings.models import Event, Invitation
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock

RACERS = 20
PLACES = 5


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_yes_answers_fill_exactly_the_places_and_queue_the_rest(
    reference_geography: None,
    secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    monkeypatch: Any,
) -> None:
    for n in range(RACERS):
        make_home(secretary, f"Familjen Nummer{n}")
    event = first_meeting(make_series(secretary, capacity=PLACES))
    with municipality_scope("0580"):
        services.event_invitations_create(by=secretary, event=event)
        invitation_ids = list(Invitation.objects.filter(event=event).values_list("pk", flat=True))
    assert len(invitation_ids) == RACERS
    barrier = threading.Barrier(RACERS)
    # Widen the window between reading the places taken and saving the answer, so a
    # missing lock shows up as overbooking instead of passing by luck.
    read_capacity = services._capacity

    def slow_capacity(series: Any) -> int | None:
        places = read_capacity(series)
        time.sleep(0.05)
        return places

    monkeypatch.setattr(services, "_capacity", slow_capacity)

    def say_yes(invitation_id: int) -> str:
        try:
            with municipality_scope("0580"):
                invitation = Invitation.objects.select_related("event").get(pk=invitation_id)
                barrier.wait(timeout=30)
                return services.invitation_answer(invitation=invitation, answer="yes").status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = list(pool.map(say_yes, invitation_ids))

    assert outcomes.count("accepted") == PLACES, outcomes
    assert outcomes.count("waitlisted") == RACERS - PLACES, outcomes
    with municipality_scope("0580"):
        stored = Event.objects.get(pk=event.pk)
        rows = list(Invitation.objects.filter(event=event).values_list("status", flat=True))
        waiting_order = list(
            Invitation.objects.filter(event=event, status="waitlisted").values_list(
                "waitlisted_at", flat=True
            )
        )
    assert (stored.accepted_count, stored.waitlisted_count) == (
        rows.count("accepted"),
        rows.count("waitlisted"),
    )
    assert (stored.accepted_count, stored.waitlisted_count) == (PLACES, RACERS - PLACES)
    assert all(waiting_order)
