"""Checks that compare a claim with geography, with its own second unit, and with other claims.

Each check returns a flag: a dict with ``code``, ``severity`` ("info" or
"warning"), a one-line ``message`` and the numbers behind it, so a reader can
redo the arithmetic. Info flags record a measurement; warnings mark a
mismatch worth a look.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

from geomap.geometry.bases import natural_claim_key
from geomap.geometry.units import format_km2, format_number, stable, to_km, to_km2
from geomap.records import Claim

UNIT_TOLERANCE = 0.03  # two units in one sentence may differ by rounding, not by more
DISTANCE_TOLERANCE = 0.25  # "about 10 km": a quarter either way ...
DISTANCE_TOLERANCE_KM = 2.5  # ... or this much (default: a Natural Earth 1:10m border's generalisation)
REGION_AREA_TOLERANCE = 0.05
COHERENCE_TOLERANCE = 0.25  # "about a third" vs an absolute figure
SPREAD_WARNING = 0.25  # the furthest claim is flagged as a warning beyond 25 % from the median
SPREAD_KINDS = ("area_held", "area_seized", "share_held", "share_retaken")  # all measure held territory


def flag(code: str, severity: str, message: str, **numbers: Any) -> dict[str, Any]:
    values = {k: stable(v) if isinstance(v, float) else v for k, v in numbers.items()}
    return {"code": code, "severity": severity, "message": message, **values}


def host_share_flag(claimed_km2: float, host_name: str, host_code: str, host_km2: float) -> dict[str, Any]:
    """Claimed area as a share of the region it must lie in."""
    share = claimed_km2 / host_km2 if host_km2 > 0 else math.inf
    exceeds = claimed_km2 > host_km2
    message = (f"{format_km2(claimed_km2)} is {share:.1%} of {host_name} ({host_code}, {format_km2(host_km2)})"
               + ("; it cannot fit" if exceeds else ""))
    return flag("host_share", "warning" if exceeds else "info", message, claimed_km2=claimed_km2,
                host=host_code, host_km2=host_km2, share_of_host=share if math.isfinite(share) else None,
                exceeds=exceeds)


def unit_disagreement_flag(claim: Claim) -> dict[str, Any] | None:
    """A second unit in the same sentence ("110 km² (42 square miles)") that disagrees by more than 3 %."""
    if claim.alt_value is None or not claim.alt_unit:
        return None
    alt_km2 = to_km2(claim.alt_value, claim.alt_unit)
    if alt_km2 is not None:
        primary = claim.km2 if claim.km2 is not None else to_km2(claim.value, claim.unit)
        unit, quantity = "km²", "area"
        alt = alt_km2
    else:
        alt = to_km(claim.alt_value, claim.alt_unit)
        primary = claim.km if claim.km is not None else to_km(claim.value, claim.unit)
        unit, quantity = "km", "length"
    if alt is None or primary is None or primary == 0:
        return None
    difference = abs(alt - primary) / abs(primary)
    if difference <= UNIT_TOLERANCE:
        return None
    message = (f"{format_number(claim.value)} {claim.unit} = {format_number(primary)} {unit} but "
               f"{format_number(claim.alt_value)} {claim.alt_unit} = {format_number(alt)} {unit} "
               f"({difference:.1%} apart)")
    return flag("unit_disagreement", "warning", message, quantity=quantity, primary=primary, alternative=alt,
                alt_value=float(claim.alt_value), alt_unit=claim.alt_unit, difference_pct=100.0 * difference)


def distance_flag(claimed_km: float, measured_km: float, target: str, method: str,
                  tolerance_km: float = DISTANCE_TOLERANCE_KM) -> dict[str, Any]:
    """A claimed distance against the geodesic distance measured on the map.

    A warning when the two differ by more than a quarter and by more than
    ``tolerance_km`` (the error of what was measured against: 2.5 km for a
    Natural Earth border or a town's gazetteer point, less for an accurate
    border line).
    """
    difference = measured_km - claimed_km
    relative = abs(difference) / claimed_km if claimed_km else math.inf
    off = abs(difference) > tolerance_km and relative > DISTANCE_TOLERANCE
    message = (f"claimed {format_number(claimed_km)} km to {target}; measured {format_number(measured_km)} km "
               f"({method})")
    return flag("distance_check", "warning" if off else "info", message, claimed_km=claimed_km,
                measured_km=measured_km, difference_km=difference, target=target, method=method)


def region_area_flag(claimed_km2: float, region_name: str, region_code: str, polygon_km2: float) -> dict[str, Any]:
    """A claimed area of a named region against the polygon's ellipsoidal area."""
    ratio = claimed_km2 / polygon_km2 if polygon_km2 else math.inf
    off = abs(ratio - 1.0) > REGION_AREA_TOLERANCE
    message = (f"claimed {format_km2(claimed_km2)} for {region_name} ({region_code}); "
               f"its polygon is {format_km2(polygon_km2)} (ratio {ratio:.2f})")
    return flag("region_area_check", "warning" if off else "info", message, claimed_km2=claimed_km2,
                polygon_km2=polygon_km2, ratio=ratio, region=region_code)


def coherence_flag(share_claim_id: str, derived_km2: float, derivation: str, absolute_km2: float,
                   absolute_ids: list[str], same_source: bool) -> dict[str, Any] | None:
    """A share claim's derived area against the absolute area claimed for the same window."""
    if absolute_km2 <= 0 or derived_km2 <= 0:
        return None
    ratio = derived_km2 / absolute_km2
    if 1.0 / (1.0 + COHERENCE_TOLERANCE) <= ratio <= 1.0 + COHERENCE_TOLERANCE:
        return None
    ids = ", ".join(absolute_ids)
    if same_source or len(absolute_ids) == 1:
        whose = "the same source's" if same_source else "another source's"
        versus = f"{whose} absolute claim for the window is {format_km2(absolute_km2)} ({ids})"
    else:
        versus = f"other sources' absolute claims for the window have a median of {format_km2(absolute_km2)} ({ids})"
    message = f"{derivation}, but {versus}: {ratio:.1f}x"
    return flag("share_vs_absolute", "warning", message, derived_km2=derived_km2, absolute_km2=absolute_km2,
                ratio=ratio, absolute_claims=list(absolute_ids), same_source=same_source)


def spread_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per-window spread of held-area claims, one row per claim.

    ``records`` are dicts with claim_id, source, outlet, kind, window, km2 and
    derived (True when the area comes from a share). Returns the rows of
    :func:`geomap.geometry.spread_table` in window then claim order.
    """
    by_window: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if r["kind"] in SPREAD_KINDS and r.get("km2") is not None and r["km2"] > 0:
            by_window.setdefault(r["window"], []).append(r)
    rows = []
    for window in sorted(by_window, key=window_sort_key):
        members = sorted(by_window[window], key=lambda r: natural_claim_key(r["claim_id"]))
        values = [float(r["km2"]) for r in members]
        median = float(statistics.median(values))
        distances = [abs(math.log(v / median)) for v in values]
        furthest = max(distances)
        n_sources = len({r["source"] for r in members})
        for record, value, distance in zip(members, values, distances):
            rows.append({
                "window": window, "claim_id": record["claim_id"], "source": record["source"],
                "outlet": record.get("outlet"), "kind": record["kind"], "km2": stable(value),
                "derived": bool(record.get("derived")), "n_claims": len(members), "n_sources": n_sources,
                "min_km2": stable(min(values)), "median_km2": stable(median), "max_km2": stable(max(values)),
                "deviation_pct": stable(100.0 * (value / median - 1.0)),
                "furthest": len(members) > 1 and furthest > 0 and math.isclose(distance, furthest),
            })
    return rows


def spread_flag(row: dict[str, Any]) -> dict[str, Any]:
    """The spread row of one claim as a flag."""
    deviation = row["deviation_pct"]
    warn = row["furthest"] and abs(deviation) > 100.0 * SPREAD_WARNING
    position = ("at the median" if abs(deviation) < 0.5
                else f"{abs(deviation):.0f} % {'above' if deviation > 0 else 'below'} the median")
    message = (f"window {row['window']}: {format_number(row['min_km2'])}-{format_km2(row['max_km2'])}, median "
               f"{format_km2(row['median_km2'])} ({_count(row['n_claims'], 'claim')}, {_count(row['n_sources'], 'source')}); "
               f"this claim is {position}" + ("; furthest from the median" if row["furthest"] else ""))
    return flag("spread", "warning" if warn else "info", message, window=row["window"], min_km2=row["min_km2"],
                median_km2=row["median_km2"], max_km2=row["max_km2"], n_claims=row["n_claims"],
                n_sources=row["n_sources"], deviation_pct=deviation, furthest=row["furthest"])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def window_sort_key(window: str) -> tuple[int, str]:
    """Dated windows in order, "undated" last."""
    return (1, window) if window == "undated" else (0, window)
