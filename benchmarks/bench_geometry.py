"""Benchmark of the geometry stage alone: milliseconds per claim on the seeds and on a synthetic corpus.

The text stages (geoparser, claims and, where this version of geomap has them,
place statuses) run once, untimed; then the geometry stage
(:func:`geomap.geometry.claim_geometries`, given those statuses) runs
``--repeat`` times on the same claims, each
time with a fresh per-run workspace, as ``geomap build`` would. The figure is
the median time divided by the number of claims, as wall-clock time and as this
process's CPU time (on a machine shared with other work the wall clock mostly
measures the others: the CPU figure is the one to compare, next to ``uptime``).

Usage::

    python benchmarks/bench_geometry.py                    # seeds + 1000 synthetic articles
    python benchmarks/bench_geometry.py --articles 300 --repeat 5

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
