"""Every model holding a municipality's data inherits MunicipalityOwned, so its default
manager is the scoped one and a query outside a scope fails (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from geo.models import Municipality
from tenancy.models import MunicipalityOwned, MunicipalityScopedManager

# Rows that name a municipality without being its data, and why.
NOT_OWNED = {
    # A staff account is looked up at login, before there is any scope; the account names
    # the municipality it works for (the scope the middleware then enters).
    "accounts.User",
    # A municipality's login rules (is two-factor login required?): read for every request
    # of its staff by accounts' middleware, settings rather than the municipality's data.
    "accounts.SecurityPolicy",
    # Reference data: every municipality's postal codes, the same for everyone.
    "geo.PostalCode",
}


def _municipality_keys(model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.related_model is Municipality
    ]


def not_owned(candidates: Iterable[type[models.Model]]) -> list[str]:
    """The models with a municipality foreign key that do not inherit MunicipalityOwned."""
    return sorted(
        model._meta.label
        for model in candidates
        if _municipality_keys(model)
        and not issubclass(model, MunicipalityOwned)
        and model._meta.label not in NOT_OWNED
    )


def test_every_model_with_a_municipality_foreign_key_is_municipality_owned() -> None:
    assert not_owned(apps.get_models()) == []


@isolate_apps("tenancy")
def test_a_new_model_with_its_own_municipality_key_is_caught() -> None:
    class Visit(models.Model):
        municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")

        def __str__(self) -> str:
            return "a visit"

    class Note(MunicipalityOwned):
        text = models.TextField()

    assert not_owned([Visit, Note]) == ["tenancy.Visit"]


def test_each_owned_model_queries_through_the_scoped_manager_by_default() -> None:
    owned = [model for model in apps.get_models() if issubclass(model, MunicipalityOwned)]

    assert len(owned) >= 20
    assert [
        m._meta.label for m in owned if not isinstance(m._default_manager, MunicipalityScopedManager)
    ] == []
    assert [m._meta.label for m in owned if isinstance(m._base_manager, MunicipalityScopedManager)] == []


def test_the_exceptions_still_exist_and_still_name_a_municipality() -> None:
    for label in NOT_OWNED:
        assert _municipality_keys(apps.get_model(label)), label
