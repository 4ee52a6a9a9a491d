"""Whatever the anchor near the Russia-Ukraine border and whatever the area, an incursion's shape is area-true
(within 0.1 %, on the ellipsoid) and lies in Russia as cut along the accurate border; or it is not drawn, and
the row says why.

Anchors are drawn at random up to 40 km from the accurate border line on the Russian side of it, from Bryansk to
Belgorod; areas from a village's fields to twice the peak salient, with the anchor held (a disc on the border)
or lost (a strip along it).
"""

from __future__ import annotations

from datetime import date

import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geomap.geometry import claim_geometries
from geomap.geometry.projection import linear
from geomap.geometry.workspace import Workspace
from geomap.records import Claim
from tests.geometry.test_incursion import MID_MARCH, km2, status

BORDER_OBLASTS = shapely.box(32.0, 49.8, 39.0, 53.0)  # lon/lat box of the Russian side near Sumy and Kharkiv
GEOD = Geod(ellps="WGS84")
AREA_TOLERANCE = 1e-3  # what the maps promise
OUTSIDE_TOLERANCE = 1e-3  # share of a shape allowed outside the lon/lat host (projection and simplification)


@pytest.fixture(scope="module")
def russia(gazetteer, regions):
    """Russia near the border oblasts, cut along the accurate border (lon/lat), and that border's longest line."""
    workspace = Workspace(gazetteer, regions)
    line = linear(shapely.intersection(workspace.border_lines.border_line("RU", "UA"), BORDER_OBLASTS))
    longest = max(shapely.get_parts(line), key=lambda part: part.length)
    return workspace, workspace.accurate_polygon("RU", shapely.box(30.0, 47.0, 41.0, 55.0)), longest


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(along=st.floats(0.0, 1.0), bearing=st.floats(0.0, 360.0), distance_km=st.floats(0.5, 40.0),
       area_km2=st.floats(5.0, 3000.0), lost=st.booleans())
def test_an_incursion_is_area_true_and_inside_its_host(gazetteer, regions, russia, along, bearing, distance_km,
                                                        area_km2, lost):
    workspace, host, border = russia
    start = shapely.line_interpolate_point(border, along, normalized=True)
    lon, lat, _ = GEOD.fwd(start.x, start.y, bearing, distance_km * 1000.0)
    _, country = workspace.reverse(lon, lat)
    assume(country is not None and country.id == "RU")
    place = {"place": "Testtown", "place_id": "test-town", "anchor_lon": lon, "anchor_lat": lat}
    quote = f"{area_km2} km²"
    claim = Claim(source="s1", claim_id="s1#1", kind="area_held", value=area_km2, unit="km²", quote=quote, start=0,
                  end=len(quote), km2=area_km2, actor="UA", **place, **MID_MARCH)
    statuses = [status("Testtown", "test-town", "retaken", "RU", date(2025, 3, 13), lon, lat)] if lost else []
    row = claim_geometries([claim], gazetteer, regions, statuses=statuses).iloc[0]
    if row["status"] != "mapped":
        assert row["reason"], "an undrawn claim says why"
        return
    assert km2(row.geometry) == pytest.approx(area_km2, rel=AREA_TOLERANCE)
    if row["shape"] in ("border disc", "border strip"):
        outside = shapely.difference(row.geometry, host)
        assert outside.is_empty or km2(outside) <= OUTSIDE_TOLERANCE * area_km2
        assert row["construction"].endswith("clipped to Russia")
