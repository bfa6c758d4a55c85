"""The move of a session's cohort from meetings.Event to programmes.Session keeps every row,
forwards and back (meetings/0004-0005, programmes/0002-0003)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("meetings", "0003_schedule_daily_meetings_job"),
    ("programmes", "0001_programmes_cohorts_questionnaires"),
]
AFTER = [("meetings", "0005_remove_event_cohort"), ("programmes", "0003_sessions_from_events")]
START = datetime.datetime(2026, 3, 3, 17, 0, tzinfo=datetime.UTC)


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrations_undone(reference_geography: None) -> Iterator[Any]:
    """The database as it was before the move, given back at the latest migrations."""
    try:
        yield _migrate(BEFORE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _old_rows(apps: Any) -> dict[str, int]:
    User = apps.get_model("accounts", "User")
    Programme = apps.get_model("programmes", "Programme")
    Cohort = apps.get_model("programmes", "Cohort")
    Series = apps.get_model("meetings", "Series")
    Event = apps.get_model("meetings", "Event")
    user = User.objects.create(username="sara", municipality_id="0580", role="secretary")
    programme = Programme.objects.create(
        municipality_id="0580",
        name="Brukarmentorer",
        start_time=datetime.time(18, 0),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        pseudonym_key="k" * 64,
        created_by=user,
    )
    cohort = Cohort.objects.create(
        municipality_id="0580",
        programme=programme,
        name="Vårgruppen",
        starts_on=START.date(),
        start_time=datetime.time(18, 0),
        duration_minutes=120,
        created_by=user,
    )
    series = Series.objects.create(
        municipality_id="0580",
        title="Samtalsträff",
        frequency="monthly",
        weekday=1,
        week_of_month=1,
        starts_on=START.date(),
        ends_on=START.date(),
        start_time=datetime.time(18, 0),
        responsible=user,
    )
    common = {"municipality_id": "0580", "starts_at": START, "original_starts_at": START}
    end = START + datetime.timedelta(hours=2)
    session = Event.objects.create(
        kind="session", cohort=cohort, number=1, title="Vårgruppen – träff 1", ends_at=end, **common
    )
    meeting = Event.objects.create(
        kind="meeting", series=series, number=1, title="Samtalsträff", ends_at=end, **common
    )
    return {"cohort": cohort.pk, "session": session.pk, "meeting": meeting.pk}


def test_sessions_keep_their_cohort_forwards_and_back(migrations_undone: Any) -> None:
    ids = _old_rows(migrations_undone)

    after = _migrate(AFTER)
    Session = after.get_model("programmes", "Session")
    Event = after.get_model("meetings", "Event")
    assert list(Session.objects.values_list("pk", "cohort_id")) == [(ids["session"], ids["cohort"])]
    assert Event.objects.get(pk=ids["session"]).title == "Vårgruppen – träff 1"
    assert Event.objects.get(pk=ids["meeting"]).series_id is not None
    assert Event.objects.count() == 2

    before = _migrate(BEFORE)
    OldEvent = before.get_model("meetings", "Event")
    assert dict(OldEvent.objects.values_list("pk", "cohort_id")) == {
        ids["session"]: ids["cohort"],
        ids["meeting"]: None,
    }
