"""What every window's claims map reads, taken from the tables once per set of figures.

A corpus has a claims map per date window; converting the whole claims table
and recounting the places named for each of them made the figures quadratic in
the corpus. :class:`MapInputs` holds the converted tables, and each window
takes its part of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from shapely.geometry.base import BaseGeometry

from geomap.dates import table_date
from geomap.export.layers import in_wgs84, places_layer, table
from geomap.export.values import cell_value, frame_rows
from geomap.view import DateWindow, claim_records, date_windows, source_colors, source_names, source_records


@dataclass
class Places:
    """Named points in a fixed order: names, gazetteer kinds and lon/lat (NaN where a place has no point)."""

    names: list[str]
    kinds: list[Any]
    lons: np.ndarray
    lats: np.ndarray

    @classmethod
    def of(cls, rows: list[tuple[str, Any, BaseGeometry | None]]) -> "Places":
        points = [point if point is not None and not point.is_empty else None for _, _, point in rows]
        return cls([name for name, _, _ in rows], [kind for _, kind, _ in rows],
                   np.array([np.nan if p is None else p.x for p in points], dtype=float),
                   np.array([np.nan if p is None else p.y for p in points], dtype=float))


@dataclass
class MapInputs:
    """The tables of a run as the claims maps read them (see :func:`geomap.figures.claims_map_figure`)."""

    claims: list[dict[str, Any]]
    colors: dict[str, str]
    names: dict[str, str]
    windows: list[DateWindow]
    named: Places  # the places the articles name, most mentioned first
    context: Places  # other towns for orientation, most populous first
    envelopes: list[tuple[str, BaseGeometry]]  # (window label, geometry)
    reference: list[tuple[date | None, BaseGeometry]]  # (date, geometry)
    regions: Any  # geomap.gazetteer.regions.Regions: the basemap polygons
    mapped: list[dict[str, Any]]  # the claims with a geometry, in table order
    by_window: dict[str, list[dict[str, Any]]]  # the same per window
    # Each window's claims drawn, those too large and the view, once worked out (the figure cache's key for the
    # window's map and its drawing both need them; geomap.figures.claims_map._framed)
    framings: dict[Any, Any] = field(default_factory=dict)

    def mapped_in(self, windows: Sequence[DateWindow]) -> list[dict[str, Any]]:
        """The mapped claims of ``windows``, in table order."""
        if len(windows) == 1:
            return self.by_window.get(windows[0].label, [])
        labels = {window.label for window in windows}
        return [claim for claim in self.mapped if claim["window"] in labels]

    @classmethod
    def of(cls, tables: Any, regions: Any = None) -> "MapInputs":
        claims = claim_records(table(tables, "claim_geoms"))
        sources = source_records(frame_rows(table(tables, "sources")))
        mapped = [c for c in claims if c["status"] == "mapped" and c["geometry"] is not None]
        by_window: dict[str, list[dict[str, Any]]] = {}
        for claim in mapped:
            by_window.setdefault(claim["window"], []).append(claim)
        places = places_layer(table(tables, "mentions"))
        named = Places.of([(str(row.get("name") or "?"), row.get("kind"), point)
                           for row, point in zip(frame_rows(places), places.geometry)])
        context_table = table(tables, "places")
        context_rows = []
        if context_table is not None and len(context_table):
            context_table = in_wgs84(context_table)
            context_rows = sorted(zip(frame_rows(context_table), context_table.geometry),
                                  key=lambda item: (-(cell_value(item[0].get("population")) or 0),
                                                    str(item[0].get("name"))))
        if regions is None:
            from geomap.gazetteer import load_regions

            regions = load_regions()
        return cls(
            claims=claims, colors=source_colors(sources, claims), names=source_names(sources, claims),
            windows=date_windows(claims), named=named,
            context=Places.of([(str(row.get("name") or ""), None, point) for row, point in context_rows]),
            envelopes=_envelopes(table(tables, "envelopes")), reference=_reference(table(tables, "reference")),
            regions=regions, mapped=mapped, by_window=by_window,
        )


def _envelopes(envelopes: Any) -> list[tuple[str, BaseGeometry]]:
    if envelopes is None or len(envelopes) == 0 or "window" not in envelopes.columns:
        return []
    envelopes = in_wgs84(envelopes)
    return [(str(window), geometry) for window, geometry in zip(envelopes["window"], envelopes.geometry)]


def _reference(reference: Any) -> list[tuple[date | None, BaseGeometry]]:
    if reference is None or len(reference) == 0 or "date" not in reference.columns:
        return []
    reference = in_wgs84(reference)
    return [(table_date(day), geometry) for day, geometry in zip(reference["date"], reference.geometry)]
