"""Benchmark of the main job: a cold `geomap build` on the bundled seeds.

Measures, each as a new process (so imports and data loading count, as they do
for a user): the wall time of `geomap build -o TMP` (median of N runs; the first
run warms the on-disk scan cache and is reported separately), and the size of
the map it writes. Targets from the maps issue: <= 3 s wall, index.html <= 1.5 MB.

    python benchmarks/bench_build.py [--runs 5] [--json]

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 3.0
TARGET_MAP_BYTES = 1_500_000


def geomap_executable() -> str:
    candidate = Path(sys.executable).with_name("geomap")
    return str(candidate) if candidate.exists() else "geomap"


def timed_build(out_dir: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([geomap_executable(), "--quiet", "build", "-o", str(out_dir)], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        first = timed_build(tmp / "warm", env)
        times = [timed_build(tmp / f"run{i}", env) for i in range(args.runs)]
        map_bytes = (tmp / "run0" / "index.html").stat().st_size
        same = all((tmp / f"run{i}" / "index.html").read_bytes() == (tmp / "run0" / "index.html").read_bytes()
                   for i in range(args.runs))
    figures = {
        "first_run_s": round(first, 3),
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "runs": args.runs,
        "map_bytes": map_bytes,
        "identical_html": same,
        "cpu_count": os.cpu_count(),
    }
    ok = figures["median_s"] <= TARGET_SECONDS and map_bytes <= TARGET_MAP_BYTES and same
    if args.json:
        print(json.dumps(figures, indent=2))
    rows = [
        ("first run (scan cache may be built)", f"{first:.2f} s", ""),
        (f"cold `geomap build` on the seeds (median of {args.runs})", f"{figures['median_s']:.2f} s",
         f"<= {TARGET_SECONDS} s"),
        ("range", f"{figures['min_s']:.2f}-{figures['max_s']:.2f} s", ""),
        ("outputs/index.html size", f"{map_bytes / 1e6:.3f} MB", f"<= {TARGET_MAP_BYTES / 1e6} MB"),
        ("byte-identical HTML across runs", str(same), "True"),
    ]
    out = sys.stderr if args.json else sys.stdout
    for label, value, target in rows:
        print(f"{label:55} {value:>12}  {target}", file=out)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
