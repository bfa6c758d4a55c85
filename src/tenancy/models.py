"""Regions (cooperations of municipalities) and the abstract base of every
municipality-owned model."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenancy.scope import scoped_municipality_codes


class MunicipalityScopedManager(models.Manager[Any]):
    """Default manager of municipality-owned models: filters to the scope, raises outside it."""

    # Migrations get plain managers; they run outside any request.
    use_in_migrations = False

    def get_queryset(self) -> models.QuerySet[Any]:
        codes = scoped_municipality_codes()
        queryset = super().get_queryset()
        if codes is None:
            return queryset
        return queryset.filter(municipality_id__in=codes)


class MunicipalityOwned(models.Model):
    """Base of every model holding a municipality's data.

    ``objects`` is scoped and is the default manager, so related managers,
    ``get_object_or_404`` and forms all go through the scope. ``unscoped`` exists
    for migrations, commands and test set-up only.
    """

    municipality = models.ForeignKey(
        "geo.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )

    objects: ClassVar[MunicipalityScopedManager] = MunicipalityScopedManager()
    unscoped: ClassVar[models.Manager[Any]] = models.Manager()

    class Meta:
        abstract = True
        default_manager_name = "objects"
        base_manager_name = "unscoped"


class Region(models.Model):
    """A cooperation of municipalities (usually one county) sharing campaigns and assignees."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=120)
    municipalities = models.ManyToManyField(
        "geo.Municipality", related_name="regions", verbose_name=_("municipalities")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name
