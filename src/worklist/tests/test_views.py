"""The start page of every role, and where a login lands."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Role
from mentorship import services as mentorship_services
from tenancy.scope import municipality_scope

from .conftest import PASSWORD_FREE, START

pytestmark = pytest.mark.usefixtures("clock")


def test_logging_in_lands_on_the_start_page(client: Any, secretary: Any) -> None:
    response = client.post(
        "/konto/logga-in/", {"username": secretary.username, "password": "correct-horse-battery-staple"}
    )
    assert response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "<h1>Ditt arbete</h1>" in page
    assert 'href="/register/"' in page  # the register stays in the navigation


def test_the_secretary_sees_what_to_do_with_links_to_where_it_is_handled(
    client: Any, secretary: Any, make_pairing: Any, make_offer: Any
) -> None:
    pairing = make_pairing(secretary, "Familjen Stöd")
    offer = make_offer(secretary, "Familjen Erbjuden")
    with municipality_scope("0580"):
        check_in = mentorship_services.check_in_record(
            by=secretary, pairing=pairing, held_on=START.date(), mood="difficult", needs_support=True
        )
    client.force_login(secretary)
    page = client.get("/").content.decode()
    assert "Avstämningar där familjen behöver stöd (1)" in page
    assert f'href="/mentorskap/par/{pairing.pk}/#check-in-{check_in.pk}"' in page
    assert "Erbjudanden om mentorfamilj som väntar på svar (1)" in page
    assert f'href="/mentorskap/erbjudande/{offer.pk}/"' in page
    assert "När ett uppdrags status ska ändras" in page  # the definition is on the page

    # Handling the check-in on the pairing page takes it off the start page.
    pairing_page = client.get(f"/mentorskap/par/{pairing.pk}/").content.decode()
    assert "Markera stödet som hanterat" in pairing_page
    response = client.post(f"/mentorskap/avstamning/{check_in.pk}/stod-hanterat/")
    assert response.status_code == 302
    assert "Avstämningar där familjen behöver stöd" not in client.get("/").content.decode()
    assert (
        "Stödet hanterat av Sara Sekreterare" in client.get(f"/mentorskap/par/{pairing.pk}/").content.decode()
    )
    # A second click is refused with a message and changes nothing.
    again = client.post(f"/mentorskap/avstamning/{check_in.pk}/stod-hanterat/", follow=True)
    assert "redan" in again.content.decode()


def test_the_unit_manager_sees_every_secretary_and_the_unassigned_items(
    client: Any, secretary: Any, manager: Any, make_offer: Any
) -> None:
    make_offer(secretary, "Familjen Egen")
    make_offer(secretary, "Familjen Ingen", responsible=None)
    client.force_login(manager)
    page = client.get("/").content.decode()
    assert "<h1>Enhetens arbete</h1>" in page
    assert "Sara Sekreterare" in page and "Familjen Egen" in page
    assert "Utan ansvarig handläggare" in page and "Familjen Ingen" in page


def test_the_administrator_gets_accounts_jobs_and_logs_never_a_403(
    client: Any, make_user: Any, secretary: Any
) -> None:
    admin = make_user("0580", Role.ADMINISTRATOR, first_name="Ada", last_name="Admin")
    make_user("0581", Role.SECRETARY, first_name="Nils", last_name="Norrman")
    client.force_login(admin)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Administration</h1>" in page
    assert secretary.username in page and "Familjehemssekreterare" in page
    assert "Norrman" not in page  # another municipality's staff
    assert 'href="/jobb/"' in page and 'href="/logg/"' in page and 'href="/logg/andringar/"' in page


def test_the_county_coordinator_sees_what_it_can_do_and_where_region_work_will_appear(
    client: Any, make_user: Any
) -> None:
    from tenancy.models import Region

    region = Region.objects.create(slug="ostergotland", name="Östergötlands samverkan")
    region.municipalities.set(["0580", "0581"])
    coordinator = make_user("0580", Role.COUNTY_COORDINATOR)
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert "Det här kan du göra i dag" in page
    assert 'href="/program/"' in page and 'href="/traffar/"' in page and 'href="/register/"' in page
    assert "Arbete för hela samverkan" in page
    assert "Östergötlands samverkan" in page and "Norrköping" in page


def test_an_account_without_a_role_gets_a_swedish_refusal(client: Any, db: Any) -> None:
    user = get_user_model().objects.create_user(username="utan-roll", password=PASSWORD_FREE)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert "Du kan inte öppna den här sidan" in response.content.decode()


def test_the_start_page_follows_the_clock(client: Any, secretary: Any, make_offer: Any, clock: Any) -> None:
    make_offer(secretary, "Familjen Ny")
    client.force_login(secretary)
    assert 'class="status status--overdue"' not in client.get("/").content.decode()
    clock.shift(datetime.timedelta(days=15))
    client.force_login(secretary)  # the session expired meanwhile
    assert 'class="status status--overdue"' in client.get("/").content.decode()
