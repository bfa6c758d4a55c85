"""Mentorship pages: bad input is refused with a message and changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from jobs.testing import run_worker_once
from mentorship import links, services
from mentorship.jobs import surveys_send_due
from mentorship.models import FollowUpSurvey, MentorOffer, Pairing
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


def _active_pairing(secretary: Any, make_mentor: Any, make_waiting: Any) -> Pairing:
    mentor = make_mentor(secretary, "Familjen Mentor")
    offer = make_waiting(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        pairing = services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)
        at = timezone.now() - datetime.timedelta(days=200)
        pairing = services.pairing_book_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            at=at,
            place="Kontoret",
            secretary=secretary,
        )
        held = timezone.localdate() - datetime.timedelta(days=200)
        return services.pairing_record_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            held_on=held,
            mentor_fit="good",
            mentee_fit="good",
        )


def test_the_overview_shows_waiting_families_and_mentors(
    client: Any, secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    make_mentor(secretary, "Familjen Mentor")
    make_waiting(secretary, "Familjen Väntar")
    client.force_login(secretary)
    page = client.get("/mentorskap/").content.decode()
    assert "Familjen Väntar" in page
    assert "Familjen Mentor" in page


def test_confirming_through_the_offer_page_and_a_second_confirmation_is_refused(
    client: Any, secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor", capacity=1)
    offer = make_waiting(secretary, "Familjen Ny")
    other = make_waiting(secretary, "Familjen Annan")
    client.force_login(secretary)
    response = client.post(f"/mentorskap/erbjudande/{offer.pk}/para/", {"mentor": mentor.pk})
    assert response.status_code == 302
    refused = client.post(f"/mentorskap/erbjudande/{other.pk}/para/", {"mentor": mentor.pk})
    assert refused.status_code == 400
    assert refused.context["confirm_form"].non_field_errors()
    with municipality_scope("0580"):
        assert Pairing.objects.count() == 1


def test_an_answer_that_is_not_a_choice_is_refused(client: Any, secretary: Any, make_home: Any) -> None:
    _household, assignment = make_home(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        offer = MentorOffer.objects.get(assignment=assignment)
    client.force_login(secretary)
    response = client.post(
        f"/mentorskap/erbjudande/{offer.pk}/svar/", {"answer": "pending", "version": offer.version}
    )
    assert response.status_code == 400
    with municipality_scope("0580"):
        assert MentorOffer.objects.get(pk=offer.pk).answer == "pending"


def test_the_batch_page_confirms_the_ticked_pairs(
    client: Any, secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    mentor = make_mentor(secretary, "Familjen Mentor", capacity=2)
    first = make_waiting(secretary, "Familjen Ett")
    make_waiting(secretary, "Familjen Två")
    client.force_login(secretary)
    page = client.get("/mentorskap/forslag/")
    assert len(page.context["proposal"].pairs) == 2
    response = client.post("/mentorskap/forslag/", {"pair": [f"{first.pk}:{mentor.pk}"]})
    assert response.status_code == 302
    with municipality_scope("0580"):
        assert list(Pairing.objects.values_list("offer_id", flat=True)) == [first.pk]


@pytest.mark.parametrize("value", ["x:1", "1:x", ":", "1:2:3", "²:1", "1:", "-1:2", "١:٢"])
def test_a_malformed_pair_is_a_400_with_a_message_and_confirms_nothing(
    value: str, client: Any, secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    """Issue 11: ``pair=x:1`` gave a 500 (a debug page full of family names)."""
    mentor = make_mentor(secretary, "Familjen Mentor", capacity=2)
    first = make_waiting(secretary, "Familjen Ett")
    client.force_login(secretary)
    response = client.post("/mentorskap/forslag/", {"pair": [f"{first.pk}:{mentor.pk}", value]})
    assert response.status_code == 400
    assert "De markerade paren gick inte att läsa" in response.content.decode()
    with municipality_scope("0580"):
        assert not Pairing.objects.exists()


def test_due_surveys_are_mailed_by_the_worker_and_answered_once_without_login(
    client: Any, secretary: Any, make_mentor: Any, make_waiting: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pairing = _active_pairing(secretary, make_mentor, make_waiting)
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys_send_due() == 4  # 3 and 6 months, both families
    assert surveys_send_due() == 0  # running twice sends nothing twice
    run_worker_once()
    assert len(mail.outbox) == 4
    link = next(line for line in mail.outbox[0].body.splitlines() if "/enkat/" in line)
    path = link[link.index("/enkat/") :].strip()

    anonymous = client.__class__()
    form = anonymous.get(path)
    assert form.status_code == 200
    answered = anonymous.post(
        path,
        {"rating": "4", "contact_frequency": "monthly", "wants_to_continue": "yes", "comment": "Bra stöd"},
    )
    assert answered.status_code == 200
    again = anonymous.post(path, {"rating": "1", "contact_frequency": "never", "wants_to_continue": "no"})
    assert again.status_code == 400
    tampered = anonymous.get(path[:-3] + "xx/")
    assert tampered.status_code == 400
    with municipality_scope("0580"):
        ratings = list(
            FollowUpSurvey.objects.filter(pairing=pairing, rating__isnull=False).values_list(
                "rating", flat=True
            )
        )
    assert ratings == [4]


def test_bad_survey_input_is_refused_and_nothing_saved(
    client: Any, secretary: Any, make_mentor: Any, make_waiting: Any
) -> None:
    pairing = _active_pairing(secretary, make_mentor, make_waiting)
    with municipality_scope("0580"):
        survey = FollowUpSurvey.objects.filter(pairing=pairing).first()
        assert survey is not None
        token = links.survey_token(survey)
    response = client.post(
        f"/enkat/{token}/", {"rating": "9", "contact_frequency": "monthly", "wants_to_continue": "yes"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("rating")
    with municipality_scope("0580"):
        assert FollowUpSurvey.objects.get(pk=survey.pk).answered_at is None


def test_a_survey_counts_as_sent_only_when_the_mail_server_took_it(
    client: Any, secretary: Any, make_mentor: Any, make_waiting: Any, settings: Any
) -> None:
    from jobs.services import outbox_sweep
    from jobs.tests.failing import FlakyEmailBackend

    pairing = _active_pairing(secretary, make_mentor, make_waiting)
    settings.EMAIL_BACKEND = "jobs.tests.failing.FlakyEmailBackend"
    FlakyEmailBackend.failures_left = 4
    try:
        assert surveys_send_due() == 4
        run_worker_once()
        assert mail.outbox == []
        with municipality_scope("0580"):
            assert not FollowUpSurvey.objects.filter(pairing=pairing, sent_at__isnull=False).exists()
        client.force_login(secretary)
        page = client.get(f"/mentorskap/par/{pairing.pk}/").content.decode()
        assert "nytt försök kl." in page
        assert surveys_send_due() == 0, "queued once, whatever the daily run sees"

        with time_machine.travel(datetime.timedelta(minutes=3)):
            outbox_sweep()
    finally:
        FlakyEmailBackend.failures_left = 0
    assert len(mail.outbox) == 4
    with municipality_scope("0580"):
        assert FollowUpSurvey.objects.filter(pairing=pairing, sent_at__isnull=False).count() == 4
