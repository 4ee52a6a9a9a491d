"""Shared look and output of geomap's figures: colours, sizes, text with a halo, deterministic saving."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.colors
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib import patheffects
from matplotlib.figure import Figure

from geomap.atomic import atomic_path

# zlib level of PNG figures: at 3 a 2200×1500 map encodes in ~75 ms instead of ~105 ms at the default
# (6), for files ~9 % larger; most of the rest is Pillow choosing each row's filter.
PNG_COMPRESS_LEVEL = 3
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

    PNG: no "Software" entry, zlib level :data:`PNG_COMPRESS_LEVEL`; SVG: no
    date and no creator (matplotlib's version); the SVG's ids come from
    ``svg.hashsalt`` set by :func:`figure_style`.
    """
    png = output_format == "png"
    metadata = {"Software": None} if png else {"Date": None, "Creator": None}
    options: dict[str, Any] = {"pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}} if png else {}
    target = Path(path)
    with atomic_path(target) as temporary:
        figure.savefig(temporary, format=output_format, dpi=dpi, metadata=metadata, facecolor="white", **options)
    return target


def legend_room(labels: Sequence[str], room_pt: float, fontsize: float, title_pt: float, handleheight: float,
                labelspacing: float) -> int:
    """How many entries of a one-column legend whose top is ``room_pt`` above the figure's bottom edge can show.

    Each entry is at least as tall as its lines at the font size (or its handle,
    ``handleheight`` font sizes) plus ``labelspacing`` font sizes, and the title at
    least ``title_pt``; an entry whose top is below the edge even by that count
    cannot show. The legend is left-aligned and anchored at its top, so leaving
    those entries out moves nothing that is drawn.
    """
    offset = title_pt  # below the legend's top, in points
    for count, label in enumerate(labels):
        if offset >= room_pt:
            return count
        offset += (max(label.count("\n") + 1, handleheight) + labelspacing) * fontsize
    return len(labels)


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
