"""The export layers: the pipeline's tables reshaped into one table per layer.

Pure functions from tables to tables; nothing here writes a file. The input
is whatever holds the pipeline's tables (a mapping or an object with these
attributes, e.g. :class:`geomap.pipeline.Results`):

=============  ===========================================================  ========
name           what                                                         required
=============  ===========================================================  ========
claim_geoms    GeoDataFrame of :func:`geomap.geometry.claim_geometries`     yes
claims         Claim records (or dicts / a DataFrame) of the claims stage   no
mentions       Mention records (or dicts / a DataFrame)                     no
sources        Source records (or dicts / a DataFrame)                      no
envelopes      GeoDataFrame of :func:`geomap.geometry.envelopes`            no
spread         DataFrame of :func:`geomap.geometry.spread_table`            no [#]_
reference      GeoDataFrame of :func:`geomap.geometry.load_reference`       no
comparison     DataFrame of :func:`geomap.geometry.compare_reference`       no
place_status   DataFrame of the place statuses (:data:`geomap.schema.         no
               PLACE_STATUS`; or records, dicts)
=============  ===========================================================  ========

.. [#] computed from ``claim_geoms`` when absent.

Layers (in this order; geometry type in brackets, "-" for attribute tables):
places [Point], mentions [Point], claims [Point, at the anchor], place_status
[Point, one row per status a sentence gives a place, with its quote and
offsets; only when there are statuses], claim_areas [MultiPolygon],
claim_lines [MultiLineString, only when a claim has a line], envelopes
[MultiPolygon], reference [MultiPolygon], checks [-], spread [-], comparison
[-], sources [-]. The claim layers carry each shape's ``construction``; claims has every
column of a claim, claim_areas and claim_lines those a shape is read by (the others joined by ``claim_id``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas
import numpy
import pandas
import shapely
from shapely.geometry.base import BaseGeometry

from geomap.view import flag_list

from .values import (
    cell_value, cell_values, frame_columns, frame_rows, json_text, table_columns, typed_columns, typed_frame,
)

CRS = "EPSG:4326"
POINT, MULTIPOLYGON, MULTILINESTRING = "Point", "MultiPolygon", "MultiLineString"

PLACE_COLUMNS = ["place_id", "name", "kind", "country", "admin1", "geonameid", "feature_code", "lon", "lat",
                 "n_mentions", "n_sources", "sources", "texts"]
CHECK_COLUMNS = ["claim_id", "source", "code", "severity", "message", "numbers"]
# Geometry-stage columns carried into every claim geometry layer, before the rest.
CLAIM_KEY_COLUMNS = ["claim_id", "source", "outlet", "kind", "window", "role", "km2", "geometry_km2", "status"]
# And the rest of the GeoPackage's claim_areas and claim_lines: what a shape is styled and read by. The claims layer
# has every column of the same claims (joined by claim_id); repeating all of them with each shape made these two
# layers' attributes 200 MB at 10,000 articles.
SHAPE_COLUMNS = ["value", "unit", "as_of_start", "as_of_end", "place", "quote", "shape", "construction", "holder",
                 "anchor_status", "flags"]
SOURCE_LEFT_OUT = ("text",)  # the article text itself stays out of the exports; quotes carry the evidence


@dataclass(frozen=True)
class Layer:
    """One export table: a GeoDataFrame (``geometry_type`` set) or an attribute table (``None``)."""

    name: str
    frame: pandas.DataFrame
    geometry_type: str | None

    @property
    def spatial(self) -> bool:
        return self.geometry_type is not None


def table(tables: Any, name: str) -> Any:
    """The table called ``name`` from a mapping or an object with attributes (``None`` when absent)."""
    if isinstance(tables, Mapping):
        return tables.get(name)
    return getattr(tables, name, None)


def export_layers(tables: Any) -> list[Layer]:
    """Every export layer of ``tables`` (see the module docstring), in a fixed order: :func:`iter_layers` made all at
    once (a writer takes them one at a time from :func:`iter_layers`).

    Raises
    ------
    ValueError
        When ``tables`` has no ``claim_geoms``.
    """
    return list(iter_layers(tables))


def iter_layers(tables: Any) -> Iterator[Layer]:
    """The export layers of ``tables``, each made when it is asked for.

    A writer that writes each layer before asking for the next holds one layer
    at a time: a 10,000-article corpus's layers together took 3.9 GB.

    Raises
    ------
    ValueError
        When ``tables`` has no ``claim_geoms`` (before the first layer).
    """
    claim_geoms = table(tables, "claim_geoms")
    if claim_geoms is None:
        raise ValueError("the tables to export have no 'claim_geoms' (the geometry stage's output)")
    return _layers(tables, claim_geoms)


def _layers(tables: Any, claim_geoms: Any) -> Iterator[Layer]:
    mentions = table(tables, "mentions")
    yield Layer("places", places_layer(mentions), POINT)
    yield Layer("mentions", mentions_layer(mentions), POINT)
    yield Layer("claims", claims_layer(claim_geoms, table(tables, "claims")), POINT)
    statuses = table(tables, "place_status")
    if statuses is not None and _row_count(statuses):
        yield Layer("place_status", place_status_layer(statuses), POINT)
    areas, lines = claim_geometry_layers(claim_geoms)
    yield Layer("claim_areas", areas, MULTIPOLYGON)
    del areas
    if len(lines):
        yield Layer("claim_lines", lines, MULTILINESTRING)
    del lines
    for name in ("envelopes", "reference"):
        frame = table(tables, name)
        if frame is not None:
            yield Layer(name, polygon_layer(frame), MULTIPOLYGON)
    names, columns = merged_claim_columns(claim_geoms, table(tables, "claims"), ("claim_id", "source", "flags"))
    yield Layer("checks", checks_table(dict(zip(names, columns))), None)
    spread = table(tables, "spread")
    if spread is None:
        spread = _spread_of(claim_geoms)
    if spread is not None:
        yield Layer("spread", attribute_table(spread), None)
    comparison = table(tables, "comparison")
    if comparison is not None:
        yield Layer("comparison", attribute_table(comparison), None)
    sources = table(tables, "sources")
    if sources is not None:
        yield Layer("sources", sources_table(sources), None)


def _row_count(frame: Any) -> int:
    return len(frame) if hasattr(frame, "__len__") else len(frame_rows(frame))


# -- attribute tables -------------------------------------------------------------------------------------
def attribute_table(frame: Any) -> pandas.DataFrame:
    """Any table (DataFrame, dicts, records) with plain, typed columns and no geometry."""
    rows = frame_rows(frame)
    return typed_frame(rows, frame_columns(frame, rows))


def sources_table(sources: Any) -> pandas.DataFrame:
    """One row per source with what its manifest says (the article text is left out)."""
    rows = frame_rows(sources)
    columns = [c for c in frame_columns(sources, rows) if c not in SOURCE_LEFT_OUT]
    return typed_frame(rows, columns)


def checks_table(claims: Any) -> pandas.DataFrame:
    """One row per flag of every claim: claim_id, source, code, severity, message, numbers.

    ``claims`` is a table with ``claim_id``, ``source`` and ``flags`` (or a
    mapping of those names to columns). ``numbers`` is JSON text of the flag's
    other fields (the figures behind the message, in the order the check wrote
    them).
    """
    if isinstance(claims, Mapping):
        names, columns = list(claims), list(claims.values())
    else:
        names, columns = table_columns(claims)
    size = len(columns[0]) if columns else 0
    claim_ids, sources, flag_cells = (columns[names.index(name)] if name in names else [None] * size
                                      for name in ("claim_id", "source", "flags"))
    rows = []
    for claim_id, source, flags in zip(claim_ids, sources, flag_cells):
        for flag in flag_list(flags):
            numbers = {str(key): cell_value(value, nested=True) for key, value in flag.items()
                       if key not in ("code", "severity", "message")}
            # The JSON text of plain values straight away: converting them again cell by cell took a third of the
            # time of this table.
            rows.append((claim_id, source, flag.get("code"), flag.get("severity"), flag.get("message"),
                         json_text(numbers)))
    return typed_columns(CHECK_COLUMNS, list(zip(*rows)) if rows else [[] for _ in CHECK_COLUMNS])


# -- point layers -----------------------------------------------------------------------------------------
def mentions_layer(mentions: Any) -> geopandas.GeoDataFrame:
    """Every mention, as a point where it resolved to coordinates (no geometry otherwise)."""
    return _lonlat_points(mentions)


def place_status_layer(statuses: Any) -> geopandas.GeoDataFrame:
    """One point per place status (what one sentence says of one place), in source and text order."""
    return _lonlat_points(statuses)


def _lonlat_points(frame: Any) -> geopandas.GeoDataFrame:
    """Every row of a table with ``lon``/``lat`` columns, as a point where both are set (no geometry otherwise)."""
    names, columns = table_columns(frame)
    points = _points(list(zip(*_columns_named(names, columns, "lon", "lat"))))
    return _point_frame(typed_columns(names, columns), points)


def _columns_named(names: list[str], columns: list[list[Any]], *wanted: str) -> list[list[Any]]:
    """The value lists of the ``wanted`` columns (a column the table does not have is all ``None``)."""
    size = len(columns[0]) if columns else 0
    return [columns[names.index(name)] if name in names else [None] * size for name in wanted]


def places_layer(mentions: Any) -> geopandas.GeoDataFrame:
    """The distinct places the mentions resolved to, with how often and by whom they were named.

    Demonyms and mentions without coordinates are left out. A place is its
    gazetteer ``id`` (or its name and coordinates when it has none). Sorted by
    mentions (most first), then name.
    """
    places: dict[tuple, dict[str, Any]] = {}
    names, columns = table_columns(mentions)
    kinds, lons, lats, place_ids = (cell_values(column) for column in _columns_named(names, columns, "type", "lon",
                                                                                        "lat", "id"))
    fields = ("name", "kind", "country", "admin1", "geonameid", "feature_code", "source", "text")
    rows = zip(kinds, lons, lats, place_ids, *_columns_named(names, columns, *fields))
    for kind, lon, lat, place_id, name, place_kind, country, admin1, geonameid, feature_code, source, text in rows:
        if (kind or "place") != "place" or lon is None or lat is None:
            continue
        key = ("id", str(place_id)) if place_id is not None else ("at", cell_value(name), lon, lat)
        place = places.get(key)
        if place is None:
            place = places[key] = {
                "place_id": place_id, "name": name, "kind": place_kind, "country": country, "admin1": admin1,
                "geonameid": geonameid, "feature_code": feature_code, "lon": lon, "lat": lat, "n_mentions": 0,
                "sources": set(), "texts": set(),
            }
        place["n_mentions"] += 1
        if source is not None:
            place["sources"].add(str(source))
        if text is not None:
            place["texts"].add(str(text))
    records = []
    for place in places.values():
        records.append({**place, "n_sources": len(place["sources"]), "sources": sorted(place["sources"]),
                        "texts": sorted(place["texts"])})
    records.sort(key=lambda p: (-p["n_mentions"], str(p["name"] or ""), str(p["place_id"] or "")))
    return _point_frame(typed_frame(records, PLACE_COLUMNS), _points([(r["lon"], r["lat"]) for r in records]))


def claims_layer(claim_geoms: Any, claims: Any = None) -> geopandas.GeoDataFrame:
    """One row per claim, as a point at its anchor (no geometry when it has none).

    Columns are the geometry stage's (``claim_geoms``), then the claim
    record's fields that the geometry stage does not carry (``alt_value``,
    ``published``...). Where both have a field the geometry stage's value is
    kept: its ``km2`` is the area the claim stands for, derived for shares
    (see its ``derivation``). Claims missing from ``claim_geoms`` come last.
    """
    names, columns = merged_claim_columns(claim_geoms, claims)
    points = _points(list(zip(*_columns_named(names, columns, "anchor_lon", "anchor_lat"))))
    return _point_frame(typed_columns(names, _flags_as_codes(names, columns)), points)


def flag_codes(flags: Any) -> list[str]:
    """The codes of a claim's flags, in order (their messages and figures are in the ``checks`` table)."""
    return [str(flag.get("code")) for flag in flag_list(flags)]


def _flags_as_codes(names: list[str], columns: list[list[Any]]) -> list[list[Any]]:
    """The columns with each ``flags`` cell as its :func:`flag_codes`.

    A flag's message can quote every article that gave a place a status (a
    100 kB cell at 10,000 articles): written once in ``checks``, not again in
    every claim layer and file.
    """
    if "flags" not in names:
        return columns
    index = names.index("flags")
    return [[flag_codes(flags) for flags in column] if i == index else column for i, column in enumerate(columns)]


def merged_claim_columns(claim_geoms: Any, claims: Any = None, wanted: Sequence[str] | None = None
                         ) -> tuple[list[str], list[list[Any]]]:
    """The columns of :func:`claims_layer` (or the ``wanted`` ones), values as they are, merged column by column."""
    geo_names, geo_columns = table_columns(claim_geoms)
    record_names, record_columns = table_columns(claims) if claims is not None else ([], [])
    names = geo_names + [c for c in record_names if c not in geo_names]
    geo_ids = [str(value) for value in _columns_named(geo_names, geo_columns, "claim_id")[0]]
    record_ids = [str(value) for value in _columns_named(record_names, record_columns, "claim_id")[0]]
    position = {claim_id: index for index, claim_id in enumerate(record_ids)}  # the last of a repeated id, as before
    matched = [position.get(claim_id) for claim_id in geo_ids]
    drawn = set(geo_ids)
    missing = [index for index, claim_id in enumerate(record_ids) if claim_id not in drawn]
    merged = []
    for name in names if wanted is None else [name for name in wanted]:
        record_column = record_columns[record_names.index(name)] if name in record_names else None
        if name in geo_names:
            head = geo_columns[geo_names.index(name)]
        elif record_column is not None:
            head = [None if index is None else record_column[index] for index in matched]
        else:
            head = [None] * len(geo_ids)
        tail = [record_column[index] for index in missing] if record_column is not None else [None] * len(missing)
        merged.append(list(head) + tail)
    return (names if wanted is None else list(wanted)), merged


def _points(lonlats: Sequence[tuple[Any, Any]]) -> list[BaseGeometry | None]:
    """A point per (lon, lat) pair where both are numbers (``None`` elsewhere), made in one shapely call."""
    plain = [(cell_value(lon), cell_value(lat)) for lon, lat in lonlats]
    usable = [isinstance(lon, (int, float)) and isinstance(lat, (int, float)) for lon, lat in plain]
    coordinates = numpy.array([pair for pair, ok in zip(plain, usable) if ok], dtype=float).reshape(-1, 2)
    made = iter(shapely.points(coordinates).tolist())
    return [next(made) if ok else None for ok in usable]


def _point_frame(frame: pandas.DataFrame, points: list[BaseGeometry | None]) -> geopandas.GeoDataFrame:
    return geopandas.GeoDataFrame(frame, geometry=geopandas.GeoSeries(points, index=frame.index, crs=CRS),
                                  crs=CRS)


# -- polygon and line layers ------------------------------------------------------------------------------
def split_geometry(geometry: BaseGeometry | None) -> tuple[shapely.MultiPolygon | None,
                                                            shapely.MultiLineString | None]:
    """The polygonal and the linear parts of a geometry, each as one multi-geometry (or ``None``).

    A GeoPackage layer has one geometry type, so a claim's polygons and lines
    go to different layers; points are left out (the claims layer has them).
    """
    if geometry is None or geometry.is_empty:
        return None, None
    polygons, lines = [], []
    pending = [geometry]
    while pending:
        part = pending.pop(0)
        kind = part.geom_type
        if kind in ("MultiPolygon", "MultiLineString", "MultiPoint", "GeometryCollection"):
            pending[:0] = list(shapely.get_parts(part))
        elif kind == "Polygon" and not part.is_empty:
            polygons.append(part)
        elif kind in ("LineString", "LinearRing") and not part.is_empty:
            lines.append(shapely.LineString(part.coords))
    return (shapely.MultiPolygon(polygons) if polygons else None,
            shapely.MultiLineString(lines) if lines else None)


def claim_geometry_layers(claim_geoms: Any) -> tuple[geopandas.GeoDataFrame, geopandas.GeoDataFrame]:
    """``claim_areas`` (MultiPolygon) and ``claim_lines`` (MultiLineString) from the claim geometries.

    Every mapped claim with polygonal parts has a row in the first, every one
    with linear parts a row in the second (a claim with both is in both);
    attributes are the geometry stage's :data:`CLAIM_KEY_COLUMNS` and
    :data:`SHAPE_COLUMNS` (the claims layer has the others).
    """
    frame = in_wgs84(claim_geoms)
    names, columns = table_columns(frame)
    order = [c for c in CLAIM_KEY_COLUMNS + SHAPE_COLUMNS if c in names]
    columns = _flags_as_codes(order, _columns_named(names, columns, *order))
    splits = [split_geometry(geometry) for geometry in lighter_shapes(_geometries(frame))]
    layers = []
    for part in (0, 1):  # polygons, lines
        rows = [index for index, split in enumerate(splits) if split[part] is not None]
        layers.append(_shape_frame(typed_columns(order, [[column[i] for i in rows] for column in columns]),
                                   [splits[i][part] for i in rows]))
    return layers[0], layers[1]


def claim_shapes_layer(claim_geoms: Any) -> geopandas.GeoDataFrame:
    """Every mapped claim geometry with the geometry stage's columns (``claim_geometries.geojson``).

    Polygons and lines in one collection, which GeoJSON allows; shapes as
    :func:`lighter_shapes` makes them, flags as their codes.
    """
    frame = in_wgs84(claim_geoms)
    shapes = lighter_shapes(_geometries(frame))
    mapped = [index for index, shape in enumerate(shapes) if shape is not None and not shape.is_empty]
    names, columns = table_columns(frame)
    columns = _flags_as_codes(names, [[column[i] for i in mapped] for column in columns])
    return _shape_frame(typed_columns(names, columns), [shapes[i] for i in mapped])


# A shape keeps the vertices that matter at a thousandth of its extent (100 m for a 100 km disc or band): the claims
# are rough figures and their shapes approximations, and the vertices of a corpus's shapes were most of its exports'
# bytes (21 million at 10,000 articles). A shape whose area that would change by more than SHAPE_AREA_CHANGE keeps
# every vertex.
SHAPE_TOLERANCE = 0.001
SHAPE_AREA_CHANGE = 0.005


def lighter_shapes(geometries: Sequence[BaseGeometry | None]) -> list[BaseGeometry | None]:
    """The shapes with fewer vertices (:data:`SHAPE_TOLERANCE`), topology and area kept (:data:`SHAPE_AREA_CHANGE`).

    Douglas-Peucker (GEOS) with a tolerance of a thousandth of each shape's
    longer side; a shape it makes invalid or empty keeps its vertices. The
    area is compared in degrees, where a small change is the same share of
    the area as on the ellipsoid.
    """
    shapes = numpy.empty(len(geometries), dtype=object)
    shapes[:] = list(geometries)
    present = numpy.flatnonzero(~shapely.is_missing(shapes) & ~shapely.is_empty(shapes))
    if not len(present):
        return shapes.tolist()
    # Claims that say the same thing have the same shape (43% of 10,000 articles' areas repeat another): each shape
    # is simplified once, by its WKB.
    first_of: dict[bytes, int] = {}
    repeats = numpy.array([first_of.setdefault(wkb, len(first_of)) for wkb in shapely.to_wkb(shapes[present])])
    originals = shapes[present][numpy.unique(repeats, return_index=True)[1]]
    xmin, ymin, xmax, ymax = shapely.bounds(originals).T
    # Without GEOS's topology-preserving variant (nine times slower here): a shape it would break keeps its vertices.
    simplified = shapely.simplify(originals, numpy.maximum(xmax - xmin, ymax - ymin) * SHAPE_TOLERANCE,
                                  preserve_topology=False)
    before, after = shapely.area(originals), shapely.area(simplified)
    with numpy.errstate(divide="ignore", invalid="ignore"):
        changed = numpy.where(before > 0, numpy.abs(after / before - 1) > SHAPE_AREA_CHANGE, False)
    broken = ~shapely.is_valid(simplified) | shapely.is_empty(simplified)
    suspect = numpy.flatnonzero(broken)  # an original that was invalid already may keep its simplified shape
    broken[suspect] = shapely.is_valid(originals[suspect])
    shapes[present] = numpy.where(changed | broken, originals, simplified)[repeats]
    return shapes.tolist()


def polygon_layer(frame: Any) -> geopandas.GeoDataFrame:
    """A polygon table (envelopes, reference) with every geometry as a MultiPolygon (rows without one dropped)."""
    frame = in_wgs84(frame)
    rows, shapes = [], []
    for row, geometry in zip(frame_rows(frame), _geometries(frame)):
        polygon, _ = split_geometry(geometry)
        if polygon is not None:
            rows.append(row)
            shapes.append(polygon)
    return _shape_frame(typed_frame(rows, frame_columns(frame, frame_rows(frame))), shapes)


def _shape_frame(frame: pandas.DataFrame, shapes: list[BaseGeometry]) -> geopandas.GeoDataFrame:
    return geopandas.GeoDataFrame(frame, geometry=geopandas.GeoSeries(shapes, index=frame.index, crs=CRS),
                                  crs=CRS)


def _geometries(frame: Any) -> list[BaseGeometry | None]:
    if isinstance(frame, geopandas.GeoDataFrame):
        return list(frame.geometry)
    return [None] * len(frame)


def in_wgs84(frame: Any) -> Any:
    crs = getattr(frame, "crs", None)
    if crs is not None and crs.to_epsg() != 4326:
        return frame.to_crs(CRS)
    return frame


def _spread_of(claim_geoms: Any) -> pandas.DataFrame | None:
    """The spread table when the claim geometries carry what it needs (else ``None``)."""
    needed = {"claim_id", "source", "outlet", "kind", "window", "km2"}
    if not isinstance(claim_geoms, pandas.DataFrame) or not needed <= set(claim_geoms.columns):
        return None
    from geomap.geometry import spread_table

    return spread_table(claim_geoms)


__all__ = [
    "Layer", "attribute_table", "checks_table", "claim_geometry_layers", "claim_shapes_layer", "claims_layer",
    "export_layers", "flag_codes", "flag_list", "in_wgs84", "iter_layers", "lighter_shapes", "mentions_layer",
    "merged_claim_columns", "place_status_layer", "places_layer", "polygon_layer", "sources_table", "split_geometry",
    "table",
]
