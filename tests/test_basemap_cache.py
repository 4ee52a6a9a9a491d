"""The basemap's cuts kept between builds: read back the same, never for other inputs, a bad file no error."""

from __future__ import annotations

import logging
import sqlite3

import pytest
import shapely

from geomap import pipeline
from geomap.basemap_cache import FILE_NAME, BasemapCache
from geomap.records import Source
from geomap.resources import shared

KURSK = "In August 2024 Ukraine seized about 1,300 square kilometers of the Kursk region around Sudzha."
FAR = "Officials in Washington and in Tokyo said so too."  # places far away: the coarse outlines reach them


@pytest.fixture(scope="module")
def results():
    return pipeline.run_sources([Source(id="a", text=KURSK), Source(id="b", text=FAR)])


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path))
    return tmp_path


def layers(base: pipeline.Basemap) -> list:
    """What the map draws of a basemap: every column, geometries as WKB."""
    return [frame.to_wkb().to_dict("list") for frame in (base.countries, base.admin1, base.places)]


def cuts_refused(*args, **kwargs):
    raise AssertionError("cut again instead of read from the cache")


def test_a_rebuild_reads_the_cuts_back_byte_for_byte(results, cache_folder, monkeypatch):
    first = pipeline.basemap(results)
    assert (cache_folder / FILE_NAME).exists()
    assert len(first.countries) > 10  # the coarse outlines as far as Washington and Tokyo
    monkeypatch.setattr(shapely, "intersection", cuts_refused)
    monkeypatch.setattr(shapely, "simplify", cuts_refused)
    assert layers(pipeline.basemap(results)) == layers(first)


def test_another_area_or_layer_is_cut_again(cache_folder):
    cache = BasemapCache.for_data(shared().gazetteer.store.fingerprint())
    frame = shared().regions.frame("country", (30.0, 44.0, 40.0, 53.0))
    west, east = shapely.box(30.0, 44.0, 35.0, 53.0), shapely.box(35.0, 44.0, 40.0, 53.0)
    [cut_west] = pipeline._cuts([(frame, "country", west, 10.0)], cache)  # kept (flushed) before the next
    [cut_east] = pipeline._cuts([(frame, "country", east, 10.0)], cache)
    [fresh_east] = pipeline._cuts([(frame, "country", east, 10.0)], BasemapCache("other"))
    assert cut_east.to_wkb().equals(fresh_east.to_wkb())
    assert not cut_east.to_wkb().equals(cut_west.to_wkb())
    assert cache.key("admin1", frame["code"], east, 0.004) != cache.key("country", frame["code"], east, 0.004)
    assert cache.key("country", frame["code"], east, 0.005) != cache.key("country", frame["code"], east, 0.004)


def test_an_entry_that_is_not_one_is_cut_again(cache_folder):
    cache = BasemapCache.for_data(shared().gazetteer.store.fingerprint())
    frame = shared().regions.frame("country", (30.0, 44.0, 40.0, 53.0))
    area = shapely.box(30.0, 44.0, 35.0, 53.0)
    [expected] = pipeline._cuts([(frame, "country", area, 10.0)], BasemapCache("other"))
    key = cache.key("country", frame["code"], area, max(pipeline.BASEMAP_SIMPLIFY_DEG, 10.0 / 1500))
    for broken in (b"geomap-basemap-cut 1\n\xff\xff", b"something else"):
        cache.entries.put(key, broken)
        cache.flush()
        [cut] = pipeline._cuts([(frame, "country", area, 10.0)], cache)
        assert cut.to_wkb().equals(expected.to_wkb())
        assert len(cache.get([key])[key]) == len(frame)  # the entry read was this one, and is whole again


def test_a_file_that_is_no_database_is_a_note_and_made_again(results, cache_folder, caplog):
    expected = layers(pipeline.basemap(results))
    (cache_folder / FILE_NAME).write_bytes(b"not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="geomap"):
        assert layers(pipeline.basemap(results)) == expected
    assert "basemap cache" in caplog.text
    with sqlite3.connect(cache_folder / FILE_NAME) as connection:  # made again, with this build's cuts
        assert connection.execute("SELECT count(*) FROM cuts").fetchone()[0] >= 2


def test_a_cache_folder_that_cannot_be_written_is_one_note(results, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "elsewhere"))
    expected = layers(pipeline.basemap(results))
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")  # not writable even for root
    monkeypatch.setenv("GEOMAP_CACHE", str(blocker))
    with caplog.at_level(logging.WARNING, logger="geomap"):
        assert layers(pipeline.basemap(results)) == expected
    notes = [record.getMessage() for record in caplog.records if "basemap cache" in record.getMessage()]
    assert len(notes) == 1 and "cannot be used" in notes[0] and str(blocker) in notes[0]
