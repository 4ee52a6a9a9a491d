"""Claims -> one geometry row per claim, with checks.

Which geometry a claim gets depends on its kind:

========================================  =========  ==================================================
kind                                      role       geometry (``shape``)
========================================  =========  ==================================================
area_held, area_seized, area_retaken      buffer     area-true disc around the anchor, clipped to host
                                                     (disc); held across a border: see below
share_held, share_retaken                 buffer     the same, for share x base (see bases.py)
relative_area                             buffer     the same, for multiple x the reference region
an area of a buffer zone                  buffer     area-true band along the border or perimeter it
                                                     names, its depth solved (buffer-zone band)
depth (+ front_width, same sentence)      band       strip of the host along the nearest border (band)
front_width without a depth               line       that length of the border nearest the anchor (line)
distance to a second place                line       geodesic between the two places (line)
distance otherwise                        ring       circle of that radius around the anchor (ring)
region_share, region_area                 region     the region's polygon (region)
count                                     -          unmapped
========================================  =========  ==================================================

An area held by a country other than the one its anchor lies in (its holder,
see :mod:`geomap.claims.holders`) spreads from the border between them
(:mod:`geomap.geometry.incursion`): a disc centred on the border point nearest
the anchor (border disc), or, once the anchor is reported lost, a strip
along that border that leaves it out (border strip). Every polygon is clipped
to its host cut along the accurate (OpenStreetMap-derived) border lines, and
every drawn row says in one sentence how it was made (``construction``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import operator
import re
import statistics
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy
import shapely

from geomap.article_cache import arrow_available
from geomap.claims.holders import Occupation, holders
from geomap.gazetteer.folding import fold
from geomap.geometry import checks
from geomap.geometry.bases import AreaClaim, Base, ShareBases, derive_share_area, natural_claim_key, window_of
from geomap.geometry.borders import (ACCURATE_SOURCE, border_band, border_segment, choose_neighbour,
                                     nearest_border_point, shared_border)
from geomap.geometry.buffers import disc, solve_local_radius
from geomap.geometry.constructions import inner_edge_line, solve_band_depth
from geomap.geometry.incursion import map_incursion
from geomap.geometry.projection import GEOD, geodesic_distance_km
from geomap.geometry.shape_cache import Answers, RowBlocks, ShapeCache, StatusReads, entry_bytes, entry_values
from geomap.geometry.units import format_area, format_km2, format_number, format_share, stable, to_km, to_km2
from geomap.geometry.workspace import Anchor, Workspace
from geomap.records import AREA_KINDS, SHARE_KINDS, Claim
from geomap.schema import CLAIM_GEOMETRIES, LIST

log = logging.getLogger("geomap")

BORDER_WORDS = ("border", "frontier")
BUFFER_ZONE = re.compile(r"\b(?:buffer|security|sanitary|exclusion|no-go|demilitari[sz]ed)\s+(?:zone|strip|belt)s?\b",
                         re.IGNORECASE)
PERIMETER = re.compile(r"\b(?:perimeter|periphery|fence|all\s+(?:its\s+)?(?:borders|sides))\b", re.IGNORECASE)
REGION_PLACE_KINDS = ("country", "admin1", "named_region")
BUFFER_KINDS = AREA_KINDS + SHARE_KINDS + ("relative_area", "depth", "front_width")
BORDER_WINDOW_KM = 600.0  # crop for countries used as band hosts
BORDER_LINE_TOLERANCE_KM = 1.0  # absolute slack of a distance check against the accurate (~30 m) border line
LINE_POINTS = 64  # vertices of a geodesic line between two places
# The claim geometries' columns by name (each a list, in claim order), with the shapes as "geometry".
Columns = dict[str, list[Any]]
# A drawn row's values in column order, then its shape.
ROW_VALUES = operator.itemgetter(*CLAIM_GEOMETRIES.names, "geometry")
DERIVATION = CLAIM_GEOMETRIES.names.index("derivation")  # its position among a row's values


@dataclass(frozen=True)
class _Prepared:
    claim: Claim
    window: str
    anchor: Anchor | None
    region: str | None  # the region the claim is about (for matching shares with their base)
    borrowed_from: str | None = None  # claim whose point anchor this region-level claim uses
    no_anchor_reason: str = "no anchor place"
    holder: str | None = None  # who holds the area drawn (geomap.claims.holders)


def place_kind(workspace: Workspace, claim: Claim) -> str | None:
    return workspace.region_kind(claim.place_id) or claim.place_kind


def prepare_all(workspace: Workspace, claims: list[Claim]) -> list[_Prepared]:
    """Anchors, regions and windows of all claims (each may depend on the others)."""
    anchors = [workspace.anchor(claim) for claim in claims]
    windows = assign_windows(claims)
    kinds = [place_kind(workspace, claim) for claim in claims]
    points = PointAnchors(workspace, [(claim, anchor) for claim, anchor, kind in zip(claims, anchors, kinds)
                                      if anchor is not None and kind not in REGION_PLACE_KINDS])
    held_by = holders(claims)
    items = []
    for claim, anchor, kind, window in zip(claims, anchors, kinds, windows):
        borrowed, reason = None, "no anchor place"
        if claim.kind in BUFFER_KINDS and kind in REGION_PLACE_KINDS:
            found = points.borrow(claim, kind)
            if found is not None:
                borrowed, anchor = found[0].claim_id, found[1]
            elif kind == "country":  # a country's centre says nothing about where the area lies
                anchor = None
                reason = f"no anchor place ({claim.place or claim.place_id} is a whole country)"
        region = None
        if kind in ("admin1", "named_region"):
            region = claim.place_id
        elif anchor is not None:
            region = anchor.admin1 or anchor.country
        items.append(_Prepared(claim, window, anchor, region, borrowed, reason, held_by.get(claim.claim_id)))
    return items


class PointAnchors:
    """The point anchors (towns) the claims name, for region-level claims to borrow.

    A region's representative point is not where a salient lies: "50 square
    miles in Kursk" belongs around the town the other claims centre on. The
    most often named point inside the region wins (ties: the first claim), so
    all sources' buffers share a centre and compare on the map; for a whole
    country only the same source's points count.

    The answer depends only on the region (and for a country the source), so
    it is worked out once per region from the points grouped by admin-1
    region and by (source, country), not by scanning every point per claim.
    """

    def __init__(self, workspace: Workspace, points: list[tuple[Claim, Anchor]]):
        self.workspace = workspace
        self.points = points  # in claim order, which breaks ties
        self.by_admin1: dict[str | None, list[tuple[Claim, Anchor]]] = {}
        self.by_source_country: dict[tuple[str, str | None], list[tuple[Claim, Anchor]]] = {}
        for point in points:
            self.by_admin1.setdefault(point[1].admin1, []).append(point)
            self.by_source_country.setdefault((point[0].source, point[1].country), []).append(point)
        self._found: dict[tuple, tuple[Claim, Anchor] | None] = {}

    def borrow(self, claim: Claim, kind: str) -> tuple[Claim, Anchor] | None:
        """(the claim whose anchor is borrowed, that anchor) for a claim about a region of ``kind``, or None."""
        key = (kind, claim.place_id, claim.source if kind == "country" else None)
        if key not in self._found:
            self._found[key] = most_named(self.candidates(claim, kind))
        return self._found[key]

    def candidates(self, claim: Claim, kind: str) -> list[tuple[Claim, Anchor]]:
        region = self.workspace.polygon(claim.place_id)
        if region is None:
            return []
        if kind == "admin1":
            return self.by_admin1.get(claim.place_id, [])
        if kind == "country":
            return self.by_source_country.get((claim.source, claim.place_id), [])
        return [(other, anchor) for other, anchor in self.points
                if region.intersects(shapely.Point(anchor.lon, anchor.lat))]


def most_named(candidates: list[tuple[Claim, Anchor]]) -> tuple[Claim, Anchor] | None:
    """The candidate whose point is named most often (ties: the first)."""
    if not candidates:
        return None
    counts: dict[tuple[float, float], int] = {}
    for _, anchor in candidates:
        counts[(anchor.lon, anchor.lat)] = counts.get((anchor.lon, anchor.lat), 0) + 1
    best = max(counts.values())
    return next(c for c in candidates if counts[(c[1].lon, c[1].lat)] == best)


def assign_windows(claims: list[Claim]) -> list[str]:
    """Each claim's date window.

    The window is the month of ``as_of_start`` ("YYYY-MM", or "undated"). A
    claim dated by a longer period ("last year": 2024-01-01..2024-12-31) joins
    the busiest single-month window of the other claims inside its period
    (ties: the earliest), so "1,368 km² last year" is compared with the
    August 2024 claims rather than sitting alone in January.
    """
    def single_month(claim: Claim) -> bool:
        start, end = claim.as_of_start, claim.as_of_end
        return start is not None and (end is None or (end.year, end.month) == (start.year, start.month))

    months: dict[Any, str] = {}  # by day: a corpus' claims are dated by a few hundred days

    def month_of(claim: Claim) -> str:
        if claim.as_of_start not in months:
            months[claim.as_of_start] = window_of(claim)
        return months[claim.as_of_start]

    monthly: dict[str, int] = {}
    for claim in claims:
        if single_month(claim):
            monthly[month_of(claim)] = monthly.get(month_of(claim), 0) + 1
    windows = []
    for claim in claims:
        window = month_of(claim)
        if claim.as_of_start is not None and not single_month(claim):
            first, last = claim.as_of_start.strftime("%Y-%m"), claim.as_of_end.strftime("%Y-%m")
            inside = sorted((-n, w) for w, n in monthly.items() if first <= w <= last)
            if inside:
                window = inside[0][1]
        windows.append(window)
    return windows


def base_row(item: _Prepared) -> dict[str, Any]:
    claim = item.claim
    row: dict[str, Any] = {column: None for column in CLAIM_GEOMETRIES.names}
    for column in ("claim_id", "source", "outlet", "kind", "value", "low", "high", "unit", "km2", "share", "km",
                   "qualifier", "quote", "start", "end", "quote_start", "quote_end", "as_of_text", "place",
                   "place_id", "actor", "subject", "region_id"):
        row[column] = getattr(claim, column)
    row["as_of_start"] = claim.as_of_start.isoformat() if claim.as_of_start else None
    row["as_of_end"] = claim.as_of_end.isoformat() if claim.as_of_end else None
    row["window"] = item.window
    row["holder"] = item.holder
    row["flags"] = [dict(f) for f in claim.flags]
    row["status"] = "unmapped"
    row["geometry"] = None
    if item.anchor is not None:
        row["anchor_lon"], row["anchor_lat"] = item.anchor.lon, item.anchor.lat
    if item.borrowed_from is not None:
        row["flags"].append(checks.flag(
            "anchor_borrowed", "info",
            f"{claim.place or claim.place_id} is a region: centred on {item.anchor.name} as in {item.borrowed_from}",
            anchor=item.anchor.place_id, anchor_claim=item.borrowed_from))
    return row


def unmapped(row: dict[str, Any], reason: str) -> None:
    row["status"], row["reason"], row["geometry"] = "unmapped", reason, None


# -- areas --------------------------------------------------------------------------------------------------
def map_area(workspace: Workspace, row: dict[str, Any], item: _Prepared, km2: float) -> None:
    """The area-true shape of a claimed area: a buffer-zone band, an incursion's shape, or a disc on the anchor."""
    anchor = item.anchor
    if anchor is None:
        return unmapped(row, item.no_anchor_reason)
    if not km2 > 0:
        return unmapped(row, "claimed area is not positive")
    if buffer_zone(item.claim) and map_buffer_zone(workspace, row, item, km2):
        return
    if Occupation(item.holder, anchor.country).across_border \
            and map_incursion(workspace, row, item.claim, anchor, item.holder, km2):
        return
    map_disc(workspace, row, item, km2)


def map_disc(workspace: Workspace, row: dict[str, Any], item: _Prepared, km2: float) -> None:
    """An area-true disc around the anchor, clipped to the host region (cut along the accurate borders)."""
    anchor = item.anchor
    projection = workspace.projection(anchor.lon, anchor.lat)
    host = workspace.host(anchor, projection, item.claim)
    if host is not None:
        row["host"], row["host_km2"] = host.code, stable(host.km2)
        row["flags"].append(checks.host_share_flag(km2, host.name, host.code, host.km2))
        if km2 > host.km2:
            return unmapped(row, f"claimed {format_number(km2)} km² exceeds host {format_number(host.km2)} km²")
    else:
        row["flags"].append(checks.flag("no_host", "warning",
                                        "no region polygon contains the anchor; the buffer is not clipped"))
    centre = projection.point_to_local(anchor.lon, anchor.lat)
    solved = solve_local_radius(centre, km2 * 1e6, host.local if host is not None else None)
    clipped = f", clipped to {host.name}" if host is not None else " (no host region to clip it to)"
    row.update(role="buffer", shape="disc", radius_km=stable(solved.radius_m / 1000.0),
               geometry_km2=stable(solved.area_m2 / 1e6), status="mapped",
               geometry=projection.to_lonlat(solved.geometry),
               construction=f"disc of {format_area(solved.area_m2 / 1e6)} centred on {anchor.name or 'the anchor'}"
                            f"{clipped}")


def buffer_zone(claim: Claim) -> bool:
    """Whether the claim's sentence speaks of a buffer (security, exclusion...) zone."""
    return bool(BUFFER_ZONE.search(claim.quote or "") or BUFFER_ZONE.search(claim.subject or ""))


def zone_lines(workspace: Workspace, projection, host, claim: Claim, country: str) -> tuple[Any, str]:
    """The line a buffer zone runs along, and its name: the host's whole land boundary for a perimeter,
    else its border with the neighbour the claim names (or the nearest one)."""
    window = None if workspace.region_kind(host.code) in ("admin1", "named_region") else BORDER_WINDOW_KM
    if PERIMETER.search(claim.quote or ""):
        neighbours = workspace.border_lines.neighbours(country)
        found = [(code, shared_border(workspace, projection, host.code, code, window)) for code in neighbours]
        found = [(code, line) for code, line in found if not line.is_empty]
        if found:
            return shapely.union_all([line for _, line in found]), f"the perimeter of {host.name}"
    neighbour = choose_neighbour(workspace, projection, country, [claim.region_id, claim.actor])
    if neighbour is None:
        return shapely.MultiLineString(), ""
    return (shared_border(workspace, projection, host.code, neighbour, window),
            f"the {host.name}–{workspace.region_name(neighbour)} border")


def map_buffer_zone(workspace: Workspace, row: dict[str, Any], item: _Prepared, km2: float) -> bool:
    """A buffer zone's area as a band along its line, its depth solved (False: no line found, fall back)."""
    anchor = item.anchor
    if anchor.country is None:
        return False
    projection = workspace.projection(anchor.lon, anchor.lat)
    host = workspace.host(anchor, projection, item.claim)
    if host is None:
        return False
    lines, named = zone_lines(workspace, projection, host, item.claim, anchor.country)
    if lines.is_empty:
        return False
    solved = solve_band_depth(lines, host.local, km2 * 1e6)
    row["host"], row["host_km2"] = host.code, stable(host.km2)
    if solved is None:
        unmapped(row, f"a band along {named} cannot hold {format_km2(km2)}")
        return True
    depth = solved.length_m / 1000.0
    row.update(role="buffer", shape="buffer-zone band", geometry_km2=stable(solved.area_m2 / 1e6), status="mapped",
               geometry=projection.to_lonlat(solved.geometry),
               construction=f"band of {format_area(solved.area_m2 / 1e6)}, {format_number(depth)} km deep along "
                            f"{named}, clipped to {host.name}")
    row["flags"].append(checks.flag(
        "buffer_zone", "info", f"a buffer zone: drawn along {named}, {format_number(depth)} km deep so that it "
        f"covers {format_km2(km2)}", depth_km=depth))
    return True


def claimed_km2(claim: Claim) -> float | None:
    return float(claim.km2) if claim.km2 is not None else to_km2(claim.value, claim.unit)


def claimed_km(claim: Claim) -> float | None:
    return float(claim.km) if claim.km is not None else to_km(claim.value, claim.unit)


def claimed_share(claim: Claim) -> float | None:
    if claim.share is not None:
        return float(claim.share)
    unit = (claim.unit or "").lower()
    if "%" in unit or "percent" in unit or "per cent" in unit:
        return float(claim.value) / 100.0
    return None


def reference_region(workspace: Workspace, code: str | None) -> str | None:
    """The polygon code a relative-area yardstick stands for.

    Regions stand for themselves; a city stands for its admin-1 region only
    when that region is the city itself (Kyiv -> UA-30 "Kyiv City", Moscow ->
    RU-MOS "Moscow City"), never for a whole oblast.
    """
    entry = workspace.entry(code)
    if entry is None:
        return code if code and workspace.polygon(code) is not None else None
    if entry.kind in REGION_PLACE_KINDS:
        return code
    admin1 = workspace.entry(entry.admin1)
    if admin1 is not None and fold(admin1.name) in (fold(entry.name), fold(entry.name) + " city"):
        return admin1.id
    return None


def map_relative(workspace: Workspace, row: dict[str, Any], item: _Prepared) -> None:
    """``value`` times a reference region's area, drawn around the anchor when there is one."""
    claim = item.claim
    code = reference_region(workspace, claim.region_id)
    area = workspace.area_km2(code) if code else None
    if area is None:
        return unmapped(row, f"no polygon for the reference {claim.region or claim.region_id or 'region'}")
    km2 = float(claim.value) * area
    name = workspace.region_name(code)
    row["km2"], row["base_km2"] = stable(km2), stable(area)
    row["derivation"] = f"{format_number(claim.value)} x {format_km2(area)} ({name}, {code}) = {format_km2(km2)}"
    if item.anchor is not None and claim.place_id in (code, claim.region_id):
        return unmapped(row, f"no anchor place ({name} is only the yardstick)")
    map_area(workspace, row, item, km2)


# -- regions ------------------------------------------------------------------------------------------------
def map_region(workspace: Workspace, row: dict[str, Any], item: _Prepared) -> None:
    """The region's own polygon, annotated with the claimed and the true value."""
    claim = item.claim
    code = claim.region_id or claim.place_id
    polygon = workspace.polygon(code)
    if polygon is None:
        return unmapped(row, "no polygon for the region")
    area = workspace.area_km2(code)
    name = workspace.region_name(code)
    row.update(role="region", shape="region", geometry=polygon, geometry_km2=stable(area), host=code,
               host_km2=stable(area), status="mapped",
               construction=f"the outline of {name} ({code}, {format_area(area)})")
    if claim.kind == "region_share":
        share = claimed_share(claim)
        if share is None:
            row["flags"].append(checks.flag("no_share", "warning", "the claim carries no share"))
            return
        km2 = share * area
        row["km2"], row["base_km2"] = stable(km2), stable(area)
        row["derivation"] = f"{format_share(share)} x {format_km2(area)} ({name}, {code}) = {format_km2(km2)}"
        row["flags"].append(checks.flag(
            "region_share", "info",
            f"claimed {share:.0%} of {name} = {format_km2(km2)}; the true share is not known to geomap",
            claimed_share=share, claimed_km2=km2, region_km2=area, region=code, true_share=None))
    else:
        km2 = claimed_km2(claim)
        if km2 is None:
            row["flags"].append(checks.flag("no_area", "warning", "the claim carries no area in km²"))
            return
        row["km2"] = stable(km2)
        row["flags"].append(checks.region_area_flag(km2, name, code, area))


# -- lines, rings and bands ---------------------------------------------------------------------------------
def mentions_border(claim: Claim) -> bool:
    """Whether the words right after the quantity (or the subject) speak of a border."""
    quote = claim.quote or ""
    position = claim.end - claim.quote_start
    near = quote[position:position + 60] if 0 <= position <= len(quote) else quote
    text = f"{near} {claim.subject or ''}".lower()
    return any(word in text for word in BORDER_WORDS)


def map_distance(workspace: Workspace, row: dict[str, Any], item: _Prepared) -> None:
    """A line to a second named place, or a ring of that radius (checked against the border when named)."""
    claim, anchor = item.claim, item.anchor
    km = claimed_km(claim)
    if km is None or not km > 0:
        return unmapped(row, "no distance in km")
    row["km"] = stable(km)
    if anchor is None:
        return unmapped(row, "no anchor place")
    second = workspace.entry(claim.region_id) if claim.region_id and claim.region_id != claim.place_id else None
    if second is not None and second.kind == "populated_place":
        points = [(anchor.lon, anchor.lat), *GEOD.npts(anchor.lon, anchor.lat, second.lon, second.lat,
                                                       LINE_POINTS - 2), (second.lon, second.lat)]
        measured = geodesic_distance_km(anchor.lon, anchor.lat, second.lon, second.lat)
        row.update(role="line", shape="line", geometry=shapely.LineString(points), status="mapped",
                   construction=f"geodesic line from {anchor.name or 'the anchor'} to {second.name} "
                                f"({format_number(measured)} km)")
        row["flags"].append(checks.distance_flag(km, measured, second.name, "geodesic between the two places"))
        return
    projection = workspace.projection(anchor.lon, anchor.lat)
    centre = projection.point_to_local(anchor.lon, anchor.lat)
    ring = shapely.LineString(disc(centre, km * 1000.0).exterior.coords)
    row.update(role="ring", shape="ring", radius_km=stable(km), geometry=projection.to_lonlat(ring), status="mapped",
               construction=f"circle of radius {format_number(km)} km around {anchor.name or 'the anchor'}")
    if anchor.country and ((second is not None and second.kind == "country") or mentions_border(claim)):
        neighbour = choose_neighbour(workspace, projection, anchor.country,
                                     [second.id if second is not None else None, claim.actor])
        point = nearest_border_point(workspace, projection, anchor.country, neighbour) if neighbour else None
        if point is None:
            row["flags"].append(checks.flag("distance_check", "info", "no land border found to measure against"))
            return
        target = f"the {workspace.region_name(point.country)}-{workspace.region_name(point.neighbour)} border"
        tolerance = BORDER_LINE_TOLERANCE_KM if point.source == ACCURATE_SOURCE else checks.DISTANCE_TOLERANCE_KM
        found = checks.distance_flag(km, point.distance_km, target,
                                     f"geodesic to the nearest point of the {point.source}", tolerance_km=tolerance)
        found.update(border_lon=stable(point.lon), border_lat=stable(point.lat))
        row["flags"].append(found)


def sentence_key(claim: Claim) -> tuple:
    """Claims with equal keys come from the same sentence of the same source."""
    return (claim.source, claim.quote_start, claim.quote_end, claim.quote)


def first_by_sentence(claims: list[Claim]) -> dict[tuple, Claim]:
    """The first claim of each kind in each sentence: {(kind, *sentence_key): claim}."""
    found: dict[tuple, Claim] = {}
    for claim in claims:
        found.setdefault((claim.kind, *sentence_key(claim)), claim)
    return found


def band_partner(claim: Claim, sentences: dict[tuple, Claim]) -> Claim | None:
    """The front width of a depth's sentence, or the depth of a front width's (``sentences``: :func:`first_by_sentence`
    of all claims): a depth and a front width in one sentence describe the same band."""
    partner_kind = "front_width" if claim.kind == "depth" else "depth"
    return sentences.get((partner_kind, *sentence_key(claim)))


def map_band(workspace: Workspace, row: dict[str, Any], item: _Prepared, partner: Claim | None) -> None:
    """A strip of the host along the border nearest the anchor (depth), limited to the front width if given
    (``partner``: :func:`band_partner`)."""
    claim, anchor = item.claim, item.anchor
    depth_claim = claim if claim.kind == "depth" else partner
    width_claim = claim if claim.kind == "front_width" else partner
    depth_km = claimed_km(depth_claim) if depth_claim is not None else None
    width_km = claimed_km(width_claim) if width_claim is not None else None
    row["km"] = stable(claimed_km(claim))
    if row["km"] is None or not row["km"] > 0:
        return unmapped(row, "no length in km")
    if anchor is None:
        return unmapped(row, "no anchor place")
    projection = workspace.projection(anchor.lon, anchor.lat)
    host = workspace.host(anchor, projection, claim)
    if host is None or anchor.country is None:
        return unmapped(row, "no region polygon contains the anchor")
    neighbour = choose_neighbour(workspace, projection, anchor.country, [claim.region_id, claim.actor])
    if neighbour is None:
        return unmapped(row, "no neighbouring country to draw a border band against")
    window = None if workspace.region_kind(host.code) in ("admin1", "named_region") else BORDER_WINDOW_KM
    perimeter = buffer_zone(claim) and PERIMETER.search(claim.quote or "") and width_km is None
    if perimeter:
        lines, _ = zone_lines(workspace, projection, host, claim, anchor.country)
    else:
        lines = shared_border(workspace, projection, host.code, neighbour, window)
    neighbour_name = workspace.region_name(neighbour)
    if lines.is_empty:
        return unmapped(row, f"{host.name} has no border with {neighbour_name}")
    centre = projection.point_to_local(anchor.lon, anchor.lat)
    segment = lines if perimeter else border_segment(lines, centre, width_km * 1000.0 if width_km else None)
    if perimeter:
        along = f"the perimeter of {host.name} ({format_number(segment.length / 1000.0)} km)"
    else:
        along = f"{format_number(segment.length / 1000.0)} km of the {host.name}–{neighbour_name} border " \
                f"nearest {anchor.name or 'the anchor'}"
    row["host"], row["host_km2"] = host.code, stable(host.km2)
    if depth_km is None:  # a front width alone: the stretch of border it spans
        row.update(role="line", shape="line", geometry=projection.to_lonlat(segment), status="mapped",
                   derivation=f"front of {format_number(width_km)} km: {along}", construction=along)
        return
    # the depth claim and its front-width partner, or sources repeating a claim, ask for the same band:
    # these inputs determine the segment and the host, so it is drawn once (the buffer is the slow part)
    # the band's inner edge is drawn from the line simplified (see inner_edge_line); its border edge is the host's
    band = workspace.bands.get((projection.key, host.code, neighbour, width_km, depth_km, bool(perimeter)),
                               lambda: border_band(inner_edge_line(segment, depth_km * 1000.0), depth_km * 1000.0,
                                                   host.local))
    if band.is_empty:
        return unmapped(row, "the border band is empty")
    source_note = ""
    if width_claim is not None and width_claim is not claim:
        source_note = f" (front width from {width_claim.claim_id})"
    elif depth_claim is not claim:
        source_note = f" (depth from {depth_claim.claim_id})"
    row.update(role="band", shape="band", geometry=projection.to_lonlat(band), geometry_km2=stable(band.area / 1e6),
               status="mapped",
               derivation=f"{format_number(depth_km)} km deep along {along}{source_note}",
               construction=f"band {format_number(depth_km)} km deep along {along}, clipped to {host.name}")


# -- the stage ----------------------------------------------------------------------------------------------
def area_claims(items: list[_Prepared]) -> list[AreaClaim]:
    found = []
    for item in items:
        if item.claim.kind in AREA_KINDS:
            km2 = claimed_km2(item.claim)
            if km2 is not None and km2 > 0:
                found.append(AreaClaim(item.claim.claim_id, item.claim.source, item.claim.kind, km2,
                                       item.window, item.region))
    return found


def map_share(workspace: Workspace, row: dict[str, Any], item: _Prepared, base: Base | None) -> None:
    """A share of a base area (``base``: :meth:`ShareBases.base` of the claim) drawn as that area."""
    share = claimed_share(item.claim)
    if share is None:
        return unmapped(row, "no share")
    row["share"] = share
    if base is None:
        return unmapped(row, "no base area: no source gives an area for this region")
    km2, derivation = derive_share_area(dataclasses.replace(item.claim, share=share), base)
    row.update(km2=stable(km2), base_km2=stable(base.km2), derivation=derivation)
    map_area(workspace, row, item, km2)


def add_coherence_flags(columns: Columns, drawable: list[int], regions: list[str | None]) -> None:
    """Share-derived areas against absolute held-area claims of the same window and region (``drawable``: the
    positions of the claims drawn, ``regions``: each claim's region)."""
    kinds, areas, windows, sources, derivations, ids, flags = (
        columns[name] for name in ("kind", "km2", "window", "source", "derivation", "claim_id", "flags"))
    absolutes: dict[str, list[int]] = {}  # by window, in claim order
    for index in drawable:
        if kinds[index] == "area_held" and areas[index] is not None and areas[index] > 0:
            absolutes.setdefault(windows[index], []).append(index)
    # The peers depend only on (window, region) and the choice among them on the source too: a large corpus has
    # thousands of shares in a window of hundreds of absolute claims, so each choice is made once.
    peers: dict[tuple[str, str | None], Peers] = {}
    chosen: dict[tuple[str, str | None, str], tuple[float, list[str], bool] | None] = {}
    for index in drawable:
        if kinds[index] not in SHARE_KINDS or areas[index] is None or derivations[index] is None:
            continue
        window, region, source = windows[index], regions[index], sources[index]
        if (window, region, source) not in chosen:
            if (window, region) not in peers:
                peers[(window, region)] = Peers(columns, absolutes.get(window, []), region, regions)
            chosen[(window, region, source)] = peers[(window, region)].compared(source)
        if chosen[(window, region, source)] is None:
            continue
        value, peer_ids, same_source = chosen[(window, region, source)]
        found = checks.coherence_flag(ids[index], areas[index], derivations[index], value, peer_ids,
                                      same_source=same_source)
        if found is not None:
            flags[index].append(found)


class Peers:
    """The absolute held-area claims of one window (positions in ``columns``) a share in ``region`` is compared
    with (those of the same region or of none; all of them when the share has no region), in claim order, and
    per source."""

    def __init__(self, columns: Columns, absolutes: list[int], region: str | None, regions: list[str | None]):
        self.areas, self.ids, sources = columns["km2"], columns["claim_id"], columns["source"]
        self.every = [a for a in absolutes if region is None or regions[a] in (None, region)]
        self.by_source: dict[str, list[int]] = {}
        for peer in self.every:
            self.by_source.setdefault(sources[peer], []).append(peer)

    def compared(self, source: str) -> tuple[float, list[str], bool] | None:
        """(median km², claim ids, whether they are the source's own) of the claims a share of ``source`` is
        compared with: its own source's when there are any, else every source's; None when there are none."""
        own = self.by_source.get(source, [])
        picked = own or self.every
        if not picked:
            return None
        return float(statistics.median(self.areas[a] for a in picked)), [self.ids[a] for a in picked], bool(own)


def add_spread_flags(columns: Columns, drawable: list[int]) -> list[dict[str, Any]]:
    # what spread_rows reads of each row, not a copy of its seventy columns
    names = ("claim_id", "source", "outlet", "kind", "window", "km2")
    records = [{"claim_id": claim_id, "source": source, "outlet": outlet, "kind": kind, "window": window,
                "km2": km2, "derived": kind in SHARE_KINDS}
               for claim_id, source, outlet, kind, window, km2 in zip(*([columns[name][index] for index in drawable]
                                                                       for name in names))]
    spread = checks.spread_rows(records)
    position = {columns["claim_id"][index]: index for index in drawable}
    for entry in spread:
        if entry["n_claims"] > 1:
            columns["flags"][position[entry["claim_id"]]].append(checks.spread_flag(entry))
    return spread


@dataclass(frozen=True)
class ClaimTask:
    """Everything one claim's shape depends on besides the data, once the other claims have had their say: it is
    drawn alone (:func:`draw_claim`), in any order, in any process, or found in the geometry cache by its inputs
    (:func:`task_inputs`)."""

    item: _Prepared
    base: Base | None = None  # of a share (ShareBases.base)
    partner: Claim | None = None  # of a depth or a front width (band_partner)


def _field_values(record_type: type) -> Callable[[Any], tuple]:
    return operator.attrgetter(*(field.name for field in dataclasses.fields(record_type)))


_CLAIM_VALUES, _ANCHOR_VALUES = _field_values(Claim), _field_values(Anchor)


def task_inputs(task: ClaimTask) -> str:
    """What a claim's shape depends on, as text (the key of its cache entry, see
    :mod:`geomap.geometry.shape_cache`): the values of the task and of the records it holds, field by field,
    in the order of their fields (a change of the records is a change of the code, which the key holds too).
    Of a share's base only the area: its text names the claims it was chosen from (every source's peak in the
    region), which a corpus grown by a few articles changes for hundreds of shares whose shapes stay the same;
    that text is only in the row's derivation, made again from the task when the row comes from the cache
    (:func:`drawn_columns`).

    The text of tuples of values, not the records' ``repr``: a dataclass writes its ``repr`` in Python, the
    nested records of each task one call at a time, three times as slow as reading the cache.
    """
    item = task.item
    return repr((_CLAIM_VALUES(item.claim), item.window,
                 _ANCHOR_VALUES(item.anchor) if item.anchor is not None else None, item.region, item.borrowed_from,
                 item.no_anchor_reason, item.holder, task.base.km2 if task.base is not None else None,
                 _CLAIM_VALUES(task.partner) if task.partner is not None else None))


def share_derivation(task: ClaimTask) -> str | None:
    """The derivation of a share's row (:func:`map_share`): the arithmetic over its base's text."""
    share = claimed_share(task.item.claim)
    if task.base is None or share is None:
        return None
    return derive_share_area(dataclasses.replace(task.item.claim, share=share), task.base)[1]


def claim_tasks(claims: Iterable[Claim], workspace: Workspace) -> list[ClaimTask]:
    """The claims in order (by claim id), each with what the others decide for it."""
    ordered = sorted(claims, key=lambda c: natural_claim_key(c.claim_id))
    items = prepare_all(workspace, ordered)
    # A number that cannot be territory (geomap.claims.plausibility) is no base, no peer and no shape.
    bases = ShareBases(area_claims([item for item in items if not_drawn(item.claim) is None]))
    sentences = first_by_sentence(ordered)
    tasks = []
    for item in items:
        claim, base, partner = item.claim, None, None
        if not_drawn(claim) is None:
            if claim.kind in SHARE_KINDS and claimed_share(claim) is not None:
                base = bases.base(claim, item.window, item.region)
            elif claim.kind in ("depth", "front_width"):
                partner = band_partner(claim, sentences)
        tasks.append(ClaimTask(item, base, partner))
    return tasks


def draw_claim(workspace: Workspace, task: ClaimTask) -> dict[str, Any]:
    """A claim's row (geometry in EPSG:4326 or None) before the checks against other claims."""
    item = task.item
    row = base_row(item)
    claim = item.claim
    kind = claim.kind
    implausible = not_drawn(claim)
    if implausible is not None:
        unmapped(row, str(implausible.get("message")))
    elif kind in AREA_KINDS:
        km2 = claimed_km2(claim)
        if km2 is None:
            unmapped(row, "no area in km²")
        else:
            row["km2"] = stable(km2)
            map_area(workspace, row, item, km2)
    elif kind in SHARE_KINDS:
        map_share(workspace, row, item, task.base)
    elif kind == "relative_area":
        map_relative(workspace, row, item)
    elif kind in ("region_share", "region_area"):
        map_region(workspace, row, item)
    elif kind == "distance":
        map_distance(workspace, row, item)
    elif kind in ("depth", "front_width"):
        map_band(workspace, row, item, task.partner)
    elif kind == "count":
        unmapped(row, "a count: a non-spatial fact, never drawn as an area")
    else:
        unmapped(row, f"unsupported claim kind {kind!r}")
    unit_flag = checks.unit_disagreement_flag(claim)
    if unit_flag is not None:
        row["flags"].append(unit_flag)
    return row


# A claim drawn: its row (before the checks against other claims) and, when asked for, its entry of the geometry
# cache (the row, the questions its shape asked of the place statuses and a digest of their answers, see
# geomap.geometry.shape_cache), made where it was drawn, and those questions and that digest again (for the
# cache's blocks: reading them back out of every entry took 2.7 s of the 3,000 articles' build).
Drawn = tuple[dict[str, Any], bytes | None, tuple[list[list[Any]], str] | None]
# Draws claims somewhere (worker processes): draw_claims of a workspace like the caller's, in the tasks' order,
# with the cache entries when the second argument is true.
Drawer = Callable[[list[ClaimTask], bool], list[Drawn]]


def claim_rows(claims: Iterable[Claim], workspace: Workspace, cache: ShapeCache | None = None,
               draw: Drawer | None = None) -> list[dict[str, Any]]:
    """The rows of :func:`geomap.geometry.claim_geometries` as dicts (geometry in EPSG:4326 or None):
    :func:`claim_columns` row by row."""
    columns = claim_columns(claims, workspace, cache, draw)
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def claim_columns(claims: Iterable[Claim], workspace: Workspace, cache: ShapeCache | None = None,
                  draw: Drawer | None = None) -> Columns:
    """The columns of :func:`geomap.geometry.claim_geometries` by name, and its shapes as ``"geometry"`` (EPSG:4326
    or None).

    With a ``cache`` (:mod:`geomap.geometry.shape_cache`), claims drawn by an
    earlier run with the same inputs take their rows from it, and the others
    are kept there. ``draw`` draws the other claims (in worker processes);
    by default they are drawn here, in ``workspace``.
    """
    tasks = claim_tasks(claims, workspace)
    columns = drawn_columns(tasks, workspace, cache, draw)
    drawable = [index for index, task in enumerate(tasks) if not_drawn(task.item.claim) is None]
    add_coherence_flags(columns, drawable, [task.item.region for task in tasks])
    add_spread_flags(columns, drawable)
    return columns


def draw_claims(workspace: Workspace, tasks: Iterable[ClaimTask], entries: bool = False) -> list[Drawn]:
    """:func:`draw_claim` of each task, with its geometry cache entry if ``entries`` (else None).

    The entry is made here, where the claim is drawn: encoding a corpus' shapes
    (WKB, JSON, zlib) took as long as drawing a third of them, and a worker
    makes its own claims' entries while the others draw.
    """
    statuses = workspace.statuses
    answering = Answers(statuses)
    drawn = []
    for task in tasks:
        reads = workspace.statuses = StatusReads(statuses)
        try:
            row = draw_claim(workspace, task)
        except shapely.errors.GEOSException as exc:
            # A degenerate shape met on the way (GEOS refuses it): this claim is not drawn, the corpus still is.
            log.warning("claim %s: its shape could not be drawn (GEOS: %s)", task.item.claim.claim_id, exc)
            row = base_row(task.item)
            unmapped(row, f"its shape could not be drawn (GEOS: {exc})")
        finally:
            workspace.statuses = statuses
        if entries:
            answered = answering.digest(reads.asked)
            drawn.append((row, entry_bytes(row, reads.asked, answered), (reads.asked, answered)))
        else:
            drawn.append((row, None, None))
    return drawn


def drawn_columns(tasks: list[ClaimTask], workspace: Workspace, cache: ShapeCache | None = None,
                  draw: Drawer | None = None) -> Columns:
    """The columns of the tasks' rows: from ``cache`` where it holds the same inputs and status answers, else drawn.

    The cache's rows come first from its blocks (:class:`geomap.geometry.shape_cache.RowBlocks`: the rows of a run
    of sources as whole columns, read a column at a time), then from the entries of single claims; the rest are
    drawn. An entry's row stays the list of values it holds until the rows are turned into columns at once (a dict
    per row, then the columns read from the dicts, took as long as reading the entries)."""
    keys = [cache.key(task_inputs(task)) for task in tasks] if cache is not None else []
    answering = Answers(workspace.statuses)
    blocks = RowBlocks(cache, [task.item.claim.source for task in tasks]) \
        if cache is not None and arrow_available() else None
    in_blocks, block_rows = blocks.served(keys, answering) if blocks is not None else ([], None)
    served = set(in_blocks)
    # Each row not in a block: its values in column order, then its shape (WKB when from an entry), and for the
    # blocks its questions and answers' digest.
    rows: dict[int, Sequence[Any]] = {}
    asked_of: dict[int, tuple[list[list[Any]], str]] = {}
    rest = [index for index in range(len(keys)) if index not in served]
    found = cache.lookup([keys[index] for index in rest]) if cache is not None else {}
    for index in rest:
        if keys[index] in found:
            values, asked, answered = entry_values(found[keys[index]])
            if answering.digest(asked) == answered:
                rows[index] = values
                asked_of[index] = (asked, answered)
    todo = [index for index in range(len(tasks)) if index not in served and index not in rows]
    todo_tasks = [tasks[index] for index in todo]
    keep = cache is not None
    drawn = draw(todo_tasks, keep) if draw is not None and todo_tasks else draw_claims(workspace, todo_tasks, keep)
    for index, (row, entry, reads) in zip(todo, drawn, strict=True):
        rows[index] = ROW_VALUES(row)
        if cache is not None and entry is not None and reads is not None:
            cache.put(keys[index], entry)
            asked_of[index] = reads
    # The drawn rows' dicts and cache entries are not needed past here: freed before the blocks and the columns
    # are made, rather than held with them to the end (every claim's, in a first build)
    del drawn, todo_tasks
    if blocks is not None:
        blocks.write({index: (rows[index], *asked_of[index]) for index in asked_of}, keys)
    if cache is not None:
        cache.flush()
    columns = _columns_of(len(tasks), in_blocks, block_rows, rows)
    derivations, drawn_here = columns["derivation"], set(todo)
    for index in [*in_blocks, *rows]:  # a share's derivation names this run's base (see task_inputs)
        if derivations[index] is not None and tasks[index].base is not None and index not in drawn_here:
            derivations[index] = share_derivation(tasks[index])
    return columns


def _columns_of(size: int, in_blocks: list[int], block_rows: Any, rows: dict[int, Sequence[Any]]) -> Columns:
    """The columns of ``size`` rows: those at ``in_blocks`` from the Arrow table ``block_rows`` (in that order), the
    others from ``rows`` (values in column order, then the shape: a shape, or WKB when it came from an entry)."""
    names = [*CLAIM_GEOMETRIES.names, "geometry"]
    columns: Columns = {}
    where = numpy.array(in_blocks, dtype=numpy.int64)
    for position, name in enumerate(names):
        column = numpy.empty(size, dtype=object)
        if block_rows is not None and len(where):
            values = block_rows.column(name)
            if name == "geometry":
                column[where] = shapely.from_wkb(values.to_numpy(zero_copy_only=False))
            elif CLAIM_GEOMETRIES.columns[position].kind == LIST:  # a fresh list per row: flags are added to them
                for index, listed in zip(in_blocks, json.loads("[" + ",".join(values.to_pylist()) + "]")):
                    column[index] = listed
            else:
                column[where] = numpy.array(values.to_pylist(), dtype=object)
        for index, values_of_row in rows.items():
            column[index] = values_of_row[position]
        columns[name] = column.tolist()
    geometries = columns["geometry"]
    wkb = [index for index in rows if isinstance(geometries[index], bytes)]
    for index, shape in zip(wkb, shapely.from_wkb([geometries[index] for index in wkb]), strict=True):
        geometries[index] = shape
    return columns


def not_drawn(claim: Claim) -> dict[str, Any] | None:
    """The flag of a claim whose number cannot be territory ("-50 km²", "150 % of the region"), or None."""
    return next((flag for flag in claim.flags if flag.get("not_drawn")), None)
