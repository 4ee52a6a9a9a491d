"""Which files a build writes: every table in geomap.gpkg by default, the same tables as text on request (--format)."""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.cli_support import run_cli

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
TEXT_COPIES = {"claims.csv", "checks.csv", "place_status.csv", "spread.csv", "sources.csv", "claim_geometries.geojson",
               "places.geojson", "mentions.geojson", "claims.geojson", "place_status.geojson", "envelopes.geojson",
               "mentions.jsonl", "claims.jsonl"}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The seeds built as a user does: with the default outputs, and with every text format asked for."""
    folder = tmp_path_factory.mktemp("formats")
    plain, every = folder / "plain", folder / "every"
    for out, extra in ((plain, []), (every, ["--format", "csv", "--format", "geojson", "--format", "jsonl"])):
        result = run_cli("-q", "build", str(SEEDS), "-o", str(out), "--no-figures", *extra)
        assert result.returncode == 0, result.stderr
    return plain, every


def names(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir() if path.is_file() and not path.name.startswith(".")}


def test_a_build_writes_every_table_once_by_default_and_text_copies_on_request(builds):
    plain, every = builds
    assert names(plain) == {"index.html", "map_fragment.html", "geomap.gpkg", "sources.json"}
    assert names(every) == names(plain) | TEXT_COPIES
    # Those it shares are the same bytes: asking for copies changes nothing else.
    for name in names(plain):
        assert (plain / name).read_bytes() == (every / name).read_bytes(), name


def test_the_text_copies_hold_the_rows_of_the_geopackage(builds):
    _, every = builds
    with sqlite3.connect(every / "geomap.gpkg") as database:
        count = {name: database.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                 for name in ("claims", "checks", "mentions", "place_status", "claim_areas", "claim_lines")}
        shaped = {row[0] for row in database.execute("SELECT claim_id FROM claim_areas UNION "
                                                      "SELECT claim_id FROM claim_lines")}
    csv.field_size_limit(sys.maxsize)
    for name in ("claims", "checks", "place_status"):
        with open(every / f"{name}.csv", newline="", encoding="utf-8") as handle:
            assert len(list(csv.DictReader(handle))) == count[name] > 0, name
    for name in ("mentions", "claims"):
        lines = (every / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == count[name], name
    shapes = json.loads((every / "claim_geometries.geojson").read_text(encoding="utf-8"))["features"]
    assert {feature["properties"]["claim_id"] for feature in shapes} == shaped
    assert len(shapes) <= count["claim_areas"] + count["claim_lines"]


def test_export_writes_the_formats_it_is_asked_for(tmp_path):
    out = tmp_path / "report"
    result = run_cli("-q", "export", str(SEEDS), "-o", str(out), "--format", "fragment", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert names(out) == {"map_fragment.html", "sources.json", "claims.csv", "checks.csv", "place_status.csv",
                          "spread.csv", "sources.csv"}
