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

import bisect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas
import numpy
import pandas
import shapely
from shapely.geometry.base import BaseGeometry

from geomap.view import flag_list

from .values import (
    cell_kinds, cell_value, cell_values, frame_columns, frame_rows, json_text, table_columns, typed_columns,
    typed_frame,
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

    def frames(self) -> Iterator[pandas.DataFrame]:
        """The layer's table in one piece (see :meth:`ChunkedLayer.frames`)."""
        yield self.frame


# Rows of a large table a layer is made from at a time (ChunkedLayer): a 10,000-article corpus's mentions layer
# made whole, and its Arrow copy for GDAL, were most of the memory its exports took.
CHUNK_ROWS = 20000
# And of the claim shape layers (claim_areas, claim_lines): a chunk's polygons, their lighter copies and GDAL's Arrow
# copy of them made those layers the writers' peak (the GeoPackage of 3,000 articles' tables: the writing process at
# 798-802 MB with 20,000 rows a chunk, 718-737 MB with 5,000, the same CPU time and file). The other layers keep
# CHUNK_ROWS: 5,000 rows a chunk made the mentions layer slower (5.9 -> 9.3-10.2 s).
SHAPE_CHUNK_ROWS = 5000

# The column names, the raw values of each column and the shapes (None: not asked for, or an attribute table) of
# a slice of a layer's rows.
Part = tuple[list[str], list[list[Any]], "list[BaseGeometry | None] | None"]


@dataclass(frozen=True)
class ChunkedLayer:
    """A large export layer, made :data:`CHUNK_ROWS` rows of the table it comes from at a time (:meth:`frames`).

    ``part(start, stop, shapes)`` gives the layer's columns of rows ``start:stop`` of that table (``rows`` of
    them) and, with ``shapes``, their geometries. Every column has the type of the whole column (gathered over
    the parts first), so the frames one after another are the layer made whole (:attr:`frame`).
    """

    name: str
    geometry_type: str | None
    rows: int
    part: Callable[[int, int, bool], Part]
    shapes_chunked: bool = False  # made SHAPE_CHUNK_ROWS rows at a time (when fewer than CHUNK_ROWS)

    @property
    def spatial(self) -> bool:
        return self.geometry_type is not None

    def frames(self) -> Iterator[pandas.DataFrame]:
        """The layer's rows as consecutive typed frames (GeoDataFrames when spatial), at least one."""
        size = _chunk_rows(self.shapes_chunked)
        spans = [(start, min(start + size, self.rows)) for start in range(0, self.rows, size)]
        spans = spans or [(0, 0)]
        kinds: list[set[type]] | None = None
        for start, stop in spans:
            _, columns, _ = self.part(start, stop, False)
            found = [cell_kinds(column) for column in columns]
            kinds = found if kinds is None else [whole | more for whole, more in zip(kinds, found)]
        for start, stop in spans:
            names, columns, shapes = self.part(start, stop, self.spatial)
            frame = typed_columns(names, columns, kinds)
            yield frame if shapes is None else _shape_frame(frame, shapes)

    @property
    def frame(self) -> pandas.DataFrame:
        """The whole layer in one frame."""
        frames = list(self.frames())
        return frames[0] if len(frames) == 1 else pandas.concat(frames, ignore_index=True)


def _chunk_rows(shapes: bool) -> int:
    """Rows of a layer made at a time: :data:`SHAPE_CHUNK_ROWS` for the claim shape layers, at most
    :data:`CHUNK_ROWS`."""
    return min(SHAPE_CHUNK_ROWS, CHUNK_ROWS) if shapes else CHUNK_ROWS


class _Columns:
    """A table's columns (the geometry left out) read for some of its rows at a time: a DataFrame's are never
    listed whole (the values of other tables, records or dicts, are listed once)."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame if isinstance(frame, pandas.DataFrame) else None
        if self.frame is not None:
            geometry = frame.geometry.name if isinstance(frame, geopandas.GeoDataFrame) else None
            self.positions = [i for i, name in enumerate(frame.columns) if name != geometry]
            self.names = [str(frame.columns[i]) for i in self.positions]
            self.size = len(frame)
        else:
            self.names, self.lists = table_columns(frame) if frame is not None else ([], [])
            self.size = len(self.lists[0]) if self.lists else _row_count(frame) if frame is not None else 0
        self.index = {name: i for i, name in enumerate(self.names)}

    def column(self, name: str, rows: slice | Sequence[int]) -> list[Any]:
        """The values of column ``name`` in ``rows`` (a slice or positions), as :func:`table_columns` gives them."""
        if self.frame is not None:
            return self.frame.iloc[rows, self.positions[self.index[name]]].tolist()
        values = self.lists[self.index[name]]
        return values[rows] if isinstance(rows, slice) else [values[i] for i in rows]

    def named(self, rows: slice, *wanted: str) -> list[list[Any]]:
        """The values of the ``wanted`` columns in ``rows`` (a column the table does not have is all ``None``)."""
        size = len(range(*rows.indices(self.size)))
        return [self.column(name, rows) if name in self.index else [None] * size for name in wanted]


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
    return (Layer(layer.name, layer.frame, layer.geometry_type) if isinstance(layer, ChunkedLayer) else layer
            for layer in iter_layer_parts(tables))


def iter_layer_parts(tables: Any) -> Iterator[Layer | ChunkedLayer]:
    """The layers of :func:`iter_layers`, the large ones as :class:`ChunkedLayer` (a writer that writes each
    frame before taking the next holds :data:`CHUNK_ROWS` rows of a layer, not all of them).

    Raises
    ------
    ValueError
        When ``tables`` has no ``claim_geoms`` (before the first layer).
    """
    claim_geoms = table(tables, "claim_geoms")
    if claim_geoms is None:
        raise ValueError("the tables to export have no 'claim_geoms' (the geometry stage's output)")
    return _layers(tables, claim_geoms)


def _layers(tables: Any, claim_geoms: Any) -> Iterator[Layer | ChunkedLayer]:
    mentions = table(tables, "mentions")
    yield Layer("places", places_layer(mentions), POINT)
    yield _lonlat_layer("mentions", mentions)
    yield _claims_parts(claim_geoms, table(tables, "claims"))
    statuses = table(tables, "place_status")
    if statuses is not None and _row_count(statuses):
        yield _lonlat_layer("place_status", statuses)
    areas, lines = claim_geometry_parts(claim_geoms)
    yield areas
    del areas
    if lines.rows:
        yield lines
    del lines
    for name in ("envelopes", "reference"):
        frame = table(tables, name)
        if frame is not None:
            yield Layer(name, polygon_layer(frame), MULTIPOLYGON)
    yield _checks_parts(claim_geoms, table(tables, "claims"))
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
    return typed_columns(CHECK_COLUMNS, _check_columns(names, columns))


def _checks_parts(claim_geoms: Any, claims: Any) -> ChunkedLayer:
    """The ``checks`` table of the merged claims (:class:`_MergedClaims`), made for some claims at a time."""
    merged = _MergedClaims(claim_geoms, claims)

    def part(start: int, stop: int, _shapes: bool) -> Part:
        names, columns = merged.columns(start, stop, ("claim_id", "source", "flags"))
        return CHECK_COLUMNS, _check_columns(names, columns), None

    return ChunkedLayer("checks", None, merged.rows, part)


def _check_columns(names: list[str], columns: list[list[Any]]) -> list[list[Any]]:
    """The value lists of :data:`CHECK_COLUMNS`: one row per flag of the claims of ``columns``."""
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
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in CHECK_COLUMNS]


# -- point layers -----------------------------------------------------------------------------------------
def mentions_layer(mentions: Any) -> geopandas.GeoDataFrame:
    """Every mention, as a point where it resolved to coordinates (no geometry otherwise)."""
    return _lonlat_layer("mentions", mentions).frame


def place_status_layer(statuses: Any) -> geopandas.GeoDataFrame:
    """One point per place status (what one sentence says of one place), in source and text order."""
    return _lonlat_layer("place_status", statuses).frame


def _lonlat_layer(name: str, frame: Any) -> ChunkedLayer:
    """Every row of a table with ``lon``/``lat`` columns, as a point where both are set (no geometry otherwise)."""
    source = _Columns(frame)

    def part(start: int, stop: int, shapes: bool) -> Part:
        rows = slice(start, stop)
        columns = [source.column(column, rows) for column in source.names]
        points = _points(list(zip(*source.named(rows, "lon", "lat")))) if shapes else None
        return source.names, columns, points

    return ChunkedLayer(name, POINT, source.size, part)


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
    source_columns = _Columns(mentions)
    fields = ("name", "kind", "country", "admin1", "geonameid", "feature_code", "source", "text")
    for start in range(0, source_columns.size, CHUNK_ROWS):
        # Only the columns read here, a chunk of rows at a time: a large corpus's mentions have a sentence each.
        chunk = source_columns.named(slice(start, start + CHUNK_ROWS), "type", "lon", "lat", "id", *fields)
        _count_places(places, [cell_values(column) for column in chunk[:4]], chunk[4:])
    records = []
    for place in places.values():
        records.append({**place, "n_sources": len(place["sources"]), "sources": sorted(place["sources"]),
                        "texts": sorted(place["texts"])})
    records.sort(key=lambda p: (-p["n_mentions"], str(p["name"] or ""), str(p["place_id"] or "")))
    return _point_frame(typed_frame(records, PLACE_COLUMNS), _points([(r["lon"], r["lat"]) for r in records]))


def _count_places(places: dict[tuple, dict[str, Any]], keys: list[Sequence[Any]], fields: list[list[Any]]) -> None:
    """Count the mentions of ``keys`` (type, lon, lat, id as cell values) and ``fields`` into ``places``."""
    rows = zip(*keys, *fields)
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


def claims_layer(claim_geoms: Any, claims: Any = None) -> geopandas.GeoDataFrame:
    """One row per claim, as a point at its anchor (no geometry when it has none).

    Columns are the geometry stage's (``claim_geoms``), then the claim
    record's fields that the geometry stage does not carry (``alt_value``,
    ``published``...). Where both have a field the geometry stage's value is
    kept: its ``km2`` is the area the claim stands for, derived for shares
    (see its ``derivation``). Claims missing from ``claim_geoms`` come last.
    """
    return _claims_parts(claim_geoms, claims).frame


def _claims_parts(claim_geoms: Any, claims: Any) -> ChunkedLayer:
    """:func:`claims_layer`, made for some claims at a time."""
    merged = _MergedClaims(claim_geoms, claims)

    def part(start: int, stop: int, shapes: bool) -> Part:
        names, columns = merged.columns(start, stop)
        points = _points(list(zip(*_columns_named(names, columns, "anchor_lon", "anchor_lat")))) if shapes else None
        return names, _flags_as_codes(names, columns), points

    return ChunkedLayer("claims", POINT, merged.rows, part)


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
    merged = _MergedClaims(claim_geoms, claims)
    return merged.columns(0, merged.rows, wanted)


class _MergedClaims:
    """The claims as :func:`claims_layer` has them, read for some rows at a time: the geometry stage's rows (its
    columns, then the records' of the same ``claim_id``), then the records the geometry stage has no row for."""

    def __init__(self, claim_geoms: Any, claims: Any = None) -> None:
        self.geo, self.records = _Columns(claim_geoms), _Columns(claims)
        self.names = self.geo.names + [c for c in self.records.names if c not in self.geo.index]
        every = slice(None)
        geo_ids = [str(value) for value in self.geo.named(every, "claim_id")[0]]
        record_ids = [str(value) for value in self.records.named(every, "claim_id")[0]] if claims is not None else []
        position = {claim_id: index for index, claim_id in enumerate(record_ids)}  # the last of a repeated id
        self.matched = [position.get(claim_id) for claim_id in geo_ids]
        drawn = set(geo_ids)
        self.missing = [index for index, claim_id in enumerate(record_ids) if claim_id not in drawn]
        self.rows = len(geo_ids) + len(self.missing)

    def columns(self, start: int, stop: int, wanted: Sequence[str] | None = None) -> tuple[list[str], list[list[Any]]]:
        """The names and values of the merged columns (or the ``wanted`` ones) of rows ``start:stop``."""
        drawn = len(self.matched)
        head = slice(min(start, drawn), min(stop, drawn))
        tail = self.missing[max(start - drawn, 0):max(stop - drawn, 0)]
        matched = self.matched[head]
        merged = []
        for name in self.names if wanted is None else wanted:
            in_records = name in self.records.index
            if name in self.geo.index:
                first = self.geo.column(name, head)
            elif in_records:
                found = iter(self.records.column(name, [index for index in matched if index is not None]))
                first = [None if index is None else next(found) for index in matched]
            else:
                first = [None] * len(matched)
            last = self.records.column(name, tail) if in_records else [None] * len(tail)
            merged.append(first + last)
        return (list(self.names) if wanted is None else list(wanted)), merged


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
    areas, lines = claim_geometry_parts(claim_geoms)
    return areas.frame, lines.frame


def claim_geometry_parts(claim_geoms: Any) -> tuple[ChunkedLayer, ChunkedLayer]:
    """:func:`claim_geometry_layers`, each made for some claims at a time.

    The shapes (:func:`lighter_shapes` split by :func:`split_geometry`) are made a chunk of claims at a time:
    once to find the claims with polygons and with lines (the lines, few, are kept), and again for the polygons
    as their layer is written. Every shape's lighter version depends on that shape alone, so the chunks' shapes
    are those of the whole table; made whole, with their copies of every polygon, they were a 10,000-article
    corpus's largest layer.
    """
    frame = in_wgs84(claim_geoms)
    source = _Columns(frame)
    order = [c for c in CLAIM_KEY_COLUMNS + SHAPE_COLUMNS if c in source.index]
    geometries = _geometries(frame)
    polygon_rows: list[int] = []
    line_rows: list[int] = []
    lines: list[BaseGeometry] = []
    size = _chunk_rows(True)
    for start in range(0, len(geometries), size):
        for index, (polygon, line) in enumerate(_split_shapes(geometries[start:start + size]), start):
            if polygon is not None:
                polygon_rows.append(index)
            if line is not None:
                line_rows.append(index)
                lines.append(line)

    def columns_of(picked: list[int]) -> list[list[Any]]:
        return _flags_as_codes(order, [source.column(column, picked) for column in order])

    def areas(start: int, stop: int, shapes: bool) -> Part:  # rows of claim_geoms
        picked = polygon_rows[bisect.bisect_left(polygon_rows, start):bisect.bisect_left(polygon_rows, stop)]
        if not shapes:
            return order, columns_of(picked), None
        splits = _split_shapes(geometries[start:stop])
        return order, columns_of(picked), [splits[index - start][0] for index in picked]

    def line_part(start: int, stop: int, shapes: bool) -> Part:  # rows of the lines layer
        return order, columns_of(line_rows[start:stop]), lines[start:stop] if shapes else None

    return (ChunkedLayer("claim_areas", MULTIPOLYGON, len(geometries), areas, shapes_chunked=True),
            ChunkedLayer("claim_lines", MULTILINESTRING, len(line_rows), line_part, shapes_chunked=True))


def _split_shapes(geometries: Sequence[BaseGeometry | None]) -> list[tuple[Any, Any]]:
    """The polygons and lines (:func:`split_geometry`) of each shape made lighter (:func:`lighter_shapes`)."""
    return [split_geometry(geometry) for geometry in lighter_shapes(geometries)]


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
    "CHUNK_ROWS", "ChunkedLayer", "Layer", "attribute_table", "checks_table", "claim_geometry_layers",
    "claim_geometry_parts", "claim_shapes_layer", "claims_layer", "export_layers", "flag_codes", "flag_list",
    "in_wgs84", "iter_layer_parts", "iter_layers", "lighter_shapes", "mentions_layer", "merged_claim_columns",
    "place_status_layer", "places_layer", "polygon_layer", "sources_table", "split_geometry", "table",
]
