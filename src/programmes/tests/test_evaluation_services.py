"""Evaluation services: the questionnaire's questions and handing it out to a cohort."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django_q.models import OrmQ

from audit.models import ChangeLogEntry
from mentorship.links import SURVEY_SALT
from programmes.evaluation import links, services
from programmes.models import Question, QuestionnaireResponse
from programmes.tests.evaluation_data import add_questions, answer, hand_out, make_group
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


def test_questions_are_added_in_order_with_labels_only_on_scale_questions(
    secretary: Any, make_programme: Any
) -> None:
    programme = make_programme(secretary)
    with municipality_scope("0580"):
        first = services.question_add(
            by=secretary, programme=programme, text="  Jag känner mig trygg i rollen ", low_label="Inte alls"
        )
        second = services.question_add(
            by=secretary,
            programme=programme,
            text="Vad vill du lära dig?",
            kind="text",
            low_label="ignoreras",
        )
        assert ChangeLogEntry.objects.filter(object_type="programmes.question", action="create").count() == 2
    assert (first.position, first.text, first.low_label) == (1, "Jag känner mig trygg i rollen", "Inte alls")
    assert (second.position, second.kind, second.low_label) == (2, "text", "")


@pytest.mark.parametrize(("text", "kind"), [("", "likert"), ("   ", "likert"), ("Fråga", "essay")])
def test_a_question_without_text_or_with_an_unknown_kind_is_refused(
    secretary: Any, make_programme: Any, text: str, kind: str
) -> None:
    programme = make_programme(secretary)
    with municipality_scope("0580"):
        with pytest.raises(ValidationError):
            services.question_add(by=secretary, programme=programme, text=text, kind=kind)
        assert Question.objects.count() == 0


def test_a_question_is_edited_while_unanswered_and_only_retired_once_answered(secretary: Any) -> None:
    group = make_group(secretary, participants=1)
    [question] = add_questions(secretary, group.programme, ("Jag vet vart jag vänder mig", "likert"))
    with municipality_scope("0580"):
        question = services.question_update(by=secretary, question=question, text="Jag vet vem jag frågar")
    assert question.text == "Jag vet vem jag frågar"

    [response] = hand_out(secretary, group.cohort, "before").values()
    answer(response, {question: 4})

    with municipality_scope("0580"):
        with pytest.raises(ValidationError, match=r"Avveckla|Retire"):
            services.question_update(by=secretary, question=question, text="Något helt annat")
        with pytest.raises(ValidationError):
            services.question_remove(by=secretary, question=question)
        stored = Question.objects.get(pk=question.pk)
        assert (stored.text, stored.is_active) == ("Jag vet vem jag frågar", True)

        services.question_set_active(by=secretary, question=question, is_active=False)
        assert Question.objects.get(pk=question.pk).is_active is False
        assert stored.answers.count() == 1, "retiring keeps the answers"


def test_an_unanswered_question_can_be_removed(secretary: Any, make_programme: Any) -> None:
    programme = make_programme(secretary)
    [question] = add_questions(secretary, programme, ("Tas bort", "likert"))
    with municipality_scope("0580"):
        services.question_remove(by=secretary, question=question)
        assert not Question.objects.filter(pk=question.pk).exists()
        assert ChangeLogEntry.objects.filter(object_type="programmes.question", action="delete").count() == 1


def test_questions_move_up_and_down_and_positions_stay_one_to_n(secretary: Any, make_programme: Any) -> None:
    programme = make_programme(secretary)
    a, _b, c = add_questions(secretary, programme, ("A", "likert"), ("B", "likert"), ("C", "text"))
    with municipality_scope("0580"):
        services.question_move(by=secretary, question=c, up=True)
        services.question_move(by=secretary, question=a, up=False)
        services.question_move(by=secretary, question=c, up=True)  # already first: nothing changes
        order = list(Question.objects.filter(programme=programme).values_list("text", "position"))
    assert order == [("C", 1), ("A", 2), ("B", 3)]


def test_sending_needs_at_least_one_asked_question(secretary: Any) -> None:
    group = make_group(secretary)
    [question] = add_questions(secretary, group.programme, ("Bara en", "likert"))
    with municipality_scope("0580"):
        services.question_set_active(by=secretary, question=question, is_active=False)
        with pytest.raises(ValidationError, match=r"minst en fråga|at least one question"):
            services.questionnaires_send(by=secretary, cohort=group.cohort, phase="before")
        assert QuestionnaireResponse.objects.count() == 0


def test_an_unknown_phase_is_refused(secretary: Any) -> None:
    group = make_group(secretary)
    add_questions(secretary, group.programme, ("Fråga", "likert"))
    with municipality_scope("0580"), pytest.raises(ValidationError):
        services.questionnaires_send(by=secretary, cohort=group.cohort, phase="during")


def test_sending_gives_current_participants_one_questionnaire_and_queues_one_job_each(
    secretary: Any,
    make_user_mentor: Any,
    add_member: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    group = make_group(secretary, participants=3)
    add_questions(secretary, group.programme, ("Fråga", "likert"))
    add_member(secretary, group.cohort, role="mentor", person=make_user_mentor(secretary))
    with municipality_scope("0580"):
        from programmes import services as programme_services

        programme_services.cohort_member_remove(by=secretary, member=group.participants[2])
        with django_capture_on_commit_callbacks(execute=True):
            outcome = services.questionnaires_send(by=secretary, cohort=group.cohort, phase="before")
        responses = list(QuestionnaireResponse.objects.filter(cohort=group.cohort))
    assert outcome == services.SendOutcome(created=2, queued=2, without_address=0)
    assert sorted(r.member_id for r in responses) == sorted(m.pk for m in group.participants[:2])
    assert all(r.send_queued_at is not None and r.sent_at is None for r in responses)
    jobs = list(OrmQ.objects.all())
    assert sorted(job.kwargs()["response_id"] for job in jobs) == sorted(r.pk for r in responses)
    assert {job.func() for job in jobs} == {"programmes.jobs.questionnaire_send"}
    assert {job.kwargs()["municipality_id"] for job in jobs} == {"0580"}


def test_sending_twice_never_makes_a_second_questionnaire_nor_queues_again(
    secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    group = make_group(secretary, participants=2)
    add_questions(secretary, group.programme, ("Fråga", "likert"))
    with municipality_scope("0580"), django_capture_on_commit_callbacks(execute=True):
        services.questionnaires_send(by=secretary, cohort=group.cohort, phase="before")
        again = services.questionnaires_send(by=secretary, cohort=group.cohort, phase="before")
        after = services.questionnaires_send(by=secretary, cohort=group.cohort, phase="after")
    assert again == services.SendOutcome(created=0, queued=0, without_address=0)
    assert after == services.SendOutcome(created=2, queued=2, without_address=0)
    with municipality_scope("0580"):
        assert QuestionnaireResponse.objects.filter(phase="before").count() == 2
    assert OrmQ.objects.count() == 4


def test_mentors_get_the_questionnaire_only_when_asked_and_without_address_nothing_is_queued(
    secretary: Any,
    make_user_mentor: Any,
    add_member: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    group = make_group(secretary, participants=1)
    add_questions(secretary, group.programme, ("Fråga", "likert"))
    mentor = add_member(secretary, group.cohort, role="mentor", person=make_user_mentor(secretary))
    with municipality_scope("0580"), django_capture_on_commit_callbacks(execute=True):
        outcome = services.questionnaires_send(
            by=secretary, cohort=group.cohort, phase="before", include_mentors=True
        )
        mentor_response = QuestionnaireResponse.objects.get(member=mentor)
    assert outcome == services.SendOutcome(created=2, queued=1, without_address=1)
    assert mentor_response.send_queued_at is None
    assert OrmQ.objects.count() == 1


def test_a_questionnaire_link_is_signed_and_names_only_the_response_and_municipality(secretary: Any) -> None:
    group = make_group(secretary, participants=1)
    add_questions(secretary, group.programme, ("Fråga", "likert"))
    [response] = hand_out(secretary, group.cohort, "before").values()
    token = links.questionnaire_token(response)
    assert links.questionnaire_from_token(token) == (response.pk, "0580")
    assert "Deltagare" not in token
    with pytest.raises(services.QuestionnaireLinkInvalid):
        links.questionnaire_from_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    # The mentorship survey's salt does not open a questionnaire.
    survey_token = signing.dumps({"r": response.pk, "m": "0580"}, salt=SURVEY_SALT)
    with pytest.raises(services.QuestionnaireLinkInvalid):
        links.questionnaire_from_token(survey_token)


def test_answers_are_saved_together_once_and_bad_values_save_nothing(secretary: Any) -> None:
    group = make_group(secretary, participants=1)
    scale, other, words = add_questions(
        secretary, group.programme, ("Trygg", "likert"), ("Stöd", "likert"), ("Tankar", "text")
    )
    [response] = hand_out(secretary, group.cohort, "before").values()
    for bad in (
        {scale.pk: 0, other.pk: 3},
        {scale.pk: 6, other.pk: 3},
        {scale.pk: 3},
        {scale.pk: None, other.pk: 2},
    ):
        with municipality_scope("0580"), pytest.raises(ValidationError):
            services.questionnaire_answer(response=response, values=bad, texts={})
    with municipality_scope("0580"):
        assert QuestionnaireResponse.objects.get(pk=response.pk).answered_at is None
        assert not response.answers.exists()
        services.questionnaire_answer(
            response=response, values={scale.pk: 2, other.pk: 5}, texts={words.pk: "  Mer handledning  "}
        )
        with pytest.raises(services.QuestionnaireLinkInvalid):
            services.questionnaire_answer(response=response, values={scale.pk: 1, other.pk: 1}, texts={})
        saved = {a.question_id: (a.value, a.text) for a in response.answers.all()}
    assert saved == {scale.pk: (2, ""), other.pk: (5, ""), words.pk: (None, "Mer handledning")}
