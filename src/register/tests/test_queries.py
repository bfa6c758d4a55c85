"""Pages issue a fixed number of queries, whatever the number of rows (no N+1)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from register import services
from tenancy.scope import municipality_scope


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_register_list_costs_the_same_for_2_and_40_rows(
    client: Any, secretary: Any, make_family: Any
) -> None:
    for n in range(2):
        make_family(secretary, name=f"Familjen A{n}", responsible_secretary=secretary)
    client.force_login(secretary)
    few = _queries(client, "/")
    for n in range(38):
        make_family(secretary, name=f"Familjen B{n}", responsible_secretary=secretary)
    many = _queries(client, "/")
    assert many == few


def test_a_household_page_costs_the_same_for_1_and_6_assignments(
    client: Any, secretary: Any, make_family: Any
) -> None:
    family = make_family(secretary)
    client.force_login(secretary)
    url = f"/hushall/{family.household.pk}/"
    one = _queries(client, url)
    with municipality_scope("0580"):
        for n in range(5):
            member = services.person_create(
                by=secretary, household=family.household, first_name=f"Barn{n}", last_name="Lind"
            )
            services.person_update(by=secretary, person=member, version=1, phone=f"070-17406{10 + n}")
            services.assignment_create(by=secretary, household=family.household, type="contact_family")
    six = _queries(client, url)
    assert six == one
