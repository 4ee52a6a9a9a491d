"""A window's envelope when one of its claimed areas is an invalid polygon: the valid forms are united, with a note
(a 3,000-article synthetic corpus stopped its build at such a union: "side location conflict")."""

from __future__ import annotations

import logging

import shapely

from geomap.geometry.windows import union_of


def test_an_invalid_area_is_united_in_its_valid_form_with_a_note(caplog):
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # crosses itself at (1, 1)
    square = shapely.box(1, 0.5, 3, 1.5)
    with caplog.at_level(logging.WARNING, logger="geomap"):
        union = union_of([bowtie, square], "2024-08")
    assert union.is_valid
    assert union.equals(shapely.union_all([shapely.make_valid(bowtie), square]))
    assert any("2024-08" in record.getMessage() for record in caplog.records)


def test_valid_areas_are_united_as_they_are(caplog):
    shapes = [shapely.box(0, 0, 1, 1), shapely.box(0.5, 0, 2, 1)]
    with caplog.at_level(logging.WARNING, logger="geomap"):
        assert union_of(shapes, "2024-08").equals(shapely.box(0, 0, 2, 1))
    assert not caplog.records
