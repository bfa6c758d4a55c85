"""Two-factor login: TOTP from an authenticator app, one-time recovery codes, the
municipality's requirement, and every step in the security log."""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import RecoveryCode, Role, SecurityEventKind
from audit.models import SecurityEvent
from tenancy.scope import municipality_scope

NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
PASSWORD = "correct-horse-battery-staple"
STEP = datetime.timedelta(seconds=30)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def code_for(device: TOTPDevice) -> str:
    """What the authenticator app shows now (the clock is the test's)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def enable(user: Any, clock: Any) -> tuple[TOTPDevice, list[str]]:
    device = services.two_factor_setup_start(user=user)
    codes = services.two_factor_enable(user=user, device=device, code=code_for(device))
    clock.shift(STEP)  # the app shows the next code before the next login
    device.refresh_from_db()
    return device, codes


def password_step(client: Any, user: Any, password: str = PASSWORD) -> Any:
    return client.post(
        "/konto/logga-in/", {"username": user.username, "password": password, "next": "/logg/"}
    )


def events(user: Any) -> list[str]:
    with municipality_scope(user.municipality_id):
        return list(
            SecurityEvent.objects.filter(user=user).order_by("at", "id").values_list("kind", flat=True)
        )


def test_login_with_password_and_a_code_from_the_app(client: Any, manager: Any, clock: Any) -> None:
    device, _codes = enable(manager, clock)
    response = password_step(client, manager)
    assert response.status_code == 302 and response["Location"] == "/konto/logga-in/kod/"
    # The password alone logs no one in.
    assert client.get("/").status_code == 302
    page = client.get("/konto/logga-in/kod/").content.decode()
    assert "Tvåstegsinloggning" in page
    response = client.post("/konto/logga-in/kod/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/logg/"
    assert client.get("/").status_code == 200
    assert events(manager)[-1] == SecurityEventKind.LOGIN


def test_without_next_the_code_step_leads_to_the_register(client: Any, manager: Any, clock: Any) -> None:
    device, _codes = enable(manager, clock)
    client.post("/konto/logga-in/", {"username": manager.username, "password": PASSWORD})
    response = client.post("/konto/logga-in/kod/", {"code": code_for(device)})
    assert response["Location"] == "/"


def test_a_wrong_code_is_refused_and_counts_toward_the_lockout(client: Any, manager: Any, clock: Any) -> None:
    device, _codes = enable(manager, clock)
    password_step(client, manager)
    wrong = f"{(int(code_for(device)) + 500_000) % 10**6:06d}"
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/konto/logga-in/kod/", {"code": wrong})
        assert response.status_code == 400, attempt
        assert "Koden stämmer inte" in response.content.decode()
    assert client.post("/konto/logga-in/kod/", {"code": wrong}).status_code == 429
    # Locked: the half-finished login is gone, and the password does not get in either.
    assert client.post("/konto/logga-in/kod/", {"code": code_for(device)})["Location"] == "/konto/logga-in/"
    assert password_step(client, manager).status_code == 429
    assert client.get("/").status_code == 302
    kinds = events(manager)
    assert kinds.count(SecurityEventKind.CODE_FAILED) == settings.AXES_FAILURE_LIMIT
    assert SecurityEventKind.LOCKED_OUT in kinds


def test_a_recovery_code_works_once(client: Any, manager: Any, clock: Any) -> None:
    _device, codes = enable(manager, clock)
    password_step(client, manager)
    response = client.post("/konto/logga-in/kod/", {"code": codes[3].lower().replace("-", " ")}, follow=True)
    assert response.status_code == 200
    assert "9 koder kvar" in response.content.decode()
    client.post("/konto/logga-ut/")
    password_step(client, manager)
    again = client.post("/konto/logga-in/kod/", {"code": codes[3]})
    assert again.status_code == 400
    assert client.get("/").status_code == 302
    assert SecurityEventKind.RECOVERY_CODE_USED in events(manager)


def test_recovery_codes_are_stored_only_as_salted_hashes(manager: Any, clock: Any) -> None:
    _device, codes = enable(manager, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", code) for code in codes)
    stored = list(RecoveryCode.objects.filter(device__user=manager).values_list("salt", "digest"))
    assert len(stored) == 10 and len({salt for salt, _ in stored}) == 10
    flat = repr(stored)
    for code in codes:
        assert code not in flat and code.replace("-", "") not in flat


def test_new_recovery_codes_retire_the_old_ones(client: Any, manager: Any, clock: Any) -> None:
    _device, old = enable(manager, clock)
    client.force_login(manager)
    refused = client.post("/konto/tvastegs/reservkoder/", {"password": "fel"})
    assert refused.status_code == 400
    page = client.post("/konto/tvastegs/reservkoder/", {"password": PASSWORD}).content.decode()
    new = re.findall(r"<code>([2-9A-Z-]{19})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    client.logout()
    password_step(client, manager)
    assert client.post("/konto/logga-in/kod/", {"code": old[0]}).status_code == 400
    clock.shift(datetime.timedelta(seconds=2))  # django-otp's back-off after a wrong code
    assert client.post("/konto/logga-in/kod/", {"code": new[0]}).status_code == 302


def test_setting_up_through_the_pages_shows_a_qr_code_and_the_codes_once(
    client: Any, manager: Any, clock: Any
) -> None:
    client.force_login(manager)
    page = client.get("/konto/tvastegs/aktivera/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # the QR code is drawn here, the URL is not sent
    assert 'aria-label="QR-kod' in html
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert client.post("/konto/tvastegs/aktivera/", {"code": "123"}).status_code == 400
    done = client.post("/konto/tvastegs/aktivera/", {"code": code_for(device)})
    assert done.status_code == 200
    assert len(re.findall(r"<code>[2-9A-Z-]{19}</code>", done.content.decode())) == 10
    assert done["Cache-Control"] == "no-store"
    device.refresh_from_db()
    assert device.confirmed
    assert SecurityEventKind.TWO_FACTOR_ENABLED in events(manager)


def test_turning_it_off_needs_the_password(client: Any, manager: Any, clock: Any) -> None:
    enable(manager, clock)
    password_step(client, manager)
    # (the session is not verified yet: log in fully first)
    device = TOTPDevice.objects.get(user=manager)
    client.post("/konto/logga-in/kod/", {"code": code_for(device)})
    assert client.post("/konto/tvastegs/stang-av/", {"password": "fel"}).status_code == 400
    assert TOTPDevice.objects.filter(user=manager).exists()
    assert client.post("/konto/tvastegs/stang-av/", {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert SecurityEventKind.TWO_FACTOR_DISABLED in events(manager)


def test_a_municipality_that_requires_it_sends_staff_to_set_it_up_before_the_register(
    client: Any, manager: Any, make_user: Any, make_family: Any, clock: Any
) -> None:
    make_family(manager, name="Familjen Hemligsson")
    admin = make_user("0580", Role.ADMINISTRATOR)
    client.force_login(admin)
    assert client.post("/konto/sakerhet/", {"is_two_factor_required": "on"}).status_code == 302
    client.logout()

    response = password_step(client, manager)
    assert response.status_code == 302
    for path in ["/", "/register/", "/logg/", "/mentorskap/", "/register/export.csv", "/program/"]:
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked["Location"] == "/konto/tvastegs/aktivera/", path
    followed = client.get("/", follow=True).content.decode()
    assert "Hemligsson" not in followed
    assert "Din kommun kräver tvåstegsinloggning" in followed
    # Logout, the set-up and the language switch stay open.
    assert client.get("/konto/tvastegs/aktivera/").status_code == 200
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    client.post("/konto/tvastegs/aktivera/", {"code": code_for(device)})
    assert client.get("/").status_code == 200
    assert SecurityEventKind.POLICY_CHANGED in events(admin)


def test_a_session_not_verified_by_the_second_factor_is_logged_out(
    client: Any, manager: Any, clock: Any
) -> None:
    enable(manager, clock)
    client.force_login(manager)  # as if the session predated the second factor
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/konto/logga-in/"
    assert client.get("/konto/tvastegs/").status_code == 302  # logged out now


def test_the_code_step_expires_and_cannot_be_reached_without_the_password(
    client: Any, manager: Any, clock: Any
) -> None:
    device, _codes = enable(manager, clock)
    assert client.get("/konto/logga-in/kod/").status_code == 302
    password_step(client, manager)
    clock.shift(datetime.timedelta(minutes=settings.BOLLPLANK_MFA_PENDING_MINUTES, seconds=1))
    response = client.post("/konto/logga-in/kod/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/konto/logga-in/"
    assert client.get("/").status_code == 302


def test_an_administrator_removes_a_lost_second_factor(
    client: Any, manager: Any, other_secretary: Any, make_user: Any, clock: Any
) -> None:
    enable(manager, clock)
    admin = make_user("0580", Role.ADMINISTRATOR)
    client.force_login(admin)
    assert client.post(f"/konto/sakerhet/{other_secretary.pk}/ta-bort-tvastegs/").status_code == 404
    assert client.post(f"/konto/sakerhet/{manager.pk}/ta-bort-tvastegs/").status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    with municipality_scope("0580"):
        reset = SecurityEvent.objects.get(kind=SecurityEventKind.TWO_FACTOR_RESET)
    assert reset.user == manager and reset.by == admin


def test_the_security_log_is_read_by_managers_of_the_own_municipality(
    client: Any, manager: Any, other_secretary: Any, clock: Any
) -> None:
    password_step(client, other_secretary, password="fel")
    password_step(client, manager, password="fel")
    client.force_login(manager)
    page = client.get("/logg/sakerhet/").content.decode()
    assert "Fel lösenord" in page
    assert "Norrman" not in page
