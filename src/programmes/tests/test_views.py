"""Programme pages: forms save through the services, bad input is shown on the page
and changes nothing, and another municipality's objects answer 404."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLogEntry
from meetings.models import Attendance, Event, Series
from meetings.recurrence import STOCKHOLM
from programmes import services
from programmes.models import Cohort, CohortMember, Programme, Session
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock

YEAR_2026 = {"starts_on": datetime.date(2026, 1, 1), "ends_on": datetime.date(2026, 12, 31)}


def _sessions(cohort: Cohort) -> list[Session]:
    with municipality_scope(cohort.municipality_id):
        return list(Session.objects.filter(cohort=cohort).order_by("number"))


def _programme_post(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Brukarmentorer",
        "description": "Brukare möter nya socialsekreterare.",
        "participant_kind": "staff",
        "sessions_per_cohort": "8",
        "start_time": "13:00",
        "duration_minutes": "120",
        "place": "Stadshuset",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        **overrides,
    }


# --- Programmes ------------------------------------------------------------------------------


def test_the_list_shows_the_municipalitys_programmes_with_their_cohort_counts(
    client: Any, secretary: Any, other_secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, name="Brukarmentorer 2026")
    make_cohort(secretary, programme, name="A")
    make_cohort(secretary, programme, name="B")
    make_programme(other_secretary, name="Norrköpings program")
    client.force_login(secretary)
    response = client.get("/program/")
    page = response.content.decode()
    assert "Brukarmentorer 2026" in page
    assert "Norrköpings program" not in page
    assert [p.cohort_count for p in response.context["programmes"]] == [2]


def test_creating_a_programme_through_the_form(client: Any, secretary: Any) -> None:
    client.force_login(secretary)
    response = client.post("/program/ny/", _programme_post())
    with municipality_scope("0580"):
        programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/program/{programme.pk}/"
    assert (programme.name, programme.sessions_per_cohort, programme.created_by) == (
        "Brukarmentorer",
        8,
        secretary,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},
        {"sessions_per_cohort": "0"},
        {"sessions_per_cohort": "21"},
        {"duration_minutes": "500"},
        {"ends_on": "2025-12-31"},
        {"start_time": "25:00"},
    ],
)
def test_a_programme_form_with_bad_input_shows_errors_and_saves_nothing(
    client: Any, secretary: Any, overrides: dict[str, str]
) -> None:
    client.force_login(secretary)
    response = client.post("/program/ny/", _programme_post(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()
    with municipality_scope("0580"):
        assert Programme.objects.count() == 0


def test_the_programme_page_shows_the_period_shape_and_cohorts_with_dates(
    client: Any, secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    make_cohort(secretary, programme, name="Vårgruppen", starts_on=datetime.date(2026, 5, 7))
    client.force_login(secretary)
    page = client.get(f"/program/{programme.pk}/").content.decode()
    assert "2026-01-01 – 2026-12-31" in page
    assert "Vårgruppen" in page
    assert "2026-05-07" in page and "2026-07-02" in page


def test_editing_a_programme_and_a_stale_edit_is_refused(
    client: Any, secretary: Any, make_programme: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    client.force_login(secretary)
    form = client.get(f"/program/{programme.pk}/andra/")
    assert form.context["form"].initial["version"] == 1
    saved = client.post(f"/program/{programme.pk}/andra/", _programme_post(name="Nytt namn", version="1"))
    assert saved.status_code == 302
    stale = client.post(f"/program/{programme.pk}/andra/", _programme_post(name="Gammalt", version="1"))
    assert stale.status_code == 400
    assert stale.context["form"].non_field_errors()
    with municipality_scope("0580"):
        assert Programme.objects.get(pk=programme.pk).name == "Nytt namn"


# --- Cohorts ---------------------------------------------------------------------------------


def test_creating_a_cohort_shows_its_eight_generated_sessions_and_the_skipped_holiday(
    client: Any, secretary: Any, make_programme: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    client.force_login(secretary)
    form = client.get(f"/program/{programme.pk}/kohort/ny/")
    assert form.context["form"].initial["start_time"] == datetime.time(13, 0)
    response = client.post(
        f"/program/{programme.pk}/kohort/ny/",
        {
            "name": "Vårgruppen",
            "starts_on": "2026-05-07",
            "start_time": "13:00",
            "duration_minutes": "120",
            "place": "Stadshuset",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    rows = response.context["detail"].sessions
    assert len(rows) == 8
    assert [row.starts_at.date().isoformat() for row in rows][:2] == ["2026-05-07", "2026-05-21"]
    assert page.count('class="session') == 8
    assert "2026-07-02" in page
    assert "Kristi himmelsfärdsdag" in page


def test_a_cohort_outside_the_period_is_refused_on_the_form_naming_the_date(
    client: Any, secretary: Any, make_programme: Any
) -> None:
    programme = make_programme(
        secretary, starts_on=datetime.date(2026, 5, 1), ends_on=datetime.date(2026, 6, 30)
    )
    client.force_login(secretary)
    response = client.post(
        f"/program/{programme.pk}/kohort/ny/",
        {"name": "För sent", "starts_on": "2026-05-07", "start_time": "13:00", "duration_minutes": "120"},
    )
    assert response.status_code == 400
    assert "2026-07-02" in response.content.decode()
    with municipality_scope("0580"):
        assert (Cohort.objects.count(), Event.objects.count()) == (0, 0)


def test_the_cohort_page_writes_the_access_log(client: Any, secretary: Any, make_cohort: Any) -> None:
    cohort = make_cohort(secretary)
    client.force_login(secretary)
    assert client.get(f"/program/kohort/{cohort.pk}/").status_code == 200
    with municipality_scope("0580"):
        entry = AccessLogEntry.objects.get(object_type="programmes.cohort")
    assert (entry.object_id, entry.user) == (str(cohort.pk), secretary)


def test_adding_and_removing_members_through_the_cohort_page(
    client: Any, secretary: Any, make_user: Any, other_secretary: Any, make_cohort: Any, make_user_mentor: Any
) -> None:
    cohort = make_cohort(secretary)
    newcomer = make_user(first_name="Nora", last_name="Nyanställd")
    mentor = make_user_mentor(secretary, first_name="Ulla", last_name="Brukare")
    make_user_mentor(secretary, first_name="Rut", last_name="Rekryt", status="training")
    client.force_login(secretary)
    page = client.get(f"/program/kohort/{cohort.pk}/")
    staff_choices = page.context["participant_form"].fields["who"].queryset
    assert newcomer in staff_choices and other_secretary not in staff_choices
    assert [str(p) for p in page.context["mentor_form"].fields["who"].queryset] == ["Ulla Brukare"]
    added = client.post(f"/program/kohort/{cohort.pk}/deltagare/", {"participant-who": newcomer.pk})
    assert added.status_code == 302
    assert client.post(f"/program/kohort/{cohort.pk}/mentorer/", {"mentor-who": mentor.pk}).status_code == 302
    page = client.get(f"/program/kohort/{cohort.pk}/").content.decode()
    assert "Nora Nyanställd" in page and "Ulla Brukare" in page
    with municipality_scope("0580"):
        member = CohortMember.objects.get(user=newcomer)
    assert client.post(f"/program/medlem/{member.pk}/lamnar/").status_code == 302
    with municipality_scope("0580"):
        assert CohortMember.objects.get(pk=member.pk).left_on == timezone.localdate()


def test_adding_someone_who_cannot_be_a_member_shows_an_error_and_adds_nothing(
    client: Any, secretary: Any, other_secretary: Any, make_cohort: Any, make_user_mentor: Any
) -> None:
    cohort = make_cohort(secretary)
    recruit = make_user_mentor(secretary, status="training")
    client.force_login(secretary)
    for url, data in [
        (f"/program/kohort/{cohort.pk}/deltagare/", {"participant-who": other_secretary.pk}),
        (f"/program/kohort/{cohort.pk}/deltagare/", {"participant-who": ""}),
        (f"/program/kohort/{cohort.pk}/mentorer/", {"mentor-who": recruit.pk}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400
        assert (
            'class="error-summary"' in response.content.decode()
            or "field--error" in response.content.decode()
        )
    with municipality_scope("0580"):
        assert CohortMember.objects.count() == 0


def test_the_cohort_page_costs_the_same_for_2_and_10_members(
    client: Any, secretary: Any, make_user: Any, make_cohort: Any, add_member: Any
) -> None:
    cohort = make_cohort(secretary)
    client.force_login(secretary)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/program/kohort/{cohort.pk}/").status_code == 200
        return len(captured.captured_queries)

    def add(n: int) -> None:
        members = [add_member(secretary, cohort, user=make_user()) for _ in range(n)]
        with municipality_scope("0580"):
            for session in _sessions(cohort)[:2]:
                services.session_attendance_record(
                    by=secretary, session=session, present={m.pk: True for m in members}
                )

    add(2)
    few = queries()
    add(8)
    assert queries() == few


# --- Sessions ---------------------------------------------------------------------------------


def test_moving_a_session_through_its_page(
    client: Any, secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    cohort = make_cohort(secretary, programme, starts_on=datetime.date(2026, 9, 3))
    session = _sessions(cohort)[1]
    client.force_login(secretary)
    page = client.get(f"/program/traff/{session.pk}/")
    assert page.context["move_form"].initial["date"] == datetime.date(2026, 9, 10)
    response = client.post(
        f"/program/traff/{session.pk}/flytta/",
        {
            "move-version": "1",
            "move-date": "2026-09-11",
            "move-time": "09:00",
            "move-duration_minutes": "90",
            "move-place": "Rum 2",
        },
    )
    assert response.status_code == 302
    with municipality_scope("0580"):
        moved = Event.objects.get(pk=session.pk)
    assert moved.starts_at == datetime.datetime(2026, 9, 11, 9, 0, tzinfo=STOCKHOLM)
    page = client.get(f"/program/kohort/{cohort.pk}/").content.decode()
    assert "2026-09-10 13:00" in page  # "planned for …"


def test_moving_onto_another_session_shows_the_overlap_and_changes_nothing(
    client: Any, secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    cohort = make_cohort(secretary, programme, starts_on=datetime.date(2026, 9, 3))
    second = _sessions(cohort)[1]
    client.force_login(secretary)
    for day, at in [("2026-09-17", "14:00"), ("2027-01-14", "13:00"), ("2026-09-31", "13:00")]:
        data = {"move-version": "1", "move-date": day, "move-time": at, "move-duration_minutes": "60"}
        response = client.post(f"/program/traff/{second.pk}/flytta/", data)
        assert response.status_code == 400
        assert response.context["move_form"].errors
    with municipality_scope("0580"):
        assert Event.objects.get(pk=second.pk).version == 1


def test_cancelling_and_restoring_through_the_session_page(
    client: Any, secretary: Any, make_cohort: Any
) -> None:
    cohort = make_cohort(secretary)
    session = _sessions(cohort)[3]
    client.force_login(secretary)
    missing_reason = client.post(
        f"/program/traff/{session.pk}/stall-in/", {"cancel-version": "1", "cancel-reason": ""}
    )
    assert missing_reason.status_code == 400
    assert (
        client.post(
            f"/program/traff/{session.pk}/stall-in/", {"cancel-version": "1", "cancel-reason": "Ledaren sjuk"}
        ).status_code
        == 302
    )
    page = client.get(f"/program/kohort/{cohort.pk}/").content.decode()
    assert "Ledaren sjuk" in page
    assert client.post(f"/program/traff/{session.pk}/aterstall/", {"restore-version": "2"}).status_code == 302
    with municipality_scope("0580"):
        assert not Event.objects.get(pk=session.pk).is_cancelled


def test_recording_attendance_with_a_checkbox_per_member(
    client: Any, secretary: Any, make_user: Any, make_cohort: Any, make_user_mentor: Any, add_member: Any
) -> None:
    cohort = make_cohort(secretary)
    anna = add_member(secretary, cohort, user=make_user(first_name="Anna", last_name="A"))
    mentor = add_member(secretary, cohort, role="mentor", person=make_user_mentor(secretary))
    session = _sessions(cohort)[0]
    client.force_login(secretary)
    form = client.get(f"/program/traff/{session.pk}/narvaro/").context["form"]
    assert set(form.fields) == {f"member_{anna.pk}", f"member_{mentor.pk}"}
    response = client.post(f"/program/traff/{session.pk}/narvaro/", {f"member_{anna.pk}": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/program/kohort/{cohort.pk}/"
    with municipality_scope("0580"):
        marks = {(a.user_id, a.person_id): a.is_present for a in Attendance.objects.filter(event=session)}
    assert marks == {(anna.user_id, None): True, (None, mentor.person_id): False}
    again = client.get(f"/program/traff/{session.pk}/narvaro/").context["form"]
    assert again.fields[f"member_{anna.pk}"].initial is True
    assert again.fields[f"member_{mentor.pk}"].initial is False
    grid = client.get(f"/program/kohort/{cohort.pk}/").context["detail"].grid
    assert [row.rate for row in grid.rows] == [0.0, 1.0]  # the mentor first, then the participant


def test_attendance_for_a_session_that_has_not_happened_is_refused(
    client: Any, secretary: Any, make_user: Any, make_cohort: Any, add_member: Any
) -> None:
    cohort = make_cohort(secretary, starts_on=timezone.localdate() + datetime.timedelta(days=7))
    member = add_member(secretary, cohort, user=make_user())
    session = _sessions(cohort)[0]
    client.force_login(secretary)
    response = client.post(f"/program/traff/{session.pk}/narvaro/", {f"member_{member.pk}": "on"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    with municipality_scope("0580"):
        assert Attendance.objects.count() == 0


# --- Tenancy and permissions ------------------------------------------------------------------


def test_every_object_url_of_another_municipality_answers_404(
    client: Any, secretary: Any, other_secretary: Any, make_cohort: Any, add_member: Any, make_user: Any
) -> None:
    cohort = make_cohort(secretary)
    member = add_member(secretary, cohort, user=make_user())
    session = _sessions(cohort)[0]
    programme = cohort.programme
    client.force_login(other_secretary)
    gets = [
        f"/program/{programme.pk}/",
        f"/program/{programme.pk}/andra/",
        f"/program/{programme.pk}/kohort/ny/",
        f"/program/kohort/{cohort.pk}/",
        f"/program/traff/{session.pk}/",
        f"/program/traff/{session.pk}/narvaro/",
    ]
    posts = [
        f"/program/{programme.pk}/andra/",
        f"/program/{programme.pk}/kohort/ny/",
        f"/program/kohort/{cohort.pk}/deltagare/",
        f"/program/kohort/{cohort.pk}/mentorer/",
        f"/program/medlem/{member.pk}/lamnar/",
        f"/program/traff/{session.pk}/flytta/",
        f"/program/traff/{session.pk}/stall-in/",
        f"/program/traff/{session.pk}/aterstall/",
        f"/program/traff/{session.pk}/narvaro/",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"version": "1", "reason": "x"}).status_code == 404, url
    with municipality_scope("0580"):
        assert CohortMember.objects.get(pk=member.pk).left_on is None
        assert not Event.objects.get(pk=session.pk).is_cancelled


def test_a_network_meeting_is_not_reachable_as_a_programme_session(client: Any, secretary: Any) -> None:
    start = timezone.now() - datetime.timedelta(days=3)
    with municipality_scope("0580"):
        series = Series.objects.create(
            municipality_id="0580",
            title="Samtalsträff",
            frequency="monthly",
            weekday=1,
            week_of_month=1,
            starts_on=start.date(),
            ends_on=start.date() + datetime.timedelta(days=90),
            start_time=datetime.time(18, 0),
            responsible=secretary,
        )
        meeting = Event.objects.create(
            municipality_id="0580",
            kind="meeting",
            series=series,
            number=1,
            title="Samtalsträff",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            original_starts_at=start,
        )
    client.force_login(secretary)
    assert client.get(f"/program/traff/{meeting.pk}/").status_code == 404
    assert client.get(f"/program/traff/{meeting.pk}/narvaro/").status_code == 404


def test_an_administrator_cannot_open_the_programmes(client: Any, make_user: Any, make_cohort: Any) -> None:
    admin = make_user(role="administrator")
    client.force_login(admin)
    assert client.get("/program/").status_code == 403
