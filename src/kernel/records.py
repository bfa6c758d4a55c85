"""Optimistic locking shared by every app whose records carry a ``version``."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConcurrentEdit(Exception):
    """Someone else saved the record after this user opened it."""

    message = _(
        "Someone else changed this record while you were editing it. "
        "Your changes were not saved: reload the page to see the latest version."
    )


def save_versioned(instance: Any, *, expected_version: int, fields: list[str]) -> None:
    """Write ``fields`` (already set on ``instance``) only if nobody saved since
    ``expected_version``: one compare-and-set UPDATE, safe on SQLite and PostgreSQL."""
    model = type(instance)
    values = {
        model._meta.get_field(name).attname: getattr(instance, model._meta.get_field(name).attname)
        for name in fields
    }
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
        **values, version=F("version") + 1
    )
    if updated != 1:
        raise ConcurrentEdit()
    instance.version = expected_version + 1


def update_versioned(instance: Any, *, version: int, fields: dict[str, Any]) -> None:
    """Set ``fields`` on ``instance`` and write them with :func:`save_versioned`.

    On a concurrent edit the instance gets its stored values back before
    ``ConcurrentEdit`` propagates: the page shows what is stored, not the refused change.
    """
    before = {name: getattr(instance, name) for name in fields}
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        save_versioned(instance, expected_version=version, fields=list(fields))
    except ConcurrentEdit:
        for name, value in before.items():
            setattr(instance, name, value)
        raise
