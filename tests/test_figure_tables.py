"""What the figures' process receives: only the part of the tables its windows' figures read, drawn into the same
files as from the whole tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap import pipeline
from geomap.figures import write_figures
from geomap.records import Source

KURSK = "In August 2024 Ukraine seized about 1,300 square kilometers of the Kursk region around Sudzha."
LATER = "By March 2025 Russia said it had retaken 86% of the territory Ukraine held in the Kursk region."


@pytest.fixture(scope="module")
def run():
    results = pipeline.run_sources(
        [Source(id="a", text=KURSK, published="2024-08-20"), Source(id="b", text=LATER, published="2025-03-14")]
    )
    return results, pipeline.basemap(results)


def whole_tables(results, base) -> dict:
    return {
        "claim_geoms": results.claim_geoms,
        "sources": results.source_summaries,
        "mentions": results.mentions,
        "envelopes": results.envelopes,
        "reference": results.reference,
        "places": base.places,
    }


def drawn(tables, folder: Path, windows: list[str]) -> dict[str, bytes]:
    written = write_figures(tables, folder, dpi=30, formats=("svg",), windows=windows, chart=True)
    return {path.name: path.read_bytes() for path in written}


def test_a_windows_figures_from_its_part_of_the_tables_are_the_whole_tables_figures(run, tmp_path):
    results, base = run
    windows = [str(window) for window in dict.fromkeys(results.claim_geoms["window"])]
    assert len(windows) == 2  # one window per article: each share below leaves the other window's shapes out
    for window in windows:
        part = pipeline.figure_tables(results, base, [window])
        whole = drawn(whole_tables(results, base), tmp_path / f"whole-{window}", [window])
        assert sorted(whole) == ["area_chart.svg", f"map_{window}.svg"]
        assert drawn(part, tmp_path / f"part-{window}", [window]) == whole


def test_the_part_holds_shapes_of_its_windows_only_and_no_sentences(run):
    results, base = run
    window = str(results.claim_geoms["window"].iloc[0])
    part = pipeline.figure_tables(results, base, [window])
    claims = part["claim_geoms"]
    assert len(claims) == len(results.claim_geoms)  # every claim: the chart and the sources' colours read them all
    shaped = claims[claims.geometry.notna()]
    assert len(shaped) and set(shaped["window"]) == {window}
    assert set(part["envelopes"]["window"]) <= {window}
    assert "sentence" in results.mentions.columns and "sentence" not in part["mentions"].columns
    assert set(part["mentions"]["type"]) == {"place"}
