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

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..atomic import write_text
from .layers import Layer, export_layers, in_wgs84, table
from .writers import csv_text, geojson_text, write_geopackage

GEOPACKAGE_NAME = "geomap.gpkg"
CSV_LAYERS = ("claims", "place_status", "checks", "spread", "comparison", "sources")
COMBINED_CLAIM_GEOJSON = "claim_geometries.geojson"


def export_texts(tables: Any, layers: list[Layer] | None = None) -> dict[str, str]:
    """The GeoJSON and CSV files of an export, by file name (nothing written): see :func:`export_files`."""
    return dict(export_files(tables, layers))


def export_files(tables: Any, layers: list[Layer] | None = None) -> Iterator[tuple[str, str]]:
    """The GeoJSON and CSV files of an export, as (file name, text), one at a time.

    One ``<layer>.geojson`` per spatial layer, ``claim_geometries.geojson``
    with every mapped claim geometry as it is (polygons and lines in one
    collection, which GeoJSON allows), and ``<table>.csv`` for claims,
    place_status, checks, spread, comparison and sources when present.
    One at a time, so that a writer holds one file's text, not all of them:
    a 10,000-article corpus's files are 2.4 GB of text.
    """
    layers = export_layers(tables) if layers is None else layers
    for layer in layers:
        if layer.spatial:
            yield f"{layer.name}.geojson", geojson_text(layer.frame)
    yield COMBINED_CLAIM_GEOJSON, geojson_text(_mapped_claims(tables))
    for layer in layers:
        if layer.name in CSV_LAYERS:
            yield f"{layer.name}.csv", csv_text(layer.frame)


def write_exports(tables: Any, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write the GeoPackage, GeoJSON and CSV exports of ``tables`` into ``out_dir``.

    Parameters
    ----------
    tables : mapping or object
        The pipeline's tables (``claim_geoms`` required; see
        :mod:`geomap.export.layers`).
    out_dir : path
        Created if needed. Files of a previous export that this one does not
        write (e.g. ``comparison.csv`` without a reference) are left alone.

    Returns
    -------
    list of Path
        ``geomap.gpkg`` (one table per layer), then the GeoJSON and CSV files,
        in a fixed order.

    Notes
    -----
    Every file is written to a temporary file in ``out_dir`` and moved into
    place with ``os.replace``; all contents are prepared before the first file
    is replaced. The same tables always give byte-identical files (the
    GeoPackage's timestamps are fixed, see :mod:`geomap.export.writers`).
    """
    out_dir = Path(out_dir)
    layers = export_layers(tables)
    texts = export_texts(tables, layers)  # all made before the first file is replaced
    written = [write_geopackage(layers, out_dir / GEOPACKAGE_NAME)]
    for name, text in texts.items():
        write_text(out_dir / name, text)
        written.append(out_dir / name)
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


def _mapped_claims(tables: Any):
    frame = in_wgs84(table(tables, "claim_geoms"))
    mapped = [geometry is not None and not geometry.is_empty for geometry in frame.geometry]
    return frame[mapped]


__all__ = [
    "GEOPACKAGE_NAME", "Layer", "NotebookMap", "csv_text", "enable_notebook_display", "export_files", "export_layers",
    "export_texts", "fragment_html",
    "geojson_text", "notebook_html", "write_exports", "write_fragment", "write_geopackage",
]
