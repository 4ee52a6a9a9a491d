"""Small synthetic tables in the renderer's input contract (Kursk/Sumy-like).

Shapes are coarse boxes, not real borders; claim buffers are area-true
circles built in an azimuthal equidistant projection around their anchor.
"""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Point, box

HOSTILE_QUOTE = 'Ukraine holds 1,000 km² </script><img src=x onerror=alert(1)> near {{ 7*7 }} Sudzha'
PWNED_SENTENCE = "Officials in Sudzha said <script>window.__pwned=1</script> nothing more."

SUDZHA = (35.27, 51.19)  # lon, lat


def circle_km2(lon: float, lat: float, km2: float):
    """A circle of ``km2`` square kilometres around (lon, lat), in EPSG:4326."""
    radius_m = math.sqrt(km2 / math.pi) * 1000
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    to_wgs84 = Transformer.from_crs(local, "EPSG:4326", always_xy=True)
    return shapely.transform(Point(0, 0).buffer(radius_m, 64),
                             lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1])))


def sources() -> list[dict]:
    return [
        {"id": "a1", "title": "Kyiv says its forces hold ground", "outlet": "Wire One", "published": "2024-08-14",
         "published_estimated": False, "url": "https://example.org/a1"},
        {"id": "a2", "title": "Analysts map the incursion", "outlet": "Daily Two", "published": "2024-08-20",
         "published_estimated": True, "url": "javascript:alert(1)"},
        {"id": "a3", "title": "Moscow claims recapture", "outlet": "Paper Three", "published": "2025-03-15",
         "published_estimated": False, "url": None},
        {"id": "a4", "title": "An article with no numbers", "outlet": "Quiet Four", "published": None,
         "published_estimated": False, "url": None},
    ]


def claim_geoms(hostile: bool = True) -> gpd.GeoDataFrame:
    lon, lat = SUDZHA
    base = {
        "outlet": None, "kind": "area_held", "share": None, "km": None, "qualifier": None, "start": 0, "end": 10,
        "as_of_text": None, "place": "Sudzha", "radius_km": None, "derivation": None, "flags": [],
        "status": "mapped", "reason": None,
    }
    rows = [
        {**base, "claim_id": "a1#1", "source": "a1", "outlet": "Wire One", "value": 386.0, "unit": "square miles",
         "km2": 999.7, "quote": HOSTILE_QUOTE if hostile else "Ukraine holds 386 square miles.",
         "as_of_start": "2024-08-12", "as_of_end": "2024-08-12", "as_of_text": "on Monday", "window": "2024-08",
         "role": "buffer", "radius_km": 17.84, "geometry_km2": 999.7,
         "derivation": "circle of the claimed area around Sudzha",
         "flags": [{"code": "anchor_town", "message": "anchored on the town named in the quote"}],
         "geometry": circle_km2(lon, lat, 999.7)},
        {**base, "claim_id": "a2#1", "source": "a2", "outlet": "Daily Two", "value": 1300.0, "unit": "km²",
         "km2": 1300.0, "qualifier": "about", "quote": f"Kyiv controls about 1,300 km². {PWNED_SENTENCE}",
         "as_of_start": "2024-08-15", "as_of_end": "2024-08-20", "window": "2024-08", "role": "buffer",
         "radius_km": 20.34, "geometry_km2": 1300.0, "flags": json.dumps([{"code": "exceeds_region",
                                                                            "message": "larger than the district"}]),
         "geometry": circle_km2(lon + 0.05, lat, 1300.0)},
        {**base, "claim_id": "a2#2", "source": "a2", "outlet": "Daily Two", "kind": "depth", "value": 30.0,
         "unit": "km", "km2": None, "km": 30.0, "quote": "Troops pushed 30 km deep.", "as_of_start": "2024-08-15",
         "as_of_end": "2024-08-20", "window": "2024-08", "role": "line", "geometry_km2": None,
         "geometry": LineString([(lon - 0.3, lat - 0.2), (lon + 0.4, lat + 0.25)])},
        {**base, "claim_id": "a3#1", "source": "a3", "outlet": "Paper Three", "kind": "area_held", "value": 110.0,
         "unit": "km²", "km2": 110.0, "quote": "Only 110 km² remain under Ukrainian control.",
         "as_of_start": "2025-03-14", "as_of_end": "2025-03-14", "window": "2025-03", "role": "buffer",
         "radius_km": 5.92, "geometry_km2": 110.0, "geometry": circle_km2(lon, lat, 110.0)},
        {**base, "claim_id": "a3#2", "source": "a3", "outlet": "Paper Three", "kind": "share_retaken",
         "value": 86.0, "unit": "%", "km2": None, "share": 0.86, "quote": "Russia retook 86 % of the area.",
         "as_of_start": "2025-03-14", "as_of_end": "2025-03-14", "window": "2025-03", "role": None,
         "geometry_km2": None, "status": "unmapped", "reason": "share of an unknown whole", "geometry": None},
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def envelopes() -> gpd.GeoDataFrame:
    claims = claim_geoms()
    buffers = claims[claims["role"] == "buffer"]
    rows = []
    for window, group in buffers.groupby("window", sort=True):
        rows.append({"window": window, "n_sources": int(group["source"].nunique()),
                     "geometry": group.geometry.union_all()})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def reference() -> gpd.GeoDataFrame:
    lon, lat = SUDZHA
    return gpd.GeoDataFrame(
        [{"date": "2024-08-20", "label": "ISW-like assessment", "geometry": circle_km2(lon + 0.1, lat - 0.02, 1100)},
         {"date": "2025-03-10", "label": "ISW-like assessment", "geometry": circle_km2(lon, lat, 300)}],
        geometry="geometry", crs="EPSG:4326")


def mentions() -> pd.DataFrame:
    return pd.DataFrame([
        {"source": "a1", "start": 40, "end": 46, "text": "Sudzha", "sentence": HOSTILE_QUOTE, "type": "place",
         "id": "694423", "name": "Sudzha", "kind": "populated_place", "lat": 51.19, "lon": 35.27,
         "confidence": 0.95, "method": "exact"},
        {"source": "a2", "start": 12, "end": 18, "text": "Sudzha", "sentence": PWNED_SENTENCE, "type": "place",
         "id": "694423", "name": "Sudzha", "kind": "populated_place", "lat": 51.19, "lon": 35.27,
         "confidence": 0.9, "method": "exact"},
        {"source": "a2", "start": 60, "end": 64, "text": "Sumy", "sentence": "Sumy was shelled.", "type": "place",
         "id": "692194", "name": "Sumy", "kind": "populated_place", "lat": 50.9216, "lon": 34.80029,
         "confidence": 0.9, "method": "exact"},
        {"source": "a3", "start": 5, "end": 16, "text": "Ukrainian", "sentence": "Ukrainian troops left.",
         "type": "demonym", "id": None, "name": None, "kind": None, "lat": None, "lon": None,
         "confidence": 0.0, "method": None},
    ])


def countries() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame([
        {"code": "UA", "name": "Ukraine", "occupied": False, "geometry": box(22.0, 44.5, 35.0, 52.3)},
        {"code": "RU", "name": "Russia", "occupied": False, "geometry": box(35.0, 44.0, 42.0, 56.0)},
        {"code": "UA-43", "name": "Crimea", "occupied": True, "geometry": box(32.5, 44.4, 36.6, 46.2)},
    ], geometry="geometry", crs="EPSG:4326")


def admin1() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame([
        {"code": "RU-KRS", "name": "Kursk Oblast", "country": "RU", "status": None,
         "geometry": box(35.0, 50.9, 38.5, 52.4)},
        {"code": "UA-59", "name": "Sumy Oblast", "country": "UA", "status": None,
         "geometry": box(32.5, 50.2, 35.0, 52.3)},
        {"code": "UA-43", "name": "Autonomous Republic of Crimea", "country": "UA",
         "status": "occupied by Russia since 2014", "geometry": box(32.5, 44.4, 36.6, 46.2)},
    ], geometry="geometry", crs="EPSG:4326")


def places() -> gpd.GeoDataFrame:
    rows = [
        (694423, "Sudzha", 5_800, 35.27, 51.19),
        (538560, "Kursk", 440_000, 36.19, 51.73),
        (692194, "Sumy", 263_000, 34.80, 50.92),
        (703448, "Kyiv", 2_900_000, 30.52, 50.45),
        (694422, "Sumy <b>Oblast</b> & Co", 2_000, 34.9, 50.8),
        (500001, "Lgov", 18_000, 35.26, 51.66),
        (500002, "Rylsk", 15_000, 34.69, 51.57),
        (500003, "Korenevo", 6_000, 34.91, 51.41),
    ]
    return gpd.GeoDataFrame(
        [{"geonameid": g, "name": n, "population": p, "geometry": Point(x, y)} for g, n, p, x, y in rows],
        geometry="geometry", crs="EPSG:4326")


def build_kwargs(hostile: bool = True, with_reference: bool = True) -> dict:
    """Every argument of ``build_map`` for the synthetic case."""
    return {
        "claim_geoms": claim_geoms(hostile), "envelopes": envelopes(), "mentions": mentions(),
        "sources": sources(), "countries": countries(), "admin1": admin1(), "places": places(),
        "reference": reference() if with_reference else None,
    }
