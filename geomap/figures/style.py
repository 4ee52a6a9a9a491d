"""Shared look and output of geomap's figures: colours, sizes, text with a halo, deterministic saving."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.colors
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib import patheffects
from matplotlib.figure import Figure

from geomap.atomic import atomic_path

ATTRIBUTION = "GeoNames (CC BY 4.0), Natural Earth, © OpenStreetMap contributors (borders, ODbL)"
FORMATS = {".png": "png", ".svg": "svg"}

MAP_SIZE_IN = (11.0, 7.5)
CHART_SIZE_IN = (10.0, 5.5)

WATER = "#c6dbe9"
LAND = "#f3f0e8"
COUNTRY_EDGE = "#6e6e6e"
ADMIN1_EDGE = "#a39a8e"
OCCUPIED_FILL, OCCUPIED_HATCH = "#f1e2de", "#b5564f"
LABEL_GREY = "#6b6358"
ENVELOPE_COLOR = "#333333"
REFERENCE_COLOR = "#111111"
ROLE_DASHES = {"band": (0, (6, 3)), "ring": (0, (2, 3)), "line": "solid", "region": (0, (10, 4, 2, 4))}
HALO = [patheffects.Stroke(linewidth=3, foreground="white")]


def format_of(path: str | os.PathLike[str]) -> str:
    """``"png"`` or ``"svg"`` from the file's suffix; anything else raises ``ValueError`` before drawing."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"figures are written as PNG or SVG; {Path(path).name!r} has neither suffix")
    return FORMATS[suffix]


class DeferredCanvas(FigureCanvasAgg):
    """An Agg canvas that draws only when the figure is saved.

    geopandas asks the canvas to redraw after every layer it plots
    (``draw_idle``); on a non-interactive canvas that is a full render each
    time, which tripled the time to make a map.
    """

    def draw_idle(self, *args, **kwargs) -> None:
        return None


def figure_style():
    """matplotlib settings for these figures only: fixed SVG ids, text as text, matplotlib's bundled font."""
    return matplotlib.rc_context({
        "svg.hashsalt": "geomap",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "axes.titlesize": 12,
        "hatch.linewidth": 0.8,
    })


def save_figure(figure: Figure, path: str | os.PathLike[str], output_format: str, dpi: int) -> Path:
    """Write ``figure`` atomically, without the metadata that would differ between runs or versions.

    PNG: no "Software" entry; SVG: no date and no creator (matplotlib's
    version); the SVG's ids come from ``svg.hashsalt`` set by :func:`figure_style`.
    """
    metadata = {"Software": None} if output_format == "png" else {"Date": None, "Creator": None}
    target = Path(path)
    with atomic_path(target) as temporary:
        figure.savefig(temporary, format=output_format, dpi=dpi, metadata=metadata, facecolor="white")
    return target


def halo_text(ax, x: float, y: float, text: str, **style: Any) -> None:
    """Text with a white halo. The halo is a separate stroked copy (drawn as a path), so the text itself
    stays a ``<text>`` element in SVG: searchable, selectable and readable by screen readers."""
    halo = {**style, "color": "white", "zorder": style.get("zorder", 5) - 0.001}
    ax.text(x, y, text, path_effects=HALO, **halo)
    ax.text(x, y, text, **style)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def with_alpha(color: str, alpha: float) -> tuple[float, float, float, float]:
    red, green, blue = matplotlib.colors.to_rgb(color)
    return (red, green, blue, alpha)
