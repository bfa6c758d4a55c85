"""The scope fails closed: outside a municipality scope, owned models cannot be queried."""

from __future__ import annotations

from typing import Any

import pytest

from register.models import Household
from tenancy.scope import ScopeError, municipality_scope, scopes_disabled


def test_a_query_outside_any_scope_raises(db: Any) -> None:
    with pytest.raises(ScopeError):
        list(Household.objects.all())


def test_a_scope_shows_only_its_municipalitys_rows(
    secretary: Any, other_secretary: Any, make_family: Any
) -> None:
    own = make_family(secretary)
    other = make_family(other_secretary, name="Familjen Norr")
    with municipality_scope("0580"):
        assert list(Household.objects.values_list("pk", flat=True)) == [own.household.pk]
        assert not Household.objects.filter(pk=other.household.pk).exists()
        # Related managers go through the same scope.
        assert list(own.household.members.all()) == [own.member]
    with municipality_scope("0581"):
        assert list(Household.objects.values_list("pk", flat=True)) == [other.household.pk]
    with scopes_disabled():
        assert Household.objects.count() == 2


def test_an_empty_scope_is_refused() -> None:
    with pytest.raises(ScopeError), municipality_scope(""):
        pass


def test_the_scope_ends_with_the_block(secretary: Any, make_family: Any) -> None:
    make_family(secretary)
    with municipality_scope("0580"):
        assert Household.objects.count() == 1
    with pytest.raises(ScopeError):
        Household.objects.count()
