"""Records and their history: one call writes a change and its change-history row together.

Every service that creates, changes or removes a record of personal data goes through
:func:`record_create`, :func:`record_update` or :func:`record_delete`: each takes the
tracked fields' values before and after (``audit.services.snapshot``) and appends the
change-history row (``audit.services.change_log_record``) in the same transaction, so a
record cannot change without its history. A record that carries a ``version`` is written
with a compare-and-set ``UPDATE … WHERE id = ? AND version = ?``: zero rows means someone
else saved first, and the user gets :class:`ConcurrentEdit` instead of overwriting them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import ChangeAction
from audit.services import change_log_record, snapshot

Record = TypeVar("Record", bound=models.Model)
# The fields whose values the history keeps: field names, or a function giving the values
# (for values that are not plain fields, such as a series' invited municipalities).
Tracked = Sequence[str] | Callable[[Any], dict[str, Any]]


class ConcurrentEdit(Exception):
    """Someone else saved the record after this user opened it."""

    message = _(
        "Someone else changed this record while you were editing it. "
        "Your changes were not saved: reload the page to see the latest version."
    )


def _values(instance: models.Model, tracked: Tracked) -> dict[str, Any]:
    return tracked(instance) if callable(tracked) else snapshot(instance, list(tracked))


def _versioned_model(instance: models.Model) -> type[models.Model]:
    """The model that declares ``version``: the record itself, or the parent row of a
    multi-table child (a programme session is a ``meetings.Event`` with a cohort)."""
    model: type[models.Model] = instance._meta.get_field("version").model
    return model


def _logged_as(instance: models.Model) -> models.Model:
    """What the history names: the record, or for a multi-table child its parent row, so a
    programme session's history stays that of its event (``meetings.event``)."""
    if not instance._meta.parents:
        return instance
    parent = next(iter(instance._meta.parents))
    return getattr(instance, instance._meta.get_ancestor_link(parent).name)  # type: ignore[union-attr]  # a parent link exists


def _refreshed_on_write(model: type[models.Model]) -> dict[str, Any]:
    """``auto_now`` fields (``updated_at``, ``recorded_at``): an UPDATE by name skips ``pre_save``."""
    now = timezone.now()
    return {field.attname: now for field in model._meta.concrete_fields if getattr(field, "auto_now", False)}


def save_versioned(instance: models.Model, *, expected_version: int, fields: Sequence[str]) -> None:
    """Write ``fields`` (already set on ``instance``) only if nobody saved since
    ``expected_version``: one compare-and-set UPDATE, safe on SQLite and PostgreSQL.

    Without a history row: only for a record whose history is kept elsewhere (an
    assignment's status moves are ``AssignmentStatusChange`` rows). Everything else
    calls :func:`record_update`.
    """
    model = _versioned_model(instance)
    written = [field for field in model._meta.concrete_fields if field.name in fields]
    if len(written) != len(set(fields)):
        raise ValueError(f"Not fields of {model.__name__}: {sorted(set(fields) - {f.name for f in written})}")
    values: dict[str, Any] = {field.attname: getattr(instance, field.attname) for field in written}
    values.update(_refreshed_on_write(model))
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **values, version=F("version") + 1
    )
    if updated != 1:
        raise ConcurrentEdit()
    instance.version = expected_version + 1  # type: ignore[attr-defined]  # the model declares version


def record_create(
    instance: Record,
    *,
    by: User,
    tracked: Tracked,
    related: Callable[[Record], None] | None = None,
) -> Record:
    """Save a new record (validated by the caller) and write its first values to the history.

    ``related`` writes what belongs to the record but is not a field of it (many-to-many
    choices) before its values are taken.
    """
    instance.save()
    if related is not None:
        related(instance)
    change_log_record(
        by=by,
        instance=_logged_as(instance),
        action=ChangeAction.CREATE,
        before={},
        after=_values(instance, tracked),
    )
    return instance


def record_update(
    instance: Record,
    *,
    by: User,
    tracked: Tracked,
    values: Mapping[str, Any],
    version: int | None = None,
    clean: Callable[[Record], None] | None = None,
    related: Callable[[Record], None] | None = None,
) -> Record:
    """Change a record and write the change to its history: values before → set ``values``
    → ``clean`` (validation; raising changes nothing) → write → ``related`` → values after.

    With ``version`` the write is a compare-and-set that raises :class:`ConcurrentEdit`
    when someone saved first (the instance gets its stored values back: the page shows
    what is stored, not the refused change); without, a plain UPDATE of those fields
    (the caller holds the row lock, or the record has no version).
    """
    before = _values(instance, tracked)
    previous = {name: getattr(instance, name) for name in values}
    for name, value in values.items():
        setattr(instance, name, value)
    if clean is not None:
        clean(instance)
    if version is not None:
        try:
            save_versioned(instance, expected_version=version, fields=list(values))
        except ConcurrentEdit:
            for name, value in previous.items():
                setattr(instance, name, value)
            raise
    else:
        auto_now = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*values, *auto_now])
    if related is not None:
        related(instance)
    change_log_record(
        by=by,
        instance=_logged_as(instance),
        action=ChangeAction.UPDATE,
        before=before,
        after=_values(instance, tracked),
    )
    return instance


def record_delete(instance: models.Model, *, by: User, tracked: Tracked) -> None:
    """Remove a record; its history keeps the values it had."""
    change_log_record(
        by=by,
        instance=_logged_as(instance),
        action=ChangeAction.DELETE,
        before=_values(instance, tracked),
        after={},
    )
    instance.delete()
