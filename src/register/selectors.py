"""Reads from the register. Every function takes the acting user; every read of
personal data for display writes the access log; objects are fetched inside the
user's municipality scope and a missing and a forbidden id both give 404."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import Role, User
from audit.models import AccessAction, ChangeLogEntry
from audit.services import access_log_record
from register.domain import AssignmentStatus, AssignmentType
from register.models import Assignment, AssignmentStatusChange, Household, Person
from register.national_id import InvalidNationalId, national_id_normalise
from tenancy.access import owned_or_404

# Fields hidden from everyone but the responsible staff when the identity is protected.
PROTECTED_FIELDS = frozenset({"street_address", "postal_code", "phone", "email"})


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    type: str = ""
    status: str = ""
    secretary: str = ""  # a user id, "none" for unassigned, "" for any
    postal_area: str = ""

    def as_log_detail(self) -> dict[str, str]:
        return {key: value for key, value in self.__dict__.items() if value}


def _protected_household_q(prefix: str = "") -> Exists:
    return Exists(Person.objects.filter(household_id=OuterRef(f"{prefix}pk"), has_protected_identity=True))


def assignee_search(*, user: User, filters: RegisterFilters) -> QuerySet[Assignment]:
    """Assignments of the user's municipality matching the filters, holders joined in (no N+1)."""
    queryset = (
        Assignment.objects.select_related(
            "household__postal_code", "person__postal_code", "person__household", "responsible_secretary"
        )
        .annotate(
            household_is_protected=_protected_household_q("household__"),
        )
        .order_by("household__name", "person__last_name", "person__first_name", "id")
    )
    if filters.type in AssignmentType.values:
        queryset = queryset.filter(type=filters.type)
    if filters.status in AssignmentStatus.values:
        queryset = queryset.filter(status=filters.status)
    if filters.secretary == "none":
        queryset = queryset.filter(responsible_secretary__isnull=True)
    elif filters.secretary.isdigit():
        queryset = queryset.filter(responsible_secretary_id=int(filters.secretary))
    area = filters.postal_area.replace(" ", "")
    if area:
        if area.isdigit():
            queryset = queryset.filter(
                Q(household__postal_code__code__startswith=area)
                | Q(person__postal_code__code__startswith=area)
            )
        else:
            queryset = queryset.filter(
                Q(household__postal_code__place__iexact=filters.postal_area.strip())
                | Q(person__postal_code__place__iexact=filters.postal_area.strip())
            )
    text = filters.q.strip()
    if text:
        queryset = queryset.filter(_free_text_q(text))
    return queryset


def _free_text_q(text: str) -> Q:
    digits = re.sub(r"[\s+-]", "", text)
    if digits.isdigit() and len(digits) in (10, 12):
        try:
            normalised = national_id_normalise(text)
        except InvalidNationalId:
            normalised = ""
        if normalised:
            member_match = Person.objects.filter(
                household_id=OuterRef("household_id"), national_id=normalised
            )
            return Q(person__national_id=normalised) | Q(Exists(member_match))
    condition = Q()
    for word in text.split()[:5]:
        member_match = Person.objects.filter(household_id=OuterRef("household_id")).filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
        condition &= (
            Q(household__name__icontains=word)
            | Q(household__street_address__icontains=word)
            | Q(household__email__icontains=word)
            | Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__email__icontains=word)
            | Q(Exists(member_match))
        )
    return condition


def assignee_search_logged(*, user: User, filters: RegisterFilters, count: int) -> None:
    """Record that the user was shown a page of register rows (one access-log row per search)."""
    access_log_record(
        by=user,
        action=AccessAction.SEARCH,
        municipality_id=user.municipality_id or "",
        object_type="register.assignment",
        detail={"filters": filters.as_log_detail(), "results": count},
    )


def assignee_export_rows(*, user: User, filters: RegisterFilters) -> list[dict[str, Any]]:
    """Rows for a CSV export of the filtered register; writes one access-log row."""
    rows = []
    for assignment in assignee_search(user=user, filters=filters):
        holder_protected = _holder_is_protected(assignment)
        holder = assignment.household or assignment.person
        postal = holder.postal_code if holder is not None else None
        rows.append(
            {
                "holder": str(assignment.household or assignment.person),
                "type": assignment.get_type_display(),
                "status": assignment.get_status_display(),
                "responsible_secretary": str(assignment.responsible_secretary or ""),
                "postal_code": "" if holder_protected or postal is None else postal.display_code,
                "place": "" if holder_protected or postal is None else postal.place,
                "externally_contracted": assignment.is_externally_contracted,
                "status_changed": assignment.status_changed_at.date().isoformat(),
            }
        )
    access_log_record(
        by=user,
        action=AccessAction.EXPORT,
        municipality_id=user.municipality_id or "",
        object_type="register.assignment",
        detail={"filters": filters.as_log_detail(), "results": len(rows)},
    )
    return rows


def _holder_is_protected(assignment: Any) -> bool:
    if assignment.person_id:
        return bool(assignment.person.has_protected_identity)
    return bool(getattr(assignment, "household_is_protected", False))


def secretary_choices(*, user: User) -> QuerySet[User]:
    """Staff of the user's municipality who can be responsible for an assignment."""
    return User.objects.filter(
        municipality_id=user.municipality_id,
        is_active=True,
        role__in=[Role.SECRETARY, Role.UNIT_MANAGER],
    ).order_by("first_name", "last_name", "username")


def household_get_for(*, user: User, id: int) -> Household:
    """The household if it is in the user's municipality; 404 otherwise (missing or forbidden alike)."""
    return owned_or_404(Household.objects.select_related("postal_code__municipality"), user=user, id=id)


def person_get_for(*, user: User, id: int) -> Person:
    """The person if in the user's municipality; 404 otherwise."""
    return owned_or_404(Person.objects.select_related("household", "postal_code"), user=user, id=id)


def assignment_get_for(*, user: User, id: int) -> Assignment:
    """The assignment if in the user's municipality; 404 otherwise."""
    return owned_or_404(
        Assignment.objects.select_related("household", "person", "responsible_secretary"), user=user, id=id
    )


def is_responsible_for(
    *, user: User, household: Household | None = None, person: Person | None = None
) -> bool:
    """Whether the user is the responsible secretary of an assignment of this household or person."""
    condition = Q()
    if household is not None:
        condition |= Q(household=household) | Q(person__household=household)
    if person is not None:
        condition |= Q(person=person)
        if person.household_id:
            condition |= Q(household_id=person.household_id)
    return Assignment.objects.filter(condition, responsible_secretary=user).exists()


def household_is_protected(*, household: Household) -> bool:
    return household.members.filter(has_protected_identity=True).exists()


def _assignments_with_history() -> QuerySet[Assignment]:
    return Assignment.objects.select_related("responsible_secretary").prefetch_related(
        Prefetch(
            "status_changes",
            queryset=AssignmentStatusChange.objects.select_related("changed_by").order_by("changed_at", "id"),
        )
    )


def change_history(
    *, object_refs: list[tuple[str, int]], mask_fields: frozenset[str]
) -> list[ChangeLogEntry]:
    """Change-history rows of the given objects, newest first, with masked fields blanked."""
    if not object_refs:
        return []
    condition = Q()
    for object_type, object_id in object_refs:
        condition |= Q(object_type=object_type, object_id=str(object_id))
    entries = list(
        ChangeLogEntry.objects.filter(condition).select_related("user").order_by("-at", "-id")[:200]
    )
    for entry in entries:
        for name in mask_fields & set(entry.changes):
            entry.changes[name]["before"] = entry.changes[name]["after"] = "•••"
    return entries


@dataclass
class HouseholdDetail:
    household: Household
    members: list[Person]
    assignments: list[Assignment]
    is_protected: bool
    may_see_protected: bool
    history: list[ChangeLogEntry]


def household_detail(*, user: User, id: int) -> HouseholdDetail:
    """A household with members, assignments and history; writes one access-log row."""
    household = household_get_for(user=user, id=id)
    members = list(household.members.all())
    assignments = list(_assignments_with_history().filter(household=household))
    is_protected = any(member.has_protected_identity for member in members)
    may_see = not is_protected or is_responsible_for(user=user, household=household)
    refs = [("register.household", household.pk)]
    refs += [("register.person", member.pk) for member in members]
    refs += [("register.assignment", assignment.pk) for assignment in assignments]
    history = change_history(object_refs=refs, mask_fields=frozenset() if may_see else PROTECTED_FIELDS)
    access_log_record(
        by=user, action=AccessAction.VIEW, municipality_id=household.municipality_id, instance=household
    )
    return HouseholdDetail(household, members, assignments, is_protected, may_see, history)


@dataclass
class PersonDetail:
    person: Person
    assignments: list[Assignment]
    may_see_protected: bool
    history: list[ChangeLogEntry]


def person_detail(*, user: User, id: int) -> PersonDetail:
    """A person with their own assignments and history; writes one access-log row."""
    person = person_get_for(user=user, id=id)
    assignments = list(_assignments_with_history().filter(person=person))
    protected = person.has_protected_identity or (
        person.household is not None and household_is_protected(household=person.household)
    )
    may_see = not protected or is_responsible_for(user=user, person=person)
    refs = [("register.person", person.pk)] + [("register.assignment", a.pk) for a in assignments]
    history = change_history(object_refs=refs, mask_fields=frozenset() if may_see else PROTECTED_FIELDS)
    access_log_record(
        by=user, action=AccessAction.VIEW, municipality_id=person.municipality_id, instance=person
    )
    return PersonDetail(person, assignments, may_see, history)


@dataclass
class AssignmentDetail:
    assignment: Assignment
    status_changes: list[AssignmentStatusChange]
    history: list[ChangeLogEntry]


def assignment_detail(*, user: User, id: int) -> AssignmentDetail:
    """An assignment with its full status history; writes one access-log row."""
    assignment = assignment_get_for(user=user, id=id)
    changes = list(assignment.status_changes.select_related("changed_by").order_by("changed_at", "id"))
    history = change_history(object_refs=[("register.assignment", assignment.pk)], mask_fields=frozenset())
    access_log_record(
        by=user, action=AccessAction.VIEW, municipality_id=assignment.municipality_id, instance=assignment
    )
    return AssignmentDetail(assignment, changes, history)
