"""Reading the logs (unit managers and administrators of the municipality)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from audit.models import AccessLogEntry, ChangeLogEntry, SecurityEvent


def access_log_list(
    *,
    user: User,
    user_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AccessLogEntry]:
    """Access-log rows of the user's municipality, newest first, optionally filtered."""
    queryset = AccessLogEntry.objects.filter(municipality_id=user.municipality_id).select_related("user")
    return _filter(queryset, user_id=user_id, date_from=date_from, date_to=date_to)


def change_log_list(
    *,
    user: User,
    user_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[ChangeLogEntry]:
    """Change-history rows of the user's municipality, newest first, optionally filtered."""
    queryset = ChangeLogEntry.objects.filter(municipality_id=user.municipality_id).select_related("user")
    return _filter(queryset, user_id=user_id, date_from=date_from, date_to=date_to)


def _filter(
    queryset: Any, *, user_id: int | None, date_from: datetime.date | None, date_to: datetime.date | None
) -> Any:
    if user_id:
        queryset = queryset.filter(user_id=user_id)
    if date_from:
        queryset = queryset.filter(at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(at__date__lte=date_to)
    return queryset.order_by("-at", "-id")


def security_log_list(
    *,
    user: User,
    user_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[SecurityEvent]:
    """Security events (logins, lockouts, two-factor changes) of the user's municipality, newest first."""
    queryset = SecurityEvent.objects.filter(municipality_id=user.municipality_id).select_related("user", "by")
    return _filter(queryset, user_id=user_id, date_from=date_from, date_to=date_to)
