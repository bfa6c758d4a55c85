"""Programme services: generated sessions, holidays, period and overlap rules,
moving and cancelling, who can be a member, attendance, and the attendance grid."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import ChangeLogEntry
from kernel.records import ConcurrentEdit
from meetings.models import Attendance, Event
from meetings.recurrence import STOCKHOLM
from programmes import selectors, services
from programmes.models import Cohort, CohortMember, Programme, Session
from register import services as register_services
from tenancy.scope import municipality_scope

# Dates here are counted from the test clock (conftest.py travels to BOLLPLANK_TEST_NOW with
# time_machine); `clock`: scripts/test runs this module again at awkward instants.
pytestmark = pytest.mark.clock

YEAR_2026 = {"starts_on": datetime.date(2026, 1, 1), "ends_on": datetime.date(2026, 12, 31)}


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, STOCKHOLM)


def _sessions(cohort: Cohort) -> list[Session]:
    return list(Session.objects.filter(cohort=cohort).order_by("number"))


# --- Programmes ---------------------------------------------------------------------------


def test_a_new_programme_gets_a_secret_pseudonym_key_and_a_history_entry(
    secretary: Any, make_programme: Any
) -> None:
    first = make_programme(secretary)
    second = make_programme(secretary, name="Andra")
    with municipality_scope("0580"):
        assert len(first.pseudonym_key) == 64
        int(first.pseudonym_key, 16)
        assert first.pseudonym_key != second.pseudonym_key
        entry = ChangeLogEntry.objects.get(object_type="programmes.programme", object_id=str(first.pk))
        assert entry.action == "create"
        assert "pseudonym_key" not in entry.changes


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"sessions_per_cohort": 0}, "sessions_per_cohort"),
        ({"sessions_per_cohort": 21}, "sessions_per_cohort"),
        ({"duration_minutes": 14}, "duration_minutes"),
        ({"duration_minutes": 481}, "duration_minutes"),
        ({"starts_on": datetime.date(2026, 6, 1), "ends_on": datetime.date(2026, 5, 31)}, "ends_on"),
        ({"participant_kind": "volunteers"}, "participant_kind"),
    ],
)
def test_a_programme_with_bad_input_is_refused_and_nothing_is_saved(
    secretary: Any, make_programme: Any, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_programme(secretary, **overrides)
    assert field in refused.value.message_dict
    with municipality_scope("0580"):
        assert Programme.objects.count() == 0


def test_a_programme_update_based_on_a_stale_version_is_refused(secretary: Any, make_programme: Any) -> None:
    programme = make_programme(secretary)
    with municipality_scope("0580"):
        services.programme_update(by=secretary, programme=programme, version=1, place="Rum 5")
        stale = Programme.objects.get(pk=programme.pk)
        stale.version = 1
        with pytest.raises(ConcurrentEdit):
            services.programme_update(by=secretary, programme=stale, version=1, place="Rum 7")
        stored = Programme.objects.get(pk=programme.pk)
        assert (stored.place, stored.version) == ("Rum 5", 2)


def test_the_period_cannot_shrink_past_a_planned_session(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    make_cohort(secretary, programme, starts_on=datetime.date(2026, 9, 3))
    with municipality_scope("0580"):
        with pytest.raises(ValidationError) as refused:
            services.programme_update(
                by=secretary, programme=programme, version=1, ends_on=datetime.date(2026, 10, 1)
            )
        assert "2026-10-08" in refused.value.message_dict["ends_on"][0]
        assert Programme.objects.get(pk=programme.pk).ends_on == datetime.date(2026, 12, 31)
        services.programme_update(
            by=secretary, programme=programme, version=1, ends_on=datetime.date(2026, 10, 22)
        )


def test_who_the_participants_are_cannot_change_once_there_are_participants(
    secretary: Any, make_user: Any, make_cohort: Any, add_member: Any
) -> None:
    cohort = make_cohort(secretary)
    add_member(secretary, cohort, user=make_user())
    with municipality_scope("0580"), pytest.raises(ValidationError) as refused:
        services.programme_update(
            by=secretary, programme=cohort.programme, version=1, participant_kind="assignees"
        )
    assert "participant_kind" in refused.value.message_dict


# --- Cohorts and generated sessions -------------------------------------------------------


def test_a_cohort_gets_the_programmes_number_of_weekly_sessions_at_local_time(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    # Thursdays from 8 October 2026: daylight-saving time ends on 25 October.
    programme = make_programme(secretary, **YEAR_2026, duration_minutes=90)
    cohort = make_cohort(secretary, programme, name="Höstgruppen", starts_on=datetime.date(2026, 10, 8))
    with municipality_scope("0580"):
        sessions = _sessions(cohort)
    assert [s.number for s in sessions] == list(range(1, 9))
    assert {(s.kind, s.cohort_id) for s in sessions} == {("session", cohort.pk)}
    starts = [_local(s.starts_at) for s in sessions]
    assert [d.date() for d in starts][:4] == [datetime.date(2026, 10, d) for d in (8, 15, 22, 29)]
    assert {(d.hour, d.minute) for d in starts} == {(13, 0)}
    assert {_local(s.ends_at).time() for s in sessions} == {datetime.time(14, 30)}
    assert all(s.original_starts_at == s.starts_at for s in sessions)
    assert {s.place for s in sessions} == {"Stadshuset, rum 3"}
    assert all("Höstgruppen" in s.title and str(s.number) in s.title for s in sessions)
    assert (cohort.start_time, cohort.duration_minutes) == (datetime.time(13, 0), 90)


def test_a_cohort_can_set_its_own_time_length_and_place(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    cohort = make_cohort(
        secretary,
        programme,
        starts_on=datetime.date(2026, 3, 2),
        start_time=datetime.time(9, 30),
        duration_minutes=60,
        place="Biblioteket",
    )
    with municipality_scope("0580"):
        first = _sessions(cohort)[0]
    assert _local(first.starts_at).time() == datetime.time(9, 30)
    assert first.ends_at - first.starts_at == datetime.timedelta(minutes=60)
    assert first.place == "Biblioteket"


def test_a_cohort_starting_the_thursday_before_ascension_day_skips_it(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    cohort = make_cohort(secretary, programme, starts_on=datetime.date(2026, 5, 7))
    with municipality_scope("0580"):
        days = [_local(s.starts_at).date() for s in _sessions(cohort)]
    assert len(days) == 8
    assert datetime.date(2026, 5, 14) not in days
    assert days[1] == datetime.date(2026, 5, 21)
    assert days[-1] == datetime.date(2026, 7, 2)


def test_a_first_session_outside_the_period_is_refused_naming_the_date(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    with pytest.raises(ValidationError) as refused:
        make_cohort(secretary, programme, starts_on=datetime.date(2025, 12, 18))
    assert "2025-12-18" in refused.value.message_dict["starts_on"][0]
    with municipality_scope("0580"):
        assert (Cohort.objects.count(), Event.objects.count()) == (0, 0)


def test_a_later_session_past_the_end_of_the_period_is_refused_naming_the_date(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(
        secretary, starts_on=datetime.date(2026, 5, 1), ends_on=datetime.date(2026, 6, 30)
    )
    with pytest.raises(ValidationError) as refused:
        # Eight Thursdays from 7 May skipping Ascension Day end on 2 July.
        make_cohort(secretary, programme, starts_on=datetime.date(2026, 5, 7))
    message = refused.value.message_dict["starts_on"][0]
    assert "2026-07-02" in message
    with municipality_scope("0580"):
        assert (Cohort.objects.count(), Event.objects.count()) == (0, 0)


def test_a_cohort_that_already_ran_can_be_registered(secretary: Any, make_cohort: Any) -> None:
    cohort = make_cohort(secretary, starts_on=timezone.localdate() - datetime.timedelta(weeks=20))
    with municipality_scope("0580"):
        assert all(s.starts_at < timezone.now() for s in _sessions(cohort))


def test_a_second_cohort_with_the_same_name_and_bad_lengths_are_refused(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary)
    make_cohort(secretary, programme, name="Våren")
    with pytest.raises(ValidationError) as refused:
        make_cohort(secretary, programme, name="våren ", duration_minutes=5)
    assert set(refused.value.message_dict) == {"name", "duration_minutes"}
    with municipality_scope("0580"):
        assert Cohort.objects.count() == 1


def test_a_cohort_in_another_municipalitys_programme_is_refused(
    secretary: Any, other_secretary: Any, make_programme: Any
) -> None:
    programme = make_programme(secretary)
    with municipality_scope("0581"), pytest.raises(ValidationError):
        services.cohort_create(
            by=other_secretary, programme=programme, name="Intrång", starts_on=timezone.localdate()
        )
    with municipality_scope("0580"):
        assert Cohort.objects.count() == 0


# --- Moving, cancelling, restoring --------------------------------------------------------


def _fresh(session: Session) -> Session:
    return Session.objects.select_related("cohort__programme").get(pk=session.pk)


def test_moving_a_session_keeps_its_original_time_and_raises_the_sequence(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    cohort = make_cohort(secretary, programme, starts_on=datetime.date(2026, 9, 3))
    with municipality_scope("0580"):
        session = _sessions(cohort)[1]
        original = session.starts_at
        new_start = datetime.datetime(2026, 9, 11, 9, 0, tzinfo=STOCKHOLM)
        services.session_move(
            by=secretary, session=session, version=1, starts_at=new_start, duration_minutes=60, place="Rum 2"
        )
        moved = _fresh(session)
        assert (moved.starts_at, moved.ends_at - moved.starts_at) == (new_start, datetime.timedelta(hours=1))
        assert (moved.original_starts_at, moved.place, moved.sequence, moved.version) == (
            original,
            "Rum 2",
            1,
            2,
        )
        assert ChangeLogEntry.objects.filter(object_type="meetings.event", object_id=str(session.pk)).exists()


def test_a_session_cannot_be_moved_onto_another_session_of_the_cohort(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    cohort = make_cohort(secretary, programme, starts_on=datetime.date(2026, 9, 3))
    with municipality_scope("0580"):
        second, third = _sessions(cohort)[1:3]
        overlapping = third.starts_at + datetime.timedelta(minutes=30)
        with pytest.raises(ValidationError) as refused:
            services.session_move(
                by=secretary, session=second, version=1, starts_at=overlapping, duration_minutes=120, place=""
            )
        assert refused.value.code == "overlap"
        assert _fresh(second).starts_at == second.starts_at
        # Right after the other session ends is fine.
        services.session_move(
            by=secretary, session=second, version=1, starts_at=third.ends_at, duration_minutes=60, place=""
        )


def test_a_session_of_another_cohort_at_the_same_time_is_no_overlap(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    first = make_cohort(secretary, programme, name="A", starts_on=datetime.date(2026, 9, 3))
    other = make_cohort(secretary, programme, name="B", starts_on=datetime.date(2026, 9, 4))
    with municipality_scope("0580"):
        session = _sessions(other)[0]
        target = _sessions(first)[0].starts_at
        moved = services.session_move(
            by=secretary, session=session, version=1, starts_at=target, duration_minutes=120, place=""
        )
        assert moved.starts_at == target
        assert Event.objects.get(pk=session.pk).starts_at == target


def test_a_session_cannot_be_moved_outside_the_programme_period(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    cohort = make_cohort(secretary, programme, starts_on=datetime.date(2026, 9, 3))
    with municipality_scope("0580"):
        session = _sessions(cohort)[7]
        with pytest.raises(ValidationError) as refused:
            services.session_move(
                by=secretary,
                session=session,
                version=1,
                starts_at=datetime.datetime(2027, 1, 7, 13, 0, tzinfo=STOCKHOLM),
                duration_minutes=120,
                place="",
            )
        assert refused.value.code == "outside_period"
        assert "2027-01-07" in refused.value.messages[0]
        assert _fresh(session).version == 1


def test_a_stale_move_is_refused(secretary: Any, make_programme: Any, make_cohort: Any) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    cohort = make_cohort(secretary, programme, starts_on=datetime.date(2026, 9, 3))
    with municipality_scope("0580"):
        session = _sessions(cohort)[0]
        later = session.starts_at + datetime.timedelta(hours=2)
        services.session_move(
            by=secretary, session=_fresh(session), version=1, starts_at=later, duration_minutes=60, place=""
        )
        with pytest.raises(ConcurrentEdit):
            services.session_move(
                by=secretary, session=session, version=1, starts_at=later, duration_minutes=30, place=""
            )
        assert _fresh(session).ends_at == later + datetime.timedelta(minutes=60)


def test_cancelling_and_restoring_a_session(secretary: Any, make_programme: Any, make_cohort: Any) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    cohort = make_cohort(secretary, programme, starts_on=datetime.date(2026, 9, 3))
    with municipality_scope("0580"):
        session = _sessions(cohort)[2]
        with pytest.raises(ValidationError) as no_reason:
            services.session_cancel(by=secretary, session=session, version=1, reason="  ")
        assert "reason" in no_reason.value.message_dict
        services.session_cancel(by=secretary, session=session, version=1, reason="Sjukdom")
        cancelled = _fresh(session)
        assert (cancelled.is_cancelled, cancelled.cancel_reason, cancelled.sequence) == (True, "Sjukdom", 1)
        with pytest.raises(ValidationError):
            services.session_cancel(by=secretary, session=cancelled, version=2, reason="Igen")
        with pytest.raises(ValidationError):
            services.session_move(
                by=secretary,
                session=cancelled,
                version=2,
                starts_at=cancelled.starts_at,
                duration_minutes=60,
                place="",
            )
        services.session_restore(by=secretary, session=cancelled, version=2)
        restored = _fresh(session)
        assert (restored.is_cancelled, restored.cancel_reason, restored.sequence) == (False, "", 2)
        with pytest.raises(ValidationError):
            services.session_restore(by=secretary, session=restored, version=3)


def test_a_cancelled_sessions_slot_can_be_taken_and_then_it_cannot_be_restored(
    secretary: Any, make_programme: Any, make_cohort: Any
) -> None:
    programme = make_programme(secretary, **YEAR_2026)
    cohort = make_cohort(secretary, programme, starts_on=datetime.date(2026, 9, 3))
    with municipality_scope("0580"):
        second, third = _sessions(cohort)[1:3]
        services.session_cancel(by=secretary, session=third, version=1, reason="Flyttas")
        services.session_move(
            by=secretary,
            session=second,
            version=1,
            starts_at=third.starts_at,
            duration_minutes=120,
            place="",
        )
        with pytest.raises(ValidationError) as refused:
            services.session_restore(by=secretary, session=_fresh(third), version=2)
        assert refused.value.code == "overlap"
        assert _fresh(third).is_cancelled


# --- Members ---------------------------------------------------------------------------------


def test_staff_of_the_municipality_join_a_staff_programme_and_mentors_hold_a_user_mentor_assignment(
    secretary: Any, make_user: Any, make_cohort: Any, make_user_mentor: Any, add_member: Any
) -> None:
    cohort = make_cohort(secretary)
    newcomer = make_user(first_name="Nora", last_name="Ny")
    mentor = make_user_mentor(secretary)
    paused = make_user_mentor(secretary, first_name="Per", status="approved")
    add_member(secretary, cohort, user=newcomer)
    add_member(secretary, cohort, role="mentor", person=mentor)
    add_member(secretary, cohort, role="mentor", person=paused)
    with municipality_scope("0580"):
        members = {(m.role, m.user_id, m.person_id) for m in CohortMember.objects.filter(cohort=cohort)}
    assert members == {
        ("participant", newcomer.pk, None),
        ("mentor", None, mentor.pk),
        ("mentor", None, paused.pk),
    }


def test_member_rules_refuse_wrong_kinds_other_municipalities_and_duplicates(
    secretary: Any,
    make_user: Any,
    other_secretary: Any,
    make_cohort: Any,
    make_user_mentor: Any,
    make_family: Any,
    add_member: Any,
) -> None:
    cohort = make_cohort(secretary)
    recruit = make_user_mentor(secretary, first_name="Rut", status="training")
    mentor = make_user_mentor(secretary)
    family = make_family(secretary)
    administrator = make_user(role="administrator")
    inactive = make_user(is_active=False)
    add_member(secretary, cohort, user=secretary)
    refusals = [
        {"user": other_secretary},  # another municipality
        {"user": administrator},  # not a participant role
        {"user": inactive},
        {"person": family.member},  # a staff programme takes staff
        {"user": secretary},  # already a member
        {"role": "mentor", "person": recruit},  # user-mentor still in training
        {"role": "mentor", "user": make_user()},  # staff are not mentors
        {"role": "mentor", "person": family.member},  # no user-mentor assignment
        {"role": "observer", "user": make_user()},
        {"user": make_user(), "person": mentor},
    ]
    for who in refusals:
        with pytest.raises(ValidationError):
            add_member(secretary, cohort, **who)
    with municipality_scope("0580"):
        assert CohortMember.objects.filter(cohort=cohort).count() == 1


def test_an_assignee_programme_takes_persons_with_an_open_assignment(
    secretary: Any, make_programme: Any, make_cohort: Any, make_family: Any, add_member: Any
) -> None:
    programme = make_programme(secretary, participant_kind="assignees", name="Nya familjehem")
    cohort = make_cohort(secretary, programme)
    family = make_family(secretary)
    add_member(secretary, cohort, person=family.member)
    with municipality_scope("0580"):
        loner = register_services.person_create(by=secretary, first_name="Ove", last_name="Ensam")
    for who in ({"person": loner}, {"user": secretary}):
        with pytest.raises(ValidationError):
            add_member(secretary, cohort, **who)


def test_a_member_who_leaves_keeps_the_row_and_may_rejoin(
    secretary: Any, make_user: Any, make_cohort: Any, add_member: Any
) -> None:
    cohort = make_cohort(secretary)
    member = add_member(secretary, cohort, user=make_user())
    with municipality_scope("0580"):
        services.cohort_member_remove(by=secretary, member=member)
        assert CohortMember.objects.get(pk=member.pk).left_on == timezone.localdate()
        with pytest.raises(ValidationError):
            services.cohort_member_remove(by=secretary, member=member)
        rejoined = services.cohort_member_add(
            by=secretary, cohort=cohort, role="participant", user=member.user
        )
        assert (rejoined.pk, rejoined.left_on) == (member.pk, None)


# --- Attendance -----------------------------------------------------------------------------


def test_attendance_is_recorded_for_staff_and_person_members(
    secretary: Any, make_user: Any, make_cohort: Any, make_user_mentor: Any, add_member: Any
) -> None:
    cohort = make_cohort(secretary)
    staff = add_member(secretary, cohort, user=make_user())
    mentor = add_member(secretary, cohort, role="mentor", person=make_user_mentor(secretary))
    with municipality_scope("0580"):
        session = _sessions(cohort)[0]
        changed = services.session_attendance_record(
            by=secretary, session=session, present={staff.pk: True, mentor.pk: False}
        )
        assert changed == 2
        marks = {(a.user_id, a.person_id, a.is_present) for a in Attendance.objects.filter(event=session)}
        assert marks == {(staff.user_id, None, True), (None, mentor.person_id, False)}
        services.session_attendance_record(by=secretary, session=session, present={mentor.pk: True})
        assert Attendance.objects.get(event=session, person_id=mentor.person_id).is_present


def test_attendance_is_refused_for_non_members_future_and_cancelled_sessions(
    secretary: Any, make_user: Any, make_programme: Any, make_cohort: Any, add_member: Any
) -> None:
    programme = make_programme(secretary)
    cohort = make_cohort(secretary, programme)
    other_cohort = make_cohort(secretary, programme, name="Annan")
    stranger = add_member(secretary, other_cohort, user=make_user())
    member = add_member(secretary, cohort, user=make_user())
    future = make_cohort(
        secretary, programme, name="Framtid", starts_on=timezone.localdate() + datetime.timedelta(days=7)
    )
    with municipality_scope("0580"):
        held = _sessions(cohort)
        with pytest.raises(ValidationError):
            services.session_attendance_record(by=secretary, session=held[0], present={stranger.pk: True})
        services.session_cancel(by=secretary, session=held[1], version=1, reason="Sjukdom")
        with pytest.raises(ValidationError):
            services.session_attendance_record(
                by=secretary, session=_fresh(held[1]), present={member.pk: True}
            )
        future_member = services.cohort_member_add(
            by=secretary, cohort=future, role="participant", user=member.user
        )
        with pytest.raises(ValidationError):
            services.session_attendance_record(
                by=secretary, session=_sessions(future)[0], present={future_member.pk: True}
            )
        assert Attendance.objects.count() == 0


def test_a_session_with_attendance_cannot_be_cancelled_or_moved_into_the_future(
    secretary: Any, make_user: Any, make_cohort: Any, add_member: Any
) -> None:
    cohort = make_cohort(secretary)
    member = add_member(secretary, cohort, user=make_user())
    with municipality_scope("0580"):
        session = _sessions(cohort)[0]
        services.session_attendance_record(by=secretary, session=session, present={member.pk: True})
        with pytest.raises(ValidationError):
            services.session_cancel(by=secretary, session=session, version=1, reason="Glömde")
        with pytest.raises(ValidationError):
            services.session_move(
                by=secretary,
                session=session,
                version=1,
                starts_at=timezone.now() + datetime.timedelta(days=3),
                duration_minutes=60,
                place="",
            )
        assert not _fresh(session).is_cancelled


# --- The attendance grid ---------------------------------------------------------------------


def test_the_grid_shows_each_members_marks_and_the_rates(
    secretary: Any, make_user: Any, make_cohort: Any, add_member: Any
) -> None:
    cohort = make_cohort(secretary)
    anna = add_member(secretary, cohort, user=make_user(first_name="Anna", last_name="A"))
    bo = add_member(secretary, cohort, user=make_user(first_name="Bo", last_name="B"))
    with municipality_scope("0580"):
        sessions = _sessions(cohort)
        services.session_attendance_record(
            by=secretary, session=sessions[0], present={anna.pk: True, bo.pk: True}
        )
        services.session_attendance_record(
            by=secretary, session=sessions[1], present={anna.pk: True, bo.pk: False}
        )
        services.session_cancel(by=secretary, session=sessions[2], version=1, reason="Sjukdom")
        grid = selectors.cohort_attendance_grid(Cohort.objects.get(pk=cohort.pk))
    rows = {row.name: row for row in grid.rows}
    assert [cell.state for cell in rows["Anna A"].cells[:4]] == [
        "present",
        "present",
        "cancelled",
        "not_recorded",
    ]
    assert [cell.state for cell in rows["Bo B"].cells[:2]] == ["present", "absent"]
    assert (rows["Anna A"].rate, rows["Bo B"].rate) == (1.0, 0.5)
    assert [total.rate for total in grid.totals[:4]] == [1.0, 0.5, None, None]


def test_the_grid_costs_the_same_number_of_queries_for_2_and_10_members(
    secretary: Any, make_user: Any, make_cohort: Any, add_member: Any
) -> None:
    cohort = make_cohort(secretary)

    def grid_queries() -> int:
        with municipality_scope("0580"):
            fresh = Cohort.objects.get(pk=cohort.pk)
            with CaptureQueriesContext(connection) as captured:
                selectors.cohort_attendance_grid(fresh)
        return len(captured.captured_queries)

    def add(n: int) -> None:
        members = [add_member(secretary, cohort, user=make_user()) for _ in range(n)]
        with municipality_scope("0580"):
            for session in _sessions(cohort)[:3]:
                services.session_attendance_record(
                    by=secretary, session=session, present={m.pk: True for m in members}
                )

    add(2)
    few = grid_queries()
    add(8)
    assert grid_queries() == few == 3
