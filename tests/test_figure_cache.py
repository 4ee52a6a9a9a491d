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
    kept = entry_count(cache_folder)
    pipeline.write(results, tmp_path / "off", figures_only(figure_cache=False))
    assert figure_files(tmp_path / "off") == first
    assert entry_count(cache_folder) == kept  # nothing kept by the run without it


def entry_count(cache_folder: Path) -> int:
    with sqlite3.connect(cache_folder / FILE_NAME) as connection:
        return connection.execute("SELECT count(*) FROM figures").fetchone()[0]


def test_a_grown_corpus_draws_only_the_figures_whose_own_inputs_changed(cache_folder, tmp_path, monkeypatch):
    # The article of March 2025 adds a window and changes the chart; the map of August 2024 (its claims, their
    # source's colour, the places in its view) is the same figure, copied from the cache instead of drawn again.
    first = pipeline.run_sources([Source(id="a", text=KURSK, published="2024-08-20")])
    grown = pipeline.run_sources(
        [Source(id="a", text=KURSK, published="2024-08-20"), Source(id="b", text=LATER, published="2025-03-14")]
    )
    pipeline.write(first, tmp_path / "first", figures_only())
    import geomap.figures

    drawn = []

    def recorded(draw):
        def drawing(*args, **kwargs):
            drawn.append(draw.__name__ + (f" {args[1]}" if draw is real_map else ""))
            return draw(*args, **kwargs)

        return drawing

    real_map = geomap.figures.claims_map_figure
    monkeypatch.setattr(geomap.figures, "claims_map_figure", recorded(real_map))
    monkeypatch.setattr(geomap.figures, "area_chart_figure", recorded(geomap.figures.area_chart_figure))
    tables = pipeline.figure_tables(grown, pipeline.basemap(grown))
    pipeline.draw_figures(tables, tmp_path / "grown", 200, ("png", "svg"), ["2024-08", "2025-03"], True, kept())
    assert drawn == ["claims_map_figure 2025-03", "area_chart_figure"]
    grown_files = {path.name: path.read_bytes() for path in (tmp_path / "grown").iterdir()}
    assert {name: grown_files[name] for name in ("map_2024-08.png", "map_2024-08.svg")} == {
        name: data for name, data in figure_files(tmp_path / "first").items() if name.startswith("map_2024-08")
    }
    # And what is copied is what a build without the cache draws.
    pipeline.write(grown, tmp_path / "clean", figures_only(figure_cache=False))
    assert figure_files(tmp_path / "clean") == grown_files


def kept() -> FigureCache:
    return FigureCache.for_code()


def test_an_entry_that_is_not_one_is_drawn_again(results, cache_folder, tmp_path):
    pipeline.write(results, tmp_path / "first", figures_only())
    with sqlite3.connect(cache_folder / FILE_NAME) as connection:
        keys = [row[0] for row in connection.execute("SELECT key FROM figures")]
    assert len(keys) == 3  # the figures of the build, and each figure on its own (the map, the chart)
    cache = FigureCache("any")
    for broken in (b"geomap-figures 1\n\x01\x00\x00\x00\xff", b"something else"):
        for key in keys:
            cache.entries.put(key, broken)
        cache.flush()
        pipeline.write(results, tmp_path / "again", figures_only())
        assert figure_files(tmp_path / "again") == figure_files(tmp_path / "first")
        assert [cache.get(key) is not None for key in keys] == [True] * 3  # the entries are whole again


def test_a_file_that_is_no_database_is_a_note_and_made_again(results, cache_folder, tmp_path, caplog):
    cache_folder.mkdir()
    (cache_folder / FILE_NAME).write_bytes(b"not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="geomap"):
        pipeline.write(results, tmp_path / "out", figures_only())
    assert "figure cache" in caplog.text
    assert len(figure_files(tmp_path / "out")) == 4
    assert entry_count(cache_folder) == 3  # the build's figures, the map and the chart
