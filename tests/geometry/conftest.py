"""Shared fixtures for the geometry stage: the bundled regions and a Claim factory."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from geomap.records import Claim

SUDZHA = {"place": "Sudzha", "place_id": "486816", "anchor_lat": 51.191, "anchor_lon": 35.271}
AUGUST_2024 = {"as_of_start": date(2024, 8, 1), "as_of_end": date(2024, 8, 31)}
MARCH_2025 = {"as_of_start": date(2025, 3, 13), "as_of_end": date(2025, 3, 13)}


@pytest.fixture(scope="session")
def gazetteer():
    from geomap.gazetteer import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def regions():
    from geomap.gazetteer import load_regions

    return load_regions()


@pytest.fixture(scope="session")
def geo(gazetteer, regions):
    """claim_geometries bound to the bundled data."""
    from geomap.geometry import claim_geometries

    return lambda claims: claim_geometries(claims, gazetteer, regions)


@pytest.fixture
def make_claim():
    """Build a Claim with sane defaults; ids count up per source unless given."""
    counters: dict[str, itertools.count] = {}

    def build(kind: str, value: float, unit: str, source: str = "s1", **fields) -> Claim:
        counter = counters.setdefault(source, itertools.count(1))
        claim_id = fields.pop("claim_id", f"{source}#{next(counter)}")
        quote = fields.pop("quote", f"{value} {unit}")
        return Claim(source=source, claim_id=claim_id, kind=kind, value=value, unit=unit, quote=quote,
                     start=fields.pop("start", 0), end=fields.pop("end", len(quote)), **fields)

    return build
