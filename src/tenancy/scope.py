"""The one tenancy mechanism: a context variable naming the municipalities in scope.

Scoped managers (``tenancy.models.MunicipalityScopedManager``) read it on every
query and raise ``ScopeError`` when it is unset, so a query that forgot its
tenant fails instead of leaking (STYLE.md rule 3). The middleware enters the
logged-in user's scope for each request; jobs enter it from the ids they carry;
only migrations, management commands and test set-up may disable it, with a
comment saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from django.db.models import QuerySet

Result = TypeVar("Result")


class ScopeError(RuntimeError):
    """A municipality-owned model was queried outside any municipality scope."""


@dataclass(frozen=True)
class _Scope:
    # None means "all municipalities": only reachable through scopes_disabled().
    municipality_codes: frozenset[str] | None


_current: ContextVar[_Scope | None] = ContextVar("bollplank_tenancy_scope", default=None)


@contextmanager
def municipality_scope(*municipality_codes: str) -> Iterator[None]:
    """Run the block with queries limited to the given municipalities."""
    if not municipality_codes or not all(municipality_codes):
        raise ScopeError("A municipality scope needs at least one municipality code.")
    token = _current.set(_Scope(frozenset(municipality_codes)))
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def scopes_disabled() -> Iterator[None]:
    """Run the block with no tenancy filter. Migrations, commands and test set-up only."""
    token = _current.set(_Scope(None))
    try:
        yield
    finally:
        _current.reset(token)


def for_each_municipality(
    owners: Callable[[], QuerySet[Any]], work: Callable[[str], Result]
) -> dict[str, Result]:
    """Run ``work(code)`` inside each municipality's own scope, for every municipality that
    owns a row of ``owners()``; returns each municipality's result.

    The one sanctioned walk across municipalities (daily jobs): ``owners()`` is read with
    the scope disabled, for municipality codes only, and everything else happens inside
    one municipality's scope at a time.
    """
    with scopes_disabled():
        codes = sorted(set(owners().values_list("municipality_id", flat=True)))
    results: dict[str, Result] = {}
    for code in codes:
        with municipality_scope(code):
            results[code] = work(code)
    return results


def scoped_municipality_codes() -> frozenset[str] | None:
    """The municipalities in scope, None when scoping is disabled; raises outside any scope."""
    scope = _current.get()
    if scope is None:
        raise ScopeError(
            "Query on a municipality-owned model outside a municipality scope. "
            "Wrap it in municipality_scope(...) (or scopes_disabled() in a command)."
        )
    return scope.municipality_codes


def in_scope() -> bool:
    """True when some scope (or an explicit disable) is active."""
    return _current.get() is not None


def municipality_of(user: object) -> str:
    """The municipality a staff member acts for; a service refuses an account without one."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_lazy as _

    code: str | None = getattr(user, "municipality_id", None)
    if not code:
        raise ValidationError(_("Your account is not connected to a municipality."))
    return code
