"""The display model that the map, the figures, the exports and the API share.

What a reader sees of a run, computed the same way wherever it is shown:

- date windows: the periods a map switches between (:class:`DateWindow`, :func:`date_windows`);
- source colours and names (:func:`source_colors`, :func:`source_names`), so that one source has one
  colour on the HTML map, in the figures and in :func:`geomap.api.folium_layers`;
- labels: numbers, areas, shares and claimed quantities as a reader expects them;
- display records: the stage tables read into plain dicts with every expected field
  (:func:`claim_records`, :func:`mention_records`, :func:`place_status_records`, :func:`source_records`);
- theatres: the separate wars of a corpus, each with its own extent, windows and chart (:func:`theatres`).

Each claim geometry carries a ``window`` label (``"2024-08"``, ``"undated"``...) and the
dates its claim is valid for (``as_of_start``/``as_of_end``). A window's range is the
span of its claims' dates, or, failing those, the period its label names. Windows are
shown in date order, undated ones last, and named by the span they cover (:func:`span_name`):
the label stays the key that joins claims to their window, but a window labelled
``"2022-09"`` whose claims span all of 2022 reads ``"2022"``.
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy

from geomap.dates import period, table_date
from geomap.formats import plain

UNDATED = "undated"

# Date windows that get a static claims map by default (with the area chart); `--figures all` draws every one.
FIGURE_WINDOWS = 12

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

# Above this many sources with claims, sources are coloured (and the legend grouped) by outlet.
OUTLET_COLOURS_ABOVE = 12
NO_OUTLET = "outlet not given"

# Units that are themselves the quantity ("one third"), printed without the number.
_SPELLED_FRACTION = re.compile(r"^(?:one|two|three|a|an|half|quarter|third|thirds)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateWindow:
    """A named date window and the dates it covers (``None`` when undated)."""

    label: str
    start: date | None
    end: date | None
    name: str = ""  # what a reader sees (the span covered); set by date_windows, else the label

    @property
    def shown(self) -> str:
        """The window's name for display: :attr:`name`, else the label."""
        return self.name or self.label

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


@functools.lru_cache(maxsize=65536)
def _day_of_text(text: str) -> date | None:
    return table_date(text)


def cell_day(value: Any) -> date | None:
    """:func:`~geomap.dates.table_date` of a table cell; a date written as text is read once however often it is
    given (a large corpus's claims and statuses name the same few hundred days hundreds of thousands of times)."""
    return _day_of_text(value) if type(value) is str else table_date(value)


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
        first = cell_day(claim.get("as_of_start"))
        last = cell_day(claim.get("as_of_end"))
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
    return _named(sorted(windows, key=_window_order))


def span_name(start: date | None, end: date | None) -> str:
    """A short name for the dates ``start`` to ``end``, no narrower and no wider than they are.

    One day: ``2024-08-06``; within one month: ``2024-08``; whole calendar years:
    ``2022`` or ``2022 – 2024``; otherwise the months at both ends: ``2023-10 – 2025-12``.
    Undated: ``undated``.
    """
    if start is None or end is None:
        return UNDATED
    if start == end:
        return start.isoformat()
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.year:04d}-{start.month:02d}"
    if (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31):
        return f"{start.year:04d}" if start.year == end.year else f"{start.year:04d} – {end.year:04d}"
    return f"{start.year:04d}-{start.month:02d} – {end.year:04d}-{end.month:02d}"


def _named(windows: list[DateWindow]) -> list[DateWindow]:
    """``windows`` named by their spans; windows whose spans read the same add their label, so no two names match."""
    names = [span_name(window.start, window.end) if window.dated else window.label for window in windows]
    repeated = {name for name in names if names.count(name) > 1}
    return [
        DateWindow(
            window.label,
            window.start,
            window.end,
            f"{name} (as of {window.label})" if name in repeated and name != window.label else name,
        )
        for window, name in zip(windows, names)
    ]


def busiest_windows(claims: Iterable[Mapping[str, Any]], limit: int | None) -> list[str]:
    """Labels of the windows with the most mapped claims, busiest first (ties: date order); all with ``None``.

    The static figures of a large corpus are drawn for these only: a year of daily
    windows would otherwise write hundreds of maps nobody pages through.
    """
    claims = list(claims)
    counts: dict[str, int] = {}
    for claim in claims:
        if claim.get("status") == "mapped" and claim.get("geometry") is not None:
            label = claim.get("window") or UNDATED
            counts[label] = counts.get(label, 0) + 1
    labels = [window.label for window in date_windows(claims) if counts.get(window.label)]
    by_load = sorted(labels, key=lambda label: -counts[label])  # stable: date order among equals
    return by_load if limit is None else by_load[:limit]


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
    """A fixed colour per source that has claims.

    Up to :data:`OUTLET_COLOURS_ABOVE` such sources, each has its own colour from the
    palette (sources' order first, then unknown ids sorted). Above, ten colours would
    repeat at random across hundreds of articles: every source then takes its outlet's
    colour (:func:`outlet_color`), the same in every build and corpus, and the legend
    lists outlets instead of sources.
    """
    with_claims = {claim["source"] for claim in claims}
    ordered = [source["id"] for source in sources if source["id"] in with_claims]
    ordered += sorted(with_claims - set(ordered))
    if len(ordered) > OUTLET_COLOURS_ABOVE:
        outlets = source_outlets(sources, claims)
        return {source_id: outlet_color(outlets[source_id]) for source_id in ordered}
    return {source_id: SOURCE_PALETTE[index % len(SOURCE_PALETTE)] for index, source_id in enumerate(ordered)}


def source_outlets(sources: Sequence[Mapping[str, Any]], claims: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each source's outlet (``"outlet not given"`` when its record has none)."""
    outlets = {
        str(source["id"]): str(source.get("outlet") or "").strip()
        for source in sources
        if source.get("outlet") not in (None, "", "unknown")
    }
    for claim in claims:
        outlet = str(claim.get("outlet") or "").strip()
        if outlet and outlet != "unknown":
            outlets.setdefault(str(claim["source"]), outlet)
    everyone = [str(source["id"]) for source in sources] + [str(claim["source"]) for claim in claims]
    return {source_id: outlets.get(source_id) or NO_OUTLET for source_id in everyone}


def outlet_color(outlet: str) -> str:
    """A colour for ``outlet`` that depends on its name only: stable whatever else the corpus holds.

    The hue comes from a digest of the name (not Python's salted ``hash``); saturation
    and lightness are fixed so that every outlet reads on the light basemap.
    """
    digest = hashlib.sha256(" ".join(outlet.casefold().split()).encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    red, green, blue = colorsys.hls_to_rgb(hue, 0.42, 0.7)
    return f"#{round(red * 255):02X}{round(green * 255):02X}{round(blue * 255):02X}"


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


def frame_records(
    frame, fields: Sequence[str], geometry: bool = False, as_stored: Collection[str] = ()
) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts with exactly ``fields`` (+ ``geometry``), in row order.

    Each cell is :func:`~geomap.formats.plain`, but for the fields in ``as_stored``, taken as the table holds them
    (for a caller that reads only part of a large nested value).
    """
    if frame is None or len(frame) == 0:
        return []
    # Column by column (not iterrows, which builds a Series per row): a 10,000-article
    # corpus has half a million mentions.
    size = len(frame)
    columns = [
        (frame[name].tolist() if name in as_stored else _plain_column(frame[name]))
        if name in frame.columns
        else [None] * size
        for name in fields
    ]
    records = [dict(zip(fields, values)) for values in zip(*columns)]
    if geometry:
        shapes = list(frame.geometry.values) if hasattr(frame, "geometry") else [None] * size
        for record, shape in zip(records, shapes):
            record["geometry"] = None if shape is None or getattr(shape, "is_empty", True) else shape
    return records


_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def _plain_column(column) -> list[Any]:
    """:func:`~geomap.formats.plain` of each cell of a column, without a call per cell where the type tells.

    Numpy's integer and boolean columns are plain once listed; a float column needs only NaN and infinities made
    None; in other columns the cells that are plain already (most) are kept as they are.
    """
    values = column.tolist()
    dtype = column.dtype
    if isinstance(dtype, numpy.dtype) and dtype.kind in "iub":
        return values
    if isinstance(dtype, numpy.dtype) and dtype.kind == "f":
        return [value if value - value == 0 else None for value in values]  # NaN - NaN and inf - inf are NaN
    return [value if type(value) in _PLAIN_TYPES else plain(value) for value in values]


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
    records = frame_records(in_wgs84(claim_geoms), CLAIM_FIELDS, geometry=True, as_stored=("flags",))
    for index, record in enumerate(records):
        flags = record["flags"]
        # A claim's flags carry their evidence (statuses, quotes, other claims' ids): only code and message are
        # read, so a list of dicts is not made plain first, all the way down.
        plain_already = type(flags) is list and all(type(flag) is dict for flag in flags)
        record["flags"] = parse_flags(flags if plain_already else plain(flags))
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
    if mentions is not None and len(mentions) and {"type", "lat", "lon"} <= set(mentions.columns):
        # Chosen in the table, before rows become dicts: a 10,000-article corpus has half a million mentions.
        kinds = mentions["type"]
        mentions = mentions[
            (kinds.isna() | kinds.isin(("place", ""))) & mentions["lat"].notna() & mentions["lon"].notna()
        ]
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


# -- theatres ---------------------------------------------------------------------------------------
# Natural Earth's neighbouring admin-1 polygons do not always meet exactly (and the basemap simplifies
# them): outlines this close (degrees) count as touching. It only closes slivers, it measures nothing.
TOUCH_TOLERANCE_DEG = 0.05
MAX_THEATRE_NAMES = 3


@dataclass(frozen=True)
class Theatre:
    """One war of a corpus: the claims (ids) drawn in one group of regions, named by its countries."""

    key: str  # "theatre-1", ... (busiest first): the key windows and page sections use
    name: str  # "Ukraine, Russia": its countries, most claims first
    claim_ids: tuple[str, ...]


UNPLACED_THEATRE = "claims not placed on the map"


def theatres(
    claims: Sequence[Mapping[str, Any]],
    regions: Sequence[Mapping[str, Any]],
    country_names: Mapping[str, str] | None = None,
    mentions: Sequence[Mapping[str, Any]] = (),
) -> list[Theatre]:
    """Group ``claims`` into theatres by the admin-1 regions their shapes fall in.

    A corpus about several wars (Ukraine, Gaza, Sudan, Myanmar...) would otherwise
    open on one view from Kyiv to Yangon, with one chart and one set of windows.
    Each mapped claim belongs to the region holding its shape's representative
    point (else the nearest region). Two regions with claims are in one theatre when

    - they touch, or both touch a third region (of any country, with claims or not):
      Kursk's claims join Kharkiv's through Belgorod, across the border, while
      Karabakh's never join Ukraine's, however many countries lie between them; or
    - one article has claims in both and they are in one country or in countries that
      border each other: an article on Kyiv and Donetsk, or on Kursk and Donetsk, is
      about one war; one that names Ukraine and Gaza is not.

    Being in one country is not enough by itself: claims spread over Russia or Turkey
    would otherwise chain every war on their borders into one.

    Theatres are the connected groups of regions under those links: a rule about
    geography, not about names, so it holds for wars no one listed. A claim without
    a shape joins the theatre holding most of its source's claims, else the one where
    most of the places its source names (``mentions``: ``source, lat, lon``) lie, else
    a last theatre of claims not placed on the map.
    ``regions`` are rows with ``country`` and ``geometry`` (the basemap's admin-1
    regions, covering the claims); without regions every claim is in one theatre.
    Theatres come busiest first (most claims), named by their countries (names from
    ``country_names``, by code) with the most claims first.
    """
    import shapely

    claim_ids = list(dict.fromkeys(str(claim["claim_id"]) for claim in claims))
    shapes = [row["geometry"] for row in regions if row.get("geometry") is not None]
    countries = [str(row.get("country") or "") for row in regions if row.get("geometry") is not None]
    placed: dict[str, int] = {}
    if shapes:
        tree = shapely.STRtree(shapes)
        first_shapes: dict[str, Any] = {}  # each claim's first shape
        for claim in claims:
            geometry = claim.get("geometry")
            if geometry is not None and not geometry.is_empty:
                first_shapes.setdefault(str(claim["claim_id"]), geometry)
        placed = dict(zip(first_shapes, regions_holding(list(first_shapes.values()), tree)))
    if not placed:
        return [Theatre("theatre-1", _theatre_name(claims, {}, [], country_names), tuple(claim_ids))]
    used = sorted(set(placed.values()))
    touching = {
        index: set(tree.query(shapes[index], predicate="dwithin", distance=TOUCH_TOLERANCE_DEG).tolist())
        for index in used
    }
    parent = {index: index for index in used}

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    # Countries that border each other (one of their regions touches one of the other's).
    bordering: dict[str, set[str]] = {}
    for country in {countries[index] for index in used}:
        near = tree.query(
            [shape for shape, own in zip(shapes, countries) if own == country],
            predicate="dwithin",
            distance=TOUCH_TOLERANCE_DEG,
        )[1]
        bordering[country] = {countries[int(index)] for index in near}
    sources_of: dict[int, set[str]] = {}
    for claim in claims:
        index = placed.get(str(claim["claim_id"]))
        if index is not None:
            sources_of.setdefault(index, set()).add(str(claim.get("source")))
    for position, first in enumerate(used):
        for second in used[position + 1 :]:
            near = second in touching[first] or not touching[first].isdisjoint(touching[second])
            # A country's own regions are among those it "borders" (they lie within the tolerance of themselves).
            one_article = not sources_of[first].isdisjoint(sources_of[second]) and (
                countries[second] in bordering[countries[first]]
            )
            if near or one_article:
                parent[root(second)] = root(first)
    group_of = {claim_id: root(index) for claim_id, index in placed.items()}
    by_source: dict[str, dict[int, int]] = {}
    for claim in claims:
        group = group_of.get(str(claim["claim_id"]))
        if group is not None:
            counts = by_source.setdefault(str(claim.get("source")), {})
            counts[group] = counts.get(group, 0) + 1
    members: dict[int, list[str]] = {}
    for claim_id in claim_ids:
        if claim_id in group_of:
            members.setdefault(group_of[claim_id], []).append(claim_id)
    group_of_region = {index: root(index) for index in used}
    by_places: dict[str, dict[int, int]] = {}
    unknown_sources = {str(claim.get("source")) for claim in claims} - set(by_source)
    for mention in mentions:
        source = str(mention.get("source"))
        if source not in unknown_sources or mention.get("lat") is None or mention.get("lon") is None:
            continue
        hits = tree.query(shapely.Point(mention["lon"], mention["lat"]), predicate="intersects")
        groups = [group_of_region[int(hit)] for hit in hits if int(hit) in group_of_region]
        if groups:
            counts = by_places.setdefault(source, {})
            counts[min(groups)] = counts.get(min(groups), 0) + 1
    unplaced: list[str] = []
    for claim in claims:
        claim_id = str(claim["claim_id"])
        if claim_id not in group_of:
            source = str(claim.get("source"))
            counts = by_source.get(source) or by_places.get(source) or {}
            if not counts:
                unplaced.append(claim_id)
                continue
            group = max(counts, key=lambda g: (counts[g], -g))
            group_of[claim_id] = group
            members[group].append(claim_id)
    ordered = sorted(members, key=lambda group: (-len(members[group]), group))
    claims_of: dict[int, list[Mapping[str, Any]]] = {}  # each group's claims, gathered in one pass
    for claim in claims:
        group = group_of.get(str(claim["claim_id"]))
        if group is not None:
            claims_of.setdefault(group, []).append(claim)
    made = [
        Theatre(
            f"theatre-{number}",
            _theatre_name(claims_of[group], placed, countries, country_names),
            tuple(dict.fromkeys(members[group])),
        )
        for number, group in enumerate(ordered, start=1)
    ]
    if unplaced:
        made.append(Theatre(f"theatre-{len(made) + 1}", UNPLACED_THEATRE, tuple(dict.fromkeys(unplaced))))
    return made


def regions_holding(shapes: Sequence[Any], tree, points: Sequence[Any] | None = None) -> list[int]:
    """For each shape (not empty), the region of ``tree`` holding its representative point, else the nearest one.

    Of several regions holding the point, the first in the tree's order. The points are looked up in one call,
    and the nearest region is looked for once per distinct point (claims drawn around one anchor share it).
    ``points`` are the shapes' representative points when the caller has them already.
    """
    import shapely

    if not len(shapes):
        return []
    if points is None:
        points = shapely.point_on_surface(numpy.asarray(shapes, dtype=object))
    # Claims drawn around one anchor share a point: each distinct point is looked up once.
    xy = shapely.get_coordinates(numpy.asarray(points, dtype=object))
    if len(xy) != len(shapes):
        raise ValueError("regions_holding: an empty shape has no point to look up")
    distinct, inverse = numpy.unique(xy, axis=0, return_inverse=True)
    distinct_points = shapely.points(distinct)
    inputs, found = tree.query(distinct_points, predicate="intersects")
    none = len(tree.geometries)
    held = numpy.full(len(distinct_points), none, dtype=numpy.int64)
    numpy.minimum.at(held, inputs, found)
    return _with_nearest(held, distinct_points, tree, held == none)[inverse.reshape(-1)].tolist()


def nearest_each(points: Sequence[Any], tree) -> list[int]:
    """For each point, the index of the geometry of ``tree`` nearest it, looked for once per distinct point."""
    found = numpy.zeros(len(points), dtype=numpy.int64)
    return _with_nearest(found, numpy.asarray(points, dtype=object), tree, numpy.ones(len(points), bool)).tolist()


def _with_nearest(indices, points, tree, wanted):
    """``indices`` with the ``wanted`` ones replaced by the nearest geometry of ``tree`` to their point."""
    import shapely

    if wanted.any():
        # A point given again gets the answer of its first time (GEOS's nearest is the costly part).
        xy = shapely.get_coordinates(points[wanted])
        distinct, inverse = numpy.unique(xy, axis=0, return_inverse=True)
        nearest = numpy.asarray(tree.nearest(shapely.points(distinct)), dtype=numpy.int64)
        indices[wanted] = nearest[inverse.reshape(-1)]
    return indices


def _theatre_name(
    claims: Sequence[Mapping[str, Any]],
    placed: Mapping[str, int],
    countries: Sequence[str],
    country_names: Mapping[str, str] | None,
) -> str:
    """The countries of a theatre's claims, most claims first: ``"Ukraine, Russia"`` (``"all claims"`` if none)."""
    counts: dict[str, int] = {}
    for claim in claims:
        index = placed.get(str(claim["claim_id"]))
        if index is not None and countries[index]:
            counts[countries[index]] = counts.get(countries[index], 0) + 1
    codes = sorted(counts, key=lambda code: (-counts[code], code))
    names = [(country_names or {}).get(code) or code for code in codes]
    if not names:
        return "all claims"
    shown = ", ".join(names[:MAX_THEATRE_NAMES])
    return shown + (f" and {len(names) - MAX_THEATRE_NAMES} more" if len(names) > MAX_THEATRE_NAMES else "")
