"""Where a build's outputs are made: the map of a large run in a process of its own, the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap import pipeline
from geomap.records import Source
from geomap.workers import Workers

KURSK = "In August 2024 Ukraine seized about 1,300 square kilometers of the Kursk region around Sudzha."
LATER = "By March 2025 Russia said it had retaken 86% of the territory Ukraine held in the Kursk region."
OPTIONS = pipeline.OutputOptions(figures=False, geopackage=False)


@pytest.fixture(scope="module")
def results():
    return pipeline.run_sources(
        [Source(id="a", text=KURSK, published="2024-08-20"), Source(id="b", text=LATER, published="2025-03-14")]
    )


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_the_map_made_in_its_own_process_is_the_map_made_here(results, tmp_path, monkeypatch):
    forks = []
    with Workers(2) as workers:
        submit_forked = workers.submit_forked
        monkeypatch.setattr(workers, "submit_forked", lambda *args: forks.append(args[0]) or submit_forked(*args))
        pipeline.write(results, tmp_path / "here", OPTIONS, workers)
        assert not forks  # two claims: made here
        monkeypatch.setattr(pipeline, "FORKED_MAP_MIN_CLAIMS", 0)
        pipeline.write(results, tmp_path / "forked", OPTIONS, workers)
    assert forks == [pipeline.write_map_files]
    here, forked = files(tmp_path / "here"), files(tmp_path / "forked")
    assert {"index.html", "map_fragment.html", "sources.json"} <= set(here)
    assert forked == here


def test_the_figures_drawn_in_a_forked_process_are_the_figures_drawn_in_the_figures_process(
    results, tmp_path, monkeypatch
):
    """A large run's busiest figures are drawn in a process forked at writing, which makes their tables itself
    (nothing pickled from this process): the same files as the figures' process draws from pickled tables."""
    options = pipeline.OutputOptions(map=False, fragment=False, geopackage=False, figure_formats=("svg",))
    forks = []
    with Workers(2) as workers:
        submit_forked = workers.submit_forked
        monkeypatch.setattr(workers, "submit_forked", lambda *args: forks.append(args[0]) or submit_forked(*args))
        pipeline.write(results, tmp_path / "here", options, workers)
        assert not forks  # two claims: drawn in the figures' process
        monkeypatch.setattr(pipeline, "FORKED_FIGURES_MIN_CLAIMS", 0)
        pipeline.write(results, tmp_path / "forked", options, workers)
    assert forks == [pipeline.draw_figures_of]
    here, forked = files(tmp_path / "here" / "figures"), files(tmp_path / "forked" / "figures")
    assert any(name.endswith(".svg") for name in here)
    assert forked == here
