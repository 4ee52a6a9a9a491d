"""Timings of the hot paths the test suite checks by counting work instead of by the clock.

Each row is the best of ``--runs`` timings in this process (data loaded and caches warm first), next to
the limit an earlier timed test used to assert, for reference:

- loading the bundled border lines (geodata/borders.npz; was < 1 s);
- the geometry stage on the seeds' claims (was < 0.5 s for about twenty claims);
- find_quantities on the seeds' text twenty times over, and on long runs of digits, words and separators
  (was < 5 s each);
- the geoparser on one text of 0.5 MB and of 2 MB, and on texts naming 600 and 2,400 different towns:
  the time ratio for four times the input (was < 6 and < 7; 4 is linear).

    python benchmarks/bench_hot_paths.py [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
sys.path.insert(0, str(REPO))
PATHOLOGICAL = ("1 000 ", "one ", "9", "a third ", "1,000,")


def best_seconds(action: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def seed_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))


def measure(runs: int) -> list[dict]:
    from geomap.claims.quantities import find_quantities
    from geomap.gazetteer.borders import FILENAME, Borders
    from geomap.geometry import claim_geometries
    from geomap.geoparse import load_geoparser
    from geomap import pipeline, schema
    from geomap.paths import geodata_dir
    from geomap.records import Source
    from geomap.sources import read_sources
    from tests.geoparse.support import distinct_places_text

    rows = [
        {
            "what": "load geodata/borders.npz",
            "limit_s": 1.0,
            "s": best_seconds(lambda: Borders.from_file(geodata_dir() / FILENAME), runs),
        }
    ]

    seeds = read_sources([SEEDS]).sources
    _, claims, statuses = pipeline.text_stages(schema.SOURCES.from_records(seeds))
    claim_geometries(claims.iloc[:1])  # loads the gazetteer and regions once
    rows.append(
        {
            "what": f"geometry of the seeds' {len(claims)} claims",
            "limit_s": 0.5,
            "s": best_seconds(lambda: claim_geometries(claims, statuses=statuses), runs),
        }
    )

    text = " ".join(seed_text().split()) * 20
    rows.append(
        {
            "what": f"find_quantities, seeds x 20 ({len(text) / 1e6:.2f} MB)",
            "limit_s": 5.0,
            "s": best_seconds(lambda: find_quantities(text), runs),
        }
    )
    for unit in PATHOLOGICAL:
        run = unit * (100_000 // len(unit))
        rows.append(
            {
                "what": f"find_quantities, {unit.strip()!r} x {100_000 // len(unit):,}",
                "limit_s": 5.0,
                "s": best_seconds(lambda run=run: find_quantities(run), runs),
            }
        )

    geoparser = load_geoparser()

    def parse(source_text: str) -> Callable[[], object]:
        return lambda: geoparser.parse(Source(id="timed", text=source_text))

    one_line = " ".join(seed_text().split()) + " "
    half_mb = (one_line * (500_000 // len(one_line) + 1))[:500_000]
    parse(one_line)()
    for label, small, large, limit in (
        ("one text, 0.5 MB -> 2 MB", half_mb, half_mb * 4, 6.0),
        ("600 -> 2,400 towns named", distinct_places_text(geoparser, 600), distinct_places_text(geoparser, 2400), 7.0),
    ):
        small_s, large_s = best_seconds(parse(small), runs), best_seconds(parse(large), runs)
        rows.append({"what": f"geoparse {label}", "s": large_s, "ratio": large_s / small_s, "limit_ratio": limit})
    return rows


def table(rows: list[dict]) -> str:
    lines = [f"{'path':<46}{'seconds':>10}{'ratio':>8}  former limit"]
    for row in rows:
        ratio = f"{row['ratio']:.2f}" if "ratio" in row else ""
        limit = f"ratio < {row['limit_ratio']}" if "limit_ratio" in row else f"< {row['limit_s']} s"
        lines.append(f"{row['what']:<46}{row['s']:>10.3f}{ratio:>8}  {limit}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timings per row; the best is shown (default 3)")
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout (table on stderr)")
    args = parser.parse_args(argv)
    rows = measure(max(1, args.runs))
    print(table(rows), file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
