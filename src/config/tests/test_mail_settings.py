"""Production sends e-mail over SMTP, and refuses to start with mail set up inconsistently
(issue 12: with the documented variables, 0 of 15 invitations reached the server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "test-only-" + "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "bollplank.invalid",
    "DATABASE_URL": "postgres://bollplank@db.invalid/bollplank",
    "DJANGO_EMAIL_HOST": "smtp.kommun.invalid",
    "DJANGO_EMAIL_PORT": "587",
    "DJANGO_EMAIL_USE_TLS": "1",
    "DJANGO_EMAIL_HOST_USER": "bollplank",
    "DJANGO_EMAIL_HOST_PASSWORD": "secret",
    "DJANGO_DEFAULT_FROM_EMAIL": "Socialtjänsten <noreply@kommun.invalid>",
    "BOLLPLANK_BASE_URL": "https://bollplank.kommun.invalid",
}


def _settings(env: dict[str, str]) -> tuple[dict[str, object] | None, str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_")) and k != "DATABASE_URL"
    }
    code = (
        "import json, config.settings as s; "
        "print(json.dumps({'backend': s.EMAIL_BACKEND, 'timeout': s.EMAIL_TIMEOUT, 'host': s.EMAIL_HOST}))"
    )
    run = subprocess.run(  # noqa: S603 -- our own interpreter and a fixed script
        [sys.executable, "-c", code],
        env={**clean, **env, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        return None, run.stderr.strip().splitlines()[-1]
    return json.loads(run.stdout), ""


def test_production_with_the_documented_variables_sends_over_smtp_with_a_timeout() -> None:
    values, error = _settings(PRODUCTION)
    assert error == ""
    assert values == {
        "backend": "django.core.mail.backends.smtp.EmailBackend",
        "timeout": 20,
        "host": "smtp.kommun.invalid",
    }


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DJANGO_EMAIL_HOST": ""}, "DJANGO_EMAIL_HOST must be set"),
        ({"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "sends no e-mail"),
        ({"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}, "sends no e-mail"),
        ({"DJANGO_EMAIL_USE_SSL": "1"}, "not both"),
        ({"DJANGO_EMAIL_HOST_PASSWORD": ""}, "together or not at all"),
        ({"DJANGO_DEFAULT_FROM_EMAIL": None}, "DJANGO_DEFAULT_FROM_EMAIL must be set"),
        ({"DJANGO_EMAIL_TIMEOUT": "0"}, "positive"),
    ],
)
def test_production_refuses_to_start_with_mail_set_up_inconsistently(
    change: dict[str, str | None], complaint: str
) -> None:
    env = {k: v for k, v in {**PRODUCTION, **change}.items() if v is not None}

    values, error = _settings(env)

    assert values is None
    assert complaint in error


def test_the_demo_prints_mail_to_the_console_and_still_has_a_timeout() -> None:
    values, error = _settings({"DJANGO_ENV": "development"})
    assert error == ""
    assert values is not None
    assert values["backend"] == "django.core.mail.backends.console.EmailBackend"
    assert values["timeout"] == 20
