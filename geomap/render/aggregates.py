"""Claims summed up per region and date window, for a large map seen from afar.

At a low zoom a window of a large corpus is hundreds of overlapping shapes a few
pixels wide. Below :attr:`geomap.render.budget.MapBudget.aggregate_below_zoom`
the map shows instead one circle per admin-1 region and window: how many claims
fall in the region (by their shape's representative point, as theatres are made),
from how many sources, and the median of the areas they claim. Zooming in past
that level brings the claims' own shapes back (:class:`AggregateSwitch`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import shapely
from branca.element import Element

from .elements import TemplateElement
from .panel import plural
from geomap.view import format_km2, regions_holding

AGGREGATE_PANE = "geomapAggregates"
AGGREGATE_STYLE = {"color": "#ffffff", "weight": 1.5, "fillColor": "#1f4e79", "fillOpacity": 0.75}


def placed_in_regions(rows: Sequence[Mapping[str, Any]], regions: Sequence[Mapping[str, Any]]
                      ) -> list[tuple[int, Any]]:
    """For each mapped row, the region holding its shape's representative point (-1 without regions) and the point.

    Looked up for every window's rows at once: the regions' tree is built once and each point found once.
    """
    shapes = [row["geometry"] for row in regions]
    claim_shapes = [row["geometry"] for row in rows]
    points = shapely.point_on_surface(np.asarray(claim_shapes, dtype=object)).tolist() if rows else []
    indices = regions_holding(claim_shapes, shapely.STRtree(shapes), points) if shapes else [-1] * len(rows)
    return list(zip(indices, points))


def region_aggregates(rows: Sequence[Mapping[str, Any]], regions: Sequence[Mapping[str, Any]],
                      window_name: str, ndigits: int = 4,
                      placed: Sequence[tuple[int, Any]] | None = None) -> list[dict[str, Any]]:
    """One GeoJSON point per region holding claims of ``rows`` (one window's mapped geometry rows).

    The point is the median of the claims' representative points (inside the region
    where the claims are); its radius grows with the square root of the count, so
    that areas compare; the tooltip gives the count, the sources and the median
    claimed area. Regions are rows with ``name`` and ``geometry``; ``placed`` is
    :func:`placed_in_regions` of ``rows`` when made already.
    """
    placed = placed if placed is not None else placed_in_regions(rows, regions)
    groups: dict[int, list[tuple[Mapping[str, Any], Any]]] = {}
    for row, (index, point) in zip(rows, placed):
        groups.setdefault(index, []).append((row, point))
    features = []
    for index in sorted(groups):
        members = groups[index]
        claim_ids = {row["claim_id"] for row, _ in members}
        sources = {row["source"] for row, _ in members}
        areas = [float(row["km2"]) for row, _ in {row["claim_id"]: (row, p) for row, p in members}.values()
                 if row.get("km2") is not None]
        region = str(regions[index].get("name") or "region") if index >= 0 else "claims"
        median = f", median claimed area {format_km2(statistics.median(areas))}" if areas else ""
        lon = statistics.median(point.x for _, point in members)
        lat = statistics.median(point.y for _, point in members)
        text = (f"{region} · {window_name}: {plural(len(claim_ids), 'claim')} from {plural(len(sources), 'source')}"
                f"{median} (zoom in for the claims)")
        features.append({"type": "Feature", "geometry": {"type": "Point",
                                                         "coordinates": [round(lon, ndigits), round(lat, ndigits)]},
                         "properties": {"t": text, "r": round(5 + 3 * math.sqrt(len(claim_ids)), 1)}})
    return features


class AggregateSwitch(TemplateElement):
    """Shows the regions' summaries below ``below_zoom`` and the claims' shapes from there on.

    The claims (Leaflet's overlay pane) and the summaries (their own pane) are
    switched as panes, so the date control can add and remove either kind of layer
    without knowing the zoom.
    """

    template_name = "aggregate_switch.js"
    element_name = "AggregateSwitch"

    def __init__(self, folium_map: Element, below_zoom: int):
        super().__init__()
        self.folium_map = folium_map
        self.below_zoom = below_zoom
        self.pane = AGGREGATE_PANE
