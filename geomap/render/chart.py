"""An inline SVG chart of claimed area (km²) over time, one series per source.

Drawn in Python (no JavaScript library): each claim with an area is a dot at
the middle of the dates it is valid for, with a bar across those dates; a
source's dots are joined in date order. A reference layer, when given, is a
dashed black line. The SVG is written by the ``chart.svg`` template.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup

from .budget import spread_evenly
from .elements import render_template
from geomap.view import DateWindow, cell_day, claimed_text, format_number

from .panel import group_claims


@dataclass(frozen=True)
class AreaPoint:
    """One claimed (or reference) area and the dates it is valid for."""

    start: date
    end: date
    km2: float
    label: str  # shown on hover


@dataclass(frozen=True)
class AreaSeries:
    name: str
    color: str
    points: tuple[AreaPoint, ...]
    reference: bool = False


# Claims about the area one side holds (directly or through a share of a base): the quantity
# the sources disagree on. Region shares ("a fifth of Ukraine") and relative areas are other
# subjects and would only flatten the chart.
CHARTED_KINDS = frozenset({"area_held", "area_seized", "share_held", "share_retaken"})


def claim_area_series(claims: Sequence[Mapping[str, Any]], windows: Sequence[DateWindow],
                      colors: Mapping[str, str], names: Mapping[str, str]) -> tuple[list[AreaSeries], int]:
    """Series of dated area claims per source, and how many area claims had no date."""
    window_by_label = {window.label: window for window in windows}
    points: dict[str, list[AreaPoint]] = {}
    undated = 0
    for rows in group_claims(claims).values():
        claim = rows[0]
        if claim.get("km2") is None or claim.get("kind") not in CHARTED_KINDS:
            continue
        window = window_by_label.get(claim.get("window") or "")
        start = cell_day(claim.get("as_of_start")) or cell_day(claim.get("as_of_end"))
        end = cell_day(claim.get("as_of_end")) or start
        if start is None and window is not None and window.dated:
            start, end = window.start, window.end
        if start is None or end is None:
            undated += 1
            continue
        name = names.get(claim["source"], claim["source"])
        label = f"{name}: {claimed_text(claim)} = {format_number(round(claim['km2']))} km², {_span(start, end)}"
        points.setdefault(claim["source"], []).append(AreaPoint(start, max(start, end), float(claim["km2"]), label))
    order = [source for source in colors if source in points]
    order += sorted(source for source in points if source not in colors)
    series = [
        AreaSeries(names.get(source, source), colors.get(source, "#999999"),
                   tuple(sorted(points[source], key=lambda p: (p.start, p.end, p.km2))))
        for source in order
    ]
    return series, undated


def _span(start: date, end: date) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()} – {end.isoformat()}"


def reference_series(reference_areas: Sequence[tuple[date, float, str]]) -> AreaSeries | None:
    """The reference layer's area per date as a series (``None`` when there is none)."""
    points = tuple(
        AreaPoint(day, day, float(km2), f"reference {label}: {format_number(round(km2))} km², {day.isoformat()}")
        for day, km2, label in sorted(reference_areas)
    )
    return AreaSeries("reference", "#111111", points, reference=True) if points else None


def nice_step(span: float, target_ticks: int = 5) -> float:
    """A 1/2/5 × 10ⁿ step giving about ``target_ticks`` ticks over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def month_ticks(first: date, last: date, max_ticks: int = 6) -> list[date]:
    """First days of months between ``first`` and ``last``, thinned to ``max_ticks``."""
    months = []
    current = date(first.year, first.month, 1)
    if current < first:
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    step = max(1, math.ceil(len(months) / max_ticks))
    return months[::step]


def area_chart_svg(series: Sequence[AreaSeries], width: int = 360, plot_height: int = 150,
                   joined: bool = True, legend: bool = True) -> Markup | None:
    """The chart as inline SVG markup, or ``None`` when no series has a point.

    ``joined=False`` draws dots without lines between a source's claims;
    ``legend=False`` names only the reference series under the chart.
    """
    series = [s for s in series if s.points]
    if not series:
        return None
    left, right, top = 48, 10, 8
    axis_height = 22
    legend_row = 14
    named = [s for s in series if legend or s.reference]
    legend_rows = math.ceil(len(named) / 2)
    height = top + plot_height + axis_height + legend_rows * legend_row + 4

    first = min(p.start for s in series for p in s.points)
    last = max(p.end for s in series for p in s.points)
    pad = max(timedelta(days=10), (last - first) * 0.05)
    first, last = first - pad, last + pad
    total_days = (last - first).days
    top_value = max(p.km2 for s in series for p in s.points)
    step = nice_step(top_value * 1.05)
    y_max = step * math.ceil(top_value * 1.05 / step) if top_value > 0 else 1.0
    plot_width = width - left - right

    def x(day: date) -> float:
        return round(left + plot_width * (day - first).days / total_days, 1)

    def y(value: float) -> float:
        return round(top + plot_height * (1 - value / y_max), 1)

    y_ticks = []
    tick = 0.0
    while tick <= y_max + step / 2:
        y_ticks.append({"y": y(tick), "label": format_number(tick)})
        tick += step
    x_ticks = [{"x": x(day), "label": day.strftime("%Y-%m")} for day in month_ticks(first, last)]

    drawn = []
    legend_index = {id(s): index for index, s in enumerate(named)}
    for s in series:
        index = legend_index.get(id(s))
        marks = []
        for p in s.points:
            middle = p.start + (p.end - p.start) / 2
            marks.append({"x1": x(p.start), "x2": x(p.end), "cx": x(middle), "cy": y(p.km2), "label": p.label})
        path = " ".join(f"{m['cx']},{m['cy']}" for m in marks)
        drawn.append({
            "name": s.name, "color": s.color, "reference": s.reference, "marks": marks,
            "path": path if len(marks) > 1 and (joined or s.reference) else "",
            "legend": index is not None,
            "legend_x": left + ((index or 0) % 2) * (plot_width // 2),
            "legend_y": top + plot_height + axis_height + ((index or 0) // 2) * legend_row + 10,
        })
    svg = render_template(
        "chart.svg", width=width, height=height, left=left, right=width - right, top=top,
        bottom=top + plot_height, y_ticks=y_ticks, x_ticks=x_ticks, series=drawn,
    )
    return Markup(svg)


def thinned_chart_svg(series: Sequence[AreaSeries], max_series: int, max_points: int) -> tuple[Markup | None, str]:
    """The chart of a corpus of any size, and a note on what it leaves out ("" when nothing).

    Up to ``max_series`` sources and ``max_points`` claims, this is
    :func:`area_chart_svg`. Beyond, claims are dots (lines joining thousands of
    sources' claims would only hide them), at most ``max_points`` of them picked
    at even steps in date order so that the chart keeps the shape of the
    corpus; only the reference keeps a legend.
    """
    claim_series = [s for s in series if not s.reference and s.points]
    n_points = sum(len(s.points) for s in claim_series)
    if len(claim_series) <= max_series and n_points <= max_points:
        return area_chart_svg(series), ""
    ordered = sorted(((p.start, p.end, p.km2, index, position)
                      for index, s in enumerate(claim_series) for position, p in enumerate(s.points)))
    kept: dict[int, list[AreaPoint]] = {}
    for _, _, _, index, position in spread_evenly(ordered, max_points):
        kept.setdefault(index, []).append(claim_series[index].points[position])
    thinned = [AreaSeries(claim_series[index].name, claim_series[index].color, tuple(points))
               for index, points in sorted(kept.items())]
    few = len(claim_series) <= max_series
    svg = area_chart_svg(thinned + [s for s in series if s.reference], joined=few, legend=few)
    drawn = sum(len(points) for points in kept.values())
    note = f"{n_points:,} area claims from {len(claim_series):,} sources"
    note += f", {drawn:,} of them drawn, spread over time" if drawn < n_points else ""
    if not few:
        note += "; one dot per claim, colours repeat"
    return svg, note
