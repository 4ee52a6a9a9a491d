"""Areas held across a border: a disc on the crossing border, or a strip along it once the anchor is lost.

An incursion spreads from where it crossed the border. For a held-area claim
whose holder is not the country its anchor lies in (Ukraine holding part of
Russia), with the holder-host border within reach of the anchor:

- while the anchor is not reported lost, the area is an area-true **disc
  centred on the border point nearest the anchor**, clipped to the host
  country along the accurate border line;
- once the articles report the anchor lost (captured or retaken by the other
  side, lost or withdrawn from by the holder) on or before the claim's date,
  the area is an area-true **strip along that border**, deep enough to reach
  toward the anchor but leaving it out, grown from the border point nearest
  it toward the places the articles still report held or fought over nearby
  (else toward where the defenders withdrew); with no such place it is
  centred on that point and flagged ``no_side_cue``.

Whatever cannot be done this way is said in a flag and the claim falls back
to the disc around its anchor (:func:`geomap.geometry.build.map_area`): no
border between holder and host, the border beyond reach, statuses that
contradict each other on one date (the disc on the border is drawn, the
statuses unused).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geomap.geometry import checks
from geomap.geometry.borders import BorderPoint, nearest_border_point, nearest_component, shared_border
from geomap.geometry.buffers import HostTooSmall, solve_local_radius
from geomap.geometry.constructions import leave_out_disc, side_along, solve_strip, strip_depth
from geomap.geometry.projection import LocalProjection, geodesic_distance_km, linear
from geomap.geometry.statuses import CONTESTED, HELD, AnchorState, status_date
from geomap.geometry.units import format_area, format_km2, format_number, stable
from geomap.geometry.workspace import Anchor, Workspace
from geomap.records import Claim

BORDER_REACH_KM = 30.0  # the crossing border counts as the area's origin when this near the anchor (or nearer
# than the radius of a half disc of the claimed area, for larger areas)
TOWN_RADIUS_M = 2000.0  # a lost town's own extent, which a strip keeps out of
MIN_STRIP_DEPTH_M = 1000.0
ENTRY_TOLERANCE_M = 100.0  # host pieces this near the border point are the territory an incursion entered
SIDE_REACH_KM = 60.0  # places this near the anchor can say which way along the border a strip runs
WINDOW_LADDER_KM = (32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0)  # crops around the border point (cache keys)

STATUS_WORDS = {"captured": "captured", "retaken": "retaken", "lost": "lost", "held": "held",
                "fought_over": "fought over", "withdrawn": "withdrawn from", "withdrawn_to": "withdrawn to"}


@dataclass(frozen=True)
class Crossing:
    """What the incursion construction found out about a claim before drawing."""

    point: BorderPoint  # nearest border point to the anchor
    reach_km: float
    state: AnchorState | None  # the anchor's reported state (None: nothing decisive)


def claim_day(claim: Claim):
    return claim.as_of_end or claim.as_of_start


def window_for(km: float) -> float:
    """The smallest crop size of :data:`WINDOW_LADDER_KM` of at least ``km``."""
    for size in WINDOW_LADDER_KM:
        if size >= km:
            return size
    return WINDOW_LADDER_KM[-1]


def half_disc_radius_km(km2: float) -> float:
    return math.sqrt(2.0 * km2 / math.pi)


def status_phrase(workspace: Workspace, status) -> str:
    """'retaken by Russia on 2025-03-13', 'withdrawn from (Ukraine) on 2025-03-21'."""
    actor = ""
    if status.actor:
        name = workspace.region_name(status.actor)
        actor = f" by {name}" if status.status in ("captured", "retaken", "lost", "held") else f" ({name})"
    day = status_date(status)
    return f"{STATUS_WORDS.get(status.status, status.status)}{actor}" + (f" on {day.isoformat()}" if day else "")


def status_evidence(status) -> dict[str, Any]:
    """The numbers a status flag carries: where the words are."""
    return {"status_source": status.source, "status": status.status, "status_actor": status.actor,
            "status_quote": status.quote, "status_start": status.start, "status_end": status.end,
            "status_date": status_date(status).isoformat()}


# -- the construction ----------------------------------------------------------------------------------------
def find_crossing(workspace: Workspace, row: dict[str, Any], claim: Claim, anchor: Anchor, holder: str,
                  km2: float) -> Crossing | None:
    """The crossing border point and the anchor's state, or None (with a flag saying why) to fall back."""
    host = anchor.country
    names = f"{workspace.region_name(host)}–{workspace.region_name(holder)}"
    if workspace.region_kind(holder) != "country":
        return None
    projection = workspace.projection(anchor.lon, anchor.lat)
    point = nearest_border_point(workspace, projection, host, holder)
    reach = max(BORDER_REACH_KM, half_disc_radius_km(km2))
    if point is None:
        row["flags"].append(checks.flag(
            "no_crossing_border", "info",
            f"held by {workspace.region_name(holder)} in {workspace.region_name(host)}, but the two share no land "
            f"border: drawn around {anchor.name or 'the anchor'}", holder=holder, host=host))
        return None
    if point.distance_km > reach:
        row["flags"].append(checks.flag(
            "border_out_of_reach", "info",
            f"the {names} border is {format_number(point.distance_km)} km from {anchor.name or 'the anchor'}, "
            f"beyond the {format_number(reach)} km within which an incursion is drawn from it: drawn around "
            f"{anchor.name or 'the anchor'}", distance_km=point.distance_km, reach_km=reach, holder=holder,
            host=host))
        return None
    state = workspace.statuses.anchor_state(anchor.place_id, holder, claim_day(claim)) if workspace.statuses else None
    if state is not None and state.state == "conflict":
        quoted = "; ".join(f"{s.source}: {status_phrase(workspace, s)} (“{s.quote}”)" for s in state.evidence)
        row["flags"].append(checks.flag(
            "status_conflict", "warning",
            f"{anchor.name or 'the anchor'} is reported both held and lost on {state.day.isoformat()} ({quoted}): "
            f"its status is not used; drawn as a disc on the border",
            day=state.day.isoformat(), statuses=[status_evidence(s) for s in state.evidence]))
        state = None
    return Crossing(point, reach, state)


def map_incursion(workspace: Workspace, row: dict[str, Any], claim: Claim, anchor: Anchor, holder: str,
                  km2: float) -> bool:
    """Draw a held-area claim across a border (see the module docstring); False to fall back to the anchor disc.

    True means the row is decided: drawn, or unmapped with its reason.
    """
    crossing = find_crossing(workspace, row, claim, anchor, holder, km2)
    if crossing is None:
        return False
    host = anchor.country
    row["anchor_status"] = crossing.state.state if crossing.state is not None else None
    # the host is a whole country, whose area says nothing of the claim: host_km2 is left empty
    row["host"] = host
    host_name = workspace.region_name(host)
    try:
        if crossing.state is not None and crossing.state.lost:
            return draw_strip(workspace, row, anchor, holder, km2, crossing, claim)
        return draw_border_disc(workspace, row, anchor, holder, km2, crossing)
    except HostTooSmall as exc:
        row.update(status="unmapped", geometry=None,
                   reason=f"claimed {format_number(exc.target_km2)} km² exceeds {host_name} near the border "
                          f"({format_number(exc.host_km2)} km² within reach)")
        return True


def entered_territory(local: BaseGeometry | None) -> BaseGeometry | None:
    """The part of the host country (in a projection centred on the border point) that the border point is on.

    A country in several pieces (the Gaza Strip and the West Bank) is entered
    through one of them: an area drawn from the border stays in that piece.
    """
    if local is None or local.is_empty:
        return local
    parts = list(shapely.get_parts(local))
    origin = shapely.Point(0.0, 0.0)
    distances = [part.distance(origin) for part in parts]
    nearest = min(distances)
    touching = [part for part, distance in zip(parts, distances) if distance <= nearest + ENTRY_TOLERANCE_M]
    return touching[0] if len(touching) == 1 else shapely.union_all(touching)


def draw_border_disc(workspace: Workspace, row: dict[str, Any], anchor: Anchor, holder: str, km2: float,
                     crossing: Crossing) -> bool:
    point, host = crossing.point, anchor.country
    projection = workspace.projection(point.lon, point.lat)
    origin = shapely.Point(0.0, 0.0)
    # the disc is about a half disc on the border: the window holds it with room to spare, else grows
    window_km = window_for(1.6 * half_disc_radius_km(km2) + 10.0)
    while True:
        local = entered_territory(workspace.local_polygon(projection, host, window_km=window_km, accurate=True))
        if local is None or local.is_empty:
            row.update(status="unmapped", geometry=None, reason="no host polygon near the border")
            return True
        solved = solve_local_radius(origin, km2 * 1e6, local)
        if solved.radius_m / 1000.0 < 0.7 * window_km or window_km >= WINDOW_LADDER_KM[-1]:
            break
        window_km = window_for(window_km * 2.0)
    area = solved.area_m2 / 1e6
    host_name, holder_name = workspace.region_name(host), workspace.region_name(holder)
    row.update(role="buffer", shape="border disc", radius_km=stable(solved.radius_m / 1000.0),
               geometry_km2=stable(area), status="mapped", geometry=projection.to_lonlat(solved.geometry),
               border_lon=stable(point.lon), border_lat=stable(point.lat),
               construction=f"disc of {format_area(area)} centred on the {host_name}–{holder_name} border nearest "
                            f"{anchor.name or 'the anchor'}, clipped to {host_name}")
    row["flags"].append(checks.flag(
        "border_origin", "info",
        f"held across the {host_name}–{holder_name} border: centred on its point nearest "
        f"{anchor.name or 'the anchor'}, {format_number(point.distance_km)} km away (the {point.source})",
        border_lon=point.lon, border_lat=point.lat, distance_km=point.distance_km, border_source=point.source))
    return True


def draw_strip(workspace: Workspace, row: dict[str, Any], anchor: Anchor, holder: str, km2: float,
               crossing: Crossing, claim: Claim) -> bool:
    point, host, state = crossing.point, anchor.country, crossing.state
    anchor_name = anchor.name or "the anchor"
    host_name, holder_name = workspace.region_name(host), workspace.region_name(holder)
    projection = workspace.projection(point.lon, point.lat)
    origin = shapely.Point(0.0, 0.0)
    town = projection.point_to_local(anchor.lon, anchor.lat)
    distance_m = town.distance(origin)
    depth_m = strip_depth(distance_m, km2 * 1e6, TOWN_RADIUS_M, MIN_STRIP_DEPTH_M)
    lost = state.evidence[0]
    row["flags"].append(checks.flag(
        "anchor_lost", "info",
        f"{anchor_name} {status_phrase(workspace, lost)} (“{lost.quote}”, {lost.source}): the area is drawn as a "
        f"strip along the {host_name}–{holder_name} border that leaves it out", **status_evidence(lost)))
    leave_out = leave_out_disc(town, TOWN_RADIUS_M) if depth_m + TOWN_RADIUS_M > distance_m else None
    # the window holds the strip's expected length with room to spare, else grows until it holds the strip
    window_km = window_for(1.3 * km2 / (depth_m / 1000.0) + depth_m / 1000.0 + 10.0)
    side = None
    while True:
        local = entered_territory(workspace.local_polygon(projection, host, window_km=window_km, accurate=True))
        line = shared_border(workspace, projection, host, holder, window_km)
        if local is None or local.is_empty or linear(line).is_empty:
            row.update(status="unmapped", geometry=None, reason="no host polygon or border line near the anchor")
            return True
        if side is None:
            side, toward = strip_side(workspace, row, projection, line, anchor, holder, claim)
        # sources repeating a figure ask for the same strip: drawn once
        solved = workspace.bands.get(
            ("strip", projection.key, host, holder, window_km, side, depth_m, round(km2, 6), (town.x, town.y)),
            lambda: solve_strip(line, origin, side, depth_m, local, km2 * 1e6, leave_out))
        # a strip cut short by the window's edge (not by the border's own end) is solved again in a wider one
        edge = 0.7 * window_km * 1000.0
        if solved is None:
            ends = shapely.get_parts(nearest_component(linear(line), origin).boundary)
            at_edge = any(end.distance(origin) > edge for end in ends)
        else:
            at_edge = solved.end is not None and solved.end.distance(origin) > edge
        if not at_edge or window_km >= WINDOW_LADDER_KM[-1]:
            break
        window_km = window_for(window_km * 2.0)
    if solved is None:
        row.update(status="unmapped", geometry=None,
                   reason=f"a {format_number(depth_m / 1000.0)} km deep strip along the whole {host_name}–"
                          f"{holder_name} border near {anchor_name} holds less than {format_km2(km2)}")
        return True
    area = solved.area_m2 / 1e6
    direction = f"toward {toward}" if side else "centred on it (no side named)"
    row.update(role="buffer", shape="border strip", geometry_km2=stable(area), status="mapped",
               geometry=projection.to_lonlat(solved.geometry), border_lon=stable(point.lon),
               border_lat=stable(point.lat),
               construction=f"strip of {format_area(area)}, {format_number(depth_m / 1000.0)} km deep along "
                            f"{format_number(solved.length_m / 1000.0)} km of the {host_name}–{holder_name} border "
                            f"from its point nearest {anchor_name} {direction}, leaving out {anchor_name} "
                            f"({status_phrase(workspace, lost)}), clipped to {host_name}")
    row["flags"].append(checks.flag(
        "border_strip", "info",
        f"{format_number(depth_m / 1000.0)} km deep (the border is {format_number(distance_m / 1000.0)} km from "
        f"{anchor_name}; a town of {format_number(TOWN_RADIUS_M / 1000.0)} km radius stays out) and "
        f"{format_number(solved.length_m / 1000.0)} km long, so that it covers {format_km2(km2)}",
        depth_km=depth_m / 1000.0, length_km=solved.length_m / 1000.0, anchor_distance_km=distance_m / 1000.0,
        side=side, border_lon=point.lon, border_lat=point.lat))
    return True


def strip_side(workspace: Workspace, row: dict[str, Any], projection: LocalProjection, line: BaseGeometry,
               anchor: Anchor, holder: str, claim: Claim) -> tuple[int, str]:
    """Which way the strip runs along the border, and toward what (flagged either way)."""
    anchor_name = anchor.name or "the anchor"
    day = claim_day(claim)
    origin = shapely.Point(0.0, 0.0)
    for wanted in ((HELD, CONTESTED), ("withdrawn_to",)):
        cues = []
        for status, rel in workspace.statuses.near(anchor.lon, anchor.lat, SIDE_REACH_KM, day, holder, wanted):
            if status.place_id == anchor.place_id:
                continue
            place = cue_point(workspace, projection, status, anchor, rel)
            if place is not None:
                cues.append((status, place))
        if not cues:
            continue
        side, votes = side_along(line, origin, [place for _, place in cues])
        voting = [(status, vote) for (status, _), vote in zip(cues, votes) if vote == side and side != 0]
        if side != 0:
            names = list(dict.fromkeys(status.place for status, _ in voting))
            toward = " and ".join(names)
            row["flags"].append(checks.flag(
                "strip_side", "info",
                f"the strip runs from the border point nearest {anchor_name} toward {toward}: "
                + "; ".join(f"{s.place} {status_phrase(workspace, s)} (“{s.quote}”, {s.source})" for s, _ in voting),
                statuses=[status_evidence(s) for s, _ in voting]))
            return side, toward
    row["flags"].append(checks.flag(
        "no_side_cue", "warning",
        f"no place near {anchor_name} is reported held or fought over (or withdrawn to) within "
        f"{SIDE_REACH_KM:.0f} km and 30 days that says which way along the border the rest lies: the strip is "
        f"centred on the border point nearest {anchor_name}"))
    return 0, ""


def cue_point(workspace: Workspace, projection: LocalProjection, status, anchor: Anchor,
              rel: str) -> shapely.Point | None:
    """Where a status's place is, in the projection: its point, or a region's point nearest the anchor.

    Places held or fought over count only inside the host country (a front
    across the border says nothing of the side), regions only when they do
    not contain the anchor, and only within :data:`SIDE_REACH_KM`.
    """
    if rel != "withdrawn_to" and status.country != anchor.country:
        return None
    if status.place_kind == "populated_place":
        if geodesic_distance_km(anchor.lon, anchor.lat, status.lon, status.lat) > SIDE_REACH_KM:
            return None
        return projection.point_to_local(status.lon, status.lat)
    region = workspace.local_polygon(projection, status.place_id, window_km=2.0 * SIDE_REACH_KM)
    town = projection.point_to_local(anchor.lon, anchor.lat)
    if region is None or region.is_empty or region.intersects(town):
        return None
    nearest = nearest_points(region, town)[0]
    if nearest.distance(town) / 1000.0 > SIDE_REACH_KM:
        return None
    return nearest
