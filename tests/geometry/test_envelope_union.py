"""A window's envelope when one of its claimed areas is an invalid polygon: the valid forms are united on a 1 cm grid, with a note (shown with -v)
(a 3,000-article synthetic corpus stopped its build at such a union: "side location conflict")."""

from __future__ import annotations

import logging

import shapely
import shapely.errors

from geomap.geometry.windows import union_of


def test_an_invalid_area_is_united_in_its_valid_form_with_a_note(caplog):
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # crosses itself at (1, 1)
    square = shapely.box(1, 0.5, 3, 1.5)
    with caplog.at_level(logging.INFO, logger="geomap"):
        union = union_of([bowtie, square], "2024-08")
    assert union.is_valid
    assert union.equals(shapely.union_all([shapely.make_valid(bowtie), square], grid_size=1e-7))
    assert any("2024-08" in record.getMessage() for record in caplog.records)


def test_valid_areas_are_united_as_they_are(caplog):
    shapes = [shapely.box(0, 0, 1, 1), shapely.box(0.5, 0, 2, 1)]
    with caplog.at_level(logging.INFO, logger="geomap"):
        assert union_of(shapes, "2024-08").equals(shapely.box(0, 0, 2, 1))
    assert not caplog.records


def test_areas_floating_point_overlay_cannot_unite_are_united_on_a_grid(monkeypatch, caplog):
    # GEOS's floating-point overlay failing on valid areas ("TopologyException: Ring edge missing", as on a
    # 10,000-article corpus) cannot be built small and stable across GEOS versions, so the failure is raised here
    # for any union without a grid, which the fallback must avoid.
    real_union_all = shapely.union_all

    def floating_point_union_fails(geometries, grid_size=None, **kwargs):
        if grid_size is None:
            raise shapely.errors.GEOSException("TopologyException: Ring edge missing at 35.17 50.62")
        return real_union_all(geometries, grid_size=grid_size, **kwargs)

    monkeypatch.setattr(shapely, "union_all", floating_point_union_fails)
    shapes = [shapely.box(35.0, 50.5, 35.2, 50.7), shapely.box(35.1, 50.5, 35.3, 50.7)]
    with caplog.at_level(logging.INFO, logger="geomap"):
        union = union_of(shapes, "2023-04")
    assert union.is_valid and abs(union.area - 0.3 * 0.2) < 1e-9
    assert any("2023-04" in record.getMessage() for record in caplog.records)


def test_the_fallback_grid_is_about_a_centimetre_in_the_shapes_units():
    from geomap.geometry.overlay import grid_for

    assert grid_for("EPSG:4326") == 1e-7  # degrees: 1.1 cm of latitude
    assert grid_for("+proj=laea +lat_0=51.2 +lon_0=35.3 +datum=WGS84 +units=m +no_defs") == 0.01
    assert abs(grid_for("EPSG:2249") - 0.01 / 0.3048006096) < 1e-12  # a US survey feet CRS (Massachusetts)
