"""Writing alone: the time, peak memory and output sizes of :func:`geomap.pipeline.write` on one run's tables.

The stages of a large corpus take minutes; writing is measured on their tables, kept in a pickle so that
variants of the writers can be compared on the same tables (run from each checkout, alternating)::

    python benchmarks/corpus.py 1000 /tmp/c1k.jsonl
    python benchmarks/bench_write.py /tmp/c1k.jsonl --save /tmp/r1k.pickle -o /tmp/out   # stages once, then write
    python benchmarks/bench_write.py --load /tmp/r1k.pickle -o /tmp/out                  # write only
    python benchmarks/bench_write.py --load /tmp/r1k.pickle -o /tmp/out --format csv --format geojson

It writes what ``geomap build`` writes but the map, the fragment and the figures (their writers are measured by
benchmarks/bench_map_load.py and bench_phases.py; ``--all`` writes the map and fragment too), and prints the
wall time (the figures with ``--figures``; ``-v`` logs each output's time), this process's RSS before writing and its peak while writing (sampled every 0.1 s), the load, and
each file's size. The load changes the time, not the memory or the sizes: note it next to the figures.
"""

from __future__ import annotations

import argparse
import logging
import os
import pickle
import sys
import threading
import time
from pathlib import Path

SAMPLE_SECONDS = 0.1


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakMemory(threading.Thread):
    """The highest RSS of this process since it started."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = rss_mb()

    def run(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mb())
            time.sleep(SAMPLE_SECONDS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", help="a corpus to run the stages of (else --load)")
    parser.add_argument("--load", help="a pickle of the run's Results (see --save)")
    parser.add_argument("--save", help="pickle the run's Results here after the stages")
    parser.add_argument("-o", "--output", required=True, help="the output folder")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--format", action="append", default=[], help="csv, geojson, jsonl, parquet (repeatable)")
    parser.add_argument("--all", action="store_true", help="write the map and the fragment too")
    parser.add_argument("--figures", action="store_true", help="and the figures, on a pool of --jobs processes")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each output's time (as geomap -v)")
    args = parser.parse_args()
    if bool(args.corpus) == bool(args.load):
        parser.error("give a corpus or --load, one of them")

    from geomap import pipeline
    from geomap.cli import COPY_FORMATS
    from geomap.workers import Workers

    if args.load:
        with open(args.load, "rb") as handle:
            results = pickle.load(handle)
    else:
        results = pipeline.run([args.corpus], jobs=args.jobs, cache=False)
        if args.save:
            with open(args.save, "wb") as handle:
                pickle.dump(results, handle, protocol=pickle.HIGHEST_PROTOCOL)
    if args.verbose:
        logging.basicConfig(format="geomap: %(message)s")
        logging.getLogger("geomap").setLevel(logging.INFO)
    options = pipeline.OutputOptions(
        map=args.all, fragment=args.all, figures=args.figures, **{name: name in args.format for name in COPY_FORMATS}
    )
    workers = Workers(args.jobs) if args.figures else None
    before = rss_mb()
    memory = PeakMemory()
    memory.start()
    started = time.perf_counter()
    pipeline.write(results, args.output, options, workers)
    seconds = time.perf_counter() - started
    if workers is not None:
        workers.stop()
    time.sleep(2 * SAMPLE_SECONDS)
    out = Path(args.output)
    files = sorted((p for p in out.rglob("*") if p.is_file()), key=lambda p: (-p.stat().st_size, p.name))
    total = sum(p.stat().st_size for p in files)
    print(
        f"write {seconds:.1f} s, RSS {before:.0f} MB before, peak {memory.peak:.0f} MB (+{memory.peak - before:.0f}), "
        f"outputs {total / 1e6:.1f} MB, load {os.getloadavg()[0]:.1f}"
    )
    for path in files:
        print(f"  {path.stat().st_size / 1e6:9.2f} MB  {path.relative_to(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
