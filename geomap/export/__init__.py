"""geomap's exports for reports: GeoPackage, GeoJSON, CSV and HTML fragments.

>>> from geomap.export import write_exports, fragment_html     # doctest: +SKIP
>>> write_exports(results, "outputs/exports")                  # doctest: +SKIP
>>> html = fragment_html(build_map(..., prefix="kursk"))       # doctest: +SKIP

``tables`` is anything that holds the pipeline's tables by name, as a mapping
or as attributes (e.g. :class:`geomap.pipeline.Results`); see
:mod:`geomap.export.layers` for the names and the layers made from them.
Static figures (PNG/SVG) are in :mod:`geomap.figures`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pandas

from .layers import ChunkedLayer, Layer, claim_shapes_layer, export_layers, iter_layer_parts, iter_layers, table
from .writers import (
    PARQUET_LAYERS, CsvPieces, GeojsonPieces, GeoparquetWriter, add_geopackage_layer, csv_text, geojson_pieces,
    geojson_text, write_geopackage, write_pieces,
)

log = logging.getLogger("geomap")

GEOPACKAGE_NAME = "geomap.gpkg"
CSV_LAYERS = ("claims", "place_status", "checks", "spread", "comparison", "sources")
COMBINED_CLAIM_GEOJSON = "claim_geometries.geojson"
# What an export can write: "gpkg" every layer in geomap.gpkg; "geojson" claim_geometries.geojson (every claim
# shape) and one GeoJSON per point and polygon layer (GEOJSON_LAYERS); "csv" the tables of CSV_LAYERS; "parquet"
# the large layers as GeoParquet. The claim shapes are one GeoJSON file, not three: claim_areas and claim_lines are
# its polygons and lines, split for the GeoPackage, whose layers have one geometry type.
EXPORT_KINDS = ("gpkg", "geojson", "csv", "parquet")
DEFAULT_EXPORTS = ("gpkg", "geojson", "csv")
GEOJSON_LAYERS = ("places", "mentions", "claims", "place_status", "envelopes", "reference")


def write_layer_files(tables: Any, folder: str | os.PathLike[str], kinds: Collection[str] = DEFAULT_EXPORTS
                      ) -> list[Path]:
    """Write the export files of ``kinds`` (see :data:`EXPORT_KINDS`) into ``folder``, one layer at a time.

    Each layer is made, written into every file it belongs to and let go
    before the next is made; a large layer a frame of rows at a time
    (:class:`~geomap.export.layers.ChunkedLayer`), each frame written into
    every file before the next is made, and text a few thousand rows at a
    time: the memory this takes is that of a frame of the largest layer (and
    a GeoParquet row group), not of all of them and their text. Files are
    written in place (``folder`` is a staging folder; :func:`write_exports`
    moves them into the output folder). Returns the
    paths written: ``geomap.gpkg`` first, then the others in the order they
    were written.
    """
    unknown = set(kinds) - set(EXPORT_KINDS)
    if unknown:
        raise ValueError(f"unknown export kinds: {sorted(unknown)} (known: {', '.join(EXPORT_KINDS)})")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = [folder / GEOPACKAGE_NAME] if "gpkg" in kinds else []
    making = time.perf_counter()
    for index, layer in enumerate(iter_layer_parts(tables)):
        writing = time.perf_counter()
        texts: dict[Path, GeojsonPieces | CsvPieces] = {}
        if "geojson" in kinds and layer.name in GEOJSON_LAYERS:
            texts[folder / f"{layer.name}.geojson"] = GeojsonPieces()
        if "csv" in kinds and layer.name in CSV_LAYERS:
            texts[folder / f"{layer.name}.csv"] = CsvPieces()
        parquet = (GeoparquetWriter(folder / f"{layer.name}.parquet", layer.spatial)
                   if "parquet" in kinds and layer.name in PARQUET_LAYERS else None)
        rows = [0]
        with contextlib.ExitStack() as files:
            handles = {path: files.enter_context(open(path, "wb")) for path in texts}  # noqa: SIM115 - closed by files

            def each_frame(layer: Layer | ChunkedLayer = layer) -> Iterator[pandas.DataFrame]:
                # Each frame into the text and GeoParquet files as the GeoPackage's writer takes it.
                for path, text in texts.items():
                    handles[path].write(text.start().encode("utf-8"))
                for frame in layer.frames():
                    for path, text in texts.items():
                        for piece in text.of(frame):
                            handles[path].write(piece.encode("utf-8"))
                    if parquet is not None:
                        parquet.add(frame)
                    rows[0] += len(frame)
                    yield frame
                for path, text in texts.items():
                    handles[path].write(text.end().encode("utf-8"))

            frames = each_frame()
            if "gpkg" in kinds:
                add_geopackage_layer(layer, folder / GEOPACKAGE_NAME, first=index == 0, frames=frames)
            for _ in frames:  # the text files' ends (and every frame, without a GeoPackage)
                pass
        written.extend(texts)
        if parquet is not None:
            written.append(parquet.close())
        log.info("layer %s: %d rows, made and written in %.1f s (%.1f s before its first row)", layer.name, rows[0],
                 time.perf_counter() - making, writing - making)
        del layer
        making = time.perf_counter()
    if "geojson" in kinds:
        shapes = claim_shapes_layer(table(tables, "claim_geoms"))
        written.append(write_pieces(folder / COMBINED_CLAIM_GEOJSON, geojson_pieces(shapes)))
    return written


def write_exports(tables: Any, out_dir: str | os.PathLike[str], kinds: Collection[str] = DEFAULT_EXPORTS
                  ) -> list[Path]:
    """Write the GeoPackage, GeoJSON and CSV exports of ``tables`` into ``out_dir``.

    Parameters
    ----------
    tables : mapping or object
        The pipeline's tables (``claim_geoms`` required; see
        :mod:`geomap.export.layers`).
    out_dir : path
        Created if needed. Files of a previous export that this one does not
        write (e.g. ``comparison.csv`` without a reference) are left alone.
    kinds : collection of str
        Which files (:data:`EXPORT_KINDS`; default :data:`DEFAULT_EXPORTS`).

    Returns
    -------
    list of Path
        ``geomap.gpkg`` (one table per layer), then the GeoJSON and CSV files,
        in a fixed order.

    Notes
    -----
    Every file is written into a temporary folder in ``out_dir`` (by
    :func:`write_layer_files`) and moved into place with ``os.replace`` once
    all of them are complete. The same tables always give byte-identical files
    (the GeoPackage's timestamps are fixed, see :mod:`geomap.export.writers`).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".geomap-export-", dir=out_dir) as staging:
        made = write_layer_files(tables, staging, kinds)  # all made before the first file is replaced
        written = []
        for path in made:
            os.chmod(path, 0o644)
            os.replace(path, out_dir / path.name)
            written.append(out_dir / path.name)
    return written


# The fragment writer needs folium; it is loaded on first use, so that the figures (which read the layers)
# do not import folium and compile its page templates in a process that never writes a page.
_FRAGMENT_NAMES = ("NotebookMap", "enable_notebook_display", "fragment_html", "notebook_html", "write_fragment")


def __getattr__(name: str) -> Any:
    if name not in _FRAGMENT_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import fragment

    value = getattr(fragment, name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_EXPORTS", "EXPORT_KINDS", "GEOPACKAGE_NAME", "Layer", "NotebookMap", "csv_text", "enable_notebook_display",
    "export_layers", "fragment_html", "geojson_text", "iter_layers", "notebook_html",
    "write_exports", "write_fragment", "write_geopackage", "write_layer_files",
]
