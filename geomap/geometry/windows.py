"""Summaries of the claim geometries: envelopes and the spread across sources per window, the checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import geopandas
import pandas

from geomap.geometry import overlay
from geomap.geometry.bases import natural_claim_key
from geomap.geometry.checks import SPREAD_KINDS, spread_rows, window_sort_key
from geomap.geometry.projection import geodesic_area_km2
from geomap.geometry.shape_cache import ShapeCache, envelope_bytes, envelope_inputs, envelope_of
from geomap.geometry.units import stable
from geomap import schema
from geomap.records import SHARE_KINDS


# Unites each window's buffers: given (geometries, window) pairs, yields window_envelope of each, in order.
WindowsMap = Callable[[list[tuple[list, str]]], Iterable[tuple[object, float]]]


def envelopes(claim_geoms: geopandas.GeoDataFrame, unite: WindowsMap | None = None,
              cache: ShapeCache | None = None) -> geopandas.GeoDataFrame:
    """The union of each date window's held-area buffers among ``claim_geoms`` (the table of
    :func:`claim_geometries`).

    One row per window that has at least one mapped buffer of a held-area kind (area_held,
    area_seized, share_held, share_retaken; retaken areas and relative areas are left out because
    they do not outline what is held): window, n_sources, sources (comma-separated ids), n_claims,
    claims, geometry_km2 (on the ellipsoid) and geometry (EPSG:4326). Windows in date order,
    "undated" last. ``unite`` unites the windows' buffers elsewhere (``geomap.pipeline`` spreads the
    windows over its worker processes); by default they are united here, one window after another.
    """
    buffers = claim_geoms[(claim_geoms["role"] == "buffer") & (claim_geoms["status"] == "mapped")
                          & claim_geoms["kind"].isin(SPREAD_KINDS)]
    # Plain lists per window: indexing the frame claim by claim was most of the time for a large corpus.
    by_window: dict[str, list[tuple[tuple, str, str, object]]] = {}
    for claim_id, source, window, geometry in zip(buffers["claim_id"], buffers["source"], buffers["window"],
                                                  buffers.geometry.values):
        by_window.setdefault(window, []).append((natural_claim_key(claim_id), claim_id, source, geometry))
    windows = sorted(by_window, key=window_sort_key)
    members_of = {window: sorted(by_window[window], key=lambda member: member[0]) for window in windows}
    work = [([member[3] for member in members_of[window]], window) for window in windows]
    united = cached_envelopes(work, unite or united_here, cache)
    rows, geometries = [], []
    for window, (union, km2) in zip(windows, united, strict=True):
        members = members_of[window]
        sources = sorted({member[2] for member in members})
        rows.append({"window": window, "n_sources": len(sources), "sources": ", ".join(sources),
                     "n_claims": len(members),
                     "claims": ", ".join(member[1] for member in members),
                     "geometry_km2": km2})
        geometries.append(union)
    return schema.ENVELOPES.frame(rows, geometries)


def cached_envelopes(work: list[tuple[list, str]], unite: WindowsMap,
                     cache: ShapeCache | None) -> list[tuple[object, float]]:
    """``unite(work)``, but a window found in ``cache`` with the same buffers takes its envelope from there (a
    rebuild unites again only the windows whose buffers changed: the unions were most of its envelopes' time)."""
    if cache is None:
        return list(unite(work))
    keys = [cache.key(envelope_inputs(geometries, window)) for geometries, window in work]
    found = cache.lookup(keys)
    united = {index: envelope_of(found[key]) for index, key in enumerate(keys) if key in found}
    todo = [index for index in range(len(work)) if index not in united]
    for index, (union, km2) in zip(todo, unite([work[index] for index in todo]), strict=True):
        united[index] = (union, km2)
        cache.put(keys[index], envelope_bytes(union, km2))
    cache.flush()
    return [united[index] for index in range(len(work))]


def united_here(work: list[tuple[list, str]]) -> Iterator[tuple[object, float]]:
    """:func:`window_envelope` of each (geometries, window), in this process."""
    return (window_envelope(geometries, window) for geometries, window in work)


def window_envelope(geometries: list, window: str) -> tuple[object, float]:
    """A window's envelope: the union of its buffers (lon/lat) and its area on the ellipsoid (km², stable)."""
    union = union_of(geometries, window)
    return union, stable(geodesic_area_km2(union))


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
    # the seven columns read together, not the table's seventy row by row (itertuples)
    columns = ("claim_id", "source", "outlet", "kind", "window", "km2", "flags")
    for claim_id, source, outlet, kind, window, km2, flags in zip(*(claim_geoms[name] for name in columns)):
        if any(isinstance(flag, dict) and flag.get("not_drawn") for flag in (flags or [])):
            continue  # a number that cannot be territory ("-50 km²", "10^300 square kilometers")
        records.append({"claim_id": claim_id, "source": source, "outlet": outlet, "kind": kind, "window": window,
                        "km2": None if pandas.isna(km2) else float(km2), "derived": kind in SHARE_KINDS})
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
