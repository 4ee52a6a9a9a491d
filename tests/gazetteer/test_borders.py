"""Land border lines: how they are computed (synthetic countries) and what ships in geodata/borders.npz."""

from __future__ import annotations


import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.ops import nearest_points

from geomap.gazetteer import border_lines
from geomap.gazetteer.borders import FILENAME, Borders, decode, encode
from geomap.geometry.projection import LocalProjection
from geomap.paths import source_geodata_dir

GEOD = Geod(ellps="WGS84")
SUDZHA = (35.271, 51.191)  # lon, lat


# -- computing borders from polygons ----------------------------------------------------------------------
def polygon(*rings) -> dict:
    return {"type": "Polygon", "coordinates": [list(map(list, ring)) for ring in rings]}


def world_of(**countries: dict) -> border_lines.World:
    return border_lines.build_world(
        (code, border_lines.feature_rings(geometry)) for code, geometry in sorted(countries.items()))


def borders_of(world: border_lines.World, **kwargs) -> dict:
    return border_lines.shared_borders(world, {}, **kwargs)


WEST = polygon([(0, 0), (1, 0), (1, 0.1), (1, 0.9), (1, 1), (0, 1), (0, 0)])


def east_with_river(width: float) -> dict:
    """A country east of WEST touching it only at both ends; water ``width`` degrees wide in between.

    Written clockwise on purpose: the reader must orient rings itself.
    """
    return polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1, 0.9), (1 + width, 0.8), (1 + width, 0.2), (1, 0.1),
                    (1, 0)][::-1])


def test_edges_two_countries_share_are_their_border():
    east = polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1, 0.9), (1, 0.1), (1, 0)])
    found = borders_of(world_of(AAA=WEST, BBB=east))
    assert list(found) == [("AAA", "BBB")]
    line = found[("AAA", "BBB")]
    assert shapely.get_num_geometries(line) == 1
    assert line.equals(shapely.LineString([(1, 0), (1, 1)]))


def test_a_narrow_river_is_bridged_half_way_between_the_banks():
    line = borders_of(world_of(AAA=WEST, BBB=east_with_river(0.01)))[("AAA", "BBB")]  # ~1.1 km of water
    assert shapely.get_num_geometries(line) == 1  # one line from (1, 0) to (1, 1), across the river
    assert line.distance(shapely.Point(1.005, 0.5)) < 1e-4
    assert line.distance(shapely.Point(1.0, 0.5)) > 0.004  # not along either bank


def test_wide_water_stays_open():
    line = borders_of(world_of(AAA=WEST, BBB=east_with_river(0.05)))[("AAA", "BBB")]  # ~5.5 km of water
    assert shapely.get_num_geometries(line) == 2
    assert line.distance(shapely.Point(1.025, 0.5)) > 0.02


def test_an_area_claimed_by_both_countries_gives_no_border_along_its_coast():
    """Like Crimea in the OpenStreetMap data: inside Ukraine's polygon and a separate part of Russia's."""
    island = [(0.2, 0.2), (0.4, 0.2), (0.4, 0.4), (0.2, 0.4), (0.2, 0.2)]
    found = borders_of(world_of(AAA=polygon(island), BBB=polygon(island)))
    assert found == {}


def test_a_de_jure_exclusion_removes_the_border_near_its_region():
    east = polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1, 0.9), (1, 0.1), (1, 0)])
    region = shapely.box(0.5, 0.6, 1.5, 2.0)
    rule = border_lines.Exclusion(frozenset({"AAA", "BBB"}), region, buffer_degrees=0.05)
    line = borders_of(world_of(AAA=WEST, BBB=east), exclusions=[rule])[("AAA", "BBB")]
    assert line.bounds[3] == pytest.approx(0.55)
    assert not line.intersects(region.buffer(0.04))


def test_storage_round_trip_is_exact():
    lines = {("AAA", "BBB"): shapely.MultiLineString([[(1, 0), (1.00001, 0.5), (1, 1)]]),
             ("BBB", "CCC"): shapely.MultiLineString([[(2, 0), (2, 1)], [(2, 2), (2.5, 2.5)]])}
    decoded = decode(encode(lines))
    assert list(decoded) == sorted(lines)
    for pair, line in lines.items():
        assert decoded[pair].equals_exact(line, 0)


# -- the bundled lines -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundled() -> Borders:
    path = source_geodata_dir() / FILENAME
    if not path.is_file():
        pytest.skip("geodata/borders.npz not built")
    return Borders.from_file(path)


def km_to(line, lon: float, lat: float) -> float:
    """Geodesic distance from a point to the nearest point of a lon/lat line (found in a local projection)."""
    local = LocalProjection(lon, lat)
    centre = local.point_to_local(lon, lat)
    nearest = nearest_points(local.to_local(line), centre)[0]
    near_lon, near_lat = local.point_to_lonlat(nearest.x, nearest.y)
    return GEOD.inv(lon, lat, near_lon, near_lat)[2] / 1000.0


def test_sudzha_is_nine_km_from_the_russia_ukraine_line(bundled):
    """The unsimplified OpenStreetMap polygon puts Sudzha 9.05 km from Ukraine."""
    assert km_to(bundled.border_line("RU", "UA"), *SUDZHA) == pytest.approx(9.05, abs=0.3)


def test_russia_ukraine_line_runs_from_belarus_to_the_sea_of_azov(bundled):
    line = bundled.border_line("UA", "RU")
    assert line.equals(bundled.border_line("RU", "UA"))
    assert 1900 < GEOD.geometry_length(line) / 1000.0 < 2200
    assert bundled.lengths_km[("RU", "UA")] == pytest.approx(GEOD.geometry_length(line) / 1000.0, rel=1e-3)
    longest = max(line.geoms, key=lambda part: part.length)
    ends = {(round(x, 1), round(y, 1)) for x, y in (longest.coords[0], longest.coords[-1])}
    assert ends == {(31.8, 52.1), (38.2, 47.1)}  # the Belarus tripoint, the coast of the Sea of Azov


def test_no_russia_ukraine_land_border_around_crimea(bundled):
    """De jure: Crimea is Ukraine's, so no Russia-Ukraine line crosses Perekop or the Kerch strait."""
    line = bundled.border_line("RU", "UA")
    perekop, kerch = (33.69, 46.15), (36.55, 45.30)
    assert km_to(line, *perekop) > 150
    assert km_to(line, *kerch) > 150
    assert line.bounds[1] > 47.0


def test_ukraine_has_its_seven_land_neighbours(bundled):
    assert bundled.neighbours("UA") == ("BY", "HU", "MD", "PL", "RO", "RU", "SK")
    whole = bundled.country_border("UA")
    assert whole.geom_type == "MultiLineString"
    total = sum(GEOD.geometry_length(bundled.border_line("UA", other)) for other in bundled.neighbours("UA"))
    assert GEOD.geometry_length(whole) == pytest.approx(total)


def test_every_pair_names_countries_of_the_gazetteer(bundled):
    from geomap.gazetteer import load_regions

    regions = load_regions()
    countries = {code for code, kind in zip(regions.codes, regions.kinds) if kind == "country"}
    named = {code for pair in bundled.pairs for code in pair}
    assert named <= countries, sorted(named - countries)
    assert all(a < b for a, b in bundled.pairs)


def test_lines_sit_on_the_storage_grid(bundled):
    coords = shapely.get_coordinates(bundled.border_line("BY", "UA"))
    assert np.allclose(coords * 1e5, np.rint(coords * 1e5), atol=1e-6)


def test_missing_file_means_no_lines(tmp_path):
    empty = Borders.from_file(tmp_path / FILENAME)
    assert not empty and empty.border_line("RU", "UA").is_empty and empty.neighbours("UA") == ()
