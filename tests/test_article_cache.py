"""The per-article cache: a rebuild reads only the new articles and writes the bytes of a clean build;
an unreadable or unwritable cache is noted and ignored; the folder keeps within its size limit."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

import pandas
import pytest

from geomap import article_cache, pipeline
from geomap.article_cache import ArticleCache
from geomap.sources import read_sources

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
OPTIONS = pipeline.OutputOptions(figures=False)  # the figures read the same tables as the map; they take long


@pytest.fixture(scope="module")
def seeds():
    return read_sources([str(SEEDS)]).sources


@pytest.fixture
def read_counter(monkeypatch):
    """How many sources the text stages read (they run in this process with jobs=1)."""
    read: list[str] = []
    original = pipeline.text_stages

    def counting(sources):
        read.extend(sources["id"])
        return original(sources)

    monkeypatch.setattr(pipeline, "text_stages", counting)
    return read


def output_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(sources, out: Path, cache: bool) -> pipeline.Results:
    results = pipeline.run_sources(sources, cache=cache)
    pipeline.write(results, out, OPTIONS)
    return results


def test_a_rebuild_reads_only_the_new_articles_and_matches_a_clean_build(seeds, tmp_path, monkeypatch, read_counter):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    first = build(seeds[::2], tmp_path / "first", cache=True)  # the new ones come between the cached ones
    assert first.from_cache == 0 and read_counter == [s.id for s in seeds[::2]]
    read_counter.clear()

    grown = build(seeds, tmp_path / "grown", cache=True)
    assert grown.from_cache == 3
    assert read_counter == [s.id for s in seeds[1::2]], "only the two new articles are read again"

    read_counter.clear()
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "other-cache"))
    clean = build(seeds, tmp_path / "clean", cache=False)
    assert clean.from_cache == 0 and len(read_counter) == len(seeds)
    # Data-derived files (the scan index, host countries cut along borders) may be kept there; articles may not.
    assert not (tmp_path / "other-cache" / "articles").exists(), "--no-cache writes no article cache"
    assert store_file(tmp_path).stat().st_size > 0, "the cached build wrote its entries"
    grown_files, clean_files = output_bytes(tmp_path / "grown"), output_bytes(tmp_path / "clean")
    assert list(grown_files) == list(clean_files)
    assert [name for name in grown_files if grown_files[name] != clean_files[name]] == []
    assert len(grown.claims) == len(clean.claims) > 0
    # The tables themselves, column types included: the cached rows come back as they were made.
    pandas.testing.assert_frame_equal(grown.mentions, clean.mentions)
    pandas.testing.assert_frame_equal(grown.claims, clean.claims)


def test_a_changed_article_is_read_again(seeds, tmp_path, monkeypatch, read_counter):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    pipeline.run_sources(seeds[:2], cache=True)
    read_counter.clear()
    changed = [seeds[0], type(seeds[1])(**{**vars(seeds[1]), "text": seeds[1].text + " Kyiv."})]
    counted: list[tuple[int, int]] = []
    results = pipeline.run_sources(changed, cache=True, progress=lambda _, done, total: counted.append((done, total)))
    assert results.from_cache == 1 and read_counter == [seeds[1].id]
    assert counted[0] == (1, 2) and counted[-1] == (2, 2), "progress counts the cached article among all"
    assert "Kyiv" in set(results.mentions["text"])


def store_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "articles" / "entries.sqlite"


def test_corrupt_entries_are_noted_ignored_and_rewritten(seeds, tmp_path, monkeypatch, caplog, read_counter):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    expected = pipeline.run_sources(seeds[:2], cache=True)
    with sqlite3.connect(store_file(tmp_path)) as connection:
        keys = [key for (key,) in connection.execute("SELECT key FROM articles ORDER BY key")]
        assert len(keys) == 2
        connection.execute("UPDATE articles SET data = ? WHERE key = ?", (b"not an entry", keys[0]))
        connection.execute("UPDATE articles SET data = substr(data, 1, 40) WHERE key = ?", (keys[1],))  # cut short
        connection.execute("UPDATE blocks SET data = substr(data, 1, 90)")  # and the block that holds both
    connection.close()
    read_counter.clear()
    with caplog.at_level(logging.WARNING, logger="geomap"):
        again = pipeline.run_sources(seeds[:2], cache=True)
    notes = [record.getMessage() for record in caplog.records if "article cache" in record.getMessage()]
    assert len(notes) == 1 and "could not be read" in notes[0] and str(tmp_path) in notes[0]
    assert again.from_cache == 0 and len(read_counter) == 2
    assert again.claims.equals(expected.claims) and again.mentions.equals(expected.mentions)
    assert pipeline.run_sources(seeds[:2], cache=True).from_cache == 2, "the entries were rewritten"


def test_the_sources_of_a_damaged_block_are_found_one_by_one(seeds, tmp_path, monkeypatch, caplog, read_counter):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    expected = pipeline.run_sources(seeds, cache=True)
    with sqlite3.connect(store_file(tmp_path)) as connection:
        assert connection.execute("SELECT count(*) FROM blocks").fetchone()[0] >= 1
        connection.execute("UPDATE blocks SET data = ? ", (article_cache.BLOCK_FORMAT + b"\0" * 30,))
    connection.close()
    read_counter.clear()
    with caplog.at_level(logging.WARNING, logger="geomap"):
        again = pipeline.run_sources(seeds, cache=True)
    notes = [record.getMessage() for record in caplog.records if "article cache" in record.getMessage()]
    assert len(notes) == 1 and "could not be read" in notes[0]
    assert again.from_cache == len(seeds) and read_counter == []
    pandas.testing.assert_frame_equal(again.mentions, expected.mentions)
    pandas.testing.assert_frame_equal(again.claims, expected.claims)


def test_blocks_give_the_tables_the_articles_entries_give(seeds, tmp_path, monkeypatch):
    """A corpus read back from its blocks (several: one ends after each source here) has the rows, the columns,
    their types and the missing values (None in a text column, NaN in a number column) of one read back from
    each article's entry."""
    monkeypatch.setattr(article_cache, "BLOCK_SPREAD", 1)
    cache = ArticleCache(tmp_path, "v")
    cache.lookup(seeds)
    assert len(cache.missing_blocks) == len(seeds)
    table = pipeline.schema.SOURCES.from_records(seeds)
    tables = pipeline.collect_text_stages(pipeline.chunked(table), [], None)  # the rows each source's entry holds
    cache.flush(tables)
    again = ArticleCache(tmp_path, "v")
    found, parts = again.lookup(seeds)
    assert found == set(range(len(seeds))) and len(parts) == 1 and again.missing_blocks == []
    for made, read in zip(tables, article_cache.in_source_order(seeds, parts)):
        pandas.testing.assert_frame_equal(read, made, check_exact=True)
        for name in made.columns:
            if made[name].dtype == object:
                assert [type(value) for value in read[name]] == [type(value) for value in made[name]], name


def test_a_cache_file_that_is_no_database_is_noted_and_made_again(seeds, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    pipeline.run_sources(seeds[:2], cache=True)
    store_file(tmp_path).write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)
    with caplog.at_level(logging.WARNING, logger="geomap"):
        again = pipeline.run_sources(seeds[:2], cache=True)
    notes = [record.getMessage() for record in caplog.records if "article cache" in record.getMessage()]
    assert len(notes) == 1 and "could not be read" in notes[0] and str(store_file(tmp_path)) in notes[0]
    assert again.from_cache == 0 and len(again.claims) > 0
    assert pipeline.run_sources(seeds[:2], cache=True).from_cache == 2, "the file was made again"


def test_a_cache_folder_that_cannot_be_written_is_noted_and_ignored(seeds, tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")  # not writable even for root
    monkeypatch.setenv("GEOMAP_CACHE", str(blocker))
    with caplog.at_level(logging.WARNING, logger="geomap"):
        results = pipeline.run_sources(seeds[:3], cache=True)
    notes = [record.getMessage() for record in caplog.records if "article cache" in record.getMessage()]
    assert len(notes) == 1 and "cannot be used" in notes[0] and str(blocker) in notes[0]
    assert results.from_cache == 0 and len(results.claims) > 0


def test_the_file_is_trimmed_least_recently_used_first(tmp_path):
    entry = {"mentions": {"source": ["x"] * 100}, "claims": {}, "place_status": {}}
    cache = ArticleCache(tmp_path, "v")
    keys = [f"{number:064x}" for number in range(5)]
    for key in keys[:4]:  # each written (so used) after the one before
        cache.put(key, entry)
        cache.flush()
    size = len(cache.entries.lookup([keys[0]])[keys[0]])  # entry 0 used again: now the most recent
    cache.entries.limit = 3 * size
    cache.put(keys[4], entry)
    cache.flush()
    assert [cache.get(key) is not None for key in keys] == [True, False, False, True, True]


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """A copy of geomap's sources that the versions are read from, to edit as a developer would."""
    copy = tmp_path / "geomap"
    shutil.copytree(article_cache.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(article_cache, "PACKAGE_DIR", copy)
    return copy


def versions() -> tuple[str, str]:
    """The code versions of the text stages' entries and of the geometry stage's, read afresh."""
    version = article_cache.code_version.__wrapped__
    return version(article_cache.TEXT_STAGES), version(article_cache.TEXT_STAGES, article_cache.GEOMETRY_STAGE)


def edit(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")


@pytest.mark.parametrize(
    "module", ["render/mapview.py", "export/writers.py", "figures/chart.py", "cli.py", "pipeline.py", "view.py"]
)
def test_editing_the_map_or_the_exports_keeps_every_entry(package_copy, module):
    before = versions()
    edit(package_copy / module)
    assert versions() == before


@pytest.mark.parametrize("module", ["claims/kinds.py", "claims/words.toml", "geoparse/scan.py", "schema.py"])
def test_editing_what_the_text_stages_run_makes_new_entries(package_copy, module):
    text, geometry = versions()
    edit(package_copy / module)
    changed_text, changed_geometry = versions()
    assert changed_text != text and changed_geometry != geometry


def test_editing_the_geometry_stage_keeps_the_articles_entries_only(package_copy):
    text, geometry = versions()
    edit(package_copy / "geometry" / "build.py")
    assert versions()[0] == text and versions()[1] != geometry


def test_the_text_stages_key_leaves_out_what_they_never_run():
    files = {
        path.relative_to(article_cache.PACKAGE_DIR).as_posix()
        for path in article_cache.stage_files([article_cache.TEXT_STAGES])
    }
    assert {"claims/status.py", "claims/quantities.py", "claims/words.toml", "geoparse/parser.py"} <= files
    assert not any(name.startswith(("render/", "export/", "figures/", "geometry/")) for name in files)


def test_editing_where_the_basemap_is_cut_makes_new_cuts(package_copy):
    from geomap.basemap_cache import BasemapCache

    def basemap_version() -> str:
        article_cache.code_version.cache_clear()
        return BasemapCache.for_data("data").version

    try:
        before = basemap_version()
        edit(package_copy / "render" / "mapview.py")
        assert basemap_version() == before
        edit(package_copy / "pipeline.py")
        assert basemap_version() != before
    finally:
        article_cache.code_version.cache_clear()  # versions of the edited copy must not outlive the test
