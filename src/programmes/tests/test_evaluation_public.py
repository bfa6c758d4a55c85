"""The questionnaire a member answers through the signed link, without logging in."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from programmes.evaluation import links, services
from programmes.models import Answer, QuestionnaireResponse
from programmes.tests.evaluation_data import add_questions, hand_out, make_group
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


@pytest.fixture
def questionnaire(secretary: Any) -> Any:
    group = make_group(secretary, participants=1)
    questions = add_questions(
        secretary,
        group.programme,
        ("Jag känner mig trygg i rollen", "likert"),
        ("Jag vet vart jag vänder mig", "likert"),
        ("Vad har du lärt dig?", "text"),
    )
    [response] = hand_out(secretary, group.cohort, "before").values()
    return group, questions, response, f"/fragor/{links.questionnaire_token(response)}/"


def _stored(response: QuestionnaireResponse) -> tuple[Any, list[Any]]:
    with municipality_scope("0580"):
        answered_at = QuestionnaireResponse.objects.get(pk=response.pk).answered_at
        return answered_at, list(
            Answer.objects.filter(response=response).values_list("question_id", "value", "text")
        )


def test_the_form_shows_every_asked_question_and_only_the_programme_name(questionnaire: Any) -> None:
    group, (trygg, vet, lart), _response, url = questionnaire
    with municipality_scope("0580"):
        services.question_set_active(by=group.programme.created_by, question=vet, is_active=False)

    page = Client().get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert group.programme.name in html
    assert trygg.text in html and lart.text in html
    assert vet.text not in html, "a retired question is not asked"
    assert html.count('type="radio"') == 5
    assert "1 – Inte alls" in html and "5 – Helt och hållet" in html
    assert "<fieldset" in html and "<legend>" in html and "<textarea" in html
    for personal in ("Deltagare", group.participants[0].user.email, group.cohort.name):
        assert personal not in html


def test_all_answers_are_saved_at_once_and_a_second_submission_is_refused(questionnaire: Any) -> None:
    _group, (trygg, vet, lart), response, url = questionnaire
    client = Client()

    saved = client.post(url, {f"q_{trygg.pk}": "2", f"q_{vet.pk}": "5", f"q_{lart.pk}": "Att fråga om hjälp"})

    assert saved.status_code == 200
    assert "Tack" in saved.content.decode() or "Thank you" in saved.content.decode()
    answered_at, answers = _stored(response)
    assert answered_at is not None
    assert sorted(answers) == sorted(
        [(trygg.pk, 2, ""), (vet.pk, 5, ""), (lart.pk, None, "Att fråga om hjälp")]
    )

    again = client.post(url, {f"q_{trygg.pk}": "1", f"q_{vet.pk}": "1"})
    assert again.status_code == 400
    assert client.get(url).status_code == 400
    assert _stored(response) == (answered_at, answers)


@pytest.mark.parametrize(
    "values",
    [{"trygg": "0", "vet": "3"}, {"trygg": "6", "vet": "3"}, {"vet": "3"}, {"trygg": "tre", "vet": "3"}, {}],
    ids=["zero", "six", "missing", "not-a-number", "nothing"],
)
def test_invalid_values_are_shown_as_errors_and_nothing_is_saved(
    questionnaire: Any, values: dict[str, str]
) -> None:
    _group, (trygg, vet, lart), response, url = questionnaire
    names = {"trygg": f"q_{trygg.pk}", "vet": f"q_{vet.pk}"}

    page = Client().post(url, {**{names[k]: v for k, v in values.items()}, f"q_{lart.pk}": "Något"})

    assert page.status_code == 400
    assert page.context["form"].has_error(names["trygg"])
    assert _stored(response) == (None, [])


def test_a_tampered_link_is_refused(questionnaire: Any) -> None:
    _group, _questions, response, url = questionnaire
    token = url.split("/")[2]
    tampered = "/fragor/" + token[:-3] + ("xyz" if not token.endswith("xyz") else "abc") + "/"

    assert Client().get(tampered).status_code == 400
    assert Client().post(tampered, {}).status_code == 400
    assert _stored(response) == (None, [])


def test_an_expired_link_is_refused(questionnaire: Any, time_machine: Any) -> None:
    _group, (trygg, vet, _lart), response, url = questionnaire
    time_machine.move_to(timezone.now() + links.QUESTIONNAIRE_LINK_MAX_AGE + datetime.timedelta(days=1))

    page = Client().post(url, {f"q_{trygg.pk}": "3", f"q_{vet.pk}": "3"})

    assert page.status_code == 400
    assert "expired" in page.content.decode() or "gått ut" in page.content.decode()
    assert _stored(response) == (None, [])


def test_a_link_to_a_questionnaire_that_no_longer_exists_is_404(questionnaire: Any) -> None:
    _group, _questions, response, _url = questionnaire
    token = links.questionnaire_token(QuestionnaireResponse(pk=999_999, municipality_id="0580"))
    assert Client().get(f"/fragor/{token}/").status_code == 404
    # A link naming another municipality finds nothing there either.
    other = links.questionnaire_token(QuestionnaireResponse(pk=response.pk, municipality_id="0581"))
    assert Client().get(f"/fragor/{other}/").status_code == 404
