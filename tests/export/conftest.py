"""Fixtures for the export tests: small Kursk-like tables built through the real geometry stage.

The claims, mentions and sources are written by hand; their geometries come
from :func:`geomap.geometry.claim_geometries` on the bundled gazetteer, so the
exports are checked on the shapes the pipeline really makes (buffers clipped at
the border, a ring, an unmapped claim).
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from datetime import date

import geopandas
import pytest
import shapely

from geomap.records import Claim, Mention, Source

SUDZHA = {"place": "Sudzha", "place_id": "486816", "anchor_lat": 51.191, "anchor_lon": 35.271}
KURSK = {"place": "Kursk", "place_id": "RU-KRS"}
AUGUST = {"as_of_start": date(2024, 8, 12), "as_of_end": date(2024, 8, 20)}
MARCH = {"as_of_start": date(2025, 3, 13), "as_of_end": date(2025, 3, 13)}
OGRINFO = "/usr/bin/ogrinfo"


def claim(source: str, number: int, kind: str, value: float, unit: str, quote: str, **fields) -> Claim:
    return Claim(source=source, claim_id=f"{source}#{number}", kind=kind, value=value, unit=unit, quote=quote,
                 start=10 * number, end=10 * number + len(str(value)), **fields)


def make_claims() -> list[Claim]:
    return [
        claim("wire", 1, "area_seized", 386, "square miles", "Ukraine seized roughly 386 square miles.",
              km2=999.7354, qualifier="roughly", actor="UA", **SUDZHA, **AUGUST),
        claim("wire", 2, "distance", 9, "miles", "They crawled nearly 9 miles through a pipeline.",
              km=14.4841, qualifier="nearly", actor="RU", **SUDZHA, **MARCH),
        claim("daily", 1, "area_held", 1300, "km²", "Kyiv says it controls 1,300 km² \"around\" Sudzha.",
              km2=1300.0, actor="UA", **SUDZHA, **AUGUST),
        claim("daily", 2, "share_held", 30, "%", "Ukraine keeps only about 30% of its foothold.", share=0.3,
              qualifier="about", actor="UA", **KURSK, **MARCH),
        claim("paper", 1, "area_held", 110, "km²", "Only 110 km² remain under Ukrainian control.", km2=110.0,
              actor="UA", **SUDZHA, **MARCH),
        claim("paper", 2, "count", 24, "settlements", "Russia retook 24 settlements.", actor="RU", **MARCH),
    ]


def make_sources() -> list[Source]:
    return [
        Source(id="wire", text="(text)", published=date(2024, 8, 21), outlet="Wire One", title="Wire story"),
        Source(id="daily", text="(text)", published=date(2025, 3, 14), outlet="Daily Two", title="Daily story",
               url="https://example.org/daily", warnings=["no date in the text"]),
        Source(id="paper", text="(text)", published=date(2025, 3, 15), outlet="Paper Three", title="Paper story"),
    ]


def mention(source: str, start: int, text: str, **fields) -> Mention:
    return Mention(source=source, start=start, end=start + len(text), text=text, sentence=f"... {text} ...",
                   sentence_start=max(0, start - 4), **fields)


SUDZHA_PLACE = {"type": "place", "id": "486816", "name": "Sudzha", "kind": "populated_place", "geonameid": 486816,
                "country": "RU", "admin1": "RU-KRS", "lat": 51.19055, "lon": 35.27084, "confidence": 0.95,
                "method": "exact"}


def make_mentions() -> list[Mention]:
    return [
        mention("wire", 40, "Sudzha", **SUDZHA_PLACE),
        mention("wire", 90, "Sumy", type="place", id="692194", name="Sumy", kind="populated_place",
                geonameid=692194, country="UA", admin1="UA-59", lat=50.9216, lon=34.80029, confidence=0.9,
                method="exact", alternatives=[{"id": "692195", "name": "Sumy Oblast", "score": 0.4}]),
        mention("daily", 12, "Sudzha", **SUDZHA_PLACE),
        mention("daily", 70, "Sudzha", **SUDZHA_PLACE),
        mention("daily", 5, "Kursk region", type="place", id="RU-KRS", name="Kursk Oblast", kind="admin1",
                country="RU", admin1="RU-KRS", lat=51.7358, lon=36.2921, confidence=0.9, method="alias"),
        mention("paper", 0, "Ukrainian", type="demonym", id="UA", name="Ukraine", kind="country", country="UA",
                lat=48.37537, lon=33.90571, confidence=0.9, method="exact"),
        mention("paper", 50, "Zzyzx", type="place"),  # unresolved: no coordinates
    ]


def circle(lon: float, lat: float, km2: float) -> shapely.Polygon:
    """A geodesic circle of ``km2`` around (lon, lat): points at the right distance on the ellipsoid."""
    from pyproj import Geod

    radius_m = math.sqrt(km2 / math.pi) * 1000
    lons, lats, _ = Geod(ellps="WGS84").fwd([lon] * 72, [lat] * 72, [i * 5 for i in range(72)], [radius_m] * 72)
    return shapely.Polygon(list(zip(lons, lats)))


def make_reference() -> geopandas.GeoDataFrame:
    return geopandas.GeoDataFrame(
        {"feature": [0, 1], "date": ["2024-08-20", "2025-03-10"], "label": ["assessment", "assessment"]},
        geometry=[circle(35.35, 51.15, 1100), circle(35.3, 51.2, 300)], crs="EPSG:4326")


def place_status(source: str, status: str, actor: str, day: date, quote: str, cue: str):
    from geomap.claims.status import PlaceStatus

    start = quote.index("Sudzha")
    return PlaceStatus(source=source, place="Sudzha", place_id="486816", place_kind="populated_place", country="RU",
                       lon=35.27084, lat=51.19055, status=status, actor=actor, cue=cue, as_of_start=day,
                       as_of_end=day, as_of_text=None, quote=quote, quote_start=100, quote_end=100 + len(quote),
                       start=100 + start, end=106 + start, published=day)


def make_statuses() -> list:
    """Sudzha taken by Ukraine in August, retaken by Russia in March: the March claims become strips."""
    return [place_status("wire", "captured", "UA", date(2024, 8, 10), "Ukrainian troops captured Sudzha.",
                         "captured"),
            place_status("paper", "retaken", "RU", date(2025, 3, 13), "Russian forces raised their flag over Sudzha.",
                         "raised their flag over")]


def build_tables() -> dict:
    from geomap.geometry import claim_geometries, compare_reference, envelopes, spread_table
    from geomap.schema import PLACE_STATUS

    claims = make_claims()
    statuses = make_statuses()
    claim_geoms = claim_geometries(claims, statuses=statuses)
    reference = make_reference()
    return {
        "sources": make_sources(), "mentions": make_mentions(), "claims": claims, "claim_geoms": claim_geoms,
        "envelopes": envelopes(claim_geoms), "spread": spread_table(claim_geoms), "reference": reference,
        "comparison": compare_reference(claim_geoms, reference), "place_status": PLACE_STATUS.from_records(statuses),
    }


@pytest.fixture(scope="session")
def tables() -> dict:
    """Every table the exports read (a mapping, as a caller outside the pipeline would pass it)."""
    return build_tables()


@pytest.fixture(scope="session")
def exported(tables, tmp_path_factory):
    """The folder written by write_exports(tables) and the list of paths it returned."""
    from geomap.export import write_exports

    folder = tmp_path_factory.mktemp("exports")
    return folder, write_exports(tables, folder)


# -- GDAL's ogrinfo -----------------------------------------------------------------------------------------
def ogrinfo_layers(path) -> dict[str, dict]:
    """``{layer: {"geometry": ..., "count": n, "epsg": code or None}}`` as Debian's ogrinfo reports them."""
    if not shutil.which(OGRINFO) and not shutil.which("ogrinfo"):
        pytest.skip("GDAL's ogrinfo (Debian gdal-bin) is not installed")
    program = OGRINFO if shutil.which(OGRINFO) else "ogrinfo"
    result = subprocess.run([program, "-ro", "-so", "-al", "-nomd", str(path)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    layers = {}
    for block in result.stdout.split("Layer name: ")[1:]:
        name = block.splitlines()[0].strip()
        geometry = re.search(r"^Geometry: (.+)$", block, re.MULTILINE)
        count = re.search(r"^Feature Count: (\d+)$", block, re.MULTILINE)
        epsg = re.findall(r'ID\["EPSG",(\d+)\]\]\s*$', block.split("Data axis")[0].strip() + "\n", re.MULTILINE)
        layers[name] = {"geometry": geometry.group(1).strip() if geometry else None,
                        "count": int(count.group(1)) if count else None,
                        "epsg": int(epsg[-1]) if epsg else None}
    return layers


# -- maps -----------------------------------------------------------------------------------------------------
def basemap_frames(bbox=(33.5, 50.3, 37.5, 52.2)):
    """Countries and admin-1 regions of the bundled gazetteer around Sudzha, clipped and simplified."""
    from geomap.gazetteer import load_regions

    regions = load_regions()
    frames = []
    for kind in ("country", "admin1"):
        frame = regions.frame(kind, bbox)
        clipped = shapely.simplify(shapely.intersection(frame.geometry.values, shapely.box(*bbox)), 0.01)
        frames.append(frame.set_geometry(clipped)[["code", "name", "country", "status", "occupied", "geometry"]])
    return frames


def build_test_map(tables: dict, prefix: str, title: str = "Kursk claims"):
    """The folium map of ``tables`` as geomap.render draws it, with element ids starting with ``prefix``."""
    import pandas

    from geomap.render import build_map

    countries, admin1 = basemap_frames()
    places = geopandas.GeoDataFrame({"geonameid": [486816, 692194], "name": ["Sudzha", "Sumy"],
                                     "population": [5800, 263000]},
                                    geometry=[shapely.Point(35.27084, 51.19055), shapely.Point(34.80029, 50.9216)],
                                    crs="EPSG:4326")
    mentions = pandas.DataFrame([m.as_dict() for m in tables["mentions"]])
    sources = [{"id": s.id, "title": s.title, "outlet": s.outlet, "url": s.url,
                "published": s.published.isoformat() if s.published else None,
                "published_estimated": s.published_estimated} for s in tables["sources"]]
    return build_map(tables["claim_geoms"], tables["envelopes"], mentions, sources, countries, admin1, places,
                     reference=tables["reference"], title=title, prefix=prefix)
