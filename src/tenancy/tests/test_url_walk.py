"""Walk every URL the project defines, as every role of two municipalities, with the
other municipality's object ids: nothing of the other municipality may appear."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role, User
from accounts.permissions import PUBLIC

LINKOPING, NORRKOPING = "0580", "0581"
# A security walk, not a test of dates: its programme and meetings are dated from one fixed,
# ordinary day (time_machine), whatever the real date or the suite's test clock.
WALK_DAY = datetime.datetime(2026, 5, 13, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
pytestmark = pytest.mark.time_machine(WALK_DAY)

SECRET_MARKERS = [
    "Hemligsson",
    "Hemlig-Hanna",
    "hemliga vägen",
    "hemlig@example.se",
    "Nils Norrman",
    "Hemligmentor",
    "Hemlig programpunkt",
    "Hemlig träffserie",
    "Hemligstöd",
]


def _walk(resolver: URLResolver, prefix: str = "", route: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry, namespace, route + str(entry.pattern))
        else:
            yield f"{prefix}{entry.name}", route + str(entry.pattern), entry


def all_patterns() -> list[tuple[str, URLPattern]]:
    return [(name, pattern) for name, _route, pattern in _walk(get_resolver())]


ROUTES = {id(pattern): route for _name, route, pattern in _walk(get_resolver())}


def test_every_view_declares_its_permission() -> None:
    missing = [name for name, pattern in all_patterns() if not hasattr(pattern.callback, "permission")]
    assert missing == [], f"views without a declared permission: {missing}"


def test_only_login_password_reset_and_language_are_public() -> None:
    public = sorted(name for name, pattern in all_patterns() if pattern.callback.permission == PUBLIC)
    assert public == [
        "accounts:login",
        "accounts:login_code",
        "accounts:password_reset",
        "accounts:password_reset_complete",
        "accounts:password_reset_confirm",
        "accounts:password_reset_done",
        "calendar_public:cohort",
        "calendar_public:personal",
        "calendar_public:series",
        "meetings_public:rsvp",
        "mentorship_public:survey_answer",
        "programmes_public:questionnaire_answer",
        "set_language",
    ]


def _fill(pattern: URLPattern, ids: dict[str, Any]) -> str:
    """The pattern's route with every converter replaced by the other municipality's id."""
    route = ROUTES[id(pattern)]
    for name in pattern.pattern.converters:
        for form in (f"<int:{name}>", f"<str:{name}>", f"<{name}>"):
            route = route.replace(form, str(ids[name]))
    return "/" + route


@pytest.fixture
def other_municipality_data(make_family: Any, other_secretary: Any) -> dict[str, Any]:
    return municipality_data(make_family, other_secretary, postal="60222")


def municipality_data(make_family: Any, other_secretary: Any, *, postal: str) -> dict[str, Any]:
    """One of everything in ``other_secretary``'s municipality, made through the services: a
    family with a paired offer, a lone person, a mentor family, a programme with a cohort and
    sessions, a meeting series with an invitation (also used by accounts' permission table)."""
    from register import services
    from tenancy.scope import municipality_scope

    family = make_family(
        other_secretary, name="Familjen Hemligsson", first_name="Hemlig-Hanna", postal=postal
    )
    with municipality_scope(other_secretary.municipality_id):
        services.household_update(
            by=other_secretary,
            household=family.household,
            version=family.household.version,
            street_address="Hemliga vägen 7",
            email="hemlig@example.se",
        )
        loner = services.person_create(
            by=other_secretary, first_name="Hemlig-Hanna", last_name="Hemligsson", email="hemlig@example.se"
        )
        # Mentorship: an approved foster home with an accepted offer, paired with a mentor family.
        from geo.models import PostalCode
        from mentorship import services as mentorship_services
        from mentorship.models import MentorOffer

        for step in ["information", "assessment", "training", "approved"]:
            family.assignment = services.assignment_transition(
                by=other_secretary,
                assignment=family.assignment,
                to_status=step,
                version=family.assignment.version,
            )
        offer = MentorOffer.objects.get(assignment=family.assignment)
        offer = mentorship_services.mentor_offer_answer(
            by=other_secretary, offer=offer, answer="accepted", version=offer.version
        )
        mentor_home = services.household_create(
            by=other_secretary, name="Familjen Hemligmentor", postal_code=PostalCode.objects.get(code=postal)
        )
        mentor_assignment = services.assignment_create(
            by=other_secretary, household=mentor_home, type="mentor_family"
        )
        for step in ["information", "assessment", "training", "approved"]:
            mentor_assignment = services.assignment_transition(
                by=other_secretary,
                assignment=mentor_assignment,
                to_status=step,
                version=mentor_assignment.version,
            )
        mentor = mentorship_services.mentor_profile_save(
            by=other_secretary,
            assignment=mentor_assignment,
            capacity=2,
            age_groups=["6-12"],
            needs=[],
            family_form="couple",
            years_as_foster_home=5,
            availability="",
            is_available=True,
            mentor_person_ids=[],
        )
        pairing = mentorship_services.pairing_confirm(by=other_secretary, offer=offer, mentor=mentor)
        check_in, survey = _active_pairing_with_worries(other_secretary, mentor)
        gatherings = _programme_and_meetings(other_secretary)
    return {
        **gatherings,
        "pk": family.household.pk,
        "household_pk": family.household.pk,
        "person_pk": loner.pk,
        "assignment_pk": mentor_assignment.pk,
        "offer": offer,
        "pairing": pairing,
        "mentor": mentor,
        "uidb64": "MQ",
        "token": "0581.set-password",
        "family": family,
        "loner": loner,
        "staff": other_secretary,
        "check_in": check_in,
        "survey": survey,
    }


def _active_pairing_with_worries(by: Any, mentor: Any) -> tuple[Any, Any]:
    """A second foster home of ``by``'s municipality, actively mentored, with a check-in that
    needs support and a survey answer that signals a problem: items of its start page."""
    import datetime

    from django.utils import timezone

    from geo.models import PostalCode
    from mentorship import services as mentorship_services
    from mentorship.models import FollowUpSurvey, MentorOffer
    from register import services

    home = services.household_create(
        by=by, name="Familjen Hemligstöd", postal_code=PostalCode.objects.get(code="60222")
    )
    assignment = services.assignment_create(
        by=by, household=home, type="foster_home", responsible_secretary=by
    )
    for step in ["information", "assessment", "training", "approved"]:
        assignment = services.assignment_transition(
            by=by, assignment=assignment, to_status=step, version=assignment.version
        )
    offer = MentorOffer.objects.get(assignment=assignment)
    offer = mentorship_services.mentor_offer_answer(
        by=by, offer=offer, answer="accepted", version=offer.version
    )
    pairing = mentorship_services.pairing_confirm(by=by, offer=offer, mentor=mentor)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    pairing = mentorship_services.pairing_book_introduction(
        by=by, pairing=pairing, version=pairing.version, at=yesterday, place="Hemliga vägen 7", secretary=by
    )
    pairing = mentorship_services.pairing_record_introduction(
        by=by,
        pairing=pairing,
        version=pairing.version,
        held_on=timezone.localdate(yesterday),
        mentor_fit="good",
        mentee_fit="good",
    )
    check_in = mentorship_services.check_in_record(
        by=by, pairing=pairing, held_on=timezone.localdate(), mood="difficult", needs_support=True
    )
    survey = FollowUpSurvey.objects.filter(pairing=pairing).order_by("pk").first()
    assert survey is not None
    survey = mentorship_services.survey_answer(
        survey=survey, rating=1, contact_frequency="never", wants_to_continue=False, comment="Hemligstöd"
    )
    return check_in, survey


def _gathering_models() -> list[type]:
    from meetings.models import Event, Invitation, Series
    from programmes.models import Cohort, CohortMember, Programme, Question

    return [Programme, Question, Cohort, CohortMember, Event, Series, Invitation]


def _programme_and_meetings(by: Any) -> dict[str, Any]:
    """A programme with a question, a cohort with a member and sessions, and a meeting
    series whose first meeting has invited the Hemligsson family (all in ``by``'s municipality)."""
    from django.db import transaction
    from django.utils import timezone

    from meetings import services as meeting_services
    from meetings.models import Event, Invitation
    from programmes import services as programme_services
    from programmes.evaluation import services as evaluation_services

    today = timezone.localdate()
    programme = programme_services.programme_create(
        by=by,
        name="Hemlig programpunkt",
        starts_on=today - datetime.timedelta(days=365),
        ends_on=today + datetime.timedelta(days=365),
        start_time=datetime.time(13, 0),
    )
    question = evaluation_services.question_add(by=by, programme=programme, text="Hemlig programpunkt?")
    cohort = programme_services.cohort_create(
        by=by, programme=programme, name="Hemlig programpunkt", starts_on=today - datetime.timedelta(weeks=3)
    )
    member = programme_services.cohort_member_add(by=by, cohort=cohort, role="participant", user=by)
    series = meeting_services.series_create(
        by=by,
        values=meeting_services.SeriesValues(
            title="Hemlig träffserie",
            place="Hemliga vägen 7",
            frequency="monthly",
            weekday=1,
            week_of_month=1,
            starts_on=today,
            ends_on=today + datetime.timedelta(days=200),
            start_time=datetime.time(18, 0),
            responsible=by,
            capacity=10,
            audience_types=("foster_home",),
            audience_municipality_ids=(by.municipality_id,),
        ),
    )
    meeting = Event.objects.filter(series=series).order_by("starts_at").first()
    assert meeting is not None
    with transaction.atomic():
        meeting_services.invitations_create_for(event=meeting)
    invitation = Invitation.objects.get(event=meeting)
    return {
        "programme": programme,
        "question": question,
        "cohort": cohort,
        "member": member,
        "session": Event.objects.filter(session__cohort=cohort).order_by("starts_at").first(),
        "series": series,
        "meeting": meeting,
        "invitation": invitation,
    }


GATHERING_KEYS = ("programme", "question", "cohort", "member", "session", "series", "meeting", "invitation")
ROLES = [Role.SECRETARY, Role.UNIT_MANAGER, Role.COUNTY_COORDINATOR, Role.ADMINISTRATOR]


@pytest.mark.parametrize("role", ROLES)
def test_no_view_shows_another_municipalitys_data(
    role: str, client: Any, make_user: Any, make_family: Any, other_municipality_data: dict[str, Any]
) -> None:
    viewer = make_user(LINKOPING, role)
    own = make_family(make_user(LINKOPING, Role.SECRETARY), name="Familjen Egen")
    client.force_login(viewer)
    data = other_municipality_data
    from mentorship.models import CheckIn, FollowUpSurvey, MentorOffer, MentorProfile, Pairing
    from register.models import Assignment, Household, Person
    from tenancy.scope import municipality_scope

    with municipality_scope(LINKOPING):
        own_ids = {
            *Household.objects.values_list("pk", flat=True),
            *Person.objects.values_list("pk", flat=True),
            *Assignment.objects.values_list("pk", flat=True),
            *MentorOffer.objects.values_list("pk", flat=True),
            *MentorProfile.objects.values_list("pk", flat=True),
            *Pairing.objects.values_list("pk", flat=True),
            # Staff accounts (the administrator's security page takes a user id).
            *User.objects.filter(municipality_id=LINKOPING).values_list("pk", flat=True),
            *CheckIn.objects.values_list("pk", flat=True),
            *FollowUpSurvey.objects.values_list("pk", flat=True),
            *(
                pk
                for model in _gathering_models()
                for pk in model.objects.values_list("pk", flat=True)  # type: ignore[attr-defined]
            ),
        }
    assert own.household.pk in own_ids
    # Each object-id parameter is tried with every kind of the other municipality's ids:
    # a household id where a person id is expected must not work either.
    id_sets = [
        {**data, "pk": data["family"].household.pk},
        {**data, "pk": data["family"].member.pk},
        {**data, "pk": data["loner"].pk, "household_pk": data["loner"].pk},
        {**data, "pk": data["family"].assignment.pk, "assignment_pk": data["family"].assignment.pk},
        {**data, "pk": data["offer"].pk},
        {**data, "pk": data["pairing"].pk},
        {**data, "pk": data["mentor"].pk},
        {**data, "pk": data["staff"].pk},
        {**data, "pk": data["check_in"].pk},
        {**data, "pk": data["survey"].pk},
        *({**data, "pk": data[key].pk} for key in GATHERING_KEYS),
    ]
    checked = 0
    for name, pattern in all_patterns():
        has_ids = bool(pattern.pattern.converters)
        for ids in id_sets if has_ids else [data]:
            url = _fill(pattern, ids)
            for method in ("get", "post"):
                query = {"q": "Hemligs"} if method == "get" else {"name": "x", "to_status": "information"}
                client.force_login(viewer)  # the walk passes the logout URL too
                response = getattr(client, method)(url, query)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                text = body.decode("utf-8", errors="replace")
                for marker in SECRET_MARKERS:
                    assert marker.lower() not in text.lower(), (
                        f"{method.upper()} {url} ({name}) as {role} shows {marker!r}"
                    )
                used = {
                    ids[key]
                    for key in pattern.pattern.converters.keys() & {"pk", "household_pk", "person_pk"}
                }
                # With database-wide id sequences another municipality's id may equal the id
                # of one of the viewer's own objects of another kind; only the leak check applies then.
                if used and not used & own_ids:
                    assert response.status_code in (403, 404, 405), (
                        f"{method.upper()} {url} ({name}) as {role}: {response.status_code}"
                    )
                checked += 1
    assert checked > 40
    # Nothing of the other municipality was changed by any of those requests.
    with municipality_scope(NORRKOPING):
        household = Household.objects.get(pk=data["family"].household.pk)
    assert household.name == "Familjen Hemligsson"
    assert household.version == 2
    with municipality_scope(NORRKOPING):
        from meetings.models import Attendance, Event, Invitation

        assert Invitation.objects.get().status == "pending"
        assert not Attendance.objects.exists()
        assert not Event.objects.filter(is_cancelled=True).exists()
        assert Event.objects.get(pk=data["meeting"].pk).version == data["meeting"].version
        assert Pairing.objects.get(pk=data["pairing"].pk).status == "proposed"
        assert MentorOffer.objects.get(pk=data["offer"].pk).answer == "accepted"
        assert CheckIn.objects.get(pk=data["check_in"].pk).handled_at is None
        assert FollowUpSurvey.objects.get(pk=data["survey"].pk).handled_at is None


def test_a_missing_and_a_forbidden_object_look_the_same(
    client: Any, secretary: Any, other_municipality_data: dict[str, Any]
) -> None:
    client.force_login(secretary)
    forbidden = client.get(f"/hushall/{other_municipality_data['family'].household.pk}/")
    missing = client.get("/hushall/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_anonymous_visitors_are_sent_to_login_from_every_non_public_page(
    client: Any, other_municipality_data: dict[str, Any]
) -> None:
    for name, pattern in all_patterns():
        if pattern.callback.permission == PUBLIC:
            continue
        response = client.get(_fill(pattern, other_municipality_data))
        assert response.status_code == 302, name
        assert response["Location"].startswith("/konto/logga-in/"), name
