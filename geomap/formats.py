"""Plain serialisations of record tables: JSON Lines, CSV, GeoJSON, terminal tables.

The one writer of each format, used by the command line (stdout) and by the exports. Deterministic: keys in
field order, floats as Python writes them, no timestamps.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Iterable


def plain(value: Any) -> Any:
    """One table cell as plain Python, the one rule for every output.

    None for anything missing (None, NaN, NaT, ``pd.NA``, infinities), ``int``/``float``/``bool``/``str``
    for numpy and pandas scalars, ISO text for dates (a midnight timestamp is its date); lists, tuples,
    sets (sorted) and dicts become lists and dicts of plain values; anything else its text.
    """
    kind = type(value)  # the plain types first: most cells of a large table are one of them
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, date):  # datetime and pandas' Timestamp too
        if value != value:  # NaT
            return None
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return [plain(item) for item in sorted(value, key=str)]
    import numpy  # only values of other types get here, numpy's and pandas' among them
    import pandas

    if value is pandas.NaT or value is pandas.NA:
        return None
    if isinstance(value, (bool, numpy.bool_)):
        return bool(value)
    if isinstance(value, (int, numpy.integer)):
        return int(value)
    if isinstance(value, (float, numpy.floating)):
        return plain(float(value))
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numpy.ndarray):
        return plain(value.tolist())
    return str(value)


def json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_jsonl(records: Iterable[dict]) -> str:
    lines = [json.dumps({k: plain(v) for k, v in r.items()}, ensure_ascii=False, default=json_default) for r in records]
    return "".join(line + "\n" for line in lines)


# What makes a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as a formula: text from an
# article or a manifest starting with one of these could run one when the CSV is opened ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as the text it is: text starting with = + - @ tab or CR gets a leading
    apostrophe (the OWASP advice; spreadsheets hide it); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(records: list[dict], columns: list[str] | None = None) -> str:
    """CSV with one column per field; lists and dicts as JSON text (see :func:`csv_text`)."""
    columns = columns or (list(records[0].keys()) if records else [])
    rows = []
    for record in records:
        row = []
        for column in columns:
            value = plain(record.get(column))
            if isinstance(value, (list, dict)):
                value = json.dumps(value, ensure_ascii=False, default=json_default)
            row.append(value)
        rows.append(row)
    return csv_text(columns, rows)


def csv_text(header: list[str], rows: Iterable[Iterable[Any]], with_header: bool = True) -> str:
    """CSV: ``\\n`` line ends, empty cells for None, text made :func:`spreadsheet_safe`.

    Without ``with_header`` only the rows: a later part of a file written a part at a time.

    A carriage return inside a cell would end the row for a reader (the csv
    module quotes only the line terminator's own characters): such a row is
    written with every text cell quoted. Numbers are never quoted.
    """
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    for row in [header, *rows] if with_header else rows:
        cells = ["" if value is None else spreadsheet_safe(value) for value in row]
        (quoted if any(isinstance(cell, str) and "\r" in cell for cell in cells) else plain).writerow(cells)
    return buffer.getvalue()


def feature_collection(features: Iterable[tuple[Mapping[str, Any], str]]) -> str:
    """The one GeoJSON writer: a FeatureCollection (RFC 7946: lon/lat, WGS 84, no ``crs``) of features given
    as (plain properties, the geometry's JSON text), one feature a line so that a diff shows the features
    that changed."""
    lines = [feature_line(properties, geometry) for properties, geometry in features]
    return FEATURE_COLLECTION_START + ",\n".join(lines) + ("\n" if lines else "") + FEATURE_COLLECTION_END


# A feature collection is this, the feature lines joined by ",\n" (and a "\n" after the last), then the end: a
# writer can write it a part at a time.
FEATURE_COLLECTION_START = '{"type":"FeatureCollection","features":[\n'
FEATURE_COLLECTION_END = "]}\n"


def feature_line(properties: Mapping[str, Any], geometry: str) -> str:
    """One feature of :func:`feature_collection`: plain properties and the geometry's JSON text."""
    return f'{{"type":"Feature","properties":{compact_json(properties)},"geometry":{geometry}}}'


def compact_json(value: Any) -> str:
    """JSON without spaces or NaN, characters as they are."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def to_geojson_points(records: list[dict], lat: str = "lat", lon: str = "lon") -> str:
    """The records with a point as GeoJSON point features (see :func:`feature_collection`)."""
    return feature_collection(
        (
            {k: plain(v) for k, v in record.items() if k not in (lat, lon)},
            compact_json({"type": "Point", "coordinates": [plain(record[lon]), plain(record[lat])]}),
        )
        for record in records
        if record.get(lat) is not None and record.get(lon) is not None
    )


def to_table(records: Sequence[Mapping[str, Any]], columns: list[str], max_width: int | None = 40) -> str:
    """A fixed-width table for terminals, one record a row; cells longer than ``max_width`` are cut with an
    ellipsis (``None``: never)."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            value = f"{value:.6g}"  # a terminal shows 999.735, the files keep every digit
        text = "" if value is None else str(plain(value))
        text = " ".join(text.split())
        return text if max_width is None or len(text) <= max_width else text[: max_width - 1] + "…"

    rows = [[cell(r.get(c)) for c in columns] for r in records]
    widths = [max([len(c)] + [len(row[i]) for row in rows]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"
