"""Login, sessions and password reset through the background-job queue."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core import mail

from jobs.testing import run_worker_once


def test_login_with_the_swedish_form_and_logout(client: Any, secretary: Any) -> None:
    page = client.get("/konto/logga-in/").content.decode()
    assert "Användarnamn" in page and "Lösenord" in page
    response = client.post(
        "/konto/logga-in/", {"username": secretary.username, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    logged_out = client.post("/konto/logga-ut/")
    assert logged_out["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client: Any, secretary: Any) -> None:
    response = client.post("/konto/logga-in/", {"username": secretary.username, "password": "fel"})
    assert response.status_code == 200
    assert "korrekt användarnamn och lösenord" in response.content.decode()


def test_sessions_expire_after_inactivity_and_with_the_browser() -> None:
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")  # tests only; see the next test


def test_production_hashes_passwords_with_argon2() -> None:
    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_password_reset_mail_is_sent_by_the_worker_and_its_link_sets_a_new_password(
    client: Any, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/aterstall/", {"email": secretary.email})
    assert response.status_code == 302
    assert mail.outbox == []  # never sent inside the request
    assert run_worker_once() >= 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [secretary.email]
    link = re.search(r"https?://[^/]+(/konto/aterstall/\S+/)", message.body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "ett-nytt-langt-losenord-2026"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    secretary.refresh_from_db()
    assert secretary.check_password(new_password)


def test_a_tampered_reset_link_is_refused_politely(client: Any, secretary: Any) -> None:
    page = client.get("/konto/aterstall/MQ/fel-token/", follow=True).content.decode()
    assert "Länken fungerar inte längre" in page


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: Any, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/aterstall/", {"email": "okand@example.com"})
    assert response.status_code == 302
    run_worker_once()
    assert mail.outbox == []
