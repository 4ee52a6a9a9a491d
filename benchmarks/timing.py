"""What the benchmark scripts share: the median of timed calls and the printing of their figures."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable


def median_time(
    action: Callable[[], object], runs: int, clock: Callable[[], float] = time.perf_counter
) -> tuple[float, object]:
    """Median seconds of ``action`` over ``runs`` calls by ``clock`` (wall time unless told), and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = clock()
        result = action()
        times.append(clock() - start)
    return statistics.median(times), result


def print_figures(figures: dict, table: str, as_json: bool, profile_title: str | None) -> None:
    """The table on stdout, or on stderr with the figures as JSON on stdout; the profile, if any, on stderr."""
    print(table, file=sys.stderr if as_json else sys.stdout)
    if profile_title is not None:
        print(f"\n{profile_title}\n" + figures["profile"], file=sys.stderr)
    if as_json:
        print(json.dumps({k: v for k, v in figures.items() if k != "profile"}, indent=2))


def profile_rows(action: Callable[[], object], top: int, orders: tuple[str, ...] = ("tottime",)) -> str:
    """cProfile's ``top`` rows for one call of ``action``, sorted by each of ``orders`` in turn."""
    profiler = cProfile.Profile()
    profiler.enable()
    action()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    for order in orders:
        if len(orders) > 1:
            out.write(f"-- by {'own' if order == 'tottime' else order} time --\n")
        stats.sort_stats(order).print_stats(top)
    return out.getvalue()


def figures_parser(doc: str, profile_help: str) -> argparse.ArgumentParser:
    """A command line named by the first paragraph of ``doc``, with --json and --profile."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="write the figures to stdout as JSON (table to stderr)")
    parser.add_argument("--profile", action="store_true", help=profile_help)
    return parser
