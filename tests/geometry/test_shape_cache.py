"""The geometry stage's per-claim cache and its workers: a rebuild draws only the claims it has not drawn with the
same inputs and place statuses, and writes the bytes of a clean build; claims drawn in worker processes are the
claims drawn here; a damaged or unwritable cache is noted and ignored."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from geomap import pipeline
from geomap.geometry import build as geometry_build
from geomap.geometry import shape_cache
from geomap.sources import read_sources

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
OPTIONS = pipeline.OutputOptions(figures=False)


@pytest.fixture(scope="module")
def seeds():
    return read_sources([str(SEEDS)]).sources


@pytest.fixture(scope="module")
def clean(seeds, tmp_path_factory):
    """A build of every seed without any cache: its results and its output files."""
    folder = tmp_path_factory.mktemp("clean")
    results = pipeline.run_sources(seeds, cache=False)
    pipeline.write(results, folder / "out", OPTIONS)
    return results, output_bytes(folder / "out")


@pytest.fixture
def drawn(monkeypatch):
    """The ids of the claims drawn in this process (not taken from the cache)."""
    found: list[str] = []
    original = geometry_build.draw_claim

    def counting(workspace, task):
        found.append(task.item.claim.claim_id)
        return original(workspace, task)

    monkeypatch.setattr(geometry_build, "draw_claim", counting)
    return found


def output_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "articles-geometry.sqlite"


def test_a_rebuild_draws_only_new_claims_and_writes_a_clean_builds_bytes(seeds, clean, tmp_path, monkeypatch, drawn):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    pipeline.run_sources(seeds, cache=True)
    assert cache_file(tmp_path).exists() and len(drawn) == len(clean[0].claims) > 0
    drawn.clear()
    again = pipeline.run_sources(seeds, cache=True)
    assert drawn == [], "every claim's shape comes from the cache"
    pipeline.write(again, tmp_path / "out", OPTIONS)
    assert output_bytes(tmp_path / "out") == clean[1]


@pytest.mark.parametrize("first", [slice(0, 1), slice(1, None, 2)])
def test_claims_whose_place_statuses_changed_are_drawn_again(seeds, clean, tmp_path, monkeypatch, drawn, first):
    # A new article can say an incursion's anchor was lost: the older claims about it are drawn another way
    # (a strip that leaves the anchor out), though nothing in the claims themselves changed.
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    pipeline.run_sources(seeds[first], cache=True)
    drawn.clear()
    grown = pipeline.run_sources(seeds, cache=True)
    assert len(drawn) < len(grown.claims), "claims drawn before with the same inputs come from the cache"
    pipeline.write(grown, tmp_path / "out", OPTIONS)
    assert output_bytes(tmp_path / "out") == clean[1]


def test_claims_drawn_by_workers_are_the_claims_drawn_here(seeds, clean):
    # The claims and each window's envelope are drawn in the workers' processes (the seeds are one chunk: without a
    # pool given, run_sources would start none for them).
    with pipeline.Workers(2) as workers:
        spread = pipeline.run_sources(seeds, jobs=2, workers=workers, cache=False)
    here = clean[0]
    assert spread.claim_geoms.to_wkb().equals(here.claim_geoms.to_wkb())
    assert spread.checks.equals(here.checks) and spread.envelopes.to_wkb().equals(here.envelopes.to_wkb())


def test_cache_entries_made_by_workers_serve_a_rebuild_here(seeds, clean, tmp_path, monkeypatch, drawn):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    with pipeline.Workers(2) as workers:
        pipeline.run_sources(seeds, jobs=2, workers=workers, cache=True)
    assert drawn == [], "the claims were drawn, and their entries made, in the workers"
    again = pipeline.run_sources(seeds, cache=True)
    assert drawn == [], "every claim's shape comes from the entries the workers made"
    pipeline.write(again, tmp_path / "out", OPTIONS)
    assert output_bytes(tmp_path / "out") == clean[1]


def test_a_damaged_cache_is_noted_and_started_again(seeds, clean, tmp_path, monkeypatch, caplog, drawn):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    cache_file(tmp_path).parent.mkdir(parents=True)
    cache_file(tmp_path).write_bytes(b"not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="geomap"):
        results = pipeline.run_sources(seeds, cache=True)
    notes = [record.getMessage() for record in caplog.records if "geometry cache" in record.getMessage()]
    assert len(notes) == 1 and "could not be read" in notes[0] and str(cache_file(tmp_path)) in notes[0]
    assert results.claim_geoms.to_wkb().equals(clean[0].claim_geoms.to_wkb())
    drawn.clear()
    pipeline.run_sources(seeds, cache=True)
    assert drawn == [], "the cache was made again"


def test_a_cache_that_cannot_be_written_is_noted_and_ignored(seeds, clean, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    cache_file(tmp_path).mkdir(parents=True)  # a folder where the file should be
    with caplog.at_level(logging.WARNING, logger="geomap"):
        results = pipeline.run_sources(seeds, cache=True)
    notes = [record.getMessage() for record in caplog.records if "geometry cache" in record.getMessage()]
    assert len(notes) == 1 and "cannot be used" in notes[0]
    assert results.claim_geoms.to_wkb().equals(clean[0].claim_geoms.to_wkb())


def test_a_claim_geos_cannot_draw_is_unmapped_with_its_reason_and_the_others_are_drawn(seeds, clean, monkeypatch,
                                                                                       caplog):
    # A 3,000-article corpus met a host ring GEOS refused ("Invalid number of points in LinearRing"): one claim.
    import shapely.errors

    original, failing = geometry_build.map_disc, []

    def refusing(workspace, row, item, km2):
        if not failing:
            failing.append(item.claim.claim_id)
            raise shapely.errors.GEOSException("IllegalArgumentException: Invalid number of points in LinearRing")
        return original(workspace, row, item, km2)

    monkeypatch.setattr(geometry_build, "map_disc", refusing)
    with caplog.at_level(logging.WARNING, logger="geomap"):
        results = pipeline.run_sources(seeds, cache=False)
    frame = results.claim_geoms.set_index("claim_id")
    assert failing and frame.loc[failing[0], "status"] == "unmapped"
    assert "could not be drawn" in frame.loc[failing[0], "reason"]
    assert any(failing[0] in record.getMessage() for record in caplog.records)
    others = clean[0].claim_geoms.set_index("claim_id").drop(index=failing[0])
    assert (frame.drop(index=failing[0])["status"] == others["status"]).all()


def test_a_large_cache_answers_its_stamp_and_size_from_an_index(tmp_path):
    """What every build asks of the cache (the next stamp, the total size) does not read the whole table, which
    grows with the corpus; and the answers are the table's."""
    import sqlite3

    from geomap.geometry.shape_cache import ShapeCache

    cache = ShapeCache(tmp_path / "articles", "v", limit=10**9)
    for number in range(300):
        cache.put(f"k{number}", bytes(100 + number))
    cache.flush()
    assert set(cache.lookup(["k0", "k299", "none"])) == {"k0", "k299"}
    connection = sqlite3.connect(cache.path)
    for query, index in (("SELECT coalesce(max(used), 0) FROM shapes", "shapes_used"),
                         ("SELECT coalesce(max(used), 0) FROM shapes_read", "shapes_read_used"),
                         ("SELECT coalesce(sum(length(data)), 0) FROM shapes WHERE used > 0", "shapes_used")):
        plan = " ".join(row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + query))
        assert index in plan and not plan.startswith("SCAN shapes"), plan
    # written with stamp 1, the two found read with stamp 2 (kept apart from the entries, which stay as written)
    assert connection.execute("SELECT max(used) FROM shapes").fetchone()[0] == 1
    assert sorted(connection.execute("SELECT key, used FROM shapes_read")) == [("k0", 2), ("k299", 2)]
    assert connection.execute("SELECT sum(length(data)) FROM shapes WHERE used > 0").fetchone()[0] == sum(
        100 + number for number in range(300))
    connection.close()


def test_a_window_with_the_same_buffers_takes_its_envelope_from_the_cache(seeds, clean, tmp_path, monkeypatch):
    """A rebuild unites again only the windows whose buffers changed; the envelopes are the clean build's."""
    from geomap.geometry import windows

    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    united: list[str] = []
    original = windows.window_envelope

    def counting(geometries, window):
        united.append(window)
        return original(geometries, window)

    monkeypatch.setattr(windows, "window_envelope", counting)
    first = pipeline.run_sources(seeds, cache=True)
    assert len(united) == len(clean[0].envelopes) > 1
    united.clear()
    again = pipeline.run_sources(seeds, cache=True)
    assert united == []
    for results in (first, again):
        assert results.envelopes.to_wkb().equals(clean[0].envelopes.to_wkb())
    # a source fewer changes the buffers of both windows of the seeds: both are united again, as a clean build does
    fewer = seeds[1:]
    rebuilt = pipeline.run_sources(fewer, cache=True)
    assert sorted(united) == sorted(clean[0].envelopes["window"])
    assert rebuilt.envelopes.to_wkb().equals(pipeline.run_sources(fewer, cache=False).envelopes.to_wkb())


def test_every_input_of_a_claims_shape_is_in_its_cache_key(make_claim):
    """Whatever a task holds (the claim, what the other claims decided for it, a share's base, a band's
    partner), a task that differs in any one of its values has another key: it is drawn, not taken from the cache."""
    import dataclasses
    from datetime import date

    from geomap.geometry.bases import Base
    from geomap.geometry.build import ClaimTask, _Prepared, task_inputs
    from geomap.geometry.workspace import Anchor

    claim = make_claim("share_held", 30, "%", share=0.3, as_of_start=date(2024, 8, 1), flags=[{"code": "x"}])
    anchor = Anchor(35.1, 51.2, "Sudzha", "1", "RU-KRS", "RU")
    base = Base(1300.0, "own", ("s1#9",), "1,300 km² (own peak, s1#9)")
    task = ClaimTask(_Prepared(claim, "2024-08", anchor, "RU-KRS", None, "no anchor place", "UA"), base, claim)
    changed = [dataclasses.replace(task, base=None), dataclasses.replace(task, partner=None)]
    changed.append(dataclasses.replace(task, base=dataclasses.replace(base, km2=1301.0)))
    for field in dataclasses.fields(_Prepared):
        value = {"claim": dataclasses.replace(claim, quote="another sentence"), "anchor": None}.get(field.name, "x")
        changed.append(dataclasses.replace(task, item=dataclasses.replace(task.item, **{field.name: value})))
    for field in dataclasses.fields(Anchor):
        value = 1.0 if isinstance(getattr(anchor, field.name), float) else "y"
        changed.append(dataclasses.replace(task, item=dataclasses.replace(
            task.item, anchor=dataclasses.replace(anchor, **{field.name: value}))))
    changed.append(dataclasses.replace(task, item=dataclasses.replace(
        task.item, claim=dataclasses.replace(claim, flags=[{"code": "y"}]))))
    keys = {task_inputs(other) for other in changed}
    assert task_inputs(task) not in keys and len(keys) == len(changed)
    assert task_inputs(dataclasses.replace(task)) == task_inputs(task)
    # Of the base only its area draws the shape: the claims it was chosen from are in the derivation's text alone
    # (see test_a_share_whose_base_names_another_peak_keeps_its_shape_and_names_the_new_base).
    for field, value in zip(dataclasses.fields(Base)[1:], ("others", ("s1#8",), "other text")):
        assert task_inputs(dataclasses.replace(task, base=dataclasses.replace(base, **{field.name: value}))) \
            == task_inputs(task)


def test_a_share_whose_base_names_another_peak_keeps_its_shape_and_names_the_new_base(
        gazetteer, regions, make_claim, tmp_path, drawn):
    """Another source's peak of the same size joins the base of a share ("median of other sources' peaks"):
    the base's area, so the share's shape, stay the same and come from the cache; its derivation names both peaks,
    as a clean run's does."""
    from datetime import date

    from geomap.article_cache import ArticleCache
    from geomap.geometry import claim_geometries

    sudzha = {"place": "Sudzha", "place_id": "486816", "anchor_lat": 51.191, "anchor_lon": 35.271}
    august = {"as_of_start": date(2024, 8, 1), "as_of_end": date(2024, 8, 31)}
    peak = make_claim("area_held", 1300, "km²", "s1", km2=1300.0, **sudzha, **august)
    share = make_claim("share_held", 30, "%", "s2", share=0.3, **sudzha, **august)
    other_peak = make_claim("area_held", 1300, "km²", "s3", km2=1300.0, **sudzha, **august)
    cache = ArticleCache.for_data("test", tmp_path / "articles").shape_cache()
    first = claim_geometries([peak, share], gazetteer, regions, cache=cache)
    drawn.clear()
    grown = claim_geometries([peak, share, other_peak], gazetteer, regions, cache=cache)
    assert drawn == ["s3#1"], "the share and the first peak come from the cache"
    clean = claim_geometries([peak, share, other_peak], gazetteer, regions)
    before, after = (frame.set_index("claim_id").loc["s2#1"] for frame in (first, grown))
    assert "s3#1" not in before["derivation"] and "s1#1" in after["derivation"] and "s3#1" in after["derivation"]
    assert after["geometry"].equals_exact(before["geometry"], 0)
    assert grown.to_wkb().equals(clean.to_wkb())


def every_entry_read_alone_fails(monkeypatch) -> None:
    """Reading a claim's own entry fails: what a rebuild finds then comes from the blocks."""

    def refuse(data):
        raise AssertionError("a claim's own entry was read")

    monkeypatch.setattr(geometry_build, "entry_values", refuse)


def test_a_rebuild_takes_its_rows_from_the_blocks_and_writes_a_clean_builds_bytes(
    seeds, clean, tmp_path, monkeypatch, drawn
):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    pipeline.run_sources(seeds[:2], cache=True)
    pipeline.run_sources(seeds, cache=True)  # grown: the new claims join the blocks of the rows still of use
    drawn.clear()
    every_entry_read_alone_fails(monkeypatch)
    again = pipeline.run_sources(seeds, cache=True)
    assert drawn == [], "every claim's row comes from a block"
    pipeline.write(again, tmp_path / "out", OPTIONS)
    assert output_bytes(tmp_path / "out") == clean[1]


def test_a_damaged_block_is_noted_once_and_its_claims_come_from_their_own_entries(
    seeds, clean, tmp_path, monkeypatch, caplog, drawn
):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    pipeline.run_sources(seeds, cache=True)
    with sqlite3.connect(cache_file(tmp_path)) as connection:
        changed = connection.execute(
            "UPDATE shapes SET data = substr(data, 1, 40) WHERE substr(data, 1, ?) = ?",
            (len(shape_cache.ROW_BLOCK_FORMAT), shape_cache.ROW_BLOCK_FORMAT),
        ).rowcount
    connection.close()
    assert changed > 0
    drawn.clear()
    with caplog.at_level(logging.WARNING, logger="geomap"):
        again = pipeline.run_sources(seeds, cache=True)
    notes = [record.getMessage() for record in caplog.records if "geometry cache" in record.getMessage()]
    assert len(notes) == 1 and f"{changed} blocks" in notes[0] and "could not be read" in notes[0]
    assert drawn == [], "the claims' own entries serve them"
    assert again.claim_geoms.to_wkb().equals(clean[0].claim_geoms.to_wkb())
    every_entry_read_alone_fails(monkeypatch)
    pipeline.run_sources(seeds, cache=True)
    assert drawn == [], "the blocks were written again"


def test_a_source_added_changes_the_block_it_joins_and_no_other():
    sources = [f"s{index:03d}" for index in range(300) for _ in range(3)]  # three claims each
    grown = sorted(sources + ["s150a"] * 2)
    before = [sources[start:end] for start, end in shape_cache.row_block_spans(sources)]
    after = [grown[start:end] for start, end in shape_cache.row_block_spans(grown)]
    assert len(before) > 5 and all(block[0] != previous[-1] for previous, block in zip(before, before[1:]))
    gone = [block for block in before if block not in after]
    new = [block for block in after if block not in before]
    assert len(gone) == 1, "one block changed"
    assert sorted(source for block in new for source in block) == sorted(gone[0] + ["s150a"] * 2)


def test_a_block_none_of_whose_rows_is_of_use_serves_nothing_and_the_others_still_serve(tmp_path):
    """A rebuild in which every claim of a block changed (a reference layer given, the rules changed) finds the
    block and takes none of its rows; the block after it still serves its claim."""
    from geomap.schema import CLAIM_GEOMETRIES

    cache = shape_cache.ShapeCache(tmp_path / "cache", "test", 10_000_000)
    sources = [f"s{index:03d}" for index in range(300)]  # one claim each
    spans = shape_cache.row_block_spans(sources)
    assert len(spans) >= 2
    empty_row = [None] * len(CLAIM_GEOMETRIES.columns) + [None]
    for start, _ in spans[:2]:
        block = shape_cache.encode_rows([f"key of {sources[start]}"], [shape_cache.NOTHING_ASKED], [[]], [empty_row])
        cache.put(cache.key(f"row block\0{sources[start]}"), shape_cache.row_block_bytes(block))
    cache.flush()
    blocks = shape_cache.RowBlocks(cache, sources)
    keys = [f"another key of {source}" for source in sources]
    keys[spans[1][0]] = f"key of {sources[spans[1][0]]}"  # the second block's first claim is unchanged
    positions, rows = blocks.served(keys, shape_cache.Answers(None))
    assert positions == [spans[1][0]] and rows.num_rows == 1
    assert rows.column("key").to_pylist() == [f"key of {sources[spans[1][0]]}"]
