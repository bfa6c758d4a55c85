"""Suggestions and batch proposals through the engine, explained in Swedish."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from mentorship import services
from mentorship.suggestions import mentor_suggestions, mentorship_batch_proposal
from tenancy.scope import municipality_scope


def test_suggestions_rank_the_nearer_experienced_mentor_first_and_explain_why(
    secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    near = make_mentor(secretary, "Familjen Nära", postal="58183", age_groups=["13-17"], years=10)
    far = make_mentor(secretary, "Familjen Längre", postal="59040", age_groups=["0-2"], years=1)
    offer = make_waiting(secretary, "Familjen Ny", postal="58222")
    with municipality_scope("0580"):
        offer = services.mentor_offer_update_needs(
            by=secretary,
            offer=offer,
            version=offer.version,
            age_groups=["13-17"],
            needs=[],
            family_form="",
            preferred_mentor=None,
        )
        with translation.override("sv"):
            suggestions = mentor_suggestions(user=secretary, offer=offer)
    assert [s.mentor.pk for s in suggestions] == [near.pk, far.pk]
    assert suggestions[0].cost < suggestions[1].cost
    text = suggestions[0].text
    assert "km bort" in text
    assert "13–17" in text
    assert "plats" in text


def test_a_full_mentor_is_not_suggested(secretary: Any, make_mentor: Any, make_waiting: Any) -> None:
    full = make_mentor(secretary, "Familjen Full", capacity=1)
    first = make_waiting(secretary, "Familjen Först")
    second = make_waiting(secretary, "Familjen Sen")
    with municipality_scope("0580"):
        services.pairing_confirm(by=secretary, offer=first, mentor=full)
        assert mentor_suggestions(user=secretary, offer=second) == []


def test_the_batch_proposal_pairs_everyone_it_can_within_capacity(
    secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    make_mentor(secretary, "Familjen A", capacity=2, postal="58183")
    make_mentor(secretary, "Familjen B", capacity=1, postal="58434")
    for n in range(4):
        make_waiting(secretary, f"Familjen Ny{n}", postal="58222")
    with municipality_scope("0580"):
        optimal = mentorship_batch_proposal(user=secretary)
        stable = mentorship_batch_proposal(user=secretary, method="stable")
    assert len(optimal.pairs) == 3
    assert len(optimal.unmatched) == 1
    counts: dict[int, int] = {}
    for pair in optimal.pairs:
        counts[pair.mentor.pk] = counts.get(pair.mentor.pk, 0) + 1
    assert sorted(counts.values()) == [1, 2]
    assert stable.blocking_pairs == 0
    assert len(optimal.pairs) >= len(stable.pairs)
