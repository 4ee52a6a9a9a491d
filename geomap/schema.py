"""The tables between geomap's stages: their columns and types, declared once and checked at each boundary.

::

    sources ──► mentions ──► claims ──────────► claim_geometries ──► envelopes, spread, checks, comparison
    (SOURCES)   (MENTIONS)   (CLAIMS)           (CLAIM_GEOMETRIES)    (ENVELOPES, SPREAD, CHECKS, COMPARISON)
                      └────► place statuses ──┘
                             (PLACE_STATUS)

Every stage takes and returns pandas DataFrames (GeoDataFrames in EPSG:4326 where
a table has shapes) with exactly these columns and types, so a chunk of sources
can go through the stages on its own and the chunks' tables concatenate.

The record tables (sources, mentions, claims, place statuses) have one column per field of their
record in :mod:`geomap.records`, typed by the field's annotation: the stages
inside (the geoparser, the claim rules) work on those records, and a field added
there is a column here. The other tables are declared below.

Column kinds and their pandas types:

========  ====================================  =====================================
kind      dtype                                 missing value
========  ====================================  =====================================
text      object (str)                          None
date      object (ISO text ``YYYY-MM-DD``)      None
list      object (list of plain values/dicts)   None (record tables: an empty list)
int       int64; ``Int64`` when nullable        pd.NA
float     float64                               NaN
bool      bool; ``boolean`` when nullable       pd.NA
========  ====================================  =====================================
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from geomap.errors import GeomapError
from geomap.formats import plain
from geomap.records import Claim, Mention, PlaceStatus, Source

if TYPE_CHECKING:
    import pandas

TEXT, DATE, LIST, INT, FLOAT, BOOL = "text", "date", "list", "int", "float", "bool"
OBJECT_KINDS = (TEXT, DATE, LIST)
CRS = "EPSG:4326"


class SchemaError(GeomapError):
    """A table handed to a stage lacks a column or has one of the wrong type."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    nullable: bool = True

    @property
    def dtype(self) -> str:
        if self.kind == INT:
            return "Int64" if self.nullable else "int64"
        if self.kind == BOOL:
            return "boolean" if self.nullable else "bool"
        return "float64" if self.kind == FLOAT else "object"

    def series(self, values: Sequence[Any]) -> pandas.Series:
        """The column's values (plain Python, None where missing) as a Series of its type."""
        if self.kind == DATE:
            values = one_copy_each([value.isoformat() if isinstance(value, date) else value for value in values])
        elif self.kind == TEXT:
            values = one_copy_each(values)
        elif self.kind == LIST:
            values = one_list_each(values)
        elif self.kind == FLOAT:
            values = [math.nan if value is None else value for value in values]
        import pandas  # here, not at the top: `geomap geocode` writes its rows without pandas (0.3 s to import)

        return pandas.Series(values, dtype=self.dtype)

    def problem(self, series: pandas.Series) -> str | None:
        """What is wrong with ``series`` as this column (None when nothing is)."""
        dtype = str(series.dtype)
        allowed = {self.dtype} | ({"int64"} if self.kind == INT else set()) | ({"bool"} if self.kind == BOOL else set())
        if dtype not in allowed:
            return f"is {dtype}, not {self.dtype} ({self.kind})"
        if not self.nullable and len(series) and bool(series.isna().any()):
            return "has missing values"
        from pandas.api.types import infer_dtype

        if self.kind in (TEXT, DATE) and infer_dtype(series, skipna=True) not in ("string", "empty"):
            return f"holds values that are not text ({self.kind})"
        return None


def one_copy_each(values: Sequence[Any]) -> list[Any]:
    """``values`` with every repeated text the same object: a sentence with five places, a country code or a
    date in every row of a corpus is then held (and pickled from a worker) once, not once per row."""
    first: dict[Any, Any] = {}
    return [first.setdefault(value, value) if type(value) is str else value for value in values]


def one_list_each(values: Sequence[Any]) -> list[Any]:
    """``values`` with equal lists the same object: most rows of a corpus hold an empty list of flags or
    alternatives, and the mentions of one name the same alternatives (741 distinct lists among the 53,614
    mentions of 1,000 synthetic articles, 13.6 MB held as a list each). Equal means the same text (``repr``):
    1 and 1.0 stay apart. A table's cells are never changed in place (a stage makes new lists), so rows
    may share one."""
    first: dict[str, Any] = {}
    return [first.setdefault(repr(value), value) if type(value) is list else value for value in values]


@dataclass(frozen=True)
class Table:
    """One stage table: its name, its columns in order, whether it has shapes, the record of its rows."""

    name: str
    columns: tuple[Column, ...]
    geometry: bool = False
    record: type | None = None

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def frame(self, rows: Sequence[Mapping[str, Any]], geometries: Sequence[Any] | None = None) -> pandas.DataFrame:
        """The table of ``rows`` (dicts; an absent key is a missing value), with ``geometries`` if it has shapes."""
        return self.from_columns(
            {column.name: [row.get(column.name) for row in rows] for column in self.columns}, len(rows), geometries
        )

    def from_columns(
        self, values: Mapping[str, Sequence[Any]], size: int, geometries: Sequence[Any] | None = None
    ) -> pandas.DataFrame:
        import pandas

        data = {column.name: column.series(values[column.name]) for column in self.columns}
        frame = pandas.DataFrame(data, columns=self.names, index=pandas.RangeIndex(size))
        if not self.geometry:
            return frame
        import geopandas

        shapes = geopandas.GeoSeries(list(geometries) if geometries is not None else [None] * size, crs=CRS)
        return geopandas.GeoDataFrame(frame, geometry=shapes, crs=CRS)

    def from_records(self, records: Sequence[Any], geometries: Sequence[Any] | None = None) -> pandas.DataFrame:
        """The table of records of :attr:`record` (read column by column: a corpus has half a million mentions)."""
        values = {}
        for column in self.columns:
            found = [getattr(record, column.name) for record in records]
            if column.kind == LIST:  # copied, so that the table never shares a list with a record
                found = [[dict(item) if isinstance(item, dict) else item for item in value] for value in found]
            values[column.name] = found
        return self.from_columns(values, len(records), geometries)

    def empty(self) -> pandas.DataFrame:
        return self.frame([])

    def check(self, frame: Any, where: str) -> Any:
        """``frame`` itself when it has every column with its type; :class:`SchemaError` naming ``where`` otherwise."""
        import pandas

        if not isinstance(frame, pandas.DataFrame):
            raise SchemaError(f"{where}: the {self.name} table is a {type(frame).__name__}, not a DataFrame")
        missing = [name for name in self.names if name not in frame.columns]
        if missing:
            raise SchemaError(f"{where}: the {self.name} table has no column {', '.join(map(repr, missing))}")
        for column in self.columns:
            problem = column.problem(frame[column.name])
            if problem:
                raise SchemaError(f"{where}: column {column.name!r} of the {self.name} table {problem}")
        if self.geometry and getattr(frame, "crs", None) is not None and frame.crs.to_epsg() != 4326:
            raise SchemaError(f"{where}: the {self.name} table is in {frame.crs.to_string()}, not EPSG:4326")
        return frame

    def rows(self, frame: pandas.DataFrame, names: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The rows as dicts of plain Python values (None where missing), for JSON and display."""
        names = list(names or self.names)
        return [dict(zip(names, values)) for values in self.plain_rows(frame, names)]

    def plain_rows(self, frame: pandas.DataFrame, names: Sequence[str]) -> Iterable[tuple[Any, ...]]:
        """The values of ``names`` in each row, as plain Python, one row at a time."""
        return zip(*([plain(value) for value in frame[name].tolist()] for name in names)) if names else iter(())

    def record_rows(self, records: Sequence[Any]) -> list[dict[str, Any]]:
        """``rows(from_records(records))`` without a DataFrame: each value converted as its column's type
        converts it (a whole number in a float column is a float), then made plain."""
        convert = {INT: int, FLOAT: float, BOOL: bool}
        columns = [(column.name, convert.get(column.kind)) for column in self.columns]
        return [
            {
                name: plain(value if to_type is None or value is None else to_type(value))
                for name, to_type in columns
                for value in (getattr(record, name),)
            }
            for record in records
        ]

    def to_records(self, frame: pandas.DataFrame) -> list[Any]:
        """The rows as records of :attr:`record` (dates as dates again).

        Made one row at a time: a dict per row for the whole table first would
        double what a large corpus's claims hold while they are turned into records.
        """
        assert self.record is not None, f"the {self.name} table has no record type"
        names = self.names
        dates = [column.name for column in self.columns if column.kind == DATE]
        made = []
        for values in self.plain_rows(frame, names):
            row = dict(zip(names, values))
            for name in dates:
                if row[name] is not None:
                    row[name] = date.fromisoformat(row[name])
            made.append(self.record(**row))
        return made


# -- the record tables: one column per field of the record, typed by its annotation --------------------------


def _kind_of(annotation: Any) -> tuple[str, bool]:
    """The column kind of a record field's type and whether it may be missing."""
    options = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    nullable = type(None) in options
    [base] = [option for option in options if option is not type(None)]
    origin = typing.get_origin(base) or base
    kinds = {str: TEXT, int: INT, float: FLOAT, bool: BOOL, date: DATE, list: LIST, dict: LIST}
    if origin not in kinds:
        raise TypeError(f"no column kind for the field type {annotation!r}")
    return kinds[origin], nullable


def record_table(name: str, record: type, leading: Sequence[str] = ()) -> Table:
    """The table of a record dataclass: ``leading`` columns first, then the other fields in their order."""
    hints = typing.get_type_hints(record)
    fields = [f.name for f in dataclasses.fields(record)]
    order = list(leading) + [field for field in fields if field not in leading]
    return Table(name, tuple(Column(field, *_kind_of(hints[field])) for field in order), record=record)


SOURCES = record_table("sources", Source)
MENTIONS = record_table("mentions", Mention)
# The claims table as `geomap claims` prints it: what a reader looks at first, then the other fields.
CLAIMS = record_table(
    "claims",
    Claim,
    leading=(
        "source",
        "claim_id",
        "kind",
        "value",
        "low",
        "high",
        "unit",
        "km2",
        "km",
        "share",
        "qualifier",
        "as_of_start",
        "as_of_end",
        "as_of_text",
        "place",
        "quote",
        "start",
        "end",
    ),
)
# What each sentence says of a named place (geomap.claims.status): one row per place status.
PLACE_STATUS = record_table("place_status", PlaceStatus)

# The sources as sources.json and sources.csv list them (the text left out): output name -> column.
SOURCE_SUMMARY = {
    "id": "id",
    "title": "title",
    "outlet": "outlet",
    "url": "url",
    "published": "published",
    "published_estimated": "published_estimated",
    "rationale": "published_rationale",
    "path": "path",
    "warnings": "warnings",
}


def source_summaries(sources: pandas.DataFrame) -> list[dict[str, Any]]:
    """One dict per source with the :data:`SOURCE_SUMMARY` fields, in table order."""
    rows = SOURCES.rows(sources, list(SOURCE_SUMMARY.values()))
    return [{name: row[column] for name, column in SOURCE_SUMMARY.items()} for row in rows]


# -- the geometry stage's tables ----------------------------------------------------------------------------


def _columns(spec: str) -> tuple[Column, ...]:
    """Columns from ``"name:kind name:kind! ..."`` (``!``: never missing)."""
    made = []
    for item in spec.split():
        name, _, kind = item.partition(":")
        made.append(Column(name, kind.rstrip("!"), nullable=not kind.endswith("!")))
    return tuple(made)


# One row per claim: the claim's own fields, where it is drawn and why (``shape``, and ``construction``: how, in
# one sentence; ``holder``: who holds the area drawn; ``anchor_status``: lost | held as of the claim; the border
# point an incursion is drawn from), the checks (flags) and its shape.
CLAIM_GEOMETRIES = Table(
    "claim_geometries",
    _columns(
        "claim_id:text! source:text! outlet:text kind:text! value:float low:float high:float unit:text km2:float "
        "share:float km:float qualifier:text quote:text start:int! end:int! quote_start:int! quote_end:int! "
        "as_of_start:date as_of_end:date as_of_text:text place:text place_id:text window:text! role:text shape:text "
        "construction:text radius_km:float geometry_km2:float host:text host_km2:float base_km2:float "
        "derivation:text flags:list status:text! reason:text actor:text holder:text anchor_status:text "
        "subject:text region_id:text anchor_lon:float anchor_lat:float border_lon:float border_lat:float"
    ),
    geometry=True,
)
# One row per date window with held-area buffers: their union.
ENVELOPES = Table(
    "envelopes",
    _columns("window:text! n_sources:int! sources:text! n_claims:int! claims:text! geometry_km2:float"),
    geometry=True,
)
# One row per held-area claim with an area: how far it lies from the other sources' claims of its window.
SPREAD = Table(
    "spread",
    _columns(
        "window:text! claim_id:text! source:text! outlet:text kind:text! km2:float derived:bool! n_claims:int! "
        "n_sources:int! min_km2:float median_km2:float max_km2:float deviation_pct:float furthest:bool!"
    ),
)
# One row per check (flag) of a claim; ``numbers`` holds the figures behind the message.
CHECKS = Table("checks", _columns("claim_id:text! source:text! code:text severity:text message:text numbers:list"))
# One row per area claim compared with a dated reference layer.
COMPARISON = Table(
    "comparison",
    _columns(
        "claim_id:text! source:text! kind:text! window:text! claim_date:date reference_date:date days_apart:int "
        "claimed_km2:float buffer_km2:float reference_km2:float ratio:float iou:float centroid_offset_km:float "
        "note:text"
    ),
)

TABLES = {
    table.name: table
    for table in (SOURCES, MENTIONS, CLAIMS, PLACE_STATUS, CLAIM_GEOMETRIES, ENVELOPES, SPREAD, CHECKS, COMPARISON)
}


def concat(table: Table, frames: Iterable[pandas.DataFrame]) -> pandas.DataFrame:
    """The chunks of one table as one, in order (each chunk's own types kept; an empty list gives the empty table)."""
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        return table.empty()
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    import pandas

    joined = pandas.concat(frames, ignore_index=True)
    return joined.astype({column.name: column.dtype for column in table.columns})
