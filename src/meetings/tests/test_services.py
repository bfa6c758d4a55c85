"""Series, their meetings, audiences and invitations: the services."""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django_q.models import OrmQ

from audit.models import ChangeLogEntry
from jobs.testing import run_worker_once
from kernel.records import ConcurrentEdit
from meetings import services
from meetings.models import Event, Invitation, Series
from meetings.recurrence import STOCKHOLM
from meetings.tests.conftest import answer, reload, series_values
from register import services as register_services
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock

TODAY = timezone.localdate


def _events(series: Series) -> list[Event]:
    with municipality_scope(series.municipality_id):
        return list(Event.objects.filter(series=series).order_by("starts_at"))


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, STOCKHOLM)


def _ics_of(message: Any) -> icalendar.Component:
    [(name, data, mimetype)] = message.attachments
    assert name == "traff.ics"
    assert mimetype.startswith("text/calendar")
    [vevent] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return vevent


# Recurrence → meetings ------------------------------------------------------------------


def test_a_monthly_series_plans_the_first_tuesday_at_18_in_stockholm_time_across_daylight_saving(
    secretary: Any, make_series: Any
) -> None:
    year = TODAY().year + 1
    series = make_series(
        secretary,
        frequency="monthly",
        weekday=1,
        week_of_month=1,
        starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year, 12, 31),
        start_time=datetime.time(18, 0),
        duration_minutes=90,
    )
    events = _events(series)
    expected = []
    for month in range(1, 13):
        day = datetime.date(year, month, 1)
        expected.append(day + datetime.timedelta(days=(1 - day.weekday()) % 7))
    assert [_local(e.starts_at).date() for e in events] == expected
    assert {_local(e.starts_at).time() for e in events} == {datetime.time(18, 0)}
    # 18:00 local is 17:00 UTC in winter and 16:00 UTC in summer.
    assert {e.starts_at.astimezone(datetime.UTC).hour for e in events} == {16, 17}
    assert all(e.ends_at - e.starts_at == datetime.timedelta(minutes=90) for e in events)
    assert all(e.original_starts_at == e.starts_at for e in events)
    assert [e.number for e in events] == list(range(1, 13))
    assert {(e.kind, e.title, e.place, e.municipality_id) for e in events} == {
        ("meeting", "Samtalsträff för familjehem", "Familjens hus, Storgatan 3", "0580")
    }


def test_a_series_every_other_week_and_on_the_last_thursday_of_the_month(
    secretary: Any, make_series: Any
) -> None:
    start = TODAY() + datetime.timedelta(days=1)
    weekly = make_series(
        secretary,
        interval=2,
        weekday=start.weekday(),
        starts_on=start,
        ends_on=start + datetime.timedelta(days=60),
    )
    assert [(_local(e.starts_at).date() - start).days for e in _events(weekly)] == [0, 14, 28, 42, 56]
    year = TODAY().year + 1
    last = make_series(
        secretary,
        frequency="monthly",
        weekday=3,
        week_of_month=-1,
        starts_on=datetime.date(year, 2, 1),
        ends_on=datetime.date(year, 4, 30),
    )
    for event in _events(last):
        day = _local(event.starts_at).date()
        assert day.weekday() == 3
        assert (day + datetime.timedelta(days=7)).month != day.month


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"place": "", "video_url": ""}, "place"),
        ({"frequency": "monthly", "week_of_month": None}, "week_of_month"),
        ({"interval": 13}, "interval"),
        ({"duration_minutes": 10}, "duration_minutes"),
        ({"duration_minutes": 481}, "duration_minutes"),
        ({"capacity": 0}, "capacity"),
        ({"invite_days_before": 0}, "invite_days_before"),
        ({"remind_days_before": 15}, "remind_days_before"),
        ({"remind_days_before": 5, "invite_days_before": 5}, "remind_days_before"),
        ({"audience_types": ()}, "audience_types"),
        ({"audience_types": ("astronaut",)}, "audience_types"),
        ({"audience_municipality_ids": ()}, "audience_municipalities"),
        ({"audience_municipality_ids": ("0580", "0180")}, "audience_municipalities"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_series_input_is_refused_and_nothing_is_created(
    secretary: Any, make_series: Any, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_series(secretary, **overrides)
    assert field in refused.value.message_dict
    with municipality_scope("0580"):
        assert not Series.objects.exists()
        assert not Event.objects.exists()


def test_a_series_longer_than_two_years_or_without_any_meeting_is_refused(
    secretary: Any, make_series: Any
) -> None:
    start = TODAY() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as too_long:
        make_series(
            secretary,
            starts_on=start,
            ends_on=start.replace(year=start.year + 2) + datetime.timedelta(days=1),
        )
    assert "ends_on" in too_long.value.message_dict
    make_series(
        secretary, starts_on=start, ends_on=start.replace(year=start.year + 2) - datetime.timedelta(days=1)
    )
    # Three days, none of them the series' weekday.
    with pytest.raises(ValidationError) as empty:
        make_series(
            secretary,
            weekday=(start + datetime.timedelta(days=4)).weekday(),
            starts_on=start,
            ends_on=start + datetime.timedelta(days=2),
        )
    assert "starts_on" in empty.value.message_dict
    with pytest.raises(ValidationError) as backwards:
        make_series(secretary, starts_on=start, ends_on=start - datetime.timedelta(days=1))
    assert "ends_on" in backwards.value.message_dict


def test_the_responsible_must_be_staff_of_the_municipality_who_arranges_meetings(
    secretary: Any, other_secretary: Any, make_user: Any, make_series: Any
) -> None:
    for responsible in (other_secretary, make_user("0580", "administrator")):
        with pytest.raises(ValidationError) as refused:
            make_series(secretary, responsible=responsible)
        assert "responsible" in refused.value.message_dict
    assert make_series(secretary, responsible=make_user("0580", "county_coordinator")).pk


def test_a_video_link_alone_is_enough(secretary: Any, make_series: Any) -> None:
    series = make_series(secretary, place="", video_url="https://meet.example.se/traff")
    assert {e.video_url for e in _events(series)} == {"https://meet.example.se/traff"}


def test_creating_a_series_is_in_the_change_history(secretary: Any, make_series: Any) -> None:
    series = make_series(secretary)
    with municipality_scope("0580"):
        entry = ChangeLogEntry.objects.get(object_type="meetings.series", object_id=str(series.pk))
    assert entry.user == secretary
    assert entry.changes["title"]["after"] == "Samtalsträff för familjehem"


# Audience ------------------------------------------------------------------------------


def test_the_audience_is_everyone_holding_an_open_assignment_of_the_chosen_types(
    secretary: Any, make_home: Any, make_loner: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    make_home(secretary, "Familjen Godkänd", members=("Anna", "Bo"))
    make_home(secretary, "Familjen Aktiv", type="emergency_home", status="active")
    make_home(secretary, "Familjen Paus", status="paused")
    make_home(secretary, "Familjen Skyddad", protected=True)
    make_loner(secretary, "Gun", "Godman", type="guardian")
    # Not invited: not yet approved, ended, or of a type the series does not invite.
    make_home(secretary, "Familjen Intresse", status="interest")
    make_home(secretary, "Familjen Utbildning", status="training")
    make_home(secretary, "Familjen Slut", status="ended")
    make_home(secretary, "Familjen Kontakt", type="contact_family")
    make_loner(secretary, "Kim", "Kontakt", type="contact_person")
    series = make_series(secretary, audience_types=("foster_home", "emergency_home", "guardian"))

    invitations = invite(secretary, first_meeting(series))

    assert sorted(i.person.full_name for i in invitations) == sorted(
        ["Lena Aktiv", "Anna Godkänd", "Bo Godkänd", "Gun Godman", "Lena Paus", "Lena Skyddad"]
    )
    assert {i.status for i in invitations} == {"pending"}
    assert {i.municipality_id for i in invitations} == {"0580"}
    assert all(len(i.nonce) == 22 for i in invitations)


def test_a_regional_series_invites_a_partner_municipalitys_families_into_their_own_municipality(
    secretary: Any,
    other_secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    region: Any,
) -> None:
    region("0580", "0581")
    make_home(secretary, "Familjen Egen")
    make_home(other_secretary, "Familjen Granne")
    series = make_series(secretary, audience_municipality_ids=("0580", "0581"))

    invitations = invite(secretary, first_meeting(series), codes=("0580", "0581"))

    assert {(i.person.full_name, i.municipality_id) for i in invitations} == {
        ("Lena Egen", "0580"),
        ("Lena Granne", "0581"),
    }
    # Each municipality sees only its own families' invitations.
    with municipality_scope("0580"):
        assert list(Invitation.objects.values_list("person__last_name", flat=True)) == ["Egen"]
    with municipality_scope("0581"):
        assert list(Invitation.objects.values_list("person__last_name", flat=True)) == ["Granne"]


def test_a_municipality_outside_the_region_cannot_be_invited(
    secretary: Any, make_series: Any, region: Any
) -> None:
    region("0580", "0586")
    make_series(secretary, audience_municipality_ids=("0580", "0586"))
    with pytest.raises(ValidationError) as refused:
        make_series(secretary, audience_municipality_ids=("0580", "0581"))
    assert "audience_municipalities" in refused.value.message_dict


def test_a_constellation_invites_the_hub_family_and_its_satellites_only(
    secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    hub = make_home(secretary, "Familjen Nav", type="mentor_family", members=("Nina", "Nils"))
    first = make_home(secretary, "Familjen Ett")
    second = make_home(secretary, "Familjen Två", status="paused")
    make_home(secretary, "Familjen Utanför")
    series = make_series(
        secretary,
        hub_household=hub.household,
        satellite_households=(first.household, second.household),
        audience_types=("foster_home",),
        audience_municipality_ids=("0580",),
    )
    # A constellation's audience is its families; types and municipalities are not used.
    assert series.audience_types == []
    invitations = invite(secretary, first_meeting(series))
    assert sorted(i.person.full_name for i in invitations) == sorted(
        ["Lena Ett", "Nils Nav", "Nina Nav", "Lena Två"]
    )
    assert {i.household_id for i in invitations} == {
        hub.household.pk,
        first.household.pk,
        second.household.pk,
    }


def test_a_constellations_families_are_checked(
    secretary: Any, other_secretary: Any, make_home: Any, make_series: Any, in_scope: Any
) -> None:
    hub = make_home(secretary, "Familjen Nav", type="mentor_family")
    satellite = make_home(secretary, "Familjen Ett")
    foreign = make_home(other_secretary, "Familjen Annanstans")
    with in_scope(secretary):
        many = [
            register_services.household_create(
                by=secretary, name=f"Familjen {n}", postal_code=hub.household.postal_code
            )
            for n in range(13)
        ]
    cases = [
        ((), "satellite_households"),
        (tuple(many), "satellite_households"),
        ((satellite.household, foreign.household), "satellite_households"),
        ((hub.household,), "satellite_households"),
    ]
    for satellites, field in cases:
        with pytest.raises(ValidationError) as refused:
            make_series(secretary, hub_household=hub.household, satellite_households=satellites)
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_series(secretary, hub_household=foreign.household, satellite_households=(satellite.household,))
    assert "hub_household" in refused.value.message_dict


# Invitations ---------------------------------------------------------------------------


def test_invitations_are_created_once_and_running_again_invites_only_newcomers(
    secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    make_home(secretary, "Familjen Först")
    make_home(secretary, "Familjen Utanadress", email="")
    series = make_series(secretary)
    event = first_meeting(series)

    first = invite(secretary, event)
    assert len(first) == 2
    assert OrmQ.objects.count() == 1, "one e-mail job: the family without an address gets none"
    assert invite(secretary, event) == first
    assert OrmQ.objects.count() == 1

    make_home(secretary, "Familjen Sen")
    again = invite(secretary, event)
    assert len(again) == 3
    assert OrmQ.objects.count() == 2
    assert mail.outbox == [], "no e-mail is sent in the request"
    assert reload(Event, event.pk, "0580").invitations_queued_at is not None


def test_a_household_address_is_used_when_the_person_has_none(
    secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any
) -> None:
    make_home(secretary, "Familjen Gemensam", email="", household_email="familjen@example.se")
    series = make_series(secretary)
    invite(secretary, first_meeting(series))
    run_worker_once()
    [message] = mail.outbox
    assert message.to == ["familjen@example.se"]


def test_invitations_are_refused_for_a_cancelled_or_past_meeting(
    secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, in_scope: Any
) -> None:
    make_home(secretary)
    series = make_series(secretary)
    event = first_meeting(series)
    with in_scope(secretary):
        services.event_cancel(by=secretary, event=event, version=event.version, reason="Sjukdom")
        with pytest.raises(ValidationError):
            services.event_invitations_create(by=secretary, event=reload(Event, event.pk, "0580"))
        assert not Invitation.objects.exists()


# Capacity and changes ------------------------------------------------------------------


def _yes_from(secretary: Any, make_home: Any, invite: Any, event: Event, n: int) -> list[Invitation]:
    for i in range(n):
        make_home(secretary, f"Familjen Nummer{i}")
    return [answer(invitation, "yes") for invitation in invite(secretary, event)]


def test_capacity_below_the_number_coming_is_refused_naming_the_meeting(
    secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any, in_scope: Any
) -> None:
    series = make_series(secretary, capacity=5)
    event = first_meeting(series)
    _yes_from(secretary, make_home, invite, event, 3)
    with in_scope(secretary), pytest.raises(ValidationError) as refused:
        services.series_update(
            by=secretary, series=series, version=series.version, values=series_values(secretary, capacity=2)
        )
    assert refused.value.error_dict["capacity"][0].code == "capacity_below_accepted"
    with in_scope(secretary):
        date = timezone.localtime(event.starts_at, STOCKHOLM)
        assert formats.date_format(date, "j F Y") in " ".join(refused.value.messages)
    stored = reload(Series, series.pk, "0580")
    assert (stored.capacity, stored.version) == (5, 1)
    with in_scope(secretary):
        services.series_update(
            by=secretary, series=series, version=series.version, values=series_values(secretary, capacity=3)
        )
    assert reload(Series, series.pk, "0580").capacity == 3


def test_more_places_go_to_the_waiting_list_in_order(
    secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    in_scope: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    series = make_series(secretary, capacity=1)
    event = first_meeting(series)
    answered = _yes_from(secretary, make_home, invite, event, 3)
    assert [i.status for i in answered] == ["accepted", "waitlisted", "waitlisted"]
    run_worker_once()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), in_scope(secretary):
        services.series_update(
            by=secretary, series=series, version=1, values=series_values(secretary, capacity=2)
        )
    statuses = [reload(Invitation, i.pk, "0580").status for i in answered]
    assert statuses == ["accepted", "accepted", "waitlisted"]
    stored = reload(Event, event.pk, "0580")
    assert (stored.accepted_count, stored.waitlisted_count) == (2, 1)
    run_worker_once()
    assert [m.to for m in mail.outbox] == [[answered[1].person.email]]


def test_a_stale_series_edit_is_refused(secretary: Any, make_series: Any, in_scope: Any) -> None:
    series = make_series(secretary)
    with in_scope(secretary):
        services.series_update(
            by=secretary, series=series, version=1, values=series_values(secretary, title="Ny")
        )
        with pytest.raises(ConcurrentEdit):
            services.series_update(
                by=secretary, series=series, version=1, values=series_values(secretary, title="Gammal")
            )
    assert reload(Series, series.pk, "0580").title == "Ny"


def test_a_new_weekday_replans_the_meetings_nobody_was_invited_to(
    secretary: Any, make_series: Any, in_scope: Any
) -> None:
    series = make_series(secretary)
    old_ids = {e.pk for e in _events(series)}
    new_weekday = (series.weekday + 1) % 7
    with in_scope(secretary):
        services.series_update(
            by=secretary, series=series, version=1, values=series_values(secretary, weekday=new_weekday)
        )
    events = _events(series)
    assert events
    assert {_local(e.starts_at).weekday() for e in events} == {new_weekday}
    assert not old_ids & {e.pk for e in events}
    assert [e.number for e in events] == list(range(1, len(events) + 1))


def test_a_new_schedule_that_drops_a_meeting_people_said_yes_to_is_refused(
    secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any, in_scope: Any
) -> None:
    series = make_series(secretary)
    event = first_meeting(series)
    _yes_from(secretary, make_home, invite, event, 1)
    before = [(e.pk, e.starts_at) for e in _events(series)]
    with in_scope(secretary), pytest.raises(ValidationError) as refused:
        services.series_update(
            by=secretary,
            series=series,
            version=1,
            values=series_values(secretary, weekday=(series.weekday + 1) % 7),
        )
    assert refused.value.error_list[0].code == "replan_drops_accepted"
    assert [(e.pk, e.starts_at) for e in _events(series)] == before
    assert reload(Series, series.pk, "0580").version == 1


def test_a_new_schedule_cancels_an_invited_meeting_nobody_said_yes_to_and_tells_the_invitees(
    secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    in_scope: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_home(secretary, "Familjen Väntar")
    series = make_series(secretary)
    event = first_meeting(series)
    invite(secretary, event)
    run_worker_once()  # the invitation is sent
    mail.outbox.clear()
    new_weekday = (series.weekday + 1) % 7
    with django_capture_on_commit_callbacks(execute=True), in_scope(secretary):
        services.series_update(
            by=secretary, series=series, version=1, values=series_values(secretary, weekday=new_weekday)
        )
    cancelled = reload(Event, event.pk, "0580")
    assert cancelled.is_cancelled
    assert cancelled.cancel_reason
    others = [e for e in _events(series) if e.pk != event.pk]
    assert {_local(e.starts_at).weekday() for e in others} == {new_weekday}
    assert run_worker_once() == 1
    [message] = mail.outbox
    assert str(_ics_of(message)["STATUS"]) == "CANCELLED"


def test_a_new_place_is_carried_to_the_coming_meetings_but_not_to_one_moved_on_its_own(
    secretary: Any, make_series: Any, in_scope: Any
) -> None:
    series = make_series(secretary)
    events = _events(series)
    with in_scope(secretary):
        services.event_move(
            by=secretary,
            event=events[1],
            version=events[1].version,
            starts_at=events[1].starts_at,
            duration_minutes=120,
            place="Biblioteket",
            video_url="",
        )
        services.series_update(
            by=secretary,
            series=series,
            version=1,
            values=series_values(secretary, place="Stadshuset", title="Träff för jourhem"),
        )
    after = _events(series)
    assert [e.place for e in after] == ["Stadshuset", "Biblioteket", *["Stadshuset"] * (len(after) - 2)]
    assert {e.title for e in after} == {"Träff för jourhem"}
    assert after[0].sequence == 1


def test_moving_a_meeting_raises_its_sequence_and_sends_an_updated_calendar_file(
    secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    in_scope: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    series = make_series(secretary)
    event = first_meeting(series)
    [coming, declining] = _yes_from(secretary, make_home, invite, event, 2)
    answer(declining, "no")
    run_worker_once()
    mail.outbox.clear()
    later = event.starts_at + datetime.timedelta(days=1, hours=1)
    with django_capture_on_commit_callbacks(execute=True), in_scope(secretary):
        moved = services.event_move(
            by=secretary,
            event=reload(Event, event.pk, "0580"),
            version=1,
            starts_at=later,
            duration_minutes=60,
            place="Nya lokalen",
            video_url="",
        )
    assert (moved.sequence, moved.original_starts_at) == (1, event.original_starts_at)
    assert moved.ends_at - moved.starts_at == datetime.timedelta(minutes=60)
    run_worker_once()
    [message] = mail.outbox
    assert message.to == [coming.person.email]
    vevent = _ics_of(message)
    assert vevent.decoded("DTSTART") == _local(later)
    assert int(vevent["SEQUENCE"]) == 1
    assert str(vevent["LOCATION"]) == "Nya lokalen"


def test_a_meeting_cannot_be_moved_into_the_past_or_from_a_stale_page(
    secretary: Any, make_series: Any, first_meeting: Any, in_scope: Any
) -> None:
    event = first_meeting(make_series(secretary))
    with in_scope(secretary):
        with pytest.raises(ValidationError) as past:
            services.event_move(
                by=secretary,
                event=event,
                version=1,
                starts_at=timezone.now() - datetime.timedelta(hours=1),
                duration_minutes=60,
                place="X",
                video_url="",
            )
        assert "starts_at" in past.value.message_dict
        services.event_cancel(by=secretary, event=event, version=1, reason="Storm")
        with pytest.raises(ConcurrentEdit):
            # The page was opened before the cancellation: its version is stale.
            services.event_cancel(by=secretary, event=event, version=1, reason="Igen")


def test_cancelling_tells_those_invited_or_coming_but_not_those_who_declined(
    secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    in_scope: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    series = make_series(secretary, capacity=1)
    event = first_meeting(series)
    for name in ("Ja", "Kö", "Nej", "Tyst"):
        make_home(secretary, f"Familjen {name}")
    invitations = {i.person.last_name: i for i in invite(secretary, event)}
    run_worker_once()
    answer(invitations["Ja"], "yes")
    answer(invitations["Kö"], "yes")
    answer(invitations["Nej"], "no")
    mail.outbox.clear()
    with in_scope(secretary), pytest.raises(ValidationError) as no_reason:
        services.event_cancel(by=secretary, event=event, version=1, reason=" ")
    assert "reason" in no_reason.value.message_dict
    with django_capture_on_commit_callbacks(execute=True), in_scope(secretary):
        services.event_cancel(by=secretary, event=event, version=1, reason="Lokalen är stängd")
    run_worker_once()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        invitations[name].person.email for name in ("Ja", "Kö", "Tyst")
    )
    assert all(str(_ics_of(m)["STATUS"]) == "CANCELLED" for m in mail.outbox)
    assert all("Lokalen är stängd" in m.body for m in mail.outbox)


def test_withdrawing_an_invitation_frees_the_place_for_the_first_on_the_waiting_list(
    secretary: Any, make_home: Any, make_series: Any, first_meeting: Any, invite: Any, in_scope: Any
) -> None:
    series = make_series(secretary, capacity=1)
    event = first_meeting(series)
    coming, waiting = _yes_from(secretary, make_home, invite, event, 2)
    with in_scope(secretary):
        withdrawn = services.invitation_withdraw(by=secretary, invitation=coming)
        with pytest.raises(ValidationError):
            services.invitation_withdraw(by=secretary, invitation=withdrawn)
        entry = ChangeLogEntry.objects.filter(object_type="meetings.invitation").get()
    assert withdrawn.status == "withdrawn"
    assert withdrawn.nonce != coming.nonce
    assert reload(Invitation, waiting.pk, "0580").status == "accepted"
    stored = reload(Event, event.pk, "0580")
    assert (stored.accepted_count, stored.waitlisted_count) == (1, 0)
    assert entry.user == secretary


def test_a_secretary_answers_on_behalf_with_history_but_not_for_another_municipality(
    secretary: Any,
    other_secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    in_scope: Any,
) -> None:
    make_home(secretary, "Familjen Telefon", email="")
    event = first_meeting(make_series(secretary))
    [invitation] = invite(secretary, event)
    with in_scope(secretary):
        answered = services.invitation_answer_on_behalf(by=secretary, invitation=invitation, answer="yes")
        entry = ChangeLogEntry.objects.get(object_type="meetings.invitation")
    assert answered.status == "accepted"
    assert entry.changes["status"]["before"] != entry.changes["status"]["after"]
    with in_scope(other_secretary), pytest.raises(ValidationError):
        services.invitation_answer_on_behalf(by=other_secretary, invitation=invitation, answer="no")
    assert reload(Invitation, invitation.pk, "0580").status == "accepted"


def test_a_partner_municipality_answers_on_behalf_of_its_own_family_for_a_regional_meeting(
    secretary: Any,
    other_secretary: Any,
    make_home: Any,
    make_series: Any,
    first_meeting: Any,
    invite: Any,
    region: Any,
    in_scope: Any,
) -> None:
    region("0580", "0581")
    make_home(other_secretary, "Familjen Granne")
    event = first_meeting(make_series(secretary, audience_municipality_ids=("0580", "0581")))
    [invitation] = invite(secretary, event, codes=("0581",))
    with in_scope(other_secretary):
        services.invitation_answer_on_behalf(by=other_secretary, invitation=invitation, answer="yes")
    assert reload(Event, event.pk, "0580").accepted_count == 1
