"""Plain cell values and typed columns for the export tables.

Every exported table goes through the same two steps, so a value looks the same
in the GeoPackage, in GeoJSON properties and in CSV:

- :func:`cell_value` turns one value into plain Python: ``None`` for anything
  missing (None, NaN, NaT, ``pd.NA``), ``int``/``float``/``bool``/``str`` for
  numpy and pandas scalars, ISO text for dates, and JSON text for lists,
  tuples, sets and dicts (the "JSON text column" rule);
- :func:`typed_column` gives a column one explicit type from its values:
  ``bool``/``boolean``, ``int64``/``Int64``, ``float64`` or text. A column
  never mixes numbers and text, because GeoPackage fields have one type.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas

from geomap.formats import plain


def json_text(value: Any) -> str:
    """Compact, deterministic JSON for a list or dict cell (keys keep their order)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default, allow_nan=False)


def _json_default(value: Any) -> Any:
    plain = cell_value(value, nested=True)
    if plain is value:
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")
    return plain


def cell_value(value: Any, nested: bool = False) -> Any:
    """One table cell as plain Python (:func:`geomap.formats.plain`), with lists and dicts as JSON text.

    With ``nested=True`` lists and dicts are returned as plain containers
    instead of JSON text (used while serialising them).
    """
    value = plain(value)
    if not nested and isinstance(value, (list, dict)):
        return json_text(value)
    return value


def typed_column(values: Sequence[Any], kinds: set[type] | None = None) -> pandas.Series:
    """A Series of plain cell values with one explicit dtype.

    Booleans become ``bool`` (``boolean`` with gaps), integers ``int64``
    (``Int64`` with gaps), other numbers ``float64`` (NaN for gaps) and
    everything else text (``object`` with ``None`` for gaps). ``kinds``: the
    types of the whole column's values when ``values`` are a slice of it (see
    :func:`cell_kinds`), so that every slice gets the whole column's type.
    """
    # One pass over the column, then decided by its set of types.
    kinds = set(map(type, values)) if kinds is None else set(kinds)
    missing = type(None) in kinds
    kinds.discard(type(None))
    if kinds and kinds <= {bool}:
        return pandas.Series(list(values), dtype="boolean" if missing else "bool")
    if kinds and kinds <= {int}:
        return pandas.Series(list(values), dtype="Int64" if missing else "int64")
    if kinds and kinds <= {int, float}:
        return pandas.Series([math.nan if v is None else float(v) for v in values], dtype="float64")
    if kinds <= {str}:
        return pandas.Series(list(values), dtype=object)
    return pandas.Series([None if v is None else v if isinstance(v, str) else str(v) for v in values],
                         dtype=object)


def typed_frame(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> pandas.DataFrame:
    """A DataFrame with exactly ``columns`` (absent keys are gaps), each a :func:`typed_column`."""
    records = records if isinstance(records, Sequence) else list(records)
    return pandas.DataFrame({name: typed_column([cell_value(record.get(name)) for record in records])
                             for name in columns}, columns=list(columns))


def frame_rows(frame: Any) -> list[dict[str, Any]]:
    """Rows of a DataFrame (or a list of dicts / dataclass records) as dicts, geometry column left out."""
    if frame is None:
        return []
    if isinstance(frame, pandas.DataFrame):
        names, values = _attribute_columns(frame)
        return [dict(zip(names, row)) for row in zip(*values)] if values else [{} for _ in range(len(frame))]
    rows = []
    for record in frame:
        if isinstance(record, Mapping):
            rows.append(dict(record))
        elif hasattr(record, "as_dict"):
            rows.append(record.as_dict())
        elif dataclasses.is_dataclass(record) and not isinstance(record, type):
            rows.append(dataclasses.asdict(record))
        else:
            raise TypeError(f"cannot read a table row from {type(record).__name__}")
    return rows


def plain_columns(frame: Any) -> tuple[list[str], list[list[Any]]]:
    """The column names of a table (as :func:`frame_columns`) and each column's :func:`cell_value` list.

    Read column by column, for writers that go through every cell of a large table.
    """
    if isinstance(frame, pandas.DataFrame):
        names, values = _attribute_columns(frame)
        return [str(name) for name in names], [[cell_value(v) for v in column] for column in values]
    rows = frame_rows(frame)
    names = frame_columns(frame, rows)
    return names, [[cell_value(row.get(name)) for row in rows] for name in names]


def table_columns(frame: Any) -> tuple[list[str], list[list[Any]]]:
    """The column names of a table (as :func:`frame_columns`) and each column's values as they are.

    Read column by column, so that a large table is never held as one dict per row.
    """
    if isinstance(frame, pandas.DataFrame):
        names, values = _attribute_columns(frame)
        return [str(name) for name in names], values
    rows = frame_rows(frame)
    names = frame_columns(frame, rows)
    return names, [[row.get(name) for row in rows] for name in names]


def typed_columns(names: Sequence[str], columns: Sequence[Sequence[Any]],
                  kinds: Sequence[set[type]] | None = None) -> pandas.DataFrame:
    """A DataFrame of the named value lists (as :func:`typed_frame` makes of rows), each a :func:`typed_column`
    (of the whole columns' ``kinds`` when the lists are a slice of a table's rows)."""
    each = kinds if kinds is not None else [None] * len(names)
    return pandas.DataFrame({name: typed_column(cell_values(values), kind)
                             for name, values, kind in zip(names, columns, each)}, columns=list(names))


_PLAIN_KINDS = frozenset({str, int, bool, type(None)})


def cell_values(values: Sequence[Any]) -> Sequence[Any]:
    """The :func:`cell_value` of each value; a column of plain text, whole numbers and gaps as it is.

    Those are most of a large table's columns, which read a cell at a time took half the time of making the
    layers of 10,000 articles.
    """
    kinds = set(map(type, values))
    if kinds <= _PLAIN_KINDS:
        return values
    if kinds <= _PLAIN_KINDS | {float}:
        return [None if kind is float and not math.isfinite(value) else value
                for kind, value in zip(map(type, values), values)]
    if not kinds & {list, dict}:
        return [cell_value(value) for value in values]
    # A table's rows share their lists (equal ones are one object: geomap.schema.one_list_each): each list's JSON
    # text is made once. The values are alive all the while, so no id is reused.
    texts: dict[int, Any] = {}

    def value_of(value: Any) -> Any:
        if type(value) not in (list, dict):
            return cell_value(value)
        if id(value) not in texts:
            texts[id(value)] = cell_value(value)
        return texts[id(value)]

    return [value_of(value) for value in values]


def cell_kinds(values: Sequence[Any]) -> set[type]:
    """The types of the :func:`cell_values` of ``values``, without making them (lists and dicts are text).

    A table written a slice of rows at a time takes each column's type from these, gathered over every slice.
    """
    kinds = set(map(type, values))
    if kinds <= _PLAIN_KINDS:
        return kinds
    found = kinds & _PLAIN_KINDS
    if kinds & {list, dict}:
        found.add(str)
    rest = kinds - _PLAIN_KINDS - {list, dict}
    return found | {type(cell_value(value)) for value in values if type(value) in rest}


def frame_columns(frame: Any, rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Column names in order: the frame's own, else the union of the rows' keys in first-seen order."""
    if isinstance(frame, pandas.DataFrame):
        geometry = _geometry_name(frame)
        return [str(c) for c in frame.columns if c != geometry]
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(str(key), None)
    return list(seen)


def _attribute_columns(frame: pandas.DataFrame) -> tuple[list[Any], list[list[Any]]]:
    """The labels and value lists of a DataFrame's columns but the geometry.

    Read column by column: itertuples reads extension arrays (pandas strings) one element at a time.
    """
    geometry = _geometry_name(frame)
    positions = [i for i, c in enumerate(frame.columns) if c != geometry]
    return [frame.columns[i] for i in positions], [frame.iloc[:, i].tolist() for i in positions]


def _geometry_name(frame: pandas.DataFrame) -> str | None:
    try:
        return frame.geometry.name  # GeoDataFrame
    except AttributeError:
        return None
