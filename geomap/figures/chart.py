"""The claimed-area-over-time chart as a static PNG or SVG figure."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib.dates
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from shapely.geometry.base import BaseGeometry

from geomap.dates import table_date
from geomap.export.layers import in_wgs84, table
from geomap.export.values import frame_rows
from geomap.render.chart import AreaSeries, claim_area_series, reference_series
from geomap.render.features import reference_area_km2
from geomap.view import claim_records, date_windows, source_colors, source_names, source_records

from .inputs import MapInputs
from .style import CHART_SIZE_IN, DeferredCanvas, figure_style, format_of, legend_room, save_figure, shorten

CHART_AXES = (0.09, 0.14, 0.58, 0.74)  # left, bottom, width, height (figure fraction)
HELD_AREA_KINDS = ("area_held", "area_seized", "share_held", "share_retaken")  # what the chart compares


def area_chart_figure(tables: Any, path: str | os.PathLike[str], dpi: int = 200,
                      size: tuple[float, float] = CHART_SIZE_IN, inputs: MapInputs | None = None) -> Path:
    """Draw claimed held area (km²) over time, one line with markers per source, and write it.

    Each claim is a marker at the middle of the dates it is valid for, with a
    horizontal bar across them when they span days; a source's claims are
    joined in date order. Held-area kinds only (area held or seized, shares
    held or retaken, with the area derived for shares); region shares and
    relative areas would dwarf the rest. The reference layer's area per date,
    when ``tables`` has one, is a dashed black line.

    ``inputs``, the :class:`~geomap.figures.inputs.MapInputs` of ``tables``
    when the maps have made them, saves reading the claims again.

    Returns
    -------
    Path
        The PNG or SVG file written (atomically).
    """
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    output_formats = [format_of(p) for p in paths]  # checked before drawing; one drawing is saved in each format
    series, undated, reference = chart_series(tables, inputs)
    with figure_style():
        figure = Figure(figsize=size)
        DeferredCanvas(figure)
        ax = figure.add_axes(CHART_AXES)
        ax.xaxis_date()
        charted = [s for s in series if s.points]
        drawn = charted + ([reference] if reference else [])
        entries = _draw_claim_series(ax, charted)
        if reference:
            entries += _draw_reference(ax, reference)
        ax.set_ylabel("claimed area (km²)")
        ax.set_ylim(bottom=0)
        ax.grid(True, color="#dddddd", linewidth=0.7)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        locator = matplotlib.dates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(locator))
        if drawn:
            first = min(p.start for s in drawn for p in s.points)
            last = max(p.end for s in drawn for p in s.points)
            pad = max(timedelta(days=10), (last - first) * 0.06)
            ax.set_xlim(first - pad, last + pad)
            # One entry per source: only those that can show above the figure's bottom edge are made.
            labels = [label for _, label in entries]
            shown = legend_room(labels, (CHART_AXES[1] + CHART_AXES[3]) * size[1] * 72, 9, 9,
                                matplotlib.rcParams["legend.handleheight"], matplotlib.rcParams["legend.labelspacing"])
            ax.legend([handle for handle, _ in entries[:shown]], labels[:shown], loc="upper left",
                      bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize=9, title="source", title_fontsize=9,
                      alignment="left")
        else:
            ax.text(0.5, 0.5, "no dated area claims", transform=ax.transAxes, ha="center", va="center",
                    color="#777777")
        figure.text(0.09, 0.95, "Claimed area over time", fontsize=14, weight="bold")
        notes = ["Held-area claims only; shares are charted at their derived area (see claims.csv, derivation)."]
        if undated:
            notes.append(f"{undated} area claim{'s' if undated != 1 else ''} without a date not charted.")
        figure.text(0.09, 0.035, " ".join(notes), fontsize=8, color="#555555")
        written = [save_figure(figure, p, f, dpi) for p, f in zip(paths, output_formats)]
        return written[0]


def chart_series(tables: Any, inputs: MapInputs | None = None) -> tuple[list[AreaSeries], int, AreaSeries | None]:
    """What the chart draws: a series per source, the number of held-area claims without a date, the reference.

    All the chart reads of the tables, so also its key in the figure cache."""
    if inputs is None:
        claims = claim_records(table(tables, "claim_geoms"))
        sources = source_records(frame_rows(table(tables, "sources")))
        colors, names, windows = source_colors(sources, claims), source_names(sources, claims), date_windows(claims)
    else:
        claims, colors, names, windows = inputs.claims, inputs.colors, inputs.names, inputs.windows
    held = [c for c in claims if c.get("kind") in HELD_AREA_KINDS]
    series, undated = claim_area_series(held, windows, colors, names)
    return series, undated, _reference_series(table(tables, "reference"))


def _reference_series(reference: Any) -> AreaSeries | None:
    if reference is None or len(reference) == 0 or "date" not in reference.columns:
        return None
    reference = in_wgs84(reference)
    by_day: dict[date, list[BaseGeometry]] = {}
    labels: dict[date, list[str]] = {}
    label_column = reference["label"] if "label" in reference.columns else [None] * len(reference)
    for day, geometry, label in zip(reference["date"], reference.geometry, label_column):
        parsed = table_date(day)
        if parsed is None:
            continue
        by_day.setdefault(parsed, []).append(geometry)
        if label:
            labels.setdefault(parsed, []).append(str(label))
    return reference_series([(day, reference_area_km2(shapes), ", ".join(dict.fromkeys(labels.get(day, []))))
                             for day, shapes in sorted(by_day.items())])


def _draw_reference(ax, series: AreaSeries) -> list[tuple[Any, str]]:
    middles = [p.start + (p.end - p.start) / 2 for p in series.points]
    line = ax.plot(middles, [p.km2 for p in series.points], color=series.color, linestyle=(0, (5, 3)),
                   linewidth=1.8, marker="s", markersize=5, zorder=3)[0]
    return [(line, "reference")]


def _draw_claim_series(ax, charted: list[AreaSeries]) -> list[tuple[Any, str]]:
    """Each source's claims: a line through them in date order, a marker at the middle of each claim's dates and a
    bar across them when they span days; returns a legend entry per source.

    The lines, the markers and the bars are one collection each (a 10,000-article corpus has 8,000 sources: an
    artist per source and per bar took the chart a minute); the markers are drawn over every line.
    """
    lines, line_colors, bars, bar_colors, xs, ys, marker_colors = [], [], [], [], [], [], []
    entries: list[tuple[Any, str]] = []
    for series in charted:
        middles = matplotlib.dates.date2num([p.start + (p.end - p.start) / 2 for p in series.points])
        values = [p.km2 for p in series.points]
        lines.append(np.column_stack([middles, values]))
        line_colors.append(series.color)
        xs.extend(middles.tolist())
        ys.extend(values)
        marker_colors.extend([series.color] * len(values))
        for point in series.points:
            if point.end > point.start:
                ends = matplotlib.dates.date2num([point.start, point.end + timedelta(days=1)])
                bars.append([(ends[0], point.km2), (ends[1], point.km2)])
                bar_colors.append(series.color)
        entries.append((Line2D([], [], color=series.color, linewidth=1.8, marker="o", markersize=6,
                               markeredgecolor="white", markeredgewidth=0.8), shorten(series.name, 40)))
    if not charted:
        return entries
    if bars:
        ax.add_collection(LineCollection(bars, colors=bar_colors, linewidths=1.0, alpha=0.6, capstyle="butt",
                                         zorder=3.5))
    ax.add_collection(LineCollection(lines, colors=line_colors, linewidths=1.8, zorder=4))
    ax.scatter(xs, ys, s=36, c=marker_colors, edgecolors="white", linewidths=0.8, zorder=4)
    return entries
