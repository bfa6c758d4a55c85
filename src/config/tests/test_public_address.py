"""The public address (BOLLPLANK_BASE_URL): every link that leaves the browser starts with it,
and production refuses to start without an https one.

The settings are read once per process, so each case loads them in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from kernel.links import absolute_url
from meetings.calendar.ical import _domain

SRC = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "bollplank.kommun.se",
    "DATABASE_URL": "sqlite:///:memory:",
    # Production refuses to start without a mail server and a sender (issue 12).
    "DJANGO_EMAIL_HOST": "smtp.kommun.se",
    "DJANGO_DEFAULT_FROM_EMAIL": "Socialtjänsten <noreply@kommun.se>",
}


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "BOLLPLANK_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.BOLLPLANK_BASE_URL)"],
        cwd=SRC,
        env={**clean, "PYTHONPATH": str(SRC), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "must be set in production"),
        ("", "must be set in production"),
        ("http://bollplank.kommun.se", "must start with https://"),
        ("bollplank.kommun.se", "is not an address"),
        ("https://", "is not an address"),
        ("https://bollplank.kommun.se/socialtjanst", "is not an address"),
    ],
)
def test_production_refuses_to_start_without_an_https_public_address(value: str | None, reason: str) -> None:
    env = dict(PRODUCTION)
    if value is not None:
        env["BOLLPLANK_BASE_URL"] = value
    loaded = _load_settings(**env)
    assert loaded.returncode != 0
    assert "BOLLPLANK_BASE_URL" in loaded.stderr and reason in loaded.stderr


def test_production_takes_an_https_address_without_its_trailing_slash() -> None:
    loaded = _load_settings(**PRODUCTION, BOLLPLANK_BASE_URL="https://bollplank.kommun.se/")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "https://bollplank.kommun.se"


def test_the_local_demo_defaults_to_its_own_address_and_refuses_a_mistyped_one() -> None:
    assert _load_settings(DJANGO_ENV="development").stdout.strip() == "http://127.0.0.1:8000"
    demo = _load_settings(DJANGO_ENV="development", BOLLPLANK_BASE_URL="http://127.0.0.1:8765")
    assert demo.stdout.strip() == "http://127.0.0.1:8765"
    mistyped = _load_settings(DJANGO_ENV="development", BOLLPLANK_BASE_URL="127.0.0.1:8765")
    assert mistyped.returncode != 0 and "is not an address" in mistyped.stderr


@override_settings(BOLLPLANK_BASE_URL="https://bollplank.kommun.se:8443")
def test_links_and_calendar_ids_follow_the_setting() -> None:
    url = absolute_url("calendar_public:personal", token="0580.abc")
    assert url == "https://bollplank.kommun.se:8443/kalender/0580.abc/mitt.ics"
    assert _domain() == "bollplank.kommun.se"
