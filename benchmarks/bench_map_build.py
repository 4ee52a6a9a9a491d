"""CPU time of making the map (index.html) and drawing the figures from one run's tables, part by part.

A build makes the map in a forked process and draws the figures in a worker while it writes the layers, so
its log's seconds are wall time shared with everything else on the machine. This measures the CPU time of
each part alone, on tables kept in a pickle by ``benchmarks/bench_write.py --save`` (or from ``pipeline.run``
with ``--corpus``), so that two checkouts can be compared on the same tables, run one after the other::

    python benchmarks/bench_write.py /tmp/c3010.jsonl --save /tmp/r3010.pickle -o /tmp/out
    python benchmarks/bench_map_build.py /tmp/r3010.pickle --maps 4      # from each checkout, alternating

Prints: the basemap, ``build_map`` and ``render_html`` (with the page's size), then the functions of the map
that take the most (``--parts``), then each claims map of the ``--maps`` busiest windows and the area chart,
and the load average (note it next to the figures).
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import pickle
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# The functions of geomap.render.mapview timed one by one (as build_map calls them).
MAP_PARTS = (
    "claim_records", "mention_records", "place_status_records", "theatres", "keyed_by_theatre", "_add_basemap",
    "envelope_feature", "claim_features", "placed_in_regions", "region_aggregates", "windows_near",
    "status_features", "mention_features", "_chart_view", "panel_view", "assign_ids",
)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timing(module, names, spent: collections.Counter) -> None:
    """Wrap each function ``names`` of ``module`` so that its CPU time adds up in ``spent``."""
    for name in names:
        function = getattr(module, name, None)
        if function is None:
            continue

        def timed(*args, _function=function, _name=name, **kwargs):
            started = cpu_seconds()
            try:
                return _function(*args, **kwargs)
            finally:
                spent[_name] += cpu_seconds() - started

        setattr(module, name, functools.wraps(function)(timed))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="?", help="a pickle of a run's Results (bench_write.py --save)")
    parser.add_argument("--corpus", help="run the stages on this corpus instead (with the article cache)")
    parser.add_argument("--maps", type=int, default=3, help="claims maps of this many busiest windows (0: none)")
    parser.add_argument("--parts", type=int, default=8, help="the map's most costly functions listed")
    parser.add_argument("--no-map", action="store_true", help="the figures only")
    args = parser.parse_args()
    if bool(args.results) == bool(args.corpus):
        parser.error("give a pickle of Results or --corpus, one of them")

    from geomap import pipeline

    if args.corpus:
        results = pipeline.run([args.corpus], jobs=2, cache=True)
    else:
        with open(args.results, "rb") as handle:
            results = pickle.load(handle)
    started = cpu_seconds()
    base = pipeline.basemap(results)
    print(f"basemap {cpu_seconds() - started:.2f} s CPU")
    if not args.no_map:
        from geomap import render
        import geomap.render.mapview as mapview

        spent: collections.Counter = collections.Counter()
        timing(mapview, MAP_PARTS, spent)
        started = cpu_seconds()
        folium_map = pipeline.build_map(results, base=base)
        built = cpu_seconds()
        page = render.render_html(folium_map)
        print(f"map: build_map {built - started:.2f} s CPU, render_html {cpu_seconds() - built:.2f} s CPU, "
              f"{len(page.encode()) / 1e6:.1f} MB")
        for name, seconds in spent.most_common(args.parts):
            print(f"  {name:<22} {seconds:.2f} s")
        del folium_map, page
    if args.maps:
        from geomap.figures import MapInputs, area_chart_figure, claims_map_figure, prepare

        prepare()
        windows = pipeline.figure_shares(results, 1, args.maps)[0]
        tables = pipeline.figure_tables(results, base, windows)
        started = cpu_seconds()
        inputs = MapInputs.of(tables)
        print(f"figures: the tables converted {cpu_seconds() - started:.2f} s CPU")
        with tempfile.TemporaryDirectory() as folder:
            for label in windows:
                started = cpu_seconds()
                claims_map_figure(inputs, label, [Path(folder, "map.png"), Path(folder, "map.svg")])
                print(f"  map {label} ({len(inputs.by_window.get(label, []))} claims) {cpu_seconds() - started:.2f} s")
            started = cpu_seconds()
            area_chart_figure(tables, [Path(folder, "chart.png"), Path(folder, "chart.svg")], inputs=inputs)
            print(f"  area chart {cpu_seconds() - started:.2f} s")
    print(f"load {os.getloadavg()[0]:.1f} at {time.strftime('%H:%M:%S')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
