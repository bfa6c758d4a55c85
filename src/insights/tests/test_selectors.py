"""Attendance figures with known numbers, the six-month boundary of the retention
warning, and that another municipality's data is never counted or shown."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from accounts.models import User
from audit.models import AccessLogEntry
from insights.selectors import Period, attendance_overview, not_seen_list, not_seen_since
from insights.tests.data import household_with, invite, lone_person, mark, meeting
from meetings.tests.calendar_data import cohort_make, local, series_plan
from programmes.models import CohortMember
from tenancy.scope import municipality_scope

pytestmark = pytest.mark.django_db
NOW = local(2026, 6, 15, 12)
FIRST_HALF = Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30))


def overview(user: User, period: Period = FIRST_HALF) -> Any:
    with municipality_scope(user.municipality_id or ""):
        return attendance_overview(user=user, period=period, now=NOW)


def not_seen(user: User, now: datetime.datetime = NOW) -> list[Any]:
    with municipality_scope(user.municipality_id or ""):
        return not_seen_list(user=user, now=now)


# --- rates per series and month ---------------------------------------------------


def test_series_rates_per_month_are_exact_and_count_held_meetings_of_own_families_only(
    secretary: User, other_secretary: User
) -> None:
    series = series_plan(by=secretary, title="Samtalsträff", plan=False)
    p1, p2, p3, p4, p5 = household_with(by=secretary, name="Familjen Alm", members=5)
    (neighbour,) = household_with(by=other_secretary, name="Familjen Granne")

    february = meeting(series, local(2026, 2, 3))
    for person, status in [
        (p1, "accepted"),
        (p2, "accepted"),
        (p3, "declined"),
        (p4, "pending"),
        (p5, "withdrawn"),
    ]:
        invite(february, person, status)
    mark(february, by=secretary, person=p1, present=True)
    mark(february, by=secretary, person=p2, present=False)
    mark(february, by=secretary, person=p3, present=True)  # came although they said no
    # A family of the neighbouring municipality at this regional meeting: not ours to count.
    invite(february, neighbour, "accepted")
    mark(february, by=secretary, person=neighbour, present=True)

    march_first = meeting(series, local(2026, 3, 3))
    for person in (p1, p2, p3, p4):
        invite(march_first, person, "accepted")
    for person, present in [(p1, True), (p2, True), (p3, True), (p4, False)]:
        mark(march_first, by=secretary, person=person, present=present)
    march_extra = meeting(series, local(2026, 3, 17))
    invite(march_extra, p1, "accepted")
    invite(march_extra, p2, "declined")
    mark(march_extra, by=secretary, person=p1)

    # Not counted: cancelled, not yet held, before the period.
    cancelled = meeting(series, local(2026, 4, 7), cancelled=True)
    invite(cancelled, p1, "accepted")
    later = meeting(series, local(2026, 6, 20))
    invite(later, p1, "accepted")
    earlier = meeting(series, local(2025, 12, 2))
    invite(earlier, p1, "accepted")
    mark(earlier, by=secretary, person=p1)
    theirs = series_plan(by=other_secretary, title="Norrköpings träff", plan=False)
    mark(meeting(theirs, local(2026, 2, 4)), by=other_secretary, person=neighbour)

    (row,) = overview(secretary).series

    assert row.series == series
    assert [(m.month, m.meetings, m.invited, m.accepted, m.present) for m in row.months] == [
        (datetime.date(2026, 2, 1), 1, 4, 2, 2),
        (datetime.date(2026, 3, 1), 2, 6, 5, 4),
    ]
    assert [(m.rate_of_accepted, m.rate_of_invited) for m in row.months] == [(1.0, 0.5), (0.8, 4 / 6)]
    total = row.total
    assert (total.meetings, total.invited, total.accepted, total.present) == (3, 10, 7, 6)
    assert total.rate_of_accepted == 6 / 7
    assert total.rate_of_invited == 0.6


def test_a_month_where_no_one_said_yes_has_no_rate_rather_than_a_division_by_zero(secretary: User) -> None:
    series = series_plan(by=secretary, plan=False)
    (person,) = household_with(by=secretary, name="Familjen Alm")
    invite(meeting(series, local(2026, 5, 5)), person, "declined")

    (row,) = overview(secretary).series

    assert (row.months[0].invited, row.months[0].accepted, row.months[0].present) == (1, 0, 0)
    assert row.months[0].rate_of_accepted is None
    assert row.months[0].rate_of_invited == 0.0


def test_the_period_filter_limits_the_months(secretary: User) -> None:
    series = series_plan(by=secretary, plan=False)
    meeting(series, local(2026, 1, 6))
    meeting(series, local(2026, 3, 3))

    rows = overview(secretary, Period(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 3, 31))).series

    assert [m.month for m in rows[0].months] == [datetime.date(2026, 3, 1)]


def test_another_municipality_sees_none_of_our_series(secretary: User, other_secretary: User) -> None:
    series = series_plan(by=secretary, plan=False)
    (person,) = household_with(by=secretary, name="Familjen Alm")
    held = meeting(series, local(2026, 2, 3))
    invite(held, person, "accepted")
    mark(held, by=secretary, person=person)

    assert overview(other_secretary).series == []
    assert overview(other_secretary).cohorts == []


def test_period_last_months_starts_at_the_first_of_the_month() -> None:
    period = Period.last_months(12, today=datetime.date(2026, 6, 15))

    assert (period.start, period.end) == (datetime.date(2025, 7, 1), datetime.date(2026, 6, 15))


# --- rates per cohort and session --------------------------------------------------


def test_cohort_rates_per_session_count_members_on_the_day(secretary: User, manager: User) -> None:
    (alm,) = household_with(by=secretary, name="Familjen Alm")
    (bok,) = household_with(by=secretary, name="Familjen Bok")
    starts = [local(2026, 3, 10, 13), local(2026, 3, 17, 13), local(2026, 3, 24, 13), local(2026, 7, 1, 13)]
    cohort, (first, second, third, _future) = cohort_make(
        by=secretary,
        starts=starts,
        members=[{"person": alm}, {"person": bok, "left_on": datetime.date(2026, 3, 20)}, {"user": manager}],
    )
    with municipality_scope("0580"):
        second.is_cancelled = True
        second.save()
    for person in (alm, bok):
        mark(first, by=secretary, person=person)
    mark(first, by=secretary, user=manager)
    mark(third, by=secretary, person=alm, present=False)
    mark(third, by=secretary, user=manager)

    (row,) = overview(secretary).cohorts

    assert row.cohort == cohort
    assert [(s.event.number, s.members, s.present, s.rate) for s in row.sessions] == [
        (1, 3, 3, 1.0),
        (2, 3, 0, None),  # cancelled: listed, not counted
        (3, 2, 1, 0.5),  # Bok had left the group
    ]
    assert (row.member_sessions, row.present, row.rate) == (5, 4, 0.8)


def test_other_municipalitys_cohorts_are_not_counted(secretary: User, other_secretary: User) -> None:
    cohort_make(by=other_secretary, starts=[local(2026, 3, 10, 13)], name="Norrköpingsgruppen")

    assert overview(secretary).cohorts == []


# --- not seen in six months ----------------------------------------------------------


def test_the_retention_list_names_open_household_assignees_who_were_invited_but_never_came(
    secretary: User, manager: User, other_secretary: User
) -> None:
    series = series_plan(by=secretary, plan=False)
    old = meeting(series, local(2025, 10, 7))
    february, march = meeting(series, local(2026, 2, 3)), meeting(series, local(2026, 3, 3))
    (alm,) = household_with(by=secretary, name="Familjen Alm", secretary=manager)
    invite(old, alm, "accepted")
    mark(old, by=secretary, person=alm)
    invite(february, alm, "accepted")
    mark(february, by=secretary, person=alm, present=False)
    invite(march, alm, "declined")
    (bjork,) = household_with(by=secretary, name="Familjen Björk")
    invite(february, bjork, "accepted")
    mark(february, by=secretary, person=bjork)
    (ceder,) = household_with(by=secretary, name="Familjen Ceder")
    invite(old, ceder, "pending")  # invited only before the six months: nothing expected of them
    (dahl,) = household_with(by=secretary, name="Familjen Dahl", status="training")
    invite(february, dahl, "pending")
    (ek,) = household_with(by=secretary, name="Familjen Ek", status="ended")
    invite(february, ek, "pending")
    (lind,) = household_with(by=secretary, name="Familjen Lind", type="contact_family", status="paused")
    invite(march, lind, "waitlisted")
    invite(meeting(series, local(2026, 4, 7), cancelled=True), lind, "accepted")
    (neighbour,) = household_with(by=other_secretary, name="Familjen Granne")
    invite(february, neighbour, "accepted")

    rows = not_seen(secretary)

    assert [row.household.name for row in rows] == ["Familjen Alm", "Familjen Lind"]
    alm_row, lind_row = rows
    assert alm_row.last_attended == local(2025, 10, 7)
    assert alm_row.invitations == 2
    assert [(status, n) for status, _, n in alm_row.answers] == [("accepted", 1), ("declined", 1)]
    assert [a.type for a in alm_row.assignments] == ["foster_home"]
    assert alm_row.secretaries == [manager]
    assert lind_row.last_attended is None
    assert lind_row.invitations == 1
    assert [(status, n) for status, _, n in lind_row.answers] == [("waitlisted", 1)]
    # The neighbour is Norrköping's to follow up, on Norrköping's list only.
    assert [row.person for row in not_seen(other_secretary)] == [neighbour]


def test_the_six_month_boundary(secretary: User) -> None:
    series = series_plan(by=secretary, plan=False)
    since = not_seen_since(NOW)
    assert since == local(2025, 12, 15, 12)
    just_inside = meeting(series, since + datetime.timedelta(days=1))
    just_outside = meeting(series, since - datetime.timedelta(days=1))
    later = meeting(series, local(2026, 5, 5))
    (inside,) = household_with(by=secretary, name="Familjen Innanför")
    (outside,) = household_with(by=secretary, name="Familjen Utanför")
    for person in (inside, outside):
        invite(later, person, "pending")
    mark(just_inside, by=secretary, person=inside)
    mark(just_outside, by=secretary, person=outside)

    rows = not_seen(secretary)

    assert [(row.person, row.last_attended) for row in rows] == [(outside, just_outside.starts_at)]
    # Exactly six months after the inside family's visit it still counts; a second later it does not.
    assert [row.person for row in not_seen(secretary, NOW + datetime.timedelta(days=1))] == [outside]
    a_second_later = NOW + datetime.timedelta(days=1, seconds=1)
    assert [row.person for row in not_seen(secretary, a_second_later)] == [inside, outside]


def test_cohort_members_who_missed_every_recent_session_are_listed(secretary: User, manager: User) -> None:
    mentor = lone_person(by=secretary, first_name="Mona", last_name="Mentor", type="user_mentor")
    came = lone_person(by=secretary, first_name="Kim", last_name="Kom")
    cohort, (session,) = cohort_make(
        by=secretary,
        starts=[local(2026, 4, 14, 13)],
        name="Vårgruppen",
        members=[{"person": mentor, "role": "mentor"}, {"person": came}, {"user": manager}],
    )
    mark(session, by=secretary, person=mentor, present=False)
    mark(session, by=secretary, person=came)

    rows = not_seen(secretary)

    assert [(row.person, row.household) for row in rows] == [(mentor, None)]
    assert rows[0].cohorts == [cohort]
    assert rows[0].assignments == []  # a user mentor is not a household assignment


def test_a_member_who_left_the_group_is_not_expected_any_more(secretary: User) -> None:
    person = lone_person(by=secretary, first_name="Lo", last_name="Lämnat")
    # The session took place while they were a member; they left before now.
    cohort_make(by=secretary, starts=[local(2026, 4, 14, 13)], members=[{"person": person}])
    with municipality_scope("0580"):
        CohortMember.objects.filter(person=person).update(left_on=datetime.date(2026, 5, 1))

    assert not_seen(secretary) == []


def test_presence_at_another_municipalitys_regional_meeting_counts(
    secretary: User, other_secretary: User
) -> None:
    regional = series_plan(by=other_secretary, title="Regional träff", plan=False)
    held = meeting(regional, local(2026, 3, 4))
    (went,) = household_with(by=secretary, name="Familjen Reste")
    (stayed,) = household_with(by=secretary, name="Familjen Stannade")
    invite(held, went, "accepted")
    invite(held, stayed, "accepted")
    mark(held, by=other_secretary, person=went)
    mark(held, by=other_secretary, person=stayed, present=False)

    rows = not_seen(secretary)

    assert [row.person for row in rows] == [stayed]


def test_showing_the_list_is_written_to_the_access_log(secretary: User) -> None:
    series = series_plan(by=secretary, plan=False)
    (person,) = household_with(by=secretary, name="Familjen Alm")
    invite(meeting(series, local(2026, 3, 3)), person, "pending")

    not_seen(secretary)

    with municipality_scope("0580"):
        entry = AccessLogEntry.objects.get(object_type="insights.not_seen")
    assert entry.user == secretary
    assert entry.detail["persons"] == [person.pk]


def test_an_empty_list_names_no_one_and_logs_nothing(secretary: User) -> None:
    assert not_seen(secretary) == []
    with municipality_scope("0580"):
        assert not AccessLogEntry.objects.filter(object_type="insights.not_seen").exists()
