"""The expected outcome of every URL for every role, on the own municipality's objects.

One row per URL name: the roles that may use it, and which of the own municipality's
objects its id names (None for URLs without an id). Roles: S secretary, M unit manager,
C county coordinator, A administrator; "public" needs no login. Every other role gets
403. ``test_url_permissions.py`` fails when a URL has no row here, when a view's declared
permission lets through a role this table forbids (or refuses one it allows), and when a
request as each role does not get the outcome written here.

A new URL: add a row, e.g. ``"register:household_print": ("S M C", "household"),``.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Role

ROLE_LETTERS = {
    "S": Role.SECRETARY,
    "M": Role.UNIT_MANAGER,
    "C": Role.COUNTY_COORDINATOR,
    "A": Role.ADMINISTRATOR,
}
PUBLIC = "public"
STAFF = "S M C A"  # any logged-in staff member: their own account pages
REGISTER_READ, REGISTER_WRITE, EXPORT = "S M C", "S M", "S M"
GATHERINGS = "S M C"  # programmes, network meetings, attendance: county coordinators run them too

EXPECTED: dict[str, tuple[str, str | None]] = {
    # the start page: every role has its own
    "worklist:start": ("S M C A", None),
    # register
    "register:assignee_list": (REGISTER_READ, None),
    "register:assignee_export": (EXPORT, None),
    "register:household_create": (REGISTER_WRITE, None),
    "register:household_detail": (REGISTER_READ, "household"),
    "register:household_edit": (REGISTER_WRITE, "household"),
    "register:member_create": (REGISTER_WRITE, "household"),
    "register:household_assignment_create": (REGISTER_WRITE, "household"),
    "register:person_create": (REGISTER_WRITE, None),
    "register:person_detail": (REGISTER_READ, "person"),
    "register:person_edit": (REGISTER_WRITE, "person"),
    "register:person_assignment_create": (REGISTER_WRITE, "person"),
    "register:assignment_detail": (REGISTER_READ, "assignment"),
    "register:assignment_edit": (REGISTER_WRITE, "assignment"),
    "register:assignment_transition": (REGISTER_WRITE, "assignment"),
    # accounts
    "accounts:login": (PUBLIC, None),
    "accounts:login_code": (PUBLIC, None),
    "accounts:logout": (STAFF, None),
    "accounts:password_change": (STAFF, None),
    "accounts:password_change_done": (STAFF, None),
    "accounts:password_reset": (PUBLIC, None),
    "accounts:password_reset_done": (PUBLIC, None),
    "accounts:password_reset_confirm": (PUBLIC, "reset_link"),
    "accounts:password_reset_complete": (PUBLIC, None),
    "accounts:two_factor": (STAFF, None),
    "accounts:two_factor_setup": (STAFF, None),
    "accounts:recovery_codes_new": (STAFF, None),
    "accounts:two_factor_disable": (STAFF, None),
    "accounts:security_settings": ("A", None),
    "accounts:staff_unlock": ("A", "staff"),
    "accounts:staff_two_factor_reset": ("A", "staff"),
    # audit and jobs
    "audit:access_log": ("M A", None),
    "audit:change_log": ("M A", None),
    "audit:security_log": ("M A", None),
    "jobs:overview": ("A", None),
    # mentorship: county coordinators read, never change
    "mentorship:overview": ("S M C", None),
    "mentorship:mentor_profile_edit": ("S M", "mentor_assignment"),
    "mentorship:offer_create": ("S M", "assignment"),
    "mentorship:offer_detail": ("S M C", "offer"),
    "mentorship:offer_answer": ("S M", "offer"),
    "mentorship:offer_needs": ("S M", "offer"),
    "mentorship:offer_confirm": ("S M", "offer"),
    "mentorship:batch_proposal": ("S M", None),
    "mentorship:pairing_list": ("S M C", None),
    "mentorship:pairing_detail": ("S M C", "pairing"),
    "mentorship:pairing_introduction": ("S M", "pairing"),
    "mentorship:pairing_introduction_held": ("S M", "pairing"),
    "mentorship:pairing_check_in": ("S M", "pairing"),
    "mentorship:pairing_end": ("S M", "pairing"),
    "mentorship:survey_email_resend": ("S M", "survey"),
    "mentorship:check_in_support_handle": ("S M", "check_in"),
    "mentorship:survey_follow_up": ("S M", "survey"),
    "mentorship_public:survey_answer": (PUBLIC, "survey_token"),
    # programmes
    "programmes:programme_list": (GATHERINGS, None),
    "programmes:programme_create": (GATHERINGS, None),
    "programmes:programme_detail": (GATHERINGS, "programme"),
    "programmes:programme_edit": (GATHERINGS, "programme"),
    "programmes:cohort_create": (GATHERINGS, "programme"),
    "programmes:cohort_detail": (GATHERINGS, "cohort"),
    "programmes:cohort_participant_add": (GATHERINGS, "cohort"),
    "programmes:cohort_mentor_add": (GATHERINGS, "cohort"),
    "programmes:cohort_member_remove": (GATHERINGS, "member"),
    "programmes:session_detail": (GATHERINGS, "session"),
    "programmes:session_move": (GATHERINGS, "session"),
    "programmes:session_cancel": (GATHERINGS, "session"),
    "programmes:session_restore": (GATHERINGS, "session"),
    "programmes:session_attendance": (GATHERINGS, "session"),
    "programmes:evaluation": (GATHERINGS, "programme"),
    "programmes:evaluation_export": (GATHERINGS, "programme"),
    "programmes:question_add": (GATHERINGS, "programme"),
    "programmes:question_edit": (GATHERINGS, "question"),
    "programmes:question_remove": (GATHERINGS, "question"),
    "programmes:question_retire": (GATHERINGS, "question"),
    "programmes:question_move": (GATHERINGS, "question"),
    "programmes:cohort_questionnaires": (GATHERINGS, "cohort"),
    "programmes:questionnaires_send": (GATHERINGS, "cohort"),
    "programmes:questionnaire_email_resend": (GATHERINGS, "response"),
    "programmes_public:questionnaire_answer": (PUBLIC, "questionnaire_token"),
    # network meetings and calendars
    "meetings:series_list": (GATHERINGS, None),
    "meetings:series_create": (GATHERINGS, None),
    "meetings:series_detail": (GATHERINGS, "series"),
    "meetings:series_edit": (GATHERINGS, "series"),
    "meetings:meeting_detail": (GATHERINGS, "meeting"),
    "meetings:meeting_edit": (GATHERINGS, "meeting"),
    "meetings:meeting_invite": (GATHERINGS, "meeting"),
    "meetings:meeting_attendance": (GATHERINGS, "meeting"),
    "meetings:invitation_answer": (GATHERINGS, "invitation"),
    "meetings:invitation_withdraw": (GATHERINGS, "invitation"),
    "meetings:invitation_email_resend": (GATHERINGS, "invitation"),
    "meetings:calendar": (GATHERINGS, None),
    "meetings:calendar_rotate": (GATHERINGS, None),
    "meetings_public:rsvp": (PUBLIC, "rsvp_token"),
    "calendar_public:personal": (PUBLIC, "calendar_token"),
    "calendar_public:series": (PUBLIC, "calendar_token series"),
    "calendar_public:cohort": (PUBLIC, "calendar_token cohort"),
    "insights:attendance": (GATHERINGS, None),
    "set_language": (PUBLIC, None),
}


def allowed_roles(name: str) -> list[str]:
    roles = EXPECTED[name][0]
    if roles == PUBLIC:
        return list(ROLE_LETTERS.values())
    return [ROLE_LETTERS[letter] for letter in roles.split()]


def own_objects(*, make_family: Any, secretary: Any) -> dict[str, Any]:
    """One of everything in ``secretary``'s municipality, with the links that carry tokens."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from meetings import links as meeting_links
    from meetings.calendar import links as calendar_links
    from meetings.calendar import services as calendar_services
    from mentorship import links as mentorship_links
    from mentorship import services as mentorship_services
    from programmes.evaluation import links as evaluation_links
    from programmes.evaluation import services as evaluation_services
    from programmes.models import QuestionnaireResponse
    from tenancy.scope import municipality_scope
    from tenancy.tests.test_url_walk import municipality_data

    data = municipality_data(make_family, secretary, postal="58183")
    with municipality_scope(secretary.municipality_id):
        evaluation_services.questionnaires_send(by=secretary, cohort=data["cohort"], phase="before")
        response = QuestionnaireResponse.objects.filter(member__cohort=data["cohort"]).first()
        surveys = mentorship_services.surveys_schedule(pairing=data["pairing"])
        calendar_key = calendar_services.calendar_key_for_user(user=secretary)
        tokens = {
            "rsvp_token": meeting_links.rsvp_token(data["invitation"]),
            "questionnaire_token": evaluation_links.questionnaire_token(response) if response else "x",
            "survey_token": mentorship_links.survey_token(surveys[0]) if surveys else "x",
            "calendar_token": calendar_links.feed_token(calendar_key),
        }
    return {
        **data,
        "ids": {
            "household": data["family"].household.pk,
            "person": data["loner"].pk,
            "assignment": data["family"].assignment.pk,
            "mentor_assignment": data["assignment_pk"],
            "offer": data["offer"].pk,
            "pairing": data["pairing"].pk,
            "survey": data["survey"].pk,
            "check_in": data["check_in"].pk,
            "response": response.pk if response else 0,
            "staff": secretary.pk,
            **{key: data[key].pk for key in ("programme", "cohort", "member", "session", "question")},
            **{key: data[key].pk for key in ("series", "meeting", "invitation")},
        },
        "tokens": {
            **tokens,
            "uidb64": urlsafe_base64_encode(force_bytes(secretary.pk)),
            "reset_token": default_token_generator.make_token(secretary),
        },
    }


def url_for(name: str, pattern: Any, route: str, objects: dict[str, Any]) -> str:
    """The URL of ``name`` naming the own municipality's object of the table's kind."""
    kinds = (EXPECTED[name][1] or "").split()
    ids = objects["ids"]
    tokens = objects["tokens"]
    path = route
    for converter in pattern.pattern.converters:
        if converter == "token" and "reset_link" in kinds:
            value = tokens["reset_token"]
        elif converter == "uidb64":
            value = tokens["uidb64"]
        elif converter == "token":
            value = tokens[next(kind for kind in kinds if kind.endswith("_token"))]
        else:
            value = ids[next(kind for kind in kinds if not kind.endswith("_token"))]
        for form in (f"<int:{converter}>", f"<str:{converter}>", f"<{converter}>"):
            path = path.replace(form, str(value))
    return "/" + path
