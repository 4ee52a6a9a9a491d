"""A map of several wars: each theatre (see :func:`geomap.view.theatres`) gets its own windows and envelopes.

The page keys everything that switches by date with its window's label. On a map
of several theatres a window's key is ``"<theatre>/<label>"``: the August 2024
claims about Kursk and those about Gaza are two windows, each with its own
span, layers, panel section and envelope, and the theatre selector shows one
theatre's windows at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import shapely

from geomap.view import UNDATED, DateWindow, Theatre, date_windows, nearest_each


def window_key(theatre: str, label: str) -> str:
    return f"{theatre}/{label}"


def theatre_of_window(key: str) -> str:
    """The theatre of a window key made by :func:`window_key` (``""`` for a key without one)."""
    return key.split("/", 1)[0] if "/" in key else ""


def keyed_by_theatre(theatres: Sequence[Theatre], claims: Sequence[Mapping[str, Any]],
                     envelopes: Sequence[Mapping[str, Any]]) -> tuple[list[dict], list[dict], list[DateWindow]]:
    """Claims, envelopes and windows with theatre-qualified window keys, theatre by theatre.

    A window's envelope (the union of its buffers over every source) is split
    between theatres: each keeps the parts that hold its own claims.
    """
    theatre_of = {claim_id: theatre.key for theatre in theatres for claim_id in theatre.claim_ids}
    keyed_claims = [dict(claim, window=window_key(theatre_of[claim["claim_id"]], claim["window"] or UNDATED))
                    for claim in claims]
    # Buffers by (theatre, window), gathered once: a large corpus has thousands of claims and hundreds of windows.
    buffers_of: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for claim in claims:
        if claim.get("role") == "buffer" and claim.get("geometry") is not None:
            key = (theatre_of[claim["claim_id"]], claim["window"] or UNDATED)
            buffers_of.setdefault(key, []).append(claim)
    keyed_envelopes = []
    for row in envelopes:
        geometry = row.get("geometry")
        if geometry is None:
            continue
        label = row["window"] or UNDATED
        parts = list(getattr(geometry, "geoms", [geometry]))
        part_tree = shapely.STRtree(parts)
        for theatre in theatres:
            buffers = buffers_of.get((theatre.key, label), [])
            # The parts that meet one of the theatre's buffers, in their order (one lookup for all buffers).
            meeting = part_tree.query([c["geometry"] for c in buffers], predicate="intersects")[1] if buffers else []
            own = [parts[index] for index in sorted(set(meeting.tolist()))] if len(meeting) else []
            if own:
                keyed_envelopes.append({"window": window_key(theatre.key, label),
                                        "n_sources": len({c["source"] for c in buffers}),
                                        "geometry": _parts_together(own)})
    claims_of: dict[str, list[Mapping[str, Any]]] = {}
    for claim in claims:
        claims_of.setdefault(theatre_of[claim["claim_id"]], []).append(claim)
    windows = []
    for theatre in theatres:
        for window in date_windows(claims_of.get(theatre.key, [])):
            windows.append(DateWindow(window_key(theatre.key, window.label), window.start, window.end, window.shown))
    return keyed_claims, keyed_envelopes, windows


def _parts_together(parts: Sequence[Any]) -> Any:
    """Parts of one envelope as one geometry. The polygons of a (valid) multipolygon are apart already: they are
    put together as they are (uniting them again took most of the split of a 10,000-article corpus's envelopes);
    any other parts are united."""
    if all(part.geom_type == "Polygon" for part in parts):
        return parts[0] if len(parts) == 1 else shapely.MultiPolygon(list(parts))
    return shapely.union_all(parts)


def windows_near(points: Sequence[shapely.Point], claims: Sequence[Mapping[str, Any]],
                 windows: Sequence[DateWindow]) -> list[list[DateWindow]]:
    """For each point (a place a status is given), the windows of the theatre of the claim drawn nearest it.

    A place's status belongs to the war it is in: matched by date alone, a Kursk village
    captured in August would land in Gaza's August window. Without theatre keys every
    point gets every window.
    """
    if not any(theatre_of_window(window.label) for window in windows):
        return [list(windows)] * len(points)
    drawn = [claim for claim in claims if claim.get("geometry") is not None]
    if not drawn:
        return [list(windows)] * len(points)
    tree = shapely.STRtree([claim["geometry"] for claim in drawn])
    nearest = nearest_each(points, tree)
    by_theatre: dict[str, list[DateWindow]] = {}
    for window in windows:
        by_theatre.setdefault(theatre_of_window(window.label), []).append(window)
    return [by_theatre.get(theatre_of_window(drawn[index]["window"]), list(windows)) for index in nearest]
