"""Benchmark of the geometry stage alone: milliseconds per claim on the seeds and on a synthetic corpus.

The text stages (geoparser, claims and, where this version of geomap has them,
place statuses) run once, untimed; then the geometry stage
(:func:`geomap.geometry.claim_geometries`, given those statuses) runs
``--repeat`` times on the same claims, each
time with a fresh per-run workspace, as ``geomap build`` would. The figure is
the median time divided by the number of claims, as wall-clock time and as this
process's CPU time (on a machine shared with other work the wall clock mostly
measures the others: the CPU figure is the one to compare, next to ``uptime``).

With ``--rebuild J`` it then runs the stage as ``geomap build -j J`` does
(worker processes, the geometry cache in a temporary folder) on the synthetic
claims, twice: with an empty cache (every claim drawn and kept) and again with
every shape cached (a rebuild), with the envelopes each time; it prints the wall
clock, this process's CPU and the workers' CPU of each.

Usage::

    python benchmarks/bench_geometry.py                    # seeds + 1000 synthetic articles
    python benchmarks/bench_geometry.py --articles 300 --repeat 5
    python benchmarks/bench_geometry.py --articles 1000 --repeat 1 --rebuild 2

Run it with another checkout's interpreter (its editable install) to compare
two versions on the same claims: the corpus comes from this folder's
``corpus.py`` and depends only on the seed and the bundled gazetteer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (benchmarks/corpus.py, next to this file)


def text_stages(sources):
    """The text stages' tables of ``sources`` (mentions, claims and, where geomap has them, place statuses)."""
    from geomap import pipeline, schema

    return tuple(pipeline.text_stages(schema.SOURCES.from_records(sources)))


def geometry_stage(tables):
    """The geometry stage as the pipeline runs it (with place statuses where geomap has them)."""
    from geomap.geometry import claim_geometries

    if len(tables) == 2:  # a geomap without place statuses
        return claim_geometries(tables[1])
    return claim_geometries(tables[1], statuses=tables[2])


def time_stage(tables, repeat: int) -> tuple[list[float], list[float]]:
    """(wall-clock seconds, CPU seconds) of each of ``repeat`` runs of the geometry stage."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        geometry_stage(tables)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def children_cpu(workers) -> float:
    """CPU seconds the worker processes have used so far (user + system, from /proc)."""
    total = 0.0
    for child in workers.children:
        try:
            with open(f"/proc/{child.pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def rebuild_times(tables, jobs: int) -> None:
    """The stage and the envelopes as a build with ``jobs`` workers runs them, with an empty cache, then a full one."""
    import tempfile

    from geomap import pipeline
    from geomap.geometry import claim_geometries, envelopes
    from geomap.geometry.shape_cache import ShapeCache

    claims, statuses = tables[1], tables[2]
    with tempfile.TemporaryDirectory() as folder, pipeline.Workers(jobs) as workers:
        workers.submit(int).result()  # forks the workers before the clock starts
        for label in ("empty cache", "every shape cached"):
            cache = ShapeCache(Path(folder) / "articles", "bench", 10**10)
            started, started_cpu, started_workers = time.perf_counter(), time.process_time(), children_cpu(workers)
            frame = claim_geometries(claims, statuses=statuses, cache=cache,
                                     draw=pipeline.claim_drawer(workers, jobs, statuses))
            stage = time.perf_counter() - started
            envelopes(frame, pipeline.envelope_uniter(workers), cache)
            total = time.perf_counter() - started
            here, there = time.process_time() - started_cpu, children_cpu(workers) - started_workers
            print(f"  -j {jobs} {label:19} stage {stage:7.1f} s wall, with envelopes {total:7.1f} s wall, "
                  f"{here:6.1f} s CPU here, {there:6.1f} s CPU in the workers "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)


def seed_sources():
    from geomap.cli import seeds_dir
    from geomap.sources import read_sources

    return read_sources([seeds_dir()]).sources


def synthetic_sources(n_articles: int, seed: int):
    from datetime import date

    from geomap.records import Source

    return [Source(id=a["id"], text=a["text"], published=date.fromisoformat(a["published"]), outlet=a["outlet"],
                   title=a["title"]) for a in corpus.synthesise(n_articles, seed)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="synthetic articles (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per corpus (default 3)")
    parser.add_argument("--rebuild", type=int, metavar="J", help="also time a build's stage with J workers, fresh "
                        "and with every shape cached")
    args = parser.parse_args(argv)
    import geomap
    from geomap.geometry import claim_geometries  # noqa: F401  (loads geopandas before timing)
    from geomap.gazetteer import load_gazetteer, load_regions

    load_gazetteer(), load_regions()
    print(f"geomap {geomap.__file__}")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'corpus':24} {'claims':>7} {'mapped':>7} {'median s':>9} {'ms/claim':>9} {'cpu s':>7} "
          f"{'cpu ms/claim':>13}")
    for label, sources in (("seeds", seed_sources()),
                           (f"synthetic {args.articles}", synthetic_sources(args.articles, args.seed))):
        tables = text_stages(sources)
        claims = tables[1]
        frame = geometry_stage(tables)  # warm-up: loads the border lines and caches
        wall, cpu = time_stage(tables, args.repeat)
        median, median_cpu = statistics.median(wall), statistics.median(cpu)
        mapped = int((frame["status"] == "mapped").sum())
        per_claim = 1000 / max(1, len(claims))
        print(f"{label:24} {len(claims):>7} {mapped:>7} {median:>9.3f} {median * per_claim:>9.2f} {median_cpu:>7.3f} "
              f"{median_cpu * per_claim:>13.2f}")
        if args.rebuild and label != "seeds":
            rebuild_times(tables, args.rebuild)
    return 0


if __name__ == "__main__":
    sys.exit(main())
