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


def test_a_file_of_several_row_groups_reads_back_as_the_layer_with_the_whole_layers_box(tmp_path, monkeypatch):
    """A GeoParquet file is written a frame at a time in row groups of a fixed size: with frames of 2 rows and groups
    of 3, the claim shapes read back as the layer made whole, and the ``geo`` metadata (box, geometry types) is the
    whole layer's, as geopandas writes it of the whole frame."""
    import geopandas

    from geomap.export import layers, writers

    results = pipeline.run([str(SEEDS)])
    monkeypatch.setattr(layers, "CHUNK_ROWS", 2)
    monkeypatch.setattr(writers, "PARQUET_GROUP_ROWS", 3)
    pipeline.write(results, tmp_path, pipeline.OutputOptions(figures=False, map=False, fragment=False, parquet=True))
    whole = next(layer for layer in layers.iter_layer_parts(results) if layer.name == "claim_areas").frame
    path = tmp_path / "claim_areas.parquet"
    assert pyarrow_parquet.ParquetFile(path).metadata.num_row_groups == -(-len(whole) // 3) > 1
    read = geopandas.read_parquet(path)
    assert list(read.columns) == list(whole.columns) and len(read) == len(whole)
    assert read.geometry.geom_equals_exact(whole.geometry, tolerance=0).all()
    for name in whole.columns.drop("geometry"):  # a gap of a text column reads back as pandas' own (NaN)
        assert [None if gap else value for value, gap in zip(read[name], read[name].isna())] == [
            None if gap else value for value, gap in zip(whole[name], whole[name].isna())], name
    geo = json.loads(pyarrow_parquet.read_schema(path).metadata[b"geo"])["columns"]["geometry"]
    whole.to_parquet(tmp_path / "whole.parquet", schema_version="1.0.0")
    expected = json.loads(pyarrow_parquet.read_schema(tmp_path / "whole.parquet").metadata[b"geo"])["columns"]
    assert geo["bbox"] == expected["geometry"]["bbox"]
    assert geo["geometry_types"] == expected["geometry"]["geometry_types"]
