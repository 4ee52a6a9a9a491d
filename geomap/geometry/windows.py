"""Summaries of the claim geometries: envelopes and the spread across sources per window, the checks."""

from __future__ import annotations

import geopandas
import pandas

from geomap.geometry import overlay
from geomap.geometry.bases import natural_claim_key
from geomap.geometry.checks import SPREAD_KINDS, spread_rows, window_sort_key
from geomap.geometry.projection import geodesic_area_km2
from geomap.geometry.units import stable
from geomap import schema
from geomap.records import SHARE_KINDS


def envelopes(claim_geoms: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """The union of each date window's held-area buffers among ``claim_geoms`` (the table of
    :func:`claim_geometries`).

    One row per window that has at least one mapped buffer of a held-area kind (area_held,
    area_seized, share_held, share_retaken; retaken areas and relative areas are left out because
    they do not outline what is held): window, n_sources, sources (comma-separated ids), n_claims,
    claims, geometry_km2 (on the ellipsoid) and geometry (EPSG:4326). Windows in date order,
    "undated" last.
    """
    buffers = claim_geoms[(claim_geoms["role"] == "buffer") & (claim_geoms["status"] == "mapped")
                          & claim_geoms["kind"].isin(SPREAD_KINDS)]
    # Plain lists per window: indexing the frame claim by claim was most of the time for a large corpus.
    by_window: dict[str, list[tuple[tuple, str, str, object]]] = {}
    for claim_id, source, window, geometry in zip(buffers["claim_id"], buffers["source"], buffers["window"],
                                                  buffers.geometry.values):
        by_window.setdefault(window, []).append((natural_claim_key(claim_id), claim_id, source, geometry))
    rows, geometries = [], []
    for window in sorted(by_window, key=window_sort_key):
        members = sorted(by_window[window], key=lambda member: member[0])
        union = union_of([member[3] for member in members], window)
        sources = sorted({member[2] for member in members})
        rows.append({"window": window, "n_sources": len(sources), "sources": ", ".join(sources),
                     "n_claims": len(members),
                     "claims": ", ".join(member[1] for member in members),
                     "geometry_km2": stable(geodesic_area_km2(union))})
        geometries.append(union)
    return schema.ENVELOPES.frame(rows, geometries)


def union_of(geometries: list, window: str) -> object:
    """The union of a window's buffers (lon/lat); see :mod:`geomap.geometry.overlay` for when GEOS cannot."""
    return overlay.union(geometries, overlay.DEGREES_GRID, f"window {window}: envelope")


def spread_table(claim_geoms: geopandas.GeoDataFrame) -> pandas.DataFrame:
    """Spread of held-area claims across sources, per date window, among ``claim_geoms`` (the table
    of :func:`claim_geometries`).

    One row per claim of a held-area kind with an area (share claims count with their derived
    area, ``derived=True``): the window's n_claims, n_sources, min/median/max km², the claim's
    deviation from the median in percent, and ``furthest`` for the claim(s) furthest from the
    median (by ratio) in windows with more than one claim.
    """
    records = []
    for row in claim_geoms.itertuples(index=False):
        if any(isinstance(flag, dict) and flag.get("not_drawn") for flag in (row.flags or [])):
            continue  # a number that cannot be territory ("-50 km²", "10^300 square kilometers")
        records.append({"claim_id": row.claim_id, "source": row.source, "outlet": row.outlet, "kind": row.kind,
                        "window": row.window, "km2": None if pandas.isna(row.km2) else float(row.km2),
                        "derived": row.kind in SHARE_KINDS})
    return schema.SPREAD.frame(spread_rows(records))


def checks_table(claim_geoms: pandas.DataFrame) -> pandas.DataFrame:
    """One row per check (flag) of every claim: claim_id, source, code, severity, message, and ``numbers``,
    the flag's other fields (the figures behind the message, in the order the check wrote them)."""
    rows = []
    for claim_id, source, flags in zip(claim_geoms["claim_id"], claim_geoms["source"], claim_geoms["flags"]):
        for flag in flags or []:
            rows.append({"claim_id": claim_id, "source": source, "code": flag.get("code"),
                         "severity": flag.get("severity"), "message": flag.get("message"),
                         "numbers": {key: value for key, value in flag.items()
                                     if key not in ("code", "severity", "message")}})
    return schema.CHECKS.frame(rows)
