"""The assignee register: households, persons and their assignments with status history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from register.domain import AssignmentStatus, AssignmentType, EndReason
from tenancy.models import MunicipalityOwned


class Household(MunicipalityOwned):
    """A home (family) holding household assignments; its address locates it."""

    name = models.CharField(_("name"), max_length=120, help_text=_("E.g. the family name: “Familjen Lind”."))
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.ForeignKey(
        "geo.PostalCode", on_delete=models.PROTECT, related_name="+", verbose_name=_("postal code")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: every change increments it; a change based on an old
    # version is refused instead of silently overwriting someone else's edit.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["municipality", "name"], name="register_household_muni_name")]

    def __str__(self) -> str:
        return self.name


class Person(MunicipalityOwned):
    """A member of a household, or a person holding an assignment on their own."""

    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    # Normalised personnummer or samordningsnummer, YYYYMMDDNNNC; blank when unknown.
    national_id = models.CharField(_("personal identity number"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Skyddade personuppgifter: the address never leaves the responsible staff.
    has_protected_identity = models.BooleanField(_("protected identity"), default=False)
    # Own address, for a person who stands alone (contact person, guardian, user-mentor).
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.ForeignKey(
        "geo.PostalCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("postal code"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            models.Index(
                fields=["municipality", "last_name", "first_name"], name="register_person_muni_name"
            ),
            models.Index(fields=["municipality", "national_id"], name="register_person_muni_nid"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "national_id"],
                condition=~models.Q(national_id=""),
                name="register_person_unique_national_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Assignment(MunicipalityOwned):
    """A household's or a person's assignment (uppdrag) with its place in the pipeline."""

    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("household"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("person"),
    )
    type = models.CharField(_("assignment type"), max_length=32, choices=AssignmentType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.INTEREST
    )
    status_changed_at = models.DateTimeField(_("status changed"))
    end_reason = models.CharField(_("end reason"), max_length=32, choices=EndReason.choices, blank=True)
    responsible_secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_assignments",
        verbose_name=_("responsible secretary"),
    )
    is_externally_contracted = models.BooleanField(
        _("externally contracted"),
        default=False,
        help_text=_("Supported by a private agency (konsulentstött) rather than by the municipality."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("approved capacity"), null=True, blank=True, help_text=_("How many children or persons at once.")
    )
    age_min = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    starts_on = models.DateField(_("valid from"), null=True, blank=True)
    ends_on = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-status_changed_at", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["municipality", "type", "status"], name="register_asg_muni_type_status"),
            models.Index(
                fields=["municipality", "responsible_secretary"], name="register_asg_muni_secretary"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(household__isnull=False, person__isnull=True)
                    | models.Q(household__isnull=True, person__isnull=False)
                ),
                name="register_assignment_one_holder",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="register_assignment_age_range",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
                name="register_assignment_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.get_status_display()})"


class AssignmentStatusChange(MunicipalityOwned):
    """One move in the pipeline; the first row of each assignment has an empty from_status."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("assignment")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=AssignmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=AssignmentStatus.choices)
    reason = models.CharField(_("reason"), max_length=32, choices=EndReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
