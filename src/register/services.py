"""Changes to the register. Each function is one user-visible change: atomic,
validated, with its change history written in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from geo.models import PostalCode
from kernel.records import record_create, record_update, save_versioned
from register.domain import HOUSEHOLD_TYPES, PERSON_TYPES, AssignmentStatus, EndReason, is_allowed_transition
from register.hooks import on_status_change
from register.models import Assignment, AssignmentStatusChange, Household, Person
from register.national_id import InvalidNationalId, national_id_normalise
from tenancy.scope import municipality_of

HOUSEHOLD_FIELDS = ["name", "street_address", "postal_code", "phone", "email"]
PERSON_FIELDS = [
    "household",
    "first_name",
    "last_name",
    "national_id",
    "phone",
    "email",
    "has_protected_identity",
    "street_address",
    "postal_code",
]
ASSIGNMENT_FIELDS = [
    "type",
    "responsible_secretary",
    "is_externally_contracted",
    "capacity",
    "age_min",
    "age_max",
    "languages",
    "starts_on",
    "ends_on",
]


class InvalidTransition(ValidationError):
    """The assignment cannot move to that status from where it is."""


def _clean_national_id(raw: str) -> str:
    if not raw or not raw.strip():
        return ""
    try:
        return national_id_normalise(raw)
    except InvalidNationalId as error:
        raise ValidationError({"national_id": error.message}) from None


def _check_unique_national_id(*, municipality_id: str, national_id: str, exclude_pk: int | None) -> None:
    if not national_id:
        return
    clash = Person.objects.filter(municipality_id=municipality_id, national_id=national_id)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"national_id": _("A person with this personal identity number is already in the register.")}
        )


@transaction.atomic
def household_create(
    *,
    by: User,
    name: str,
    postal_code: PostalCode,
    street_address: str = "",
    phone: str = "",
    email: str = "",
) -> Household:
    """Create a household in the user's municipality; history records its first values."""
    household = Household(
        municipality_id=municipality_of(by),
        name=name.strip(),
        street_address=street_address.strip(),
        postal_code=postal_code,
        phone=phone.strip(),
        email=email.strip(),
    )
    household.full_clean()
    return record_create(household, by=by, tracked=HOUSEHOLD_FIELDS)


@transaction.atomic
def household_update(*, by: User, household: Household, version: int, **changes: Any) -> Household:
    """Change a household's details; refuses a change based on a stale version."""
    for name in changes:
        if name not in HOUSEHOLD_FIELDS:
            raise TypeError(f"household_update() got an unexpected field {name!r}")
    return record_update(
        household,
        by=by,
        tracked=HOUSEHOLD_FIELDS,
        values={name: value.strip() if isinstance(value, str) else value for name, value in changes.items()},
        version=version,
        clean=lambda record: record.full_clean(exclude=["municipality"]),
    )


@transaction.atomic
def person_create(
    *,
    by: User,
    first_name: str,
    last_name: str,
    household: Household | None = None,
    national_id: str = "",
    phone: str = "",
    email: str = "",
    has_protected_identity: bool = False,
    street_address: str = "",
    postal_code: PostalCode | None = None,
) -> Person:
    """Add a person (a household member, or someone standing alone)."""
    municipality_id = municipality_of(by)
    if household is not None and household.municipality_id != municipality_id:
        raise ValidationError(_("The household belongs to another municipality."))
    person = Person(
        municipality_id=municipality_id,
        household=household,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        national_id=_clean_national_id(national_id),
        phone=phone.strip(),
        email=email.strip(),
        has_protected_identity=has_protected_identity,
        street_address=street_address.strip(),
        postal_code=postal_code,
    )
    person.full_clean(validate_constraints=False)
    _check_unique_national_id(
        municipality_id=municipality_id, national_id=person.national_id, exclude_pk=None
    )
    return record_create(person, by=by, tracked=PERSON_FIELDS)


@transaction.atomic
def person_update(*, by: User, person: Person, version: int, **changes: Any) -> Person:
    """Change a person's details; refuses a change based on a stale version."""
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in PERSON_FIELDS or name == "household":
            raise TypeError(f"person_update() got an unexpected field {name!r}")
        if name == "national_id":
            value = _clean_national_id(value)
        values[name] = value.strip() if isinstance(value, str) else value

    def clean(record: Person) -> None:
        record.full_clean(exclude=["municipality", "household"], validate_constraints=False)
        _check_unique_national_id(
            municipality_id=record.municipality_id, national_id=record.national_id, exclude_pk=record.pk
        )

    return record_update(person, by=by, tracked=PERSON_FIELDS, values=values, version=version, clean=clean)


def _validate_assignment(assignment: Assignment) -> None:
    errors: dict[str, Any] = {}
    if assignment.household_id and assignment.type in PERSON_TYPES:
        errors["type"] = _("This type of assignment is held by a person, not by a household.")
    if assignment.person_id and assignment.type in HOUSEHOLD_TYPES:
        errors["type"] = _("This type of assignment is held by a household, not by a person.")
    if (
        assignment.age_min is not None
        and assignment.age_max is not None
        and assignment.age_min > assignment.age_max
    ):
        errors["age_max"] = _("The oldest age cannot be lower than the youngest age.")
    if assignment.age_max is not None and assignment.age_max > 120:
        errors["age_max"] = _("Enter an age between 0 and 120.")
    if assignment.starts_on and assignment.ends_on and assignment.ends_on < assignment.starts_on:
        errors["ends_on"] = _("The end date cannot be before the start date.")
    secretary = assignment.responsible_secretary
    if secretary is not None and secretary.municipality_id != assignment.municipality_id:
        errors["responsible_secretary"] = _("The responsible secretary must work in the same municipality.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assignment_create(
    *,
    by: User,
    type: str,
    household: Household | None = None,
    person: Person | None = None,
    responsible_secretary: User | None = None,
    is_externally_contracted: bool = False,
    capacity: int | None = None,
    age_min: int | None = None,
    age_max: int | None = None,
    languages: list[str] | None = None,
    starts_on: Any = None,
    ends_on: Any = None,
    note: str = "",
) -> Assignment:
    """Register a new assignment at the start of the pipeline (interest), with its first history row."""
    municipality_id = municipality_of(by)
    if (household is None) == (person is None):
        raise ValidationError(_("An assignment is held by either a household or a person."))
    holder = household or person
    if holder is not None and holder.municipality_id != municipality_id:
        raise ValidationError(_("The household belongs to another municipality."))
    now = timezone.now()
    assignment = Assignment(
        municipality_id=municipality_id,
        household=household,
        person=person,
        type=type,
        status=AssignmentStatus.INTEREST,
        status_changed_at=now,
        responsible_secretary=responsible_secretary,
        is_externally_contracted=is_externally_contracted,
        capacity=capacity,
        age_min=age_min,
        age_max=age_max,
        languages=[lang.strip() for lang in (languages or []) if lang.strip()],
        starts_on=starts_on,
        ends_on=ends_on,
    )
    assignment.full_clean(validate_constraints=False)
    _validate_assignment(assignment)
    record_create(assignment, by=by, tracked=ASSIGNMENT_FIELDS)
    AssignmentStatusChange.objects.create(
        municipality_id=municipality_id,
        assignment=assignment,
        from_status="",
        to_status=assignment.status,
        note=note.strip(),
        changed_by=by,
        changed_at=now,
    )
    return assignment


@transaction.atomic
def assignment_update(*, by: User, assignment: Assignment, version: int, **changes: Any) -> Assignment:
    """Change an assignment's terms (not its status; see assignment_transition)."""
    for name in changes:
        if name not in ASSIGNMENT_FIELDS:
            raise TypeError(f"assignment_update() got an unexpected field {name!r}")
    languages = changes.get("languages", assignment.languages) or []

    def clean(record: Assignment) -> None:
        record.full_clean(exclude=["municipality", "household", "person"], validate_constraints=False)
        _validate_assignment(record)

    return record_update(
        assignment,
        by=by,
        tracked=ASSIGNMENT_FIELDS,
        values={**changes, "languages": [lang.strip() for lang in languages if lang.strip()]},
        version=version,
        clean=clean,
    )


@transaction.atomic
def assignment_transition(
    *,
    by: User,
    assignment: Assignment,
    to_status: str,
    version: int,
    reason: str = "",
    note: str = "",
) -> Assignment:
    """Move an assignment one step along the pipeline; ending it requires a reason."""
    from_status = assignment.status
    if to_status not in AssignmentStatus.values:
        raise InvalidTransition({"to_status": _("Unknown status.")})
    if not is_allowed_transition(from_status, to_status):
        raise InvalidTransition(
            {
                "to_status": _("An assignment cannot go from “%(from)s” to “%(to)s”.")
                % {"from": AssignmentStatus(from_status).label, "to": AssignmentStatus(to_status).label}
            }
        )
    note = note.strip()
    if to_status == AssignmentStatus.ENDED:
        if reason not in EndReason.values:
            raise ValidationError({"reason": _("Choose why the assignment ends.")})
        if reason == EndReason.OTHER and not note:
            raise ValidationError({"note": _("Describe the reason in the note.")})
    elif reason:
        raise ValidationError({"reason": _("A reason is given only when the assignment ends.")})
    if len(note) > 2000:
        raise ValidationError({"note": _("The note can be at most 2,000 characters.")})
    now = timezone.now()
    assignment.status = to_status
    assignment.status_changed_at = now
    assignment.end_reason = reason if to_status == AssignmentStatus.ENDED else ""
    # The status history is the AssignmentStatusChange row below, not the change history.
    save_versioned(assignment, expected_version=version, fields=["status", "status_changed_at", "end_reason"])
    AssignmentStatusChange.objects.create(
        municipality_id=assignment.municipality_id,
        assignment=assignment,
        from_status=from_status,
        to_status=to_status,
        reason=assignment.end_reason,
        note=note,
        changed_by=by,
        changed_at=now,
    )
    on_status_change.fire(by=by, assignment=assignment, from_status=from_status, to_status=to_status)
    return assignment
