"""Reference geography: counties, municipalities, postal codes with coordinates.

Loaded from ``geo/data`` (SCB via sjbrg/swedish-geodata, CC0; postal codes from
GeoNames, CC BY 4.0) by a data migration; see ``geo/data/README.md``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class County(models.Model):
    """Län, with SCB's two-digit code."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    short_name = models.CharField(_("short name"), max_length=80)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """Kommun, with SCB's four-digit code (``0580`` Linköping); the tenant."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    short_name = models.CharField(_("short name"), max_length=80)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    # Mean of the municipality's postal-code points (or of its county's
    # municipalities where GeoNames has no postal rows for it).
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.short_name


class PostalCode(models.Model):
    """A postal code (five digits, stored without the space) with its place and coordinates."""

    code = models.CharField(_("postal code"), max_length=5, primary_key=True)
    place = models.CharField(_("place"), max_length=80)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="postal_codes")
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")

    def __str__(self) -> str:
        return f"{self.code[:3]} {self.code[3:]} {self.place}"

    @property
    def display_code(self) -> str:
        return f"{self.code[:3]} {self.code[3:]}"
