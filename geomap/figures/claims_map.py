"""The claims map of one date window as a static PNG or SVG figure.

Layers, bottom to top: land and occupied areas, admin-1 and international
borders (de jure), the reference layer, the claims coloured per source (the
same colours as the HTML map), the window's envelope, the places the articles
name and, when given, other towns; then the scale bar, north arrow,
attribution, legend, an overview map and notes on claims not drawn.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geomap.export.layers import split_geometry
from geomap.geometry import overlay
from geomap.view import UNDATED, DateWindow, claimed_text, format_number, reference_dates_for_windows

from .draw import add_lines, add_polygons
from .inputs import MapInputs, Places
from .style import (
    ADMIN1_EDGE, ATTRIBUTION, COUNTRY_EDGE, DeferredCanvas, ENVELOPE_COLOR, LABEL_GREY, LAND, MAP_SIZE_IN,
    OCCUPIED_FILL, OCCUPIED_HATCH, REFERENCE_COLOR, ROLE_DASHES, WATER, figure_style, format_of, halo_text,
    legend_room, save_figure, shorten, with_alpha,
)
from .view import COUNTRY_SCALE_KM, LabelSpace, MapView, extent_km, focus_cluster, largest_polygon, scale_bar

ALL_WINDOWS = "all"
MAP_AXES = (0.025, 0.075, 0.62, 0.83)  # left, bottom, width, height (figure fraction)
LEGEND_X = 0.665
MAX_PLACE_LABELS = 12
LABELLED_KINDS = (None, "populated_place")  # the places named that the map marks (not regions, not countries)
MAX_CONTEXT_PLACES = 10
MAX_LEGEND_CLAIMS = 3
OVERVIEW_ZOOM_OUT = 7.0  # the overview map spans this many times the main map
ROOM_SIMPLIFY = 0.02  # of the margin kept around the claims where region names go
LEGEND_FONT_PT, LEGEND_TITLE_PT = 8.5, 10
LEGEND_HANDLE_HEIGHT, LEGEND_SPACING = 1.6, 0.9  # in font sizes

log = logging.getLogger("geomap")


def claims_map_figure(tables: Any, date_window: str | None, path: str | os.PathLike[str], dpi: int = 200,
                      regions: Any = None, size: tuple[float, float] = MAP_SIZE_IN) -> Path:
    """Draw the claims map of one date window and write it as PNG or SVG.

    Parameters
    ----------
    tables : mapping or object, or MapInputs
        The pipeline's tables (see :mod:`geomap.export.layers`): ``claim_geoms``
        is required; ``sources`` names the sources, ``mentions`` gives the
        places named, ``envelopes`` and ``reference`` are drawn when present,
        and ``places`` (``name, population`` points, e.g. the basemap places
        of :func:`geomap.pipeline.basemap`) adds towns for orientation. Or
        the :class:`~geomap.figures.inputs.MapInputs` made from them, to draw
        several windows from one conversion of the tables.
    date_window : str or None
        A window label of the claim geometries (``"2024-08"``, ``"undated"``)
        or ``"all"``/``None`` for every window.
    path : path or list of paths
        Output file(s), ``.png`` or ``.svg``; the figure is drawn once and saved to each.
    dpi : int
        Resolution of a PNG (the image is ``size × dpi`` pixels; 200 or more
        for print); SVG text and shapes stay vector.
    regions : geomap.gazetteer.regions.Regions, optional
        Basemap polygons; defaults to the bundled ones (with ``MapInputs``, theirs).
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
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    output_formats = [format_of(p) for p in paths]  # checked before drawing
    inputs = tables if isinstance(tables, MapInputs) else MapInputs.of(tables, regions)
    chosen = chosen_windows(inputs.windows, date_window)
    shown = inputs.mapped_in(chosen)
    what = f"claims map of {chosen[0].label if len(chosen) == 1 else ALL_WINDOWS}"  # in notes on its overlays
    with overlay_notes_once(what):
        return _draw_claims_map(inputs, chosen, shown, what, paths, output_formats, size, dpi)


def _draw_claims_map(inputs: MapInputs, chosen: list[DateWindow], shown: list[dict[str, Any]], what: str,
                     paths: list, output_formats: list[str], size: tuple[float, float], dpi: int) -> Path:
    """The figure of :func:`claims_map_figure`, drawn and saved to each of ``paths``."""
    drawn, too_large, view = _framed(inputs, chosen, shown, size)
    shapes = view.project_all([c["geometry"] for c in drawn])  # every drawn claim, in map metres
    outside = [c for c, seen in zip(drawn, shapely.intersects(shapes, shapely.box(*view.bounds))) if not seen]
    with figure_style():
        figure = Figure(figsize=size)
        DeferredCanvas(figure)
        ax = figure.add_axes(MAP_AXES)
        ax.set_facecolor(WATER)
        handles: list[tuple[Any, str]] = []
        labels = LabelSpace(view, size, MAP_AXES)
        basemap_handles, region_labels = _draw_basemap(ax, view, inputs.regions, shapes, what)
        handles += basemap_handles
        handles += _draw_reference(ax, view, inputs.reference, chosen)
        handles += _draw_claims(ax, view, drawn, shapes, inputs.colors, inputs.names, what)
        handles += _draw_envelopes(ax, view, inputs.envelopes, chosen)
        handles += _draw_places(ax, view, labels, inputs.named, inputs.context)
        _draw_region_labels(ax, labels, region_labels)
        view.apply(ax)
        _draw_scale_bar(ax, view)
        _draw_north_arrow(ax, view)
        ax.text(0.995, 0.005, ATTRIBUTION, transform=ax.transAxes, ha="right", va="bottom", fontsize=7.5,
                color="#333333", bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 2})
        _map_titles(figure, chosen, drawn)
        legend_bottom = _map_legend(figure, handles)
        _draw_overview(figure, view, drawn, shapes, inputs.colors, inputs.regions, legend_bottom)
        notes = [view.projection_note]
        if outside:
            listed = ", ".join(f"{c['claim_id']} ({_claim_summary(c)} around {c.get('place') or '?'})"
                               for c in outside[:3])
            more = f" and {len(outside) - 3} more" if len(outside) > 3 else ""
            notes.append(f"Outside this map, far from the other claims (see the overview): {listed}{more}.")
        if too_large:
            listed = ", ".join(f"{c['claim_id']} ({_claim_summary(c)} of {c.get('place') or c.get('host') or '?'})"
                               for c in too_large[:3])
            more = f" and {len(too_large) - 3} more" if len(too_large) > 3 else ""
            notes.append(f"Not drawn at this scale (country-sized): {listed}{more}.")
        figure.text(MAP_AXES[0], 0.045, "\n".join(shorten(n, 170) for n in notes), fontsize=7.5, color="#555555",
                    va="top", linespacing=1.5)
        written = [save_figure(figure, p, f, dpi) for p, f in zip(paths, output_formats)]
        return written[0]


def _framed(inputs: MapInputs, chosen: list[DateWindow], shown: list[dict[str, Any]], size: tuple[float, float]
            ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], MapView]:
    """The claims of ``shown`` (those of the windows ``chosen``) drawn at the map's scale, those too large for it
    (country-sized), and the view: worked out once per windows and size (the figure's key needs them too)."""
    memo = (tuple(window.label for window in chosen), size)
    if memo not in inputs.framings:
        inputs.framings[memo] = _framing(inputs, shown, size)
    return inputs.framings[memo]


def _framing(inputs: MapInputs, shown: list[dict[str, Any]], size: tuple[float, float]
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], MapView]:
    fits = [extent_km(c["geometry"]) < COUNTRY_SCALE_KM for c in shown]
    drawn = [c for c, fit in zip(shown, fits) if fit]
    too_large = [c for c, fit in zip(shown, fits) if not fit]
    focused = focus_cluster([c["geometry"] for c in drawn])
    fallback = [(x, y) for x, y in zip(inputs.named.lons.tolist(), inputs.named.lats.tolist()) if x == x]
    return drawn, too_large, MapView.around([drawn[i]["geometry"] for i in focused], fallback, size, MAP_AXES)


def window_figure_inputs(inputs: MapInputs, label: str, size: tuple[float, float] = MAP_SIZE_IN) -> tuple:
    """All that the claims map of window ``label`` reads of ``inputs``: the key of the figure in the figure cache.

    A corpus grown by a few articles changes some windows' claims; the other windows' maps are the same files.
    Their tables are not: the places are ranked by how often the whole corpus names them, and every source has
    a colour. So this is the figure's own part: the window, its claims (records and shapes), the colours and
    names of their sources, its envelopes, the reference, the view, and the places the view holds in the
    order the map marks them (the basemap's regions are the bundled data, in the cache's version).
    """
    chosen = chosen_windows(inputs.windows, label)
    shown = inputs.mapped_in(chosen)
    _, _, view = _framed(inputs, chosen, shown, size)
    sources = sorted({claim["source"] for claim in shown})
    labels = {window.label for window in chosen}
    named, context = (np.flatnonzero(_in_view(view, found)[2]).tolist() for found in (inputs.named, inputs.context))
    places = [
        [(inputs.named.names[i], inputs.named.lons[i], inputs.named.lats[i]) for i in named
         if inputs.named.kinds[i] in LABELLED_KINDS][:MAX_PLACE_LABELS],
        [(inputs.context.names[i], inputs.context.lons[i], inputs.context.lats[i]) for i in context],
    ]
    return (
        chosen, shown, [(source, inputs.colors.get(source), inputs.names.get(source)) for source in sources],
        [(window, shape) for window, shape in inputs.envelopes if window in labels], inputs.reference,
        view.bounds, view.projection_note, places,
    )


def chosen_windows(windows: Sequence[DateWindow], date_window: str | None) -> list[DateWindow]:
    if date_window is None or date_window == ALL_WINDOWS:
        return list(windows)
    label = str(date_window) or UNDATED
    chosen = [w for w in windows if w.label == label]
    if not chosen:
        known = ", ".join(w.label for w in windows) or "none"
        raise ValueError(f"no claims in date window {label!r} (windows: {known}, or {ALL_WINDOWS!r})")
    return chosen


def _draw_basemap(ax, view: MapView, regions: Any, claim_shapes: np.ndarray, what: str
                  ) -> tuple[list[tuple[Any, str]], list[tuple[float, float, str]]]:
    """Land, occupied areas and borders; returns legend handles and region labels to place."""
    bbox = view.lonlat_bounds()
    countries = regions.frame("country", bbox)
    admin1 = regions.frame("admin1", bbox)
    # Each region is projected once, for its fill, its outline and its label.
    country_shapes = view.project_all(countries.geometry)
    admin1_shapes = view.project_all(admin1.geometry)
    handles = []
    add_polygons(ax, view.clip(country_shapes), facecolor=LAND, edgecolor="none", zorder=1)
    occupied = view.clip(np.concatenate([country_shapes[_occupied(countries)], admin1_shapes[_occupied(admin1)]]))
    if len(occupied):
        add_polygons(ax, occupied, facecolor=OCCUPIED_FILL, edgecolor=OCCUPIED_HATCH, hatch="////", linewidth=0,
                     zorder=1.5)
        handles.append((Patch(facecolor=OCCUPIED_FILL, edgecolor=OCCUPIED_HATCH, hatch="////"),
                        "occupied area (de jure borders shown)"))
    if len(admin1):
        add_lines(ax, view.clip(shapely.boundary(admin1_shapes)), color=ADMIN1_EDGE, linewidth=0.8, zorder=2)
        handles.append((Line2D([], [], color=ADMIN1_EDGE, linewidth=0.8), "admin-1 boundary"))
    if len(countries):
        add_lines(ax, view.clip(shapely.boundary(country_shapes)), color=COUNTRY_EDGE, linewidth=1.6, zorder=2.1)
        handles.append((Line2D([], [], color=COUNTRY_EDGE, linewidth=1.6), "international border (de jure)"))
    return handles, _region_labels(view, admin1, admin1_shapes, countries, claim_shapes, what)


def _occupied(frame) -> np.ndarray:
    """Which rows of a region frame are occupied areas."""
    if "occupied" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return np.array([bool(flag) for flag in frame["occupied"]], dtype=bool)


def _region_labels(view: MapView, admin1, admin1_shapes: np.ndarray, countries, claim_shapes: np.ndarray,
                   what: str) -> list[tuple[float, float, str]]:
    """Admin-1 names (with their country) where a region fills a good part of the map, clear of the claims."""
    country_names = {str(code): str(name) for code, name in zip(countries.get("code", []), countries.get("name", []))}
    minx, miny, maxx, maxy = view.bounds
    map_area = (maxx - minx) * (maxy - miny)
    margin = (maxx - minx) * 0.06
    # quad_segs=16 is the default of the geometries' own .buffer (the function's is 8). The claims are simplified
    # first, by a fiftieth of the margin: buffering their 200 vertices each (incursions follow the border) took a
    # third of a busy window's map, and the room they leave moves by no more than that fiftieth.
    busy = None
    if len(claim_shapes):
        thinned = shapely.simplify(claim_shapes, margin * ROOM_SIMPLIFY)
        busy = overlay.union(shapely.buffer(thinned, margin, quad_segs=16), view.grid, f"{what}: claims' room")
    found = []
    clipped_regions = shapely.clip_by_rect(admin1_shapes, *view.bounds)
    for name, country, clipped in zip(admin1.get("name", []), admin1.get("country", []), clipped_regions):
        if clipped.is_empty or clipped.area < 0.06 * map_area:
            continue
        free = overlay.difference(clipped, busy, view.grid, f"{what}: room for {name}") if busy is not None else clipped
        if free.is_empty or free.area < 0.03 * map_area:
            continue
        # Pole of inaccessibility: the point deepest inside the free part, away from its edges.
        spot = polylabel(largest_polygon(free), tolerance=500)
        found.append((spot.x, spot.y, f"{name}\n{country_names.get(str(country), country or '')}".strip()))
    return found


def _draw_region_labels(ax, labels: "LabelSpace", found: Sequence[tuple[float, float, str]]) -> None:
    for x, y, text in found:
        if labels.take(labels.box(x, y, text, 9, "center", "center")):
            ax.text(x, y, text, ha="center", va="center", fontsize=9, style="italic", color=LABEL_GREY,
                    alpha=0.85, zorder=2.5, linespacing=1.3)


def _draw_claims(ax, view: MapView, claims: Sequence[Mapping[str, Any]], shapes: np.ndarray,
                 colors: Mapping[str, str], names: Mapping[str, str], what: str) -> list[tuple[Any, str]]:
    """The claims (``shapes``: their geometries in map metres), coloured per source; returns legend handles."""
    # Largest first, so that smaller claims stay visible on top of larger ones. Outlines of
    # claims drawn earlier are wider, so coinciding outlines show as stripes of each colour.
    order = sorted(range(len(claims)), key=lambda i: (-shapes[i].area, claims[i]["claim_id"]))
    covered_by = covering_counts(shapes[order], view.grid, what)
    layers: list[tuple[float, str, BaseGeometry, dict[str, Any]]] = []  # (zorder, kind, shape, style)
    for rank, index in enumerate(order):
        claim = claims[index]
        color = colors.get(claim["source"], "#555555")
        role = claim.get("role") or "buffer"
        linestyle = ROLE_DASHES.get(role, "solid")
        z = 3 + rank * 0.01
        polygons, lines = split_geometry(shapes[index])
        areas = view.clip([polygons])
        if len(areas):
            fill = 0.10 if role == "buffer" else 0.06 if role == "band" else 0.0
            if fill:
                layers.append((3, "fill", areas[0], {"facecolor": with_alpha(color, fill)}))
            width = 1.6 + 1.6 * min(covered_by[rank], 3) if role == "buffer" else 1.5
            layers.append((z, "line", shapely.boundary(areas[0]),
                           {"color": color, "linewidth": width, "linestyle": linestyle}))
        strokes = view.clip([lines])
        if len(strokes):
            layers.append((z, "line", strokes[0], {"color": color, "linewidth": 1.8, "linestyle": linestyle}))
    _add_layers(ax, layers)
    handles = []
    by_source: dict[str, list[Mapping[str, Any]]] = {}
    for claim in claims:
        by_source.setdefault(claim["source"], []).append(claim)
    for source_id, color in colors.items():
        mine = by_source.get(source_id)
        if not mine:
            continue
        amounts = list(dict.fromkeys(_claim_summary(c) for c in _by_date(mine)))
        if len(amounts) > MAX_LEGEND_CLAIMS:
            amounts = amounts[:MAX_LEGEND_CLAIMS - 1] + [f"and {len(amounts) - MAX_LEGEND_CLAIMS + 1} more"]
        handles.append((Patch(facecolor=with_alpha(color, 0.25), edgecolor=color, linewidth=1.8),
                        "\n".join([shorten(names.get(source_id, source_id), 44)] + ["  " + a for a in amounts])))
    roles = list(dict.fromkeys(c.get("role") for c in claims if c.get("role") not in (None, "buffer")))
    for role in roles:
        handles.append((Line2D([], [], color="#555555", linewidth=1.6, linestyle=ROLE_DASHES.get(role, "solid")),
                        f"claimed {role} (source colour)"))
    return handles


def _add_layers(ax, layers: Sequence[tuple[float, str, BaseGeometry, dict[str, Any]]]) -> None:
    """Draw the claims' fills and lines in the order one artist each would be drawn, in few collections.

    matplotlib draws artists by zorder, then in the order they were added;
    runs of fills or of lines in that order become one collection each, at the
    zorder of the first in the run. (The outlines' zorders climb by 0.01 per
    claim, so in a window of more than 250 claims the last ones used to rise
    over the place names and the scale bar; as one collection they stay below.)
    """
    ordered = sorted(layers, key=lambda layer: layer[0])  # stable: the order of adding breaks ties
    start = 0
    while start < len(ordered):
        end = start
        while end < len(ordered) and ordered[end][1] == ordered[start][1]:
            end += 1
        run = ordered[start:end]
        styles = {key: [layer[3][key] for layer in run] for key in run[0][3]}
        shapes = [layer[2] for layer in run]
        if run[0][1] == "fill":
            add_polygons(ax, shapes, edgecolor="none", zorder=run[0][0], **styles)
        else:
            add_lines(ax, shapes, zorder=run[0][0], **styles)
        start = end


def covering_counts(shapes: np.ndarray, grid: float = overlay.METRES_GRID, what: str = "claims map") -> list[int]:
    """For each shape, how many of those after it nearly coincide with it (see :func:`coincide`).

    Only pairs whose bounding boxes meet (within the tolerance for lines) can coincide, so
    a spatial index finds the candidates instead of comparing every pair; of those, only the
    pairs that pass :func:`coincide`'s cheap tests, checked on all of them at once, are compared.
    """
    counts = [0] * len(shapes)
    if not len(shapes):
        return counts
    bounds = shapely.bounds(shapes)
    minx, miny, maxx, maxy = bounds.T
    boxes = shapely.box(minx - 1e-6, miny - 1e-6, maxx + 1e-6, maxy + 1e-6)
    first, second = shapely.STRtree(shapes).query(boxes)
    later = second > first
    first, second = first[later], second[later]
    # A busy window of a 10,000-article corpus has 250,000 candidate pairs, and comparing lines shape by shape took
    # half its map's time. Lines within LINE_TOLERANCE (Hausdorff) have bounds that differ by no more (a margin
    # absorbs rounding); areas must be within the tolerance of each other, as coincide checks first.
    kinds, areas = shapely.get_type_id(shapes), shapely.area(shapes)
    larger = np.maximum(areas[first], areas[second])
    areas_close = np.abs(areas[first] - areas[second]) <= COINCIDE_TOLERANCE * larger * (1 + 1e-9)
    with np.errstate(invalid="ignore"):  # empty shapes have no bounds (NaN): never close
        bounds_close = np.abs(bounds[first] - bounds[second]).max(axis=1) <= 2 * LINE_TOLERANCE
    lines = (areas[first] == 0) | (areas[second] == 0)
    possible = (kinds[first] == kinds[second]) & np.where(lines, bounds_close, areas_close)
    for i, j in zip(first[possible].tolist(), second[possible].tolist()):
        if coincide(shapes[i], shapes[j], grid=grid, what=what):
            counts[i] += 1
    return counts


class _OverlayNotes(logging.Filter):
    """Holds back the notes :mod:`geomap.geometry.overlay` logs on one figure's overlays, and counts them."""

    def __init__(self, what: str):
        super().__init__()
        self.prefix = f"{what}: "
        self.parts: dict[str, int] = {}  # what each overlay was for ("outlines", "room for Kursk"), in first order
        self.first_error = ""
        self.grid: float | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if "GEOS could not overlay" not in str(record.msg) or len(args) != 3 or \
                not str(args[0]).startswith(self.prefix):
            return True
        part = str(args[0])[len(self.prefix):]
        self.parts[part] = self.parts.get(part, 0) + 1
        self.first_error = self.first_error or str(args[1])
        self.grid = args[2]
        return False


@contextlib.contextmanager
def overlay_notes_once(what: str) -> Iterator[None]:
    """One note for all the overlays of the figure ``what`` that GEOS could only compute on a grid, with a count.

    A busy window compares hundreds of outlines; when one claimed area crosses itself, every comparison with it
    falls back to the grid, and the log said so once per comparison (nine identical lines for one figure).
    """
    notes = _OverlayNotes(what)
    log.addFilter(notes)
    try:
        yield
    finally:
        log.removeFilter(notes)
        count = sum(notes.parts.values())
        if count:
            parts = ", ".join(f"{part} ×{times}" if times > 1 else part for part, times in notes.parts.items())
            log.info("%s: GEOS could not overlay the areas as they are %s (%s; first: %s); overlaid made valid on a "
                     "%g grid", what, "once" if count == 1 else f"{count} times", parts, notes.first_error,
                     notes.grid)


COINCIDE_TOLERANCE = 0.04  # of the larger area
LINE_TOLERANCE = 1e-6  # map metres (Hausdorff distance) between lines drawn on top of each other


def coincide(shape: BaseGeometry, other: BaseGeometry, tolerance: float = COINCIDE_TOLERANCE,
             grid: float = overlay.METRES_GRID, what: str = "claims map") -> bool:
    """Whether two projected shapes nearly cover each other (their outlines would be drawn on top of each other)."""
    if shape.is_empty or other.is_empty or shape.geom_type != other.geom_type:
        return False
    if shape.area == 0 or other.area == 0:
        return shape.hausdorff_distance(other) < LINE_TOLERANCE
    largest = max(shape.area, other.area)
    if abs(shape.area - other.area) > tolerance * largest * (1 + 1e-9):
        return False  # the difference of the areas alone is more than the tolerance (checked first: cheap)
    return overlay.symmetric_difference(shape, other, grid, f"{what}: outlines").area <= tolerance * largest


def _claim_summary(claim: Mapping[str, Any]) -> str:
    text = claimed_text(claim)
    km2 = claim.get("km2")
    if km2 is not None and claim.get("unit") not in ("km²", "km2", "square kilometres", "square kilometers"):
        text += f" ≈ {format_number(round(km2) if km2 >= 100 else km2)} km²"
    return shorten(text, 42)


def _by_date(claims: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(claims, key=lambda c: (str(c.get("as_of_start") or ""), c["claim_id"]))


def _draw_envelopes(ax, view: MapView, envelopes: Sequence[tuple[str, BaseGeometry]],
                    chosen: Sequence[DateWindow]) -> list[tuple[Any, str]]:
    if not envelopes or len(chosen) != 1:
        return []
    shapes = view.clip(view.project_all([g for window, g in envelopes if window == chosen[0].label]))
    if not len(shapes):
        return []
    add_lines(ax, shapely.boundary(shapes), color=ENVELOPE_COLOR, linewidth=0.9, linestyle=(0, (6, 4)), zorder=2.95)
    return [(Line2D([], [], color=ENVELOPE_COLOR, linewidth=0.9, linestyle=(0, (6, 4))),
             "envelope: union of the window's held-area claims")]


def _draw_reference(ax, view: MapView, reference: Sequence[tuple[Any, BaseGeometry]],
                    chosen: Sequence[DateWindow]) -> list[tuple[Any, str]]:
    if not reference:
        return []
    picked = reference_dates_for_windows(chosen, [day for day, _ in reference if day is not None])
    wanted = set(picked.values())
    if not wanted:
        return []
    shapes = view.clip(view.project_all([g for day, g in reference if day in wanted]))
    if not len(shapes):
        return []
    add_polygons(ax, shapes, facecolor=with_alpha(REFERENCE_COLOR, 0.10), edgecolor=REFERENCE_COLOR, linewidth=2.2,
                 zorder=2.8)
    day_text = ", ".join(sorted(day.isoformat() for day in wanted))
    return [(Patch(facecolor=with_alpha(REFERENCE_COLOR, 0.10), edgecolor=REFERENCE_COLOR, linewidth=2.2),
             f"reference ({day_text})")]


def _draw_places(ax, view: MapView, labels: LabelSpace, named_places: Places, context: Places
                 ) -> list[tuple[Any, str]]:
    """The places the articles name (black dots, always labelled) and other towns for orientation (grey,
    labelled where there is room; only when ``context`` places are given)."""
    minx, miny, maxx, maxy = view.bounds
    offset = (maxx - minx) * 0.007

    def label(x: float, y: float, text: str, fontsize: float, force: bool) -> tuple[float, float, str] | None:
        for ha, dx in (("left", offset), ("right", -offset)):
            if labels.take(labels.box(x + dx, y + offset * 0.3, text, fontsize, ha, "bottom")):
                return x + dx, y + offset * 0.3, ha
        if force:
            labels.take(labels.box(x + offset, y, text, fontsize, "left", "bottom"), force=True)
            return x + offset, y + offset * 0.3, "left"
        return None

    xs, ys, inside = _in_view(view, named_places)
    kinds = named_places.kinds
    named = [(xs[i], ys[i], named_places.names[i]) for i in np.flatnonzero(inside).tolist()
             if kinds[i] in LABELLED_KINDS][:MAX_PLACE_LABELS]
    for x, y, _ in named:
        labels.take((x - offset, y - offset, x + offset, y + offset), force=True)
    handles = []
    if named:
        x_named, y_named, _ = zip(*named)
        ax.scatter(x_named, y_named, s=18, color="#222222", edgecolors="white", linewidths=0.8, zorder=6)
        for x, y, text in named:
            tx, ty, ha = label(x, y, text, 9, force=True)
            halo_text(ax, tx, ty, text, ha=ha, va="bottom", fontsize=9, color="#222222", zorder=6.1)
        handles.append((Line2D([], [], marker="o", linestyle="none", markersize=5, markerfacecolor="#222222",
                                markeredgecolor="white"), "place named in the articles"))
    if not context.names:
        return handles
    known = {text for _, _, text in named}
    xs, ys, inside = _in_view(view, context)
    towns: list[tuple[float, float]] = []
    for index in np.flatnonzero(inside).tolist():
        x, y, text = xs[index], ys[index], context.names[index]
        if not text or text in known:
            continue
        if not labels.take((x - offset, y - offset, x + offset, y + offset)):
            continue
        placed = label(x, y, text, 8, force=False)
        if placed is None:
            continue
        known.add(text)
        towns.append((x, y))
        halo_text(ax, placed[0], placed[1], text, ha=placed[2], va="bottom", fontsize=8, color="#6b6358",
                   zorder=5.6)
        if len(towns) >= MAX_CONTEXT_PLACES:
            break
    if towns:
        x_towns, y_towns = zip(*towns)
        ax.scatter(x_towns, y_towns, s=10, marker="s", color="#8a8378", edgecolors="white", linewidths=0.5,
                   zorder=5.5)
        handles.append((Line2D([], [], marker="s", linestyle="none", markersize=4, markerfacecolor="#8a8378",
                               markeredgecolor="white"), "other town (GeoNames)"))
    return handles


def _in_view(view: MapView, places: Places) -> tuple[list[float], list[float], np.ndarray]:
    """The places in map metres (x and y lists) and which of them lie inside the view."""
    x, y = view.to_map.transform(places.lons, places.lats)
    minx, miny, maxx, maxy = view.bounds
    with np.errstate(invalid="ignore"):  # places without a point are NaN: never inside
        inside = (minx < x) & (x < maxx) & (miny < y) & (y < maxy)
    return np.asarray(x, dtype=float).tolist(), np.asarray(y, dtype=float).tolist(), inside


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
    halo_text(ax, x + dx * 0.62, y + dy * 0.5 + length * 0.1, "N", ha="center", va="bottom", fontsize=12,
               weight="bold", zorder=7)


def _map_titles(figure: Figure, chosen: Sequence[DateWindow], shown: Sequence[Mapping[str, Any]]) -> None:
    when = chosen[0].shown if len(chosen) == 1 else "all date windows"
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


def _map_legend(figure: Figure, handles: Sequence[tuple[Any, str]]) -> float:
    """Draw the legend right of the map; return its bottom edge (figure fraction)."""
    # Sources first, then the map's other symbols; the basemap last.
    order = {"source": 0, "other": 1, "basemap": 2}

    def group(label: str) -> int:
        if label.startswith(("admin-1", "international", "occupied")):
            return order["basemap"]
        return order["source"] if "\n" in label else order["other"]

    ordered = sorted(handles, key=lambda h: group(h[1]))
    top = MAP_AXES[1] + MAP_AXES[3]
    if not ordered:
        return top
    # A window with hundreds of sources has a legend far longer than the figure: only the entries that
    # can show are made (laying out and drawing the others took most of such a map's time).
    ordered = ordered[:legend_room(
        [label for _, label in ordered], top * figure.get_figheight() * 72, LEGEND_FONT_PT, LEGEND_TITLE_PT,
        LEGEND_HANDLE_HEIGHT, LEGEND_SPACING)]
    legend = figure.legend([h for h, _ in ordered], [label for _, label in ordered], loc="upper left",
                           bbox_to_anchor=(LEGEND_X, top), frameon=False, fontsize=LEGEND_FONT_PT,
                           title="Sources and symbols", title_fontsize=LEGEND_TITLE_PT, alignment="left",
                           handlelength=2.4, handleheight=LEGEND_HANDLE_HEIGHT, labelspacing=LEGEND_SPACING,
                           borderaxespad=0)
    box = legend.get_window_extent(figure.canvas.get_renderer())
    return float(box.y0 / figure.bbox.height)


def _draw_overview(figure: Figure, view: MapView, claims: Sequence[Mapping[str, Any]], shapes: np.ndarray,
                   colors: Mapping[str, str], regions: Any, legend_bottom: float) -> None:
    """A small locator map under the legend: the main map's frame among the countries, and every claim
    (``shapes``: the claims in the main map's metres, which the overview shares)."""
    bottom = MAP_AXES[1]
    height = min(0.34, legend_bottom - 0.04 - bottom)
    if height < 0.16:
        return  # no room under a long legend
    width_in = height * figure.get_figheight()
    ax = figure.add_axes((LEGEND_X, bottom, width_in / figure.get_figwidth(), height))
    ax.set_facecolor(WATER)
    minx, miny, maxx, maxy = view.bounds
    # Centred on the main frame and every claim together, so a far-away claim is inside too.
    wminx, wminy, wmaxx, wmaxy = shapely.total_bounds(np.append(shapes, shapely.box(*view.bounds)))
    half = max(max(maxx - minx, maxy - miny) * OVERVIEW_ZOOM_OUT / 2, (wmaxx - wminx) * 0.6, (wmaxy - wminy) * 0.6)
    cx, cy = (wminx + wmaxx) / 2, (wminy + wmaxy) / 2
    overview = view.reframed((cx - half, cy - half, cx + half, cy + half))
    countries = regions.frame("country", overview.lonlat_bounds())
    land = overview.clip(overview.project_all(countries.geometry))
    add_polygons(ax, shapely.simplify(land, half / 400), facecolor=LAND, edgecolor=COUNTRY_EDGE, linewidth=0.5,
                 zorder=1)
    # One marker collection per run of claims of one colour, drawn in the claims' order.
    centres = shapely.get_coordinates(shapely.centroid(shapes))
    claim_colors = [colors.get(claim["source"], "#555555") for claim in claims]
    start = 0
    while start < len(claims):
        end = start
        while end < len(claims) and claim_colors[end] == claim_colors[start]:
            end += 1
        ax.scatter(centres[start:end, 0], centres[start:end, 1], s=14, color=claim_colors[start],
                   edgecolors="white", linewidths=0.4, zorder=3)
        start = end
    ax.add_patch(Rectangle((minx, miny), maxx - minx, maxy - miny, facecolor="none", edgecolor="#b00020",
                           linewidth=1.2, zorder=4))
    overview.apply(ax)
    ax.set_title("Overview", fontsize=8.5, loc="left", pad=3)
