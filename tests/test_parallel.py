"""The text stages run ahead in a forked process: the same results, and failures reported, not lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geomap import parallel
from geomap.errors import GeomapError
from geomap.parallel import EarlyTextStages, geocode_and_extract
from geomap.sources import read_sources

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds():
    return read_sources([str(REPO / "seeds")]).sources


def test_results_are_those_of_this_process(seeds):
    early = EarlyTextStages.start(seeds)
    assert early is not None
    with early:
        mentions, claims = early.result()
    here_mentions, here_claims = geocode_and_extract(seeds)
    assert mentions == here_mentions and claims == here_claims
    assert len(mentions) > 100 and len(claims) > 10


def test_an_error_in_the_stages_is_raised_here_with_their_traceback(seeds, monkeypatch):
    def broken(sources, geoparser):
        raise ValueError("no such stage")

    monkeypatch.setattr(parallel, "_text_stages", broken)  # the forked child inherits the patch
    with EarlyTextStages.start(seeds) as early:
        with pytest.raises(ValueError, match="no such stage") as raised:
            early.result()
    assert any("in the text stages' process" in note and "broken" in note for note in raised.value.__notes__)


def test_a_process_that_dies_is_reported(seeds, monkeypatch):
    monkeypatch.setattr(parallel, "_text_stages", lambda sources, geoparser: os._exit(3))
    with EarlyTextStages.start(seeds) as early:
        with pytest.raises(GeomapError, match=r"ended unexpectedly \(exit code 3\)"):
            early.result()


def test_a_run_that_fails_first_ends_the_process(seeds):
    early = EarlyTextStages.start(seeds)
    process = early._process
    early.close()  # result() never asked for
    assert not process.is_alive()


def test_a_large_input_runs_its_stages_in_the_usual_way(seeds, monkeypatch):
    monkeypatch.setattr(parallel, "EARLY_MAX_CHARS", sum(len(s.text) for s in seeds) - 1)
    assert EarlyTextStages.start(seeds) is None


def test_build_reports_a_failure_of_the_stages_in_one_line(tmp_path):
    # A build whose text stages fail: one error line naming the reason, no traceback, nothing written.
    code = ("import sys; from geomap import parallel\n"
            "def broken(sources, geoparser): raise RuntimeError('stages broke')\n"
            "parallel._text_stages = broken\n"
            "from geomap.cli import main\n"
            f"sys.argv = ['geomap', 'build', '-o', {str(tmp_path / 'out')!r}]\n"
            "main()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "stages broke" in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()
