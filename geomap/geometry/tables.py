"""Tables with explicit column types, so the same rows always give the same frame.

pandas infers dtypes from the data (an all-integer ``value`` column becomes
int64, a text column with gaps becomes ``str`` with NaN). Outputs of the
geometry stage fix them instead: floats are float64 (NaN when missing),
counts and offsets int64, flags bool, and everything else object with None
when missing, so "ISO date or None" stays exactly that.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import pandas


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def typed_frame(rows: list[dict[str, Any]], columns: list[str], floats: Iterable[str] = (),
                integers: Iterable[str] = (), booleans: Iterable[str] = ()) -> pandas.DataFrame:
    """A DataFrame of ``rows`` with ``columns`` in order and fixed dtypes (see the module docstring)."""
    floats, integers, booleans = set(floats), set(integers), set(booleans)
    data = {}
    for column in columns:
        values = [row.get(column) for row in rows]
        if column in floats:
            data[column] = pandas.Series([math.nan if _is_missing(v) else float(v) for v in values],
                                         dtype="float64")
        elif column in integers and not any(_is_missing(v) for v in values):
            data[column] = pandas.Series([int(v) for v in values], dtype="int64")
        elif column in booleans and not any(_is_missing(v) for v in values):
            data[column] = pandas.Series([bool(v) for v in values], dtype="bool")
        else:
            data[column] = pandas.Series([None if _is_missing(v) else v for v in values], dtype=object)
    return pandas.DataFrame(data, columns=columns)
