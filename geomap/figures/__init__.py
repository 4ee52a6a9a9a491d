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

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .chart import area_chart_figure
from .claims_map import ALL_WINDOWS, claims_map_figure
from .inputs import MapInputs
from .style import ATTRIBUTION, CHART_SIZE_IN, MAP_SIZE_IN
from .view import MapView, focus_cluster, nice_length, scale_bar


def write_figures(tables: Any, out_dir: str | os.PathLike[str], dpi: int = 200,
                  formats: Sequence[str] = ("png", "svg"), jobs: int = 1) -> list[Path]:
    """The claims map of every date window (``map_<window>``) and the area chart (``area_chart``), per format.

    With ``jobs`` > 1 and at least :data:`PARALLEL_MIN_WINDOWS` windows, the
    windows are shared among that many forked processes (a large corpus has a
    hundred windows; each figure is independent, so the files are the same).
    """
    out_dir = Path(out_dir)
    inputs = MapInputs.of(tables)  # the tables converted once for every window's map
    labels = [w.label for w in inputs.windows if inputs.by_window.get(w.label)]

    def draw(share: Sequence[str]) -> None:
        # Each figure is drawn once and saved in every format.
        for label in share:
            claims_map_figure(inputs, label, [out_dir / f"map_{label}.{suffix}" for suffix in formats], dpi=dpi)

    jobs = max(1, min(jobs, len(labels))) if hasattr(os, "fork") and len(labels) >= PARALLEL_MIN_WINDOWS else 1
    # Busiest windows dealt out first, round robin, so the shares take about as long.
    by_load = sorted(labels, key=lambda label: -len(inputs.by_window[label]))
    shares = [by_load[i::jobs] for i in range(jobs)]
    children = [_fork(draw, share) for share in shares[1:]]
    try:
        draw(shares[0])
        area_chart_figure(tables, [out_dir / f"area_chart.{suffix}" for suffix in formats], dpi=dpi)
    finally:
        failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(children)} figure workers failed")
    maps = [out_dir / f"map_{label}.{suffix}" for label in labels for suffix in formats]
    return maps + [out_dir / f"area_chart.{suffix}" for suffix in formats]


# Even two windows gain: the seeds' two maps drawn side by side take 0.2-0.3 s off a cold build.
PARALLEL_MIN_WINDOWS = 2


def _fork(draw: Any, share: Sequence[str]) -> int:
    """Draw ``share`` in a forked child; its exit status says whether it succeeded."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 1
        try:
            from geomap.parallel import follow_parent

            follow_parent()
            draw(share)
            status = 0
        except BaseException as exc:  # noqa: BLE001 - reported on stderr, counted by the parent
            print(f"geomap: figure worker: {type(exc).__name__}: {exc}", file=sys.stderr)
        finally:
            os._exit(status)
    return pid


__all__ = [
    "ALL_WINDOWS", "ATTRIBUTION", "CHART_SIZE_IN", "MAP_SIZE_IN", "MapInputs", "MapView", "area_chart_figure",
    "claims_map_figure", "focus_cluster", "nice_length", "scale_bar", "write_figures",
]
