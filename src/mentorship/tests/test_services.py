"""Mentorship services: offers on approval, confirmation rules, the pairing's life."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorship import links, services
from mentorship.models import FollowUpSurvey, MentorOffer, Pairing, survey_signals_problem
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


def test_an_approved_foster_home_is_offered_a_mentor_automatically(secretary: Any, make_home: Any) -> None:
    _household, assignment = make_home(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        offers = list(MentorOffer.objects.filter(assignment=assignment))
    assert [(o.source, o.answer) for o in offers] == [("approval", "pending")]


def test_homes_in_training_and_contact_families_get_no_offer(secretary: Any, make_home: Any) -> None:
    make_home(secretary, "Familjen Tidig", status="training")
    make_home(secretary, "Familjen Kontakt", type="contact_family")
    with municipality_scope("0580"):
        assert MentorOffer.objects.count() == 0


def test_an_offer_to_a_family_that_is_not_approved_is_rejected(secretary: Any, make_home: Any) -> None:
    _household, assignment = make_home(secretary, "Familjen Tidig", status="training")
    with municipality_scope("0580"), pytest.raises(ValidationError, match="godkänd"):
        services.mentor_offer_create(by=secretary, assignment=assignment)


def test_an_existing_family_can_ask_for_a_mentor(secretary: Any, make_home: Any) -> None:
    _household, assignment = make_home(secretary, "Familjen Erfaren", status="active")
    with municipality_scope("0580"):
        MentorOffer.objects.filter(assignment=assignment).delete()
        offer = services.mentor_offer_create(by=secretary, assignment=assignment)
        assert offer.source == "request"
        with pytest.raises(ValidationError):
            services.mentor_offer_create(by=secretary, assignment=assignment)


def test_confirming_respects_capacity(secretary: Any, make_mentor: Any, make_waiting: Any) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor", capacity=2)
    offers = [make_waiting(secretary, f"Familjen Ny{n}") for n in range(3)]
    with municipality_scope("0580"):
        services.pairing_confirm(by=secretary, offer=offers[0], mentor=mentor)
        services.pairing_confirm(by=secretary, offer=offers[1], mentor=mentor)
        with pytest.raises(services.CapacityExceeded):
            services.pairing_confirm(by=secretary, offer=offers[2], mentor=mentor)
        assert Pairing.objects.filter(mentor=mentor).count() == 2


def test_a_mentor_is_never_paired_with_its_own_household(
    secretary: Any, make_mentor: Any, make_home: Any
) -> None:
    mentor = make_mentor(secretary, "Familjen Båda")
    with municipality_scope("0580"):
        from register import services as register_services

        own = register_services.assignment_create(
            by=secretary, household=mentor.household, type="foster_home"
        )
        for step in ["information", "assessment", "training", "approved"]:
            own = register_services.assignment_transition(
                by=secretary, assignment=own, to_status=step, version=own.version
            )
        offer = MentorOffer.objects.get(assignment=own)
        offer = services.mentor_offer_answer(
            by=secretary, offer=offer, answer="accepted", version=offer.version
        )
        with pytest.raises(ValidationError, match="egen mentor"):
            services.pairing_confirm(by=secretary, offer=offer, mentor=mentor, override_reason="Vi vill ändå")


def test_a_family_too_far_away_needs_a_recorded_reason(
    secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor", postal="58183")  # Linköping
    far = make_waiting(secretary, "Familjen Långtbort", postal="98131")  # Kiruna
    with municipality_scope("0580"):
        with pytest.raises(ValidationError) as error:
            services.pairing_confirm(by=secretary, offer=far, mentor=mentor)
        assert "override_reason" in error.value.message_dict
        pairing = services.pairing_confirm(
            by=secretary,
            offer=far,
            mentor=mentor,
            override_reason="Familjerna känner varandra sedan tidigare.",
        )
    assert pairing.override_reason == "Familjerna känner varandra sedan tidigare."


def test_an_unanswered_offer_cannot_be_paired(secretary: Any, make_mentor: Any, make_home: Any) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor")
    _household, assignment = make_home(secretary, "Familjen Osäker")
    with municipality_scope("0580"):
        offer = MentorOffer.objects.get(assignment=assignment)
        with pytest.raises(ValidationError, match="inte tackat ja"):
            services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)


def test_the_pairing_moves_to_active_and_plans_surveys(
    secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor")
    offer = make_waiting(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        pairing = services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)
        with pytest.raises(ValidationError):
            services.pairing_record_introduction(
                by=secretary,
                pairing=pairing,
                version=pairing.version,
                held_on=timezone.localdate(),
                mentor_fit="good",
                mentee_fit="good",
            )
        at = timezone.now() - datetime.timedelta(days=1)
        pairing = services.pairing_book_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            at=at,
            place="Familjehemsenheten",
            secretary=secretary,
        )
        held = timezone.localdate() - datetime.timedelta(days=1)
        pairing = services.pairing_record_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            held_on=held,
            mentor_fit="good",
            mentee_fit="unsure",
        )
        surveys = list(FollowUpSurvey.objects.filter(pairing=pairing).order_by("months", "role"))
    assert pairing.status == "active"
    assert [(s.months, s.role) for s in surveys] == [(m, r) for m in (3, 6, 12) for r in ("mentee", "mentor")]
    assert surveys[0].due_on > held


def test_not_a_fit_ends_the_pairing_frees_the_place_and_the_family_waits_again(
    secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor", capacity=1)
    offer = make_waiting(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        pairing = services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)
        pairing = services.pairing_book_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            at=timezone.now(),
            place="Kontoret",
            secretary=secretary,
        )
        pairing = services.pairing_record_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            held_on=timezone.localdate(),
            mentor_fit="good",
            mentee_fit="not_a_fit",
        )
        assert (pairing.status, pairing.end_reason) == ("ended", "not_a_fit")
        assert services.offer_is_waiting(MentorOffer.objects.get(pk=offer.pk))
        # The pair that was not a fit is not proposed again without a recorded reason.
        with pytest.raises(ValidationError):
            services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)


def test_ending_asks_for_a_reason(secretary: Any, make_mentor: Any, make_waiting: Any) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor")
    offer = make_waiting(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        pairing = services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)
        with pytest.raises(ValidationError):
            services.pairing_end(by=secretary, pairing=pairing, version=pairing.version, reason="")
        ended = services.pairing_end(
            by=secretary, pairing=pairing, version=pairing.version, reason="no_longer_needed"
        )
    assert ended.status == "ended"


def test_a_survey_link_is_signed_single_use_and_refuses_tampering(
    secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor")
    offer = make_waiting(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        pairing = services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)
        pairing = services.pairing_book_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            at=timezone.now(),
            place="Kontoret",
            secretary=secretary,
        )
        pairing = services.pairing_record_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            held_on=timezone.localdate(),
            mentor_fit="good",
            mentee_fit="good",
        )
        survey = FollowUpSurvey.objects.filter(pairing=pairing).first()
        assert survey is not None
        token = links.survey_token(survey)
    assert links.survey_from_token(token) == (survey.pk, "0580")
    with pytest.raises(services.SurveyLinkInvalid):
        links.survey_from_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with municipality_scope("0580"):
        services.survey_answer(
            survey=survey, rating=5, contact_frequency="monthly", wants_to_continue=True, comment="Bra!"
        )
        with pytest.raises(services.SurveyLinkInvalid):
            services.survey_answer(
                survey=survey, rating=1, contact_frequency="never", wants_to_continue=False, comment=""
            )
        assert FollowUpSurvey.objects.get(pk=survey.pk).rating == 5


def _active(secretary: Any, make_mentor: Any, make_waiting: Any) -> Pairing:
    mentor = make_mentor(secretary, "Familjen Mentor")
    offer = make_waiting(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        pairing = services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)
        pairing = services.pairing_book_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            at=timezone.now() - datetime.timedelta(days=1),
            place="Familjehemsenheten",
            secretary=secretary,
        )
        return services.pairing_record_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            held_on=timezone.localdate() - datetime.timedelta(days=1),
            mentor_fit="good",
            mentee_fit="good",
        )


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_seeing_to_a_check_in_that_needs_support_is_recorded_once_with_history(
    secretary: Any, manager: Any, make_mentor: Any, make_waiting: Any
) -> None:
    from audit.models import ChangeLogEntry

    pairing = _active(secretary, make_mentor, make_waiting)
    with municipality_scope("0580"):
        calm = services.check_in_record(
            by=secretary, pairing=pairing, held_on=timezone.localdate(), mood="good", needs_support=False
        )
        worried = services.check_in_record(
            by=secretary, pairing=pairing, held_on=timezone.localdate(), mood="difficult", needs_support=True
        )
        assert worried.awaits_support
        with pytest.raises(ValidationError, match="inte behov av stöd"):
            services.check_in_support_handle(by=secretary, check_in=calm)
        handled = services.check_in_support_handle(by=manager, check_in=worried)
        assert not handled.awaits_support
        assert handled.handled_by == manager
        with pytest.raises(ValidationError, match="redan"):
            services.check_in_support_handle(by=secretary, check_in=worried)
        history = ChangeLogEntry.objects.get(object_type="mentorship.checkin", object_id=str(worried.pk))
    assert history.user == manager
    assert set(history.changes) == {"handled_at", "handled_by"}


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_following_up_a_survey_answer_that_signals_a_problem(
    secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    pairing = _active(secretary, make_mentor, make_waiting)
    with municipality_scope("0580"):
        low, happy, stopping = FollowUpSurvey.objects.filter(pairing=pairing, months__in=(3, 6))[:3]
        for survey, rating, keep in ((low, 2, True), (happy, 5, True), (stopping, 4, False)):
            services.survey_answer(
                survey=survey, rating=rating, contact_frequency="monthly", wants_to_continue=keep, comment=""
            )
        problems = set(FollowUpSurvey.objects.filter(survey_signals_problem()).values_list("pk", flat=True))
        assert problems == {low.pk, stopping.pk}
        with pytest.raises(ValidationError, match="inte på ett problem"):
            services.survey_follow_up(by=secretary, survey=happy)
        followed = services.survey_follow_up(by=secretary, survey=low)
        assert followed.handled_at is not None
        with pytest.raises(ValidationError, match="redan"):
            services.survey_follow_up(by=secretary, survey=low)
