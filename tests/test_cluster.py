"""`geomap build --scheduler`: the text stages on a Dask cluster (here a LocalCluster of two worker processes)
write the bytes of a local build; a scheduler that does not answer is one clear error and nothing is written."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from geomap.pipeline import CHUNK_SOURCES
from geomap.sources import read_sources

distributed = pytest.importorskip("distributed", reason="Dask is an optional extra (geomap[dask])")

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GEOMAP = str(Path(sys.executable).with_name("geomap"))
COPIES = 14  # 70 articles: two chunks of the text stages, one for each worker


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds COPIES times over under new ids, as a JSON Lines corpus of more than one chunk."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    seeds = read_sources([str(SEEDS)]).sources
    lines = []
    for copy in range(COPIES):
        for seed in seeds:
            lines.append(json.dumps({"id": f"{seed.id}-{copy}", "text": seed.text, "title": seed.title,
                                     "published": seed.published.isoformat() if seed.published else None}))
    assert len(lines) > CHUNK_SOURCES, "one chunk would leave a worker idle"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


def geomap(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GEOMAP_CACHE": str(cache)}
    env.pop("GEOMAP_SCHEDULER", None)
    return subprocess.run([GEOMAP, *args], capture_output=True, text=True, timeout=900, env=env, check=False)


EVERY_FORMAT = ("--format", "csv", "--format", "geojson", "--format", "jsonl")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_on_a_cluster_writes_the_bytes_of_a_local_build(corpus, cluster, tmp_path):
    on_cluster = geomap("build", str(corpus), "-o", str(tmp_path / "cluster"), "--no-figures", "--no-cache",
                        *EVERY_FORMAT, "--scheduler", cluster.scheduler_address, cache=tmp_path / "cache")
    assert on_cluster.returncode == 0, on_cluster.stderr
    local = geomap("build", str(corpus), "-o", str(tmp_path / "local"), "--no-figures", "--no-cache",
                   *EVERY_FORMAT, cache=tmp_path / "cache")
    assert local.returncode == 0, local.stderr
    made, expected = files(tmp_path / "cluster"), files(tmp_path / "local")
    assert list(made) == list(expected) and "claims.jsonl" in made
    assert [name for name in made if made[name] != expected[name]] == []
    assert made["claims.jsonl"].count(b"\n") >= COPIES, "the corpus has claims"

    with distributed.Client(cluster, set_as_default=False) as client:
        loaded = client.run(lambda: "geoparser" in __import__("geomap.resources").resources.shared().__dict__)
    assert any(loaded.values()), f"no worker of the cluster ran the geoparser: {loaded}"


def test_a_scheduler_that_does_not_answer_is_a_clear_error_and_nothing_is_written(tmp_path):
    with socket.socket() as silent:  # accepts connections and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        done = geomap("build", str(SEEDS), "-o", str(tmp_path / "out"), cache=tmp_path / "cache",
                      *["--scheduler", address])
    assert done.returncode != 0
    message = done.stderr.strip().splitlines()
    assert len(message) == 1 and address in message[0] and "did not answer within 10 s" in message[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
