"""Benchmark of the gazetteer: cold CLI search, bulk exact lookups, load time.

Run from a source checkout with the project's interpreter::

    /work/venv/bin/python benchmarks/bench_gazetteer.py            # table; exit 1 if a target is missed
    /work/venv/bin/python benchmarks/bench_gazetteer.py --json     # figures as JSON on stdout
    /work/venv/bin/python benchmarks/bench_gazetteer.py --profile  # + cProfile of the lookups on stderr

Measures

- ``cold_search_s``: wall time of ``geomap gazetteer search Sudzha`` as a new
  process (the ``geomap`` script next to ``sys.executable``), median of 5 runs
  after one untimed run that warms the OS file cache. Target <= 1.0 s.
- ``lookups_s``: 100,000 ``Gazetteer.lookup`` calls (exact/alias only) once the
  gazetteer is loaded. The names are drawn with a fixed seed from the names the
  index holds (each place's canonical name and every region name), so most are
  distinct and a per-name cache would not flatter the figure. Target <= 1.0 s.
- ``load_s``: ``Gazetteer(Store())`` in a running process (files already cached
  by the OS), median of 3; ``regions_load_s`` likewise for the polygons. No
  target: they are part of the cold search budget.

Every run uses an empty ``GEOMAP_HOME``, so the user's imported dumps are not measured.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import figures_parser, median_time, print_figures, profile_rows  # benchmarks/timing.py, next to this file

COLD_SEARCH_TARGET_S = 1.0
LOOKUPS_TARGET_S = 1.0
SEED = 20240806  # the day the Kursk incursion began


def geomap_script() -> Path:
    """The venv's console script, next to the interpreter running this benchmark."""
    script = Path(sys.executable).with_name("geomap")
    if not script.is_file():
        raise SystemExit(f"bench_gazetteer: {script} not found: install geomap in this interpreter's venv")
    return script


def cold_search_times(home: Path, runs: int) -> list[float]:
    """Wall times of ``geomap gazetteer search Sudzha`` as fresh processes."""
    env = dict(os.environ, GEOMAP_HOME=str(home / "home"), GEOMAP_CACHE=str(home / "cache"))
    command = [str(geomap_script()), "gazetteer", "search", "Sudzha"]
    times = []
    for run in range(runs + 1):
        start = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode != 0 or "Sudzha" not in result.stdout:
            raise SystemExit(f"bench_gazetteer: {' '.join(command)} failed: {result.stderr.strip()}")
        if run > 0:  # the first run only warms the file cache
            times.append(elapsed)
    return times


def lookup_names(store, count: int, seed: int = SEED) -> list[str]:
    """``count`` real names, drawn deterministically: place names and region names as indexed."""
    from geomap.gazetteer.store import REGION_COLUMNS

    pool = [line.split("\t", 2)[1] for table in store.places for line in table.lines]
    names_at = REGION_COLUMNS.index("names")
    pool += [name for line in store.region_lines for name in line.split("\t")[names_at].split("|") if name]
    rng = random.Random(seed)
    return rng.sample(pool, count) if count <= len(pool) else rng.choices(pool, k=count)


def run_lookups(gaz, names: list[str]) -> int:
    """Look every name up; return how many were found (all of them, if the index is sound)."""
    lookup = gaz.lookup
    return sum(1 for name in names if lookup(name))


def measure(lookups: int, cold_runs: int, profile: bool) -> dict:
    from geomap.gazetteer.lookup import Gazetteer
    from geomap.gazetteer.regions import Regions
    from geomap.gazetteer.store import Store

    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        home = Path(tmp)
        empty_home = home / "empty"
        empty_home.mkdir()
        cold = cold_search_times(home, cold_runs)
        load_s, gaz = median_time(lambda: Gazetteer(Store(user_dir=empty_home)), 3)
        regions_load_s, _ = median_time(lambda: Regions(gaz.store), 3)
        names = lookup_names(gaz.store, lookups)
        lookups_s, found = median_time(lambda: run_lookups(gaz, names), 1)
        figures = {
            "cold_search_s": round(statistics.median(cold), 4),
            "cold_search_runs_s": [round(t, 4) for t in cold],
            "lookups": lookups,
            "distinct_names": len(set(names)),
            "lookups_found": found,
            "lookups_s": round(lookups_s, 4),
            "lookup_us": round(lookups_s / lookups * 1e6, 2),
            "load_s": round(load_s, 4),
            "regions_load_s": round(regions_load_s, 4),
            "targets": {"cold_search_s": COLD_SEARCH_TARGET_S, "lookups_s": LOOKUPS_TARGET_S},
            "python": sys.version.split()[0],
        }
        figures["ok"] = {
            "cold_search_s": figures["cold_search_s"] <= COLD_SEARCH_TARGET_S,
            "lookups_s": figures["lookups_s"] <= LOOKUPS_TARGET_S * lookups / 100_000,
            "lookups_found": found == lookups,
        }
        if profile:
            figures["profile"] = profile_rows(lambda: run_lookups(gaz, names), top=20)
    return figures


def table(figures: dict) -> str:
    lookups_target = LOOKUPS_TARGET_S * figures["lookups"] / 100_000
    rows = [
        (
            "cold `geomap gazetteer search Sudzha` (median of %d)" % len(figures["cold_search_runs_s"]),
            f"{figures['cold_search_s']:.3f} s",
            f"<= {COLD_SEARCH_TARGET_S:.1f} s",
            figures["ok"]["cold_search_s"],
        ),
        (
            f"{figures['lookups']:,} exact lookups ({figures['distinct_names']:,} distinct names)",
            f"{figures['lookups_s']:.3f} s",
            f"<= {lookups_target:.1f} s",
            figures["ok"]["lookups_s"],
        ),
        ("  per lookup", f"{figures['lookup_us']:.1f} µs", "", None),
        ("  names found", f"{figures['lookups_found']:,}", f"{figures['lookups']:,}", figures["ok"]["lookups_found"]),
        ("load gazetteer (Store + Gazetteer, median of 3)", f"{figures['load_s']:.3f} s", "", None),
        ("load region polygons (median of 3)", f"{figures['regions_load_s']:.3f} s", "", None),
    ]
    widths = [max(len(str(r[i])) for r in rows) for i in range(3)]
    lines = []
    for label, value, target, ok in rows:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        lines.append(f"{label:<{widths[0]}}  {value:>{widths[1]}}  {target:<{widths[2]}}  {verdict}".rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = figures_parser(__doc__, "also profile the lookups with cProfile")
    parser.add_argument("--lookups", type=int, default=100_000, help="number of lookups (default 100000)")
    parser.add_argument("--cold-runs", type=int, default=5, help="timed cold searches (default 5)")
    args = parser.parse_args(argv)

    figures = measure(args.lookups, args.cold_runs, args.profile)
    print_figures(figures, table(figures), args.json, "cProfile of the lookups, by own time:" if args.profile else None)
    return 0 if all(figures["ok"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
