"""What of the map and the figures a grown corpus really changes: the measure behind caching their parts.

A rebuild after a few articles can reuse a part of index.html or a figure only if its inputs did not change.
This compares two runs' tables (pickles of ``Results``, from ``benchmarks/bench_write.py --save``): the run of
a built corpus and the run of the same corpus grown by a few articles, and prints

- the map's GeoJSON layers (by the name of the group that holds each) the same, changed or new in the grown
  run, by kind (claims, envelopes, regions' aggregates, ...), with the bytes of the page the same ones hold;
- the claims maps whose own inputs (:func:`geomap.figures.claims_map.window_figure_inputs`, the key of each
  figure in the figure cache) are the same, over every window and over the busiest ones a build draws, and
  which part of the inputs changed where they differ.

Usage::

    python benchmarks/bench_write.py /tmp/c3k.jsonl --save /tmp/r3k.pickle -o /tmp/out
    python benchmarks/bench_write.py /tmp/c3010.jsonl --save /tmp/r3010.pickle -o /tmp/out
    python benchmarks/bench_map_changes.py /tmp/r3k.pickle /tmp/r3010.pickle
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import pickle
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# The parts of window_figure_inputs, in its order.
FIGURE_PARTS = ("window", "claims", "sources", "envelopes", "reference", "view", "projection", "places")


def digest(value) -> str:
    return hashlib.sha256(pickle.dumps(value, protocol=5)).hexdigest()


def map_layers(results) -> dict[str, tuple[str, int]]:
    """Each GeoJSON layer of the run's map, by its group's name: (digest of its JSON, its bytes)."""
    from geomap import pipeline
    from geomap.render.elements import GeoJsonLayer
    from geomap.render.mapview import _walk

    layers: dict[str, tuple[str, int]] = {}
    for element in _walk(pipeline.build_map(results)):
        if isinstance(element, GeoJsonLayer):
            name = str(getattr(element._parent, "layer_name", "") or element.get_name())
            while name in layers:  # a group of several layers (the basemap's regions)
                name += "+"
            text = str(element.packed_json)
            layers[name] = (hashlib.sha256(text.encode()).hexdigest(), len(text))
    return layers


def figure_inputs(results) -> tuple[dict[str, list[str]], list[str]]:
    """Each window's figure inputs, part by part (digests), and the busiest windows a build draws."""
    from geomap import pipeline
    from geomap.figures import MapInputs
    from geomap.figures.claims_map import window_figure_inputs

    inputs = MapInputs.of(pipeline.figure_tables(results, pipeline.basemap(results)))
    labels = [window.label for window in inputs.windows if inputs.by_window.get(window.label)]
    parts = {label: [digest(part) for part in window_figure_inputs(inputs, label)] for label in labels}
    return parts, pipeline.figure_shares(results, 1, pipeline.OutputOptions().figure_windows)[0]


def kind_of(name: str) -> str:
    return name.split(" · ")[0].split(" (")[0].rstrip("+")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("built", help="a pickle of the built corpus's Results")
    parser.add_argument("grown", help="a pickle of the grown corpus's Results")
    args = parser.parse_args()
    runs = []
    for path in (args.built, args.grown):
        with open(path, "rb") as handle:
            results = pickle.load(handle)
        runs.append((map_layers(results), *figure_inputs(results)))
        del results
    (built_layers, built_figures, _), (grown_layers, grown_figures, busiest) = runs

    same = [name for name, layer in grown_layers.items() if built_layers.get(name) == layer]
    new = [name for name in grown_layers if name not in built_layers]
    total = sum(size for _, size in grown_layers.values())
    print(
        f"map: {len(grown_layers)} layers, {len(same)} the same, {len(grown_layers) - len(same) - len(new)} "
        f"changed, {len(new)} new or renamed; the same hold {sum(grown_layers[n][1] for n in same) / 1e6:.1f} "
        f"of {total / 1e6:.1f} MB"
    )
    kinds = collections.Counter(kind_of(name) for name in grown_layers)
    kinds_same = collections.Counter(kind_of(name) for name in same)
    for kind, count in kinds.most_common():
        print(f"  {kind:<40} {kinds_same[kind]:5} of {count:5} the same")

    changed_parts: collections.Counter = collections.Counter()
    unchanged = []
    for label, parts in grown_figures.items():
        before = built_figures.get(label)
        differ = [name for name, a, b in zip(FIGURE_PARTS, before or [], parts) if a != b] if before else ["new"]
        changed_parts.update(differ)
        if not differ:
            unchanged.append(label)
    busy_same = [label for label in busiest if label in unchanged]
    print(
        f"figures: {len(unchanged)} of {len(grown_figures)} windows' maps have the same inputs; of the "
        f"{len(busiest)} busiest, {len(busy_same)} ({', '.join(busy_same) or 'none'})"
    )
    print("  parts that changed (windows): " + ", ".join(f"{name} {n}" for name, n in changed_parts.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
