"""Each person's work: the items on every role's start page, read in a fixed number of queries.

An item is something to do (or, for the meetings of the week, to know): what to do, whom or
what it is about, when it is due and the page where it is handled. Doing it there (answering
the offer, recording the introduction, marking a check-in's support as seen to, sending the
questionnaire, changing the assignment's status) takes it off the list: nothing here is
ticked off by hand.

Whose item it is (its responsible staff member):

* mentorship items: the responsible secretary of the foster home's assignment that the
  offer of a mentor family was made on;
* network meetings and their attendance: the series' responsible secretary;
* programme questionnaires and the attendance of a programme's sessions: whoever created
  the cohort;
* status changes due: the assignment's responsible secretary.

An item without one is "unassigned": the unit manager sees it in a group of its own.

Every query runs in the caller's municipality scope and also names the municipality, so a
join to another municipality's row cannot bring it in; each kind is one query, however
many items there are.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from audit.models import AccessAction, AccessLogEntry, ChangeLogEntry
from audit.services import access_log_record
from jobs.models import EmailState
from jobs.selectors import email_problems_in, job_overview
from meetings.models import Attendance, Event, EventKind, Invitation, InvitationStatus, Series
from meetings.selectors import INVITATION_EMAIL
from mentorship.models import (
    OCCUPYING_STATUSES,
    CheckIn,
    FollowUpSurvey,
    MentorOffer,
    OfferAnswer,
    Pairing,
    PairingStatus,
    SurveyRole,
    survey_signals_problem,
)
from mentorship.selectors import SURVEY_EMAIL
from programmes.evaluation.selectors import QUESTIONNAIRE_EMAIL
from programmes.models import (
    Cohort,
    CohortMember,
    MemberRole,
    Phase,
    Programme,
    Question,
    QuestionnaireResponse,
    Session,
)
from register.domain import AssignmentStatus
from register.models import Assignment
from tenancy.models import Region

S = AssignmentStatus


class Kind(models.TextChoices):
    """The kinds of item, in the order the start page shows them."""

    CHECK_IN_SUPPORT = "check_in_support", gettext_lazy("Check-ins where a family needs support")
    SURVEY_PROBLEM = "survey_problem", gettext_lazy("Survey answers that signal a problem")
    EMAIL_NOT_DELIVERED = "email_not_delivered", gettext_lazy("E-mails not delivered")
    OFFER_UNANSWERED = "offer_unanswered", gettext_lazy("Offers of a mentor family waiting for an answer")
    OFFER_WAITING = "offer_waiting", gettext_lazy("Families waiting for a mentor family")
    INTRODUCTION_TO_BOOK = "introduction_to_book", gettext_lazy("Introduction meetings to book")
    INTRODUCTION_TO_RECORD = "introduction_to_record", gettext_lazy("Introduction meetings to record")
    MEETING_THIS_WEEK = "meeting_this_week", gettext_lazy("Network meetings this week")
    ATTENDANCE_TO_RECORD = "attendance_to_record", gettext_lazy("Attendance to record")
    QUESTIONNAIRE_TO_SEND = "questionnaire_to_send", gettext_lazy("Questionnaires to send")
    STATUS_CHANGE_DUE = "status_change_due", gettext_lazy("Assignments with a status change due")


# Items that need a person's attention whether or not they are overdue; every other kind
# needs it once it is overdue. These reach the responsible person by e-mail too (worklist.jobs).
ATTENTION_KINDS = frozenset({Kind.CHECK_IN_SUPPORT, Kind.SURVEY_PROBLEM, Kind.EMAIL_NOT_DELIVERED})
# Informational items: never overdue, never e-mailed.
INFORMATION_KINDS = frozenset({Kind.MEETING_THIS_WEEK})

# How long each step may take before its item is due (days).
CHECK_IN_SUPPORT_DAYS = 3  # get in touch with a family that asked for support
SURVEY_PROBLEM_DAYS = 7  # follow up an answer that signals a problem
OFFER_ANSWER_DAYS = 14  # hear whether the family wants a mentor family
OFFER_LATER_DAYS = 90  # ask a family that said "maybe later" again
OFFER_LATER_SHOWN_DAYS = 76  # ... shown two weeks before that
OFFER_PAIRING_DAYS = 30  # propose a mentor family to a family that said yes
INTRODUCTION_BOOKING_DAYS = 14  # book the first meeting of a proposed pairing
INTRODUCTION_RECORDING_DAYS = 7  # record how the first meeting went
ATTENDANCE_DAYS = 7  # record who came to a meeting or session
ATTENDANCE_WINDOW_DAYS = 14  # older meetings without attendance are no longer asked about
QUESTIONNAIRE_BEFORE_SHOWN_DAYS = 14  # the before questionnaire: shown two weeks before the first session
QUESTIONNAIRE_AFTER_DAYS = 14  # the after questionnaire: due two weeks after the last session
QUESTIONNAIRE_AFTER_WINDOW_DAYS = 60  # ... and asked about for two months
MEETING_WEEK_DAYS = 7  # "this week": today and the six days after it

# "Assignments with a status change due": days in a status before the item is shown, and
# before it is due. An interest submission is answered within two weeks; an assessment is
# finished within four months (as SoL 11 kap. 2 § asks of an investigation); a home study
# step or a pause that lasts half a year is decided on.
STATUS_RULES: dict[str, tuple[int, int]] = {
    S.INTEREST: (0, 14),
    S.INFORMATION: (28, 42),
    S.ASSESSMENT: (98, 120),
    S.TRAINING: (150, 180),
    S.PAUSED: (150, 180),
}
# An approved, active or paused assignment with a "valid until" date: shown this many days before it.
ENDS_ON_NOTICE_DAYS = 30
ENDS_ON_STATUSES = (S.APPROVED, S.ACTIVE, S.PAUSED)

STATUS_ACTIONS = {
    S.INTEREST: gettext_lazy("Contact the person who registered an interest"),
    S.INFORMATION: gettext_lazy("Move on to the assessment, or end the assignment"),
    S.ASSESSMENT: gettext_lazy("The assessment has taken long: finish it"),
    S.TRAINING: gettext_lazy("The basic training has taken long: approve or end"),
    S.PAUSED: gettext_lazy("Paused for long: resume or end"),
}


def status_rules_in_words() -> list[str]:
    """What "a status change due" means, said from the rules themselves (shown on the pages)."""
    labels = dict(AssignmentStatus.choices)
    lines = []
    for status, (shown_after, due_after) in STATUS_RULES.items():
        values = {"status": labels[status], "shown": shown_after, "due": due_after}
        if shown_after:
            lines.append(
                _("%(status)s: on the list after %(shown)s days in the status, due after %(due)s days.")
                % values
            )
        else:
            lines.append(_("%(status)s: on the list at once, due after %(due)s days.") % values)
    lines.append(
        _(
            "Approved, active or paused with a “valid until” date: on the list %(n)s days before "
            "that date, due on it."
        )
        % {"n": ENDS_ON_NOTICE_DAYS}
    )
    return lines


# Accounts that have not logged in for this long are pointed out to the administrator.
DORMANT_ACCOUNT_DAYS = 90


@dataclass(frozen=True)
class WorkItem:
    kind: str
    action: str  # what to do
    about: str  # the family, person, meeting or group it concerns
    url: str  # where it is handled
    due_on: datetime.date | None
    is_overdue: bool
    responsible_id: int | None
    responsible_name: str
    detail: str = ""
    names_person: bool = True  # whether ``about`` names a family or a person (personal data)

    @property
    def needs_attention(self) -> bool:
        return self.kind in ATTENTION_KINDS or self.is_overdue


@dataclass(frozen=True)
class Reach:
    """Whose items: one municipality, and one responsible staff member or (None) all of them."""

    municipality_id: str
    responsible: User | None
    today: datetime.date
    now: datetime.datetime

    def mine(self, path: str) -> Q:
        return Q() if self.responsible is None else Q(**{path: self.responsible})


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _name(user: User | None) -> str:
    return str(user) if user is not None else ""


def _item(
    reach: Reach,
    *,
    kind: str,
    action: str,
    about: str,
    url: str,
    due_on: datetime.date | None,
    responsible: User | None,
    detail: str = "",
    names_person: bool = True,
) -> WorkItem:
    overdue = due_on is not None and due_on < reach.today and kind not in INFORMATION_KINDS
    return WorkItem(
        kind=kind,
        action=action,
        about=about,
        url=url,
        due_on=due_on,
        is_overdue=overdue,
        responsible_id=responsible.pk if responsible is not None else None,
        responsible_name=_name(responsible),
        detail=detail,
        names_person=names_person,
    )


# --- mentorship ---------------------------------------------------------------------------

_OFFER_JOINS = ("household", "assignment__responsible_secretary")
_PAIRING_JOINS = ("mentee_household", "mentor__household", "offer__assignment__responsible_secretary")


def _pairing_about(pairing: Pairing) -> str:
    return _("%(family)s with the mentor family %(mentor)s") % {
        "family": pairing.mentee_household.name,
        "mentor": pairing.mentor.household.name,
    }


def _check_ins(reach: Reach) -> list[WorkItem]:
    rows = (
        CheckIn.objects.filter(municipality_id=reach.municipality_id, needs_support=True, handled_at=None)
        .filter(reach.mine("pairing__offer__assignment__responsible_secretary"))
        .select_related(*(f"pairing__{join}" for join in _PAIRING_JOINS))
        .order_by("held_on", "id")
    )
    return [
        _item(
            reach,
            kind=Kind.CHECK_IN_SUPPORT,
            action=_("Contact the family: they need support"),
            about=_pairing_about(row.pairing),
            url=reverse("mentorship:pairing_detail", args=[row.pairing_id]) + f"#check-in-{row.pk}",
            due_on=row.held_on + _days(CHECK_IN_SUPPORT_DAYS),
            responsible=row.pairing.offer.assignment.responsible_secretary,
            detail=_("Check-in on %(date)s: %(mood)s")
            % {"date": row.held_on.isoformat(), "mood": row.get_mood_display()},
        )
        for row in rows
    ]


def _survey_problems(reach: Reach) -> list[WorkItem]:
    rows = (
        FollowUpSurvey.objects.filter(survey_signals_problem(), municipality_id=reach.municipality_id)
        .filter(handled_at=None)
        .filter(reach.mine("pairing__offer__assignment__responsible_secretary"))
        .select_related(*(f"pairing__{join}" for join in _PAIRING_JOINS))
        .order_by("answered_at", "id")
    )
    items = []
    for row in rows:
        pairing = row.pairing
        signals = []
        if row.rating is not None:
            signals.append(_("rated the mentorship %(n)s of 5") % {"n": row.rating})
        if row.wants_to_continue is False:
            signals.append(_("does not want to continue"))
        who = (
            _("The mentor family answered: %(what)s")
            if row.role == SurveyRole.MENTOR
            else _("The foster family answered: %(what)s")
        )
        # survey_signals_problem() reads answered surveys only; due_on keeps the type checker calm.
        answered_on = _local_date(row.answered_at) if row.answered_at else row.due_on
        items.append(
            _item(
                reach,
                kind=Kind.SURVEY_PROBLEM,
                action=_("Follow up the answer"),
                about=_pairing_about(pairing),
                url=reverse("mentorship:pairing_detail", args=[pairing.pk]) + f"#survey-{row.pk}",
                due_on=answered_on + _days(SURVEY_PROBLEM_DAYS),
                responsible=pairing.offer.assignment.responsible_secretary,
                detail=who % {"what": ", ".join(signals)},
            )
        )
    return items


def _offers(reach: Reach) -> list[WorkItem]:
    occupying = Pairing.objects.filter(offer=OuterRef("pk"), status__in=OCCUPYING_STATUSES)
    later_shown = reach.now - _days(OFFER_LATER_SHOWN_DAYS)
    rows = (
        MentorOffer.objects.filter(
            municipality_id=reach.municipality_id,
            assignment__status__in=(S.APPROVED, S.ACTIVE, S.PAUSED),
        )
        .filter(
            Q(answer=OfferAnswer.PENDING)
            | Q(answer=OfferAnswer.LATER, answered_at__lte=later_shown)
            | (Q(answer=OfferAnswer.ACCEPTED) & ~Exists(occupying))
        )
        .filter(reach.mine("assignment__responsible_secretary"))
        .select_related(*_OFFER_JOINS)
        .order_by("offered_at", "id")
    )
    items = []
    for row in rows:
        url = reverse("mentorship:offer_detail", args=[row.pk])
        responsible = row.assignment.responsible_secretary
        answered = _local_date(row.answered_at or row.offered_at)
        if row.answer == OfferAnswer.ACCEPTED:
            kind, action = Kind.OFFER_WAITING, _("Propose a mentor family")
            due = answered + _days(OFFER_PAIRING_DAYS)
            detail = _("Said yes on %(date)s") % {"date": answered.isoformat()}
        elif row.answer == OfferAnswer.LATER:
            kind, action = Kind.OFFER_UNANSWERED, _("Ask the family again (they answered “maybe later”)")
            due = answered + _days(OFFER_LATER_DAYS)
            detail = _("Answered on %(date)s") % {"date": answered.isoformat()}
        else:
            kind, action = Kind.OFFER_UNANSWERED, _("Ask whether the family wants a mentor family")
            offered = _local_date(row.offered_at)
            due = offered + _days(OFFER_ANSWER_DAYS)
            detail = _("Offered on %(date)s") % {"date": offered.isoformat()}
        items.append(
            _item(
                reach,
                kind=kind,
                action=action,
                about=row.household.name,
                url=url,
                due_on=due,
                responsible=responsible,
                detail=detail,
            )
        )
    return items


def _introductions(reach: Reach) -> list[WorkItem]:
    rows = (
        Pairing.objects.filter(municipality_id=reach.municipality_id)
        .filter(
            Q(status=PairingStatus.PROPOSED)
            | Q(status=PairingStatus.INTRODUCTION_BOOKED, introduction_at__lte=reach.now)
        )
        .filter(reach.mine("offer__assignment__responsible_secretary"))
        .select_related(*_PAIRING_JOINS)
        .order_by("proposed_at", "id")
    )
    items = []
    for row in rows:
        url = reverse("mentorship:pairing_detail", args=[row.pk])
        if row.status == PairingStatus.PROPOSED:
            proposed = _local_date(row.proposed_at)
            kind, action = Kind.INTRODUCTION_TO_BOOK, _("Book the introduction meeting")
            due = proposed + _days(INTRODUCTION_BOOKING_DAYS)
            detail = _("Proposed on %(date)s") % {"date": proposed.isoformat()}
        else:
            held = _local_date(row.introduction_at or row.proposed_at)  # booked: filtered on introduction_at
            kind, action = Kind.INTRODUCTION_TO_RECORD, _("Record how the introduction meeting went")
            due = held + _days(INTRODUCTION_RECORDING_DAYS)
            detail = _("Booked for %(date)s") % {"date": held.isoformat()}
        items.append(
            _item(
                reach,
                kind=kind,
                action=action,
                about=_pairing_about(row),
                url=url,
                due_on=due,
                responsible=row.offer.assignment.responsible_secretary,
                detail=detail,
            )
        )
    return items


# --- meetings and programmes --------------------------------------------------------------


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _meetings_this_week(reach: Reach) -> list[WorkItem]:
    def answers(status: str) -> Count:
        return Count("invitations", filter=Q(invitations__status=status))

    # Counts across every invited municipality (a regional series): numbers, never names.
    rows = (
        Event.objects.filter(
            municipality_id=reach.municipality_id,
            kind=EventKind.MEETING,
            is_cancelled=False,
            starts_at__gte=_day_start(reach.today),
            starts_at__lt=_day_start(reach.today + _days(MEETING_WEEK_DAYS)),
        )
        .filter(reach.mine("series__responsible"))
        .select_related("series__responsible")
        .annotate(pending=answers(InvitationStatus.PENDING), declined=answers(InvitationStatus.DECLINED))
        .order_by("starts_at", "id")
    )
    items = []
    for row in rows:
        series = row.series
        if series is None:  # cannot happen: a meeting belongs to a series (a check constraint)
            continue
        starts = timezone.localtime(row.starts_at)
        items.append(
            _item(
                reach,
                kind=Kind.MEETING_THIS_WEEK,
                action=_("%(day)s at %(time)s")
                % {"day": starts.date().isoformat(), "time": starts.strftime("%H:%M")},
                about=row.title,
                url=reverse("meetings:meeting_detail", args=[row.pk]),
                due_on=starts.date(),
                responsible=series.responsible,
                detail=_(
                    "%(yes)s said yes · %(waiting)s on the waiting list · %(no)s said no · "
                    "%(open)s not answered"
                )
                % {
                    "yes": row.accepted_count,
                    "waiting": row.waitlisted_count,
                    "no": row.declined,
                    "open": row.pending,
                },
                names_person=False,
            )
        )
    return items


def _attendance(reach: Reach) -> list[WorkItem]:
    window = Q(
        is_cancelled=False,
        ends_at__lte=reach.now,
        ends_at__gte=reach.now - _days(ATTENDANCE_WINDOW_DAYS),
        municipality_id=reach.municipality_id,
    )
    recorded = Exists(Attendance.objects.filter(event=OuterRef("pk")))
    meetings = (
        Event.objects.filter(window, kind=EventKind.MEETING, accepted_count__gt=0)
        .exclude(recorded)
        .filter(reach.mine("series__responsible"))
        .select_related("series__responsible")
        .order_by("starts_at", "id")
    )
    members = CohortMember.objects.filter(cohort=OuterRef("cohort"), left_on=None)
    sessions = (
        Session.objects.filter(window)
        .filter(Exists(members))
        .exclude(recorded)
        .filter(reach.mine("cohort__created_by"))
        .select_related("cohort__created_by")
        .order_by("starts_at", "id")
    )
    items = []
    for meeting in meetings:
        if meeting.series is None:  # cannot happen: a meeting belongs to a series (a check constraint)
            continue
        held = _local_date(meeting.starts_at)
        items.append(
            _item(
                reach,
                kind=Kind.ATTENDANCE_TO_RECORD,
                action=_("Record who came"),
                about=meeting.title,
                url=reverse("meetings:meeting_attendance", args=[meeting.pk]),
                due_on=held + _days(ATTENDANCE_DAYS),
                responsible=meeting.series.responsible,
                detail=_("Held on %(date)s; %(n)s had said yes")
                % {"date": held.isoformat(), "n": meeting.accepted_count},
                names_person=False,
            )
        )
    for session in sessions:
        held = _local_date(session.starts_at)
        items.append(
            _item(
                reach,
                kind=Kind.ATTENDANCE_TO_RECORD,
                action=_("Record who came"),
                about=_("%(cohort)s, session %(n)s") % {"cohort": session.cohort.name, "n": session.number},
                url=reverse("programmes:session_attendance", args=[session.pk]),
                due_on=held + _days(ATTENDANCE_DAYS),
                responsible=session.cohort.created_by,
                detail=_("Held on %(date)s") % {"date": held.isoformat()},
                names_person=False,
            )
        )
    return sorted(items, key=lambda item: item.due_on or reach.today)


def _questionnaires(reach: Reach) -> list[WorkItem]:
    held = Q(sessions__is_cancelled=False)

    def missing(phase: str) -> Exists:
        # A current participant who has not been given the phase's questionnaire yet.
        given = QuestionnaireResponse.objects.filter(member=OuterRef("pk"), phase=phase)
        return Exists(
            CohortMember.objects.filter(
                cohort=OuterRef("pk"), role=MemberRole.PARTICIPANT, left_on=None
            ).exclude(Exists(given))
        )

    asked = Question.objects.filter(programme=OuterRef("programme"), is_active=True)
    rows = (
        Cohort.objects.filter(municipality_id=reach.municipality_id)
        .filter(Exists(asked))
        .filter(reach.mine("created_by"))
        .annotate(
            first_at=Min("sessions__starts_at", filter=held),
            last_at=Max("sessions__starts_at", filter=held),
            missing_before=missing(Phase.BEFORE),
            missing_after=missing(Phase.AFTER),
        )
        .filter(
            Q(missing_before=True) | Q(missing_after=True),
            last_at__gte=_day_start(reach.today - _days(QUESTIONNAIRE_AFTER_WINDOW_DAYS)),
        )
        .select_related("programme", "created_by")
        .order_by("first_at", "id")
    )
    items = []
    for row in rows:
        first = _local_date(row.first_at)
        last = _local_date(row.last_at)
        about = f"{row.programme.name}: {row.name}"
        url = reverse("programmes:cohort_questionnaires", args=[row.pk])
        if row.missing_before and first - _days(QUESTIONNAIRE_BEFORE_SHOWN_DAYS) <= reach.today <= last:
            items.append(
                _item(
                    reach,
                    kind=Kind.QUESTIONNAIRE_TO_SEND,
                    action=_("Send the questionnaire before the programme"),
                    about=about,
                    url=url,
                    due_on=first,
                    responsible=row.created_by,
                    detail=_("First session on %(date)s") % {"date": first.isoformat()},
                    names_person=False,
                )
            )
        if row.missing_after and last <= reach.today:
            items.append(
                _item(
                    reach,
                    kind=Kind.QUESTIONNAIRE_TO_SEND,
                    action=_("Send the questionnaire after the programme"),
                    about=about,
                    url=url,
                    due_on=last + _days(QUESTIONNAIRE_AFTER_DAYS),
                    responsible=row.created_by,
                    detail=_("Last session on %(date)s") % {"date": last.isoformat()},
                    names_person=False,
                )
            )
    return items


# --- the register -------------------------------------------------------------------------


def _status_changes(reach: Reach) -> list[WorkItem]:
    by_status = Q()
    for status, (shown_after, _due_after) in STATUS_RULES.items():
        by_status |= Q(status=status, status_changed_at__lte=reach.now - _days(shown_after))
    ending = Q(status__in=ENDS_ON_STATUSES, ends_on__lte=reach.today + _days(ENDS_ON_NOTICE_DAYS))
    rows = (
        Assignment.objects.filter(municipality_id=reach.municipality_id)
        .filter(by_status | ending)
        .filter(reach.mine("responsible_secretary"))
        .select_related("household", "person", "responsible_secretary")
        .order_by("status_changed_at", "id")
    )
    items = []
    for row in rows:
        candidates: list[tuple[datetime.date, str]] = []
        if row.status in STATUS_RULES:
            since = _local_date(row.status_changed_at)
            candidates.append((since + _days(STATUS_RULES[row.status][1]), str(STATUS_ACTIONS[row.status])))
        if row.status in ENDS_ON_STATUSES and row.ends_on is not None:
            candidates.append(
                (
                    row.ends_on,
                    _("Valid until %(date)s: extend or end the assignment")
                    % {"date": row.ends_on.isoformat()},
                )
            )
        due, action = min(candidates)
        holder = row.household or row.person
        items.append(
            _item(
                reach,
                kind=Kind.STATUS_CHANGE_DUE,
                action=action,
                about=str(holder),
                url=reverse("register:assignment_detail", args=[row.pk]),
                due_on=due,
                responsible=row.responsible_secretary,
                detail=_("%(type)s, %(status)s since %(date)s")
                % {
                    "type": row.get_type_display(),
                    "status": row.get_status_display().lower(),
                    "date": _local_date(row.status_changed_at).isoformat(),
                },
            )
        )
    return sorted(items, key=lambda item: item.due_on or reach.today)


def _emails_not_delivered(reach: Reach) -> list[WorkItem]:
    """E-mails to the municipality's families and members that failed for good or may have
    been sent: one item each, on the page where the e-mail is sent again.

    Whose item: the owner of the record the e-mail is about (the series' responsible
    secretary for an invitation, the foster home's responsible secretary for a follow-up
    survey, the cohort's creator for a questionnaire). One query for the messages and one
    per kind of record, however many there are.
    """
    problems = email_problems_in(municipality_id=reach.municipality_id)
    ids: dict[str, list[int]] = defaultdict(list)
    for problem in problems:
        if problem.about_id is not None:
            ids[problem.about_type].append(problem.about_id)
    # about_type -> {id: (about, url, responsible)}
    records: dict[str, dict[int, tuple[str, str, User | None]]] = defaultdict(dict)
    if ids[INVITATION_EMAIL]:
        for invitation in (
            Invitation.objects.filter(municipality_id=reach.municipality_id, pk__in=ids[INVITATION_EMAIL])
            .filter(reach.mine("event__series__responsible"))
            .select_related("event__series__responsible", "household", "person")
        ):
            series = invitation.event.series
            responsible = series.responsible if series is not None else None
            if responsible is not None and responsible.municipality_id != reach.municipality_id:
                responsible = None  # a partner municipality's series: the unit's own to handle
            records[INVITATION_EMAIL][invitation.pk] = (
                str(invitation.household or invitation.person),
                reverse("meetings:meeting_detail", args=[invitation.event_id]),
                responsible,
            )
    if ids[SURVEY_EMAIL]:
        for survey in (
            FollowUpSurvey.objects.filter(municipality_id=reach.municipality_id, pk__in=ids[SURVEY_EMAIL])
            .filter(reach.mine("pairing__offer__assignment__responsible_secretary"))
            .select_related(*(f"pairing__{join}" for join in _PAIRING_JOINS))
        ):
            records[SURVEY_EMAIL][survey.pk] = (
                _pairing_about(survey.pairing),
                reverse("mentorship:pairing_detail", args=[survey.pairing_id]) + f"#survey-{survey.pk}",
                survey.pairing.offer.assignment.responsible_secretary,
            )
    if ids[QUESTIONNAIRE_EMAIL]:
        for response in (
            QuestionnaireResponse.objects.filter(
                municipality_id=reach.municipality_id, pk__in=ids[QUESTIONNAIRE_EMAIL]
            )
            .filter(reach.mine("cohort__created_by"))
            .select_related("cohort__created_by", "member__person", "member__user")
        ):
            member = response.member
            records[QUESTIONNAIRE_EMAIL][response.pk] = (
                str(member.person or member.user or response.cohort),
                reverse("programmes:cohort_questionnaires", args=[response.cohort_id]),
                response.cohort.created_by,
            )
    items = []
    for problem in problems:
        record = records[problem.about_type].get(problem.about_id or 0)
        if record is None:
            continue  # not about a record of these kinds, or another staff member's
        about, url, responsible = record
        since = _local_date(problem.created_at or problem.next_attempt_at)
        items.append(
            _item(
                reach,
                kind=Kind.EMAIL_NOT_DELIVERED,
                action=_("Check with the recipient and send the e-mail again")
                if problem.state == EmailState.UNCERTAIN
                else _("Check the address and send the e-mail again"),
                about=about,
                url=url,
                due_on=since,
                responsible=responsible,
                detail=_("“%(subject)s”: %(state)s")
                % {"subject": problem.subject, "state": EmailState(problem.state).label},
            )
        )
    return items


ITEM_READERS: tuple[Callable[[Reach], list[WorkItem]], ...] = (
    _check_ins,
    _survey_problems,
    _emails_not_delivered,
    _offers,
    _introductions,
    _meetings_this_week,
    _attendance,
    _questionnaires,
    _status_changes,
)


def work_items(
    *,
    municipality_id: str,
    responsible: User | None = None,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> list[WorkItem]:
    """Every item of the municipality, or of one responsible staff member: one query per kind,
    in the municipality's scope (the caller's). Reads only; the pages log the view."""
    now = now or timezone.now()
    reach = Reach(
        municipality_id=municipality_id,
        responsible=responsible,
        today=today or timezone.localdate(now),
        now=now,
    )
    return [item for read in ITEM_READERS for item in read(reach)]


# --- the pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    kind: str
    label: str
    items: list[WorkItem]

    @property
    def overdue(self) -> int:
        return sum(item.is_overdue for item in self.items)


def sections(items: Iterable[WorkItem]) -> list[Section]:
    """The items by kind, in the page's order; kinds without items are left out."""
    by_kind: dict[str, list[WorkItem]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    return [Section(kind.value, str(kind.label), by_kind[kind.value]) for kind in Kind if by_kind[kind.value]]


@dataclass(frozen=True)
class Totals:
    items: int
    overdue: int
    attention: int

    @classmethod
    def of(cls, items: list[WorkItem]) -> Totals:
        todo = [item for item in items if item.kind not in INFORMATION_KINDS]
        return cls(
            items=len(todo),
            overdue=sum(item.is_overdue for item in todo),
            attention=sum(item.needs_attention for item in todo),
        )


def _log_view(user: User, items: list[WorkItem]) -> None:
    """One access-log row per view of a start page that names families or persons."""
    if any(item.names_person for item in items):
        access_log_record(
            by=user,
            action=AccessAction.VIEW,
            municipality_id=user.municipality_id or "",
            object_type="worklist.start",
            detail={"results": len(items)},
        )


@dataclass(frozen=True)
class SecretaryStart:
    role: str
    sections: list[Section]
    totals: Totals


@dataclass(frozen=True)
class Group:
    """One staff member's items on the unit manager's page (``user`` None: unassigned)."""

    user_id: int | None
    name: str
    sections: list[Section]
    totals: Totals

    @property
    def key(self) -> str:
        return f"group-{self.user_id or 'none'}-"


@dataclass(frozen=True)
class ManagerStart:
    role: str
    overdue: list[WorkItem]
    attention: list[WorkItem]  # not overdue, but needing attention (support, problem answers)
    groups: list[Group]
    unassigned: Group
    totals: Totals


@dataclass(frozen=True)
class ProgrammeRow:
    programme: Programme
    cohorts: int


@dataclass(frozen=True)
class CoordinatorStart:
    role: str
    sections: list[Section]
    totals: Totals
    programmes: list[ProgrammeRow]
    series: list[Series]
    regions: list[tuple[Region, list[str]]]


@dataclass(frozen=True)
class Account:
    user: User
    is_dormant: bool


@dataclass(frozen=True)
class AdministratorStart:
    role: str
    accounts: list[Account]
    dormant: int
    jobs_queued: int
    jobs_failed: int
    accesses_today: int
    changes_today: int
    dormant_days: int = DORMANT_ACCOUNT_DAYS


StartPage = SecretaryStart | ManagerStart | CoordinatorStart | AdministratorStart


def secretary_start(*, user: User, today: datetime.date | None = None) -> SecretaryStart:
    """The secretary's own items, by kind; writes one access-log row when families are named."""
    items = work_items(municipality_id=user.municipality_id or "", responsible=user, today=today)
    _log_view(user, items)
    return SecretaryStart(role=Role.SECRETARY, sections=sections(items), totals=Totals.of(items))


def _unit_staff(user: User) -> list[User]:
    return list(
        User.objects.filter(
            municipality_id=user.municipality_id,
            is_active=True,
            role__in=(Role.SECRETARY, Role.UNIT_MANAGER),
        ).order_by("first_name", "last_name", "username")
    )


def manager_start(*, user: User, today: datetime.date | None = None) -> ManagerStart:
    """Every item of the unit (the municipality), grouped by responsible staff member, with
    what is overdue first and the unassigned items in a group of their own; one access-log row."""
    items = work_items(municipality_id=user.municipality_id or "", today=today)
    _log_view(user, items)
    by_user: dict[int | None, list[WorkItem]] = defaultdict(list)
    for item in items:
        by_user[item.responsible_id].append(item)
    names = {item.responsible_id: item.responsible_name for item in items}
    staff = _unit_staff(user)
    order = [member.pk for member in staff] + sorted(
        (pk for pk in by_user if pk is not None and pk not in {member.pk for member in staff}),
        key=lambda pk: names[pk],
    )
    names.update({member.pk: str(member) for member in staff})
    groups = [Group(pk, names[pk], sections(by_user[pk]), Totals.of(by_user[pk])) for pk in order]
    unassigned = by_user[None]
    todo = [item for item in items if item.kind not in INFORMATION_KINDS]
    return ManagerStart(
        role=Role.UNIT_MANAGER,
        overdue=sorted(
            (item for item in todo if item.is_overdue), key=lambda item: item.due_on or datetime.date.min
        ),
        attention=[item for item in todo if item.needs_attention and not item.is_overdue],
        groups=groups,
        unassigned=Group(None, _("No responsible secretary"), sections(unassigned), Totals.of(unassigned)),
        totals=Totals.of(items),
    )


def coordinator_start(*, user: User, today: datetime.date | None = None) -> CoordinatorStart:
    """What the county coordinator can do today: own items, the municipality's programmes and
    meeting series, and the cooperations (regions) the municipality belongs to."""
    items = work_items(municipality_id=user.municipality_id or "", responsible=user, today=today)
    _log_view(user, items)
    programmes = (
        Programme.objects.filter(municipality_id=user.municipality_id)
        .annotate(cohort_count=Count("cohorts"))
        .order_by("name", "id")
    )
    now = timezone.now()
    next_meeting = Event.objects.filter(
        series=OuterRef("pk"), starts_at__gt=now, is_cancelled=False
    ).order_by("starts_at")
    series = (
        Series.objects.filter(
            municipality_id=user.municipality_id, ends_on__gte=today or timezone.localdate()
        )
        .annotate(next_starts_at=models.Subquery(next_meeting.values("starts_at")[:1]))
        .order_by("title", "id")
    )
    regions = [
        (region, [str(m) for m in region.municipalities.order_by("short_name")])
        for region in Region.objects.filter(municipalities=user.municipality_id).prefetch_related(
            "municipalities"
        )
    ]
    return CoordinatorStart(
        role=Role.COUNTY_COORDINATOR,
        sections=sections(items),
        totals=Totals.of(items),
        programmes=[ProgrammeRow(p, p.cohort_count) for p in programmes],
        series=list(series),
        regions=regions,
    )


def administrator_start(*, user: User, today: datetime.date | None = None) -> AdministratorStart:
    """The municipality's staff accounts (role, last login, active), the job queue and today's logs."""
    today = today or timezone.localdate()
    accounts = User.objects.filter(municipality_id=user.municipality_id).order_by(
        "-is_active", "role", "first_name", "last_name", "username"
    )
    cutoff = timezone.now() - _days(DORMANT_ACCOUNT_DAYS)
    rows = [
        Account(account, account.is_active and (account.last_login is None or account.last_login < cutoff))
        for account in accounts
    ]
    jobs = job_overview(limit=50)
    since = _day_start(today)
    return AdministratorStart(
        role=Role.ADMINISTRATOR,
        accounts=rows,
        dormant=sum(row.is_dormant for row in rows),
        jobs_queued=jobs.queued_count,
        jobs_failed=sum(not job.will_retry for job in jobs.failed),
        accesses_today=AccessLogEntry.objects.filter(
            municipality_id=user.municipality_id, at__gte=since
        ).count(),
        changes_today=ChangeLogEntry.objects.filter(
            municipality_id=user.municipality_id, at__gte=since
        ).count(),
    )


START_PAGES: dict[str, Callable[..., StartPage]] = {
    Role.SECRETARY: secretary_start,
    Role.UNIT_MANAGER: manager_start,
    Role.COUNTY_COORDINATOR: coordinator_start,
    Role.ADMINISTRATOR: administrator_start,
}


def start_page(*, user: User, today: datetime.date | None = None) -> StartPage:
    """The start page of the user's role."""
    return START_PAGES[user.role](user=user, today=today)
