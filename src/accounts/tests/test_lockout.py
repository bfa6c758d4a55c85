"""Login throttling: an account and a client address are locked after repeated failures
(issue 11: 30 wrong passwords in 34 s were all answered, then the right one logged in)."""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from accounts.models import Role, SecurityEventKind
from audit.models import SecurityEvent
from tenancy.scope import municipality_scope

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=STOCKHOLM)
PASSWORD = "correct-horse-battery-staple"
OFFICE = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def _login(client: Any, username: str, password: str, address: str = OFFICE) -> Any:
    return client.post("/konto/logga-in/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _without_csrf(response: Any) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", response.content.decode())


def _is_logged_in(client: Any) -> bool:
    return client.get("/", REMOTE_ADDR=OFFICE).status_code == 200


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(
    client: Any, secretary: Any, clock: Any
) -> None:
    answers = []
    for attempt in range(30):
        clock.shift(datetime.timedelta(seconds=1))
        answers.append(_login(client, secretary.username, f"fel-losenord-{attempt}").status_code)
    limit = settings.AXES_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(answers[limit - 1 :]) == {429}
    response = _login(client, secretary.username, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "För många misslyckade inloggningsförsök. Försök igen kl. 12:15." in page
    assert not _is_logged_in(client)


def test_the_lock_ends_by_itself_after_the_cool_off(client: Any, secretary: Any, clock: Any) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, secretary.username, f"fel-{attempt}")
    assert _login(client, secretary.username, PASSWORD).status_code == 429
    clock.shift(settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1))
    assert _login(client, secretary.username, PASSWORD).status_code == 429  # that attempt moved the lock on
    clock.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1))
    assert _login(client, secretary.username, PASSWORD).status_code == 302
    assert _is_logged_in(client)


def test_the_account_is_locked_from_every_address(client: Any, secretary: Any, clock: Any) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, secretary.username, f"fel-{attempt}", address=f"203.0.113.{attempt + 1}")
    assert _login(client, secretary.username, PASSWORD, address=ELSEWHERE).status_code == 429


def test_an_address_guessing_many_accounts_is_locked_for_every_account(
    client: Any, make_user: Any, clock: Any
) -> None:
    victim = make_user("0580", Role.SECRETARY)
    # Password spraying: one guess per (mostly made-up) account, never reaching the account limit.
    for attempt in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        _login(client, f"gissning{attempt}", "Sommar2026!")
    response = _login(client, victim.username, PASSWORD)
    assert response.status_code == 429
    assert "Försök igen kl." in response.content.decode()
    # The same account from another address is not locked: the lock is on the address.
    assert _login(client, victim.username, PASSWORD, address=ELSEWHERE).status_code == 302


def test_a_successful_login_clears_the_accounts_failures_but_not_the_addresss(
    client: Any, make_user: Any, clock: Any
) -> None:
    colleague = make_user("0580", Role.SECRETARY)
    for attempt in range(settings.LOGIN_FAILURES_PER_ADDRESS - 1):
        _login(client, f"gissning{attempt}", "Sommar2026!")
    assert _login(client, colleague.username, PASSWORD).status_code == 302
    client.post("/konto/logga-ut/")
    # One more failure from the office address reaches the address limit.
    assert _login(client, "gissning-sista", "Sommar2026!").status_code == 429


def test_an_unknown_username_gets_the_same_lockout_page(client: Any, secretary: Any, clock: Any) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "finns-inte", f"fel-{attempt}", address=ELSEWHERE)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, secretary.username, f"fel-{attempt}")
    unknown = _login(client, "finns-inte", "x", address=ELSEWHERE)
    known = _login(client, secretary.username, "x")
    assert unknown.status_code == known.status_code == 429
    assert _without_csrf(unknown) == _without_csrf(known)


def test_failed_logins_and_the_lock_are_in_the_security_log(client: Any, secretary: Any, clock: Any) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, secretary.username, f"fel-{attempt}")
    with municipality_scope("0580"):
        kinds = list(SecurityEvent.objects.filter(user=secretary).values_list("kind", "client_address"))
    assert kinds.count((SecurityEventKind.LOGIN_FAILED, OFFICE)) == settings.AXES_FAILURE_LIMIT
    assert (SecurityEventKind.LOCKED_OUT, OFFICE) in kinds


def test_an_administrator_unlocks_an_account_of_the_own_municipality_only(
    client: Any, secretary: Any, other_secretary: Any, make_user: Any, clock: Any
) -> None:
    admin = make_user("0580", Role.ADMINISTRATOR)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, secretary.username, f"fel-{attempt}")
    client.force_login(admin)
    page = client.get("/konto/sakerhet/").content.decode()
    assert secretary.username in page and "Spärrad" in page
    assert other_secretary.username not in page
    assert client.post(f"/konto/sakerhet/{other_secretary.pk}/las-upp/").status_code == 404
    response = client.post(f"/konto/sakerhet/{secretary.pk}/las-upp/")
    assert response.status_code == 302
    client.logout()
    assert _login(client, secretary.username, PASSWORD).status_code == 302
    with municipality_scope("0580"):
        unlock = SecurityEvent.objects.get(kind=SecurityEventKind.UNLOCKED)
    assert unlock.user == secretary and unlock.by == admin


def test_only_administrators_reach_the_security_page(client: Any, make_user: Any) -> None:
    for role in (Role.SECRETARY, Role.UNIT_MANAGER, Role.COUNTY_COORDINATOR):
        client.force_login(make_user("0580", role))
        assert client.get("/konto/sakerhet/").status_code == 403


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_counted(
    client: Any, secretary: Any, clock: Any, settings: Any
) -> None:
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    for attempt in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        client.post(
            "/konto/logga-in/",
            {"username": f"gissning{attempt}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, 127.0.0.1",
        )
    # The proxy's own address is not locked; the client's is.
    assert _login(client, secretary.username, PASSWORD, address="127.0.0.1").status_code == 302
    client.post("/konto/logga-ut/")
    blocked = client.post(
        "/konto/logga-in/",
        {"username": secretary.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
    )
    assert blocked.status_code == 429
