"""A rough, dated reference of the Kursk salient built from what the texts say, and the IoU of geomap's shapes.

This is an estimate, not an assessment: there is no map in the texts. Each snapshot is built from statements
in the seeds and ../shared/corpora/kursk-news (quoted in its ``basis``), with rules written down here, so
that the IoU measures how far geomap's constructions are from another reading of the same texts:

- 2024-08-20 (peak): "seizing roughly 386 square miles centered on the city of Sudzha" (seed 000),
  "advanced from 28 to 35 km deep ... captured 1,263 sq km" (Pravda, 20 August): the part of Russia
  within 31.5 km of the Russia-Ukraine border (the middle of 28-35 km) that lies around Sudzha, as large
  as reported that day (1,263 km²);
- 2024-11-24: "now hold approximately 800 km²" (Al Mayadeen, Essanews); Sudzha is still "under Kyiv's
  control" on 8 March (The Moscow Times): the same depth from the border, around Sudzha, 800 km²;
- 2025-03-16: "around 110 square kilometers", "two pockets ... on the Russian side of the border"
  (Reuters), "pushed Ukrainian troops back to the border" (seed 004), Sudzha, Melovoy and Podol liberated
  on 13 March (The Moscow Times): a strip 5 km deep along the border in front of Sudzha, centred on the
  border point nearest it (these texts name no side), leaving out 3 km around Sudzha, 110 km².

Mind its bias: "centered on the city of Sudzha" makes the first two snapshots discs around Sudzha (cut at
the reported depth), so this estimate favours geomap's former disc on Sudzha over the disc on the border; it
cannot rank the two, only show that the shapes lie where the texts put them. The third takes no side,
where geomap follows the side the seeds name (Belgorod Oblast, where Ukraine still raids).

Usage (from the repository root)::

    .venv/bin/python benchmarks/reference_estimate.py                     # this checkout's geomap
    .venv/bin/python benchmarks/reference_estimate.py --geomap ../main/.venv/bin/geomap   # another one's

It writes the reference to ``--out`` (default /tmp/kursk-reference-estimate.geojson), runs
``geomap build --reference`` on the seeds and kursk-news, and prints the IoU of each area claim and the
median per snapshot.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import shapely

ROOT = Path(__file__).resolve().parents[1]
KURSK_NEWS = ROOT.parent / "shared" / "corpora" / "kursk-news" / "corpus.jsonl"
SUDZHA = (35.271, 51.191)
PEAK_DEPTH_KM = 31.5
SNAPSHOTS = [
    (
        "2024-08-20",
        1263.0,
        "peak: within 31.5 km of the border, around Sudzha, 1,263 km² (seed 000; Pravda, 20 Aug 2024)",
    ),
    ("2024-11-24", 800.0, "November: the same depth around Sudzha, 800 km² (Al Mayadeen, Essanews, 24 Nov 2024)"),
    (
        "2025-03-16",
        110.0,
        "March: 5 km deep along the border in front of Sudzha, Sudzha out, 110 km² (Reuters, "
        "16 Mar 2025; The Moscow Times, 13 Mar 2025)",
    ),
]


def build_reference() -> list[dict]:
    from geomap.gazetteer import load_gazetteer, load_regions
    from geomap.geometry.borders import nearest_border_point, shared_border
    from geomap.geometry.buffers import disc, solve_local_radius
    from geomap.geometry.constructions import solve_strip
    from geomap.geometry.workspace import Workspace

    workspace = Workspace(load_gazetteer(), load_regions())
    projection = workspace.projection(*SUDZHA)
    town = projection.point_to_local(*SUDZHA)
    russia = workspace.local_polygon(projection, "RU", window_km=256.0, accurate=True)
    line = shared_border(workspace, projection, "RU", "UA", 256.0)
    point = nearest_border_point(workspace, projection, "RU", "UA")
    depth_zone = shapely.intersection(shapely.buffer(line, PEAK_DEPTH_KM * 1000.0), russia)
    shapes = [solve_local_radius(town, km2 * 1e6, depth_zone).geometry for _, km2, _ in SNAPSHOTS[:2]]
    shapes.append(
        solve_strip(
            line,
            projection.point_to_local(point.lon, point.lat),
            0,
            5000.0,
            russia,
            SNAPSHOTS[2][1] * 1e6,
            leave_out=disc(town, 3000.0),
        ).geometry
    )
    return [
        {
            "type": "Feature",
            "properties": {"date": day, "label": "text-based estimate", "basis": basis},
            "geometry": json.loads(shapely.to_geojson(projection.to_lonlat(shape))),
        }
        for (day, _, basis), shape in zip(SNAPSHOTS, shapes)
    ]


def score(geomap: str, reference: Path, inputs: list[str]) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="geomap-reference-") as folder:
        result = subprocess.run(
            [geomap, "-q", "build", *inputs, "-o", folder, "--reference", str(reference), "--no-figures"],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SystemExit(f"geomap build failed: {result.stderr.strip()}")
        return json.loads((Path(folder) / "comparison.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--geomap",
        default=str(Path(sys.executable).with_name("geomap")),
        help="the geomap command to score (default: the one next to this Python)",
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/kursk-reference-estimate.geojson"))
    args = parser.parse_args(argv)
    args.out.write_text(
        json.dumps({"type": "FeatureCollection", "features": build_reference()}) + "\n", encoding="utf-8"
    )
    inputs = [str(ROOT / "seeds")] + ([str(KURSK_NEWS)] if KURSK_NEWS.is_file() else [])
    rows = [row for row in score(args.geomap, args.out, inputs) if row.get("iou") is not None]
    print(f"reference (an estimate from the texts): {args.out}")
    print(f"{'claim':34} {'kind':14} {'claimed':>8} {'drawn':>8} {'ref date':>11} {'ref km²':>8} {'IoU':>6}")
    for row in rows:
        print(
            f"{row['claim_id']:34} {row['kind']:14} {row['claimed_km2'] or 0:8.0f} {row['buffer_km2'] or 0:8.0f} "
            f"{row['reference_date']:>11} {row['reference_km2']:8.0f} {row['iou']:6.2f}"
        )
    for day, _, _ in SNAPSHOTS:
        ious = [row["iou"] for row in rows if row["reference_date"] == day]
        if ious:
            print(
                f"{day}: median IoU {statistics.median(ious):.2f} over {len(ious)} area claims "
                f"(min {min(ious):.2f}, max {max(ious):.2f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
