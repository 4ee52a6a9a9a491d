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
[-], sources [-]. The claim layers carry each shape's ``construction``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas
import numpy
import pandas
import shapely
from shapely.geometry.base import BaseGeometry

from geomap.view import flag_list

from .values import cell_value, frame_columns, frame_rows, typed_frame

CRS = "EPSG:4326"
POINT, MULTIPOLYGON, MULTILINESTRING = "Point", "MultiPolygon", "MultiLineString"

PLACE_COLUMNS = ["place_id", "name", "kind", "country", "admin1", "geonameid", "feature_code", "lon", "lat",
                 "n_mentions", "n_sources", "sources", "texts"]
CHECK_COLUMNS = ["claim_id", "source", "code", "severity", "message", "numbers"]
# Geometry-stage columns carried into every claim geometry layer, before the rest.
CLAIM_KEY_COLUMNS = ["claim_id", "source", "outlet", "kind", "window", "role", "km2", "geometry_km2", "status"]
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
    """Every export layer of ``tables`` (see the module docstring), in a fixed order.

    Raises
    ------
    ValueError
        When ``tables`` has no ``claim_geoms``.
    """
    claim_geoms = table(tables, "claim_geoms")
    if claim_geoms is None:
        raise ValueError("the tables to export have no 'claim_geoms' (the geometry stage's output)")
    mentions = table(tables, "mentions")
    claims = claims_layer(claim_geoms, table(tables, "claims"))
    layers = [
        Layer("places", places_layer(mentions), POINT),
        Layer("mentions", mentions_layer(mentions), POINT),
        Layer("claims", claims, POINT),
    ]
    statuses = table(tables, "place_status")
    if statuses is not None and len(frame_rows(statuses)):
        layers.append(Layer("place_status", place_status_layer(statuses), POINT))
    areas, lines = claim_geometry_layers(claim_geoms)
    layers.append(Layer("claim_areas", areas, MULTIPOLYGON))
    if len(lines):
        layers.append(Layer("claim_lines", lines, MULTILINESTRING))
    for name in ("envelopes", "reference"):
        frame = table(tables, name)
        if frame is not None:
            layers.append(Layer(name, polygon_layer(frame), MULTIPOLYGON))
    layers.append(Layer("checks", checks_table(claims), None))
    spread = table(tables, "spread")
    if spread is None:
        spread = _spread_of(claim_geoms)
    if spread is not None:
        layers.append(Layer("spread", attribute_table(spread), None))
    comparison = table(tables, "comparison")
    if comparison is not None:
        layers.append(Layer("comparison", attribute_table(comparison), None))
    sources = table(tables, "sources")
    if sources is not None:
        layers.append(Layer("sources", sources_table(sources), None))
    return layers


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


def checks_table(claims: pandas.DataFrame) -> pandas.DataFrame:
    """One row per flag of every claim: claim_id, source, code, severity, message, numbers.

    ``numbers`` is JSON text of the flag's other fields (the figures behind the
    message, in the order the check wrote them).
    """
    rows = []
    for claim in frame_rows(claims):
        for flag in flag_list(claim.get("flags")):
            numbers = {key: cell_value(value, nested=True) for key, value in flag.items()
                       if key not in ("code", "severity", "message")}
            rows.append({"claim_id": claim.get("claim_id"), "source": claim.get("source"),
                         "code": flag.get("code"), "severity": flag.get("severity"),
                         "message": flag.get("message"), "numbers": numbers})
    return typed_frame(rows, CHECK_COLUMNS)


# -- point layers -----------------------------------------------------------------------------------------
def mentions_layer(mentions: Any) -> geopandas.GeoDataFrame:
    """Every mention, as a point where it resolved to coordinates (no geometry otherwise)."""
    return _lonlat_points(mentions)


def place_status_layer(statuses: Any) -> geopandas.GeoDataFrame:
    """One point per place status (what one sentence says of one place), in source and text order."""
    return _lonlat_points(statuses)


def _lonlat_points(frame: Any) -> geopandas.GeoDataFrame:
    """Every row of a table with ``lon``/``lat`` columns, as a point where both are set (no geometry otherwise)."""
    rows = frame_rows(frame)
    columns = frame_columns(frame, rows)
    return _point_frame(typed_frame(rows, columns), _points([(row.get("lon"), row.get("lat")) for row in rows]))


def places_layer(mentions: Any) -> geopandas.GeoDataFrame:
    """The distinct places the mentions resolved to, with how often and by whom they were named.

    Demonyms and mentions without coordinates are left out. A place is its
    gazetteer ``id`` (or its name and coordinates when it has none). Sorted by
    mentions (most first), then name.
    """
    places: dict[tuple, dict[str, Any]] = {}
    for row in frame_rows(mentions):
        if (cell_value(row.get("type")) or "place") != "place":
            continue
        lon, lat = cell_value(row.get("lon")), cell_value(row.get("lat"))
        if lon is None or lat is None:
            continue
        place_id = cell_value(row.get("id"))
        key = ("id", str(place_id)) if place_id is not None else ("at", cell_value(row.get("name")), lon, lat)
        place = places.setdefault(key, {
            "place_id": place_id, "name": row.get("name"), "kind": row.get("kind"), "country": row.get("country"),
            "admin1": row.get("admin1"), "geonameid": row.get("geonameid"), "feature_code": row.get("feature_code"),
            "lon": lon, "lat": lat, "n_mentions": 0, "sources": set(), "texts": set(),
        })
        place["n_mentions"] += 1
        if row.get("source") is not None:
            place["sources"].add(str(row["source"]))
        if row.get("text") is not None:
            place["texts"].add(str(row["text"]))
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
    geo_rows = frame_rows(claim_geoms)
    columns = frame_columns(claim_geoms, geo_rows)
    record_rows = frame_rows(claims)
    extra = [c for c in frame_columns(claims, record_rows) if c not in columns] if claims is not None else []
    records_by_id = {str(r.get("claim_id")): r for r in record_rows}
    merged = [{**records_by_id.get(str(row.get("claim_id")), {}), **row} for row in geo_rows]
    seen = {str(row.get("claim_id")) for row in geo_rows}
    merged += [row for row in record_rows if str(row.get("claim_id")) not in seen]
    frame = typed_frame(merged, columns + extra)
    return _point_frame(frame, _points([(row.get("anchor_lon"), row.get("anchor_lat")) for row in merged]))


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
    attributes are the geometry stage's columns, key columns first.
    """
    frame = in_wgs84(claim_geoms)
    rows = frame_rows(frame)
    columns = frame_columns(frame, rows)
    columns = [c for c in CLAIM_KEY_COLUMNS if c in columns] + [c for c in columns if c not in CLAIM_KEY_COLUMNS]
    areas, lines = ([], []), ([], [])
    for row, geometry in zip(rows, _geometries(frame)):
        polygon, line = split_geometry(geometry)
        if polygon is not None:
            areas[0].append(row)
            areas[1].append(polygon)
        if line is not None:
            lines[0].append(row)
            lines[1].append(line)
    return (_shape_frame(typed_frame(areas[0], columns), areas[1]),
            _shape_frame(typed_frame(lines[0], columns), lines[1]))


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
    "Layer", "attribute_table", "checks_table", "claim_geometry_layers", "claims_layer", "export_layers",
    "flag_list", "in_wgs84", "mentions_layer", "place_status_layer", "places_layer", "polygon_layer", "sources_table",
    "split_geometry",
    "table",
]
