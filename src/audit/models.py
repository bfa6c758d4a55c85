"""Access log and change history. Append-only: the application never edits or deletes a row."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import SecurityEventKind
from tenancy.models import MunicipalityOwned


class AppendOnlyError(RuntimeError):
    """Log rows are evidence; they are never changed or removed by the application."""


class AppendOnly(MunicipalityOwned):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class AccessAction(models.TextChoices):
    VIEW = "view", _("Opened")
    SEARCH = "search", _("Searched")
    EXPORT = "export", _("Exported")


class AccessLogEntry(AppendOnly):
    """One read of personal data: who, what, when, from where (OSL 26 kap., PDL-style logging)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "-at"], name="audit_access_muni_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_access_object"),
        ]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Removed")


class ChangeLogEntry(AppendOnly):
    """One change to personal data, with every changed field's value before and after."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=16, choices=ChangeAction.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=40)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    # {"field": {"label": ..., "before": ..., "after": ...}}
    changes = models.JSONField(_("changes"), default=dict)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "-at"], name="audit_change_muni_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_change_object"),
        ]
        verbose_name = _("change history entry")
        verbose_name_plural = _("change history")


class SecurityEvent(AppendOnly):
    """One authentication event of a staff member of the municipality (ASVS 4.0 7.1.3, 7.2.1).

    Attempts naming no existing account belong to no municipality and go to the
    ``bollplank.security`` logger only.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["municipality", "-at"], name="audit_security_muni_at")]
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
