"""Per-window summaries of claim geometries: envelopes and the spread across sources."""

from __future__ import annotations

import geopandas
import pandas
import shapely

from geomap.geometry.bases import natural_claim_key
from geomap.geometry.checks import SPREAD_KINDS, spread_rows, window_sort_key
from geomap.geometry.projection import geodesic_area_km2
from geomap.geometry.tables import typed_frame
from geomap.geometry.units import stable
from geomap.records import SHARE_KINDS

ENVELOPE_COLUMNS = ["window", "n_sources", "sources", "n_claims", "claims", "geometry_km2"]
SPREAD_COLUMNS = ["window", "claim_id", "source", "outlet", "kind", "km2", "derived", "n_claims", "n_sources",
                  "min_km2", "median_km2", "max_km2", "deviation_pct", "furthest"]


def envelopes(claim_geoms: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """The union of each date window's held-area buffers.

    Parameters
    ----------
    claim_geoms : GeoDataFrame
        The output of :func:`claim_geometries`.

    Returns
    -------
    GeoDataFrame
        One row per window that has at least one mapped buffer of a held-area
        kind (area_held, area_seized, share_held, share_retaken; retaken areas
        and relative areas are left out because they do not outline what is
        held): window, n_sources, sources (comma-separated ids), n_claims,
        claims, geometry_km2 (on the ellipsoid) and geometry (EPSG:4326).
        Windows in date order, "undated" last.
    """
    buffers = claim_geoms[(claim_geoms["role"] == "buffer") & (claim_geoms["status"] == "mapped")
                          & claim_geoms["kind"].isin(SPREAD_KINDS)]
    rows, geometries = [], []
    for window in sorted(set(buffers["window"]), key=window_sort_key):
        members = buffers[buffers["window"] == window]
        order = sorted(range(len(members)), key=lambda i: natural_claim_key(members["claim_id"].iloc[i]))
        union = shapely.union_all([members.geometry.iloc[i] for i in order])
        sources = sorted(set(members["source"]))
        rows.append({"window": window, "n_sources": len(sources), "sources": ", ".join(sources),
                     "n_claims": len(members),
                     "claims": ", ".join(members["claim_id"].iloc[i] for i in order),
                     "geometry_km2": stable(geodesic_area_km2(union))})
        geometries.append(union)
    table = typed_frame(rows, ENVELOPE_COLUMNS, floats=["geometry_km2"], integers=["n_sources", "n_claims"])
    return geopandas.GeoDataFrame(table, geometry=geopandas.GeoSeries(geometries, crs="EPSG:4326"),
                                  crs="EPSG:4326")


def spread_table(claim_geoms: geopandas.GeoDataFrame) -> pandas.DataFrame:
    """Spread of held-area claims across sources, per date window.

    Parameters
    ----------
    claim_geoms : GeoDataFrame
        The output of :func:`claim_geometries`.

    Returns
    -------
    DataFrame
        One row per claim of a held-area kind with an area (share claims count
        with their derived area, ``derived=True``): the window's n_claims,
        n_sources, min/median/max km², the claim's deviation from the median in
        percent, and ``furthest`` for the claim(s) furthest from the median
        (by ratio) in windows with more than one claim.
    """
    records = []
    for row in claim_geoms.itertuples(index=False):
        if any(isinstance(flag, dict) and flag.get("not_drawn") for flag in (row.flags or [])):
            continue  # a number that cannot be territory ("-50 km²", "10^300 square kilometers")
        records.append({"claim_id": row.claim_id, "source": row.source, "outlet": row.outlet, "kind": row.kind,
                        "window": row.window, "km2": None if pandas.isna(row.km2) else float(row.km2),
                        "derived": row.kind in SHARE_KINDS})
    return typed_frame(spread_rows(records), SPREAD_COLUMNS,
                       floats=["km2", "min_km2", "median_km2", "max_km2", "deviation_pct"],
                       integers=["n_claims", "n_sources"], booleans=["derived", "furthest"])
