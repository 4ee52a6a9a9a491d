"""Tables -> GeoJSON features for the map's layers.

Coordinates are rounded to 5 decimals (about 1 m), which keeps the page small
and the output stable; rings that collapse when rounded are dropped. Feature
properties use short keys read by ``geojson_layer.js``: ``t`` tooltip text,
``p`` popup HTML (escaped by a template), ``q`` popup as text blocks (see
:func:`popup_blocks`), ``s`` style overrides, ``r`` radius.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pyproj import Geod
import shapely
from shapely.ops import unary_union

from .coordinates import flatten, python_round
from .elements import COORDINATE_DECIMALS, render_template
from geomap.view import format_km2, format_number

from .panel import ROLE_NAMES, ClaimView, claim_view, group_claims, plural

OCCUPIED_TEXT = "occupied by Russia since 2014"

_GEOD = Geod(ellps="WGS84")


def _round(value: float, ndigits: int) -> float:
    rounded = round(float(value), ndigits)
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


class _RoundedLayer:
    """A layer's coordinates (see :func:`~geomap.render.coordinates.flatten`) rounded together.

    A line or ring leaves out each point that repeats the one before it once
    rounded; a point is its rounded coordinate.
    """

    def __init__(self, xy: np.ndarray, starts: np.ndarray, ndigits: int):
        rounded = python_round(xy, ndigits)
        repeated = np.zeros(len(rounded), dtype=bool)
        repeated[1:] = (rounded[1:] == rounded[:-1]).all(axis=1)
        repeated[starts[:-1][starts[:-1] < len(rounded)]] = False  # a leaf's first point is never a repeat
        self._path_starts = np.concatenate([[0], np.cumsum(~repeated)])[starts].tolist()
        self._points = rounded[~repeated].tolist()
        self._starts = starts.tolist()
        self._rounded = rounded

    def path(self, leaf: int) -> list[list[float]]:
        return self._points[self._path_starts[leaf]:self._path_starts[leaf + 1]]

    def position(self, leaf: int) -> list[float]:
        return self._rounded[self._starts[leaf]].tolist()


def _polygon(rings: Sequence[int], layer: _RoundedLayer) -> list | None:
    rounded = []
    for index, ring in enumerate(rings):
        points = layer.path(ring)
        if len(points) < 4:
            if index == 0:
                return None  # the outline collapsed: nothing left to draw
            continue
        rounded.append(points)
    return rounded


def geometry_to_geojson(geometry: Any, ndigits: int = COORDINATE_DECIMALS) -> dict | None:
    """A shapely geometry as a GeoJSON geometry dict with rounded coordinates.

    Returns ``None`` for missing or empty geometries and for ones that vanish
    when rounded.
    """
    return geometries_to_geojson([geometry], ndigits)[0]


def geometries_to_geojson(geometries: Sequence[Any], ndigits: int = COORDINATE_DECIMALS) -> list[dict | None]:
    """:func:`geometry_to_geojson` of each geometry, the coordinates of all of them rounded together."""
    geometries = list(geometries)
    present = [i for i, g in enumerate(geometries) if g is not None and not getattr(g, "is_empty", True)]
    made: list[dict | None] = [None] * len(geometries)
    if present:
        xy, starts, trees = flatten([geometries[i] for i in present])
        layer = _RoundedLayer(xy, starts, ndigits)
        for index, tree in zip(present, trees):
            made[index] = _round_tree(tree, layer)
    return made


def _round_tree(tree: Mapping[str, Any], layer: _RoundedLayer) -> dict | None:
    kind = tree["type"]
    if kind == "GeometryCollection":
        parts = [p for p in (_round_tree(g, layer) for g in tree["geometries"]) if p]
        return {"type": kind, "geometries": parts} if parts else None
    leaves = tree["coordinates"]
    if kind == "Point":
        rounded: Any = layer.position(leaves)
    elif kind == "MultiPoint":
        rounded = [layer.position(leaf) for leaf in leaves] or None
    elif kind == "LineString":
        rounded = layer.path(leaves)
        rounded = rounded if len(rounded) >= 2 else None
    elif kind == "MultiLineString":
        rounded = [p for p in map(layer.path, leaves) if len(p) >= 2] or None
    elif kind == "Polygon":
        rounded = _polygon(leaves, layer)
    elif kind == "MultiPolygon":
        rounded = [p for p in (_polygon(rings, layer) for rings in leaves) if p] or None
    else:
        raise ValueError(f"unsupported geometry type {kind!r}")
    return {"type": kind, "coordinates": rounded} if rounded else None


def simplified(geometry: Any, ratio: float | None) -> Any:
    """``geometry`` for display with vertices dropped that lie within ``ratio`` × its size of the outline.

    A 120-vertex area-true circle keeps about 35 vertices at ``ratio=0.002`` and
    loses about 0.5 % of its drawn area; ``None`` or 0 leaves it as it is.
    """
    return simplified_all([geometry], ratio)[0]


def simplified_all(geometries: Sequence[Any], ratio: float | None) -> list[Any]:
    """:func:`simplified` of each geometry, in one shapely call."""
    geometries = list(geometries)
    if not ratio or not geometries:
        return geometries
    shapes = np.empty(len(geometries), dtype=object)
    shapes[:] = geometries
    minx, miny, maxx, maxy = shapely.bounds(shapes).T  # NaN for missing and empty geometries
    tolerance = ratio * np.maximum(maxx - minx, maxy - miny)
    thinned = np.greater(tolerance, 0, where=~np.isnan(tolerance), out=np.zeros(len(shapes), dtype=bool))
    shapes[thinned] = shapely.simplify(shapes[thinned], tolerance[thinned], preserve_topology=True)
    return shapes.tolist()


def feature(geometry: Any, properties: Mapping[str, Any], ndigits: int = COORDINATE_DECIMALS) -> dict | None:
    """A GeoJSON feature with rounded coordinates, or ``None`` without geometry."""
    return features([geometry], [properties], ndigits)[0]


def features(geometries: Sequence[Any], properties: Sequence[Mapping[str, Any]],
             ndigits: int = COORDINATE_DECIMALS) -> list[dict | None]:
    """:func:`feature` of each geometry and its properties, the coordinates rounded together."""
    made: list[dict | None] = []
    for geojson, values in zip(geometries_to_geojson(geometries, ndigits), properties):
        kept = {key: value for key, value in values.items() if value is not None}
        made.append(None if geojson is None else {"type": "Feature", "geometry": geojson, "properties": kept})
    return made


def geodesic_km2(geometry: Any) -> float:
    """Area of a lon/lat geometry on the WGS84 ellipsoid, in km²."""
    if geometry is None or geometry.is_empty:
        return 0.0
    return abs(_signed_area(geometry)) / 1e6


def _signed_area(geometry: Any) -> float:
    """pyproj's ``Geod.geometry_area_perimeter(geometry)[0]``, summed in its order, with each ring's coordinates
    taken as arrays (its ``.xy`` per ring was half the time of a large map's envelopes, hundreds of thousands of
    vertices each)."""
    if geometry.geom_type == "Polygon":
        area = _ring_area(geometry.exterior)
        for hole in geometry.interiors:
            area += _ring_area(hole)
        return area
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        total = 0.0
        for part in geometry.geoms:
            total += _signed_area(part)
        return total
    return _GEOD.geometry_area_perimeter(geometry)[0]


def _ring_area(ring: Any) -> float:
    coordinates = shapely.get_coordinates(ring)
    return _GEOD.polygon_area_perimeter(coordinates[:, 0].copy(), coordinates[:, 1].copy())[0]


# --- basemap ---------------------------------------------------------------

# The basemap is simplified by 0.004° or more (geomap.pipeline.basemap): 0.001° (about 100 m, a pixel at
# zoom 10) shows it as it is, with a quarter fewer characters per position than claims' 5 decimals.
BASEMAP_DECIMALS = 3

def country_features(countries: Sequence[Mapping[str, Any]], occupied: bool) -> list[dict]:
    """Countries (de jure), either the ordinary ones or the occupied areas."""
    shapes, properties = [], []
    for country in countries:
        if bool(country.get("occupied")) != occupied:
            continue
        name = str(country.get("name") or country.get("code") or "")
        status = country.get("status") or (OCCUPIED_TEXT if occupied else None)
        shapes.append(country["geometry"])
        properties.append({"t": f"{name} — {status}" if status else name})
    return [made for made in features(shapes, properties, BASEMAP_DECIMALS) if made]


ADMIN1_OCCUPATION = ("none", "partly", "occupied")


def admin1_occupation(region: Mapping[str, Any]) -> str:
    """``"occupied"`` (wholly), ``"partly"`` (a status but not wholly occupied) or ``"none"``.

    An ``occupied`` column decides when present; otherwise a status that starts
    with "occupied" means wholly occupied.
    """
    status = str(region.get("status") or "").strip()
    occupied = region.get("occupied")
    if occupied is None:
        occupied = status.lower().startswith("occupied")
    if occupied:
        return "occupied"
    return "partly" if status else "none"


def admin1_features(regions: Sequence[Mapping[str, Any]], occupation: str) -> list[dict]:
    """Admin-1 regions of one :func:`admin1_occupation` class; tooltips give name, country, status."""
    if occupation not in ADMIN1_OCCUPATION:
        raise ValueError(f"unknown occupation class {occupation!r}")
    shapes, properties = [], []
    for region in regions:
        if admin1_occupation(region) != occupation:
            continue
        status = region.get("status") or (OCCUPIED_TEXT if occupation == "occupied" else None)
        name = str(region.get("name") or region.get("code") or "")
        country = region.get("country")
        tooltip = f"{name} ({country})" if country else name
        if status:
            tooltip = f"{tooltip} — {status}"
        shapes.append(region["geometry"])
        properties.append({"t": tooltip})
    return [made for made in features(shapes, properties, BASEMAP_DECIMALS) if made]


# Population -> first zoom level at which a place's label may appear.
_LABEL_ZOOMS = ((1_000_000, 4), (300_000, 5), (100_000, 6), (30_000, 7), (10_000, 8), (3_000, 9), (1_000, 10))


def label_min_zoom(population: int | None) -> int:
    """Larger places are labelled from lower zoom levels (zoomed further out)."""
    population = population or 0
    for threshold, zoom in _LABEL_ZOOMS:
        if population >= threshold:
            return zoom
    return 11


def place_labels(places: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """``[lat, lon, min_zoom, name]`` rows, largest places first (ties by name, id)."""
    rows = []
    for place in places:
        point = place.get("geometry")
        if point is None or point.is_empty or not place.get("name"):
            continue
        point = point.representative_point() if point.geom_type != "Point" else point
        population = int(place.get("population") or 0)
        rows.append((-population, str(place["name"]), str(place.get("geonameid") or ""),
                     [_round(point.y, COORDINATE_DECIMALS), _round(point.x, COORDINATE_DECIMALS),
                      label_min_zoom(population), str(place["name"])]))
    rows.sort(key=lambda row: row[:3])
    return [row[3] for row in rows]


# --- popups as text blocks ---------------------------------------------------

# Block kinds, each drawn by geojson_layer.js as one element holding plain text:
# heading (h4), meta line (p.gm-meta), quote (blockquote), strong line (p > strong),
# plain line (p), list (ul of li).
POPUP_BLOCK_KINDS = ("h", "m", "b", "s", "x", "l")


def popup_blocks(*blocks: tuple[str, Any]) -> list[list[Any]]:
    """A popup as ``[kind, text]`` blocks that the page turns into elements with ``textContent``.

    For pages with thousands of popups: plain text in JSON is about half the size
    of the same popup as escaped HTML, and nothing in it is ever parsed as markup.
    Blocks whose text is empty are left out.
    """
    made = []
    for kind, text in blocks:
        if kind not in POPUP_BLOCK_KINDS:
            raise ValueError(f"unknown popup block kind {kind!r}")
        if text:
            made.append([kind, list(map(str, text)) if kind == "l" else str(text)])
    return made


# --- claims ----------------------------------------------------------------

def claim_features(rows: Sequence[Mapping[str, Any]], names: Mapping[str, str],
                   views: Mapping[str, ClaimView] | None = None, style_for_row=None,
                   simplify_ratio: float | None = None, ndigits: int = COORDINATE_DECIMALS,
                   as_blocks: bool = False, window_names: Mapping[str, str] | None = None) -> list[dict]:
    """Mapped claim geometry rows as features with a tooltip and a popup.

    ``views`` are the claims' panel views built from *all* their rows (a claim
    may be drawn in several layers); by default they are built from ``rows``.
    ``simplify_ratio`` thins the outlines for display (see :func:`simplified`);
    ``ndigits`` is the number of decimals kept in coordinates. With ``as_blocks``
    the popup is text blocks (:func:`popup_blocks`) with the quote and one line
    of facts, instead of the claim's whole record as HTML. ``window_names`` names
    the windows as the date control does (default: their labels).
    """
    window_names = window_names or {}
    grouped = group_claims(rows)
    views = views if views is not None else {claim_id: claim_view(group) for claim_id, group in grouped.items()}
    shapes, properties_list = [], []
    for claim_id, claim_rows in grouped.items():
        view = views[claim_id]
        for row in claim_rows:
            if row.get("status") != "mapped" or row.get("geometry") is None:
                continue
            source_name = names.get(row["source"], row["source"])
            role = ROLE_NAMES.get(row.get("role") or "", row.get("role") or "geometry")
            role_text = role
            if row.get("geometry_km2") is not None:
                role_text += f", {format_km2(row['geometry_km2'])} drawn"
            window = window_names.get(row["window"], row["window"])
            properties: dict[str, Any] = {"t": f"{source_name} · {window}: {view.summary} — {role}"}
            if as_blocks:
                facts = [view.summary] + [f"{name}: {value}" for name, value in view.derived
                                          if name in ("as of", "place")]
                if row.get("construction"):
                    facts.append(f"drawn as: {row['construction']}")
                checks = ", ".join(flag["code"] for flag in view.flags)
                properties["q"] = popup_blocks(("h", f"{source_name} · {window}"), ("m", role_text),
                                               ("b", view.quote), ("x", " · ".join(facts)),
                                               ("m", f"checks: {checks}" if checks else ""))
            else:
                properties["p"] = render_template("claim_popup.html", source_name=source_name, window=window,
                                                  role_text=role_text, claim=view)
            if style_for_row is not None:
                properties["s"] = style_for_row(row)
            shapes.append(row["geometry"])
            properties_list.append(properties)
    return [made for made in features(simplified_all(shapes, simplify_ratio), properties_list, ndigits) if made]


def envelope_feature(envelope: Mapping[str, Any], simplify_ratio: float | None = None,
                     ndigits: int = COORDINATE_DECIMALS, window_name: str | None = None) -> dict | None:
    n_sources = envelope.get("n_sources")
    km2 = geodesic_km2(envelope.get("geometry"))
    counted = f"{format_number(n_sources)} source{'s' if n_sources != 1 else ''}, " if n_sources is not None else ""
    window = window_name or envelope.get("window") or ""
    return feature(simplified(envelope.get("geometry"), simplify_ratio), {
        "t": f"Envelope {window}: union of the claimed buffers ({counted}{format_km2(km2)})"}, ndigits)


def reference_feature(reference: Mapping[str, Any], day_text: str) -> dict | None:
    km2 = geodesic_km2(reference.get("geometry"))
    label = reference.get("label") or "reference"
    return feature(reference.get("geometry"), {"t": f"Reference {label}, {day_text}: {format_km2(km2)}"})


def reference_area_km2(geometries: Sequence[Any]) -> float:
    """Area covered by a date's reference geometries (overlaps counted once)."""
    shapes = [g for g in geometries if g is not None and not g.is_empty]
    return geodesic_km2(unary_union(shapes)) if shapes else 0.0


# --- places named in the articles -----------------------------------------

MAX_SENTENCES_PER_SOURCE = 4


def mention_features(mentions: Sequence[Mapping[str, Any]], claims: Sequence[Mapping[str, Any]],
                     names: Mapping[str, str], source_order: Mapping[str, int],
                     max_sentences: int | None = None, max_claims: int | None = None,
                     ndigits: int = COORDINATE_DECIMALS, as_blocks: bool = False,
                     window_names: Mapping[str, str] | None = None) -> list[dict]:
    """One marker per geoparsed place, its popup quoting the sentences that name it.

    Each source contributes up to ``MAX_SENTENCES_PER_SOURCE`` sentences; with
    ``max_sentences`` the popup quotes at most that many in all (earliest sources
    first) and with ``max_claims`` lists at most that many claims, counting the rest.
    ``as_blocks`` writes the popup as text blocks (:func:`popup_blocks`), not HTML.
    ``window_names`` names the claims' windows as the date control does (default: their labels).
    """
    window_names = window_names or {}
    places: dict[tuple, dict[str, Any]] = {}
    for mention in mentions:
        key = (str(mention.get("id")),) if mention.get("id") is not None else (
            str(mention.get("name") or mention.get("text")), round(mention["lat"], 4), round(mention["lon"], 4))
        place = places.get(key)
        if place is None:  # the place's first mention (of hundreds of thousands, most repeat a place)
            place = places[key] = {
                "name": str(mention.get("name") or mention.get("text") or "?"),
                "kind": mention.get("kind"),
                "lat": mention["lat"], "lon": mention["lon"], "sentences": {}, "count": 0,
            }
        place["count"] += 1
        sentence = str(mention.get("sentence") or mention.get("text") or "").strip()
        sentences = place["sentences"].setdefault(str(mention.get("source")), [])
        if sentence and sentence not in sentences:
            sentences.append(sentence)

    # Each place's claims, made into lines only for those a popup shows (a large corpus has 100,000 claims).
    claims_by_place: dict[str, list[Sequence[Mapping[str, Any]]]] = {}
    for claim_rows in group_claims(claims).values():
        if claim_rows[0].get("place"):
            claims_by_place.setdefault(str(claim_rows[0]["place"]).casefold(), []).append(claim_rows)

    def claim_line(claim_rows: Sequence[Mapping[str, Any]]) -> str:
        first = claim_rows[0]
        window = window_names.get(first["window"], first["window"])
        return f"{names.get(first['source'], first['source'])} · {window}: {claim_view(claim_rows).summary}"

    points, properties_list = [], []
    for key in sorted(places, key=lambda k: (places[k]["name"], k)):
        place = places[key]
        source_blocks = []
        room = max_sentences
        more_sentences = more_sources = 0
        for source_id in sorted(place["sentences"], key=lambda s: (source_order.get(s, len(source_order)), s)):
            sentences = place["sentences"][source_id]
            shown = sentences[:MAX_SENTENCES_PER_SOURCE]
            if room is not None:
                shown = shown[:room]
                room -= len(shown)
                if not shown:
                    more_sentences += len(sentences)
                    more_sources += 1
                    continue
            source_blocks.append({
                "name": names.get(source_id, source_id),
                "sentences": shown,
                "more": len(sentences) - len(shown),
            })
        kind = str(place["kind"] or "place").replace("_", " ")
        mentions_text = f"{place['count']} mention{'s' if place['count'] != 1 else ''}"
        place_claims = claims_by_place.get(place["name"].casefold(), [])
        shown_claims = [claim_line(rows) for rows in place_claims[:max_claims]]  # [:None]: all of them
        popup = {
            "name": place["name"],
            "kind_text": f"{kind} · {mentions_text}",
            "sources": source_blocks,
            "more_text": (f"and {plural(more_sentences, 'more sentence')} from "
                          f"{plural(more_sources, 'more source')} (all in the mentions table of geomap.gpkg)")
                         if more_sources else "",
            "claims": shown_claims,
            "more_claims": len(place_claims) - len(shown_claims),
        }
        properties: dict[str, Any] = {"t": f"{place['name']} ({mentions_text})"}
        if as_blocks:
            properties["q"] = _mention_popup_blocks(popup)
        else:
            properties["p"] = render_template("mention_popup.html", place=popup)
        points.append((float(place["lon"]), float(place["lat"])))
        properties_list.append(properties)
    lons, lats = zip(*points) if points else ((), ())
    return [made for made in features(shapely.points(lons, lats).tolist(), properties_list, ndigits) if made]



def _mention_popup_blocks(place: Mapping[str, Any]) -> list[list[Any]]:
    """The blocks of mention_popup.html, in the same order."""
    blocks: list[tuple[str, Any]] = [("h", place["name"]), ("m", place["kind_text"])]
    for source in place["sources"]:
        blocks.append(("s", source["name"]))
        blocks += [("b", sentence) for sentence in source["sentences"]]
        blocks.append(("m", f"and {source['more']} more" if source["more"] else ""))
    blocks.append(("m", place["more_text"]))
    if place["claims"]:
        blocks += [("s", "Claims tied to this place"), ("l", place["claims"])]
        blocks.append(("m", f"and {place['more_claims']} more" if place["more_claims"] else ""))
    return popup_blocks(*blocks)
