"""The region polygons' decoded coordinates, memory-mapped from their copy in the cache folder: the same
polygons as the shapes file's, and the file itself read where a copy is missing, broken or cannot be kept."""

from __future__ import annotations

import numpy as np
import shapely

from geomap.gazetteer import shapes
from geomap.gazetteer.mapped import copy_stem
from geomap.paths import geodata_dir

SHAPES = geodata_dir() / "shapes.npz"
SOME = (0, 1, 77, 4000, 33000)  # rows of countries, admin-1 and admin-2 units


def as_wkb(polygons) -> list[bytes]:
    return shapely.to_wkb(np.asarray(polygons, dtype=object)).tolist()


def test_the_copy_gives_the_polygons_of_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path))
    expected = as_wkb(shapes.load(SHAPES))
    written = shapes.LazyShapes(SHAPES)  # writes the copy
    copy = tmp_path / "tables" / f"{copy_stem(SHAPES)}.coordinates.npy"
    assert copy.is_file()
    mapped = shapes.LazyShapes(SHAPES)  # maps it
    assert isinstance(mapped.coords, np.memmap)
    assert as_wkb([mapped.one(row) for row in SOME]) == [expected[row] for row in SOME]
    assert as_wkb(mapped.all()) == expected == as_wkb(written.all())


def test_a_broken_copy_or_a_cache_that_cannot_be_written_reads_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path))
    expected = [as_wkb(shapes.load(SHAPES))[row] for row in SOME]
    shapes.LazyShapes(SHAPES)
    copy = tmp_path / "tables" / f"{copy_stem(SHAPES)}.coordinates.npy"
    for broken in (copy.read_bytes()[:1000], b"not an array", copy.read_bytes()[:-16000]):
        copy.write_bytes(broken)
        assert as_wkb([shapes.LazyShapes(SHAPES).one(row) for row in SOME]) == expected
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv("GEOMAP_CACHE", str(blocked))
    assert as_wkb([shapes.LazyShapes(SHAPES).one(row) for row in SOME]) == expected
