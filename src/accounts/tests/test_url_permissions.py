"""Authorisation inside a municipality: every URL, every role, the own municipality's objects.

The table in ``url_permissions.py`` says who may use what. Issue 11: declaring a change
view with the view permission would have let a county coordinator edit assignments, and
no test failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from django.urls import URLPattern, get_resolver

from accounts.models import Role, User
from accounts.permissions import PUBLIC, REGISTER_VIEW, requires, user_has_permission
from accounts.tests.url_permissions import (
    EXPECTED,
    ROLE_LETTERS,
    allowed_roles,
    own_objects,
    url_for,
)
from accounts.tests.url_permissions import (
    PUBLIC as TABLE_PUBLIC,
)
from tenancy.tests.test_url_walk import _walk

TABLE = "src/accounts/tests/url_permissions.py"
# Run last: they remove what later requests would open.
LAST = ("programmes:question_remove",)


def _patterns() -> list[tuple[str, str, URLPattern]]:
    return list(_walk(get_resolver()))


def permission_mismatches(patterns: Iterable[tuple[str, Any]]) -> list[str]:
    """Where a view's declared permission and the table disagree, in words that say what to fix."""
    problems = []
    for name, callback in patterns:
        if name not in EXPECTED:
            continue
        declared = getattr(callback, "permission", None)
        roles = EXPECTED[name][0]
        if roles == TABLE_PUBLIC or declared == PUBLIC:
            if (roles == TABLE_PUBLIC) != (declared == PUBLIC):
                problems.append(f"{name}: declares {declared!r}, the table says {roles!r}")
            continue
        for letter, role in ROLE_LETTERS.items():
            may = user_has_permission(User(role=role, municipality_id="0580", is_active=True), declared)
            if may and letter not in roles.split():
                problems.append(
                    f"{name}: its declared permission {declared!r} lets a {role} through, "
                    f"but {TABLE} says 403 for {role} (roles {roles!r})"
                )
            if not may and letter in roles.split():
                problems.append(f"{name}: {declared!r} refuses a {role}, but {TABLE} allows {role}")
    return problems


def test_every_url_has_a_row_in_the_permission_table() -> None:
    names = [name for name, _route, _pattern in _patterns()]
    missing = [name for name in names if name not in EXPECTED]
    assert not missing, (
        f"URLs without a row in {TABLE}: {missing}. Add one per URL, e.g. "
        f'"{missing[0]}": ("S M C", "household"),  # roles that may use it (S secretary, M unit manager, '
        'C county coordinator, A administrator, or "public") and the kind of object its id names (or None)'
    )
    stale = sorted(set(EXPECTED) - set(names))
    assert not stale, f"rows in {TABLE} for URLs that no longer exist: {stale}"


def test_each_views_declared_permission_matches_the_table() -> None:
    assert permission_mismatches((name, pattern.callback) for name, _r, pattern in _patterns()) == []


def test_a_change_view_declared_with_the_view_permission_is_caught() -> None:
    """The guard itself: plant the mistake from the issue and see it reported."""
    edit = next(p for name, _r, p in _patterns() if name == "register:assignment_edit")
    mistaken = requires(REGISTER_VIEW)(edit.callback.__wrapped__)
    problems = permission_mismatches([("register:assignment_edit", mistaken)])
    assert problems == [
        "register:assignment_edit: its declared permission 'register.view' lets a county_coordinator "
        f"through, but {TABLE} says 403 for county_coordinator (roles 'S M')"
    ]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_what_the_table_says_on_the_own_municipalitys_objects(
    role: str, client: Any, make_user: Any, make_family: Any, secretary: Any
) -> None:
    objects = own_objects(make_family=make_family, secretary=secretary)
    viewer = secretary if role == Role.SECRETARY else make_user("0580", role)
    walk = sorted(_patterns(), key=lambda row: row[0] in LAST)
    wrong = []
    checked = 0
    for name, route, pattern in walk:
        if EXPECTED[name][0] == TABLE_PUBLIC:
            continue  # no permission to check; the views' own tests cover their tokens
        url = url_for(name, pattern, route, objects)
        client.force_login(viewer)
        response = client.get(url)
        if response.status_code == 405:
            client.force_login(viewer)
            response = client.post(url, {})
        allowed = role in allowed_roles(name)
        status = response.status_code
        if (allowed and status in (403, 404)) or status >= 500:
            wrong.append(f"{name} {url} as {role}: {status}, expected the page (allowed)")
        if not allowed and status != 403:
            wrong.append(f"{name} {url} as {role}: {status}, expected 403")
        checked += 1
    assert wrong == []
    assert checked > 60
