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
here (``bench_write.py``, the map's and figures' benchmarks), unless ``--whole``.

With ``--whole``, a whole ``geomap -v build -j J`` is timed instead, the outputs and all: the built corpus is built
once per checkout (outputs and caches), and each rebuild writes the grown corpus into a copy of those outputs with
a copy of those caches, as a user's rebuild does. It prints a timeline: at each of the build's log lines the wall
time and the CPU of the process that logged it (the build's own, or the process forked for the map), then each
task the worker processes ran (the text stages of a chunk, a part of the claims drawn, a window's envelope, the
processes forked for the map and the figures) with its CPU, and the CPU of the build's process and of all the
others. On a loaded machine the CPU columns are the ones to compare.

Usage::

    python benchmarks/corpus.py 3000 /tmp/c3k.jsonl && python benchmarks/corpus.py 3010 /tmp/c3010.jsonl
    python benchmarks/bench_rebuild.py /tmp/c3k.jsonl /tmp/c3010.jsonl --jobs 2 --repeat 2
    python benchmarks/bench_rebuild.py /tmp/c3k.jsonl /tmp/c3010.jsonl --checkout /tmp/other-checkout
    python benchmarks/bench_rebuild.py /tmp/c3k.jsonl /tmp/c3010.jsonl --whole

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


# A whole build in each checkout's process: the CLI, with each log line stamped (wall, CPU of the process that
# logged it) and each task given to a worker wrapped so that the worker says what it ran and its CPU (the wrapper
# is this script's, found by the forked workers in the copy of it they start with).
WHOLE_CHILD = r"""
import logging, os, resource, sys, time
start_wall, start_cpu = time.perf_counter(), time.process_time()

class Stamp(logging.Handler):
    def emit(self, record):
        sys.stderr.write(f"LINE {time.perf_counter() - start_wall:8.2f} {time.process_time() - start_cpu:8.2f} "
                         f"{os.getpid()} {record.getMessage()[:110]}\n")

def labelled(function, *args):
    cpu = time.process_time()
    try:
        return function(*args)
    finally:
        name = getattr(function, "__name__", "?")
        name = "forked process" if name == "_forked_call" else name
        sys.stderr.write(f"TASK {name} {time.process_time() - cpu:.2f}\n")

from geomap import workers
submit = workers.Workers._submit
workers.Workers._submit = lambda self, executor, function, args: (
    submit(self, executor, function, args) if executor is None else
    submit(self, executor, labelled, (function, *args)))
from geomap.cli import main
logging.getLogger("geomap").addHandler(Stamp())
main(["-v", "build", "-j", sys.argv[2], sys.argv[1], "-o", sys.argv[3]], standalone_mode=False)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write(f"END {time.perf_counter() - start_wall:.2f} {time.process_time() - start_cpu:.2f} "
                 f"{children.ru_utime + children.ru_stime:.2f} {os.getloadavg()[0]:.1f}\n")
"""


def run_whole(checkout: Path, corpus: str, cache: Path, jobs: int, out: Path) -> list[str]:
    """The lines of :data:`WHOLE_CHILD`'s timeline of ``geomap build`` of ``corpus`` into ``out`` by ``checkout``."""
    done = run_child(checkout, cache, "the build", WHOLE_CHILD, corpus, str(jobs), str(out))
    return [line for line in done.stderr.splitlines() if line.startswith(("LINE ", "TASK ", "END "))]


def timeline(label: str, lines: list[str]) -> str:
    """The report of one whole build: its log lines, then the workers' tasks summed by name, then the totals."""
    report = [label]
    pids: dict[str, str] = {}
    tasks: dict[str, list[float]] = {}
    for line in lines:
        kind, _, rest = line.partition(" ")
        if kind == "LINE":
            wall, cpu, pid, message = rest.split(maxsplit=3)
            process = pids.setdefault(pid, "build" if not pids else f"forked {len(pids)}")
            report.append(f"  {float(wall):8.2f} s  {float(cpu):7.2f} s CPU ({process:8})  {message}")
        elif kind == "TASK":
            name, cpu = rest.rsplit(" ", 1)
            tasks.setdefault(name, []).append(float(cpu))
        else:
            wall, cpu, others, load = rest.split()
            for name, cpus in tasks.items():
                report.append(f"  workers: {name:16} {len(cpus):4} tasks  {sum(cpus):7.2f} s CPU")
            report.append(f"  whole: {wall} s wall, {cpu} s CPU here, {others} s CPU in other processes (load {load})")
    return "\n".join(report)


def run_stages(checkout: Path, corpus: str, cache: Path, jobs: int) -> dict:
    """The figures of :data:`CHILD` run by ``checkout``'s code on ``corpus`` with the cache folder ``cache``."""
    done = run_child(checkout, cache, "the stages", CHILD, corpus, str(jobs))
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_child(checkout: Path, cache: Path, what: str, script: str, *args: str) -> subprocess.CompletedProcess:
    """``script`` run with ``args`` by ``checkout``'s code with the cache folder ``cache`` (``what`` it runs, for
    the message when it fails)."""
    env = {**os.environ, "GEOMAP_CACHE": str(cache), "PYTHONPATH": str(checkout)}
    env.pop("GEOMAP_ARTICLE_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: {what} failed:\n{done.stderr[-2000:]}")
    return done


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
    parser.add_argument("--whole", action="store_true", help="time whole builds, outputs and all (see above)")
    args = parser.parse_args()
    checkouts = [HERE, *(path.resolve() for path in args.checkout)]
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-rebuild-"))
    try:
        if args.whole:
            whole(checkouts, args, work)
            return
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


def whole(checkouts: list[Path], args: argparse.Namespace, work: Path) -> None:
    """``--whole``: each checkout builds ``args.built`` once, then rebuilds ``args.grown`` into copies of its outputs
    and caches, the checkouts taking turns."""
    for index, checkout in enumerate(checkouts):
        primed, out = work / f"primed-{index}", work / f"out-{index}"
        for folder in (primed, out):
            shutil.rmtree(folder, ignore_errors=True)
        print(timeline(f"build  {checkout.name}", run_whole(checkout, args.built, primed, args.jobs, out)), flush=True)
    for attempt in range(args.repeat):
        for index, checkout in enumerate(checkouts):
            cache, out = work / f"rebuild-{index}", work / f"rebuilt-{index}"
            for folder in (cache, out):
                shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(work / f"primed-{index}", cache)
            shutil.copytree(work / f"out-{index}", out)
            lines = run_whole(checkout, args.grown, cache, args.jobs, out)
            print(timeline(f"rebuild {checkout.name} #{attempt + 1}", lines), flush=True)


if __name__ == "__main__":
    main()
