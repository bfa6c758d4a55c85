"""The pseudonymised export for an external evaluator: no names, addresses or ids;
the same member keeps one pseudonym; another programme gives other pseudonyms;
every download is logged."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from audit.models import AccessLogEntry
from programmes.evaluation.selectors import member_pseudonym
from programmes.tests.evaluation_data import add_questions, answer, hand_out, make_group
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


def _download(client: Any, programme: Any, **query: str) -> tuple[str, list[list[str]]]:
    response = client.get(f"/program/{programme.pk}/utvardering/export.csv", query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="utvardering-')
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return raw, list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))


@pytest.fixture
def answered(secretary: Any) -> Any:
    group = make_group(secretary, participants=2)
    scale, words = add_questions(
        secretary, group.programme, ("Jag känner mig trygg", "likert"), ("Något mer?", "text")
    )
    first, second = group.participants
    before = hand_out(secretary, group.cohort, "before")
    answer(before[first.pk], {scale: 2}, {words: '=HYPERLINK("x") Sara Sekreterare hjälpte mig'})
    answer(before[second.pk], {scale: 4})
    after = hand_out(secretary, group.cohort, "after")
    answer(after[first.pk], {scale: 5})
    return group, (scale, words)


def test_the_export_has_a_row_per_answered_questionnaire_and_no_names_addresses_or_ids(
    client: Any, secretary: Any, answered: Any
) -> None:
    group, (scale, _words) = answered
    client.force_login(secretary)

    raw, [header, *rows] = _download(client, group.programme)

    assert header[:5] == ["Pseudonym", "Grupp", "Roll", "Fas", "Besvarad"] or header[:5] == [
        "Pseudonym",
        "Cohort",
        "Role",
        "Phase",
        "Answered",
    ]
    assert header[5:] == [f"1. {scale.text}"], "free text only when asked for"
    assert len(rows) == 3
    assert sorted(row[5] for row in rows) == ["2", "4", "5"]
    assert {row[1] for row in rows} == {group.cohort.name}
    assert all(len(row[4]) == 10 and row[4][4] == "-" for row in rows), "the date only"
    with municipality_scope("0580"):
        people = [m.user for m in group.participants]
        ids = {str(m.pk) for m in group.participants} | {str(u.pk) for u in people}
    for user in people:
        for personal in (user.first_name, user.last_name, user.email, user.username):
            assert personal not in raw
    assert "Sara" not in raw and "Sekreterare" not in raw
    assert not ids & {cell for row in rows for cell in row[:5]}


def test_a_member_keeps_one_pseudonym_before_and_after(client: Any, secretary: Any, answered: Any) -> None:
    group, _questions = answered
    first, second = group.participants
    client.force_login(secretary)

    _raw, [_header, *rows] = _download(client, group.programme)

    by_pseudonym: dict[str, list[str]] = {}
    for row in rows:
        by_pseudonym.setdefault(row[0], []).append(row[5])
    with municipality_scope("0580"):
        expected_first = member_pseudonym(programme=group.programme, member_id=first.pk)
        expected_second = member_pseudonym(programme=group.programme, member_id=second.pk)
    assert by_pseudonym == {expected_first: ["2", "5"], expected_second: ["4"]}
    assert expected_first.startswith("P-") and len(expected_first) == 12


def test_another_programme_gives_the_same_member_another_pseudonym(
    secretary: Any, make_programme: Any, answered: Any
) -> None:
    group, _questions = answered
    other_programme = make_programme(secretary, name="Introduktion för familjehem")
    member = group.participants[0]
    assert member_pseudonym(programme=group.programme, member_id=member.pk) != member_pseudonym(
        programme=other_programme, member_id=member.pk
    )
    assert member_pseudonym(programme=group.programme, member_id=member.pk) == member_pseudonym(
        programme=group.programme, member_id=member.pk
    )


def test_free_text_is_exported_only_when_ticked_and_cannot_run_as_a_formula(
    client: Any, secretary: Any, answered: Any
) -> None:
    group, (_scale, words) = answered
    client.force_login(secretary)

    _raw, [header, *rows] = _download(client, group.programme, fritext="on")

    assert header[6] == f"2. {words.text}"
    [text] = [row[6] for row in rows if row[6]]
    assert text == '\'=HYPERLINK("x") Sara Sekreterare hjälpte mig'


def test_every_download_is_logged_as_an_export(client: Any, secretary: Any, answered: Any) -> None:
    group, _questions = answered
    client.force_login(secretary)
    _download(client, group.programme)
    _download(client, group.programme, fritext="on")
    with municipality_scope("0580"):
        entries = list(
            AccessLogEntry.objects.filter(action="export", object_type="programmes.programme").order_by("id")
        )
    assert [(e.user_id, e.object_id, e.detail["free_text"], e.detail["rows"]) for e in entries] == [
        (secretary.pk, str(group.programme.pk), False, 3),
        (secretary.pk, str(group.programme.pk), True, 3),
    ]


def test_another_municipalitys_export_is_404_and_not_logged(
    client: Any, other_secretary: Any, answered: Any
) -> None:
    group, _questions = answered
    client.force_login(other_secretary)
    response = client.get(f"/program/{group.programme.pk}/utvardering/export.csv")
    assert response.status_code == 404
    with municipality_scope("0580", "0581"):
        assert not AccessLogEntry.objects.filter(action="export").exists()
