"""Test-wide set-up for every test under src/ and tests/.

DJANGO_ENV=test is set by pytest-env (``env`` in [tool.pytest.ini_options]):
pytest-django imports the settings before any conftest.py is loaded, so setting
it here would be too late. ``pytest_configure`` below only checks that it worked.

The test clock (STYLE rule 14: time is an input). No test runs at the real date:
time_machine travels the whole session to one instant, BOLLPLANK_TEST_NOW (ISO 8601;
without an offset it is Stockholm time) or DEFAULT_TEST_NOW, and travels back to it at
the start of every test, so each test starts at exactly that moment whatever ran before.
The clock ticks from there (threads, timeouts and the job worker keep working). A test
that needs another moment sets it on top: ``@pytest.mark.time_machine(...)`` or the
``time_machine`` fixture. ``BOLLPLANK_TEST_NOW=real`` runs at the real clock.
scripts/test runs the tests marked ``clock`` again at several awkward instants
(summer time ending, a leap day's evening, the last minutes of a year...).

Hypothesis: profile ``ci`` (no deadline, derandomized) under CI=true, ``dev``
otherwise; HYPOTHESIS_PROFILE chooses explicitly.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

if TYPE_CHECKING:
    from pytest_django import Settings

# For plugins and subprocesses started from tests; the settings already have it.
os.environ.setdefault("DJANGO_ENV", "test")

FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- hypothesis -------------------------------------------------------------
# CI machines are shared and slow at times (the personnummer properties once took 11 s):
# no deadline, and the same examples on every run, so CI fails for the code, not for the
# draw. Locally the examples vary from run to run, so new inputs get tried.
hypothesis_settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    max_examples=100,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("dev", deadline=None)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or (
    "ci" if os.environ.get("CI") == "true" else "dev"
)
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)

# --- the test clock (see the module docstring) -------------------------------
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# An ordinary moment: a Wednesday morning in May, far from summer-time changes and holidays.
DEFAULT_TEST_NOW = datetime.datetime(2026, 5, 13, 10, 0, tzinfo=STOCKHOLM)


def clock_instant() -> datetime.datetime | None:
    """The instant the tests run at (None: the real clock), from BOLLPLANK_TEST_NOW."""
    value = os.environ.get("BOLLPLANK_TEST_NOW", "").strip()
    if not value:
        return DEFAULT_TEST_NOW
    if value == "real":
        return None
    try:
        instant = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(
            f"BOLLPLANK_TEST_NOW={value!r} is not an ISO 8601 moment, e.g. 2026-10-25T02:30:00+02:00"
        ) from None
    # Without an offset: Stockholm time, the first of the two 02:30s on the night summer time ends.
    return instant if instant.tzinfo else instant.replace(tzinfo=STOCKHOLM)


_session_travel: time_machine.travel | None = None
_TEST_TRAVEL = pytest.StashKey[time_machine.travel]()


def _database_vendor() -> str:
    from django.db import connection

    return connection.vendor  # "sqlite" | "postgresql" | ...


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    env = getattr(settings, "ENV", None)
    if env != "test":
        raise pytest.UsageError(
            f"Tests must run with DJANGO_ENV=test, but the settings were loaded with ENV={env!r}. "
            "Is pytest-env installed (`uv sync`) and `env` set in [tool.pytest.ini_options]?"
        )
    # WhiteNoise warns on every request when STATIC_ROOT does not exist (no collectstatic in tests).
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # From here on, so that dates computed while test modules are imported (NEXT_YEAR = ...) see
    # the test instant too; stopped there until the first test, which travels again (ticking).
    global _session_travel
    instant = clock_instant()
    if instant is not None:
        _session_travel = time_machine.travel(instant, tick=False)
        _session_travel.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _session_travel
    if _session_travel is not None:
        _session_travel.stop()
        _session_travel = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    # Before any fixture: every test starts at the same instant, whatever ran before it. A hook,
    # not an autouse fixture, so that the travels nest in order with the time_machine fixture's.
    instant = clock_instant()
    if instant is not None:
        travel = time_machine.travel(instant, tick=True)
        travel.start()
        item.stash[_TEST_TRAVEL] = travel
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        travel = item.stash.get(_TEST_TRAVEL, None)
        if travel is not None:
            travel.stop()
            del item.stash[_TEST_TRAVEL]


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    database = settings.DATABASES["default"]
    where = f" on {database.get('HOST') or 'local socket'}" if _database_vendor() != "sqlite" else ""
    instant = clock_instant()
    clock = instant.isoformat() if instant else "the real clock (BOLLPLANK_TEST_NOW=real)"
    return [
        f"database: {_database_vendor()}{where} (a throwaway test database), DJANGO_ENV={settings.ENV}",
        f"test clock: {clock}, hypothesis profile: {HYPOTHESIS_PROFILE}",
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres_only`` are skipped, with the reason, on any other database."""
    if _database_vendor() == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/bollplank "
        "(scripts/test runs the suite on both databases)"
    )
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    """Argon2 is deliberately slow; tests hash with MD5 (never used outside tests)."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture
def reference_geography(transactional_db: None) -> None:
    """Transactional tests (threads, the live server) empty every table afterwards,
    the geography that migrations loaded included; put it back before such a test."""
    from geo.loading import load_reference_geography
    from geo.models import County, Municipality, PostalCode

    if not County.objects.exists():
        load_reference_geography(
            county_model=County, municipality_model=Municipality, postal_code_model=PostalCode
        )
