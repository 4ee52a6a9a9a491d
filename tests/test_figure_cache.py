"""The figures kept between builds: the same files back, drawn again for other tables or settings, a bad file or
entry no error."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from geomap import pipeline
from geomap.figure_cache import FILE_NAME, FigureCache
from geomap.records import Source

KURSK = "In August 2024 Ukraine seized about 1,300 square kilometers of the Kursk region around Sudzha."
LATER = "By March 2025 Russia said it had retaken 86% of the territory Ukraine held in the Kursk region."


@pytest.fixture(scope="module")
def results():
    return pipeline.run_sources([Source(id="a", text=KURSK, published="2024-08-20")])


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def figures_only(**settings) -> pipeline.OutputOptions:
    return pipeline.OutputOptions(
        **{"map": False, "fragment": False, "geopackage": False, "exports": False, "figure_cache": True, **settings}
    )


def figure_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((folder / "figures").iterdir())}


def drawing_refused(*args, **kwargs):
    raise AssertionError("drawn again instead of read from the figure cache")


def test_a_rebuild_writes_the_figures_kept_byte_for_byte_without_drawing(results, cache_folder, tmp_path, monkeypatch):
    pipeline.write(results, tmp_path / "first", figures_only())
    drawn = figure_files(tmp_path / "first")
    assert {"area_chart.png", "area_chart.svg", "map_2024-08.png", "map_2024-08.svg"} <= set(drawn)
    assert (cache_folder / FILE_NAME).exists()
    monkeypatch.setattr(pipeline, "draw_figures", drawing_refused)
    pipeline.write(results, tmp_path / "again", figures_only())
    assert figure_files(tmp_path / "again") == drawn


def test_a_rebuild_from_the_article_cache_finds_the_figures_of_the_build_that_read_the_articles(
    cache_folder, tmp_path, monkeypatch
):
    sources = [Source(id="a", text=KURSK, published="2024-08-20"), Source(id="b", text=LATER, published="2025-03-14")]
    read = pipeline.run_sources(sources, cache=True)
    pipeline.write(read, tmp_path / "read", figures_only())
    again = pipeline.run_sources(sources, cache=True)
    assert again.from_cache == 2
    monkeypatch.setattr(pipeline, "draw_figures", drawing_refused)
    pipeline.write(again, tmp_path / "again", figures_only())
    assert figure_files(tmp_path / "again") == figure_files(tmp_path / "read")


def test_other_tables_or_settings_are_drawn_again(results, cache_folder, tmp_path):
    pipeline.write(results, tmp_path / "first", figures_only())
    first = figure_files(tmp_path / "first")
    pipeline.write(results, tmp_path / "low", figures_only(dpi=60))
    assert figure_files(tmp_path / "low")["map_2024-08.png"] != first["map_2024-08.png"]
    assert figure_files(tmp_path / "low")["map_2024-08.svg"] == first["map_2024-08.svg"]
    grown = pipeline.run_sources(
        [Source(id="a", text=KURSK, published="2024-08-20"), Source(id="b", text=LATER, published="2025-03-14")]
    )
    pipeline.write(grown, tmp_path / "grown", figures_only())
    assert figure_files(tmp_path / "grown")["area_chart.svg"] != first["area_chart.svg"]
    pipeline.write(results, tmp_path / "off", figures_only(figure_cache=False))
    assert figure_files(tmp_path / "off") == first
    with sqlite3.connect(cache_folder / FILE_NAME) as connection:
        assert connection.execute("SELECT count(*) FROM figures").fetchone()[0] == 3  # not the run without it


def test_an_entry_that_is_not_one_is_drawn_again(results, cache_folder, tmp_path):
    pipeline.write(results, tmp_path / "first", figures_only())
    with sqlite3.connect(cache_folder / FILE_NAME) as connection:
        [key] = [row[0] for row in connection.execute("SELECT key FROM figures")]
    cache = FigureCache("any")
    for broken in (b"geomap-figures 1\n\x01\x00\x00\x00\xff", b"something else"):
        cache.entries.put(key, broken)
        cache.flush()
        pipeline.write(results, tmp_path / "again", figures_only())
        assert figure_files(tmp_path / "again") == figure_files(tmp_path / "first")
        assert cache.get(key) == figure_files(tmp_path / "first")  # the entry is whole again


def test_a_file_that_is_no_database_is_a_note_and_made_again(results, cache_folder, tmp_path, caplog):
    cache_folder.mkdir()
    (cache_folder / FILE_NAME).write_bytes(b"not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="geomap"):
        pipeline.write(results, tmp_path / "out", figures_only())
    assert "figure cache" in caplog.text
    assert len(figure_files(tmp_path / "out")) == 4
    with sqlite3.connect(cache_folder / FILE_NAME) as connection:
        assert connection.execute("SELECT count(*) FROM figures").fetchone()[0] == 1
