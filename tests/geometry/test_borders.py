"""Border distances and bands against the accurate OpenStreetMap lines, and the Natural Earth fallback."""

from __future__ import annotations

import pytest
import shapely
from pyproj import Geod

from geomap.gazetteer.borders import Borders
from geomap.geometry import checks
from geomap.geometry.build import claim_rows
from geomap.geometry.workspace import Workspace
from tests.geometry.conftest import SUDZHA

GEOD = Geod(ellps="WGS84")
QUOTE = "Sudzha, about {} km from the border"
# In Natural Earth's Kursk Oblast but ~2 km inside Ukraine by the OpenStreetMap line: a sliver of the
# generalised polygon that reaches across the real border west of Sudzha.
ACROSS_THE_BORDER = shapely.Point(35.1417, 51.1162)


def distance_flag(rows):
    return next(f for f in rows[0]["flags"] if f["code"] == "distance_check")


def border_claim(make_claim, km: int):
    quote = QUOTE.format(km)
    start = quote.index(str(km))
    return make_claim("distance", km, "km", km=float(km), quote=quote, start=start, end=start + len(f"{km} km"),
                      quote_start=0, **SUDZHA)


@pytest.fixture
def without_lines(gazetteer, regions):
    """A workspace that has no border lines, as with data built before borders.npz existed."""
    return Workspace(gazetteer, regions, border_lines=Borders({}))


def test_without_lines_the_natural_earth_border_is_measured(without_lines, make_claim):
    flag = distance_flag(claim_rows([border_claim(make_claim, 10)], without_lines))
    assert "Natural Earth" in flag["method"]
    assert 11.0 < flag["measured_km"] < 13.0  # the generalised border is ~3 km too far from Sudzha


def test_the_accurate_line_is_measured_when_present(gazetteer, regions, make_claim):
    flag = distance_flag(claim_rows([border_claim(make_claim, 10)], Workspace(gazetteer, regions)))
    assert "OpenStreetMap" in flag["method"]
    assert flag["measured_km"] == pytest.approx(9.05, abs=0.3)


def test_a_claim_two_km_short_of_the_accurate_line_is_a_warning(gazetteer, regions, make_claim):
    """7 km vs 9.05 km measured is 29 % and 2 km off: beyond the accurate line's 1 km slack."""
    workspace = Workspace(gazetteer, regions)
    assert distance_flag(claim_rows([border_claim(make_claim, 7)], workspace))["severity"] == "warning"
    assert distance_flag(claim_rows([border_claim(make_claim, 10)], workspace))["severity"] == "info"


def test_distance_slack_depends_on_what_was_measured():
    assert checks.distance_flag(7.0, 9.05, "the border", "line", tolerance_km=1.0)["severity"] == "warning"
    assert checks.distance_flag(7.0, 9.05, "the border", "polygon")["severity"] == "info"  # 2.5 km default


def test_the_band_stays_on_russias_side_of_the_accurate_line(geo, regions, make_claim):
    quote = "Ukrainian troops advanced 15 km deep along a 40 km front"
    claims = [make_claim("depth", 15, "km", km=15.0, actor="UA", quote=quote, **SUDZHA),
              make_claim("front_width", 40, "km", km=40.0, actor="UA", quote=quote, **SUDZHA)]
    band = geo(claims).iloc[0]
    assert regions.polygon("RU-KRS").contains(ACROSS_THE_BORDER)  # the generalised host reaches across ...
    assert not band.geometry.contains(ACROSS_THE_BORDER)  # ... but the band does not
    assert band.geometry.contains(shapely.Point(SUDZHA["anchor_lon"], SUDZHA["anchor_lat"]))


def test_band_ends_are_square_to_the_border_not_ragged(geo, make_claim):
    """No holes and no stray pieces, however much the 20 km of border the band follows wiggles."""
    quote = "a strip 10 km deep along 20 km of the border"
    claims = [make_claim("depth", 10, "km", km=10.0, actor="UA", quote=quote, **SUDZHA),
              make_claim("front_width", 20, "km", km=20.0, actor="UA", quote=quote, **SUDZHA)]
    band = geo(claims).iloc[0]
    assert band["role"] == "band"
    parts = list(shapely.get_parts(band.geometry))
    assert not any(part.interiors for part in parts)
    assert max(part.area for part in parts) > 0.99 * band.geometry.area
    assert 0.7 * 200.0 < band["geometry_km2"] < 1.3 * 200.0


def test_a_host_cut_is_kept_for_the_next_run_and_a_broken_one_is_cut_again(gazetteer, regions, tmp_path,
                                                                         monkeypatch):
    """Russia near Sudzha, cut along the accurate border, is the same from the cache folder as cut afresh."""
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path))
    window = shapely.box(34.5, 50.7, 36.0, 51.6)
    cut = Workspace(gazetteer, regions).accurate_polygon("RU", window)
    stored = list(tmp_path.glob("host-cuts-*/RU_*.wkb"))
    assert len(stored) == 1
    assert Workspace(gazetteer, regions).accurate_polygon("RU", window).equals_exact(cut, 0.0)
    stored[0].write_bytes(b"not a polygon")
    assert Workspace(gazetteer, regions).accurate_polygon("RU", window).equals_exact(cut, 0.0)
    assert shapely.from_wkb(stored[0].read_bytes()).equals_exact(cut, 0.0)  # written again, whole
