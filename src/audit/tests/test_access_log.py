"""Every read of personal data leaves exactly one access-log row; the log is append-only."""

from __future__ import annotations

from typing import Any

import pytest

from audit.models import AccessLogEntry, AppendOnlyError, ChangeLogEntry
from tenancy.scope import municipality_scope, scopes_disabled


def _rows() -> list[AccessLogEntry]:
    # Test inspection of every municipality's log rows.
    with scopes_disabled():
        return list(AccessLogEntry.objects.order_by("id"))


@pytest.mark.parametrize("page", ["household", "person", "assignment"])
def test_viewing_a_detail_page_writes_exactly_one_row(
    page: str, client: Any, secretary: Any, make_family: Any
) -> None:
    family = make_family(secretary)
    obj = {"household": family.household, "person": family.member, "assignment": family.assignment}[page]
    url = {"household": "/hushall/{}/", "person": "/person/{}/", "assignment": "/uppdrag/{}/"}[page].format(
        obj.pk
    )
    client.force_login(secretary)
    before = len(_rows())

    response = client.get(url, REMOTE_ADDR="10.20.30.40")

    assert response.status_code == 200
    rows = _rows()[before:]
    assert len(rows) == 1
    row = rows[0]
    assert (row.user_id, row.municipality_id, row.action) == (secretary.pk, "0580", "view")
    assert (row.object_type, row.object_id) == (obj._meta.label_lower, str(obj.pk))
    assert row.client_address == "10.20.30.40"


def test_an_export_writes_exactly_one_row_with_the_row_count(
    client: Any, secretary: Any, make_family: Any
) -> None:
    make_family(secretary)
    make_family(secretary, name="Familjen Berg")
    client.force_login(secretary)
    before = len(_rows())

    response = client.get("/register/export.csv", {"type": "foster_home"})
    content = b"".join(response.streaming_content).decode("utf-8")

    assert "Familjen Berg" in content and "Familjen Lind" in content
    rows = _rows()[before:]
    assert [(r.action, r.detail["results"], r.detail["filters"]) for r in rows] == [
        ("export", 2, {"type": "foster_home"})
    ]


def test_a_search_writes_one_row_with_its_filters(client: Any, secretary: Any, make_family: Any) -> None:
    make_family(secretary)
    client.force_login(secretary)
    before = len(_rows())
    client.get("/register/", {"q": "Lind"})
    rows = _rows()[before:]
    assert [(r.action, r.detail) for r in rows] == [("search", {"filters": {"q": "Lind"}, "results": 1})]


def test_a_404_for_another_municipalitys_record_writes_no_view_row(
    client: Any, secretary: Any, other_secretary: Any, make_family: Any
) -> None:
    other = make_family(other_secretary)
    client.force_login(secretary)
    before = len(_rows())
    assert client.get(f"/hushall/{other.household.pk}/").status_code == 404
    assert _rows()[before:] == []


def test_log_rows_cannot_be_changed_or_deleted(secretary: Any, make_family: Any, client: Any) -> None:
    family = make_family(secretary)
    client.force_login(secretary)
    client.get(f"/hushall/{family.household.pk}/")
    with municipality_scope("0580"):
        access = AccessLogEntry.objects.first()
        change = ChangeLogEntry.objects.first()
        assert access is not None and change is not None
        access.action = "export"
        with pytest.raises(AppendOnlyError):
            access.save()
        with pytest.raises(AppendOnlyError):
            change.delete()


def test_managers_read_their_own_municipalitys_access_log_only(
    client: Any, manager: Any, secretary: Any, other_secretary: Any, make_family: Any
) -> None:
    own = make_family(secretary)
    other = make_family(other_secretary, name="Familjen Annanstans")
    client.force_login(other_secretary)
    client.get(f"/hushall/{other.household.pk}/")
    client.force_login(secretary)
    client.get(f"/hushall/{own.household.pk}/")

    client.force_login(manager)
    page = client.get("/logg/").content.decode()

    assert "Sara Sekreterare" in page
    assert f"#{own.household.pk}" in page
    assert "Nils Norrman" not in page


def test_secretaries_cannot_read_the_access_log(client: Any, secretary: Any) -> None:
    client.force_login(secretary)
    assert client.get("/logg/").status_code == 403
    assert client.get("/logg/andringar/").status_code == 403


def test_the_change_history_shows_before_and_after_but_masks_contact_details_in_the_overview(
    client: Any, manager: Any, secretary: Any, make_family: Any
) -> None:
    family = make_family(secretary)
    client.force_login(secretary)
    response = client.post(
        f"/hushall/{family.household.pk}/andra/",
        {
            "name": "Familjen Lind-Berg",
            "street_address": "Nya vägen 2",
            "postal_code": "581 83",
            "version": 1,
        },
    )
    assert response.status_code == 302
    client.force_login(manager)
    page = client.get("/logg/andringar/").content.decode()
    assert "Familjen Lind-Berg" in page and "Familjen Lind" in page
    assert "Nya vägen 2" not in page
    detail = client.get(f"/hushall/{family.household.pk}/").content.decode()
    assert "Nya vägen 2" in detail
