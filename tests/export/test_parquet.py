"""`--format parquet`: mentions, claims and claim shapes as GeoParquet that other tools read back as written.

GDAL reads GeoParquet from 3.5 on when built with Arrow; Debian's GDAL is built without it, so the files are
read back by ogrinfo where its build lists the Parquet driver, and by pyarrow and geopandas always.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from geomap import pipeline

pyarrow_parquet = pytest.importorskip("pyarrow.parquet", reason="GeoParquet needs the optional extra geomap[parquet]")

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
LAYERS = ("mentions", "claims", "claim_areas", "claim_lines")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The seeds written twice with --format parquet (no figures: they are not what is tested)."""
    results = pipeline.run([str(SEEDS)])
    options = pipeline.OutputOptions(figures=False, parquet=True, jsonl=True)
    folders = [tmp_path_factory.mktemp("out") for _ in range(2)]
    for folder in folders:
        pipeline.write(results, folder, options)
    return folders


def gdal_reads_parquet() -> bool:
    if not shutil.which("ogrinfo"):
        return False
    formats = subprocess.run(["ogrinfo", "--formats"], capture_output=True, text=True, check=False).stdout
    return "Parquet" in formats


def test_the_large_tables_are_geoparquet_with_the_rows_of_the_other_outputs(written):
    import geopandas
    import pyogrio

    out = written[0]
    jsonl_rows = {name: (out / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() for name in ("mentions",
                                                                                                     "claims")}
    for name in LAYERS:
        path = out / f"{name}.parquet"
        if not path.exists():
            assert name == "claim_lines", f"{name}.parquet is missing"
            continue
        geo = json.loads(pyarrow_parquet.read_schema(path).metadata[b"geo"])
        assert geo["version"] == "1.0.0" and geo["primary_column"] == "geometry"
        frame = geopandas.read_parquet(path)
        assert frame.crs.to_epsg() == 4326
        in_gpkg = pyogrio.read_dataframe(out / "geomap.gpkg", layer=name)
        assert len(frame) == len(in_gpkg) > 0
        assert list(frame.columns) == list(in_gpkg.columns)
        both_missing = frame.geometry.isna() & in_gpkg.geometry.isna()
        assert (both_missing | frame.geometry.geom_equals_exact(in_gpkg.geometry, tolerance=1e-9)).all()
        if name in jsonl_rows:
            assert len(frame) == len(jsonl_rows[name])
    claims = geopandas.read_parquet(out / "claims.parquet")
    from_jsonl = [json.loads(line)["claim_id"] for line in jsonl_rows["claims"]]
    assert sorted(claims["claim_id"]) == sorted(from_jsonl)


def test_the_same_run_writes_the_same_parquet_bytes(written):
    first, second = written
    for path in sorted(first.glob("*.parquet")):
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


@pytest.mark.gdal
@pytest.mark.skipif(not gdal_reads_parquet(), reason="this GDAL build has no Parquet driver (Debian's has none)")
def test_gdal_reads_the_claim_areas(written):
    info = subprocess.run(["ogrinfo", "-so", "-al", str(written[0] / "claim_areas.parquet")], capture_output=True,
                          text=True, check=True).stdout
    assert "Geometry: Multi Polygon" in info and "EPSG" in info and "4326" in info
