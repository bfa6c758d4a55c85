"""The assignment status pipeline: which moves are allowed and which need a reason.

interest → information → assessment → training → approved → active ⇄ paused → ended.
Any open assignment may end (an applicant withdraws, an assessment says no);
an ended assignment is closed for good: a returning family starts a new one, so
the history of the first stays intact.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentType(models.TextChoices):
    FOSTER_HOME = "foster_home", _("Foster home")
    EMERGENCY_HOME = "emergency_home", _("Emergency home")
    CONTACT_FAMILY = "contact_family", _("Contact family")
    CONTACT_PERSON = "contact_person", _("Contact person")
    GUARDIAN = "guardian", _("Guardian")
    MENTOR_FAMILY = "mentor_family", _("Mentor family")
    USER_MENTOR = "user_mentor", _("User mentor")


# Assignments a household holds; the others are held by one person.
HOUSEHOLD_TYPES = frozenset(
    {
        AssignmentType.FOSTER_HOME,
        AssignmentType.EMERGENCY_HOME,
        AssignmentType.CONTACT_FAMILY,
        AssignmentType.MENTOR_FAMILY,
    }
)
PERSON_TYPES = frozenset({AssignmentType.CONTACT_PERSON, AssignmentType.GUARDIAN, AssignmentType.USER_MENTOR})


class AssignmentStatus(models.TextChoices):
    INTEREST = "interest", _("Interest")
    INFORMATION = "information", _("Information")
    ASSESSMENT = "assessment", _("Assessment")
    TRAINING = "training", _("Training")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class EndReason(models.TextChoices):
    APPLICANT_WITHDREW = "applicant_withdrew", _("The applicant withdrew")
    NOT_APPROVED = "not_approved", _("Not approved after assessment")
    ASSIGNEE_DECISION = "assignee_decision", _("The assignee chose to stop")
    PLACEMENT_ENDED = "placement_ended", _("The placement or assignment ended")
    MOVED = "moved", _("Moved away")
    MUNICIPALITY_DECISION = "municipality_decision", _("The municipality ended the assignment")
    OTHER = "other", _("Other reason (described in the note)")


S = AssignmentStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.INTEREST: frozenset({S.INFORMATION, S.ENDED}),
    S.INFORMATION: frozenset({S.ASSESSMENT, S.ENDED}),
    S.ASSESSMENT: frozenset({S.TRAINING, S.ENDED}),
    S.TRAINING: frozenset({S.APPROVED, S.ENDED}),
    S.APPROVED: frozenset({S.ACTIVE, S.ENDED}),
    S.ACTIVE: frozenset({S.PAUSED, S.ENDED}),
    S.PAUSED: frozenset({S.ACTIVE, S.ENDED}),
    S.ENDED: frozenset(),
}
OPEN_STATUSES = frozenset(s for s in S if s != S.ENDED)


def allowed_transitions(status: str) -> list[str]:
    """The statuses the assignment may move to next, in pipeline order."""
    allowed = TRANSITIONS.get(status, frozenset())
    return [s.value for s in S if s in allowed]


def is_allowed_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
