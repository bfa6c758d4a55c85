"""Declared permissions: each view states what it needs (STYLE.md rule 4).

Permissions follow from the role; there is no per-user grant to forget to
revoke. ``tests/test_url_walk.py`` fails on any view without a declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from accounts.models import Role, User

PUBLIC = "public"

REGISTER_VIEW = "register.view"
REGISTER_CHANGE = "register.change"
REGISTER_EXPORT = "register.export"
AUDIT_VIEW = "audit.view"
MENTORSHIP_VIEW = "mentorship.view"
MENTORSHIP_CHANGE = "mentorship.change"
PROGRAMMES_VIEW = "programmes.view"
PROGRAMMES_CHANGE = "programmes.change"
MEETINGS_VIEW = "meetings.view"
MEETINGS_CHANGE = "meetings.change"
INSIGHTS_VIEW = "insights.view"
JOBS_VIEW = "jobs.view"
WORKLIST_VIEW = "worklist.view"  # the start page: every role has one
ACCOUNT_SELF = "accounts.self"  # any logged-in staff member: own password, two-factor login, logout
ACCOUNTS_ADMIN = "accounts.admin"  # the municipality's login rules, unlocking, resetting two-factor login

_GATHERINGS = frozenset(
    {PROGRAMMES_VIEW, PROGRAMMES_CHANGE, MEETINGS_VIEW, MEETINGS_CHANGE, INSIGHTS_VIEW, WORKLIST_VIEW}
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SECRETARY: frozenset(
        {REGISTER_VIEW, REGISTER_CHANGE, REGISTER_EXPORT, MENTORSHIP_VIEW, MENTORSHIP_CHANGE}
    )
    | _GATHERINGS,
    Role.UNIT_MANAGER: frozenset(
        {REGISTER_VIEW, REGISTER_CHANGE, REGISTER_EXPORT, AUDIT_VIEW, MENTORSHIP_VIEW, MENTORSHIP_CHANGE}
    )
    | _GATHERINGS,
    # Region-level work (pool, campaigns) comes later; for now the register of the
    # coordinator's own municipality, read-only, and the programmes and network
    # meetings a coordinator runs.
    Role.COUNTY_COORDINATOR: frozenset({REGISTER_VIEW, MENTORSHIP_VIEW}) | _GATHERINGS,
    Role.ADMINISTRATOR: frozenset({AUDIT_VIEW, JOBS_VIEW, ACCOUNTS_ADMIN, WORKLIST_VIEW}),
}

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


class StaffRequest(HttpRequest):
    """A request that reached a view behind ``requires(...)``: its user is a logged-in staff member."""

    user: User


def user_has_permission(user: Any, permission: str) -> bool:
    """Whether the user's role grants the permission (never true without a municipality)."""
    if permission == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if permission == ACCOUNT_SELF:
        return True
    if not user.municipality_id or not user.is_active:
        return False
    return permission in ROLE_PERMISSIONS.get(user.role, frozenset())


def requires(permission: str) -> Callable[[ViewFunc], ViewFunc]:
    """Declare and enforce the permission a view needs (403 without it)."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not user_has_permission(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.permission = permission  # type: ignore[attr-defined]  # read by the URL walk test
        return wrapped  # type: ignore[return-value]  # same signature as the view

    return decorate


def public(view: ViewFunc) -> ViewFunc:
    """Declare a view reachable without login (login page, password reset, language)."""
    view = login_not_required(view)
    view.permission = PUBLIC  # type: ignore[attr-defined]  # read by the URL walk test
    return view
