"""Safe by default: without DJANGO_ENV the application is production and refuses to start
without its secrets; the repository holds no usable secret key; check --deploy is clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SETTINGS = REPO / "src" / "config" / "settings.py"


def _django(code: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "BOLLPLANK_", "AUDIT_", "LOGIN_"))
    }
    base.update({"BOLLPLANK_VAR_DIR": str(tmp_path), "PYTHONPATH": str(REPO / "src")})
    base.update(env)
    return subprocess.run(  # noqa: S603  # our own interpreter and a fixed script
        [
            sys.executable,
            "-c",
            f"import django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n{code}",
        ],
        env=base,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_django_env_the_application_is_production_and_refuses_to_start(tmp_path: Path) -> None:
    result = _django("django.setup()", {}, tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "DJANGO_ENV=development" in result.stderr  # the message says how to run the demo


def test_an_unknown_environment_name_is_refused(tmp_path: Path) -> None:
    result = _django("django.setup()", {"DJANGO_ENV": "prod"}, tmp_path)
    assert result.returncode != 0
    assert "DJANGO_ENV='prod' is not one of development, test, production" in result.stderr


def test_production_without_debug_even_when_asked(tmp_path: Path) -> None:
    result = _django(
        "django.setup()\nfrom django.conf import settings\nprint(settings.DEBUG)",
        {
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "bollplank.invalid",
            "BOLLPLANK_BASE_URL": "https://bollplank.invalid",
            "DJANGO_EMAIL_HOST": "smtp.bollplank.invalid",
            "DJANGO_DEFAULT_FROM_EMAIL": "bollplank <noreply@bollplank.invalid>",
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "DJANGO_DEBUG": "true",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_makes_its_own_key_in_var_and_keeps_it(tmp_path: Path) -> None:
    show = "django.setup()\nfrom django.conf import settings\nprint(settings.SECRET_KEY, settings.DEBUG)"
    first = _django(show, {"DJANGO_ENV": "development"}, tmp_path)
    second = _django(show, {"DJANGO_ENV": "development"}, tmp_path)
    assert first.returncode == 0, first.stderr
    key, debug = first.stdout.split()
    assert debug == "True"
    assert len(key) >= 50 and second.stdout == first.stdout  # sessions survive a restart
    stored = tmp_path / "secret_key"
    assert stored.read_text().strip() == key
    assert stored.stat().st_mode & 0o077 == 0  # readable by its owner only
    other = tmp_path / "elsewhere"
    third = _django(show, {"DJANGO_ENV": "development", "BOLLPLANK_VAR_DIR": str(other)}, tmp_path)
    assert third.stdout.split()[0] != key  # every checkout gets its own


def test_the_repository_holds_no_secret_key() -> None:
    text = SETTINGS.read_text(encoding="utf-8")
    assert "insecure-local-demo-key" not in text
    assert 'SECRET_KEY = "' not in text and "SECRET_KEY = '" not in text


def test_the_test_settings_use_a_fresh_key() -> None:
    from django.conf import settings

    assert len(settings.SECRET_KEY) >= 50
    assert "insecure" not in settings.SECRET_KEY
    assert not settings.DEBUG


@pytest.mark.timeout(300)
def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603  # our own manage.py
        [sys.executable, str(REPO / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("DJANGO_", "DATABASE_", "BOLLPLANK_"))
            },
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "deploy-check-" + "k3Yq9vLm2Xw7Pz4Rt8Hs6Jb1Nc5Df0Ga" * 2,
            "DJANGO_ALLOWED_HOSTS": "bollplank.invalid",
            "BOLLPLANK_BASE_URL": "https://bollplank.invalid",
            "DJANGO_EMAIL_HOST": "smtp.bollplank.invalid",
            "DJANGO_DEFAULT_FROM_EMAIL": "bollplank <noreply@bollplank.invalid>",
            "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
            "BOLLPLANK_VAR_DIR": str(tmp_path),
        },
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
