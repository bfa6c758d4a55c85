"""Reference geography loaded from the shipped files."""

from __future__ import annotations

from typing import Any

import pytest

from geo.models import County, Municipality, PostalCode
from geo.services import UnknownPostalCode, postal_code_normalise, postal_code_resolve


def test_all_counties_and_municipalities_are_loaded(db: Any) -> None:
    assert County.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert Municipality.objects.filter(county_id="05").count() == 13
    assert PostalCode.objects.count() > 18_000


def test_every_municipality_has_a_location_inside_sweden(db: Any) -> None:
    outside = Municipality.objects.exclude(latitude__range=(55.0, 69.1), longitude__range=(10.9, 24.2))
    assert list(outside) == []


def test_a_postal_code_resolves_to_its_municipality_and_coordinates(db: Any) -> None:
    for raw in ("581 83", "58183", "SE-581 83", " 581 83 "):
        postal = postal_code_resolve(raw=raw)
        assert postal.code == "58183"
        assert postal.municipality.short_name == "Linköping"
        assert 58.3 < postal.latitude < 58.5
        assert 15.5 < postal.longitude < 15.7


def test_heby_postal_codes_follow_the_current_county(db: Any) -> None:
    # GeoNames still files Heby under its pre-2007 Västmanland code 1917.
    assert postal_code_resolve(raw="740 21").municipality_id == "0331"


@pytest.mark.parametrize("raw", ["", "abc", "5818", "581 834", "58-183"])
def test_a_malformed_postal_code_is_refused_with_a_message(raw: str) -> None:
    with pytest.raises(UnknownPostalCode) as error:
        postal_code_normalise(raw)
    assert error.value.message


def test_an_unknown_postal_code_is_refused(db: Any) -> None:
    with pytest.raises(UnknownPostalCode, match="000 01"):
        postal_code_resolve(raw="000 01")
