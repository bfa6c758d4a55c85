"""Evaluation pages: the comparison with its chart and table, the question editor,
a cohort's questionnaires; other municipalities' objects are 404, and bad input
changes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_q.models import OrmQ

from audit.models import AccessLogEntry
from jobs.testing import run_worker_once
from programmes.models import Question, QuestionnaireResponse
from programmes.tests.evaluation_data import add_questions, answer, hand_out, make_group
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


def _evaluation_url(programme: Any) -> str:
    return f"/program/{programme.pk}/utvardering/"


def _questionnaires_url(cohort: Any) -> str:
    return f"/program/kohort/{cohort.pk}/enkater/"


WITHHELD_NOTE = "Siffror visas när minst 3 har svarat, så att ingens svar kan läsas ut."


@pytest.fixture
def answered(secretary: Any) -> Any:
    """Three participants answer before (1, 2, 2) and after (4, 4, 5)."""
    group = make_group(secretary, participants=3)
    scale, words = add_questions(
        secretary, group.programme, ("Jag känner mig trygg", "likert"), ("Något mer?", "text")
    )
    first, second, third = group.participants
    before = hand_out(secretary, group.cohort, "before")
    answer(before[first.pk], {scale: 1}, {words: "Nervös inför starten"})
    answer(before[second.pk], {scale: 2})
    answer(before[third.pk], {scale: 2})
    after = hand_out(secretary, group.cohort, "after")
    answer(after[first.pk], {scale: 4}, {words: "Tryggare nu"})
    answer(after[second.pk], {scale: 4})
    answer(after[third.pk], {scale: 5})
    return group, (scale, words)


def test_the_evaluation_page_shows_chart_table_and_free_text_but_no_names(
    client: Any, secretary: Any, answered: Any
) -> None:
    group, (scale, _words) = answered
    client.force_login(secretary)

    page = client.get(_evaluation_url(group.programme))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="img"' in html and 'aria-labelledby="chart-title chart-desc"' in html
    assert "<caption>" in html and 'scope="row"' in html and 'scope="colgroup"' in html
    [item] = page.context["items"]
    assert (item.question, item.before.n, item.before.mean, item.after.n, item.after.mean) == (
        scale,
        3,
        5 / 3,
        3,
        13 / 3,
    )
    table = html[html.index('<table class="table" id="comparison">') : html.index("</table>")]
    cells = re.findall(r"<td>([^<]*)</td>", table)
    # Swedish decimal comma, the signed difference and the paired change (+3, +2, +3).
    assert cells == ["3", "1,67", "0,58", "3", "4,33", "0,58", "+2,67", "3", "+2,67"]
    assert WITHHELD_NOTE not in html and 'id="withheld-note"' not in html
    assert 'id="free-text-note"' not in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert not re.search(r' (?:x|y|cx|cy|x1|x2|y1|y2)="[^"]*,', svg), "SVG coordinates must not be localised"
    assert re.search(r'<circle cx="[\d.]+" cy="[\d.]+" r="7"', svg) and "<rect x=" in svg
    assert "Nervös inför starten" in html and "Tryggare nu" in html
    for member in group.participants:
        assert member.user.last_name not in html.replace(secretary.last_name, "")
        assert member.user.first_name not in html
    assert f"/program/{group.programme.pk}/utvardering/export.csv" in html
    assert _questionnaires_url(group.cohort) in html


@pytest.mark.parametrize("few", [1, 2])
def test_a_cohort_with_one_or_two_answers_shows_n_but_no_figures_no_mark_and_no_free_text(
    client: Any, secretary: Any, answered: Any, few: int
) -> None:
    """Filtered to a cohort where `few` answered (the cohort's questionnaire page says who),
    the page shows how many but not what they answered."""
    group, (scale, words) = answered
    other = make_group(secretary, participants=few, programme=group.programme, name="Våren")
    before = hand_out(secretary, other.cohort, "before")
    for member in other.participants:
        answer(before[member.pk], {scale: 5}, {words: f"Bara jag vet {member.pk}"})
    client.force_login(secretary)

    page = client.get(_evaluation_url(group.programme), {"kohort": other.cohort.pk})
    everyone = client.get(_evaluation_url(group.programme))

    assert page.status_code == 200
    html = page.content.decode()
    [item] = page.context["items"]
    assert (item.before.n, item.before.mean, item.before.is_shown) == (few, None, False)
    table = html[html.index('<table class="table" id="comparison">') : html.index("</table>")]
    assert re.findall(r"<td>([^<]*)</td>", table) == [str(few), "–", "–", "0", "–", "–", "–", "0", "–"]
    assert "5,00" not in table
    assert WITHHELD_NOTE in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<circle cx=" not in svg.split("</g>", 1)[1], "no mark for the withheld mean"
    assert "Där färre än 3 har svarat utelämnas markeringen" in svg
    assert f"före – (n={few})" in svg
    assert 'id="free-text-note"' in html and "Bara jag vet" not in html
    # All cohorts together: enough answers, so the figures and texts are shown.
    everyone_html = everyone.content.decode()
    assert WITHHELD_NOTE not in everyone_html and "Där färre än" not in everyone_html
    assert "Bara jag vet" in everyone_html and "Nervös inför starten" in everyone_html


def test_the_cohort_filter_and_an_invalid_filter_fall_back_to_all_cohorts(
    client: Any, secretary: Any, answered: Any
) -> None:
    group, _questions = answered
    other = make_group(secretary, participants=1, programme=group.programme, name="Våren")
    client.force_login(secretary)

    only_other = client.get(_evaluation_url(group.programme), {"kohort": other.cohort.pk})
    invalid = client.get(_evaluation_url(group.programme), {"kohort": "999999", "roll": "chef"})

    assert only_other.context["items"][0].before.n == 0
    assert invalid.status_code == 200
    assert invalid.context["items"][0].before.n == 3


def test_a_question_is_added_through_the_page_and_bad_input_is_refused(
    client: Any, secretary: Any, make_programme: Any
) -> None:
    programme = make_programme(secretary)
    client.force_login(secretary)
    url = f"/program/{programme.pk}/utvardering/fragor/"

    added = client.post(
        url, {"text": "Jag trivs", "kind": "likert", "low_label": "Inte alls", "high_label": "Mycket"}
    )
    empty = client.post(url, {"text": "", "kind": "likert"})
    unknown = client.post(url, {"text": "Fråga", "kind": "essay"})

    assert added.status_code == 302
    assert empty.status_code == 400 and empty.context["question_form"].has_error("text")
    assert unknown.status_code == 400 and unknown.context["question_form"].has_error("kind")
    with municipality_scope("0580"):
        assert list(Question.objects.values_list("text", "low_label", "high_label")) == [
            ("Jag trivs", "Inte alls", "Mycket")
        ]


def test_an_answered_question_cannot_be_edited_or_removed_only_retired(
    client: Any, secretary: Any, answered: Any
) -> None:
    _group, (scale, _words) = answered
    client.force_login(secretary)

    edit = client.post(f"/program/fraga/{scale.pk}/andra/", {"text": "Ny lydelse"})
    remove = client.post(f"/program/fraga/{scale.pk}/ta-bort/", follow=True)
    retire = client.post(f"/program/fraga/{scale.pk}/aktiv/")

    assert edit.status_code == 400
    assert edit.context["form"].non_field_errors()
    assert remove.status_code == 200
    [message] = list(remove.context["messages"])
    assert message.level_tag == "error"
    assert retire.status_code == 302
    with municipality_scope("0580"):
        stored = Question.objects.get(pk=scale.pk)
    assert (stored.text, stored.is_active) == ("Jag känner mig trygg", False)


def test_an_unanswered_question_is_edited_and_moved(client: Any, secretary: Any, make_programme: Any) -> None:
    programme = make_programme(secretary)
    first, second = add_questions(secretary, programme, ("Första", "likert"), ("Andra", "text"))
    client.force_login(secretary)

    form = client.get(f"/program/fraga/{second.pk}/andra/")
    assert form.status_code == 200 and "low_label" not in form.context["form"].fields
    edited = client.post(f"/program/fraga/{first.pk}/andra/", {"text": "Första, ändrad", "low_label": "Nej"})
    moved = client.post(f"/program/fraga/{second.pk}/flytta/", {"direction": "up"})

    assert edited.status_code == moved.status_code == 302
    with municipality_scope("0580"):
        assert list(Question.objects.order_by("position").values_list("text", "low_label")) == [
            ("Andra", ""),
            ("Första, ändrad", "Nej"),
        ]


def test_the_cohort_page_sends_shows_states_and_offers_a_link_for_members_without_email(
    client: Any,
    secretary: Any,
    make_user_mentor: Any,
    add_member: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    group = make_group(secretary, participants=1)
    add_questions(secretary, group.programme, ("Fråga", "likert"))
    mentor = add_member(
        secretary, group.cohort, role="mentor", person=make_user_mentor(secretary, first_name="Ulla")
    )
    client.force_login(secretary)

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"/program/kohort/{group.cohort.pk}/enkater/skicka/", {"phase": "before", "include_mentors": "on"}
        )
    assert sent.status_code == 302
    assert mail.outbox == []
    waiting = client.get(_questionnaires_url(group.cohort))
    assert run_worker_once() == 1
    done = client.get(_questionnaires_url(group.cohort))

    assert waiting.status_code == done.status_code == 200
    rows = {row.member.pk: row for row in done.context["rows"]}
    participant_row, mentor_row = rows[group.participants[0].pk], rows[mentor.pk]
    assert [r.before.state for r in waiting.context["rows"]] == ["queued", "no_address"]
    assert (participant_row.before.state, participant_row.after.state) == ("sent", "not_given")
    assert mentor_row.before.state == "no_address"
    assert "/fragor/" in mentor_row.before.link
    html = done.content.decode()
    assert mentor_row.before.link in html
    assert "Ulla" in html
    with municipality_scope("0580"):
        assert AccessLogEntry.objects.filter(action="view", object_type="programmes.cohort").count() == 2


def test_sending_without_questions_is_refused_with_a_message_and_creates_nothing(
    client: Any, secretary: Any
) -> None:
    group = make_group(secretary, participants=1)
    client.force_login(secretary)

    response = client.post(
        f"/program/kohort/{group.cohort.pk}/enkater/skicka/", {"phase": "before"}, follow=True
    )
    bad_phase = client.post(
        f"/program/kohort/{group.cohort.pk}/enkater/skicka/", {"phase": "under"}, follow=True
    )

    assert response.status_code == bad_phase.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert any(m.level_tag == "error" for m in bad_phase.context["messages"])
    with municipality_scope("0580"):
        assert QuestionnaireResponse.objects.count() == 0
    assert OrmQ.objects.count() == 0


def test_another_municipalitys_programme_cohort_and_questions_are_404_and_unchanged(
    client: Any, other_secretary: Any, answered: Any
) -> None:
    group, (scale, _words) = answered
    client.force_login(other_secretary)
    gets = [
        _evaluation_url(group.programme),
        _questionnaires_url(group.cohort),
        f"/program/fraga/{scale.pk}/andra/",
        f"/program/{group.programme.pk}/utvardering/export.csv",
    ]
    posts = [
        f"/program/{group.programme.pk}/utvardering/fragor/",
        f"/program/fraga/{scale.pk}/andra/",
        f"/program/fraga/{scale.pk}/ta-bort/",
        f"/program/fraga/{scale.pk}/aktiv/",
        f"/program/fraga/{scale.pk}/flytta/",
        f"/program/kohort/{group.cohort.pk}/enkater/skicka/",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"text": "x", "kind": "likert", "phase": "after"}).status_code == 404, url
    with municipality_scope("0580"):
        assert Question.objects.filter(programme=group.programme).count() == 2
        assert Question.objects.get(pk=scale.pk).is_active
        assert QuestionnaireResponse.objects.filter(phase="after").count() == 3


@pytest.mark.parametrize("role", ["administrator"])
def test_staff_without_the_programme_permissions_are_refused(
    client: Any, make_user: Any, answered: Any, role: str
) -> None:
    group, (scale, _words) = answered
    client.force_login(make_user("0580", role))
    assert client.get(_evaluation_url(group.programme)).status_code == 403
    assert client.get(_questionnaires_url(group.cohort)).status_code == 403
    assert client.get(f"/program/{group.programme.pk}/utvardering/export.csv").status_code == 403
    assert client.post(f"/program/fraga/{scale.pk}/aktiv/").status_code == 403
    with municipality_scope("0580"):
        assert Question.objects.get(pk=scale.pk).is_active


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_evaluation_page_costs_the_same_for_few_and_many_questions_answers_and_cohorts(
    client: Any, secretary: Any
) -> None:
    group = make_group(secretary, participants=3)  # enough answers for the figures and free text
    scale, words = add_questions(secretary, group.programme, ("Fråga 1", "likert"), ("Fritext", "text"))
    before = hand_out(secretary, group.cohort, "before")
    for member in group.participants:
        answer(before[member.pk], {scale: 3}, {words: "Bra"})
    client.force_login(secretary)
    url = _evaluation_url(group.programme)
    few = _queries(client, url)

    more = add_questions(secretary, group.programme, *[(f"Fråga {n}", "likert") for n in range(2, 8)])
    other = make_group(secretary, participants=4, programme=group.programme, name="Våren")
    for cohort_group in (group, other):
        for phase in ("before", "after"):
            handed = hand_out(secretary, cohort_group.cohort, phase)
            for member in cohort_group.participants:
                if handed[member.pk].answered_at is None:
                    answer(handed[member.pk], dict.fromkeys([scale, *more], 4), {words: f"Svar {member.pk}"})
    many = _queries(client, url)

    assert many == few


def test_the_cohort_questionnaire_page_costs_the_same_for_2_and_8_members(
    client: Any, secretary: Any, add_member: Any, make_user: Any
) -> None:
    group = make_group(secretary, participants=2)
    add_questions(secretary, group.programme, ("Fråga", "likert"))
    hand_out(secretary, group.cohort, "before")
    client.force_login(secretary)
    url = _questionnaires_url(group.cohort)
    few = _queries(client, url)
    for n in range(6):
        add_member(secretary, group.cohort, user=make_user("0580", first_name=f"Fler{n}"))
    hand_out(secretary, group.cohort, "before")
    hand_out(secretary, group.cohort, "after")
    many = _queries(client, url)
    assert many == few
