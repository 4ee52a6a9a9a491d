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
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import geopandas
import matplotlib
import matplotlib.colors
import matplotlib.dates
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle
from pyproj import CRS, Geod, Transformer
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geomap.export.layers import in_wgs84, places_layer, split_geometry, table
from geomap.export.values import cell_value, frame_rows
from geomap.render.chart import AreaSeries, claim_area_series, reference_series
from geomap.render.features import reference_area_km2
from geomap.render.panel import claimed_text, format_number, source_colors, source_names
from geomap.render.tables import UNDATED, claim_records, source_records
from geomap.render.windows import DateWindow, date_windows, parse_date, reference_dates_for_windows

ATTRIBUTION = "GeoNames (CC BY 4.0), Natural Earth"
ALL_WINDOWS = "all"
FORMATS = {".png": "png", ".svg": "svg"}
HELD_AREA_KINDS = ("area_held", "area_seized", "share_held", "share_retaken")  # what the chart compares
GEOD = Geod(ellps="WGS84")

MAP_SIZE_IN = (11.0, 7.5)
CHART_SIZE_IN = (10.0, 5.5)
MAP_AXES = (0.025, 0.075, 0.62, 0.83)  # left, bottom, width, height (figure fraction)
LEGEND_X = 0.665
MIN_HALF_SPAN_M = 25_000.0  # a single small claim still shows its surroundings
PAD_FRACTION = 0.45  # margin around the claims, as a fraction of their extent
MAX_PLACE_LABELS = 12
MAX_CONTEXT_PLACES = 10
MAX_LEGEND_CLAIMS = 3
COUNTRY_SCALE_KM = 1500.0  # shapes wider than this (a whole country) say nothing on a local map

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


# -- public functions -------------------------------------------------------------------------------------
def claims_map_figure(tables: Any, date_window: str | None, path: str | os.PathLike[str], dpi: int = 200,
                      regions: Any = None, size: tuple[float, float] = MAP_SIZE_IN) -> Path:
    """Draw the claims map of one date window and write it as PNG or SVG.

    Parameters
    ----------
    tables : mapping or object
        The pipeline's tables (see :mod:`geomap.export.layers`): ``claim_geoms``
        is required; ``sources`` names the sources, ``mentions`` gives the
        places named, ``envelopes`` and ``reference`` are drawn when present,
        and ``places`` (``name, population`` points, e.g. the basemap places
        of :func:`geomap.pipeline.basemap`) adds towns for orientation.
    date_window : str or None
        A window label of the claim geometries (``"2024-08"``, ``"undated"``)
        or ``"all"``/``None`` for every window.
    path : path
        Output file; ``.png`` or ``.svg``.
    dpi : int
        Resolution of a PNG (the image is ``size × dpi`` pixels; 200 or more
        for print); SVG text and shapes stay vector.
    regions : geomap.gazetteer.regions.Regions, optional
        Basemap polygons; defaults to the bundled ones.
    size : (float, float)
        Figure size in inches.

    Returns
    -------
    Path
        The file written (atomically).

    Raises
    ------
    ValueError
        For an unknown window or file suffix.
    """
    output_format = _format_of(path)
    claims = claim_records(table(tables, "claim_geoms"))
    sources = source_records(frame_rows(table(tables, "sources")))
    colors, names = source_colors(sources, claims), source_names(sources, claims)
    windows = date_windows(claims)
    chosen = _chosen_windows(windows, date_window)
    shown = [c for c in claims if c["window"] in {w.label for w in chosen} and c["status"] == "mapped"
             and c["geometry"] is not None]

    drawn = [c for c in shown if _extent_km(c["geometry"]) < COUNTRY_SCALE_KM]
    too_large = [c for c in shown if c not in drawn]
    view = MapView.around([c["geometry"] for c in drawn], _fallback_points(tables), size, MAP_AXES)
    with _figure_style():
        figure = Figure(figsize=size)
        FigureCanvasAgg(figure)
        ax = figure.add_axes(MAP_AXES)
        ax.set_facecolor(WATER)
        handles: list[tuple[Any, str]] = []
        labels = _LabelSpace(view, size, MAP_AXES)
        basemap_handles, region_labels = _draw_basemap(ax, view, regions, [c["geometry"] for c in drawn])
        handles += basemap_handles
        handles += _draw_reference(ax, view, tables, chosen)
        handles += _draw_claims(ax, view, drawn, colors, names)
        handles += _draw_envelopes(ax, view, tables, chosen)
        handles += _draw_places(ax, view, labels, table(tables, "mentions"), table(tables, "places"))
        _draw_region_labels(ax, labels, region_labels)
        view.apply(ax)
        _draw_scale_bar(ax, view)
        _draw_north_arrow(ax, view)
        ax.text(0.995, 0.005, ATTRIBUTION, transform=ax.transAxes, ha="right", va="bottom", fontsize=7.5,
                color="#333333", bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 2})
        _map_titles(figure, chosen, drawn)
        _map_legend(figure, handles)
        notes = [view.projection_note]
        if too_large:
            listed = ", ".join(f"{c['claim_id']} ({_claim_summary(c)} of {c.get('place') or c.get('host') or '?'})"
                               for c in too_large[:3])
            more = f" and {len(too_large) - 3} more" if len(too_large) > 3 else ""
            notes.append(f"Not drawn at this scale (country-sized): {listed}{more}.")
        figure.text(MAP_AXES[0], 0.045, "\n".join(_shorten(n, 170) for n in notes), fontsize=7.5, color="#555555",
                    va="top", linespacing=1.5)
        return _save(figure, path, output_format, dpi)


def area_chart_figure(tables: Any, path: str | os.PathLike[str], dpi: int = 200,
                      size: tuple[float, float] = CHART_SIZE_IN) -> Path:
    """Draw claimed held area (km²) over time, one line with markers per source, and write it.

    Each claim is a marker at the middle of the dates it is valid for, with a
    horizontal bar across them when they span days; a source's claims are
    joined in date order. Held-area kinds only (area held or seized, shares
    held or retaken, with the area derived for shares); region shares and
    relative areas would dwarf the rest. The reference layer's area per date,
    when ``tables`` has one, is a dashed black line.

    Returns
    -------
    Path
        The PNG or SVG file written (atomically).
    """
    output_format = _format_of(path)
    claims = claim_records(table(tables, "claim_geoms"))
    sources = source_records(frame_rows(table(tables, "sources")))
    colors, names = source_colors(sources, claims), source_names(sources, claims)
    held = [c for c in claims if c.get("kind") in HELD_AREA_KINDS]
    series, undated = claim_area_series(held, date_windows(claims), colors, names)
    reference = _reference_series(table(tables, "reference"))
    with _figure_style():
        figure = Figure(figsize=size)
        FigureCanvasAgg(figure)
        ax = figure.add_axes((0.09, 0.14, 0.62, 0.74))
        drawn = [s for s in series if s.points] + ([reference] if reference else [])
        for item in drawn:
            _draw_series(ax, item)
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
            ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize=9,
                      title="source", title_fontsize=9, alignment="left")
        else:
            ax.text(0.5, 0.5, "no dated area claims", transform=ax.transAxes, ha="center", va="center",
                    color="#777777")
        figure.text(0.09, 0.95, "Claimed area over time", fontsize=14, weight="bold")
        notes = ["Held-area claims only; shares are charted at their derived area (see claims.csv, derivation)."]
        if undated:
            notes.append(f"{undated} area claim{'s' if undated != 1 else ''} without a date not charted.")
        figure.text(0.09, 0.035, " ".join(notes), fontsize=8, color="#555555")
        return _save(figure, path, output_format, dpi)


def write_figures(tables: Any, out_dir: str | os.PathLike[str], dpi: int = 200,
                  formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """The claims map of every date window (``map_<window>``) and the area chart (``area_chart``), per format."""
    out_dir = Path(out_dir)
    claims = claim_records(table(tables, "claim_geoms"))
    labels = [w.label for w in date_windows(claims)
              if any(c["window"] == w.label and c["status"] == "mapped" for c in claims)]
    written = []
    for suffix in formats:
        for label in labels:
            written.append(claims_map_figure(tables, label, out_dir / f"map_{label}.{suffix}", dpi=dpi))
        written.append(area_chart_figure(tables, out_dir / f"area_chart.{suffix}", dpi=dpi))
    return written


# -- the map's frame: projection and extent ---------------------------------------------------------------
class MapView:
    """A Lambert azimuthal equal-area view centred on the claims, with an extent fitted to the axes."""

    def __init__(self, lon: float, lat: float, bounds: tuple[float, float, float, float]):
        self.lon, self.lat = lon, lat
        self.crs = CRS.from_proj4(f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +datum=WGS84 +units=m +no_defs")
        self.to_map = Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        self.to_lonlat = Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)
        self.bounds = bounds  # minx, miny, maxx, maxy in map metres

    @classmethod
    def around(cls, geometries: Sequence[BaseGeometry], points: Sequence[tuple[float, float]],
               size: tuple[float, float], axes: tuple[float, float, float, float]) -> "MapView":
        # Whole-country "region" claims would zoom the map out to a country: frame the local shapes.
        local = [g for g in geometries if _extent_km(g) < COUNTRY_SCALE_KM] or list(geometries)
        if local:
            west, south, east, north = shapely.total_bounds(local)
        elif points:
            lons, lats = zip(*points)
            west, south, east, north = min(lons), min(lats), max(lons), max(lats)
        else:
            west, south, east, north = 22.0, 44.0, 40.0, 53.0  # Ukraine and its neighbours
        lon, lat = round((west + east) / 2, 4), round((south + north) / 2, 4)
        view = cls(lon, lat, (0.0, 0.0, 0.0, 0.0))
        shapes = [view.project(g) for g in local] if local else [
            view.project(shapely.box(west, south, east, north))]
        minx, miny, maxx, maxy = shapely.total_bounds(shapes)
        half_x = max(MIN_HALF_SPAN_M, (maxx - minx) * (0.5 + PAD_FRACTION))
        half_y = max(MIN_HALF_SPAN_M, (maxy - miny) * (0.5 + PAD_FRACTION))
        aspect = (size[0] * axes[2]) / (size[1] * axes[3])  # width / height of the axes
        half_x, half_y = max(half_x, half_y * aspect), max(half_y, half_x / aspect)
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        view.bounds = (cx - half_x, cy - half_y, cx + half_x, cy + half_y)
        return view

    def project(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, lambda xy: np.column_stack(self.to_map.transform(xy[:, 0], xy[:, 1])))

    def frame(self, geometries: Sequence[BaseGeometry | None]) -> geopandas.GeoSeries:
        """Lon/lat geometries projected and clipped to the view (empty ones dropped)."""
        clipped = [shapely.clip_by_rect(self.project(g), *self.bounds) for g in geometries
                   if g is not None and not g.is_empty]
        return geopandas.GeoSeries([g for g in clipped if not g.is_empty], crs=self.crs)

    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        minx, miny, maxx, maxy = self.bounds
        xs = np.linspace(minx, maxx, 9)
        ys = np.linspace(miny, maxy, 9)
        grid_x, grid_y = np.meshgrid(xs, ys)
        lons, lats = self.to_lonlat.transform(grid_x.ravel(), grid_y.ravel())
        return float(min(lons)) - 0.1, float(min(lats)) - 0.1, float(max(lons)) + 0.1, float(max(lats)) + 0.1

    def apply(self, ax) -> None:
        minx, miny, maxx, maxy = self.bounds
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        for spine in ax.spines.values():
            spine.set_edgecolor("#444444")
            spine.set_linewidth(0.8)

    @property
    def projection_note(self) -> str:
        north_south = "N" if self.lat >= 0 else "S"
        east_west = "E" if self.lon >= 0 else "W"
        return (f"Lambert azimuthal equal-area projection centred on {abs(self.lat):.2f}°{north_south} "
                f"{abs(self.lon):.2f}°{east_west}; claimed areas are area-true.")


def _extent_km(geometry: BaseGeometry) -> float:
    west, south, east, north = geometry.bounds
    return GEOD.inv(west, south, east, north)[2] / 1000


def _fallback_points(tables: Any) -> list[tuple[float, float]]:
    places = places_layer(table(tables, "mentions"))
    return [(float(p.x), float(p.y)) for p in places.geometry if p is not None]


# -- map layers -------------------------------------------------------------------------------------------
def _draw_basemap(ax, view: MapView, regions: Any, claim_shapes: Sequence[BaseGeometry]
                  ) -> tuple[list[tuple[Any, str]], list[tuple[float, float, str]]]:
    """Land, occupied areas and borders; returns legend handles and region labels to place."""
    if regions is None:
        from geomap.gazetteer import load_regions

        regions = load_regions()
    bbox = view.lonlat_bounds()
    countries = regions.frame("country", bbox)
    admin1 = regions.frame("admin1", bbox)
    handles = []
    land = view.frame(list(countries.geometry))
    if len(land):
        land.plot(ax=ax, facecolor=LAND, edgecolor="none", zorder=1)
    occupied = _occupied(countries) + _occupied(admin1)
    if occupied:
        shaded = view.frame(occupied)
        if len(shaded):
            shaded.plot(ax=ax, facecolor=OCCUPIED_FILL, edgecolor=OCCUPIED_HATCH, hatch="////", linewidth=0,
                        zorder=1.5)
            handles.append((Patch(facecolor=OCCUPIED_FILL, edgecolor=OCCUPIED_HATCH, hatch="////"),
                            "occupied area (de jure borders shown)"))
    if len(admin1):
        view.frame(list(admin1.geometry.boundary)).plot(ax=ax, color=ADMIN1_EDGE, linewidth=0.8, zorder=2)
        handles.append((Line2D([], [], color=ADMIN1_EDGE, linewidth=0.8), "admin-1 boundary"))
    if len(countries):
        view.frame(list(countries.geometry.boundary)).plot(ax=ax, color=COUNTRY_EDGE, linewidth=1.6, zorder=2.1)
        handles.append((Line2D([], [], color=COUNTRY_EDGE, linewidth=1.6), "international border (de jure)"))
    return handles, _region_labels(view, admin1, countries, claim_shapes)


def _occupied(frame) -> list[BaseGeometry]:
    if "occupied" not in frame.columns:
        return []
    return [g for g, flag in zip(frame.geometry, frame["occupied"]) if bool(flag)]


def _region_labels(view: MapView, admin1, countries, claim_shapes: Sequence[BaseGeometry]
                   ) -> list[tuple[float, float, str]]:
    """Admin-1 names (with their country) where a region fills a good part of the map, clear of the claims."""
    country_names = {str(code): str(name) for code, name in zip(countries.get("code", []), countries.get("name", []))}
    minx, miny, maxx, maxy = view.bounds
    map_area = (maxx - minx) * (maxy - miny)
    margin = (maxx - minx) * 0.06
    busy = shapely.union_all([view.project(g).buffer(margin) for g in claim_shapes]) if claim_shapes else None
    found = []
    for name, country, geometry in zip(admin1.get("name", []), admin1.get("country", []), admin1.geometry):
        clipped = shapely.clip_by_rect(view.project(geometry), *view.bounds)
        if clipped.is_empty or clipped.area < 0.06 * map_area:
            continue
        free = clipped.difference(busy) if busy is not None else clipped
        if free.is_empty or free.area < 0.03 * map_area:
            continue
        # Pole of inaccessibility: the point deepest inside the free part, away from its edges.
        spot = polylabel(_largest_polygon(free), tolerance=500)
        found.append((spot.x, spot.y, f"{name}\n{country_names.get(str(country), country or '')}".strip()))
    return found


def _draw_region_labels(ax, labels: "_LabelSpace", found: Sequence[tuple[float, float, str]]) -> None:
    for x, y, text in found:
        if labels.take(labels.box(x, y, text, 9, "center", "center")):
            ax.text(x, y, text, ha="center", va="center", fontsize=9, style="italic", color=LABEL_GREY,
                    alpha=0.85, zorder=2.5, linespacing=1.3)


class _LabelSpace:
    """Where labels already are (in map metres), so that later, less important labels can keep clear.

    Text size is estimated from its length (DejaVu Sans averages about 0.6
    em per character); the scale bar, attribution and north arrow corners
    and a thin margin along the map's edges are reserved from the start.
    """

    def __init__(self, view: MapView, size: tuple[float, float], axes: tuple[float, float, float, float]):
        minx, miny, maxx, maxy = view.bounds
        width, height = maxx - minx, maxy - miny
        self.per_point = width / (size[0] * axes[2] * 72)
        self.inner = (minx + width * 0.01, miny + height * 0.01, maxx - width * 0.01, maxy - height * 0.01)
        self.taken = [
            (minx, miny, minx + width * 0.29, miny + height * 0.12),  # scale bar
            (maxx - width * 0.45, miny, maxx, miny + height * 0.05),  # attribution
            (maxx - width * 0.09, miny + height * 0.72, maxx, maxy),  # north arrow
        ]

    def box(self, x: float, y: float, text: str, fontsize: float, ha: str, va: str) -> tuple[float, ...]:
        lines = text.split("\n")
        width = 0.6 * fontsize * max(len(line) for line in lines) * self.per_point
        height = 1.3 * fontsize * len(lines) * self.per_point
        left = x if ha == "left" else x - width if ha == "right" else x - width / 2
        bottom = y if va == "bottom" else y - height if va == "top" else y - height / 2
        return (left, bottom, left + width, bottom + height)

    def take(self, box: tuple[float, ...], force: bool = False) -> bool:
        """Reserve ``box`` if it is inside the map and clear of other labels (or ``force``); say whether."""
        inside = (box[0] >= self.inner[0] and box[1] >= self.inner[1] and box[2] <= self.inner[2]
                  and box[3] <= self.inner[3])
        clear = all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in self.taken)
        if force or (inside and clear):
            self.taken.append(box)
            return True
        return False


def _largest_polygon(geometry: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"]
    return max(parts, key=lambda p: p.area) if parts else geometry


def _draw_claims(ax, view: MapView, claims: Sequence[Mapping[str, Any]], colors: Mapping[str, str],
                 names: Mapping[str, str]) -> list[tuple[Any, str]]:
    # Largest first, so that smaller claims stay visible on top of larger ones. Outlines of
    # claims drawn earlier are wider, so coinciding outlines show as stripes of each colour.
    shapes = {c["claim_id"]: view.project(c["geometry"]) for c in claims}
    ordered = sorted(claims, key=lambda c: (-shapes[c["claim_id"]].area, c["claim_id"]))
    for rank, claim in enumerate(ordered):
        color = colors.get(claim["source"], "#555555")
        role = claim.get("role") or "buffer"
        linestyle = ROLE_DASHES.get(role, "solid")
        covered_by = sum(_coincide(shapes[claim["claim_id"]], shapes[later["claim_id"]])
                         for later in ordered[rank + 1:])
        width = 1.6 + 1.6 * min(covered_by, 3)
        z = 3 + rank * 0.01
        polygons, lines = split_geometry(claim["geometry"])
        areas = view.frame([polygons])
        if len(areas):
            fill = 0.10 if role == "buffer" else 0.06 if role == "band" else 0.0
            if fill:
                areas.plot(ax=ax, facecolor=color, alpha=fill, edgecolor="none", zorder=3)
            areas.boundary.plot(ax=ax, color=color, linewidth=width if role == "buffer" else 1.5,
                                linestyle=linestyle, zorder=z)
        strokes = view.frame([lines])
        if len(strokes):
            strokes.plot(ax=ax, color=color, linewidth=1.8, linestyle=linestyle, zorder=z)
    handles = []
    for source_id, color in colors.items():
        mine = [c for c in claims if c["source"] == source_id]
        if not mine:
            continue
        amounts = list(dict.fromkeys(_claim_summary(c) for c in _by_date(mine)))
        if len(amounts) > MAX_LEGEND_CLAIMS:
            amounts = amounts[:MAX_LEGEND_CLAIMS - 1] + [f"and {len(amounts) - MAX_LEGEND_CLAIMS + 1} more"]
        handles.append((Patch(facecolor=_with_alpha(color, 0.25), edgecolor=color, linewidth=1.8),
                        "\n".join([_shorten(names.get(source_id, source_id), 44)] + ["  " + a for a in amounts])))
    roles = list(dict.fromkeys(c.get("role") for c in claims if c.get("role") not in (None, "buffer")))
    for role in roles:
        handles.append((Line2D([], [], color="#555555", linewidth=1.6, linestyle=ROLE_DASHES.get(role, "solid")),
                        f"claimed {role} (source colour)"))
    return handles


def _coincide(shape: BaseGeometry, other: BaseGeometry, tolerance: float = 0.04) -> bool:
    """Whether two projected shapes nearly cover each other (their outlines would be drawn on top of each other)."""
    if shape.is_empty or other.is_empty or shape.geom_type != other.geom_type:
        return False
    if shape.area == 0 or other.area == 0:
        return shape.hausdorff_distance(other) < 1e-6
    return shape.symmetric_difference(other).area <= tolerance * max(shape.area, other.area)


def _claim_summary(claim: Mapping[str, Any]) -> str:
    text = claimed_text(claim)
    km2 = claim.get("km2")
    if km2 is not None and claim.get("unit") not in ("km²", "km2", "square kilometres", "square kilometers"):
        text += f" ≈ {format_number(round(km2) if km2 >= 100 else km2)} km²"
    return _shorten(text, 42)


def _by_date(claims: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(claims, key=lambda c: (str(c.get("as_of_start") or ""), c["claim_id"]))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _with_alpha(color: str, alpha: float) -> tuple[float, float, float, float]:
    red, green, blue = matplotlib.colors.to_rgb(color)
    return (red, green, blue, alpha)


def _draw_envelopes(ax, view: MapView, tables: Any, chosen: Sequence[DateWindow]) -> list[tuple[Any, str]]:
    envelopes = table(tables, "envelopes")
    if envelopes is None or len(envelopes) == 0 or len(chosen) != 1 or "window" not in envelopes.columns:
        return []
    envelopes = in_wgs84(envelopes)
    mine = [g for g, w in zip(envelopes.geometry, envelopes["window"]) if str(w) == chosen[0].label]
    shapes = view.frame(mine)
    if not len(shapes):
        return []
    shapes.boundary.plot(ax=ax, color=ENVELOPE_COLOR, linewidth=0.9, linestyle=(0, (6, 4)), zorder=2.95)
    return [(Line2D([], [], color=ENVELOPE_COLOR, linewidth=0.9, linestyle=(0, (6, 4))),
             "envelope: union of the window's held-area claims")]


def _draw_reference(ax, view: MapView, tables: Any, chosen: Sequence[DateWindow]) -> list[tuple[Any, str]]:
    reference = table(tables, "reference")
    if reference is None or len(reference) == 0 or "date" not in reference.columns:
        return []
    reference = in_wgs84(reference)
    days = [parse_date(d) for d in reference["date"]]
    picked = reference_dates_for_windows(chosen, [d for d in days if d is not None])
    wanted = set(picked.values())
    if not wanted:
        return []
    shapes = view.frame([g for g, d in zip(reference.geometry, days) if d in wanted])
    if not len(shapes):
        return []
    shapes.plot(ax=ax, facecolor=_with_alpha(REFERENCE_COLOR, 0.10), edgecolor=REFERENCE_COLOR, linewidth=2.2,
                zorder=2.8)
    day_text = ", ".join(sorted(day.isoformat() for day in wanted))
    return [(Patch(facecolor=_with_alpha(REFERENCE_COLOR, 0.10), edgecolor=REFERENCE_COLOR, linewidth=2.2),
             f"reference ({day_text})")]


def _draw_places(ax, view: MapView, labels: _LabelSpace, mentions: Any, context: Any = None
                 ) -> list[tuple[Any, str]]:
    """The places the articles name (black dots, always labelled) and other towns for orientation (grey,
    labelled where there is room; only when ``context`` places are given)."""
    minx, miny, maxx, maxy = view.bounds
    offset = (maxx - minx) * 0.007

    def inside(point) -> tuple[float, float] | None:
        if point is None or point.is_empty:
            return None
        x, y = view.to_map.transform(point.x, point.y)
        return (x, y) if minx < x < maxx and miny < y < maxy else None

    def label(x: float, y: float, text: str, fontsize: float, force: bool) -> tuple[float, float, str] | None:
        for ha, dx in (("left", offset), ("right", -offset)):
            if labels.take(labels.box(x + dx, y + offset * 0.3, text, fontsize, ha, "bottom")):
                return x + dx, y + offset * 0.3, ha
        if force:
            labels.take(labels.box(x + offset, y, text, fontsize, "left", "bottom"), force=True)
            return x + offset, y + offset * 0.3, "left"
        return None

    named = []
    places = places_layer(mentions)
    for row, point in zip(frame_rows(places), places.geometry):
        spot = inside(point) if row.get("kind") in (None, "populated_place") else None
        if spot is not None:
            named.append((*spot, str(row.get("name") or "?")))
        if len(named) >= MAX_PLACE_LABELS:
            break
    for x, y, _ in named:
        labels.take((x - offset, y - offset, x + offset, y + offset), force=True)
    handles = []
    if named:
        xs, ys, _ = zip(*named)
        ax.scatter(xs, ys, s=18, color="#222222", edgecolors="white", linewidths=0.8, zorder=6)
        for x, y, text in named:
            tx, ty, ha = label(x, y, text, 9, force=True)
            _halo_text(ax, tx, ty, text, ha=ha, va="bottom", fontsize=9, color="#222222", zorder=6.1)
        handles.append((Line2D([], [], marker="o", linestyle="none", markersize=5, markerfacecolor="#222222",
                                markeredgecolor="white"), "place named in the articles"))
    if context is None or not len(context):
        return handles
    context = in_wgs84(context)
    known = {text for _, _, text in named}
    rows = sorted(zip(frame_rows(context), context.geometry),
                  key=lambda item: (-(cell_value(item[0].get("population")) or 0), str(item[0].get("name"))))
    towns = 0
    for row, point in rows:
        spot, text = inside(point), str(row.get("name") or "")
        if spot is None or not text or text in known:
            continue
        x, y = spot
        if not labels.take((x - offset, y - offset, x + offset, y + offset)):
            continue
        placed = label(x, y, text, 8, force=False)
        if placed is None:
            continue
        known.add(text)
        ax.scatter([x], [y], s=10, marker="s", color="#8a8378", edgecolors="white", linewidths=0.5, zorder=5.5)
        _halo_text(ax, placed[0], placed[1], text, ha=placed[2], va="bottom", fontsize=8, color="#6b6358",
                   zorder=5.6)
        towns += 1
        if towns >= MAX_CONTEXT_PLACES:
            break
    if towns:
        handles.append((Line2D([], [], marker="s", linestyle="none", markersize=4, markerfacecolor="#8a8378",
                               markeredgecolor="white"), "other town (GeoNames)"))
    return handles


def _halo_text(ax, x: float, y: float, text: str, **style: Any) -> None:
    """Text with a white halo. The halo is a separate stroked copy (drawn as a path), so the text itself
    stays a ``<text>`` element in SVG: searchable, selectable and readable by screen readers."""
    halo = {**style, "color": "white", "zorder": style.get("zorder", 5) - 0.001}
    ax.text(x, y, text, path_effects=HALO, **halo)
    ax.text(x, y, text, **style)


# -- map furniture ----------------------------------------------------------------------------------------
def nice_length(target: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``target`` (for scale bars)."""
    if target <= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(target))
    for multiple in (5, 2, 1):
        if multiple * magnitude <= target:
            return multiple * magnitude
    return magnitude


def scale_bar(view: MapView, fraction: float = 0.22) -> tuple[float, float]:
    """(length in km, length in map metres) of a scale bar about ``fraction`` of the map's width.

    The map's scale is measured with pyproj's geodesic on WGS84 along the
    centre latitude: the distance between two points either side of the
    centre, divided by their distance on the map.
    """
    minx, miny, maxx, maxy = view.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half = (maxx - minx) / 10
    (lon1, lon2), (lat1, lat2) = view.to_lonlat.transform([cx - half, cx + half], [cy, cy])
    ground_m = GEOD.inv(lon1, lat1, lon2, lat2)[2]
    ground_per_map = ground_m / (2 * half)
    km = nice_length((maxx - minx) * fraction * ground_per_map / 1000)
    return km, km * 1000 / ground_per_map


def _draw_scale_bar(ax, view: MapView) -> None:
    km, length = scale_bar(view)
    minx, miny, maxx, maxy = view.bounds
    x0 = minx + (maxx - minx) * 0.04
    y0 = miny + (maxy - miny) * 0.05
    height = (maxy - miny) * 0.012
    ax.add_patch(Rectangle((x0 - (maxx - minx) * 0.012, y0 - height * 1.6), length + (maxx - minx) * 0.05,
                           height * 5.6, facecolor="white", alpha=0.8, edgecolor="none", zorder=7))
    segments = 5 if f"{km:g}".lstrip("0.").startswith("5") else 4  # 5 -> fifths of 1, 1 and 2 -> quarters
    step = length / segments
    for index in range(segments):
        ax.add_patch(Rectangle((x0 + index * step, y0), step, height, facecolor="black" if index % 2 == 0 else "white",
                               edgecolor="black", linewidth=0.8, zorder=7.1))
    for value, x in ((0, x0), (km / 2, x0 + length / 2), (km, x0 + length)):
        text = format_number(value) + (" km" if value == km else "")
        ax.text(x, y0 + height * 1.7, text, ha="center", va="bottom", fontsize=8.5, zorder=7.2)


def _draw_north_arrow(ax, view: MapView) -> None:
    """An arrow pointing to true north at its own position on the map."""
    minx, miny, maxx, maxy = view.bounds
    x = minx + (maxx - minx) * 0.955
    y = miny + (maxy - miny) * 0.84
    lon, lat = view.to_lonlat.transform(x, y)
    nx, ny = view.to_map.transform(lon, lat + 0.05)
    angle = math.atan2(nx - x, ny - y)
    length = (maxy - miny) * 0.09
    dx, dy = length * math.sin(angle), length * math.cos(angle)
    ax.add_patch(FancyArrow(x - dx / 2, y - dy / 2, dx, dy, width=length * 0.12, head_width=length * 0.38,
                            head_length=length * 0.38, length_includes_head=True, facecolor="black",
                            edgecolor="white", linewidth=0.8, zorder=7))
    _halo_text(ax, x + dx * 0.62, y + dy * 0.5 + length * 0.1, "N", ha="center", va="bottom", fontsize=12,
               weight="bold", zorder=7)


def _map_titles(figure: Figure, chosen: Sequence[DateWindow], shown: Sequence[Mapping[str, Any]]) -> None:
    when = chosen[0].label if len(chosen) == 1 else "all date windows"
    dated = [w for w in chosen if w.dated]
    span = ""
    if dated:
        first, last = min(w.start for w in dated), max(w.end for w in dated)
        span = f" dated {first.isoformat()}" + (f" – {last.isoformat()}" if last != first else "")
    n_sources = len({c["source"] for c in shown})
    n_claims = len({c["claim_id"] for c in shown})
    figure.text(MAP_AXES[0], 0.955, f"Claimed territory · {when}", fontsize=14, weight="bold", va="bottom")
    figure.text(MAP_AXES[0], 0.925, f"{n_claims} claim{'s' if n_claims != 1 else ''} from {n_sources} "
                f"source{'s' if n_sources != 1 else ''}{span}, each drawn as an area-true shape around its anchor",
                fontsize=9.5, color="#444444", va="bottom")


def _map_legend(figure: Figure, handles: Sequence[tuple[Any, str]]) -> None:
    # Sources first, then the map's other symbols; the basemap last.
    order = {"source": 0, "other": 1, "basemap": 2}

    def group(label: str) -> int:
        if label.startswith(("admin-1", "international", "occupied")):
            return order["basemap"]
        return order["source"] if "\n" in label else order["other"]

    ordered = sorted(handles, key=lambda h: group(h[1]))
    if not ordered:
        return
    figure.legend([h for h, _ in ordered], [label for _, label in ordered], loc="upper left",
                  bbox_to_anchor=(LEGEND_X, MAP_AXES[1] + MAP_AXES[3]), frameon=False, fontsize=8.5,
                  title="Sources and symbols", title_fontsize=10, alignment="left", handlelength=2.4,
                  handleheight=1.6, labelspacing=0.9, borderaxespad=0)


# -- chart ------------------------------------------------------------------------------------------------
def _reference_series(reference: Any) -> AreaSeries | None:
    if reference is None or len(reference) == 0 or "date" not in reference.columns:
        return None
    reference = in_wgs84(reference)
    by_day: dict[date, list[BaseGeometry]] = {}
    labels: dict[date, list[str]] = {}
    label_column = reference["label"] if "label" in reference.columns else [None] * len(reference)
    for day, geometry, label in zip(reference["date"], reference.geometry, label_column):
        parsed = parse_date(day)
        if parsed is None:
            continue
        by_day.setdefault(parsed, []).append(geometry)
        if label:
            labels.setdefault(parsed, []).append(str(label))
    return reference_series([(day, reference_area_km2(shapes), ", ".join(dict.fromkeys(labels.get(day, []))))
                             for day, shapes in sorted(by_day.items())])


def _draw_series(ax, series: AreaSeries) -> None:
    middles = [p.start + (p.end - p.start) / 2 for p in series.points]
    values = [p.km2 for p in series.points]
    if series.reference:
        ax.plot(middles, values, color=series.color, linestyle=(0, (5, 3)), linewidth=1.8, marker="s",
                markersize=5, label="reference", zorder=3)
        return
    ax.plot(middles, values, color=series.color, linewidth=1.8, marker="o", markersize=6,
            markeredgecolor="white", markeredgewidth=0.8, label=_shorten(series.name, 40), zorder=4)
    for point, middle in zip(series.points, middles):
        if point.end > point.start:
            ax.plot([point.start, point.end + timedelta(days=1)], [point.km2, point.km2], color=series.color,
                    linewidth=1.0, alpha=0.6, solid_capstyle="butt", zorder=3.5)


# -- output -----------------------------------------------------------------------------------------------
def _chosen_windows(windows: Sequence[DateWindow], date_window: str | None) -> list[DateWindow]:
    if date_window is None or date_window == ALL_WINDOWS:
        return list(windows)
    label = str(date_window) or UNDATED
    chosen = [w for w in windows if w.label == label]
    if not chosen:
        known = ", ".join(w.label for w in windows) or "none"
        raise ValueError(f"no claims in date window {label!r} (windows: {known}, or {ALL_WINDOWS!r})")
    return chosen


def _format_of(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"figures are written as PNG or SVG; {Path(path).name!r} has neither suffix")
    return FORMATS[suffix]


def _figure_style():
    """matplotlib settings for these figures only: fixed SVG ids, text as text, matplotlib's bundled font."""
    return matplotlib.rc_context({
        "svg.hashsalt": "geomap",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "axes.titlesize": 12,
        "hatch.linewidth": 0.8,
    })


def _save(figure: Figure, path: str | os.PathLike[str], output_format: str, dpi: int) -> Path:
    from geomap.atomic import atomic_path

    metadata = {"Software": None} if output_format == "png" else {"Date": None, "Creator": None}
    target = Path(path)
    with atomic_path(target) as temporary:
        figure.savefig(temporary, format=output_format, dpi=dpi, metadata=metadata, facecolor="white")
    return target


__all__ = ["ATTRIBUTION", "MapView", "area_chart_figure", "claims_map_figure", "nice_length", "scale_bar",
           "write_figures"]
