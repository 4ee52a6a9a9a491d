"""Benchmark of the claims stage alone: ``extract_claims`` throughput on news text, per MB.

Run from a source checkout with the project's interpreter::

    .venv/bin/python benchmarks/bench_claims.py             # table
    .venv/bin/python benchmarks/bench_claims.py --json      # figures as JSON on stdout
    .venv/bin/python benchmarks/bench_claims.py --profile   # + cProfile of the stage on stderr

The text, one source per article: the five seeds, the real articles of the
claims development set (tests/data/claims/real/corpus.jsonl, when present),
../shared/corpora/kursk-news when present, and synthetic articles from
``benchmarks/corpus.py`` (seed 0) until there are at least ``--mb`` megabytes
(10^6 bytes of UTF-8). The synthetic articles are dense with quantities (areas,
shares, depths, counts), so every sentence reader is exercised.

The geoparser runs once, untimed; then :func:`geomap.claims.extract_claims`
runs ``--runs`` times on the same sources and mentions and the median wall time
is reported as MB/s, claims/s and ms per article. Time is this process's CPU
time (``time.process_time``), not wall time: the stage is single-threaded and
CPU-bound, and CPU time is far less disturbed by other work on a shared machine. Reported separately: the real
articles alone (the prose the stage is judged on), and ``linearity``: the time
on 0.5x, 1x and 2x the text (a doubling should about double the time).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from timing import median_time, profile_rows  # benchmarks/timing.py, next to this file

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
REAL_CORPORA = (
    REPO / "tests" / "data" / "claims" / "real" / "corpus.jsonl",
    REPO.parent / "shared" / "corpora" / "kursk-news" / "corpus.jsonl",
)


def real_articles() -> list[dict]:
    """The seeds and the real news corpora that are present, as geomap sources."""
    from geomap.sources import read_sources

    paths = [REPO / "seeds"] + [path for path in REAL_CORPORA if path.is_file()]
    return list(read_sources(paths).sources)


def synthetic_sources(min_bytes: int) -> list:
    sys.path.insert(0, str(BENCH_DIR))
    import corpus

    from geomap.records import Source

    return [Source(id=a["id"], text=a["text"]) for a in corpus.synthesise_bytes(max(0, min_bytes))]


def megabytes(sources) -> float:
    return sum(len(s.text.encode("utf-8")) for s in sources) / 1e6


def median_seconds(action, runs: int) -> tuple[float, object]:
    """Median CPU seconds of ``action`` over ``runs`` calls, and the last call's result."""
    return median_time(action, runs, clock=time.process_time)


def measure(mb: float, runs: int, profile: bool) -> dict:
    from geomap.claims import extract_claims
    from geomap.geoparse import geocode, load_geoparser

    geoparser = load_geoparser()
    real = real_articles()
    synthetic = synthetic_sources(int(2 * mb * 1e6))  # twice the size: for the linearity steps
    main_set = list(real)
    for source in synthetic:
        if megabytes(main_set) >= mb:
            break
        main_set.append(source)
    mentions = geocode(main_set + synthetic, geoparser)
    extract_claims(main_set[:20], mentions)  # imports, compiled patterns

    seconds, claims = median_seconds(lambda: extract_claims(main_set, mentions), runs)
    real_seconds, real_claims = median_seconds(lambda: extract_claims(real, mentions), runs)
    size, real_size = megabytes(main_set), megabytes(real)
    linearity = {}
    for factor in (0.5, 1.0, 2.0):
        subset, total = [], 0.0
        for source in synthetic:
            if total >= mb * factor:
                break
            subset.append(source)
            total += len(source.text.encode("utf-8")) / 1e6
        step_seconds, _ = median_seconds(lambda: extract_claims(subset, mentions), runs)
        linearity[f"{factor:g}x"] = {"mb": round(total, 3), "s": round(step_seconds, 3)}
    if profile:
        print(profile_rows(lambda: extract_claims(main_set, mentions), top=25), file=sys.stderr)
    return {
        "all": {
            "articles": len(main_set),
            "mb": round(size, 3),
            "claims": len(claims),
            "s": round(seconds, 3),
            "mb_per_s": round(size / seconds, 3),
            "claims_per_s": round(len(claims) / seconds),
            "ms_per_article": round(1000 * seconds / len(main_set), 3),
        },
        "real": {
            "articles": len(real),
            "mb": round(real_size, 4),
            "claims": len(real_claims),
            "s": round(real_seconds, 4),
            "mb_per_s": round(real_size / real_seconds, 3),
        },
        "linearity": linearity,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=2.0, help="megabytes of text (default 2)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs, the median is reported (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--profile", action="store_true", help="cProfile of one run on stderr")
    args = parser.parse_args(argv)
    figures = measure(args.mb, args.runs, args.profile)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    for name in ("all", "real"):
        row = figures[name]
        print(
            f"{name:5s} {row['articles']:6d} articles {row['mb']:8.3f} MB {row['claims']:6d} claims "
            f"{row['s']:8.3f} s  {row['mb_per_s']:7.3f} MB/s"
        )
    steps = "  ".join(f"{k}: {v['mb']} MB {v['s']} s" for k, v in figures["linearity"].items())
    print(f"linearity (synthetic) {steps}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
