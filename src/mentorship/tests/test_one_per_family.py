"""A batch of pairings is saved whole or not at all, and a family has one open offer and
at most one mentor at a time, held by the database (issue 12)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from mentorship import services
from mentorship.models import MentorOffer, Pairing
from register.models import Assignment
from tenancy.scope import municipality_scope

pytestmark = pytest.mark.django_db


def test_a_batch_with_one_refused_pairing_saves_none_and_names_the_family(
    client: Any, secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    small = make_mentor(secretary, "Familjen Liten", capacity=1)
    first = make_waiting(secretary, "Familjen Ett")
    second = make_waiting(secretary, "Familjen Två")
    third = make_waiting(secretary, "Familjen Tre")
    client.force_login(secretary)

    # Three families to a mentor family with one place: the first would fit, the rest not.
    response = client.post(
        "/mentorskap/forslag/", {"pair": [f"{o.pk}:{small.pk}" for o in (first, second, third)]}
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "Inget sparades" in content
    assert "Familjen Två" in content and "Familjen Tre" in content
    with municipality_scope("0580"):
        assert Pairing.objects.count() == 0, "a refused batch must not leave some pairings saved"


def test_a_batch_naming_another_municipalitys_family_saves_nothing(
    client: Any, secretary: Any, other_secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor", capacity=3)
    own = make_waiting(secretary, "Familjen Ett")
    foreign = make_waiting(other_secretary, "Familjen Annan", postal="60222")
    client.force_login(secretary)

    response = client.post(
        "/mentorskap/forslag/", {"pair": [f"{own.pk}:{mentor.pk}", f"{foreign.pk}:{mentor.pk}"]}
    )

    assert response.status_code == 404
    with municipality_scope("0580"):
        assert Pairing.objects.count() == 0


def _ended_pairing(secretary: Any, make_mentor: Any, make_waiting: Any) -> tuple[MentorOffer, Pairing]:
    mentor = make_mentor(secretary, "Familjen Mentor", capacity=3)
    offer = make_waiting(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        pairing = services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)
        pairing = services.pairing_end(
            by=secretary, pairing=pairing, version=pairing.version, reason="mentor_stopped"
        )
    return offer, pairing


def test_after_a_pairing_ends_the_family_is_not_offered_a_second_time(
    secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    offer, _pairing = _ended_pairing(secretary, make_mentor, make_waiting)

    with municipality_scope("0580"), pytest.raises(ValidationError) as refused:
        services.mentor_offer_create(by=secretary, assignment=Assignment.objects.get(pk=offer.assignment_id))

    assert "redan" in " ".join(refused.value.messages)
    with municipality_scope("0580"):
        assert MentorOffer.objects.filter(household_id=offer.household_id).count() == 1


def test_the_batch_proposal_pairs_a_family_once_after_its_pairing_ended(
    client: Any, secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    offer, _pairing = _ended_pairing(secretary, make_mentor, make_waiting)
    make_mentor(secretary, "Familjen Annan mentor", capacity=3)
    client.force_login(secretary)

    proposal = client.get("/mentorskap/forslag/").context["proposal"]

    assert [p.offer.household_id for p in proposal.pairs] == [offer.household_id]


def test_the_database_refuses_a_second_open_offer_and_a_second_mentor_for_a_family(
    secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor", capacity=3)
    other = make_mentor(secretary, "Familjen Mentor två", capacity=3)
    offer = make_waiting(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        pairing = services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)
        with pytest.raises(IntegrityError), transaction.atomic():
            MentorOffer.objects.create(
                municipality_id="0580",
                assignment_id=offer.assignment_id,
                household_id=offer.household_id,
                offered_at=timezone.now(),
                offered_by=secretary,
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Pairing.objects.create(
                municipality_id="0580",
                offer=offer,
                mentor=other,
                mentee_household_id=offer.household_id,
                proposed_at=timezone.now(),
                proposed_by=secretary,
            )
        assert list(Pairing.objects.values_list("pk", flat=True)) == [pairing.pk]


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_offering_a_mentor_to_one_family_at_once_make_one_offer(
    reference_geography: None, make_user: Any, make_home: Any
) -> None:
    secretaries = [make_user("0580", "secretary") for _ in range(2)]
    household, assignment = make_home(secretaries[0], "Familjen Samtidig")
    with municipality_scope("0580"):
        # The automatic offer on approval was declined; both now offer again at once.
        offer = MentorOffer.objects.get(household=household)
        services.mentor_offer_answer(by=secretaries[0], offer=offer, answer="declined", version=offer.version)
    barrier = threading.Barrier(2)

    def offer_again(n: int) -> str:
        try:
            with municipality_scope("0580"):
                barrier.wait(timeout=30)
                services.mentor_offer_create(by=secretaries[n], assignment=assignment)
            return "offered"
        except ValidationError as error:
            return " ".join(error.messages)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(offer_again, range(2)))

    assert outcomes[1] == "offered", outcomes
    assert "redan" in outcomes[0], outcomes
    with municipality_scope("0580"):
        assert MentorOffer.objects.filter(household=household, answer="pending").count() == 1
