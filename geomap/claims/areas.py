"""The areas of the places claims measure against: countries, admin-1 regions and named regions.

Internal to :mod:`geomap.claims`. A size comparison ("roughly the size of
Luxembourg", "three times the size of Malta", "larger than the Netherlands,
Belgium and Luxembourg combined") becomes km² through the area of its
reference, and a claimed area or share is checked against the area of the
country it lies in. The areas are those of the bundled gazetteer's region
table (``geodata/regions.tsv.gz``: geodesic areas of the Natural Earth
polygons, computed by ``geomap data build``), the same the geometry stage
measures with; they are read once per process.

A populated place stands for its admin-1 region only when that region is the
city itself (Kyiv -> UA-30 "Kyiv City", Moscow -> RU-MOW); any other city has
no area here (GeoNames gives cities a point, not a surface).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from geomap.claims.article import Place
from geomap.gazetteer.folding import fold
from geomap.records import Mention

__all__ = ["Area", "country_area", "place_area"]


@dataclass(frozen=True)
class Area:
    """The area of a region, and which region it is."""

    km2: float
    code: str
    name: str


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, Area]:
    from geomap.gazetteer.store import REGION_COLUMNS, Store

    areas: dict[str, Area] = {}
    column = REGION_COLUMNS.index("area_km2")
    for line in Store().region_lines:
        fields = line.split("\t")
        try:
            km2 = float(fields[column])
        except (IndexError, ValueError):
            continue
        if km2 > 0:
            areas[fields[0]] = Area(km2, fields[0], fields[2])
    return areas


def country_area(code: str | None) -> Area | None:
    """The area of a country (ISO alpha-2), or None."""
    return _table().get(code) if code else None


def enclosing_area(place: Place) -> Area | None:
    """The area of the smallest bundled region a place lies in: its own for a region or country, its admin-1
    region's for a town (None when the table has neither)."""
    if place.kind == "populated_place":
        return _table().get(place.admin1) if place.admin1 else None
    return place_area(place)


def place_area(place: Mention | Place) -> Area | None:
    """The area of the region a mention or place names, or None (a city that is not a region itself)."""
    table = _table()
    if place.id in table:
        return table[place.id]
    if place.kind != "populated_place" or not place.admin1:
        return None
    region = table.get(place.admin1)
    name = fold(place.name or "")
    if region is not None and name and fold(region.name) in (name, name + " city"):
        return region
    return None
