"""The display model that the map, the figures, the exports and the API share.

What a reader sees of a run, computed the same way wherever it is shown:

- date windows: the periods a map switches between (:class:`DateWindow`, :func:`date_windows`);
- source colours and names (:func:`source_colors`, :func:`source_names`), so that one source has one
  colour on the HTML map, in the figures and in :func:`geomap.api.folium_layers`;
- labels: numbers, areas, shares and claimed quantities as a reader expects them;
- display records: the stage tables read into plain dicts with every expected field
  (:func:`claim_records`, :func:`mention_records`, :func:`place_status_records`, :func:`source_records`).

Each claim geometry carries a ``window`` label (``"2024-08"``, ``"undated"``...) and the
dates its claim is valid for (``as_of_start``/``as_of_end``). A window's range is the
span of its claims' dates, or, failing those, the period its label names. Windows are
shown in date order, undated ones last.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from geomap.dates import period, table_date
from geomap.formats import plain

UNDATED = "undated"

# Colour-blind-safe (Okabe-Ito) first, then more distinct hues; reused in
# order when there are more sources than colours.
SOURCE_PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#8C564B",
    "#6A3D9A",
    "#B15928",
    "#1B7837",
)

# Units that are themselves the quantity ("one third"), printed without the number.
_SPELLED_FRACTION = re.compile(r"^(?:one|two|three|a|an|half|quarter|third|thirds)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateWindow:
    """A named date window and the dates it covers (``None`` when undated)."""

    label: str
    start: date | None
    end: date | None

    @property
    def dated(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def range_text(self) -> str:
        """``"2024-08-06 – 2024-08-31"``, one date when start == end, ``""`` when undated."""
        if self.start is None or self.end is None:
            return ""
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def contains(self, day: date) -> bool:
        return self.start is not None and self.end is not None and self.start <= day <= self.end


def date_windows(claims: Iterable[Mapping[str, Any]], extra_labels: Iterable[str] = ()) -> list[DateWindow]:
    """The windows of ``claims`` (and of ``extra_labels``, e.g. envelopes'), in display order."""
    starts: dict[str, list[date]] = {}
    ends: dict[str, list[date]] = {}
    labels: list[str] = []
    for claim in claims:
        label = claim.get("window") or UNDATED
        if label not in starts:
            starts[label], ends[label] = [], []
            labels.append(label)
        first = table_date(claim.get("as_of_start"))
        last = table_date(claim.get("as_of_end"))
        if first is not None:
            starts[label].append(first)
            ends[label].append(last or first)
        elif last is not None:
            starts[label].append(last)
            ends[label].append(last)
    for label in extra_labels:
        label = label or UNDATED
        if label not in starts:
            starts[label], ends[label] = [], []
            labels.append(label)
    windows = []
    for label in labels:
        if label == UNDATED:
            windows.append(DateWindow(label, None, None))
        elif starts[label]:
            windows.append(DateWindow(label, min(starts[label]), max(ends[label])))
        else:
            named = period(label)
            windows.append(DateWindow(label, *(named or (None, None))))
    return sorted(windows, key=_window_order)


def _window_order(window: DateWindow) -> tuple:
    if window.dated:
        return (0, window.start, window.end, window.label)
    return (1, date.min, date.min, window.label)


def reference_dates_for_windows(windows: Sequence[DateWindow], reference_dates: Iterable[date]) -> dict[str, date]:
    """For each dated window, the latest reference date on or before the window's end.

    That is the reference state "as of" the window; windows older than every
    reference date (and undated ones) get none.
    """
    dates = sorted(set(reference_dates))
    chosen: dict[str, date] = {}
    for window in windows:
        if window.end is None:
            continue
        candidates = [day for day in dates if day <= window.end]
        if candidates:
            chosen[window.label] = candidates[-1]
    return chosen


def format_number(value: float | int | None) -> str:
    """Numbers as a reader expects them: ``1,368``, ``12.5``, ``0.333``."""
    if value is None:
        return "?"
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def format_km2(km2: float | None) -> str:
    return "" if km2 is None else f"{format_number(round(km2) if km2 >= 100 else km2)} km²"


def format_share(share: float | None) -> str:
    """A share stored as a fraction (0.3) or a percentage (30) as ``30 %``."""
    if share is None:
        return ""
    percent = share * 100 if abs(share) <= 1 else share
    return f"{format_number(round(percent, 1))} %"


def claimed_text(claim: Mapping[str, Any]) -> str:
    """The claimed quantity as the source wrote it: ``about 386 square miles``."""
    unit = (claim.get("unit") or "").strip()
    value = claim.get("value")
    if unit and _SPELLED_FRACTION.match(unit):
        amount = unit
    elif unit == "%":
        amount = f"{format_number(value)} %"
    else:
        amount = f"{format_number(value)} {unit}".strip()
    qualifier = (claim.get("qualifier") or "").strip()
    return f"{qualifier} {amount}".strip()


def source_colors(sources: Sequence[Mapping[str, Any]], claims: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """A fixed colour per source that has claims: sources' order first, then unknown ids sorted."""
    with_claims = {claim["source"] for claim in claims}
    ordered = [source["id"] for source in sources if source["id"] in with_claims]
    ordered += sorted(with_claims - set(ordered))
    return {source_id: SOURCE_PALETTE[index % len(SOURCE_PALETTE)] for index, source_id in enumerate(ordered)}


def source_names(sources: Sequence[Mapping[str, Any]], claims: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The name shown for each source: its outlet (else a short title), with the id when names repeat."""
    outlets: dict[str, str] = {}
    for source in sources:
        outlet = source.get("outlet")
        if not outlet or outlet == "unknown":
            title = " ".join(str(source.get("title") or "").split())
            outlet = (title if len(title) <= 32 else title[:31].rstrip() + "…") or source["id"]
        outlets[source["id"]] = outlet
    for claim in claims:
        outlets.setdefault(claim["source"], claim.get("outlet") or claim["source"])
    counts: dict[str, int] = {}
    for outlet in outlets.values():
        counts[outlet] = counts.get(outlet, 0) + 1
    return {
        source_id: (outlet if counts[outlet] == 1 or outlet == source_id else f"{outlet} ({source_id})")
        for source_id, outlet in outlets.items()
    }


# -- display records --------------------------------------------------------------------------------
CLAIM_FIELDS = (
    "claim_id",
    "source",
    "outlet",
    "kind",
    "value",
    "unit",
    "km2",
    "share",
    "km",
    "qualifier",
    "quote",
    "start",
    "end",
    "as_of_start",
    "as_of_end",
    "as_of_text",
    "place",
    "window",
    "role",
    "shape",
    "construction",
    "radius_km",
    "geometry_km2",
    "derivation",
    "flags",
    "status",
    "reason",
    "holder",
    "anchor_status",
)
MENTION_FIELDS = (
    "source",
    "start",
    "end",
    "text",
    "sentence",
    "type",
    "id",
    "name",
    "kind",
    "lat",
    "lon",
    "confidence",
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
    columns = [
        [plain(value) for value in frame[name].tolist()] if name in frame.columns else [None] * size for name in fields
    ]
    records = [dict(zip(fields, values)) for values in zip(*columns)]
    if geometry:
        shapes = list(frame.geometry.values) if hasattr(frame, "geometry") else [None] * size
        for record, shape in zip(records, shapes):
            record["geometry"] = None if shape is None or getattr(shape, "is_empty", True) else shape
    return records


def flag_list(flags: Any) -> list[dict[str, Any]]:
    """A claim's flags as a list of dicts, from a list, one dict, JSON text or nothing."""
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
    if not isinstance(flags, Sequence):
        return [{"code": "note", "message": str(flags)}]
    return [
        dict(flag) if isinstance(flag, Mapping) else {"code": "note", "message": str(flag)}
        for flag in flags
        if flag is not None
    ]


def parse_flags(flags: Any) -> list[dict[str, str]]:
    """Checks attached to a claim as ``[{"code": ..., "message": ...}]`` (read as :func:`flag_list` reads them)."""
    return [
        {"code": str(plain(flag.get("code")) or "flag"), "message": str(plain(flag.get("message")) or "")}
        for flag in flag_list(flags)
    ]


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
        record
        for record in records
        if (record["type"] or "place") == "place" and record["lat"] is not None and record["lon"] is not None
    ]


def place_status_records(place_status) -> list[dict[str, Any]]:
    """The place statuses (:data:`geomap.schema.PLACE_STATUS`) that have coordinates, in table order."""
    from geomap.schema import PLACE_STATUS

    records = frame_records(place_status, PLACE_STATUS.names)
    return [record for record in records if record["lat"] is not None and record["lon"] is not None]


def source_records(sources: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Sources as dicts with every field; ``id`` is required."""
    records = []
    for position, source in enumerate(sources or []):
        record = {name: plain(source.get(name)) for name in SOURCE_FIELDS}
        if record["id"] is None:
            raise ValueError(f"source #{position} has no 'id'")
        record["id"] = str(record["id"])
        record["published_estimated"] = bool(record["published_estimated"])
        records.append(record)
    return records
