"""Read the shipped reference files into plain rows (used by the data migration)."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class CountyRow:
    code: str
    name: str
    short_name: str


@dataclass(frozen=True)
class MunicipalityRow:
    code: str
    name: str
    short_name: str
    county_code: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class PostalCodeRow:
    code: str
    place: str
    municipality_code: str
    latitude: float
    longitude: float


def read_counties(data_dir: Path = DATA_DIR) -> list[CountyRow]:
    with (data_dir / "counties.csv").open(encoding="utf-8", newline="") as handle:
        return [
            CountyRow(row["county_code"], row["county_name"], row["county_name_short"])
            for row in csv.DictReader(handle)
        ]


def _municipality_codes_by_name(data_dir: Path) -> tuple[set[str], dict[str, str]]:
    with (data_dir / "municipalities.csv").open(encoding="utf-8", newline="") as handle:
        raw = list(csv.DictReader(handle))
    return (
        {row["municipality_code"] for row in raw},
        {row["municipality_name_short"]: row["municipality_code"] for row in raw},
    )


def read_postal_codes(data_dir: Path = DATA_DIR) -> list[PostalCodeRow]:
    """GeoNames rows, one per postal code, with current SCB municipality codes.

    GeoNames still files Heby under its pre-2007 code 1917 (Västmanland); a code
    SCB no longer has is mapped by the municipality's name, and a row without a
    municipality (mostly box addresses in the cities) by its place name when that
    is a municipality's name (Stockholm, Göteborg, ...). GeoNames places each
    postal code in one municipality, which near borders is an approximation.
    """
    known, by_name = _municipality_codes_by_name(data_dir)
    rows: dict[str, PostalCodeRow] = {}
    with (data_dir / "postal_codes_se.tsv").open(encoding="utf-8", newline="") as handle:
        for fields in csv.reader(handle, delimiter="\t"):
            code = fields[1].replace(" ", "")
            municipality_code = (
                fields[6] if fields[6] in known else by_name.get(fields[5]) or by_name.get(fields[2], "")
            )
            if len(code) != 5 or not code.isdigit() or not municipality_code:
                continue
            rows.setdefault(
                code,
                PostalCodeRow(code, fields[2], municipality_code, float(fields[9]), float(fields[10])),
            )
    return list(rows.values())


def read_municipalities(
    data_dir: Path = DATA_DIR, postal_codes: list[PostalCodeRow] | None = None
) -> list[MunicipalityRow]:
    """Municipalities with a location: the mean of their postal-code points.

    Five municipalities have no GeoNames rows; they get the mean of the other
    municipalities in their county, which is near enough for distance ranking.
    """
    postal_codes = postal_codes if postal_codes is not None else read_postal_codes(data_dir)
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for postal in postal_codes:
        points[postal.municipality_code].append((postal.latitude, postal.longitude))
    with (data_dir / "municipalities.csv").open(encoding="utf-8", newline="") as handle:
        raw = list(csv.DictReader(handle))

    def mean(pairs: list[tuple[float, float]]) -> tuple[float, float]:
        return (sum(p[0] for p in pairs) / len(pairs), sum(p[1] for p in pairs) / len(pairs))

    located = {code: mean(pairs) for code, pairs in points.items()}
    by_county: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in raw:
        if row["municipality_code"] in located:
            by_county[row["county_code"]].append(located[row["municipality_code"]])
    result = []
    for row in raw:
        code = row["municipality_code"]
        latitude, longitude = located.get(code) or mean(by_county[row["county_code"]])
        result.append(
            MunicipalityRow(
                code,
                row["municipality_name"],
                row["municipality_name_short"],
                row["county_code"],
                round(latitude, 5),
                round(longitude, 5),
            )
        )
    return result


def load_reference_geography(*, county_model: Any, municipality_model: Any, postal_code_model: Any) -> None:
    """Insert every county, municipality and postal code (models passed in, so migrations can use it)."""
    postal_rows = read_postal_codes()
    county_model.objects.bulk_create(
        [county_model(code=c.code, name=c.name, short_name=c.short_name) for c in read_counties()]
    )
    municipality_model.objects.bulk_create(
        [
            municipality_model(
                code=m.code,
                name=m.name,
                short_name=m.short_name,
                county_id=m.county_code,
                latitude=m.latitude,
                longitude=m.longitude,
            )
            for m in read_municipalities(postal_codes=postal_rows)
        ]
    )
    postal_code_model.objects.bulk_create(
        [
            postal_code_model(
                code=p.code,
                place=p.place,
                municipality_id=p.municipality_code,
                latitude=p.latitude,
                longitude=p.longitude,
            )
            for p in postal_rows
        ],
        batch_size=2000,
    )
