"""The pool of workers of a run: the same results as this process, and failures reported, not lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geomap import pipeline, schema
from geomap.errors import GeomapError
from geomap.sources import read_sources
from geomap.workers import Workers

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds():
    return schema.SOURCES.from_records(read_sources([str(REPO / "seeds")]).sources)


def test_text_stages_in_workers_give_the_tables_of_this_process(seeds, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_SOURCES", 2)  # three chunks, two at a time
    here_mentions, here_claims = pipeline.text_stages_of(seeds)
    with Workers(2) as workers:
        mentions, claims = pipeline.text_stages_of(seeds, workers, jobs=2)
    assert mentions.equals(here_mentions) and claims.equals(here_claims)
    assert len(mentions) > 100 and len(claims) > 10
    schema.MENTIONS.check(mentions, "test")
    schema.CLAIMS.check(claims, "test")


def fail(*args):
    raise ValueError("no such stage")


def test_an_error_in_a_worker_is_raised_here(seeds):
    with Workers(2) as workers:
        future = workers.submit(fail, seeds)
        with pytest.raises(ValueError, match="no such stage"):
            future.result()


def test_a_worker_that_dies_is_one_clear_error():
    with pytest.raises(GeomapError, match="a worker process ended unexpectedly"):
        with Workers(2) as workers:
            pipeline.result_of(workers.submit(os._exit, 3), "the text stages")


def test_build_reports_a_failure_of_the_stages_in_one_line(tmp_path):
    # A build whose text stages fail: one error line naming the reason, no traceback, nothing written.
    code = ("import sys; from geomap import pipeline\n"
            "def broken(sources): raise RuntimeError('stages broke')\n"
            "pipeline.text_stages = broken\n"
            "from geomap.cli import main\n"
            f"sys.argv = ['geomap', 'build', '-o', {str(tmp_path / 'out')!r}]\n"
            "main()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "stages broke" in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()
