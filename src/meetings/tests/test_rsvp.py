"""Answering through the signed link: yes, no, the waiting list, and every link that must not work."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from jobs.testing import run_worker_once
from meetings import links, services
from meetings.models import Event, Invitation
from meetings.tests.conftest import answer, move_into_past, reload
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock


def _path(invitation: Invitation) -> str:
    return f"/osa/{links.rsvp_token(invitation)}/"


@pytest.fixture
def meeting(secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any) -> Any:
    """A meeting with 2 places and three invited families."""

    def make(capacity: int | None = 2) -> tuple[Event, list[Invitation]]:
        for name in ("Familjen Ett", "Familjen Två", "Familjen Tre"):
            make_home(secretary, name)
        event = first_meeting(make_series(secretary, capacity=capacity))
        return event, invite(secretary, event)

    return make


def _counts(event: Event) -> tuple[int, int]:
    stored = reload(Event, event.pk, event.municipality_id)
    return stored.accepted_count, stored.waitlisted_count


def test_yes_takes_a_place_until_they_are_gone_then_the_waiting_list(meeting: Any) -> None:
    event, invitations = meeting(capacity=2)
    assert [answer(i, "yes").status for i in invitations] == ["accepted", "accepted", "waitlisted"]
    assert _counts(event) == (2, 1)
    again = answer(invitations[0], "yes")
    assert again.status == "accepted"
    assert _counts(event) == (2, 1), "the same answer twice counts once"


def test_no_frees_the_place_for_the_first_on_the_waiting_list_who_gets_an_email(
    meeting: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event, (first, second, third) = meeting(capacity=1)
    answer(first, "yes")
    answer(second, "yes")
    answer(third, "yes")
    run_worker_once()  # the invitations
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        declined = answer(first, "no")
    assert declined.status == "declined"
    assert reload(Invitation, second.pk, "0580").status == "accepted"
    assert reload(Invitation, third.pk, "0580").status == "waitlisted"
    assert _counts(event) == (1, 1)
    assert run_worker_once() == 1
    [message] = mail.outbox
    assert message.to == [second.person.email]
    assert message.attachments[0][0] == "traff.ics"


def test_saying_no_from_the_waiting_list_just_leaves_it(meeting: Any) -> None:
    event, (first, second, _third) = meeting(capacity=1)
    answer(first, "yes")
    answer(second, "yes")
    assert answer(second, "no").status == "declined"
    assert _counts(event) == (1, 0)
    assert answer(second, "yes").status == "waitlisted"
    assert _counts(event) == (1, 1)


def test_without_a_limit_everyone_who_says_yes_comes(meeting: Any) -> None:
    event, invitations = meeting(capacity=None)
    assert {answer(i, "yes").status for i in invitations} == {"accepted"}
    assert _counts(event) == (3, 0)


def test_an_answer_that_is_neither_yes_nor_no_is_refused(meeting: Any) -> None:
    _event, invitations = meeting()
    with pytest.raises(ValidationError):
        answer(invitations[0], "maybe")
    assert reload(Invitation, invitations[0].pk, "0580").status == "pending"


def test_the_link_shows_the_meeting_on_get_without_changing_anything_and_answers_on_post(
    client: Any, meeting: Any
) -> None:
    event, invitations = meeting()
    path = _path(invitations[0])
    page = client.get(path + "?svar=ja")
    assert page.status_code == 200
    assert event.title in page.content.decode()
    assert page.context["suggested"] == "yes"
    assert reload(Invitation, invitations[0].pk, "0580").status == "pending"
    answered = client.post(path, {"answer": "yes"})
    assert answered.status_code == 200
    assert answered.context["answered"] is True
    assert reload(Invitation, invitations[0].pk, "0580").status == "accepted"
    changed = client.post(path, {"answer": "no"})
    assert changed.status_code == 200
    assert reload(Invitation, invitations[0].pk, "0580").status == "declined"
    assert _counts(event) == (0, 0)


def test_the_page_never_shows_other_invitees(client: Any, meeting: Any) -> None:
    _event, invitations = meeting()
    page = client.get(_path(invitations[0])).content.decode()
    assert invitations[0].person.first_name in page
    assert "Två" not in page and "Tre" not in page
    assert invitations[0].person.email not in page


def _refused(client: Any, path: str, status: int) -> Any:
    """GET and POST both refuse with the same message; returns it."""
    get, post = client.get(path), client.post(path, {"answer": "yes"})
    assert get.status_code == post.status_code == status
    assert get.context["message"] == post.context["message"]
    return get.context["message"]


def test_a_tampered_link_is_refused_and_changes_nothing(client: Any, meeting: Any) -> None:
    _event, invitations = meeting()
    token = links.rsvp_token(invitations[0])
    flipped = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert _refused(client, f"/osa/{flipped}/", 400) == _refused(client, "/osa/not-a-token/", 400)
    assert reload(Invitation, invitations[0].pk, "0580").status == "pending"


def test_a_link_reused_after_the_meeting_is_refused_and_changes_nothing(client: Any, meeting: Any) -> None:
    event, invitations = meeting()
    path = _path(invitations[0])
    move_into_past(event, hours_ago=5)
    assert _refused(client, path, 410) == links.LINK_AFTER_MEETING
    assert reload(Invitation, invitations[0].pk, "0580").status == "pending"
    assert _counts(event) == (0, 0)


def test_a_link_to_a_meeting_under_way_shows_it_but_refuses_a_change(client: Any, meeting: Any) -> None:
    event, invitations = meeting()
    path = _path(invitations[0])
    answer(invitations[0], "yes")
    move_into_past(event, hours_ago=1)  # started an hour ago, ends in an hour
    page = client.get(path)
    assert page.status_code == 200
    assert page.context["has_started"] is True
    refused = client.post(path, {"answer": "no"})
    assert refused.status_code == 400
    assert reload(Invitation, invitations[0].pk, "0580").status == "accepted"
    assert _counts(event) == (1, 0)


def test_a_link_of_a_withdrawn_invitation_is_refused(
    client: Any, secretary: Any, meeting: Any, in_scope: Any
) -> None:
    event, invitations = meeting()
    path = _path(invitations[0])
    with in_scope(secretary):
        services.invitation_withdraw(by=secretary, invitation=invitations[0])
    assert _refused(client, path, 410) == links.LINK_NOT_INVITED
    assert reload(Invitation, invitations[0].pk, "0580").status == "withdrawn"
    assert _counts(event) == (0, 0)


def test_a_link_to_a_cancelled_meeting_is_refused(
    client: Any, secretary: Any, meeting: Any, in_scope: Any
) -> None:
    event, invitations = meeting()
    path = _path(invitations[0])
    with in_scope(secretary):
        services.event_cancel(by=secretary, event=event, version=event.version, reason="Sjukdom")
    assert _refused(client, path, 410) == links.LINK_CANCELLED
    assert reload(Invitation, invitations[0].pk, "0580").status == "pending"


def test_a_link_with_an_old_nonce_is_refused(client: Any, meeting: Any) -> None:
    _event, invitations = meeting()
    path = _path(invitations[0])
    with municipality_scope("0580"):
        Invitation.objects.filter(pk=invitations[0].pk).update(nonce="x" * 22)  # a re-invitation
    assert _refused(client, path, 410) == links.LINK_NOT_INVITED
    assert reload(Invitation, invitations[0].pk, "0580").status == "pending"


def test_the_waiting_list_spans_the_municipalities_of_a_regional_series(
    secretary: Any,
    other_secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    region: Any,
    client: Any,
) -> None:
    region("0580", "0581")
    make_home(other_secretary, "Familjen Granne")
    make_home(secretary, "Familjen Egen")
    event = first_meeting(make_series(secretary, capacity=1, audience_municipality_ids=("0580", "0581")))
    invitations = {i.municipality_id: i for i in invite(secretary, event, codes=("0580", "0581"))}
    assert client.post(_path(invitations["0581"]), {"answer": "yes"}).status_code == 200
    assert client.post(_path(invitations["0580"]), {"answer": "yes"}).status_code == 200
    assert reload(Invitation, invitations["0580"].pk, "0580").status == "waitlisted"
    assert client.post(_path(invitations["0581"]), {"answer": "no"}).status_code == 200
    assert reload(Invitation, invitations["0580"].pk, "0580").status == "accepted"
    assert reload(Invitation, invitations["0581"].pk, "0581").status == "declined"
    assert _counts(event) == (1, 0)
