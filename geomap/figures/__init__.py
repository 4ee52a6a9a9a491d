"""Static figures for reports: the claims map of a date window and the claimed-area chart.

Both are drawn with matplotlib (through geopandas for the map) on a
``Figure`` with the Agg canvas, so no display, no pyplot state and no network
are needed, and written as PNG or SVG (chosen by the file's suffix):

- :func:`claims_map_figure`: an offline basemap (countries and admin-1
  regions from the bundled gazetteer, clipped to the map), the claim
  geometries of one date window coloured per source (the same colours as the
  HTML map), the places the articles name, a scale bar measured with pyproj
  at the map's centre, a north arrow and the data attribution. The map is
  drawn in a Lambert azimuthal equal-area projection centred on the claims,
  so areas compare truly.
- :func:`area_chart_figure`: claimed held area (km²) against date, a line
  with markers per source, and the reference layer's area when given.

Output is deterministic: PNG without the "Software" entry, SVG without a
date, with a fixed hash salt for its ids and text as ``<text>`` elements.

Modules: ``claims_map`` (the map), ``inputs`` (the tables as the maps read
them, converted once for all windows), ``draw`` (geometries as matplotlib
collections), ``chart`` (the chart), ``view`` (projection, extent, scale bar,
label room), ``style`` (colours, saving).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import shapely.errors

from geomap.workers import release_freed_memory

from .chart import area_chart_figure, chart_series
from .claims_map import ALL_WINDOWS, claims_map_figure, window_figure_inputs
from .inputs import MapInputs
from .style import ATTRIBUTION, CHART_SIZE_IN, MAP_SIZE_IN
from .view import MapView, focus_cluster, nice_length, scale_bar

log = logging.getLogger("geomap")


def write_figures(tables: Any, out_dir: str | os.PathLike[str], dpi: int = 200,
                  formats: Sequence[str] = ("png", "svg"), windows: Sequence[str] | None = None,
                  chart: bool = True, kept: Any = None) -> list[Path]:
    """The claims map of every date window (``map_<window>``) and the area chart (``area_chart``), per format.

    ``windows`` limits the maps to those windows and ``chart=False`` leaves the
    chart out, so that several processes can share one run's figures (each
    figure is independent: the files are the same however they are shared).
    With ``kept`` (a :class:`geomap.figure_cache.FigureCache`) a figure whose own inputs
    (:func:`~geomap.figures.claims_map.window_figure_inputs`, :func:`~geomap.figures.chart.chart_series`)
    are in the cache is copied from it, and one drawn is kept there. A figure GEOS cannot draw (an overlay
    of its shapes that fails even on a snap-rounding grid) is left out with a warning naming it; the others
    are written. Returns the paths written.
    """
    out_dir = Path(out_dir)
    inputs = MapInputs.of(tables)  # the tables converted once for every window's map
    labels = [w.label for w in inputs.windows if inputs.by_window.get(w.label)]
    if windows is not None:
        labels = [label for label in labels if label in set(windows)]
    keys: dict[str, str] = {}  # figure name -> its key in ``kept`` (none for inputs that cannot be pickled)
    if kept is not None:
        # one figure's inputs at a time: made, digested and let go
        own_inputs = ((f"map_{label}", window_figure_inputs(inputs, label)) for label in labels)
        charted = (("area_chart", chart_series(tables, inputs)),) if chart else ()
        for name, figure_inputs in itertools.chain(own_inputs, charted):
            key = kept.figure_key(name, figure_inputs, dpi, formats)
            if key is not None:
                keys[name] = key
    found = kept.get_figures(list(keys.values())) if kept is not None else {}

    def copied(name: str, paths: list[Path]) -> bool:
        files = found.get(keys.get(name, ""))
        if files is None or sorted(files) != sorted(path.name for path in paths):
            return False
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in paths:
            path.write_bytes(files[path.name])
        return True

    def keep(name: str, paths: list[Path]) -> None:
        if kept is not None and name in keys:
            kept.put(keys[name], {path.name: path.read_bytes() for path in paths})

    written = []
    for label in labels:  # each figure is drawn once and saved in every format
        paths = [out_dir / f"map_{label}.{suffix}" for suffix in formats]
        if copied(f"map_{label}", paths):
            written += paths
            continue
        if _drawn(f"map_{label} (the claims map of window {label})", claims_map_figure, inputs, label, paths,
                  dpi=dpi):
            written += paths
            keep(f"map_{label}", paths)
        # A drawn figure's artists hold each other (matplotlib's parents and children): collected now, not after
        # the next few, and their pixel buffers given back, so that a dozen figures take one's memory, not twelve.
        release_freed_memory()
    if chart:
        paths = [out_dir / f"area_chart.{suffix}" for suffix in formats]
        if copied("area_chart", paths):
            written += paths
        elif _drawn("area_chart (every window)", area_chart_figure, tables, paths, dpi=dpi, inputs=inputs):
            written += paths
            keep("area_chart", paths)
    if kept is not None:
        kept.flush()
    return written


def _drawn(figure: str, draw: Callable[..., Path], *args: Any, **kwargs: Any) -> bool:
    """Draw a figure; when GEOS cannot (see :mod:`geomap.geometry.overlay`), say so and go on without it."""
    try:
        draw(*args, **kwargs)
    except shapely.errors.GEOSException as exc:
        log.warning("figure %s left out: GEOS could not draw its shapes (%s)", figure, exc)
        return False
    return True


def prepare() -> None:
    """Do the work every figure needs before its tables are known: imports, fonts, the basemap polygons' index.

    A build's worker does this while the text stages run, so that drawing starts at once.
    """
    import io

    from matplotlib.figure import Figure

    from geomap.gazetteer import load_regions

    from .style import figure_style

    load_regions().tree  # noqa: B018 - the spatial index every map's basemap query uses
    with figure_style():
        # Loads the fonts (regular, bold, italic) and Agg's text machinery once: a tiny figure, thrown away.
        figure = Figure(figsize=(1, 1))
        for y, style in ((0.2, {}), (0.5, {"fontweight": "bold"}), (0.8, {"style": "italic"})):
            figure.text(0.5, y, "geomap", **style)
        figure.savefig(io.BytesIO(), format="png", dpi=20)


__all__ = [
    "ALL_WINDOWS", "ATTRIBUTION", "CHART_SIZE_IN", "MAP_SIZE_IN", "MapInputs", "MapView", "area_chart_figure",
    "claims_map_figure", "focus_cluster", "nice_length", "prepare", "scale_bar", "write_figures",
]
