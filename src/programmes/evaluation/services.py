"""Programme evaluation changes: the questionnaire's questions, sending it to a
cohort, and answers given through a signed link.

Before and after must ask the same thing, so a question that has answers is never
edited or removed: it is retired and a new one added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from jobs.services import job_enqueue
from kernel.email import email_resend_about
from kernel.records import record_create, record_delete, record_update
from programmes.evaluation.links import QuestionnaireLinkInvalid
from programmes.evaluation.selectors import member_email, questionnaire_emails, send_has_given_up
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

QUESTIONNAIRE_SEND_JOB = "programmes.jobs.questionnaire_send"
TEXT_ANSWER_MAX_LENGTH = 2000
QUESTION_FIELDS = ["position", "text", "kind", "low_label", "high_label", "is_active"]
RESPONSE_FIELDS = ["phase", "send_queued_at"]


def _question_has_answers(question: Question) -> bool:
    return Answer.objects.filter(question_id=question.pk).exists()


def _locked_question(question: Question) -> Question:
    # Lock the row: an edit and the first answer must not interleave (an answer
    # insert waits for this lock through its foreign key on PostgreSQL).
    return Question.objects.select_for_update().get(pk=question.pk)


def _clean_labels(kind: str, low_label: str, high_label: str) -> tuple[str, str]:
    if kind != QuestionKind.LIKERT:
        return "", ""  # a free-text question has no scale to label
    return low_label.strip(), high_label.strip()


@transaction.atomic
def question_add(
    *,
    by: User,
    programme: Programme,
    text: str,
    kind: str = QuestionKind.LIKERT,
    low_label: str = "",
    high_label: str = "",
) -> Question:
    """Add a question at the end of the programme's questionnaire."""
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Choose a scale from 1 to 5 or free text.")})
    # Lock the programme so two questions added at once do not share a position.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    last = Question.objects.filter(programme=programme).aggregate(last=Max("position"))["last"] or 0
    low, high = _clean_labels(kind, low_label, high_label)
    question = Question(
        municipality_id=programme.municipality_id,
        programme=programme,
        position=last + 1,
        text=text.strip(),
        kind=kind,
        low_label=low,
        high_label=high,
    )
    question.full_clean(exclude=["municipality", "programme"], validate_constraints=False)
    return record_create(question, by=by, tracked=QUESTION_FIELDS)


@transaction.atomic
def question_update(
    *, by: User, question: Question, text: str, low_label: str = "", high_label: str = ""
) -> Question:
    """Change a question's wording, only while nobody has answered it."""
    locked = _locked_question(question)
    if _question_has_answers(locked):
        raise ValidationError(
            _(
                "This question has answers and can no longer be changed: before and after must ask "
                "the same thing. Retire it and add a new question instead."
            )
        )
    low, high = _clean_labels(locked.kind, low_label, high_label)
    return record_update(
        locked,
        by=by,
        tracked=QUESTION_FIELDS,
        values={"text": text.strip(), "low_label": low, "high_label": high},
        clean=lambda record: record.full_clean(
            exclude=["municipality", "programme"], validate_constraints=False
        ),
    )


@transaction.atomic
def question_remove(*, by: User, question: Question) -> None:
    """Remove a question nobody has answered; one with answers can only be retired."""
    locked = _locked_question(question)
    if _question_has_answers(locked):
        raise ValidationError(
            _("This question has answers and cannot be removed. Retire it: it is then no longer asked.")
        )
    record_delete(locked, by=by, tracked=QUESTION_FIELDS)


@transaction.atomic
def question_set_active(*, by: User, question: Question, is_active: bool) -> Question:
    """Retire a question (no longer asked, its answers kept) or ask it again."""
    locked = _locked_question(question)
    if locked.is_active == is_active:
        return locked
    return record_update(locked, by=by, tracked=QUESTION_FIELDS, values={"is_active": is_active})


@transaction.atomic
def question_move(*, by: User, question: Question, up: bool) -> Question:
    """Move a question one step up or down in the questionnaire (positions stay 1..n)."""
    ordered = list(
        Question.objects.select_for_update()
        .filter(programme_id=question.programme_id)
        .order_by("position", "id")
    )
    index = next(i for i, item in enumerate(ordered) if item.pk == question.pk)
    target = index - 1 if up else index + 1
    if not 0 <= target < len(ordered):
        return ordered[index]
    ordered[index], ordered[target] = ordered[target], ordered[index]
    moved = ordered[target]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            record_update(item, by=by, tracked=["position"], values={"position": position})
    return moved


@dataclass(frozen=True)
class SendOutcome:
    created: int  # new questionnaires (one per member and phase, never a second)
    queued: int  # e-mails handed to the background job
    without_address: int  # members with no e-mail address: their link is copied from the page


@transaction.atomic
def questionnaires_send(
    *, by: User, cohort: Cohort, phase: str, include_mentors: bool = False
) -> SendOutcome:
    """Give every current member (participants; mentors if asked) the phase's questionnaire
    and queue its e-mail.

    Idempotent: a member never gets a second questionnaire for a phase, and an
    e-mail already sent, queued or answered is not queued again. An e-mail the
    outbox gave up on is sent again.
    """
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Choose the before or the after questionnaire.")})
    # One sender at a time per cohort: a double click must not queue the same e-mail twice.
    locked = Cohort.objects.select_for_update().select_related("programme").get(pk=cohort.pk)
    if not Question.objects.filter(programme_id=locked.programme_id, is_active=True).exists():
        raise ValidationError(_("Add at least one question before sending the questionnaire."))
    roles = [MemberRole.PARTICIPANT, MemberRole.MENTOR] if include_mentors else [MemberRole.PARTICIPANT]
    members = list(
        CohortMember.objects.filter(cohort=locked, left_on__isnull=True, role__in=roles)
        .select_related("user", "person")
        .order_by("id")
    )
    if not members:
        raise ValidationError(_("The cohort has no current members to send the questionnaire to."))
    existing = {
        response.member_id: response
        for response in QuestionnaireResponse.objects.filter(
            member__in=members, phase=phase
        ).select_for_update()
    }
    now = timezone.now()
    created = queued = without_address = 0
    for member in members:
        response = existing.get(member.pk)
        if response is None:
            response = record_create(
                QuestionnaireResponse(
                    municipality_id=locked.municipality_id, cohort=locked, member=member, phase=phase
                ),
                by=by,
                tracked=RESPONSE_FIELDS,
            )
            created += 1
        if response.answered_at is not None or response.sent_at is not None:
            continue
        if not member_email(member):
            without_address += 1
            continue
        if response.send_queued_at is not None:
            if send_has_given_up(response):
                # The outbox stopped trying: the coordinator's click sends it again (same
                # message; one that may have been sent is resent only from its own row).
                email_resend_about(
                    by=by, about=response, message_id=questionnaire_emails([response])[response.pk].id
                )
                queued += 1
            continue  # its e-mail is waiting, retrying, or may have been sent
        record_update(response, by=by, tracked=RESPONSE_FIELDS, values={"send_queued_at": now})
        job_enqueue(
            func=QUESTIONNAIRE_SEND_JOB,
            kwargs={"response_id": response.pk, "municipality_id": response.municipality_id},
        )
        queued += 1
    return SendOutcome(created=created, queued=queued, without_address=without_address)


def answer_field_name(question: Question) -> str:
    """The form field (and error key) of a question's answer."""
    return f"q_{question.pk}"


@transaction.atomic
def questionnaire_answer(
    *, response: QuestionnaireResponse, values: Mapping[int, int | None], texts: Mapping[int, str]
) -> QuestionnaireResponse:
    """Save all of a member's answers at once; a second submission through the link is refused.

    ``values`` holds the 1–5 answers by question id, ``texts`` the free-text
    answers. Every asked scale question needs an answer; nothing is saved when any
    answer is refused.
    """
    questions = list(
        Question.objects.filter(programme_id=response.cohort.programme_id, is_active=True).order_by(
            "position", "id"
        )
    )
    if not questions:
        raise QuestionnaireLinkInvalid(_("The questionnaire has no questions right now. Try again later."))
    asked = {question.pk: question for question in questions}
    if set(values) - asked.keys() or set(texts) - asked.keys():
        raise ValidationError(_("The questionnaire has changed. Reload the page and answer again."))
    errors: dict[str, Any] = {}
    answers: list[Answer] = []
    for question in questions:
        if question.kind == QuestionKind.LIKERT:
            value = values.get(question.pk)
            if value is None or not 1 <= value <= 5:
                errors[answer_field_name(question)] = _("Choose a value from 1 to 5.")
                continue
            answers.append(Answer(municipality_id=response.municipality_id, question=question, value=value))
        else:
            text = (texts.get(question.pk) or "").strip()
            if len(text) > TEXT_ANSWER_MAX_LENGTH:
                errors[answer_field_name(question)] = _("Write at most %(n)s characters.") % {
                    "n": TEXT_ANSWER_MAX_LENGTH
                }
                continue
            if text:
                answers.append(Answer(municipality_id=response.municipality_id, question=question, text=text))
    if errors:
        raise ValidationError(errors)
    # The conditional update is the single-use check: of two submissions racing, one wins.
    claimed = QuestionnaireResponse.objects.filter(pk=response.pk, answered_at__isnull=True).update(
        answered_at=timezone.now()
    )
    if claimed != 1:
        raise QuestionnaireLinkInvalid(_("This questionnaire has already been answered. Thank you!"))
    for answer in answers:
        answer.response_id = response.pk
    Answer.objects.bulk_create(answers)
    response.refresh_from_db(fields=["answered_at"])
    return response
