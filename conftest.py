"""Test-wide set-up for every test under src/ and tests/.

DJANGO_ENV=test is set by pytest-env (``env`` in [tool.pytest.ini_options]):
pytest-django imports the settings before any conftest.py is loaded, so setting
it here would be too late. ``pytest_configure`` below only checks that it worked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_django import Settings

# For plugins and subprocesses started from tests; the settings already have it.
os.environ.setdefault("DJANGO_ENV", "test")

FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    database = settings.DATABASES["default"]
    where = f" on {database.get('HOST') or 'local socket'}" if _database_vendor() != "sqlite" else ""
    return [f"database: {_database_vendor()}{where} (a throwaway test database), DJANGO_ENV={settings.ENV}"]


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
