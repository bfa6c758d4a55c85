"""Fetching one municipality-owned row for a staff member: the same 404 for missing and forbidden.

Every ``<entity>_get_for(*, user, id)`` selector is :func:`owned_or_404` with its own
joins (STYLE rule 4): a row of another municipality and an id that does not exist give
the same answer, so an id tells nothing about another municipality's register.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.http import Http404

Owned = TypeVar("Owned", bound=models.Model)


def owned_or_404(rows: type[Owned] | models.QuerySet[Owned], *, user: object, id: int) -> Owned:
    """The row ``id`` of ``rows`` (a model or a queryset with its joins) if the user's
    municipality owns it; ``Http404`` otherwise, for a missing and a forbidden id alike."""
    queryset = rows._default_manager.all() if isinstance(rows, type) else rows
    found = queryset.filter(pk=id).first()
    municipality_id = getattr(user, "municipality_id", None)
    if found is None or not municipality_id or getattr(found, "municipality_id", None) != municipality_id:
        raise Http404
    return found
