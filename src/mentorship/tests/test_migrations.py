"""Migration 0003 closes the duplicate open offers and pairings that the old code let
through, deterministically, so that 0004's one-per-family constraints can be added."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("mentorship", "0002_schedule_daily_survey_job")]
AFTER = [("mentorship", "0004_one_open_offer_and_pairing_per_family")]
AT = datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC)


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrations_undone(reference_geography: None) -> Iterator[Any]:
    try:
        yield _migrate(BEFORE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_duplicate_open_offers_and_pairings_are_closed_keeping_the_most_advanced(
    migrations_undone: Any,
) -> None:
    apps = migrations_undone
    User = apps.get_model("accounts", "User")
    Household = apps.get_model("register", "Household")
    Assignment = apps.get_model("register", "Assignment")
    MentorProfile = apps.get_model("mentorship", "MentorProfile")
    MentorOffer = apps.get_model("mentorship", "MentorOffer")
    Pairing = apps.get_model("mentorship", "Pairing")
    user = User.objects.create(username="sara", municipality_id="0580", role="secretary")
    postal = apps.get_model("geo", "PostalCode").objects.get(code="58183")
    family = Household.objects.create(municipality_id="0580", name="Familjen Två gånger", postal_code=postal)
    mentor_home = Household.objects.create(municipality_id="0580", name="Familjen Mentor", postal_code=postal)
    home = Assignment.objects.create(
        municipality_id="0580", household=family, type="foster_home", status="approved", status_changed_at=AT
    )
    mentor_assignment = Assignment.objects.create(
        municipality_id="0580",
        household=mentor_home,
        type="mentor_family",
        status="active",
        status_changed_at=AT,
    )
    mentor = MentorProfile.objects.create(
        municipality_id="0580", assignment=mentor_assignment, household=mentor_home
    )

    def offer(minutes: int, answer: str) -> Any:
        return MentorOffer.objects.create(
            municipality_id="0580",
            assignment=home,
            household=family,
            offered_at=AT + datetime.timedelta(minutes=minutes),
            offered_by=user,
            answer=answer,
        )

    first, second, third = offer(0, "accepted"), offer(10, "accepted"), offer(20, "pending")

    def pairing(on: Any, minutes: int, status: str) -> Any:
        return Pairing.objects.create(
            municipality_id="0580",
            offer=on,
            mentor=mentor,
            mentee_household=family,
            proposed_at=AT + datetime.timedelta(minutes=minutes),
            proposed_by=user,
            status=status,
        )

    proposed = pairing(first, 0, "proposed")
    active = pairing(second, 5, "active")

    apps = _migrate(AFTER)

    Pairing = apps.get_model("mentorship", "Pairing")
    MentorOffer = apps.get_model("mentorship", "MentorOffer")
    assert Pairing.objects.get(pk=active.pk).status == "active"
    ended = Pairing.objects.get(pk=proposed.pk)
    assert (ended.status, ended.end_reason) == ("ended", "other")
    assert "dubblett" in ended.end_note
    answers = dict(MentorOffer.objects.values_list("pk", "answer"))
    assert answers == {first.pk: "withdrawn", second.pk: "accepted", third.pk: "withdrawn"}
