"""Set-up shared by the evaluation tests: a cohort with members and questions,
questionnaires handed out and answered, all through the services.

Dates are counted from the test clock: the root conftest.py travels every test to
BOLLPLANK_TEST_NOW with time_machine.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import Role, User
from programmes import services as programme_services
from programmes.evaluation import services as evaluation_services
from programmes.models import Cohort, CohortMember, Programme, Question, QuestionnaireResponse
from tenancy.scope import municipality_scope


@dataclass
class Group:
    programme: Programme
    cohort: Cohort
    participants: list[CohortMember]


def _user(by: Any, first_name: str) -> User:
    n = next(_numbers)
    return User.objects.create_user(
        username=f"deltagare-{by.municipality_id}-{n}",
        email=f"deltagare{n}@{by.municipality_id}.example.se",
        first_name=first_name,
        last_name=f"Test{n}",
        municipality_id=by.municipality_id,
        role=Role.SECRETARY,
    )


_numbers = itertools.count(1)


def make_group(
    by: Any, *, participants: int = 3, programme: Programme | None = None, name: str = "Hösten"
) -> Group:
    """A cohort (in ``programme`` or a new one) with ``participants`` staff members with e-mail."""
    today = timezone.localdate()
    with municipality_scope(by.municipality_id):
        programme = programme or programme_services.programme_create(
            by=by,
            name="Brukarmentorer för nya socialsekreterare",
            starts_on=today - datetime.timedelta(days=365),
            ends_on=today + datetime.timedelta(days=365),
            start_time=datetime.time(13, 0),
        )
        cohort = programme_services.cohort_create(
            by=by, programme=programme, name=name, starts_on=today - datetime.timedelta(weeks=10)
        )
        members = [
            programme_services.cohort_member_add(
                by=by, cohort=cohort, role="participant", user=_user(by, f"Deltagare{n}")
            )
            for n in range(participants)
        ]
    return Group(programme=programme, cohort=cohort, participants=members)


def add_questions(by: Any, programme: Programme, *specs: tuple[str, str]) -> list[Question]:
    """Questions as (text, kind) pairs; scale questions get labels for 1 and 5."""
    with municipality_scope(programme.municipality_id):
        return [
            evaluation_services.question_add(
                by=by,
                programme=programme,
                text=text,
                kind=kind,
                low_label="Inte alls" if kind == "likert" else "",
                high_label="Helt och hållet" if kind == "likert" else "",
            )
            for text, kind in specs
        ]


def hand_out(
    by: Any, cohort: Cohort, phase: str, *, include_mentors: bool = False
) -> dict[int, QuestionnaireResponse]:
    """Send the phase's questionnaire; the responses by member id (jobs are not run)."""
    with municipality_scope(cohort.municipality_id):
        evaluation_services.questionnaires_send(
            by=by, cohort=cohort, phase=phase, include_mentors=include_mentors
        )
        return {r.member_id: r for r in QuestionnaireResponse.objects.filter(cohort=cohort, phase=phase)}


def answer(
    response: QuestionnaireResponse, values: dict[Question, int], texts: dict[Question, str] | None = None
) -> None:
    with municipality_scope(response.municipality_id):
        evaluation_services.questionnaire_answer(
            response=response,
            values={question.pk: value for question, value in values.items()},
            texts={question.pk: text for question, text in (texts or {}).items()},
        )
