"""How much of a large corpus goes onto one page, and which part.

A map of the five seed articles shows every claim, every quote and every
source. A map of ten thousand articles cannot: its page would weigh hundreds
of megabytes and take minutes to open. The renderer therefore works within a
:class:`MapBudget`. Under the budget (small corpora) nothing changes; over it,
the page draws a bounded, deterministic selection and says how much it left
out, pointing to the exported tables that hold everything.

The selection is a pure function of the claims, so the same inputs give the
same page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geomap.view import UNDATED

# Claim kinds drawn first when a window has more claims than the page can hold:
# the areas the sources disagree on are what the map is for.
PRIORITY_KINDS = ("area_held", "area_seized", "share_held", "share_retaken", "area_retaken")


@dataclass(frozen=True)
class MapBudget:
    """Limits that keep the page of a large corpus small and quick to open.

    Attributes
    ----------
    compact_above_sources, compact_above_claims : int
        A map with more sources or claims than these is *compact*: its panel and
        popups list the first few items of each group and count the rest. Smaller
        maps list everything.
    max_source_layers : int
        Up to this many sources with claims, each source gets its own layer per
        date window (as in the layer control of a small map); above it, one layer
        per window holds every source's claims, coloured per source.
    max_claim_features : int
        Claim geometries drawn on the whole map, shared out between windows in
        proportion to their claims.
    min_features_per_window : int
        Every window may draw at least this many, however many windows there are
        (so the total may exceed ``max_claim_features`` by up to this many per window).
    canvas_above_features : int
        With more drawn claim geometries plus place mentions than this, claims,
        envelopes and place markers are drawn on Leaflet's canvas renderer instead
        of one SVG element per shape.
    max_sources_per_window : int
        Sources listed in the claims panel per window (the rest are counted).
    max_claims_per_source : int
        Claims shown per source and window in the panel (the rest are counted): one, so that a window
        lists more outlets rather than more of one outlet's claims.
    max_sources_without_claims : int
        Sources listed under "Sources without claims".
    max_sentences_per_place : int
        Quoted sentences in a place marker's popup, over all its sources (the others are counted; at
        10,000 articles, five sentences for each of 5,000 places were a fifth of the page).
    max_claims_per_place : int
        Claim lines in a place marker's popup (the rest are counted).
    max_detail_chars : int
        On a compact panel, a derived value or check message longer than this keeps the first and last
        items of the list it holds (a derivation from the other sources' peaks names every one of them)
        and counts the others; the claims and checks tables of geomap.gpkg hold them whole.
    max_legend_sources : int
        Sources with a swatch in the legend.
    max_chart_series : int
        Sources drawn as joined series (with a legend) in the area chart; above
        it, the chart shows dots only.
    max_chart_points : int
        Claims drawn as dots in the area chart.
    max_window_buttons : int
        Up to this many windows, the date control is a row of buttons; above it,
        a drop-down list.
    simplify_ratio : float
        On compact maps, claim and envelope outlines are thinned for display: a
        vertex goes when it lies within this fraction of the shape's size of the
        outline (0.002 keeps about 35 of a circle's 120 vertices).
    compact_decimals : int
        Decimals of the coordinates of claims, envelopes and markers on compact
        maps (4: about 10 m; small maps keep 5).
    view_trim : float
        On compact maps the first view leaves out the claimed areas centred outside
        these quantiles (each side, both directions): a few far-away claims do not
        zoom it out to the whole world.
    max_status_markers : int
        Place-status markers (one per place and window) on a compact map, where
        only the places that anchor a drawn claim get one; geomap.gpkg's place_status table has
        every status.
    aggregate_below_zoom : int
        On compact maps, below this zoom level each window's claims are shown as one
        circle per admin-1 region (count, sources, median claimed area) instead of
        their shapes (see :mod:`geomap.render.aggregates`); zooming in shows the shapes.
    """

    compact_above_sources: int = 25
    compact_above_claims: int = 200
    max_source_layers: int = 12
    max_claim_features: int = 2500
    min_features_per_window: int = 10
    canvas_above_features: int = 400
    max_sources_per_window: int = 8
    max_claims_per_source: int = 1
    max_sources_without_claims: int = 25
    max_sentences_per_place: int = 1
    max_claims_per_place: int = 3
    max_detail_chars: int = 400
    max_legend_sources: int = 12
    max_chart_series: int = 12
    max_chart_points: int = 1500
    max_window_buttons: int = 16
    simplify_ratio: float = 0.002
    compact_decimals: int = 4
    view_trim: float = 0.01
    max_status_markers: int = 150
    aggregate_below_zoom: int = 7

    def compact(self, n_sources: int, n_claims: int) -> bool:
        """Whether a map of ``n_sources`` sources and ``n_claims`` claims lists only the first items."""
        return n_sources > self.compact_above_sources or n_claims > self.compact_above_claims


def claim_priority(rows: Sequence[Mapping[str, Any]]) -> tuple:
    """Sort key of a claim (its geometry rows): area claims first, then input order."""
    kind = rows[0].get("kind")
    rank = PRIORITY_KINDS.index(kind) if kind in PRIORITY_KINDS else len(PRIORITY_KINDS)
    return (rank,)


def drawn_claims(grouped: Mapping[str, Sequence[Mapping[str, Any]]], budget: MapBudget) -> set[str]:
    """Ids of the claims whose geometries the map draws, about ``budget.max_claim_features`` of them.

    ``grouped`` maps claim ids to their geometry rows, in input order. Each window
    gets a share of the budget proportional to its number of mapped geometries (at
    least ``min_features_per_window``); inside a window, area claims come first,
    then claims in input order. When everything fits, every claim is drawn.
    """
    mapped = {claim_id: sum(1 for row in rows if row.get("status") == "mapped" and row.get("geometry") is not None)
              for claim_id, rows in grouped.items()}
    total = sum(mapped.values())
    if total <= budget.max_claim_features:
        return set(grouped)
    by_window: dict[str, list[str]] = {}
    for claim_id, rows in grouped.items():
        if mapped[claim_id]:
            by_window.setdefault(rows[0].get("window") or UNDATED, []).append(claim_id)
    drawn: set[str] = set()
    for window, claim_ids in by_window.items():
        features = sum(mapped[claim_id] for claim_id in claim_ids)
        share = max(budget.min_features_per_window, math.floor(budget.max_claim_features * features / total))
        order = sorted(range(len(claim_ids)), key=lambda i: (claim_priority(grouped[claim_ids[i]]), i))
        used = 0
        for index in order:
            claim_id = claim_ids[index]
            if used + mapped[claim_id] > share:
                continue
            drawn.add(claim_id)
            used += mapped[claim_id]
    return drawn


def spread_evenly(items: Sequence[Any], limit: int) -> list[Any]:
    """At most ``limit`` items, picked at even steps so that the first and the last are kept."""
    if len(items) <= limit:
        return list(items)
    if limit <= 1:
        return list(items[:limit])
    step = (len(items) - 1) / (limit - 1)
    return [items[round(i * step)] for i in range(limit)]

