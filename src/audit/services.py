"""Writing the access log and the change history. Called inside the services that read or change."""

from __future__ import annotations

import logging
from typing import Any

from django.db import models

from accounts.models import User
from audit.context import current_client_address
from audit.models import AccessAction, AccessLogEntry, ChangeAction, ChangeLogEntry, SecurityEvent
from tenancy.scope import municipality_scope

security_logger = logging.getLogger("bollplank.security")


def _label(instance: models.Model) -> str:
    return f"{instance._meta.verbose_name} #{instance.pk}"


def access_log_record(
    *,
    by: User,
    action: AccessAction,
    municipality_id: str,
    instance: models.Model | None = None,
    object_type: str = "",
    detail: dict[str, Any] | None = None,
) -> AccessLogEntry:
    """Append one access-log row for a read of personal data."""
    return AccessLogEntry.objects.create(
        user=by,
        municipality_id=municipality_id,
        action=action,
        object_type=instance._meta.label_lower if instance is not None else object_type,
        object_id=str(instance.pk) if instance is not None else "",
        object_label=_label(instance) if instance is not None else "",
        detail=detail or {},
        client_address=current_client_address(),
    )


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The tracked fields as readable, JSON-ready values (related objects and choices by their label)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.is_relation:
            related = getattr(instance, name)
            values[name] = str(related) if related is not None else None
            continue
        value = getattr(instance, name)
        choices = getattr(field, "choices", None)
        if choices and value not in (None, ""):
            value = str(dict(choices).get(value, value))
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        if isinstance(value, bool | int | float | str) or value is None:
            values[name] = value
        else:
            values[name] = str(value)
    return values


def change_log_record(
    *,
    by: User,
    instance: models.Model,
    action: ChangeAction,
    before: dict[str, Any],
    after: dict[str, Any],
) -> ChangeLogEntry | None:
    """Append a change-history row with the fields that differ; None when nothing changed."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        if action == ChangeAction.CREATE and after.get(name) in (None, ""):
            continue  # a new record's empty fields are not news
        if before.get(name) != after.get(name):
            field = instance._meta.get_field(name)
            changes[name] = {
                "label": str(getattr(field, "verbose_name", name)),
                "before": before.get(name),
                "after": after.get(name),
            }
    if not changes and action == ChangeAction.UPDATE:
        return None
    return ChangeLogEntry.objects.create(
        user=by,
        municipality_id=instance.municipality_id,  # type: ignore[attr-defined]  # MunicipalityOwned
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_label=_label(instance),
        changes=changes,
        client_address=current_client_address(),
    )


def security_event_record(
    *, user: Any, kind: str, by: Any = None, detail: dict[str, Any] | None = None
) -> SecurityEvent | None:
    """Write one security event to the logger and, for an account of a municipality, to its security log."""
    client_address = current_client_address()
    security_logger.info(
        "security event %s user=%s by=%s from=%s detail=%s",
        kind,
        getattr(user, "pk", None),
        getattr(by, "pk", None),
        client_address,
        detail or {},
    )
    municipality_id = getattr(user, "municipality_id", None)
    if not municipality_id:
        return None
    # Logins happen before the request has a scope; the event belongs to the account's municipality.
    with municipality_scope(municipality_id):
        return SecurityEvent.objects.create(
            municipality_id=municipality_id,
            kind=kind,
            user=user,
            by=by,
            detail=detail or {},
            client_address=client_address,
        )


def security_event_unknown_account(*, kind: str, username: str) -> None:
    """An attempt naming no account of any municipality: the logger only (no tenant owns it)."""
    security_logger.warning(
        "security event %s for an unknown account (%d characters) from=%s",
        kind,
        len(username),
        current_client_address(),
    )
