"""Password rules after NIST SP 800-63B: length, common and leaked passwords, no runs or
repetitions, not the user's own names; no composition rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.passwords import NistPasswordValidator


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",  # issue 11: accepted before
        "abcabcabcabc",
        "123456789012",
        "qwertyuiopå1",
        "password1234",
        "iloveyou2026",
        "Sommar2026!!",
        "kort",
        "x" * 129,
    ],
)
def test_weak_passwords_are_refused(password: str, secretary: Any) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, user=secretary)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "trädgård-och-kaffe-på-tisdag",
        "blå cykel, röd mössa",
        "x7$Lq!m2Zp9#",  # no rule against symbols either
        "å" * 3 + "ä" * 3 + "ö" * 3 + "tvåhundra",
        "en mening som fortsätter länge, om cyklar och kaffe, hundar och hav, tills den är lång",
    ],
)
def test_long_unusual_passwords_are_accepted_without_composition_rules(password: str, secretary: Any) -> None:
    validate_password(password, user=secretary)


def test_the_users_own_names_and_municipality_are_refused(secretary: Any) -> None:
    secretary.first_name = "Sigrid"
    for password in ["sigrid-och-kaffe-2026", "bor-i-linkoping-sedan-1990", "bollplank-demo-2026"]:
        with pytest.raises(ValidationError) as caught:
            validate_password(password, user=secretary)
        assert "password_too_similar" in [e.code for e in caught.value.error_list], password


def test_the_limits_are_settings_and_the_maximum_is_at_least_64() -> None:
    with pytest.raises(ValueError, match="64"):
        NistPasswordValidator(max_length=32)
    NistPasswordValidator(min_length=15, max_length=64).validate("femton tecken ok")


def test_changing_to_aaaaaaaaaaaa_is_refused_in_swedish(client: Any, secretary: Any) -> None:
    client.force_login(secretary)
    response = client.post(
        "/konto/losenord/",
        {
            "old_password": "correct-horse-battery-staple",
            "new_password1": "aaaaaaaaaaaa",
            "new_password2": "aaaaaaaaaaaa",
        },
    )
    assert response.status_code == 200
    assert "upprepning" in response.content.decode()
    secretary.refresh_from_db()
    assert secretary.check_password("correct-horse-battery-staple")
    response = client.post(
        "/konto/losenord/",
        {
            "old_password": "correct-horse-battery-staple",
            "new_password1": "sju blåa cyklar i snön",
            "new_password2": "sju blåa cyklar i snön",
        },
    )
    assert response.status_code == 302
