"""The register in the browser's terms: forms refuse bad input and write nothing,
filters find what they should, protected addresses stay hidden."""

from __future__ import annotations

from typing import Any

import pytest

from audit.models import ChangeLogEntry
from register import services
from register.models import Assignment, Household, Person
from tenancy.scope import municipality_scope


def _count(model: Any) -> int:
    with municipality_scope("0580"):
        return int(model.objects.count())


def test_creating_a_household_redirects_to_it(client: Any, secretary: Any) -> None:
    client.force_login(secretary)
    response = client.post(
        "/hushall/nytt/", {"name": "Familjen Ny", "street_address": "Ågatan 3", "postal_code": "582 22"}
    )
    assert response.status_code == 302
    with municipality_scope("0580"):
        household = Household.objects.get()
    assert response["Location"] == f"/hushall/{household.pk}/"
    assert household.postal_code.municipality_id == "0580"


@pytest.mark.parametrize(
    ("postal_code", "code"),
    [("000 01", "unknown_postal_code"), ("12", "unknown_postal_code"), ("", "required")],
)
def test_a_bad_postal_code_is_a_form_error_and_nothing_is_written(
    postal_code: str, code: str, client: Any, secretary: Any
) -> None:
    client.force_login(secretary)
    response = client.post("/hushall/nytt/", {"name": "Familjen Fel", "postal_code": postal_code})
    assert response.status_code == 200
    assert response.context["form"].has_error("postal_code", code)
    assert _count(Household) == 0
    assert _count(ChangeLogEntry) == 0


def test_the_messages_are_in_swedish_next_to_the_field(client: Any, secretary: Any, make_family: Any) -> None:
    family = make_family(secretary)
    client.force_login(secretary)
    response = client.post(
        f"/hushall/{family.household.pk}/medlem/ny/",
        {"first_name": "Per", "last_name": "Lind", "national_id": "19121212-1213"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="sv"' in page
    assert "Kontrollsiffran" in page
    assert _count(Person) == 1


def test_an_edit_based_on_an_old_version_is_refused_with_a_message(
    client: Any, secretary: Any, manager: Any, make_family: Any
) -> None:
    family = make_family(secretary)
    with municipality_scope("0580"):
        services.household_update(
            by=manager, household=family.household, version=1, name="Familjen Chefsändrad"
        )
    client.force_login(secretary)
    response = client.post(
        f"/hushall/{family.household.pk}/andra/",
        {"name": "Familjen Gammal", "street_address": "Storgatan 1", "postal_code": "58183", "version": 1},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    with municipality_scope("0580"):
        assert Household.objects.get(pk=family.household.pk).name == "Familjen Chefsändrad"


def test_moving_an_assignment_through_the_form(client: Any, secretary: Any, make_family: Any) -> None:
    family = make_family(secretary)
    client.force_login(secretary)
    url = f"/uppdrag/{family.assignment.pk}/status/"
    refused = client.post(url, {"to_status": "approved", "version": 1})
    assert refused.status_code == 400
    assert refused.context["transition_form"].has_error("to_status")
    moved = client.post(url, {"to_status": "information", "version": 1})
    assert moved.status_code == 302
    ended_without_reason = client.post(url, {"to_status": "ended", "version": 2})
    assert ended_without_reason.status_code == 400
    assert ended_without_reason.context["transition_form"].has_error("reason")
    detail = client.get(f"/uppdrag/{family.assignment.pk}/").content.decode()
    assert detail.count("<time ") == 2


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http:evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_a_status_change_never_redirects_to_another_site(
    target: str, client: Any, secretary: Any, make_family: Any
) -> None:
    """Issue 11: ``next`` in the POST sent the user to any site."""
    family = make_family(secretary)
    client.force_login(secretary)
    url = f"/uppdrag/{family.assignment.pk}/status/"
    response = client.post(url, {"to_status": "information", "version": 1, "next": target})
    assert response.status_code == 302
    assert response["Location"] == f"/uppdrag/{family.assignment.pk}/"


def test_a_status_change_returns_to_a_page_of_this_site(
    client: Any, secretary: Any, make_family: Any
) -> None:
    family = make_family(secretary)
    client.force_login(secretary)
    url = f"/uppdrag/{family.assignment.pk}/status/"
    response = client.post(url, {"to_status": "information", "version": 1, "next": "/?status=information"})
    assert response["Location"] == "/?status=information"


def test_an_end_date_before_the_start_date_is_refused(client: Any, secretary: Any, make_family: Any) -> None:
    family = make_family(secretary)
    client.force_login(secretary)
    response = client.post(
        f"/uppdrag/{family.assignment.pk}/andra/",
        {"type": "foster_home", "starts_on": "2026-05-01", "ends_on": "2026-04-01", "version": 1},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("ends_on")
    with municipality_scope("0580"):
        assert Assignment.objects.get(pk=family.assignment.pk).ends_on is None


def test_filters_find_by_type_status_secretary_postal_area_text_and_national_id(
    client: Any, secretary: Any, make_user: Any, make_family: Any
) -> None:
    colleague = make_user("0580", "secretary", first_name="Kalle", last_name="Kollega")
    lind = make_family(secretary, responsible_secretary=secretary)
    berg = make_family(
        secretary, name="Familjen Berg", first_name="Bo", postal="58434", type="emergency_home"
    )
    with municipality_scope("0580"):
        services.person_update(by=secretary, person=berg.member, version=1, national_id="19121212-1212")
        services.assignment_transition(
            by=secretary, assignment=berg.assignment, to_status="information", version=1
        )
        services.assignment_update(
            by=secretary,
            assignment=Assignment.objects.get(pk=berg.assignment.pk),
            version=2,
            responsible_secretary=colleague,
        )
    client.force_login(secretary)

    def names(**query: str) -> set[str]:
        page = client.get("/register/", query).context["page"]
        return {str(a.household) for a in page.object_list}

    assert names() == {"Familjen Lind", "Familjen Berg"}
    assert names(type="emergency_home") == {"Familjen Berg"}
    assert names(status="interest") == {"Familjen Lind"}
    assert names(secretary=str(colleague.pk)) == {"Familjen Berg"}
    assert names(secretary=str(secretary.pk)) == {"Familjen Lind"}
    assert names(postal_area="584") == {"Familjen Berg"}
    assert names(q="lena") == {"Familjen Lind"}
    assert names(q="121212+1212") == {"Familjen Berg"}
    assert names(q="19121212-1212") == {"Familjen Berg"}
    assert names(status="bogus", type="<script>") == {"Familjen Lind", "Familjen Berg"}
    assert lind.household.pk != berg.household.pk


def test_an_htmx_search_returns_only_the_results(client: Any, secretary: Any, make_family: Any) -> None:
    make_family(secretary)
    client.force_login(secretary)
    response = client.get("/register/", {"q": "Lind"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Familjen Lind" in body
    assert "<html" not in body


def test_a_protected_address_is_shown_only_to_the_responsible_secretary(
    client: Any, secretary: Any, make_user: Any, make_family: Any
) -> None:
    family = make_family(secretary, responsible_secretary=secretary)
    with municipality_scope("0580"):
        services.household_update(
            by=secretary, household=family.household, version=1, street_address="Skyddade gatan 9"
        )
        services.person_update(by=secretary, person=family.member, version=1, has_protected_identity=True)
    colleague = make_user("0580", "secretary")
    url = f"/hushall/{family.household.pk}/"

    client.force_login(secretary)
    assert "Skyddade gatan 9" in client.get(url).content.decode()

    client.force_login(colleague)
    for page in (
        url,
        "/",
        "/register/",
        f"/hushall/{family.household.pk}/andra/",
        f"/person/{family.member.pk}/",
    ):
        assert "Skyddade gatan 9" not in client.get(page).content.decode(), page
        assert "lind@example.se" not in client.get(page).content.decode(), page
    export = b"".join(client.get("/register/export.csv").streaming_content).decode()
    assert "581 83" not in export


def test_a_coordinator_reads_but_cannot_change(
    client: Any, make_user: Any, secretary: Any, make_family: Any
) -> None:
    family = make_family(secretary)
    coordinator = make_user("0580", "county_coordinator")
    client.force_login(coordinator)
    assert client.get(f"/hushall/{family.household.pk}/").status_code == 200
    assert client.get(f"/hushall/{family.household.pk}/andra/").status_code == 403
    assert (
        client.post(f"/uppdrag/{family.assignment.pk}/status/", {"to_status": "information"}).status_code
        == 403
    )


def test_the_interface_switches_to_english(client: Any, secretary: Any) -> None:
    client.force_login(secretary)
    client.post("/i18n/setlang/", {"language": "en", "next": "/register/"})
    page = client.get("/register/").content.decode()
    assert 'lang="en"' in page
    assert "Assignees" in page
