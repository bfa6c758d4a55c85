"""Staff accounts: every user belongs to one municipality with one role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARY = "secretary", _("Foster-home secretary")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    COUNTY_COORDINATOR = "county_coordinator", _("County coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    """A staff member. ``municipality`` is the tenant whose data the user may see."""

    municipality = models.ForeignKey(
        "geo.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="") | models.Q(municipality__isnull=False),
                name="accounts_user_role_needs_municipality",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
