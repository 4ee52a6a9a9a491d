"""Where a build's memory and time go, phase by phase: text stages, geometry, the rest of the run, writing.

Runs :func:`geomap.pipeline.run_sources` (and, with ``-o``, :func:`geomap.pipeline.write`) in this
process on a corpus, with a pool of ``--jobs`` workers as ``geomap build --no-cache -j J`` has, and
samples memory every 0.2 s:

- ``main MB``: the RSS of this process (the one that collects every stage table);
- ``pool MB``: the sum of the other workers' PSS (pages shared after the fork counted once): the pool's, and
  while writing the map's own process (its phase is this process's ``write``, the map being made there);
- ``figures MB``: the PSS of the figures' process;
- ``tree MB``: the sum of every process's PSS at one moment (this one's too): the build's memory.

Writing is cut into the basemap, the figures' tables and the layers' files (and the map, folium and its HTML,
where it is made in this process: ``geomap build`` makes it in a process of its own while the layers are written).

For each phase it prints its wall time and the peak of both; then each table of the run with its rows
and the memory it holds (every distinct object counted once, as the process really holds them; shapes
as their coordinates), and the text stages' rate in MB of text per second of wall.

The machine's load changes the times, not the memory: note ``uptime`` (printed) next to the figures.

Usage::

    python benchmarks/corpus.py 1000 /tmp/c1k.jsonl
    python benchmarks/bench_phases.py /tmp/c1k.jsonl -j 2               # the run's stages only
    python benchmarks/bench_phases.py /tmp/c1k.jsonl -j 2 -o /tmp/out   # and writing the outputs
    python benchmarks/bench_phases.py /tmp/c1k.jsonl -j 2 --save /tmp/r1k.pickle  # keep the run's tables
    python benchmarks/bench_phases.py --load /tmp/r1k.pickle -j 2 -o /tmp/out     # writing alone, on them

Writing alone (``--load``) starts from tables unpickled in one piece, not collected chunk by chunk: its memory
is close to a build's, not equal; compare variants on the same pickle, and quote a build's for the record.
"""

from __future__ import annotations

import argparse
import functools
import os
import pickle
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import _pss_kb, _tree  # noqa: E402  (benchmarks/bench_scale.py, next to this file)

SAMPLE_SECONDS = 0.2


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class PhaseMemory(threading.Thread):
    """Samples this process's RSS and its children's PSS; keeps the peaks of the phase under way."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.phase, self.started = "", time.perf_counter()
        # phase -> [seconds, peak main MB, peak pool MB, peak figures MB, peak tree MB]
        self.peaks: dict[str, list[float]] = {}
        self.figures_pids: set[int] = set()  # the figures' process (the other children are the pool's)

    def run(self) -> None:
        me = os.getpid()
        while True:
            phase = self.phase  # as the sample begins: reading a large process's smaps takes a while
            main = rss_mb(me)
            pool = figures = 0.0
            for pid in _tree(me):
                if pid != me:
                    pss = _pss_kb(pid) / 1024
                    if pid in self.figures_pids:
                        figures += pss
                    else:
                        pool += pss
            tree = _pss_kb(me) / 1024 + pool + figures
            peak = self.peaks.setdefault(phase, [0.0] * 5)
            for index, value in enumerate((main, pool, figures, tree), 1):
                peak[index] = max(peak[index], value)
            time.sleep(SAMPLE_SECONDS)

    def during(self, module: object, name: str, phase: str) -> None:
        """Count the calls of ``module.name`` as ``phase`` (what follows until the next phase is ``after phase``)."""
        function = getattr(module, name)

        @functools.wraps(function)
        def counted(*args, **kwargs):
            self.begin(phase)
            try:
                return function(*args, **kwargs)
            finally:
                self.begin(f"after {phase}")

        setattr(module, name, counted)

    def begin(self, phase: str) -> None:
        now = time.perf_counter()
        if self.phase in self.peaks:
            self.peaks[self.phase][0] += now - self.started
        self.phase, self.started = phase, now
        self.peaks.setdefault(phase, [0.0, rss_mb(os.getpid()), 0.0, 0.0, 0.0])


def held_mb(frame) -> dict[str, float]:
    """The memory each column of a table holds (MB): its array, every distinct Python object in it once (across
    the whole table), a shape as its coordinates."""
    import shapely

    seen: set[int] = set()

    def size(value) -> int:
        if id(value) in seen:
            return 0
        seen.add(id(value))
        total = sys.getsizeof(value)
        if isinstance(value, dict):
            total += sum(size(key) + size(item) for key, item in value.items())
        elif isinstance(value, (list, tuple)):
            total += sum(size(item) for item in value)
        return total

    columns = {}
    for name in frame.columns:
        column = frame[name]
        if str(column.dtype) == "geometry":
            held = int(shapely.get_num_coordinates(column.values).sum()) * 16 + 100 * len(column)
        elif column.dtype == object:
            held = column.values.nbytes + sum(size(value) for value in column.values)
        else:
            held = int(column.memory_usage(index=False))
        columns[name] = held / 1e6
    return columns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", help="a JSON Lines corpus (benchmarks/corpus.py); else --load")
    parser.add_argument("--columns", type=int, default=5, help="the largest columns of each table to print (MB)")
    parser.add_argument("--save", help="pickle the run's Results here after the stages")
    parser.add_argument("--load", help="write the Results pickled here (--save) instead of running the stages")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("-o", "--output", help="also write the outputs into this folder")
    args = parser.parse_args()

    import geomap.export
    import geomap.geometry
    from geomap import pipeline
    from geomap.sources import read_sources

    print("load:", os.getloadavg())
    memory = PhaseMemory()
    memory.begin("read")
    memory.start()
    if args.load:
        with open(args.load, "rb") as handle:
            loaded = pickle.load(handle)
    else:
        source_set = read_sources([args.corpus])
        text_mb = sum(len(source.text.encode("utf-8")) for source in source_set.sources) / 1e6
    memory.during(pipeline, "collect_text_stages", "text")
    memory.during(geomap.geometry, "claim_geometries", "geometry")
    memory.during(pipeline, "basemap", "basemap")
    memory.during(pipeline, "build_map", "map")
    memory.during(pipeline, "figure_tables", "figure tables")
    memory.during(geomap.export, "write_layer_files", "layers")
    with pipeline.Workers(args.jobs) as workers:
        submit_figures = workers.submit_figures

        def noting_figures(*args):
            future = submit_figures(*args)
            memory.figures_pids.update(getattr(workers.figures_executor, "_processes", None) or ())
            return future

        workers.submit_figures = noting_figures  # type: ignore[method-assign]
        if args.load:
            results = loaded
        else:
            memory.begin("load geometry data")
            results = pipeline.run_sources(
                source_set.sources, jobs=args.jobs, workers=workers, figures=bool(args.output), cache=False
            )
        if args.save:
            memory.begin("save")
            with open(args.save, "wb") as handle:
                pickle.dump(results, handle, protocol=5)
        if args.output:
            memory.begin("write")
            pipeline.write(results, args.output, pipeline.OutputOptions(), workers)
        memory.begin("end")
    time.sleep(2 * SAMPLE_SECONDS)
    print("load:", os.getloadavg())
    print(f"{'phase':<22} {'s':>7} {'main MB':>8} {'pool MB':>8} {'figures MB':>10} {'tree MB':>8}")
    for phase, (seconds, main, pool, figures, tree) in memory.peaks.items():
        if phase != "end":
            print(f"{phase:<22} {seconds:>7.1f} {main:>8.0f} {pool:>8.0f} {figures:>10.0f} {tree:>8.0f}")
    peak = max(memory.peaks.items(), key=lambda item: item[1][4])
    print(f"peak: tree {peak[1][4]:.0f} MB in {peak[0]}; main {max(p[1] for p in memory.peaks.values()):.0f} MB")
    # The kernel's peak RSS of this process and of the largest of its ended children (a forked process's RSS
    # counts the pages it shares with this one): `geomap build`'s "max proc MB" in bench_scale.py.
    largest = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"largest process RSS {largest / 1024:.0f} MB")
    if not args.load:
        text_s = memory.peaks["text"][0]
        print(f"text stages: {text_mb:.2f} MB of text in {text_s:.1f} s = {text_mb / text_s:.3f} MB/s (-j {args.jobs})")
    for name in ("sources", "mentions", "claims", "place_status", "claim_geoms", "envelopes", "spread", "checks"):
        frame = getattr(results, name)
        columns = held_mb(frame)
        largest = sorted(columns.items(), key=lambda item: -item[1])[: args.columns]
        print(f"  {name:<13} {len(frame):>8} rows {sum(columns.values()):>8.1f} MB", end="")
        print("  (" + ", ".join(f"{column} {mb:.0f}" for column, mb in largest) + ")" if largest else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
