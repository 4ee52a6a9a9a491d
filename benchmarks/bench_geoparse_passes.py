"""Where the geoparser's time goes, pass by pass: CPU milliseconds per MB of text for each pass.

The text is bench_geoparse's (the seeds, the test articles and synthetic articles up
to ``--mb`` MB, one source per article). Each pass the parser calls (scan, spans, every
filter, candidates, resolution, misspellings, the making of the records) is wrapped
in a timer for the run; a pass called inside another (the misspellings pass filters
its finds as the scanned names were) counts for itself only, so the rows add up to
the whole parse. "other" is the parse's own time between the passes.

CPU time of this process, median of ``--runs``: on a shared machine it varies far
less than wall time, but note the load (printed) next to the figures all the same.

Usage::

    python benchmarks/bench_geoparse_passes.py            # 1 MB, median of 5 runs
    python benchmarks/bench_geoparse_passes.py --json     # the figures as JSON on stdout
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_geoparse import megabytes, news_articles, take_mb  # noqa: E402  (next to this file)
from timing import print_figures  # noqa: E402

PARSER_PASSES = ("initial_positions", "select_spans")
MODULE_PASSES = {
    "filters": (
        "drop_parts_of_longer_names",
        "drop_names_of_things",
        "read_place_cues",
        "person_names",
        "drop_people",
        "gate_common_words",
        "drop_organisations",
        "demonym_names_its_country",
    ),
    "candidates_pass": ("read_region_or_city_cue", "attach_candidates", "read_region_after_comma", "read_list_cue"),
    "resolve": ("resolve",),
}


class PassTimer:
    """CPU seconds spent in each named pass, a nested pass's time counted for it alone."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._inner: list[float] = []  # for each pass under way, the time of the passes it called

    def wrap(self, name: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            self._inner.append(0.0)
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.process_time() - start
                inner = self._inner.pop()
                self.seconds[name] = self.seconds.get(name, 0.0) + elapsed - inner
                if self._inner:
                    self._inner[-1] += elapsed

        return timed


def instrument(geoparser, timer: PassTimer) -> None:
    """Wrap every pass the parser calls (module functions for the run, the parser's own parts on the instance)."""
    from geomap.geoparse import parser

    for name in PARSER_PASSES:
        setattr(parser, name, timer.wrap(name, getattr(parser, name)))
    for module_name, names in MODULE_PASSES.items():
        module = getattr(parser, module_name)
        for name in names:
            setattr(module, name, timer.wrap(name, getattr(module, name)))
    geoparser.split_sentences = timer.wrap("split_sentences", geoparser.split_sentences)
    # (The scan of a batch of texts; a geoparser of before batches scans one text at a time.)
    scan = "scan_many" if hasattr(geoparser.scanner, "scan_many") else "scan"
    setattr(geoparser.scanner, scan, timer.wrap("scan", getattr(geoparser.scanner, scan)))
    geoparser.misspellings.find = timer.wrap("misspellings", geoparser.misspellings.find)
    geoparser._mention = timer.wrap("records", geoparser._mention)
    geoparser._demonym = timer.wrap("records", geoparser._demonym)
    geoparser._parse = timer.wrap("parse", geoparser._parse)


def measure(mb: float, runs: int) -> dict:
    from geomap.geoparse import geocode, load_geoparser
    from geomap.records import Source

    # The bundled data only, as bench_geoparse measures it (not the user's imported dumps).
    os.environ["GEOMAP_HOME"] = tempfile.mkdtemp(prefix="geomap-bench-home-")
    geoparser = load_geoparser()
    articles = take_mb(news_articles(mb), mb)
    sources = [Source(id=i, text=t) for i, t in articles]
    size = megabytes(articles)
    geocode(sources[:20], geoparser)  # warm caches
    timer = PassTimer()
    instrument(geoparser, timer)
    per_run: dict[str, list[float]] = {}
    for _ in range(runs):
        timer.seconds = {}
        geocode(sources, geoparser)
        seconds = dict(timer.seconds)
        whole = sum(seconds.values())  # "parse" holds only its own time between the passes
        seconds["other"] = seconds.pop("parse")
        seconds["total"] = whole
        for name, value in seconds.items():
            per_run.setdefault(name, []).append(value)
    ms_per_mb = {name: round(1000 * statistics.median(values) / size, 1) for name, values in per_run.items()}
    return {
        "text_mb": round(size, 3),
        "articles": len(articles),
        "runs": runs,
        "ms_per_mb": dict(sorted(ms_per_mb.items(), key=lambda item: -item[1])),
        "mb_per_cpu_s": round(1000 / ms_per_mb["total"], 3),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def table(figures: dict) -> str:
    lines = [
        f"text: {figures['text_mb']:.2f} MB in {figures['articles']} articles; CPU ms per MB, median of "
        f"{figures['runs']} runs; load {figures['load_average']}",
        "",
    ]
    total = figures["ms_per_mb"]["total"]
    for name, value in figures["ms_per_mb"].items():
        if name != "total":
            lines.append(f"  {name:<28}{value:>8.1f} ms/MB {100 * value / total:>5.1f} %")
    lines.append(f"  {'total':<28}{total:>8.1f} ms/MB  ({figures['mb_per_cpu_s']:.3f} MB per CPU second)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="write the figures to stdout as JSON (table to stderr)")
    parser.add_argument("--mb", type=float, default=1.0, help="megabytes of text (default 1.0)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    args = parser.parse_args(argv)
    figures = measure(args.mb, args.runs)
    print_figures(figures, table(figures), args.json, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
