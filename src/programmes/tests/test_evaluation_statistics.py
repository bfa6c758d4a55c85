"""The before/after comparison: n, mean and standard deviation per item, the
difference, and the change among members who answered both, with known numbers;
figures and free text from fewer than three answers are withheld."""

from __future__ import annotations

import math
from typing import Any

import pytest

from programmes.evaluation import services
from programmes.evaluation.selectors import (
    MIN_ANSWERS_SHOWN,
    PhaseStats,
    evaluation_comparison,
    free_text_answers,
    response_counts,
)
from programmes.tests.evaluation_data import add_questions, answer, hand_out, make_group
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


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
    assert first.before.is_shown and first.after.is_shown and first.paired_is_shown
    assert not first.has_withheld
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
    # One mentor: the n is shown, the figures (their own answers) are not.
    assert mentors.before == PhaseStats(n=1, mean=None, sd=None, is_shown=False)
    assert (mentors.paired_n, mentors.paired_is_shown, mentors.paired_mean_change) == (1, False, None)


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
    assert second_cohort.before == PhaseStats(n=2, mean=None, sd=None, is_shown=False)
    assert (second_cohort.after.n, second_cohort.after.mean, second_cohort.difference) == (0, None, None)
    assert (both.before.n, both.before.mean) == (6, 20 / 6)
    assert both.paired_n == 3


def test_free_text_is_listed_per_phase_without_names_and_counts_add_up(answered: Any) -> None:
    group, (_item1, _item2, words, _retired) = answered
    with municipality_scope("0580"):
        free_texts = free_text_answers(programme=group.programme, role="participant")
        counts = response_counts(programme=group.programme, role="participant")
    assert free_texts.before_is_shown and free_texts.after_is_shown
    [texts] = free_texts.items
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
    assert not item.has_withheld  # nothing to withhold when nobody answered


def _one_item(secretary: Any, *, participants: int) -> Any:
    group = make_group(secretary, participants=participants)
    [item] = add_questions(secretary, group.programme, ("Jag känner mig trygg", "likert"))
    return group, item


def _answer_phase(secretary: Any, group: Any, item: Any, phase: str, values: dict[Any, int]) -> None:
    handed = hand_out(secretary, group.cohort, phase)
    for member, value in values.items():
        answer(handed[member.pk], {item: value})


@pytest.mark.parametrize("few", [1, 2])
@pytest.mark.parametrize("few_phase", ["before", "after"])
def test_a_phase_with_one_or_two_answers_shows_its_n_but_no_figures(
    secretary: Any, few: int, few_phase: str
) -> None:
    """The phase with `few` answers is withheld, and with it the difference and the paired
    change (at most `few` answered both); the other phase, with four answers, is shown."""
    group, item = _one_item(secretary, participants=4)
    many_values = dict(zip(group.participants, (1, 2, 4, 5), strict=True))
    few_values = dict(zip(group.participants[:few], (3, 5), strict=False))
    for phase in ("before", "after"):
        _answer_phase(secretary, group, item, phase, few_values if phase == few_phase else many_values)
    with municipality_scope("0580"):
        [compared] = evaluation_comparison(programme=group.programme, cohort=group.cohort)

    withheld = compared.before if few_phase == "before" else compared.after
    shown = compared.after if few_phase == "before" else compared.before
    assert MIN_ANSWERS_SHOWN == 3
    assert withheld == PhaseStats(n=few, mean=None, sd=None, is_shown=False)
    assert withheld.is_withheld
    assert (shown.n, shown.mean, shown.is_shown) == (4, 3.0, True)
    assert shown.sd == pytest.approx(math.sqrt(10 / 3))
    assert compared.difference is None
    assert (compared.paired_n, compared.paired_is_shown) == (few, False)
    assert (compared.paired_mean_change, compared.paired_sd_change) == (None, None)
    assert compared.has_withheld


@pytest.mark.parametrize("both", [1, 2])
def test_the_paired_change_of_one_or_two_members_is_withheld_while_the_phases_are_shown(
    secretary: Any, both: int
) -> None:
    """Three answer before and three after, but only `both` of them answered both times."""
    group, item = _one_item(secretary, participants=6 - both)
    members = group.participants
    _answer_phase(secretary, group, item, "before", dict(zip(members[:3], (1, 2, 3), strict=True)))
    answered_after = members[3 - both : 6 - both]
    _answer_phase(secretary, group, item, "after", dict(zip(answered_after, (4, 4, 5), strict=True)))
    with municipality_scope("0580"):
        [compared] = evaluation_comparison(programme=group.programme)

    assert (compared.before.n, compared.before.mean, compared.before.sd) == (3, 2.0, 1.0)
    assert (compared.after.n, compared.after.mean) == (3, pytest.approx(13 / 3))
    assert compared.after.sd == pytest.approx(math.sqrt(1 / 3))
    assert compared.difference == pytest.approx(13 / 3 - 2)
    assert (compared.paired_n, compared.paired_is_shown) == (both, False)
    assert (compared.paired_mean_change, compared.paired_sd_change) == (None, None)
    assert compared.has_withheld and not compared.before.is_withheld and not compared.after.is_withheld


def test_three_answers_in_each_phase_and_pair_are_shown_exactly(secretary: Any) -> None:
    group, item = _one_item(secretary, participants=3)
    members = group.participants
    _answer_phase(secretary, group, item, "before", dict(zip(members, (1, 2, 4), strict=True)))
    _answer_phase(secretary, group, item, "after", dict(zip(members, (2, 4, 4), strict=True)))
    with municipality_scope("0580"):
        [compared] = evaluation_comparison(programme=group.programme, cohort=group.cohort)

    assert (compared.before.n, compared.before.mean, compared.before.is_shown) == (3, 7 / 3, True)
    assert compared.before.sd == pytest.approx(math.sqrt(7 / 3))
    assert (compared.after.n, compared.after.mean) == (3, 10 / 3)
    assert compared.after.sd == pytest.approx(math.sqrt(4 / 3))
    assert compared.difference == pytest.approx(1.0)
    # Changes +1, +2, 0.
    assert (compared.paired_n, compared.paired_is_shown) == (3, True)
    assert compared.paired_mean_change == pytest.approx(1.0)
    assert compared.paired_sd_change == pytest.approx(1.0)
    assert not compared.has_withheld


def test_free_text_is_listed_only_for_a_phase_with_three_answered_questionnaires(secretary: Any) -> None:
    """Before: three answered (one wrote something), listed. After: two answered, not listed,
    and their texts are not even read."""
    group = make_group(secretary, participants=3)
    scale, words = add_questions(secretary, group.programme, ("Skala", "likert"), ("Något mer?", "text"))
    first, second, third = group.participants
    before = hand_out(secretary, group.cohort, "before")
    answer(before[first.pk], {scale: 2}, {words: "Lite nervös"})
    answer(before[second.pk], {scale: 3})
    answer(before[third.pk], {scale: 3})
    after = hand_out(secretary, group.cohort, "after")
    answer(after[first.pk], {scale: 4}, {words: "Mycket tryggare"})
    answer(after[second.pk], {scale: 4}, {words: "Bra grupp"})
    with municipality_scope("0580"):
        counts = response_counts(programme=group.programme, cohort=group.cohort)
        texts = free_text_answers(programme=group.programme, cohort=group.cohort, counts=counts)

    assert (texts.before_is_shown, texts.after_is_shown, texts.is_withheld) == (True, False, True)
    [item] = texts.items
    assert (item.question, item.before, item.after) == (words, ["Lite nervös"], [])


def test_free_text_of_a_single_answered_questionnaire_is_not_listed(answered: Any) -> None:
    """Filtered to mentors, the fixture has one answered questionnaire per phase."""
    group, _questions = answered
    with municipality_scope("0580"):
        texts = free_text_answers(programme=group.programme, role="mentor")
        everyone = free_text_answers(programme=group.programme)
    assert (texts.before_is_shown, texts.after_is_shown, texts.items) == (False, False, [])
    assert everyone.before_is_shown and everyone.after_is_shown and not everyone.is_withheld
