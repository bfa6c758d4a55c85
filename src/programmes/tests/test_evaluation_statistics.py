"""The before/after comparison: n, mean and standard deviation per item, the
difference, and the change among members who answered both, with known numbers."""

from __future__ import annotations

import math
from typing import Any

import pytest

from programmes import evaluation_services as services
from programmes.evaluation_selectors import evaluation_comparison, free_text_answers, response_counts
from programmes.tests.evaluation_data import add_questions, answer, hand_out, make_group
from tenancy.scope import municipality_scope


@pytest.fixture
def answered(secretary: Any, make_user_mentor: Any, add_member: Any) -> Any:
    """Five participants A–E. Item 1 before: A1 B2 C3 D4; after: A3 B4 C4 E5 (D left
    without answering, E joined late). Item 2 is 3 for everyone. A mentor answers 1 and 1."""
    group = make_group(secretary, participants=5)
    item1, item2, words, retired = add_questions(
        secretary,
        group.programme,
        ("Jag känner mig trygg", "likert"),
        ("Jag vet vart jag vänder mig", "likert"),
        ("Något mer?", "text"),
        ("Gammal fråga", "likert"),
    )
    mentor = add_member(secretary, group.cohort, role="mentor", person=make_user_mentor(secretary))
    a, b, c, d, e = group.participants
    before = hand_out(secretary, group.cohort, "before", include_mentors=True)
    for member, value in ((a, 1), (b, 2), (c, 3), (d, 4)):
        answer(before[member.pk], {item1: value, item2: 3, retired: 5}, {words: f"Före {value}"})
    answer(before[mentor.pk], {item1: 1, item2: 1, retired: 1})
    with municipality_scope("0580"):
        services.question_set_active(by=secretary, question=retired, is_active=False)
    after = hand_out(secretary, group.cohort, "after", include_mentors=True)
    for member, value in ((a, 3), (b, 4), (c, 4), (e, 5)):
        answer(after[member.pk], {item1: value, item2: 3}, {words: "" if member is e else f"Efter {value}"})
    answer(after[mentor.pk], {item1: 1, item2: 1})
    return group, (item1, item2, words, retired)


def test_means_standard_deviations_and_counts_are_exact(answered: Any) -> None:
    group, (item1, item2, _words, _retired) = answered
    with municipality_scope("0580"):
        first, second = evaluation_comparison(programme=group.programme, role="participant")

    assert first.question == item1 and first.number == 1
    assert (first.before.n, first.before.mean) == (4, 2.5)
    assert first.before.sd == pytest.approx(math.sqrt(5 / 3), abs=1e-12)  # 1.2910
    assert (first.after.n, first.after.mean) == (4, 4.0)
    assert first.after.sd == pytest.approx(math.sqrt(2 / 3), abs=1e-12)  # 0.8165
    assert first.difference == pytest.approx(1.5)
    # Paired: only A, B and C answered both; their changes are +2, +2, +1.
    assert first.paired_n == 3
    assert first.paired_mean_change == pytest.approx(5 / 3)
    assert first.paired_sd_change == pytest.approx(math.sqrt(1 / 3))

    assert second.question == item2
    assert (second.before.n, second.before.mean, second.before.sd) == (4, 3.0, 0.0)
    assert (second.paired_n, second.paired_mean_change) == (3, 0.0)


def test_retired_and_free_text_questions_are_not_compared(answered: Any) -> None:
    group, (item1, item2, _words, _retired) = answered
    with municipality_scope("0580"):
        items = evaluation_comparison(programme=group.programme)
    assert [item.question for item in items] == [item1, item2]


def test_mentors_are_counted_only_when_asked_for(answered: Any) -> None:
    group, _questions = answered
    with municipality_scope("0580"):
        everyone = evaluation_comparison(programme=group.programme, role="")[0]
        mentors = evaluation_comparison(programme=group.programme, role="mentor")[0]
    assert (everyone.before.n, everyone.before.mean) == (5, 11 / 5)
    assert (mentors.before.n, mentors.before.mean, mentors.before.sd) == (1, 1.0, None)
    assert (mentors.paired_n, mentors.paired_mean_change) == (1, 0.0)


def test_a_cohort_filter_counts_only_that_cohort_and_all_cohorts_add_up(
    answered: Any, secretary: Any
) -> None:
    group, (item1, item2, _words, _retired) = answered
    other = make_group(secretary, participants=2, programme=group.programme, name="Våren")
    before = hand_out(secretary, other.cohort, "before")
    for member in other.participants:
        answer(before[member.pk], {item1: 5, item2: 5})
    with municipality_scope("0580"):
        first_cohort = evaluation_comparison(
            programme=group.programme, cohort=group.cohort, role="participant"
        )[0]
        second_cohort = evaluation_comparison(
            programme=group.programme, cohort=other.cohort, role="participant"
        )[0]
        both = evaluation_comparison(programme=group.programme, role="participant")[0]
    assert (first_cohort.before.n, first_cohort.before.mean) == (4, 2.5)
    assert (second_cohort.before.n, second_cohort.before.mean, second_cohort.before.sd) == (2, 5.0, 0.0)
    assert (second_cohort.after.n, second_cohort.after.mean, second_cohort.difference) == (0, None, None)
    assert (both.before.n, both.before.mean) == (6, 20 / 6)
    assert both.paired_n == 3


def test_free_text_is_listed_per_phase_without_names_and_counts_add_up(answered: Any) -> None:
    group, (_item1, _item2, words, _retired) = answered
    with municipality_scope("0580"):
        [texts] = free_text_answers(programme=group.programme, role="participant")
        counts = response_counts(programme=group.programme, role="participant")
    assert texts.question == words
    assert texts.before == ["Före 1", "Före 2", "Före 3", "Före 4"]
    assert texts.after == ["Efter 3", "Efter 4", "Efter 4"]
    assert [(c.phase, c.given, c.answered) for c in counts] == [("before", 5, 4), ("after", 5, 4)]


def test_a_programme_without_answers_compares_to_nothing(secretary: Any) -> None:
    group = make_group(secretary, participants=1)
    add_questions(secretary, group.programme, ("Fråga", "likert"))
    with municipality_scope("0580"):
        [item] = evaluation_comparison(programme=group.programme)
    assert (item.before.n, item.before.mean, item.after.n, item.difference, item.paired_n) == (
        0,
        None,
        0,
        None,
        0,
    )
