"""The renderer's inputs, read into plain records with every expected field.

The geometry stage hands over GeoDataFrames/DataFrames (see
:func:`geomap.render.build_map`). These functions copy them into lists of
dicts of plain Python values (no NaN, no numpy scalars), fill absent columns
with ``None`` and bring geometries to EPSG:4326, so the rest of the renderer
never meets pandas' missing-value zoo.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .escaping import plain_value

UNDATED = "undated"

CLAIM_FIELDS = (
    "claim_id", "source", "outlet", "kind", "value", "unit", "km2", "share", "km", "qualifier", "quote",
    "start", "end", "as_of_start", "as_of_end", "as_of_text", "place", "window", "role", "radius_km",
    "geometry_km2", "derivation", "flags", "status", "reason", "shape", "construction", "holder", "anchor_status",
)
MENTION_FIELDS = (
    "source", "start", "end", "text", "sentence", "type", "id", "name", "kind", "lat", "lon", "confidence",
    "method",
)
SOURCE_FIELDS = ("id", "title", "outlet", "published", "published_estimated", "url")


def in_wgs84(frame):
    """Return a GeoDataFrame in EPSG:4326 (unchanged when it already is, or has no CRS)."""
    if frame is None:
        return None
    crs = getattr(frame, "crs", None)
    if crs is not None and crs.to_epsg() != 4326:
        return frame.to_crs(4326)
    return frame


def frame_records(frame, fields: Sequence[str], geometry: bool = False) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts with exactly ``fields`` (+ ``geometry``), in row order."""
    if frame is None or len(frame) == 0:
        return []
    # Column by column (not iterrows, which builds a Series per row): a 10,000-article
    # corpus has half a million mentions.
    size = len(frame)
    columns = [[plain_value(value) for value in frame[name].tolist()] if name in frame.columns else [None] * size
               for name in fields]
    records = [dict(zip(fields, values)) for values in zip(*columns)]
    if geometry:
        shapes = list(frame.geometry.values) if hasattr(frame, "geometry") else [None] * size
        for record, shape in zip(records, shapes):
            record["geometry"] = None if shape is None or getattr(shape, "is_empty", True) else shape
    return records


def parse_flags(flags: Any) -> list[dict[str, str]]:
    """Checks attached to a claim as ``[{"code": ..., "message": ...}]``.

    Accepts a list of dicts, a JSON string of one, or nothing. Unknown shapes
    become a single flag with the text, rather than being dropped.
    """
    if flags is None:
        return []
    if isinstance(flags, str):
        text = flags.strip()
        if not text:
            return []
        try:
            flags = json.loads(text)
        except json.JSONDecodeError:
            return [{"code": "note", "message": text}]
    if isinstance(flags, Mapping):
        flags = [flags]
    if hasattr(flags, "tolist"):
        flags = flags.tolist()
    parsed = []
    if not isinstance(flags, Iterable):
        return [{"code": "note", "message": str(flags)}]
    for flag in flags:
        if isinstance(flag, Mapping):
            parsed.append({
                "code": str(plain_value(flag.get("code")) or "flag"),
                "message": str(plain_value(flag.get("message")) or ""),
            })
        elif flag is not None:
            parsed.append({"code": "note", "message": str(flag)})
    return parsed


def claim_records(claim_geoms) -> list[dict[str, Any]]:
    """Claim geometry rows with defaults: window ``"undated"``, parsed flags, a status."""
    records = frame_records(in_wgs84(claim_geoms), CLAIM_FIELDS, geometry=True)
    for index, record in enumerate(records):
        record["flags"] = parse_flags(record["flags"])
        record["window"] = str(record["window"]) if record["window"] else UNDATED
        record["source"] = str(record["source"]) if record["source"] is not None else "unknown"
        record["claim_id"] = str(record["claim_id"]) if record["claim_id"] is not None else f"row{index}"
        if record["status"] not in ("mapped", "unmapped"):
            record["status"] = "mapped" if record["geometry"] is not None else "unmapped"
        if record["geometry"] is None and record["status"] == "mapped":
            record["status"] = "unmapped"
            record["reason"] = record["reason"] or "no geometry"
    return records


def mention_records(mentions) -> list[dict[str, Any]]:
    """Mentions of places (not demonyms) that have coordinates."""
    records = frame_records(mentions, MENTION_FIELDS)
    return [
        record for record in records
        if (record["type"] or "place") == "place" and record["lat"] is not None and record["lon"] is not None
    ]


def source_records(sources: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Sources as dicts with every field; ``id`` is required."""
    records = []
    for position, source in enumerate(sources or []):
        record = {name: plain_value(source.get(name)) for name in SOURCE_FIELDS}
        if record["id"] is None:
            raise ValueError(f"source #{position} has no 'id'")
        record["id"] = str(record["id"])
        record["published_estimated"] = bool(record["published_estimated"])
        records.append(record)
    return records
