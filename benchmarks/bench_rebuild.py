"""Benchmark of a rebuild's stages: text, geometry, envelopes and the other summaries, basemap, after a corpus grew.

A built corpus (``BUILT``, JSON Lines) grows into ``GROWN`` (the same articles and a few more); ``geomap build``
of the grown corpus reads only the new articles and draws only the claims whose inputs changed (the article and
geometry caches). This script primes a cache folder per checkout once (the stages of ``BUILT`` with the caches on,
as a build runs them with ``-j J``), then times the stages of ``GROWN`` on a fresh copy of that folder each
repeat, the checkouts interleaved so that they share the machine's load. Each run is a new process
(``python -c`` with the checkout first on ``sys.path``), so every checkout runs its own code on its own cache.

Per phase it prints wall time and this process's CPU (the workers' CPU for the whole run apart): on a machine
shared with other work the wall clock mostly measures the others, so compare CPU, and note the load (printed).
The phases end at the pipeline's own log lines ("text stages: ...", "geometry: ..."); "summaries" is the rest of
the run (envelopes, spread, checks), "basemap" :func:`geomap.pipeline.basemap`. Writing the outputs is not timed
here (``bench_write.py``, the map's and figures' benchmarks).

Usage::

    python benchmarks/corpus.py 3000 /tmp/c3k.jsonl && python benchmarks/corpus.py 3010 /tmp/c3010.jsonl
    python benchmarks/bench_rebuild.py /tmp/c3k.jsonl /tmp/c3010.jsonl --jobs 2 --repeat 2
    python benchmarks/bench_rebuild.py /tmp/c3k.jsonl /tmp/c3010.jsonl --checkout /tmp/other-checkout

The cache folders are under ``--work`` (a temporary folder by default, removed at the end).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
PHASES = ("text", "geometry", "summaries", "basemap")

# Run in each checkout's process: the stages of one corpus with the caches on, the clocks read at the end of
# each phase (the pipeline's log lines), the figures printed as one JSON line.
CHILD = r"""
import json, logging, os, resource, sys, time
from geomap import pipeline
from geomap.sources import read_sources
from geomap.workers import Workers

corpus, jobs = sys.argv[1], int(sys.argv[2])
marks = []
class Marks(logging.Handler):
    def emit(self, record):
        text = record.getMessage()
        for phase in ("text stages:", "geometry:"):
            if text.startswith(phase):
                marks.append((time.perf_counter(), time.process_time()))
log = logging.getLogger("geomap")
log.setLevel(logging.INFO)
log.addHandler(Marks())
read = read_sources([corpus])
start = (time.perf_counter(), time.process_time())
with Workers(jobs) as workers:
    results = pipeline.run_sources(read.sources, read.problems, jobs=jobs, workers=workers, cache=True)
    ran = (time.perf_counter(), time.process_time())
    pipeline.basemap(results)
    done = (time.perf_counter(), time.process_time())
children = resource.getrusage(resource.RUSAGE_CHILDREN)
clocks = [start, *marks[:2], ran, done]
print(json.dumps({
    "phases": [[b[0] - a[0], b[1] - a[1]] for a, b in zip(clocks, clocks[1:])],
    "workers_cpu": children.ru_utime + children.ru_stime,
    "from_cache": results.from_cache, "claims": len(results.claims), "load": os.getloadavg()[0],
}))
"""


def run_stages(checkout: Path, corpus: str, cache: Path, jobs: int) -> dict:
    """The figures of :data:`CHILD` run by ``checkout``'s code on ``corpus`` with the cache folder ``cache``."""
    env = {**os.environ, "GEOMAP_CACHE": str(cache), "PYTHONPATH": str(checkout)}
    env.pop("GEOMAP_ARTICLE_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, corpus, str(jobs)],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: the stages failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def row(label: str, figures: dict) -> str:
    phases = "  ".join(
        f"{name} {wall:6.1f} s / {cpu:5.1f} s CPU" for name, (wall, cpu) in zip(PHASES, figures["phases"])
    )
    return (
        f"{label:28} {phases}  workers {figures['workers_cpu']:5.1f} s CPU  "
        f"({figures['from_cache']} cached articles, load {figures['load']:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("built", help="the corpus built first (JSON Lines)")
    parser.add_argument("grown", help="the same corpus with a few articles more")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes, as geomap build -j (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="rebuilds per checkout (default 1)")
    parser.add_argument(
        "--checkout",
        action="append",
        default=[],
        type=Path,
        help="another checkout to compare (repeatable); this one is always measured",
    )
    parser.add_argument("--work", type=Path, help="folder for the caches (default: a temporary one, removed)")
    args = parser.parse_args()
    checkouts = [HERE, *(path.resolve() for path in args.checkout)]
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-rebuild-"))
    try:
        for index, checkout in enumerate(checkouts):
            primed = work / f"primed-{index}"
            shutil.rmtree(primed, ignore_errors=True)
            print(row(f"build  {checkout.name}", run_stages(checkout, args.built, primed, args.jobs)), flush=True)
        for attempt in range(args.repeat):
            for index, checkout in enumerate(checkouts):
                cache = work / f"rebuild-{index}"
                shutil.rmtree(cache, ignore_errors=True)
                shutil.copytree(work / f"primed-{index}", cache)
                figures = run_stages(checkout, args.grown, cache, args.jobs)
                print(row(f"rebuild {checkout.name} #{attempt + 1}", figures), flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
