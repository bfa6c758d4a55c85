"""What the worklist remembers: the daily e-mail about items that need attention, at most
one per staff member and day (the unique constraint is the guarantee, not the job's care)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenancy.models import MunicipalityOwned


class DailyReminder(MunicipalityOwned):
    """One day's e-mail to one staff member about the items that need their attention.

    ``counts`` is what the e-mail said (item kind → how many), never who the items are about.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    day = models.DateField(_("day"))
    counts = models.JSONField(_("items"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "id"]
        verbose_name = _("daily reminder")
        verbose_name_plural = _("daily reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="worklist_reminder_once_a_day"),
        ]
