"""Benchmark of geomap at corpus scale: geocode, claims and build on 1k / 3k / 10k synthetic articles.

For each size a deterministic corpus is synthesised (``benchmarks/corpus.py``,
JSON Lines, 1-6 KB per article) and each command runs as a new process of the
installed console script (the ``geomap`` next to ``sys.executable``), so
imports and data loading count as they do for a user:

- ``geomap geocode CORPUS``            (one process: the command has no ``--jobs``)
- ``geomap claims CORPUS --jobs J``    for each J of ``--jobs`` (default 1 and 2)
- ``geomap build CORPUS -o DIR --jobs J`` for each J of ``--build-jobs``, with an empty article cache
  of its own (``GEOMAP_ARTICLE_CACHE``), so that sizes sharing articles do not help each other;
- ``rebuild``: the same build after ``GROWTH`` (10) articles were added to the corpus, with the article
  cache the build left (only the new articles are read again), into a new folder; with
  ``--check-identical``, a clean build of the grown corpus (``--no-cache``) is compared byte for byte;
- ``dask``: ``geomap build --scheduler ADDRESS --no-cache`` on a ``LocalCluster`` of two single-threaded
  worker processes that this script starts (``--scheduler`` gives an existing cluster instead); its
  memory figures count the build's own processes, not the cluster's. With ``--check-identical`` its
  outputs are compared with the local build of the same size.

Figures per run: wall time, articles/s, corpus MB/s, peak memory and, for
builds, the size of the outputs (all files) and of index.html. A corpus is
synthesised when its first command runs: a size whose commands are all skipped
(100,000 articles take about an hour here) costs nothing but its rows. Memory is measured two ways, because a process
pool and the forked figure process make "the memory of a command" ambiguous:

- ``tree MB``: the largest sum over the process tree of each process's PSS
  (proportional set size, so pages shared after a fork are counted once),
  sampled from /proc every 0.5 s (a peak shorter than that can be missed);
- ``max proc MB``: ``ru_maxrss`` that ``wait4`` reports for the command, i.e.
  the peak RSS of its largest single process (the kernel takes the maximum over
  the process and its reaped descendants, never a sum).

Growth is called linear when the time per article at the largest size is
within ``LINEAR_FACTOR`` (1.5x) of the time per article at the smallest.

The commands keep within ``--max-minutes`` (default 25, synthesising the
corpora included): the text commands run on every size first,
smallest first, then the builds; a command whose linear extrapolation from a
smaller size would not fit in the time left is skipped (and reported as such),
and a command that overruns is killed (``--timeout`` caps any single command).

Usage::

    python benchmarks/bench_scale.py                       # 1000,10000,100000 within 25 minutes
    python benchmarks/bench_scale.py --sizes 200,600 --json
    python benchmarks/bench_scale.py --sizes 1000 --commands claims --jobs 1,2

Exit status 1 when a command fails or times out, or when growth is not linear
(skipped commands are reported, not failed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (benchmarks/corpus.py, next to this file)

DEFAULT_SIZES = (1000, 10000, 100000)  # the sizes issue 18 asks for: memory flat from 10k to 100k
COMMANDS = ("geocode", "claims", "build", "rebuild", "dask")
GROWTH = 10  # articles added to a built corpus for "rebuild"
LINEAR_FACTOR = 1.5
SAMPLE_SECONDS = 0.5  # reading smaps_rollup of a 10 GB process is not free: 0.1 s took a third of a core
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Run:
    """One command on one corpus."""

    command: str
    articles: int
    corpus_bytes: int
    jobs: int | None
    wall_s: float | None = None
    tree_mb: float | None = None  # peak sum of PSS over the process tree (sampled)
    max_process_mb: float | None = None  # peak RSS of the largest single process (wait4)
    exit_code: int | None = None
    timed_out: bool = False
    skipped: str = ""  # why the command did not run (the time budget)
    outputs: dict[str, int] = field(default_factory=dict)  # file name -> bytes

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out

    @property
    def label(self) -> str:
        return self.command if self.jobs is None else f"{self.command} -j{self.jobs}"

    def rates(self) -> dict[str, float | None]:
        if not self.ok or not self.wall_s:
            return {"articles_per_s": None, "mb_per_s": None, "ms_per_article": None}
        return {"articles_per_s": round(self.articles / self.wall_s, 1),
                "mb_per_s": round(self.corpus_bytes / 1e6 / self.wall_s, 3),
                "ms_per_article": round(1000 * self.wall_s / self.articles, 2)}

    def record(self) -> dict:
        return {**asdict(self), "label": self.label, **self.rates()}


def geomap_executable() -> str:
    """The console script installed next to this Python (else ``geomap`` on PATH)."""
    candidate = Path(sys.executable).with_name("geomap")
    return str(candidate) if candidate.exists() else "geomap"


# -- memory of a process tree -------------------------------------------------------------------

def _children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux 3.5+ lists them per thread under /proc/PID/task)."""
    children: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                children += [int(token) for token in handle.read().split()]
    except OSError:
        pass
    return children


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += _children_of(current)
    return found


def _pss_kb(pid: int) -> int:
    """Proportional set size of one process in kB (its RSS when smaps_rollup is unavailable)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_KB
    except OSError:
        return 0


class TreeMemorySampler(threading.Thread):
    """Polls the process tree under ``pid`` and keeps the largest summed PSS seen."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _tree(self.pid)))
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measure(argv: list[str], stdout_path: Path, timeout_s: float,
            env: dict[str, str] | None = None) -> tuple[float, int | None, float, float, bool]:
    """Run ``argv``; return (wall s, exit code, peak tree PSS MB, peak single-process RSS MB, timed out)."""
    killed = threading.Event()

    def kill(pid: int) -> None:
        killed.set()
        os.killpg(pid, signal.SIGKILL)  # the command's own session: it and its workers, nothing else

    with open(stdout_path, "wb") as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=stdout, stderr=stderr, start_new_session=True, env=env)
        sampler = TreeMemorySampler(process.pid)
        sampler.start()
        timer = threading.Timer(timeout_s, kill, args=(process.pid,))
        timer.start()
        # wait4 (not Popen.wait) gives this command's own rusage, whatever ran before it.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        stderr_text = stderr.read().decode("utf-8", "replace").strip()
    if process.returncode != 0 and stderr_text:
        print(f"bench_scale: {' '.join(argv[2:4])}: {stderr_text.splitlines()[-1]}", file=sys.stderr)
    return wall, process.returncode, sampler.peak_kb / 1024, usage.ru_maxrss / 1024, killed.is_set()


# -- the benchmark -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Corpus:
    """A synthetic corpus of ``size`` articles, written when a command first needs it."""

    size: int
    seed: int
    path: Path

    def written(self) -> int:
        """Write the corpus unless it is there; its size in bytes."""
        if not self.path.exists():
            self.path.write_bytes(corpus.to_jsonl(corpus.synthesise(self.size, self.seed)).encode("utf-8"))
        return self.path.stat().st_size


def corpus_of(size: int, seed: int, folder: Path) -> Corpus:
    return Corpus(size, seed, folder / f"corpus-{size}.jsonl")


@dataclass
class TimeBudget:
    """Wall time left for the whole benchmark, and the longest one command may take."""

    deadline: float  # time.perf_counter() value
    command_limit_s: float

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def estimate(self, run: Run, done: list[Run]) -> float | None:
        """Linear extrapolation from the largest smaller size run with the same options, else from
        the same command with other ``--jobs`` at up to this size (None when nothing comparable ran)."""
        same = [r for r in done if r.label == run.label and r.ok and r.articles < run.articles]
        similar = [r for r in done if r.command == run.command and r.ok and r.articles <= run.articles]
        basis = same or similar
        if not basis:
            return None
        largest = max(basis, key=lambda r: r.articles)
        return largest.wall_s * run.articles / largest.articles


@dataclass(frozen=True)
class Step:
    """One command to run on one corpus."""

    command: str
    jobs: int | None
    size: int
    corpus: Corpus
    scheduler: str = ""

    def argv(self, geomap: str, folder: Path) -> list[str]:
        corpus_path = str(self.corpus.path)
        if self.command == "geocode":
            return [geomap, "--quiet", "geocode", corpus_path]
        if self.command == "claims":
            return [geomap, "--quiet", "claims", corpus_path, "--jobs", str(self.jobs)]
        if self.command == "dask":
            return [geomap, "--quiet", "build", corpus_path, "-o", str(self.out_dir(folder)), "--no-cache",
                    "--scheduler", self.scheduler]
        if self.command == "clean":
            return [geomap, "--quiet", "build", corpus_path, "-o", str(self.out_dir(folder)), "--jobs",
                    str(self.jobs), "--no-cache"]
        return [geomap, "--quiet", "build", corpus_path, "-o", str(self.out_dir(folder)), "--jobs", str(self.jobs)]

    def out_dir(self, folder: Path) -> Path:
        return folder / f"{self.command}-{self.size}-j{self.jobs}"

    def env(self, folder: Path) -> dict[str, str] | None:
        """A build's own article cache, which its rebuild reuses."""
        if self.command not in ("build", "rebuild"):
            return None
        size = self.size - GROWTH if self.command == "rebuild" else self.size
        return {**os.environ, "GEOMAP_ARTICLE_CACHE": str(folder / f"article-cache-{size}-j{self.jobs}")}

    def stdout_path(self, folder: Path) -> Path:
        return folder / f"{self.command}-{self.size}-j{self.jobs or 1}.out"


def plan_steps(corpora: dict[int, Corpus], commands: tuple[str, ...], jobs: tuple[int, ...],
               build_jobs: tuple[int, ...], grown: dict[int, Corpus] | None = None,
               check_identical: bool = False, scheduler: str = "") -> list[Step]:
    """The text commands on every size first (smallest first), then the builds: the builds are the
    slowest by far, and the time budget should cut them rather than the text stages of the large sizes."""
    steps = []
    for size, source in sorted(corpora.items()):
        if "geocode" in commands:
            steps.append(Step("geocode", None, size, source))
        if "claims" in commands:
            steps += [Step("claims", j, size, source) for j in jobs]
    for size, source in sorted(corpora.items()):
        for j in build_jobs:
            if "build" in commands:
                steps.append(Step("build", j, size, source))
            if "rebuild" in commands and grown:
                steps.append(Step("rebuild", j, size + GROWTH, grown[size]))
                if check_identical:
                    steps.append(Step("clean", j, size + GROWTH, grown[size]))
        if "dask" in commands and scheduler:
            steps.append(Step("dask", None, size, source, scheduler))
    return steps


def run_steps(steps: list[Step], folder: Path, budget: TimeBudget, log) -> list[Run]:
    """Run the steps in order, skipping those whose estimate does not fit the time left."""
    geomap = geomap_executable()
    runs: list[Run] = []
    for step in steps:
        run = Run(step.command, step.size, 0, step.jobs)
        estimate = budget.estimate(run, runs)
        if budget.left() < 1:
            run.skipped = "skipped: no time left"
        elif estimate is not None and estimate > budget.left():
            run.skipped = f"skipped: about {estimate:.0f} s expected, {budget.left():.0f} s left"
        if run.skipped:
            log(format_row(run))
            runs.append(run)
            continue
        run.corpus_bytes = step.corpus.written()
        timeout_s = max(1.0, min(budget.command_limit_s, budget.left()))
        stdout_path = step.stdout_path(folder)
        run.wall_s, run.exit_code, run.tree_mb, run.max_process_mb, run.timed_out = measure(
            step.argv(geomap, folder), stdout_path, timeout_s, step.env(folder))
        run.wall_s = round(run.wall_s, 2)
        run.tree_mb = round(run.tree_mb, 1)
        run.max_process_mb = round(run.max_process_mb, 1)
        if step.command in ("build", "rebuild", "clean", "dask"):
            out = step.out_dir(folder)
            run.outputs = {p.name: p.stat().st_size for p in sorted(out.glob("*.html"))} if out.is_dir() else {}
            run.outputs["all files"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        else:
            run.outputs = {"stdout": stdout_path.stat().st_size}
        log(format_row(run))
        runs.append(run)
    return runs


def identical_rebuilds(folder: Path, runs: list[Run]) -> dict[str, bool]:
    """Whether each rebuild wrote the bytes of the clean build of the same corpus (per size and jobs)."""
    same = {}
    for run in runs:
        if run.command == "clean" and run.ok:
            rebuilt = folder / f"rebuild-{run.articles}-j{run.jobs}"
            clean = folder / f"clean-{run.articles}-j{run.jobs}"
            same[f"{run.articles} -j{run.jobs}"] = same_files(clean, rebuilt)
    return same


def same_files(one: Path, other: Path) -> bool:
    names = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    return names == sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file()) and all(
        (one / name).read_bytes() == (other / name).read_bytes() for name in names)


def identical_on_cluster(folder: Path, runs: list[Run]) -> dict[str, bool]:
    """Whether each build on the cluster wrote the bytes of the first local build of the same corpus."""
    same = {}
    for run in runs:
        local = [r for r in runs if r.command == "build" and r.articles == run.articles and r.ok]
        if run.command == "dask" and run.ok and local:
            same[str(run.articles)] = same_files(folder / f"build-{run.articles}-j{local[0].jobs}",
                                                 folder / f"dask-{run.articles}-jNone")
    return same


def identical_outputs(folder: Path, sizes, jobs) -> dict[str, bool]:
    """Whether ``claims`` printed the same bytes whatever ``--jobs`` was (per size)."""
    same = {}
    for size in sizes:
        outputs = [folder / f"claims-{size}-j{j}.out" for j in jobs]
        outputs = [p for p in outputs if p.exists()]
        if len(outputs) > 1:
            same[str(size)] = all(p.read_bytes() == outputs[0].read_bytes() for p in outputs[1:])
    return same


def linearity(runs: list[Run]) -> list[dict]:
    """Per command label: time per article at the largest size over that at the smallest."""
    checks = []
    for label in dict.fromkeys(r.label for r in runs if r.command != "rebuild"):  # a rebuild reads 10 articles
        done = sorted((r for r in runs if r.label == label and r.ok), key=lambda r: r.articles)
        if len(done) < 2:
            continue
        small, large = done[0], done[-1]
        ratio = (large.wall_s / large.articles) / (small.wall_s / small.articles)
        # Fixed costs (imports, gazetteer) flatter large runs; the marginal cost between the
        # two largest sizes shows super-linear growth that the plain ratio would hide.
        marginal = None
        if len(done) >= 3:
            first = (done[1].wall_s - done[0].wall_s) / (done[1].articles - done[0].articles)
            last = (done[-1].wall_s - done[-2].wall_s) / (done[-1].articles - done[-2].articles)
            marginal = round(last / first, 2) if first > 0 else None
        checks.append({"label": label, "from": small.articles, "to": large.articles,
                       "per_article_ratio": round(ratio, 2), "marginal_ratio": marginal,
                       "linear": ratio <= LINEAR_FACTOR})
    return checks


HEADER = f"{'command':12} {'articles':>8} {'wall s':>8} {'art/s':>8} {'MB/s':>7} {'ms/art':>7} " \
         f"{'tree MB':>8} {'max proc MB':>11}  notes"


def format_row(run: Run) -> str:
    rates = run.rates()

    def show(value, spec):
        return format(value, spec) if value is not None else "-"

    notes = run.skipped or ("TIMEOUT" if run.timed_out else ("" if run.ok else f"exit {run.exit_code}"))
    if "index.html" in run.outputs:
        notes = (notes + f" index.html {run.outputs['index.html'] / 1e6:.1f} MB").strip()
    if "all files" in run.outputs:
        notes = (notes + f", outputs {run.outputs['all files'] / 1e6:.0f} MB").strip(", ")
    return (f"{run.label:12} {run.articles:>8} {show(run.wall_s, '.1f'):>8} {show(rates['articles_per_s'], '.1f'):>8} "
            f"{show(rates['mb_per_s'], '.3f'):>7} {show(rates['ms_per_article'], '.1f'):>7} "
            f"{show(run.tree_mb, '.0f'):>8} {show(run.max_process_mb, '.0f'):>11}  {notes}")


def parse_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_list, default=DEFAULT_SIZES,
                        help="corpus sizes in articles, comma-separated (default 1000,10000,100000)")
    parser.add_argument("--jobs", type=parse_list, default=(1, 2), help="--jobs values for claims (default 1,2)")
    parser.add_argument("--build-jobs", type=parse_list, default=(1, 2), help="--jobs values for build (default 1,2)")
    parser.add_argument("--commands", default=",".join(COMMANDS),
                        help="which commands, comma-separated (default geocode,claims,build)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds before one command is killed")
    parser.add_argument("--max-minutes", type=float, default=25.0,
                        help="wall-time budget of the whole run: a command whose linear estimate from the size "
                             "before does not fit is skipped, one that overruns is killed (default 25)")
    parser.add_argument("--keep", type=Path, help="keep corpora and outputs in this folder")
    parser.add_argument("--scheduler", default="", help="for 'dask': an existing scheduler (default: a LocalCluster "
                        "of two worker processes started here)")
    parser.add_argument("--check-identical", action="store_true",
                        help="after each rebuild, a clean build of the same corpus, compared byte for byte")
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout (the table goes to stderr)")
    args = parser.parse_args(argv)
    commands = tuple(c.strip() for c in args.commands.split(",") if c.strip())
    unknown = set(commands) - set(COMMANDS)
    if unknown:
        parser.error(f"unknown command(s): {', '.join(sorted(unknown))}")

    out = sys.stderr if args.json else sys.stdout

    def log(line: str) -> None:
        print(line, file=out, flush=True)

    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    log(f"geomap scale benchmark: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
        f"{platform.python_implementation()} {platform.python_version()}")
    log(HEADER)
    with tempfile.TemporaryDirectory(prefix="geomap-scale-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        corpora = {size: corpus_of(size, args.seed, folder) for size in sorted(set(args.sizes))}
        budget = TimeBudget(time.perf_counter() + 60 * args.max_minutes, args.timeout)
        grown = {size: corpus_of(size + GROWTH, args.seed, folder) for size in corpora} \
            if "rebuild" in commands else None
        with contextlib.ExitStack() as stack:
            scheduler = args.scheduler
            if "dask" in commands and not scheduler:
                from distributed import LocalCluster

                cluster = stack.enter_context(LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                           dashboard_address=None))
                scheduler = cluster.scheduler_address
            steps = plan_steps(corpora, commands, args.jobs, args.build_jobs, grown, args.check_identical, scheduler)
            runs = run_steps(steps, folder, budget, log)
        rebuilt_same = identical_rebuilds(folder, runs)
        if args.check_identical:
            rebuilt_same.update({f"dask {size}": same for size, same in identical_on_cluster(folder, runs).items()})
        same = identical_outputs(folder, args.sizes, args.jobs)
    total = time.perf_counter() - started
    usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    checks = linearity(runs)
    for check in checks:
        marginal = f", marginal {check['marginal_ratio']}x" if check["marginal_ratio"] is not None else ""
        log(f"linear growth {check['label']:12} {check['from']}->{check['to']}: time/article "
            f"{check['per_article_ratio']}x{marginal} ({'ok' if check['linear'] else 'NOT linear'}, "
            f"limit {LINEAR_FACTOR}x)")
    for size, equal in same.items():
        log(f"claims output identical across --jobs {','.join(map(str, args.jobs))} at {size}: {equal}")
    for label, equal in rebuilt_same.items():
        what = "build on the cluster identical to the local build" if label.startswith("dask") else \
            f"rebuild after adding {GROWTH} articles identical to a clean build"
        log(f"{what} at {label}: {equal}")
    cpu = (usage_after.ru_utime + usage_after.ru_stime) - (usage_before.ru_utime + usage_before.ru_stime)
    log(f"total {total:.0f} s wall, {cpu:.0f} s CPU in the commands; load average now {os.getloadavg()[0]:.1f}")
    if args.json:
        print(json.dumps({"runs": [r.record() for r in runs], "linearity": checks, "claims_identical": same,
                          "rebuild_identical": rebuilt_same,
                          "total_s": round(total, 1), "cpu_count": os.cpu_count()}, indent=2))
    ok = all(r.ok or r.skipped for r in runs) and all(c["linear"] for c in checks) and all(same.values()) \
        and all(rebuilt_same.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
