"""The items of the start pages: each kind reaches its responsible secretary, is due and
overdue when it should be, and leaves the list through the real action that handles it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from audit.models import AccessLogEntry
from meetings import services as meeting_services
from meetings.attendance import attendance_record
from meetings.models import Event, Invitation
from mentorship import services as mentorship_services
from mentorship.models import FollowUpSurvey
from programmes import services as programme_services
from programmes.evaluation import services as evaluation_services
from register import services as register_services
from tenancy.scope import municipality_scope
from worklist.selectors import (
    Kind,
    manager_start,
    secretary_start,
    status_rules_in_words,
    work_items,
)

from .conftest import START, walk

pytestmark = pytest.mark.usefixtures("clock")


def _kinds(user: Any, **kwargs: Any) -> dict[str, list[Any]]:
    with municipality_scope(user.municipality_id):
        items = work_items(municipality_id=user.municipality_id, responsible=user, **kwargs)
    found: dict[str, list[Any]] = {}
    for item in items:
        found.setdefault(item.kind, []).append(item)
    return found


def test_an_offer_waits_for_its_answer_then_for_a_mentor_then_for_the_introduction(
    secretary: Any, make_offer: Any, make_mentor: Any, clock: Any
) -> None:
    offer = make_offer(secretary, "Familjen Ny")
    [item] = _kinds(secretary)[Kind.OFFER_UNANSWERED]
    assert (item.about, item.due_on, item.is_overdue) == ("Familjen Ny", datetime.date(2026, 3, 24), False)
    assert item.url == f"/mentorskap/erbjudande/{offer.pk}/"

    clock.shift(datetime.timedelta(days=15))
    [item] = _kinds(secretary)[Kind.OFFER_UNANSWERED]
    assert item.is_overdue and item.needs_attention

    with municipality_scope("0580"):
        offer = mentorship_services.mentor_offer_answer(
            by=secretary, offer=offer, answer="accepted", version=offer.version
        )
    kinds = _kinds(secretary)
    assert Kind.OFFER_UNANSWERED not in kinds
    assert [i.about for i in kinds[Kind.OFFER_WAITING]] == ["Familjen Ny"]

    mentor = make_mentor(secretary)
    with municipality_scope("0580"):
        pairing = mentorship_services.pairing_confirm(by=secretary, offer=offer, mentor=mentor)
    kinds = _kinds(secretary)
    assert Kind.OFFER_WAITING not in kinds
    [item] = kinds[Kind.INTRODUCTION_TO_BOOK]
    assert item.about == "Familjen Ny med mentorfamiljen Familjen Mentor"

    with municipality_scope("0580"):
        pairing = mentorship_services.pairing_book_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            at=timezone.now() + datetime.timedelta(days=2),
            place="Kontoret",
            secretary=secretary,
        )
    assert not _kinds(secretary), "a booked introduction that has not happened yet is nothing to do"

    clock.shift(datetime.timedelta(days=3))
    [item] = _kinds(secretary)[Kind.INTRODUCTION_TO_RECORD]
    assert not item.is_overdue
    clock.shift(datetime.timedelta(days=8))
    [item] = _kinds(secretary)[Kind.INTRODUCTION_TO_RECORD]
    assert item.is_overdue

    with municipality_scope("0580"):
        mentorship_services.pairing_record_introduction(
            by=secretary,
            pairing=pairing,
            version=pairing.version,
            held_on=timezone.localdate() - datetime.timedelta(days=9),
            mentor_fit="good",
            mentee_fit="good",
        )
    assert not _kinds(secretary)


def test_a_check_in_that_needs_support_stays_until_the_support_is_seen_to(
    secretary: Any, manager: Any, make_pairing: Any
) -> None:
    pairing = make_pairing(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        mentorship_services.check_in_record(
            by=secretary, pairing=pairing, held_on=timezone.localdate(), mood="good", needs_support=False
        )
        worried = mentorship_services.check_in_record(
            by=secretary, pairing=pairing, held_on=timezone.localdate(), mood="difficult", needs_support=True
        )
    [item] = _kinds(secretary)[Kind.CHECK_IN_SUPPORT]
    assert item.needs_attention and not item.is_overdue
    assert item.due_on == START.date() + datetime.timedelta(days=3)
    assert item.url.endswith(f"/mentorskap/par/{pairing.pk}/#check-in-{worried.pk}")

    with municipality_scope("0580"):
        mentorship_services.check_in_support_handle(by=manager, check_in=worried)
    assert Kind.CHECK_IN_SUPPORT not in _kinds(secretary)


def test_a_survey_answer_that_signals_a_problem_stays_until_followed_up(
    secretary: Any, make_pairing: Any
) -> None:
    pairing = make_pairing(secretary, "Familjen Ny")
    with municipality_scope("0580"):
        good, bad = FollowUpSurvey.objects.filter(pairing=pairing, months=3).order_by("role")
        mentorship_services.survey_answer(
            survey=good, rating=5, contact_frequency="weekly", wants_to_continue=True, comment=""
        )
        mentorship_services.survey_answer(
            survey=bad, rating=4, contact_frequency="never", wants_to_continue=False, comment=""
        )
    [item] = _kinds(secretary)[Kind.SURVEY_PROBLEM]
    assert item.detail == "Mentorfamiljen svarade: gav mentorskapet 4 av 5, vill inte fortsätta"
    assert item.about == "Familjen Ny med mentorfamiljen Familjen MentorNy"
    assert item.url.endswith(f"#survey-{bad.pk}")

    with municipality_scope("0580"):
        mentorship_services.survey_follow_up(by=secretary, survey=bad)
    assert Kind.SURVEY_PROBLEM not in _kinds(secretary)


def _series(by: Any, *, starts_on: datetime.date, capacity: int = 10) -> Any:
    return meeting_services.series_create(
        by=by,
        values=meeting_services.SeriesValues(
            title="Samtalsträff",
            place="Familjehemsenheten",
            frequency="weekly",
            weekday=starts_on.weekday(),
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=60),
            start_time=datetime.time(18, 0),
            responsible=by,
            capacity=capacity,
            audience_types=("foster_home",),
            audience_municipality_ids=(by.municipality_id,),
        ),
    )


def test_the_meetings_of_the_week_show_their_answers_and_attendance_is_asked_for_afterwards(
    secretary: Any, make_home: Any, clock: Any
) -> None:
    homes = [make_home(secretary, f"Familjen Träff{n}", status="active") for n in range(3)]
    with municipality_scope("0580"):
        series = _series(secretary, starts_on=START.date() + datetime.timedelta(days=2))
        first = Event.objects.filter(series=series).order_by("starts_at").first()
        meeting_services.event_invitations_create(by=secretary, event=first)
        invitations = list(Invitation.objects.filter(event=first).order_by("pk"))
        meeting_services.invitation_answer_on_behalf(by=secretary, invitation=invitations[0], answer="yes")
        meeting_services.invitation_answer_on_behalf(by=secretary, invitation=invitations[1], answer="no")
    [item] = _kinds(secretary)[Kind.MEETING_THIS_WEEK]
    assert item.about == "Samtalsträff"
    assert item.detail == "1 har tackat ja · 0 på väntelistan · 1 har tackat nej · 1 har inte svarat"
    assert not item.names_person and not item.needs_attention

    clock.shift(datetime.timedelta(days=3))  # the meeting was yesterday evening
    kinds = _kinds(secretary)
    [item] = kinds[Kind.ATTENDANCE_TO_RECORD]
    assert item.url == f"/traffar/traff/{first.pk}/narvaro/"
    assert [i.about for i in kinds[Kind.MEETING_THIS_WEEK]] == ["Samtalsträff"]  # next week's

    with municipality_scope("0580"):
        first.refresh_from_db()
        attendance_record(by=secretary, event=first, persons={invitations[0].person_id: True})
    assert Kind.ATTENDANCE_TO_RECORD not in _kinds(secretary)
    assert homes


def test_a_cohort_asks_for_its_questionnaires_before_and_after(secretary: Any, clock: Any) -> None:
    with municipality_scope("0580"):
        programme = programme_services.programme_create(
            by=secretary,
            name="Brukarmentorer",
            starts_on=START.date() - datetime.timedelta(days=30),
            ends_on=START.date() + datetime.timedelta(days=300),
            start_time=datetime.time(13, 0),
            sessions_per_cohort=3,
        )
        evaluation_services.question_add(by=secretary, programme=programme, text="Jag känner mig trygg")
        cohort = programme_services.cohort_create(
            by=secretary,
            programme=programme,
            name="Vårgruppen",
            starts_on=START.date() + datetime.timedelta(days=10),
        )
        programme_services.cohort_member_add(by=secretary, cohort=cohort, role="participant", user=secretary)
    [item] = _kinds(secretary)[Kind.QUESTIONNAIRE_TO_SEND]
    assert (item.about, item.due_on) == (
        "Brukarmentorer: Vårgruppen",
        START.date() + datetime.timedelta(days=10),
    )
    assert item.action == "Skicka enkäten före programmet"

    with municipality_scope("0580"):
        evaluation_services.questionnaires_send(by=secretary, cohort=cohort, phase="before")
    assert Kind.QUESTIONNAIRE_TO_SEND not in _kinds(secretary)

    clock.shift(datetime.timedelta(days=40))  # after the third and last session
    kinds = _kinds(secretary)
    [item] = kinds[Kind.QUESTIONNAIRE_TO_SEND]
    assert item.action == "Skicka enkäten efter programmet"
    assert len(kinds[Kind.ATTENDANCE_TO_RECORD]) >= 1  # sessions within the last two weeks
    with municipality_scope("0580"):
        evaluation_services.questionnaires_send(by=secretary, cohort=cohort, phase="after")
    assert Kind.QUESTIONNAIRE_TO_SEND not in _kinds(secretary)


def test_assignments_that_stand_still_or_reach_their_end_date_are_due_for_a_status_change(
    secretary: Any, make_home: Any, clock: Any
) -> None:
    _household, interest = make_home(secretary, "Familjen Intresse", status="interest")
    _household, ending = make_home(secretary, "Familjen Slut", status="active")
    with municipality_scope("0580"):
        ending = register_services.assignment_update(
            by=secretary,
            assignment=ending,
            version=ending.version,
            ends_on=START.date() + datetime.timedelta(days=40),
        )
    [item] = _kinds(secretary)[Kind.STATUS_CHANGE_DUE]
    assert (item.about, item.due_on, item.is_overdue) == (
        "Familjen Intresse",
        START.date() + datetime.timedelta(days=14),
        False,
    )
    assert item.action == "Ta kontakt med den som har anmält intresse"

    clock.shift(datetime.timedelta(days=15))
    items = {i.about: i for i in _kinds(secretary)[Kind.STATUS_CHANGE_DUE]}
    assert items["Familjen Intresse"].is_overdue
    assert items["Familjen Slut"].due_on == START.date() + datetime.timedelta(days=40)
    assert items["Familjen Slut"].action.startswith("Gäller till")

    with municipality_scope("0580"):
        walk(secretary, interest, ["information"])
    assert [i.about for i in _kinds(secretary)[Kind.STATUS_CHANGE_DUE]] == ["Familjen Slut"]
    assert any("Utredning" in line for line in status_rules_in_words())


def test_a_secretary_sees_only_her_own_items_and_never_another_municipalitys(
    secretary: Any, make_user: Any, other_secretary: Any, make_offer: Any
) -> None:
    colleague = make_user("0580", Role.SECRETARY)
    make_offer(secretary, "Familjen Egen")
    make_offer(colleague, "Familjen Kollega")
    make_offer(secretary, "Familjen Ingen", responsible=None)
    make_offer(other_secretary, "Familjen Hemligsson")
    assert [i.about for i in _kinds(secretary)[Kind.OFFER_UNANSWERED]] == ["Familjen Egen"]
    with municipality_scope("0580"):
        page = secretary_start(user=secretary)
    abouts = [item.about for section in page.sections for item in section.items]
    assert abouts == ["Familjen Egen"]


def test_the_unit_manager_sees_the_unit_by_secretary_with_overdue_and_unassigned_items(
    secretary: Any, manager: Any, make_user: Any, other_secretary: Any, make_offer: Any, clock: Any
) -> None:
    colleague = make_user("0580", Role.SECRETARY, first_name="Karin", last_name="Kollega")
    make_offer(secretary, "Familjen Egen")
    clock.shift(datetime.timedelta(days=20))
    make_offer(colleague, "Familjen Kollega")
    make_offer(secretary, "Familjen Ingen", responsible=None)
    make_offer(other_secretary, "Familjen Hemligsson")
    with municipality_scope("0580"):
        page = manager_start(user=manager)
    groups = {group.name: group for group in page.groups}
    assert set(groups) >= {"Sara Sekreterare", "Karin Kollega", "Maria Chef"}
    assert [i.about for s in groups["Sara Sekreterare"].sections for i in s.items] == ["Familjen Egen"]
    assert [i.about for s in groups["Karin Kollega"].sections for i in s.items] == ["Familjen Kollega"]
    assert groups["Maria Chef"].totals.items == 0
    assert [i.about for s in page.unassigned.sections for i in s.items] == ["Familjen Ingen"]
    assert [(i.about, i.responsible_name) for i in page.overdue] == [("Familjen Egen", "Sara Sekreterare")]
    everything = [i.about for g in [*page.groups, page.unassigned] for s in g.sections for i in s.items]
    assert "Familjen Hemligsson" not in everything


def test_viewing_a_start_page_writes_one_access_log_row(secretary: Any, make_offer: Any, client: Any) -> None:
    make_offer(secretary, "Familjen Egen")
    client.force_login(secretary)
    client.get("/")
    client.get("/")
    with municipality_scope("0580"):
        rows = list(AccessLogEntry.objects.filter(object_type="worklist.start"))
    assert len(rows) == 2
    assert rows[0].user == secretary and rows[0].detail == {"results": 1}


def _build(by: Any, n: int, make_offer: Any, make_home: Any, make_pairing: Any, tag: str) -> None:
    pairing = make_pairing(by, f"Familjen Par{tag}")
    for index in range(n):
        make_offer(by, f"Familjen Erbjuden{tag}{index}")
        make_home(by, f"Familjen Intresse{tag}{index}", status="interest")
        with municipality_scope(by.municipality_id):
            mentorship_services.check_in_record(
                by=by, pairing=pairing, held_on=timezone.localdate(), mood="ok", needs_support=True
            )


@pytest.mark.parametrize("page", ["secretary", "manager"])
def test_the_start_page_reads_a_fixed_number_of_queries_however_many_items(
    page: str,
    secretary: Any,
    manager: Any,
    make_user: Any,
    make_offer: Any,
    make_home: Any,
    make_pairing: Any,
    client: Any,
) -> None:
    viewer = secretary if page == "secretary" else manager
    other = make_user("0580", Role.SECRETARY)

    def count() -> tuple[int, int]:
        client.force_login(viewer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        assert response.status_code == 200
        return len(queries), response.content.decode().count('class="worklist-item')

    _build(secretary, 2, make_offer, make_home, make_pairing, "A")
    few, few_items = count()
    _build(other, 9, make_offer, make_home, make_pairing, "B")
    _build(secretary, 9, make_offer, make_home, make_pairing, "C")
    many, many_items = count()
    assert few_items >= 6 and many_items >= 3 * few_items
    assert many == few


def test_an_invitation_email_that_failed_for_good_is_on_the_start_page_until_it_is_sent_again(
    secretary: Any, make_user: Any, make_home: Any, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jobs.models import EmailState, OutgoingEmail
    from jobs.testing import run_worker_once
    from kernel.email import email_resend_about

    colleague = make_user("0580", Role.SECRETARY)
    make_home(secretary, "Familjen Mejl", status="active")
    with municipality_scope("0580"):
        series = _series(secretary, starts_on=START.date() + datetime.timedelta(days=2))
        first = Event.objects.filter(series=series).order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True), municipality_scope("0580"):
        meeting_services.event_invitations_create(by=secretary, event=first)
    clock.shift(datetime.timedelta(seconds=1))  # the broker hands out jobs queued before now
    assert run_worker_once() == 1
    with municipality_scope("0580"):
        [invitation] = Invitation.objects.filter(event=first)
        message = OutgoingEmail.objects.get(about_type="meetings.Invitation", about_id=invitation.pk)
        assert Kind.EMAIL_NOT_DELIVERED not in _kinds(secretary)
        # The mail server refused it for good (a 5xx): the state the sender leaves it in.
        OutgoingEmail.objects.filter(pk=message.pk).update(state=EmailState.GAVE_UP, sent_at=None)

    [item] = _kinds(secretary)[Kind.EMAIL_NOT_DELIVERED]
    assert item.about == "Familjen Mejl"
    assert item.url == f"/traffar/traff/{first.pk}/"
    assert item.needs_attention and item.responsible_id == secretary.pk
    assert Kind.EMAIL_NOT_DELIVERED not in _kinds(colleague), "another secretary's meeting"

    with municipality_scope("0580"):
        email_resend_about(by=secretary, about=invitation, message_id=message.pk)
    assert Kind.EMAIL_NOT_DELIVERED not in _kinds(secretary)
