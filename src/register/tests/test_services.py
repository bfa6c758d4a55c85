"""Register services: validation, status pipeline, history, optimistic locking."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from audit.models import ChangeLogEntry
from geo.models import PostalCode
from kernel.records import ConcurrentEdit
from register import services
from register.domain import TRANSITIONS, AssignmentStatus, allowed_transitions
from register.models import Assignment, AssignmentStatusChange, Household, Person

PIPELINE_TO_APPROVED = ["information", "assessment", "training", "approved"]


def _move(by: Any, assignment: Assignment, to: str, **extra: Any) -> Assignment:
    return services.assignment_transition(
        by=by, assignment=assignment, to_status=to, version=assignment.version, **extra
    )


def test_creating_a_household_records_its_first_values_in_the_history(secretary: Any, in_scope: Any) -> None:
    with in_scope(secretary):
        household = services.household_create(
            by=secretary, name=" Familjen Ek ", postal_code=PostalCode.objects.get(code="58183")
        )
        entry = ChangeLogEntry.objects.get(object_type="register.household", object_id=str(household.pk))
    assert household.name == "Familjen Ek"
    assert household.municipality_id == "0580"
    assert entry.action == "create"
    assert entry.changes["name"]["after"] == "Familjen Ek"
    assert entry.changes["postal_code"]["after"].startswith("581 83")


def test_an_assignment_walks_the_pipeline_to_approved_with_full_history(
    secretary: Any, make_family: Any, in_scope: Any
) -> None:
    family = make_family(secretary)
    with in_scope(secretary):
        assignment = family.assignment
        for step in PIPELINE_TO_APPROVED:
            assignment = _move(secretary, assignment, step)
        changes = list(AssignmentStatusChange.objects.filter(assignment=assignment).order_by("id"))
        stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.status == "approved"
    assert stored.version == 5
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("", "interest"),
        ("interest", "information"),
        ("information", "assessment"),
        ("assessment", "training"),
        ("training", "approved"),
    ]
    assert {c.changed_by_id for c in changes} == {secretary.pk}


@pytest.mark.parametrize("target", ["approved", "active", "paused", "training", "interest", "nonsense"])
def test_an_unknown_or_skipping_transition_is_refused_and_writes_nothing(
    target: str, secretary: Any, make_family: Any, in_scope: Any
) -> None:
    family = make_family(secretary)
    with in_scope(secretary):
        with pytest.raises(ValidationError) as error:
            _move(secretary, family.assignment, target)
        assert "to_status" in error.value.message_dict
        stored = Assignment.objects.get(pk=family.assignment.pk)
        assert stored.status == "interest" and stored.version == 1
        assert AssignmentStatusChange.objects.filter(assignment=stored).count() == 1


def test_active_and_paused_move_both_ways_and_ended_is_final() -> None:
    assert "paused" in allowed_transitions("active")
    assert "active" in allowed_transitions("paused")
    assert allowed_transitions("ended") == []
    for status in AssignmentStatus:
        if status != "ended":
            assert "ended" in TRANSITIONS[status], status


def test_ending_needs_a_reason_and_other_needs_a_note(
    secretary: Any, make_family: Any, in_scope: Any
) -> None:
    family = make_family(secretary)
    with in_scope(secretary):
        with pytest.raises(ValidationError) as no_reason:
            _move(secretary, family.assignment, "ended")
        assert "reason" in no_reason.value.message_dict
        with pytest.raises(ValidationError) as no_note:
            _move(secretary, family.assignment, "ended", reason="other")
        assert "note" in no_note.value.message_dict
        ended = _move(
            secretary, family.assignment, "ended", reason="applicant_withdrew", note="Flyttar utomlands."
        )
        last = AssignmentStatusChange.objects.filter(assignment=ended).order_by("-id").first()
    assert ended.status == "ended" and ended.end_reason == "applicant_withdrew"
    assert last is not None and (last.reason, last.note) == ("applicant_withdrew", "Flyttar utomlands.")


def test_a_reason_is_refused_when_not_ending(secretary: Any, make_family: Any, in_scope: Any) -> None:
    family = make_family(secretary)
    with in_scope(secretary), pytest.raises(ValidationError) as error:
        _move(secretary, family.assignment, "information", reason="moved")
    assert "reason" in error.value.message_dict


def test_a_change_based_on_a_stale_version_is_refused_and_the_other_change_survives(
    secretary: Any, manager: Any, make_family: Any, in_scope: Any
) -> None:
    family = make_family(secretary)
    with in_scope(secretary):
        first = Household.objects.get(pk=family.household.pk)
        second = Household.objects.get(pk=family.household.pk)
        services.household_update(by=secretary, household=first, version=1, name="Familjen Lind-Ek")
        with pytest.raises(ConcurrentEdit):
            services.household_update(by=manager, household=second, version=1, name="Familjen Overwritten")
        stored = Household.objects.get(pk=family.household.pk)
        entries = ChangeLogEntry.objects.filter(object_type="register.household", action="update").count()
    assert (stored.name, stored.version) == ("Familjen Lind-Ek", 2)
    assert entries == 1


def test_a_duplicate_personal_identity_number_is_refused(
    secretary: Any, make_family: Any, in_scope: Any
) -> None:
    family = make_family(secretary)
    with in_scope(secretary):
        services.person_update(by=secretary, person=family.member, version=1, national_id="19121212-1212")
        with pytest.raises(ValidationError) as error:
            services.person_create(
                by=secretary, first_name="Tolvan", last_name="Tolvansson", national_id="121212+1212"
            )
        assert "national_id" in error.value.message_dict
        assert Person.objects.count() == 1


def test_a_wrong_check_digit_is_refused_and_nothing_is_written(secretary: Any, in_scope: Any) -> None:
    with in_scope(secretary), pytest.raises(ValidationError) as error:
        services.person_create(
            by=secretary, first_name="Fel", last_name="Siffra", national_id="19121212-1213"
        )
    assert "national_id" in error.value.message_dict
    with in_scope(secretary):
        assert Person.objects.count() == 0
        assert ChangeLogEntry.objects.count() == 0


def test_assignment_terms_are_validated(
    secretary: Any, other_secretary: Any, make_family: Any, in_scope: Any
) -> None:
    family = make_family(secretary)
    cases = [
        ({"starts_on": datetime.date(2026, 5, 1), "ends_on": datetime.date(2026, 4, 1)}, "ends_on"),
        ({"age_min": 12, "age_max": 4}, "age_max"),
        ({"responsible_secretary": other_secretary}, "responsible_secretary"),
        ({"type": "guardian"}, "type"),
    ]
    with in_scope(secretary):
        for changes, field in cases:
            fresh = Assignment.objects.get(pk=family.assignment.pk)
            with pytest.raises(ValidationError) as error:
                services.assignment_update(by=secretary, assignment=fresh, version=fresh.version, **changes)
            assert field in error.value.message_dict, changes
        assert Assignment.objects.get(pk=family.assignment.pk).version == 1


def test_a_person_assignment_type_needs_a_person_holder(secretary: Any, in_scope: Any) -> None:
    with in_scope(secretary):
        person = services.person_create(by=secretary, first_name="Kim", last_name="Kontakt")
        assignment = services.assignment_create(
            by=secretary, person=person, type="contact_person", languages=["svenska", " "]
        )
        assert assignment.languages == ["svenska"]
        with pytest.raises(ValidationError):
            services.assignment_create(by=secretary, person=person, type="foster_home")


def test_a_user_cannot_attach_data_to_another_municipalitys_household(
    secretary: Any, other_secretary: Any, make_family: Any, in_scope: Any
) -> None:
    other = make_family(other_secretary)
    with in_scope(secretary), pytest.raises(ValidationError):
        services.person_create(by=secretary, household=other.household, first_name="In", last_name="Kräktare")
