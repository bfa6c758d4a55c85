"""Reads for programme evaluation: the questionnaire, the before/after comparison,
where each member's questionnaire stands, and the pseudonymised export.

The comparison and the export show no names; the cohort's questionnaire page
does and writes the access log, as does every export.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from audit.models import AccessAction
from audit.services import access_log_record
from jobs.models import EmailState
from jobs.selectors import EmailStatus, email_states_about
from programmes.evaluation.links import questionnaire_link
from programmes.models import (
    Answer,
    Cohort,
    CohortMember,
    MemberRole,
    Phase,
    Programme,
    Question,
    QuestionKind,
    QuestionnaireResponse,
)
from programmes.selectors import member_name
from tenancy.access import owned_or_404


def member_email(member: CohortMember) -> str:
    """Where the member's questionnaire goes: a staff member's or a person's e-mail ("" if none)."""
    if member.user_id is not None:
        return (member.user.email or "").strip()  # type: ignore[union-attr]  # user_id is set
    if member.person_id is not None:
        return (member.person.email or "").strip()  # type: ignore[union-attr]  # person_id is set
    return ""


QUESTIONNAIRE_EMAIL = "programmes.QuestionnaireResponse"


def questionnaire_emails(responses: list[QuestionnaireResponse]) -> dict[int, EmailStatus]:
    """Each questionnaire's e-mail in the outbox, by questionnaire id."""
    return email_states_about(about_type=QUESTIONNAIRE_EMAIL, ids=[response.pk for response in responses])


def send_has_given_up(response: QuestionnaireResponse) -> bool:
    """The outbox stopped trying (refused, or the retry period ran out): sending again queues it anew."""
    email = questionnaire_emails([response]).get(response.pk)
    return response.sent_at is None and email is not None and email.state == EmailState.GAVE_UP


def response_get_for(*, user: User, id: int) -> QuestionnaireResponse:
    """A member's questionnaire, if it is the user's municipality's; else 404."""
    return owned_or_404(QuestionnaireResponse.objects.all(), user=user, id=id)


def question_get_for(*, user: User, id: int) -> Question:
    """The question with its programme, if it is the user's municipality's; else 404."""
    return owned_or_404(Question.objects.select_related("programme"), user=user, id=id)


def question_list(*, programme: Programme) -> QuerySet[Question]:
    """The programme's questions in order, each with how many answers it has."""
    return (
        Question.objects.filter(programme=programme)
        .annotate(answer_count=Count("answers"))
        .order_by("position", "id")
    )


def asked_questions(*, programme_id: int) -> list[Question]:
    """The questions a member is asked now, in order."""
    return list(Question.objects.filter(programme_id=programme_id, is_active=True).order_by("position", "id"))


def questionnaire_for_answer(*, response_id: int) -> QuestionnaireResponse | None:
    """The questionnaire a signed link names, with its programme (inside the link's municipality scope)."""
    return QuestionnaireResponse.objects.select_related("cohort__programme").filter(pk=response_id).first()


def cohort_choices(*, programme: Programme) -> QuerySet[Cohort]:
    return Cohort.objects.filter(programme=programme).order_by("-starts_on", "id")


# --- The before/after comparison ------------------------------------------------


# A group's figures (mean, SD, difference, change) are shown only when at least this many
# answers make them up. Small groups reveal individuals: with a cohort filter, one or two
# answers can be read out as a person's own, as the cohort's questionnaire page shows who
# answered. The counts (n) are still shown; the pseudonymised export is not limited.
MIN_ANSWERS_SHOWN = 3


@dataclass(frozen=True)
class PhaseStats:
    n: int
    mean: float | None  # None when not shown
    sd: float | None  # sample standard deviation (n - 1); None when not shown
    is_shown: bool  # at least MIN_ANSWERS_SHOWN answers make up the figures

    @property
    def is_withheld(self) -> bool:
        """Someone answered, but too few for the figures to be shown."""
        return self.n > 0 and not self.is_shown


@dataclass(frozen=True)
class ItemComparison:
    question: Question
    number: int  # the item's number on the page and in the chart (1, 2, ...)
    before: PhaseStats
    after: PhaseStats
    difference: float | None  # after's mean minus before's mean; None unless both are shown
    paired_n: int  # members who answered the item both before and after
    paired_is_shown: bool  # at least MIN_ANSWERS_SHOWN members answered both
    paired_mean_change: float | None  # None when not shown
    paired_sd_change: float | None  # None when not shown

    @property
    def has_withheld(self) -> bool:
        """Some figure of the item is left out because too few answered."""
        paired_is_withheld = self.paired_n > 0 and not self.paired_is_shown
        return self.before.is_withheld or self.after.is_withheld or paired_is_withheld


def _stats(n: int, total: int, squares: int) -> PhaseStats:
    """Mean and sample SD from the count, the sum and the sum of squares, in exact integer
    arithmetic; neither when fewer than MIN_ANSWERS_SHOWN answers make them up."""
    if n < MIN_ANSWERS_SHOWN:
        return PhaseStats(n=n, mean=None, sd=None, is_shown=False)
    sd = math.sqrt((n * squares - total * total) / (n * (n - 1))) if n > 1 else None
    return PhaseStats(n=n, mean=total / n, sd=sd, is_shown=True)


def _evaluated_answers(*, programme: Programme, cohort: Cohort | None, role: str) -> QuerySet[Answer]:
    answers = Answer.objects.filter(
        question__programme=programme,
        question__is_active=True,
        question__kind=QuestionKind.LIKERT,
        value__isnull=False,
        response__answered_at__isnull=False,
    )
    if cohort is not None:
        answers = answers.filter(response__cohort=cohort)
    if role in MemberRole.values:
        answers = answers.filter(response__member__role=role)
    return answers


def _squared(expression: Any) -> ExpressionWrapper:
    return ExpressionWrapper(expression * expression, output_field=IntegerField())


def evaluation_comparison(
    *, programme: Programme, cohort: Cohort | None = None, role: str = ""
) -> list[ItemComparison]:
    """Before and after per asked 1–5 item: n, mean and spread of each phase, their
    difference, and the change among members who answered both. Figures made up of
    fewer than MIN_ANSWERS_SHOWN answers are None (their n is kept).

    Two aggregate queries, whatever the number of items or answers. ``role`` limits
    it to participants or mentors ("" counts everyone).
    """
    questions = list(
        Question.objects.filter(programme=programme, is_active=True, kind=QuestionKind.LIKERT).order_by(
            "position", "id"
        )
    )
    answers = _evaluated_answers(programme=programme, cohort=cohort, role=role)
    by_phase: dict[tuple[int, str], PhaseStats] = {}
    for row in (
        answers.values("question_id", "response__phase")
        .annotate(n=Count("id"), total=Sum("value"), squares=Sum(_squared(F("value"))))
        .order_by()
    ):
        by_phase[(row["question_id"], row["response__phase"])] = _stats(
            row["n"], row["total"], row["squares"]
        )

    # Paired: each after-answer next to the same member's before-answer to the same item.
    before_value = answers.filter(
        question_id=OuterRef("question_id"),
        response__member_id=OuterRef("response__member_id"),
        response__phase=Phase.BEFORE,
    ).values("value")[:1]
    change = ExpressionWrapper(F("value") - F("before_value"), output_field=IntegerField())
    paired: dict[int, PhaseStats] = {}
    for row in (
        answers.filter(response__phase=Phase.AFTER)
        .annotate(before_value=Subquery(before_value, output_field=IntegerField()))
        .filter(before_value__isnull=False)
        .values("question_id")
        .annotate(n=Count("id"), total=Sum(change), squares=Sum(_squared(change)))
        .order_by()
    ):
        paired[row["question_id"]] = _stats(row["n"], row["total"], row["squares"])

    empty = _stats(0, 0, 0)
    items = []
    for number, question in enumerate(questions, start=1):
        before = by_phase.get((question.pk, Phase.BEFORE), empty)
        after = by_phase.get((question.pk, Phase.AFTER), empty)
        pair = paired.get(question.pk, empty)
        items.append(
            ItemComparison(
                question=question,
                number=number,
                before=before,
                after=after,
                difference=after.mean - before.mean
                if after.mean is not None and before.mean is not None  # both shown
                else None,
                paired_n=pair.n,
                paired_is_shown=pair.is_shown,
                paired_mean_change=pair.mean,
                paired_sd_change=pair.sd,
            )
        )
    return items


@dataclass(frozen=True)
class ResponseCounts:
    phase: str
    label: str
    given: int  # questionnaires handed out (sent, queued or waiting for a copied link)
    answered: int


def response_counts(
    *, programme: Programme, cohort: Cohort | None = None, role: str = ""
) -> list[ResponseCounts]:
    """How many questionnaires were handed out and answered per phase (one query)."""
    responses = QuestionnaireResponse.objects.filter(cohort__programme=programme)
    if cohort is not None:
        responses = responses.filter(cohort=cohort)
    if role in MemberRole.values:
        responses = responses.filter(member__role=role)
    counts = {
        row["phase"]: row
        for row in responses.values("phase")
        .annotate(given=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
        .order_by()
    }
    return [
        ResponseCounts(
            phase=phase.value,
            label=str(phase.label),
            given=counts.get(phase.value, {}).get("given", 0),
            answered=counts.get(phase.value, {}).get("answered", 0),
        )
        for phase in Phase
    ]


@dataclass
class FreeTextItem:
    question: Question
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FreeTexts:
    items: list[FreeTextItem]
    before_is_shown: bool  # the phase has at least MIN_ANSWERS_SHOWN answered questionnaires
    after_is_shown: bool

    @property
    def is_withheld(self) -> bool:
        return not (self.before_is_shown and self.after_is_shown)


def free_text_answers(
    *,
    programme: Programme,
    cohort: Cohort | None = None,
    role: str = "",
    counts: Sequence[ResponseCounts] | None = None,
) -> FreeTexts:
    """Free-text answers per question and phase, without who wrote them; a phase's
    answers only when at least MIN_ANSWERS_SHOWN of its questionnaires are answered
    (in the same cohort and role): of fewer, the cohort's questionnaire page tells whose they are.

    Sorted by their text, so the order does not tell who answered first. One query,
    given ``counts`` from response_counts() for the same programme, cohort and role
    (a second one without; none when no phase is shown).
    """
    if counts is None:
        counts = response_counts(programme=programme, cohort=cohort, role=role)
    answered = {count.phase: count.answered for count in counts}
    shown = [phase for phase in Phase.values if answered.get(phase, 0) >= MIN_ANSWERS_SHOWN]
    before_is_shown, after_is_shown = Phase.BEFORE.value in shown, Phase.AFTER.value in shown
    if not shown:
        return FreeTexts(items=[], before_is_shown=False, after_is_shown=False)
    answers = Answer.objects.filter(
        question__programme=programme,
        question__kind=QuestionKind.TEXT,
        response__answered_at__isnull=False,
        response__phase__in=shown,
    ).exclude(text="")
    if cohort is not None:
        answers = answers.filter(response__cohort=cohort)
    if role in MemberRole.values:
        answers = answers.filter(response__member__role=role)
    items: dict[int, FreeTextItem] = {}
    for answer in answers.select_related("question", "response").order_by(
        "question__position", "question_id", "text"
    ):
        item = items.setdefault(answer.question_id, FreeTextItem(question=answer.question))
        (item.after if answer.response.phase == Phase.AFTER else item.before).append(answer.text)
    return FreeTexts(
        items=list(items.values()), before_is_shown=before_is_shown, after_is_shown=after_is_shown
    )


# --- A cohort's questionnaires, member by member --------------------------------


class SendState:
    NOT_GIVEN = "not_given"  # no questionnaire yet
    NO_ADDRESS = "no_address"  # the member has no e-mail address: copy the link
    NOT_QUEUED = "not_queued"  # has an address now, but no e-mail was queued (send again)
    QUEUED = "queued"  # waiting for the background job
    RETRYING = "retrying"  # the mail server could not take it; tried again at the e-mail's next_attempt_at
    GAVE_UP = "gave_up"  # the outbox stopped trying (send again)
    UNCERTAIN = "uncertain"  # the mail server may have it: check with the member, send again if needed
    SENT = "sent"
    ANSWERED = "answered"


@dataclass(frozen=True)
class MemberQuestionnaire:
    phase: str
    response: QuestionnaireResponse | None
    state: str
    link: str  # for a member without e-mail: the coordinator gives it to them ("" otherwise)
    email: EmailStatus | None = None  # its message in the outbox, once queued


@dataclass(frozen=True)
class MemberRow:
    member: CohortMember
    name: str
    has_address: bool
    before: MemberQuestionnaire
    after: MemberQuestionnaire

    @property
    def questionnaires(self) -> tuple[MemberQuestionnaire, MemberQuestionnaire]:
        return (self.before, self.after)


def _state(response: QuestionnaireResponse | None, *, has_address: bool, email: EmailStatus | None) -> str:
    if response is None:
        return SendState.NOT_GIVEN
    if response.answered_at is not None:
        return SendState.ANSWERED
    if response.sent_at is not None:
        return SendState.SENT
    if not has_address:
        return SendState.NO_ADDRESS
    if response.send_queued_at is None:
        return SendState.NOT_QUEUED
    if email is not None and email.state == EmailState.GAVE_UP:
        return SendState.GAVE_UP
    if email is not None and email.state == EmailState.UNCERTAIN:
        return SendState.UNCERTAIN
    if email is not None and email.state == EmailState.FAILED:
        return SendState.RETRYING
    return SendState.QUEUED


def _member_questionnaire(
    phase: str,
    by_phase: dict[str, QuestionnaireResponse],
    *,
    has_address: bool,
    emails: dict[int, EmailStatus],
) -> MemberQuestionnaire:
    response = by_phase.get(phase)
    email = emails.get(response.pk) if response is not None else None
    state = _state(response, has_address=has_address, email=email)
    link = questionnaire_link(response) if response is not None and state == SendState.NO_ADDRESS else ""
    return MemberQuestionnaire(phase=phase, response=response, state=state, link=link, email=email)


def cohort_questionnaires(*, user: User, cohort: Cohort) -> list[MemberRow]:
    """Each member of the cohort (current first) with where their before and after
    questionnaires stand; writes one access-log row (names are shown)."""
    members = (
        CohortMember.objects.filter(cohort=cohort)
        .select_related("user", "person")
        .prefetch_related("responses")
        .order_by(
            F("left_on").asc(nulls_first=True),
            Case(When(role=MemberRole.PARTICIPANT, then=Value(0)), default=Value(1)),
            "id",
        )
    )
    listed = list(members)
    emails = questionnaire_emails([response for member in listed for response in member.responses.all()])
    rows = []
    for member in listed:
        by_phase = {response.phase: response for response in member.responses.all()}
        has_address = bool(member_email(member))
        rows.append(
            MemberRow(
                member=member,
                name=member_name(member),
                has_address=has_address,
                before=_member_questionnaire(Phase.BEFORE, by_phase, has_address=has_address, emails=emails),
                after=_member_questionnaire(Phase.AFTER, by_phase, has_address=has_address, emails=emails),
            )
        )
    access_log_record(
        by=user,
        action=AccessAction.VIEW,
        municipality_id=cohort.municipality_id,
        instance=cohort,
        detail={"page": "questionnaires"},
    )
    return rows


# --- The pseudonymised export ---------------------------------------------------


def member_pseudonym(*, programme: Programme, member_id: int) -> str:
    """A stable pseudonym of a cohort member within one programme: an HMAC-SHA256 of the
    member under the programme's secret key, so the same member has the same pseudonym
    before and after, and nobody without the key can link it to the member or across
    programmes."""
    if not programme.pseudonym_key:
        raise ValueError("The programme has no pseudonym key.")
    digest = hmac.new(programme.pseudonym_key.encode(), str(member_id).encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:10]}"


@dataclass(frozen=True)
class ExportTable:
    header: list[str]
    rows: list[list[str]]


_PHASE_ORDER = {Phase.BEFORE.value: 0, Phase.AFTER.value: 1}


def evaluation_export(*, user: User, programme: Programme, include_free_text: bool) -> ExportTable:
    """Every answered questionnaire of the programme as one row: pseudonym, cohort, role,
    phase, answer date and one column per question. No names, addresses or ids; free
    text only when asked for (it may name people). Writes one access-log row."""
    questions = list(
        Question.objects.filter(programme=programme).order_by("position", "id")
        if include_free_text
        else Question.objects.filter(programme=programme, kind=QuestionKind.LIKERT).order_by("position", "id")
    )
    responses = list(
        QuestionnaireResponse.objects.filter(cohort__programme=programme, answered_at__isnull=False)
        .select_related("cohort", "member")
        .prefetch_related("answers")
    )
    header = [
        gettext("Pseudonym"),
        gettext("Cohort"),
        gettext("Role"),
        gettext("Phase"),
        gettext("Answered"),
        *[f"{number}. {question.text}" for number, question in enumerate(questions, start=1)],
    ]
    keyed = []
    for response in responses:
        answers = {answer.question_id: answer for answer in response.answers.all()}
        cells = []
        for question in questions:
            answer = answers.get(question.pk)
            if answer is None:
                cells.append("")
            elif question.kind == QuestionKind.LIKERT:
                cells.append("" if answer.value is None else str(answer.value))
            else:
                cells.append(answer.text)
        pseudonym = member_pseudonym(programme=programme, member_id=response.member_id)
        row = [
            pseudonym,
            response.cohort.name,
            response.member.get_role_display(),
            response.get_phase_display(),
            timezone.localtime(response.answered_at).date().isoformat(),
            *cells,
        ]
        # Ordered by cohort and pseudonym (not by member id, which would hint at who is who).
        keyed.append(
            ((response.cohort.starts_on, response.cohort_id, pseudonym, _PHASE_ORDER[response.phase]), row)
        )
    rows = [row for _key, row in sorted(keyed, key=lambda item: item[0])]
    access_log_record(
        by=user,
        action=AccessAction.EXPORT,
        municipality_id=programme.municipality_id,
        instance=programme,
        detail={"export": "evaluation", "rows": len(rows), "free_text": include_free_text},
    )
    return ExportTable(header=header, rows=rows)
